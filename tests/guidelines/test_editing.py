"""Administrators edit a recommendation's text, items and grade; every version is kept."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from guidelines.models import Recommendation
from guidelines.services import StaleEditError, recommendation_restore, recommendation_update
from tests.guidelines.conftest import rec

# An edit comes after the shipped version, which the data migration stores at the wall-clock time
# the test database is made: a fixed NOW (it was 2027-02-01) sorts before it once that day is past,
# and ``history.first()`` is then the shipped version, not the edit. A day ahead of collection time.
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1)
REF = "8.4.3-2"
EDIT = reverse("recommendation-edit", args=[REF])
HISTORY = reverse("recommendation-history", args=[REF])
ORIGINAL = "Det bør gis valproinsyre 600-900 mg som engangsdose ved promille under 1"


def edit_form(**changes):
    valproate = rec(REF)
    data = {
        "text": valproate.text,
        "items": "",
        "grade": valproate.grade,
        "reason": "Presisering",
        "version": valproate.version,
    }
    data.update(changes)
    return data


# --- the service ---------------------------------------------------------------------------


def test_an_edit_is_a_new_version_with_who_when_and_why(guideline, administrator):
    valproate = recommendation_update(
        recommendation=rec(REF),
        text="Det bør gis valproinsyre 600 mg",
        items=[{"text": "Ikke ved leversvikt", "items": []}],
        grade="B",
        user=administrator,
        reason="Ny dosering",
        now=NOW,
    )
    assert (valproate.version, valproate.grade, valproate.changed_by) == (2, "B", administrator)
    assert valproate.is_edited
    latest = valproate.history.first()
    assert latest.history_user == administrator
    assert latest.history_date == NOW
    assert latest.history_change_reason == "Ny dosering"
    assert latest.text == "Det bør gis valproinsyre 600 mg"
    assert "leversvikt" in rec(REF).search_text


def test_a_nurse_cannot_edit_through_the_service(guideline, nurse):
    with pytest.raises(PermissionDenied):
        recommendation_update(
            recommendation=rec(REF), text="x", items=[], grade="A", user=nurse, now=NOW
        )
    assert rec(REF).version == 1


def test_an_edit_that_changes_nothing_is_refused(guideline, administrator):
    valproate = rec(REF)
    with pytest.raises(ValidationError):
        recommendation_update(
            recommendation=valproate,
            text=valproate.text,
            items=valproate.items,
            grade=valproate.grade,
            user=administrator,
            now=NOW,
        )
    assert valproate.history.count() == 1


def test_an_edit_from_an_outdated_version_is_refused(guideline, administrator):
    recommendation_update(
        recommendation=rec(REF),
        text="Første",
        items=[],
        grade="A",
        user=administrator,
        reason="Test",
        now=NOW,
    )
    with pytest.raises(StaleEditError):
        recommendation_update(
            recommendation=rec(REF),
            text="Andre",
            items=[],
            grade="A",
            user=administrator,
            reason="Test",
            now=NOW,
            base_version=1,
        )
    assert rec(REF).text == "Første"


def test_restore_brings_back_an_earlier_version_as_a_new_one(guideline, administrator):
    first = rec(REF).history.get()
    recommendation_update(
        recommendation=rec(REF),
        text="Feil tekst",
        items=[],
        grade="C",
        user=administrator,
        reason="Test",
        now=NOW,
    )
    with translation.override("en"):
        restored = recommendation_restore(
            recommendation=rec(REF),
            history_id=first.history_id,
            user=administrator,
            reason="Feil tekst lagret",
            now=NOW,
        )
    assert restored.text.startswith(ORIGINAL)
    assert (restored.grade, restored.version) == ("A", 3)
    assert not restored.is_edited
    assert restored.history.count() == 3
    day = timezone.localdate(first.history_date).isoformat()
    assert restored.history.first().history_change_reason == (
        f"Restored the version of {day} (version 1). Feil tekst lagret"
    )


def test_restore_of_another_recommendations_version_is_refused(guideline, administrator):
    other = rec("8.4.3-1").history.get()
    with pytest.raises(ValidationError):
        recommendation_restore(
            recommendation=rec(REF), history_id=other.history_id, user=administrator, now=NOW
        )


# --- the pages ------------------------------------------------------------------------------


def test_administrator_edits_sees_the_diff_in_the_history_and_restores(
    client, administrator, guideline
):
    client.force_login(administrator)
    assert client.get(EDIT).status_code == 200

    response = client.post(
        EDIT,
        edit_form(
            text=rec(REF).text.replace("600-900 mg", "600 mg"),
            items="Ikke ved leversvikt\n  se 8.4.3-3",
            grade="B",
            reason="Presisering",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == HISTORY
    assert rec(REF).grade == "B"
    assert rec(REF).items == [
        {"text": "Ikke ved leversvikt", "items": [{"text": "se 8.4.3-3", "items": []}]}
    ]

    html = client.get(HISTORY).content.decode()
    assert "Presisering" in html
    assert "Frode Fagansvarlig" in html
    assert '<del><span class="visually-hidden">' in html
    assert re.search(r"<del>(?:(?!</del>).)*600-900", html)
    assert "<ins>" in html
    assert html.count('data-testid="history-entry"') == 2

    first = rec(REF).history.last()
    response = client.post(HISTORY, {"history_id": first.history_id, "reason": "Tilbake"})
    assert response.status_code == 302
    valproate = rec(REF)
    assert valproate.text.startswith(ORIGINAL)
    assert (valproate.grade, valproate.items, valproate.version) == ("A", [], 3)
    assert valproate.history.first().history_change_reason.endswith(" Tilbake")


def test_the_detail_page_shows_who_changed_it_last(client, administrator, guideline):
    client.force_login(administrator)
    client.post(EDIT, edit_form(text="Ny tekst"))
    html = client.get(rec(REF).get_absolute_url()).content.decode()
    assert "Frode Fagansvarlig" in html
    assert "versjon 2" in html


@pytest.mark.parametrize("role", ["nurse", "clinician"])
def test_nurses_and_clinicians_get_403_on_edit_and_restore(client, make_user, guideline, role):
    client.force_login(make_user(role))
    first = rec(REF).history.get()
    assert client.get(EDIT).status_code == 403
    assert client.post(EDIT, edit_form(text="Hack")).status_code == 403
    assert client.post(HISTORY, {"history_id": first.history_id}).status_code == 403
    assert rec(REF).version == 1
    # They may read the history.
    assert client.get(HISTORY).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"text": "   "}, "text"),
        ({"grade": "E"}, "grade"),
        ({"items": "Item\n      far too deep"}, "items"),
        ({"reason": "x" * 501}, "reason"),
    ],
)
def test_invalid_input_shows_errors_and_saves_nothing(
    client, administrator, guideline, changes, field
):
    client.force_login(administrator)
    response = client.post(EDIT, edit_form(**changes))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert f'id="id_{field}-errors"' in response.content.decode()
    assert rec(REF).version == 1
    assert rec(REF).history.count() == 1


def test_a_stale_form_is_refused_but_keeps_the_editors_text(client, administrator, guideline):
    client.force_login(administrator)
    stale = edit_form(text="Første endring")
    client.post(EDIT, stale)
    response = client.post(EDIT, {**stale, "text": "Andre endring"})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.non_field_errors()
    assert rec(REF).text == "Første endring"
    assert "Andre endring" in response.content.decode()
    # Saving the kept form again is a deliberate replacement of the newer version.
    assert client.post(EDIT, form.data).status_code == 302
    assert rec(REF).text == "Andre endring"
    assert rec(REF).version == 3


def test_the_edit_form_shows_the_items_in_the_one_per_line_format(client, administrator, guideline):
    client.force_login(administrator)
    html = client.get(reverse("recommendation-edit", args=["4.2-4"])).content.decode()
    assert "Mengde rusmiddel og intervall mellom inntak\n  Alvorlige intoksikasjoner" in html


def test_only_rows_of_the_recommendation_change(client, administrator, guideline):
    before = dict(Recommendation.objects.exclude(ref=REF).values_list("ref", "version"))
    client.force_login(administrator)
    client.post(EDIT, edit_form(text="Ny tekst"))
    assert dict(Recommendation.objects.exclude(ref=REF).values_list("ref", "version")) == before


def test_the_history_page_costs_the_same_queries_however_many_versions(
    client, administrator, guideline
):
    client.force_login(administrator)
    client.get(HISTORY)
    with CaptureQueriesContext(connection) as one_version:
        client.get(HISTORY)
    for n in range(4):
        client.post(EDIT, edit_form(text=f"Endring {n}"))
    with CaptureQueriesContext(connection) as five_versions:
        html = client.get(HISTORY).content.decode()
    assert html.count('data-testid="history-entry"') == 5
    assert len(five_versions) == len(one_version)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("nb", "Oppgi en grunn for endringen"),
        ("en", "Give a reason for the change: it is kept in the history."),
    ],
)
def test_an_edit_or_restore_without_a_reason_is_refused(
    client, guideline, administrator, language, message
):
    client.force_login(administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    first = rec(REF).history.get()
    response = client.post(EDIT, edit_form(text="Ny tekst", reason="  "))
    assert response.status_code == 400
    assert rec(REF).version == first.version
    with pytest.raises(ValidationError) as refused, translation.override(language):
        recommendation_update(
            recommendation=rec(REF),
            text="Ny tekst",
            items=[],
            grade="A",
            user=administrator,
            reason="",
            now=NOW,
        )
    assert message in str(refused.value)
    recommendation_update(
        recommendation=rec(REF),
        text="Ny",
        items=[],
        grade="A",
        user=administrator,
        reason="R",
        now=NOW,
    )
    with pytest.raises(ValidationError):
        recommendation_restore(
            recommendation=rec(REF),
            history_id=first.history_id,
            user=administrator,
            reason="",
            now=NOW,
        )
    response = client.post(HISTORY, {"history_id": first.history_id, "reason": ""})
    assert response.status_code == 400
    assert rec(REF).text == "Ny"
