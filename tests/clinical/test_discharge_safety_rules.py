"""Issue 11, items 6 and 7: the pure discharge rules (clinical/discharge.py), every boundary.

- "Time i hånden" within the unit's days after discharge (O 4627-4633: "innen de første dagene
  etter løslatelse"; the risk of dying of an overdose in the first four weeks is 16 times higher,
  O 1195-1201).
- Discharge with naloxone or the tolerance information open needs a reason (13.1-9, 10.3-2).
- Benzodiazepine or GHB main users who take opioids now and then (O 2170-2174).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from clinical.discharge import (
    ChecklistFacts,
    SubstanceFacts,
    assess_checklist,
    occasional_opioid_use,
    open_set_at_discharge,
)

OSLO = ZoneInfo("Europe/Oslo")
# Monday 23 November 2026, 15:00 in Oslo.
DISCHARGE = dt.datetime(2026, 11, 23, 15, 0, tzinfo=OSLO)
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=OSLO)


def facts(**changes):
    values = {
        "uses_opioids": True,
        "ever_injected": False,
        "done": {},
        "now": NOW,
        "followup_within_days": 3,
        "discharge_at": DISCHARGE,
        "discharge_reference": "planned",
    }
    return ChecklistFacts(**{**values, **changes})


def warning(assessment, code):
    return next((w for w in assessment.warnings if w.code == code), None)


# --- "Time i hånden": the first days after discharge (O 4627-4633) ----------------------------


@pytest.mark.parametrize(
    ("appointment", "late"),
    [
        (dt.datetime(2026, 11, 24, 9, 0, tzinfo=OSLO), False),  # the day after
        (dt.datetime(2026, 11, 26, 23, 59, tzinfo=OSLO), False),  # the last minute of day 3
        (dt.datetime(2026, 11, 27, 0, 0, tzinfo=OSLO), True),  # the first minute of day 4
        (dt.datetime(2026, 12, 7, 10, 0, tzinfo=OSLO), True),  # two weeks later
    ],
)
def test_o_4627_4633_an_appointment_after_the_units_days_is_a_warning(appointment, late):
    assessment = assess_checklist(facts(appointment_at=appointment))
    found = warning(assessment, "appointment_too_late")
    assert (found is not None) == late
    if late:
        assert found.refs == ("13.1-9",)
        assert found.resolution  # the number of days is the unit's choice
        assert found.severity == "warning"
        assert found.params["days"] == 3
        assert found.params["factor"] == 16  # O 1195-1201


def test_o_4627_4633_the_days_are_oslo_calendar_days_not_utc():
    """23:30 UTC on Thursday is 00:30 on Friday in Oslo: day 4 after a Monday discharge."""
    appointment = dt.datetime(2026, 11, 26, 23, 30, tzinfo=dt.UTC)
    assert warning(assess_checklist(facts(appointment_at=appointment)), "appointment_too_late")
    earlier = dt.datetime(2026, 11, 26, 22, 30, tzinfo=dt.UTC)  # 23:30 Thursday in Oslo
    assert not warning(assess_checklist(facts(appointment_at=earlier)), "appointment_too_late")


@pytest.mark.parametrize(("days", "late"), [(1, True), (2, True), (3, False), (28, False)])
def test_o_4627_4633_the_units_setting_decides_the_window(days, late):
    appointment = dt.datetime(2026, 11, 26, 10, 0, tzinfo=OSLO)  # Thursday: day 3
    assessment = assess_checklist(facts(appointment_at=appointment, followup_within_days=days))
    assert (warning(assessment, "appointment_too_late") is not None) == late


def test_o_4627_4633_a_window_below_one_day_is_a_programming_error():
    with pytest.raises(ValueError, match="at least 1"):
        assess_checklist(facts(appointment_at=DISCHARGE, followup_within_days=0))


@pytest.mark.parametrize(
    ("reference", "words"),
    [
        ("actual", "after the discharge"),
        ("planned", "after the planned discharge"),
    ],
)
def test_o_4627_4633_the_warning_says_what_discharge_it_counts_from(reference, words):
    appointment = DISCHARGE + dt.timedelta(days=10)
    assessment = assess_checklist(facts(appointment_at=appointment, discharge_reference=reference))
    found = warning(assessment, "appointment_too_late")
    assert words in found.message
    assert found.params["discharge"] == DISCHARGE


def test_o_4627_4633_without_a_discharge_date_it_counts_from_now_and_says_so():
    appointment = NOW + dt.timedelta(days=4)
    assessment = assess_checklist(facts(appointment_at=appointment, discharge_at=None))
    found = warning(assessment, "appointment_too_late")
    assert "no discharge date is recorded" in found.message
    assert found.params["discharge"] == NOW
    in_time = assess_checklist(facts(appointment_at=NOW + dt.timedelta(days=3), discharge_at=None))
    assert not warning(in_time, "appointment_too_late")


def test_o_4627_4633_no_window_check_without_the_overdose_set():
    appointment = DISCHARGE + dt.timedelta(days=10)
    assessment = assess_checklist(
        facts(appointment_at=appointment, uses_opioids=False, ever_injected=False)
    )
    assert not warning(assessment, "appointment_too_late")


def test_o_4627_4633_the_window_applies_when_the_intake_does_not_say():
    appointment = DISCHARGE + dt.timedelta(days=10)
    assessment = assess_checklist(
        facts(appointment_at=appointment, uses_opioids=None, ever_injected=None)
    )
    assert warning(assessment, "appointment_too_late")


def test_o_4627_4633_no_appointment_stays_a_missing_item_not_a_window_warning():
    assessment = assess_checklist(facts())
    assert "appointment_made" in assessment.missing
    assert not warning(assessment, "appointment_too_late")


def test_o_4627_4633_an_appointment_before_the_planned_discharge_is_pointed_out():
    appointment = DISCHARGE - dt.timedelta(days=1)
    found = warning(
        assess_checklist(facts(appointment_at=appointment)), "appointment_before_discharge"
    )
    assert found is not None
    assert found.severity == "info"
    on_the_day = assess_checklist(facts(appointment_at=DISCHARGE + dt.timedelta(hours=2)))
    assert not warning(on_the_day, "appointment_before_discharge")


# --- Discharge with the overdose-prevention set open (13.1-9, 10.3-2) -------------------------


@pytest.mark.parametrize(
    ("opioids", "injected", "done", "open_items"),
    [
        (True, False, {}, ("naloxone_given", "tolerance_info_given")),
        (False, True, {}, ("naloxone_given", "tolerance_info_given")),
        (None, None, {}, ("naloxone_given", "tolerance_info_given")),
        (None, False, {"naloxone_given": True}, ("tolerance_info_given",)),
        (True, True, {"tolerance_info_given": True}, ("naloxone_given",)),
        (True, False, {"naloxone_given": True, "tolerance_info_given": True}, ()),
        (False, False, {}, ()),
    ],
)
def test_13_1_9_discharge_needs_a_reason_while_naloxone_or_tolerance_info_is_open(
    opioids, injected, done, open_items
):
    assert open_set_at_discharge(opioids, injected, done) == open_items


def test_13_1_9_the_other_items_of_the_set_do_not_block_the_discharge():
    done = {"naloxone_given": True, "tolerance_info_given": True}
    assert open_set_at_discharge(True, True, done) == ()
    assert "appointment_made" in assess_checklist(facts(done=done)).missing


# --- Occasional opioid use with benzodiazepines or GHB as the main dependence (O 2170-2174) ---

BENZO_DEPENDENT = SubstanceFacts(dependent=True)


@pytest.mark.parametrize(
    ("substances", "occasional"),
    [
        ({"benzodiazepines": BENZO_DEPENDENT, "opioids": SubstanceFacts(False)}, True),
        (
            {"benzodiazepines": BENZO_DEPENDENT, "opioids": SubstanceFacts(None, "weekly")},
            True,
        ),
        ({"benzodiazepines": BENZO_DEPENDENT, "opioids": SubstanceFacts(None, "", "less")}, True),
        ({"ghb": SubstanceFacts(None, "daily"), "opioids": SubstanceFacts(None, "less")}, True),
        ({"ghb": SubstanceFacts(None, "most_days"), "opioids": SubstanceFacts(False)}, True),
        # Regular opioid use is opioid use, not "now and then".
        ({"benzodiazepines": BENZO_DEPENDENT, "opioids": SubstanceFacts(True, "less")}, False),
        ({"benzodiazepines": BENZO_DEPENDENT, "opioids": SubstanceFacts(False, "daily")}, False),
        (
            {"benzodiazepines": BENZO_DEPENDENT, "opioids": SubstanceFacts(None, "most_days")},
            False,
        ),
        # Not known to be occasional: dependence and frequency unrecorded.
        ({"benzodiazepines": BENZO_DEPENDENT, "opioids": SubstanceFacts(None)}, False),
        # No benzodiazepine or GHB main dependence.
        (
            {"benzodiazepines": SubstanceFacts(False, "weekly"), "opioids": SubstanceFacts(False)},
            False,
        ),
        ({"alcohol": SubstanceFacts(True), "opioids": SubstanceFacts(False)}, False),
        ({"benzodiazepines": BENZO_DEPENDENT}, False),
    ],
)
def test_o_2170_2174_occasional_opioid_use_with_a_sedative_main_dependence(substances, occasional):
    assert occasional_opioid_use(substances) == occasional


def test_o_2170_2174_occasional_opioid_users_get_the_set_and_a_warning_saying_why():
    assessment = assess_checklist(facts(occasional_opioids=True))
    assert assessment.overdose_prevention_required
    assert {"naloxone_given", "tolerance_info_given"} <= set(assessment.missing)
    found = warning(assessment, "occasional_opioid_use")
    assert found.resolution
    assert found.refs == ("13.1-9",)
