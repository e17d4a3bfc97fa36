"""The medication plan's services: decisions with reasons, versions kept, tapers accepted."""

import pytest
from django.core.exceptions import ValidationError

from patients.models import AccessLogEntry, EpisodeEvent, EpisodeStatus
from patients.services import episode_discharge
from plans import selectors, services
from plans.models import (
    MedicationPlanVersion,
    PlanLine,
    PlanLineKind,
    PlanLineStatus,
    TaperSchedule,
)
from tests.factories import make_unit
from tests.plans.test_plan_cast import (
    ALPRAZOLAM_TAPER,
    FIXED_NOW,
    accept_alprazolam_taper,
    benzodiazepine_outpatient,
)


@pytest.fixture
def unit(clinician, nurse):
    return make_unit(name="Avrusning Vest", staff=[clinician, nurse])


@pytest.fixture
def episode(unit, clinician):
    return benzodiazepine_outpatient(unit=unit, clinician=clinician)


def proposal(episode, code="benzodiazepine.benzodiazepine_taper_add_on"):
    found = selectors.proposal_by_code(episode, code)
    assert found is not None
    return found


def test_the_intake_gives_the_benzodiazepine_proposals(episode):
    groups = selectors.medication_proposals(episode)
    benzodiazepine = next(group for group in groups if group.regimen == "benzodiazepine")
    codes = [line.code for line in benzodiazepine.lines]
    assert codes[:2] == [
        "benzodiazepine.benzodiazepine_taper",
        "benzodiazepine.benzodiazepine_taper_add_on",
    ]
    assert benzodiazepine.lines[0].refs == ("9.4-1", "9.3.1-1")


def test_accepting_a_proposal_puts_it_in_the_plan_as_proposed(episode, clinician):
    line = services.medication_plan_line_accept(
        episode=episode, proposal=proposal(episode), user=clinician, now=FIXED_NOW
    )
    assert line.status == PlanLineStatus.ACCEPTED
    assert line.source["engine_code"] == "benzodiazepine_taper_add_on"
    assert line.refs == ["9.4-2"]
    assert line.decided_by == clinician


def test_an_adjustment_needs_a_reason(episode, clinician):
    with pytest.raises(ValidationError) as raised:
        services.medication_plan_line_adjust(
            episode=episode,
            proposal=proposal(episode),
            adjusted={"dose": "300 mg x 2"},
            reason="  ",
            user=clinician,
        )
    assert "reason" in raised.value.message_dict
    assert not PlanLine.objects.exists()


def test_an_adjustment_needs_something_adjusted(episode, clinician):
    with pytest.raises(ValidationError) as raised:
        services.medication_plan_line_adjust(
            episode=episode,
            proposal=proposal(episode),
            adjusted={"dose": "", "note": " "},
            reason="Lavere dose",
            user=clinician,
        )
    assert "adjusted" in raised.value.message_dict


def test_an_adjustment_keeps_the_proposal_beside_the_change(episode, clinician):
    line = services.medication_plan_line_adjust(
        episode=episode,
        proposal=proposal(episode),
        adjusted={"dose": "Valproat 300 mg x 2", "schedule": "", "note": ""},
        reason="Nedsatt leverfunksjon",
        user=clinician,
    )
    assert line.status == PlanLineStatus.ADJUSTED
    assert line.adjusted == {"dose": "Valproat 300 mg x 2"}
    assert line.reason == "Nedsatt leverfunksjon"
    assert line.source["message"].startswith("Carbamazepine or valproic acid")


def test_a_removal_needs_a_reason(episode, clinician):
    with pytest.raises(ValidationError) as raised:
        services.medication_plan_line_remove(
            episode=episode, proposal=proposal(episode), reason="", user=clinician
        )
    assert "reason" in raised.value.message_dict
    assert not PlanLine.objects.exists()


def test_every_change_is_a_new_version_and_earlier_versions_are_kept(episode, clinician):
    services.medication_plan_line_accept(
        episode=episode, proposal=proposal(episode), user=clinician
    )
    services.medication_plan_line_remove(
        episode=episode, proposal=proposal(episode), reason="Ikke aktuelt", user=clinician
    )
    versions = selectors.plan_versions(episode)
    assert [v.version for v in versions] == [2, 1]
    first, second = versions[1].snapshot, versions[0].snapshot
    assert first["lines"][0]["status"] == "accepted"
    assert second["lines"][0]["status"] == "removed"
    assert second["lines"][0]["reason"] == "Ikke aktuelt"
    assert versions[0].reason == "Ikke aktuelt"
    assert episode.medication_plan.version == 2


def test_a_decision_writes_the_plan_event_and_the_access_log(episode, clinician):
    services.medication_plan_line_accept(
        episode=episode, proposal=proposal(episode), user=clinician
    )
    event = EpisodeEvent.objects.get(kind="line_accepted")
    assert event.by == clinician
    assert event.details["code"] == "benzodiazepine.benzodiazepine_taper_add_on"
    assert AccessLogEntry.objects.filter(
        patient=episode.patient, action="update", what="medication plan"
    ).exists()


def test_a_closed_episode_plan_cannot_change(episode, clinician):
    episode_discharge(episode=episode, user=clinician)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.DISCHARGED
    with pytest.raises(ValidationError):
        services.medication_plan_line_accept(
            episode=episode, proposal=proposal(episode), user=clinician
        )


def test_accepting_a_taper_stores_the_request_and_the_schedule(episode, clinician):
    taper = accept_alprazolam_taper(episode, clinician)
    assert taper.taper_drug == "oxazepam"
    assert taper.start_date.isoformat() == "2026-12-01"
    assert taper.request == ALPRAZOLAM_TAPER
    assert taper.computed["start_mg_per_day"] == 60
    line = taper.line
    assert (line.kind, line.code, line.status) == ("taper", "taper_benzodiazepine", "accepted")
    assert "9.3.1-1" in line.refs
    version = selectors.plan_versions(episode)[0]
    assert version.change == "taper_accepted"
    assert version.snapshot["tapers"][0]["request"] == ALPRAZOLAM_TAPER


def test_the_taper_calendar_is_computed_from_the_stored_request(episode, clinician):
    accept_alprazolam_taper(episode, clinician)
    (view,) = selectors.current_tapers(episode)
    assert view.periods[0].total == "60"
    assert view.periods[0].cells[0] == ("20", "2 × 10 mg")
    assert view.periods[-1].stop
    assert not view.recomputed_differs


def test_a_bad_taper_request_names_the_field_and_stores_nothing(episode, clinician):
    with pytest.raises(ValidationError) as raised:
        accept_alprazolam_taper(episode, clinician, weekly_reduction_percent=30)
    assert list(raised.value.message_dict) == ["weekly_reduction_percent"]
    assert not TaperSchedule.objects.exists()
    assert not PlanLine.objects.exists()


def test_a_start_dose_of_the_clinicians_own_is_an_adjustment_with_a_reason(episode, clinician):
    with pytest.raises(ValidationError) as raised:
        accept_alprazolam_taper(episode, clinician, start_mg_per_day=50)
    assert "reason" in raised.value.message_dict
    taper = services.taper_schedule_accept(
        episode=episode,
        request_data={**ALPRAZOLAM_TAPER, "start_mg_per_day": 50},
        reason="Har brukt mindre enn oppgitt siste uke",
        user=clinician,
    )
    assert taper.line.status == PlanLineStatus.ADJUSTED
    assert taper.line.reason == "Har brukt mindre enn oppgitt siste uke"


def test_a_new_taper_replaces_the_earlier_one_which_is_kept(episode, clinician):
    first = accept_alprazolam_taper(episode, clinician)
    second = accept_alprazolam_taper(episode, clinician, weekly_reduction_percent=20)
    first.refresh_from_db()
    assert first.replaced_at is not None
    assert second.replaced_at is None
    assert TaperSchedule.objects.count() == 2
    (view,) = selectors.current_tapers(episode)
    assert view.schedule == second
    assert MedicationPlanVersion.objects.count() == 2


def test_a_removed_taper_gives_no_doses(episode, clinician):
    taper = accept_alprazolam_taper(episode, clinician)
    services.medication_plan_line_remove(
        episode=episode,
        proposal=taper.line.source,
        kind=PlanLineKind.TAPER,
        reason="Pasienten ønsker ikke nedtrapping nå",
        user=clinician,
    )
    assert selectors.current_tapers(episode) == []
    assert selectors.todays_doses(episode, taper.start_date).doses == ()


def test_todays_doses_are_the_taper_day_by_local_date(episode, clinician):
    taper = accept_alprazolam_taper(episode, clinician)
    today = selectors.todays_doses(episode, taper.start_date)
    assert [(d.time, d.mg, d.tablets) for d in today.doses] == [
        ("08:00", "20", "2 × 10 mg"),
        ("14:00", "20", "2 × 10 mg"),
        ("20:00", "20", "2 × 10 mg"),
    ]
    assert today.doses[0].drug == "oksazepam"


def test_the_first_day_without_the_drug_is_said_and_has_no_doses(episode, clinician):
    taper = accept_alprazolam_taper(episode, clinician)
    (view,) = selectors.current_tapers(episode)
    today = selectors.todays_doses(episode, view.stop_date)
    assert today.doses == ()
    assert today.stop_days == ("oksazepam",)
    assert taper.start_date < view.stop_date


def test_the_current_plan_shows_the_calendar_as_accepted_not_recomputed(episode, clinician):
    """Pages, the print view and the PDF read the stored calendar; when today's tables would
    compute another one, the plan page says so instead of silently showing the new one."""
    accept_alprazolam_taper(episode, clinician)
    schedule = TaperSchedule.objects.get(line__plan__episode=episode)
    accepted_days = schedule.computed["days"]
    # Stands in for a change of the tables: the stored request no longer gives this calendar.
    TaperSchedule.objects.filter(pk=schedule.pk).update(
        request={**schedule.request, "weekly_reduction_percent": 25}
    )
    (shown,) = selectors.current_tapers(episode)
    assert shown.plan["days"] == accepted_days
    assert not shown.recomputed_differs
    (checked,) = selectors.current_tapers(episode, check_tables=True)
    assert checked.plan["days"] == accepted_days
    assert checked.recomputed_differs
