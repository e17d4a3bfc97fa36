"""The discharge checklist rules (clinical/discharge.py): pure, no database, ``now`` passed in."""

import datetime as dt

import pytest

from clinical.discharge import (
    APPOINTMENT_MADE,
    ITEM_CODES,
    ChecklistFacts,
    assess_checklist,
    checklist_errors,
    missing_items,
    overdose_basis,
)

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
OVERDOSE_SET = {
    "tolerance_info_given",
    "naloxone_given",
    "discharge_conversation_held",
    "appointment_made",
}


def facts(**changes):
    values = {"uses_opioids": False, "ever_injected": False, "done": {}, "now": NOW}
    return ChecklistFacts(**{**values, **changes})


def codes(assessment):
    return {item.code for item in assessment.items}


def warning_codes(assessment):
    return [warning.code for warning in assessment.warnings]


@pytest.mark.parametrize(
    ("opioids", "injected", "basis"),
    [
        (True, True, "opioids_and_injecting"),
        (True, False, "opioids"),
        (False, True, "injecting"),
        (True, None, "opioids"),
        (None, True, "injecting"),
        (False, False, "not_required"),
        (None, False, "unknown"),
        (False, None, "unknown"),
    ],
)
def test_overdose_prevention_applies_to_opioid_use_or_any_injecting(opioids, injected, basis):
    assert overdose_basis(opioids, injected) == basis


def test_everyone_gets_follow_up_and_self_help_items():
    assessment = assess_checklist(facts())
    assert codes(assessment) == {"followup_planned", "self_help_informed"}
    assert not assessment.overdose_prevention_required


def test_opioid_use_adds_the_overdose_set_and_the_relapse_options():
    assessment = assess_checklist(facts(uses_opioids=True))
    assert codes(assessment) == {
        "followup_planned",
        "self_help_informed",
        *OVERDOSE_SET,
        "lar_discussed",
    }


def test_injecting_without_opioids_adds_the_overdose_set_but_not_lar():
    assessment = assess_checklist(facts(ever_injected=True))
    assert codes(assessment) >= OVERDOSE_SET
    assert "lar_discussed" not in codes(assessment)


def test_the_set_is_shown_when_the_intake_does_not_say_and_the_warning_says_why():
    assessment = assess_checklist(facts(uses_opioids=None, ever_injected=None))
    assert codes(assessment) >= OVERDOSE_SET
    warning = next(w for w in assessment.warnings if w.code == "overdose_basis_unknown")
    assert warning.resolution
    assert warning.refs == ("13.1-9",)


def test_missing_follow_up_is_warned_with_its_recommendation():
    assessment = assess_checklist(facts())
    warning = next(w for w in assessment.warnings if w.code == "followup_missing")
    assert warning.refs == ("6.4.1-1",)
    assert "before detox starts" in warning.message


def test_missing_follow_up_after_the_start_says_the_detox_has_started():
    assessment = assess_checklist(facts(episode_started=True))
    warning = next(w for w in assessment.warnings if w.code == "followup_missing")
    assert "has started" in warning.message


def test_no_follow_up_warning_once_it_is_planned():
    assessment = assess_checklist(facts(done={"followup_planned": True}))
    assert "followup_missing" not in warning_codes(assessment)


def test_an_incomplete_overdose_set_is_warned_listing_what_is_missing():
    done = {"followup_planned": True, "self_help_informed": True, "naloxone_given": True}
    assessment = assess_checklist(facts(uses_opioids=True, done=done))
    warning = next(w for w in assessment.warnings if w.code == "overdose_prevention_incomplete")
    assert set(warning.params["missing"]) == OVERDOSE_SET - {"naloxone_given"} | {"lar_discussed"}
    assert warning.refs == ("13.1-9", "10.3-2")


def test_the_overdose_set_applies_on_unplanned_discharge_too():
    assessment = assess_checklist(facts(uses_opioids=True, unplanned_discharge=True))
    assert codes(assessment) >= OVERDOSE_SET
    assert "unplanned_discharge" in warning_codes(assessment)


def test_unplanned_discharge_without_opioids_or_injecting_adds_no_overdose_set():
    assessment = assess_checklist(facts(unplanned_discharge=True))
    assert not OVERDOSE_SET & codes(assessment)
    assert "unplanned_discharge" not in warning_codes(assessment)


def test_a_complete_checklist_has_nothing_missing_and_no_warnings():
    assessment = assess_checklist(facts(uses_opioids=True, done=dict.fromkeys(ITEM_CODES, True)))
    assert assessment.complete
    assert assessment.warnings == ()


def test_an_appointment_in_the_past_is_pointed_out():
    earlier = NOW - dt.timedelta(days=1)
    assessment = assess_checklist(facts(appointment_at=earlier))
    assert "appointment_in_past" in warning_codes(assessment)


def test_time_i_handen_needs_a_time_and_a_named_contact():
    errors = checklist_errors({APPOINTMENT_MADE: True}, None, " ")
    assert [error.field for error in errors] == ["appointment_at", "appointment_contact"]


def test_time_i_handen_with_time_and_contact_is_accepted():
    at = NOW + dt.timedelta(days=2)
    assert checklist_errors({APPOINTMENT_MADE: True}, at, "Kari, NAV Frogner") == []


def test_a_naive_appointment_time_is_a_programming_error():
    with pytest.raises(ValueError, match="aware"):
        checklist_errors({}, dt.datetime(2026, 12, 1, 10, 0), "Kari")  # noqa: DTZ001


def test_an_unknown_item_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown"):
        checklist_errors({"coffee": True}, None, "")


def test_the_tolerance_figures_are_the_guidelines():
    from clinical.discharge import TOLERANCE_PARAMS

    assert TOLERANCE_PARAMS == {"week_low": 25, "week_high": 50, "three_weeks": 5, "factor": 16}


@pytest.mark.parametrize("uses_opioids", [True, False, None])
@pytest.mark.parametrize("ever_injected", [True, False, None])
@pytest.mark.parametrize("done_codes", [(), ("followup_planned",), ITEM_CODES])
def test_missing_items_are_the_assessments_missing(uses_opioids, ever_injected, done_codes):
    """One definition of "open": the handover's flag and the checklist page agree."""
    done = dict.fromkeys(done_codes, True)
    facts = ChecklistFacts(
        uses_opioids=uses_opioids, ever_injected=ever_injected, done=done, now=NOW
    )
    assert missing_items(uses_opioids, ever_injected, done) == assess_checklist(facts).missing


def test_items_that_do_not_apply_are_never_missing():
    # Alcohol only, never injected: the overdose set and the opioid items do not apply, even when
    # a stored checklist holds them unticked.
    done = dict.fromkeys(ITEM_CODES, False)
    assert set(missing_items(False, False, done)) == {"followup_planned", "self_help_informed"}
    assert set(missing_items(True, False, done)) == set(ITEM_CODES)
    assert set(missing_items(False, True, {})) == {"followup_planned", "self_help_informed"} | (
        OVERDOSE_SET
    )
