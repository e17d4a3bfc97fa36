"""One audit trail (issue 13): every plan service leaves one event on the episode's trail with
who, when, what, old → new and why, and the episode's history page shows the plan's changes."""

import datetime as dt

import pytest
from django.urls import reverse

from clinical.tapers import taper_plan
from patients.models import EpisodeEvent
from plans import history, selectors, services
from plans.models import CarePlanError, MedicationPlanVersion, TaperSchedule
from tests.factories import make_unit
from tests.plans.test_plan_cast import (
    ALPRAZOLAM_TAPER,
    FIXED_NOW,
    accept_alprazolam_taper,
    benzodiazepine_outpatient,
)

LATER = FIXED_NOW + dt.timedelta(hours=1)
CODE = "benzodiazepine.benzodiazepine_taper_add_on"


class RecordingTask:
    def __init__(self):
        self.queued = []

    def delay(self, care_plan_id):
        self.queued.append(care_plan_id)


@pytest.fixture
def episode(clinician, nurse):
    unit = make_unit(name="Avrusning Vest", staff=[clinician, nurse])
    return benzodiazepine_outpatient(unit=unit, clinician=clinician)


def proposal(episode):
    found = selectors.proposal_by_code(episode, CODE)
    assert found is not None
    return found


def last(episode, kind):
    return EpisodeEvent.objects.filter(episode=episode, kind=kind).latest("at", "pk")


def test_accepting_a_line_records_who_when_what_and_the_new_decision(episode, clinician):
    services.medication_plan_line_accept(
        episode=episode, proposal=proposal(episode), user=clinician, now=FIXED_NOW
    )
    event = last(episode, "line_accepted")
    assert (event.by, event.at, event.subject) == (clinician, FIXED_NOW, f"plan_line:{CODE}")
    assert event.old is None
    assert event.new["status"] == "accepted"
    assert event.details["version"] == 1


def test_changing_a_line_records_old_and_new_and_the_reason(episode, clinician):
    services.medication_plan_line_accept(
        episode=episode, proposal=proposal(episode), user=clinician, now=FIXED_NOW
    )
    services.medication_plan_line_adjust(
        episode=episode,
        proposal=proposal(episode),
        adjusted={"dose": "halv dose"},
        reason="Lav vekt",
        user=clinician,
        now=LATER,
    )
    event = last(episode, "line_adjusted")
    assert event.old["status"] == "accepted"
    assert event.new == {
        "status": "adjusted",
        "adjusted": {"dose": "halv dose"},
        "reason": "Lav vekt",
        "decided_at": LATER.isoformat(),
    }
    assert (event.reason, event.at) == ("Lav vekt", LATER)
    services.medication_plan_line_remove(
        episode=episode, proposal=proposal(episode), reason="Ikke aktuelt", user=clinician
    )
    removed = last(episode, "line_removed")
    assert (removed.old["status"], removed.new["status"]) == ("adjusted", "removed")
    assert removed.reason == "Ikke aktuelt"


def test_a_taper_records_the_earlier_and_the_new_taper(episode, clinician):
    accept_alprazolam_taper(episode, clinician)
    first = last(episode, "taper_accepted")
    assert first.old is None
    assert first.subject == "taper:taper_benzodiazepine"
    assert first.new["taper_drug"] == "oxazepam"
    assert first.new["start_date"] == "2026-12-01"
    later_start = {**ALPRAZOLAM_TAPER, "start_date": "2026-12-02"}
    services.taper_schedule_accept(
        episode=episode, request_data=later_start, user=clinician, now=LATER
    )
    second = last(episode, "taper_accepted")
    assert (second.old["start_date"], second.new["start_date"]) == ("2026-12-01", "2026-12-02")
    assert second.by == clinician


def test_a_plan_version_stores_the_taper_calendar_as_accepted(episode, clinician):
    taper = accept_alprazolam_taper(episode, clinician)
    version = MedicationPlanVersion.objects.get()
    assert version.schedule == [
        {
            "line": "taper_benzodiazepine",
            "line_status": "accepted",
            "taper": taper.pk,
            "doses_per_day": 3,
            "computed": taper_plan(ALPRAZOLAM_TAPER).to_dict(),
        }
    ]


def test_the_version_page_shows_the_stored_calendar_not_a_recomputed_one(
    client, episode, clinician
):
    accept_alprazolam_taper(episode, clinician)
    version = MedicationPlanVersion.objects.get()
    # The tables change later: the stored calendar is what the version shows.
    stored = dict(version.schedule[0]["computed"])
    stored["start_mg_per_day"] = 999
    version.schedule = [{**version.schedule[0], "computed": stored}]
    version.save(update_fields=["schedule"])
    TaperSchedule.objects.update(request={**ALPRAZOLAM_TAPER, "current_use": []})
    views, unreadable = history.version_tapers(version)
    assert unreadable == []
    assert views[0].start_mg == "999"
    client.force_login(clinician)
    page = client.get(reverse("medication-plan-version", args=[episode.pk, 1]))
    assert page.status_code == 200
    assert "999" in page.content.decode()


def test_a_discharge_checklist_change_records_old_new_and_the_reason(episode, clinician, nurse):
    appointment = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)
    first = {
        "episode": episode,
        "done": {"appointment_made": True},
        "appointment_at": appointment,
        "appointment_contact": "Per Hansen",
    }
    services.discharge_checklist_update(user=nurse, now=FIXED_NOW, **first)
    services.discharge_checklist_update(
        user=clinician,
        now=LATER,
        reason="Flyttet",
        **{**first, "appointment_at": appointment + dt.timedelta(days=1)},
    )
    event = last(episode, "discharge_updated")
    assert (event.by, event.at, event.reason, event.subject) == (
        clinician,
        LATER,
        "Flyttet",
        "discharge_checklist",
    )
    assert event.old == {"appointment_at": appointment.isoformat()}
    assert event.new == {"appointment_at": (appointment + dt.timedelta(days=1)).isoformat()}


def test_care_plan_request_and_failure_are_on_the_trail(
    episode, clinician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        care_plan = services.care_plan_request(
            episode=episode, user=clinician, task=RecordingTask(), now=FIXED_NOW
        )
    requested = last(episode, "care_plan_requested")
    assert (requested.by, requested.at, requested.subject) == (
        clinician,
        FIXED_NOW,
        f"care_plan:{care_plan.pk}",
    )
    assert requested.old is None
    assert requested.new == {"status": "pending", "version": 1}
    services.care_plan_fail(
        care_plan_id=care_plan.pk, code=CarePlanError.RENDER, detail="boom", now=LATER
    )
    failed = last(episode, "care_plan_failed")
    assert (failed.old, failed.new) == (
        {"status": "pending"},
        {"status": "failed", "error": "render"},
    )
    assert failed.reason


def test_the_episode_history_page_shows_the_plans_changes(client, episode, clinician):
    services.medication_plan_line_accept(
        episode=episode, proposal=proposal(episode), user=clinician, now=FIXED_NOW
    )
    services.medication_plan_line_adjust(
        episode=episode,
        proposal=proposal(episode),
        adjusted={"dose": "halv dose"},
        reason="Lav vekt hos pasienten",
        user=clinician,
        now=LATER,
    )
    client.force_login(clinician)
    page = client.get(reverse("episode-history", args=[episode.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-kind="line_adjusted"' in html
    assert 'data-kind="line_accepted"' in html
    assert "Lav vekt hos pasienten" in html
    assert f"plan_line:{CODE}" in html
    assert "halv dose" in html
    assert reverse("medication-plan-version", args=[episode.pk, 2]) in html
