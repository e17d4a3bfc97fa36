"""Issue 14: the dose loop on the result page (confirmation, advice at now, an empty form, a
double submit said plainly and stored once), the API's 409, and the advice counted at now."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from scoring.models import MedicationAdministration
from tests.scoring.factories import give, make_inpatient, score, set_history


def now_minute():
    return timezone.now().replace(second=0, microsecond=0)


@pytest.fixture
def episode(ward, clinician):
    episode = make_inpatient(unit=ward, given_name="Kari", family_name="Hansen")
    set_history(episode, user=clinician, complications=["delirium_tremens"])
    return episode


@pytest.fixture
def as_nurse(client, nurse):
    client.force_login(nurse)
    return client


def _form_fields(page):
    form = page[page.index('data-testid="dose-form"') :]
    form = form[: form.index("</form>")]
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', form)
    dose = re.search(r'name="dose_mg"[^>]*>', form)
    return form, key.group(1) if key else None, dose.group(0) if dose else ""


def _dose(assessment, key, mg="10"):
    return {
        "drug": "diazepam",
        "dose_mg": mg,
        "route": "oral",
        "assessment": assessment.pk,
        "submission_key": key,
        "next": reverse("assessment-detail", args=[assessment.pk]),
    }


def test_a_dose_from_the_result_page_confirms_recounts_and_clears_the_form(
    as_nurse, episode, nurse
):
    observed = now_minute() - dt.timedelta(minutes=5)
    assessment = score(episode, user=nurse, total=17, observed_at=observed, now=timezone.now())
    url = reverse("assessment-detail", args=[assessment.pk])
    page = as_nurse.get(url).content.decode()
    _form, key, dose_input = _form_fields(page)
    assert key
    assert 'value="10"' in dose_input  # proposed until a dose answers the score
    assert 'data-testid="diazepam-given"' not in page

    response = as_nurse.post(
        reverse("administration-create", args=[episode.pk]), _dose(assessment, key)
    )
    assert response.status_code == 302
    page = as_nurse.get(url).content.decode()

    assert "Dose registrert: diazepam 10 mg" in page
    given = page[page.index('data-testid="diazepam-given"') :]
    assert "10 mg" in given[: given.index("</p>")]
    _form, new_key, dose_input = _form_fields(page)
    assert new_key
    assert new_key != key
    assert "value=" not in dose_input  # the form is empty after a dose

    # A second dose from the fresh form is counted at once: 20 mg in the escalation.
    as_nurse.post(reverse("administration-create", args=[episode.pk]), _dose(assessment, new_key))
    page = as_nurse.get(url).content.decode()
    given = page[page.index('data-testid="diazepam-given"') :]
    assert "20 mg" in given[: given.index("</p>")]


def test_the_same_form_sent_twice_says_already_registered_and_stores_once(as_nurse, episode, nurse):
    assessment = score(episode, user=nurse, total=17, observed_at=now_minute())
    url = reverse("assessment-detail", args=[assessment.pk])
    _form, key, _dose_input = _form_fields(as_nurse.get(url).content.decode())
    create = reverse("administration-create", args=[episode.pk])
    as_nurse.post(create, _dose(assessment, key))
    as_nurse.get(url)  # the confirmation is shown once
    response = as_nurse.post(create, _dose(assessment, key), follow=True)

    stored = MedicationAdministration.objects.get()
    clock = timezone.localtime(stored.entered_at).strftime("%H.%M")
    assert f"Allerede registrert kl. {clock}." in response.content.decode()
    assert MedicationAdministration.objects.count() == 1


def test_the_api_answers_a_double_submit_with_409_in_the_error_body_shape(client, episode, nurse):
    client.force_login(nurse)
    url = f"/api/v1/episodes/{episode.pk}/medications/"
    body = {"drug": "diazepam", "dose_mg": "10", "route": "oral"}
    first = client.post(url, body, content_type="application/json")
    assert first.status_code == 201, first.content
    second = client.post(url, body, content_type="application/json")
    assert second.status_code == 409
    (problem,) = second.json()["errors"]
    assert problem["code"] == "already_recorded"
    assert problem["existing"] == first.json()["id"]
    assert MedicationAdministration.objects.count() == 1


def test_an_older_score_keeps_its_advice_as_it_stood(as_nurse, episode, nurse):
    now = timezone.now()
    older = score(episode, user=nurse, total=17, observed_at=now - dt.timedelta(hours=2))
    score(episode, user=nurse, total=17, observed_at=now - dt.timedelta(hours=1))

    give(episode, user=nurse, given_at=now - dt.timedelta(minutes=30))
    page = as_nurse.get(reverse("assessment-detail", args=[older.pk])).content.decode()
    assert 'data-testid="diazepam-given"' not in page


def _advice_text(page, code):
    """The text of the advice line ``code`` on the result page, or None when there is none."""
    marker = f'data-testid="advice-{code}"'
    if marker not in page:
        return None
    line = page[page.index(marker) :]
    line = line[line.index('class="advice-text">') :]
    return line[len('class="advice-text">') : line.index("</span>")]


def _clock(moment):
    """The local time as a Norwegian page writes it: 08.22."""
    local = timezone.localtime(moment)
    return rf"{local:%H}\.{local:%M}"


def test_a_dose_from_the_result_page_changes_the_advice_line(as_nurse, episode, nurse):
    """Audit: the dose tests checked the totals and the emptied form, not the advice: after a
    dose, "diazepam 10 mg now" gives way to the next hourly dose's time, and the last dose's time
    follows each new dose."""
    start = now_minute()
    with time_machine.travel(start, tick=True) as clock:
        assessment = score(
            episode, user=nurse, total=17, observed_at=start - dt.timedelta(minutes=5), now=start
        )
        url = reverse("assessment-detail", args=[assessment.pk])
        create = reverse("administration-create", args=[episode.pk])
        page = as_nurse.get(url).content.decode()
        assert "per os nå" in _advice_text(page, "diazepam_hourly")
        assert _advice_text(page, "diazepam_not_yet_due") is None

        _form, key, _dose_input = _form_fields(page)
        as_nurse.post(create, _dose(assessment, key))
        first = MedicationAdministration.objects.get().given_at
        page = as_nurse.get(url).content.decode()

        hourly = _advice_text(page, "diazepam_hourly")
        assert "per os nå" not in hourly
        due = first + dt.timedelta(hours=1)
        assert re.search(_clock(due), hourly)
        waiting = _advice_text(page, "diazepam_not_yet_due")
        assert waiting is not None
        assert re.search(rf"gitt kl\. {_clock(first)}\b.*kl\. {_clock(due)}", waiting)

        clock.move_to(start + dt.timedelta(minutes=20))
        _form, key, _dose_input = _form_fields(page)
        as_nurse.post(create, _dose(assessment, key))
        second = MedicationAdministration.objects.latest("given_at").given_at
        assert second - first >= dt.timedelta(minutes=19)
        page = as_nurse.get(url).content.decode()

        waiting = _advice_text(page, "diazepam_not_yet_due")
        later = second + dt.timedelta(hours=1)
        assert re.search(rf"gitt kl\. {_clock(second)}\b.*kl\. {_clock(later)}", waiting)
        assert not re.search(rf"kl\. {_clock(first)}\b", waiting)


@pytest.mark.parametrize(
    ("language", "due_words", "given_words"),
    [
        ("nb", "{d:%d.%m.%Y} kl. {d:%H.%M}", "gitt kl. {g:%H.%M}"),
        ("en", "{d:%Y-%m-%d %H:%M}", "given at {g:%H:%M}"),
    ],
)
def test_the_advice_s_times_are_in_the_language_s_format(
    as_nurse, episode, nurse, settings, language, due_words, given_words
):
    """Audit: the result page showed the advice's times as the kernel writes them ("kl. 19:50",
    "06.12.2026 20:45") in both languages; they are rendered like every other time."""
    now = now_minute()
    assessment = score(
        episode, user=nurse, total=17, observed_at=now - dt.timedelta(minutes=5), now=now
    )
    dose = give(episode, user=nurse, given_at=now - dt.timedelta(minutes=4))
    as_nurse.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = as_nurse.get(reverse("assessment-detail", args=[assessment.pk])).content.decode()

    due = timezone.localtime(assessment.observed_at + dt.timedelta(hours=1))
    given = timezone.localtime(dose.given_at)
    assert due_words.format(d=due) in _advice_text(page, "ciwa_monitoring_interval")
    assert given_words.format(g=given) in _advice_text(page, "diazepam_not_yet_due")
