"""Issue 14: what cites a recommendation follows an administrator's edit of it at once: the
grade and text shown beside an advice line, on the result page and in the advice API."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from guidelines.models import Recommendation
from guidelines.services import recommendation_update
from tests.scoring.factories import score

MARKER = "Redigert tekst 7f3a: lege tilkalles straks ved delirium tremens."


@pytest.fixture
def edited(administrator):
    """8.4.5-2 edited by an administrator, with a new grade too."""

    def edit():
        recommendation = Recommendation.objects.get(ref="8.4.5-2")
        grade = "A" if recommendation.grade != "A" else "B"
        recommendation_update(
            recommendation=recommendation,
            text=MARKER,
            items=recommendation.item_list,
            grade=grade,
            user=administrator,
            reason="Test: the citation follows the edit",
            now=timezone.now(),
            base_version=recommendation.version,
        )
        return grade

    return edit


def _dt_line(html: str) -> str:
    start = html.index('data-testid="advice-delirium_tremens_physician"')
    return html[start : html.index("</li>", start)]


def test_the_result_page_shows_the_edited_text_and_grade(client, ward, nurse, edited):
    episode_score = score(
        _episode(ward),
        user=nurse,
        total=20,
        observed_at=timezone.now() - dt.timedelta(minutes=5),
        current_delirium=True,
    )
    client.force_login(nurse)
    url = reverse("assessment-detail", args=[episode_score.pk])
    before = _dt_line(client.get(url).content.decode())
    assert "8.4.5-2" in before
    assert MARKER not in before

    grade = edited()

    after = _dt_line(client.get(url).content.decode())
    assert MARKER in after
    assert f'class="grade-badge grade-{grade}"' in after


def test_the_advice_api_cites_the_edited_text(nurse, edited, guideline_loaded):
    api = APIClient()
    api.force_authenticate(nurse)
    body = {"total": 20, "state": {"drowsy": False, "current_delirium": True}}

    def citation():
        data = api.post("/api/v1/advice/ciwa-ar/", body, format="json").json()
        line = next(line for line in data["lines"] if line["code"] == "delirium_tremens_physician")
        return next(c for c in line["citations"] if c["ref"] == "8.4.5-2")

    assert MARKER not in citation()["text"]
    grade = edited()
    assert citation()["text"] == MARKER
    assert citation()["grade"] == grade


def _episode(ward):
    from tests.scoring.factories import make_inpatient

    return make_inpatient(unit=ward)


@pytest.fixture
def guideline_loaded(db):
    assert Recommendation.objects.filter(ref="8.4.5-2").exists()
