"""Taper engine: property tests over random requests, worked examples, every error, every boundary.

Pure tests (no database). The oracles below (what whole tablets can make up, the conversion)
are computed here from the tablet strengths and the equipotency table, independently of the
engine's own arithmetic.
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from functools import cache
from itertools import combinations_with_replacement, pairwise

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clinical.inputs import ClinicalInputError, FieldError
from clinical.tapers import (
    DOSE_TIMES,
    TaperInputError,
    TaperRequest,
    add_months,
    build_taper,
    default_equipotency,
    default_tablet_strengths,
    outpatient_duration_warning,
    parse_taper_request,
    stay_warning,
    taper_plan,
)

STRENGTHS = {"oxazepam": (10, 15, 25), "diazepam": (2, 5, 10), "buprenorphine": (2, 8)}
# CLINICAL.md: mg equal to 5 mg diazepam.
EQUIVALENCE = {
    "diazepam": (Fraction(5), Fraction(5)),
    "oxazepam": (Fraction(15), Fraction(25)),
    "nitrazepam": (Fraction(5), Fraction(5)),
    "alprazolam": (Fraction(1, 4), Fraction(1, 2)),
    "clonazepam": (Fraction(1, 4), Fraction(1, 2)),
    "flunitrazepam": (Fraction(1, 4), Fraction(1, 2)),
    "zopiclone": (Fraction(15, 4), Fraction(5)),
    "zolpidem": (Fraction(5), Fraction(10)),
}
START = "2026-12-01"
HYPOTHESIS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


def benzo(**overrides):
    data = {
        "regimen": "benzodiazepine",
        "current_use": [{"drug": "alprazolam", "mg_per_day": 2}],
        "taper_drug": "oxazepam",
        "setting": "outpatient",
        "start_date": START,
        "weekly_reduction_percent": 10,
        "doses_per_day": 3,
        "start_mg_per_day": None,
        "days": None,
        "opioid_dependent": None,
    }
    data.update(overrides)
    return data


def bup(**overrides):
    data = {
        "regimen": "buprenorphine",
        "taper_drug": "buprenorphine",
        "setting": "inpatient",
        "start_date": START,
        "doses_per_day": 1,
        "start_mg_per_day": 16,
        "days": 7,
        "opioid_dependent": True,
    }
    data.update(overrides)
    return data


def errors_of(data):
    with pytest.raises(TaperInputError) as caught:
        taper_plan(data)
    return {error["field"]: error for error in caught.value.errors}


def totals(plan):
    return [day.total_mg for day in plan.days]


def weekly(plan):
    """The dose of each week (the first day of each week), without the final zero day."""
    return [day.total_mg for day in plan.days[:-1:7]]


def warning_codes(plan):
    return [warning.code for warning in plan.warnings]


# --- Oracles ---------------------------------------------------------------------------------


@cache
def _reachable(strengths, upto):
    reachable = [True] + [False] * upto
    for amount in range(1, upto + 1):
        reachable[amount] = any(s <= amount and reachable[amount - s] for s in strengths)
    return reachable


def dispensable(mg, drug):
    """Whole tablets of ``drug`` make up ``mg`` (brute force over the strengths)."""
    if mg < 0 or Fraction(mg).denominator != 1:
        return False
    upto = max(int(mg), 1)
    return _reachable(STRENGTHS[drug], upto)[int(mg)]


def dispensable_between(low, high, drug):
    """Some dispensable dose d with low <= d < high."""
    first = max(0, -(-low // 1))
    return any(
        dispensable(Fraction(value), drug) for value in range(int(first), int(-(-high // 1)))
    )


def expected_converted(current_use, taper_drug, chosen):
    """The sum of the converted doses, with the documented defaults for ranges."""
    target_low, _ = EQUIVALENCE[taper_drug]
    target = Fraction(chosen.get(taper_drug, target_low))
    total = Fraction(0)
    for use in current_use:
        mg = Fraction(str(use["mg_per_day"]))
        if use["drug"] == taper_drug:
            total += mg
            continue
        _, source_high = EQUIVALENCE[use["drug"]]
        source = Fraction(str(chosen.get(use["drug"], source_high)))
        total += mg * 5 / source * Fraction(str(target)) / 5
    return total


# --- Strategies --------------------------------------------------------------------------------


@st.composite
def benzodiazepine_requests(draw):
    drugs = draw(
        st.lists(st.sampled_from(sorted(EQUIVALENCE)), min_size=1, max_size=3, unique=True)
    )
    current_use = [{"drug": drug, "mg_per_day": draw(st.integers(1, 400)) / 4} for drug in drugs]
    taper_drug = draw(st.sampled_from(["oxazepam", "diazepam"]))
    chosen = {}
    for drug in {*drugs, taper_drug}:
        low, high = EQUIVALENCE[drug]
        if low != high and draw(st.booleans()):
            chosen[drug] = float(draw(st.sampled_from([low, (low + high) / 2, high])))
    data = benzo(
        current_use=current_use,
        taper_drug=taper_drug,
        setting=draw(st.sampled_from(["outpatient", "inpatient"])),
        start_date=draw(st.dates(date(2000, 1, 1), date(2099, 12, 31))).isoformat(),
        weekly_reduction_percent=draw(st.integers(400, 2000)) / 100,
        doses_per_day=draw(st.integers(1, 4)),
    )
    if chosen:
        data["equivalence"] = chosen
    return data


def _plan_or_reject(data):
    try:
        return taper_plan(data)
    except TaperInputError as error:
        # Below the smallest tablet the engine refuses (tested separately); skip those draws.
        assume(not any(e["field"] == "current_use" for e in error.errors))
        raise


# --- Properties: benzodiazepine tapers ---------------------------------------------------------


@HYPOTHESIS
@given(benzodiazepine_requests())
def test_it_never_increases_the_dose_from_one_day_to_the_next(data):
    plan = _plan_or_reject(data)
    day_totals = totals(plan)
    assert all(after <= before for before, after in pairwise(day_totals))


@HYPOTHESIS
@given(benzodiazepine_requests())
def test_it_makes_every_dose_of_whole_tablets_of_the_taper_drug(data):
    plan = _plan_or_reject(data)
    for day in plan.days:
        assert sum(dose.mg for dose in day.doses) == day.total_mg
        for dose in day.doses:
            assert dose.mg > 0
            assert all(tablet.strength_mg in STRENGTHS[plan.taper_drug] for tablet in dose.tablets)
            assert all(tablet.count >= 1 for tablet in dose.tablets)
            assert sum(t.strength_mg * t.count for t in dose.tablets) == dose.mg


@HYPOTHESIS
@given(benzodiazepine_requests())
def test_it_gives_at_most_the_chosen_number_of_doses_at_the_fixed_times(data):
    plan = _plan_or_reject(data)
    times = DOSE_TIMES[data["doses_per_day"]]
    for day in plan.days:
        given_times = [dose.time for dose in day.doses]
        assert given_times == [time for time in times if time in given_times]


@HYPOTHESIS
@given(benzodiazepine_requests())
def test_it_ends_with_one_day_of_zero_after_the_last_dosing_day(data):
    plan = _plan_or_reject(data)
    assert plan.days[-1].total_mg == 0
    assert plan.days[-1].doses == ()
    assert all(day.total_mg > 0 for day in plan.days[:-1])


@HYPOTHESIS
@given(benzodiazepine_requests())
def test_it_keeps_each_week_on_the_straight_line_at_the_chosen_rate_rounded_up(data):
    """G 4515-4517 (about 10-20 % of the original dose a week, slower down to 4 %): week k takes
    the smallest dose whole tablets make up on or above start - k x share, and 0 once that
    line reaches 0, so the taper keeps the chosen pace and never falls below the line."""
    plan = _plan_or_reject(data)
    allowed = plan.start_mg_per_day * Fraction(str(data["weekly_reduction_percent"])) / 100
    levels = [*weekly(plan), Fraction(0)]
    for week, after in enumerate(levels[1:], start=1):
        line = plan.start_mg_per_day - allowed * week
        if line <= 0:
            assert after == 0
            assert week == len(levels) - 1  # the taper ends the week the line reaches zero
        else:
            assert after >= line
            assert dispensable(after, plan.taper_drug)
            assert not dispensable_between(line, after, plan.taper_drug)


@HYPOTHESIS
@given(benzodiazepine_requests())
def test_no_step_exceeds_the_share_for_the_weeks_since_the_last_step_by_a_whole_tablet(data):
    """G 4515-4517: a step after w weeks is less than w x share + the smallest tablet."""
    plan = _plan_or_reject(data)
    allowed = plan.start_mg_per_day * Fraction(str(data["weekly_reduction_percent"])) / 100
    smallest = min(STRENGTHS[plan.taper_drug])
    levels = [*weekly(plan), Fraction(0)]
    weeks_since_change = 0
    for before, after in pairwise(levels):
        weeks_since_change += 1
        assert before - after < allowed * weeks_since_change + smallest
        if after < before:
            weeks_since_change = 0


@HYPOTHESIS
@given(benzodiazepine_requests())
def test_it_starts_at_the_converted_dose_rounded_down_to_whole_tablets(data):
    plan = _plan_or_reject(data)
    converted = expected_converted(
        data["current_use"], data["taper_drug"], data.get("equivalence", {})
    )
    assert plan.converted_mg_per_day == converted
    assert plan.days[0].total_mg == plan.start_mg_per_day
    assert plan.start_mg_per_day <= converted
    assert dispensable(plan.start_mg_per_day, plan.taper_drug)
    assert not dispensable_between(
        plan.start_mg_per_day + 1, converted + Fraction(1, 10**9), plan.taper_drug
    )


@HYPOTHESIS
@given(benzodiazepine_requests())
def test_it_lists_consecutive_dates_and_changes_dose_only_on_the_starting_weekday(data):
    plan = _plan_or_reject(data)
    start = date.fromisoformat(data["start_date"])
    assert [day.date for day in plan.days] == [
        start + timedelta(days=index) for index in range(len(plan.days))
    ]
    for index, (before, after) in enumerate(pairwise(plan.days), start=1):
        if after.total_mg != before.total_mg:
            assert index % 7 == 0


@HYPOTHESIS
@given(benzodiazepine_requests())
def test_its_duration_counts_the_dosing_days_of_the_list(data):
    plan = _plan_or_reject(data)
    as_dict = plan.to_dict()
    assert as_dict["duration_days"] == len(as_dict["days"]) - 1
    assert as_dict["duration_days"] % 7 == 0
    assert as_dict["stop_date"] == as_dict["days"][-1]["date"]
    start = date.fromisoformat(data["start_date"])
    assert plan.stop_date == start + timedelta(days=plan.duration_days)


@HYPOTHESIS
@given(benzodiazepine_requests())
def test_it_cites_recommendations_on_the_plan_and_on_every_warning(data):
    plan = _plan_or_reject(data)
    assert plan.refs == ("9.3.1-1", "9.3.1-2", "9.4-1")
    assert all(warning.refs for warning in plan.warnings)


# --- Properties: buprenorphine tapers ---------------------------------------------------------


@st.composite
def buprenorphine_requests(draw):
    return bup(
        start_mg_per_day=2 * draw(st.integers(1, 12)),
        days=draw(st.integers(2, 60)),
        doses_per_day=draw(st.integers(1, 4)),
        setting=draw(st.sampled_from(["outpatient", "inpatient"])),
    )


@HYPOTHESIS
@given(buprenorphine_requests())
def test_it_tapers_buprenorphine_from_the_start_dose_to_zero_in_two_mg_steps(data):
    plan = taper_plan(data)
    day_totals = totals(plan)
    assert day_totals[0] == data["start_mg_per_day"]
    assert len(day_totals) == data["days"] + 1
    assert day_totals[-1] == 0
    assert all(after <= before for before, after in pairwise(day_totals))
    assert all(total >= 2 and total % 2 == 0 for total in day_totals[:-1])
    assert plan.duration_days == data["days"]


@HYPOTHESIS
@given(buprenorphine_requests())
def test_it_keeps_each_buprenorphine_day_just_above_the_straight_line_to_zero(data):
    plan = taper_plan(data)
    start, length = Fraction(data["start_mg_per_day"]), data["days"]
    for day_index, total in enumerate(totals(plan)[:-1]):
        line = start * (length - day_index) / length
        assert line <= total < line + 2


@HYPOTHESIS
@given(buprenorphine_requests())
def test_it_makes_every_buprenorphine_dose_of_two_and_eight_mg_tablets(data):
    plan = taper_plan(data)
    for day in plan.days:
        assert sum(dose.mg for dose in day.doses) == day.total_mg
        assert len(day.doses) <= data["doses_per_day"]
        for dose in day.doses:
            assert {t.strength_mg for t in dose.tablets} <= {2, 8}
            assert sum(t.strength_mg * t.count for t in dose.tablets) == dose.mg


# --- Worked examples: conversion ----------------------------------------------------------------


def test_it_converts_alprazolam_2_mg_to_60_mg_oxazepam_by_default():
    # 2 mg alprazolam / 0.5 mg (upper end: lower dose) x 5 mg = 20 mg diazepam;
    # 20 mg / 5 mg x 15 mg oxazepam (lower end) = 60 mg oxazepam a day.
    plan = taper_plan(benzo())
    [row] = plan.to_dict()["conversion"]
    assert row == {
        "drug": "alprazolam",
        "mg_per_day": 2,
        "equivalent_range_mg": [0.25, 0.5],
        "equivalent_used_mg": 0.5,
        "diazepam_equivalent_mg_per_day": 20,
        "taper_drug_mg_per_day": 60,
        "is_range": True,
        "source": "default",
    }
    assert plan.to_dict()["taper_drug_equivalence"] == {
        "drug": "oxazepam",
        "equivalent_range_mg": [15, 25],
        "equivalent_used_mg": 15,
        "is_range": True,
        "source": "default",
    }
    assert plan.start_mg_per_day == 60


def test_it_tapers_alprazolam_2_mg_as_oxazepam_60_mg_along_the_line_in_ten_weeks():
    """G 4515-4517: 10 % of 60 mg is 6 mg a week, so the line reaches zero in week 10; each
    week is the line (54, 48, 42, 36, 30, ...) rounded up to whole oxazepam tablets."""
    plan = taper_plan(benzo())
    assert weekly(plan) == [60, 55, 50, 45, 40, 30, 25, 20, 15, 10]
    assert plan.duration_days == 70
    assert plan.stop_date == date(2027, 2, 9)


def test_it_splits_60_mg_oxazepam_into_three_doses_of_20_mg():
    first = taper_plan(benzo()).to_dict()["days"][0]
    assert first == {
        "date": "2026-12-01",
        "total_mg": 60,
        "doses": [
            {"time": "08:00", "mg": 20, "tablets": [{"strength_mg": 10, "count": 2}]},
            {"time": "14:00", "mg": 20, "tablets": [{"strength_mg": 10, "count": 2}]},
            {"time": "20:00", "mg": 20, "tablets": [{"strength_mg": 10, "count": 2}]},
        ],
    }


def test_it_drops_the_earliest_doses_first_when_the_day_dose_is_small():
    plan = taper_plan(benzo())
    by_total = {int(day.total_mg): day for day in plan.days}
    assert [(d.time, int(d.mg)) for d in by_total[25].doses] == [("14:00", 10), ("20:00", 15)]
    assert [(d.time, int(d.mg)) for d in by_total[15].doses] == [("20:00", 15)]


def test_it_converts_diazepam_20_mg_to_60_mg_oxazepam():
    plan = taper_plan(benzo(current_use=[{"drug": "diazepam", "mg_per_day": 20}]))
    [row] = plan.conversion
    assert row.diazepam_equivalent_mg_per_day == 20
    assert row.taper_drug_mg_per_day == 60
    assert row.equivalence.source == "table"
    assert plan.start_mg_per_day == 60


def test_it_tapers_diazepam_20_mg_with_diazepam_by_2_mg_a_week():
    plan = taper_plan(
        benzo(current_use=[{"drug": "diazepam", "mg_per_day": 20}], taper_drug="diazepam")
    )
    assert weekly(plan) == [20, 18, 16, 14, 12, 10, 8, 6, 4, 2]
    assert plan.duration_days == 70
    assert "dose_held_for_tablet_strengths" not in warning_codes(plan)
    assert "equivalence_default_lower_dose" not in warning_codes(plan)


def test_it_tapers_by_20_percent_in_bigger_steps():
    plan = taper_plan(
        benzo(
            current_use=[{"drug": "diazepam", "mg_per_day": 20}],
            taper_drug="diazepam",
            weekly_reduction_percent=20,
        )
    )
    assert weekly(plan) == [20, 16, 12, 8, 4]


def test_it_adds_up_several_drugs():
    # alprazolam 1 mg -> 10 mg diazepam -> 30 mg oxazepam; zopiclone 7.5 mg / 5 mg x 5 mg =
    # 7.5 mg diazepam -> 22.5 mg oxazepam; 52.5 mg rounds down to 50 mg.
    plan = taper_plan(
        benzo(
            current_use=[
                {"drug": "alprazolam", "mg_per_day": 1},
                {"drug": "zopiclone", "mg_per_day": 7.5},
            ]
        )
    )
    assert [row.taper_drug_mg_per_day for row in plan.conversion] == [30, Fraction(45, 2)]
    assert plan.converted_mg_per_day == Fraction(105, 2)
    assert plan.start_mg_per_day == 50
    rounded = next(w for w in plan.warnings if w.code == "start_rounded_down")
    assert rounded.params == {"start_mg": "50", "converted_mg": "52.5"}


def test_it_uses_the_clinicians_equivalence_within_the_range():
    plan = taper_plan(benzo(equivalence={"alprazolam": 0.25}))
    [row] = plan.conversion
    assert row.equivalence.equivalent_used_mg == Fraction(1, 4)
    assert row.equivalence.source == "clinician"
    assert row.diazepam_equivalent_mg_per_day == 40
    assert plan.start_mg_per_day == 120


def test_it_uses_the_clinicians_equivalence_for_the_taper_drug():
    plan = taper_plan(
        benzo(current_use=[{"drug": "diazepam", "mg_per_day": 20}], equivalence={"oxazepam": 25})
    )
    assert plan.start_mg_per_day == 100
    assert plan.taper_drug_equivalence is not None
    assert plan.taper_drug_equivalence.source == "clinician"
    assert "equivalence_default_lower_dose" not in warning_codes(plan)


def test_it_converts_the_taper_drug_one_to_one():
    plan = taper_plan(benzo(current_use=[{"drug": "oxazepam", "mg_per_day": 45}]))
    [row] = plan.conversion
    assert row.taper_drug_mg_per_day == 45
    assert row.diazepam_equivalent_mg_per_day == 15
    assert plan.start_mg_per_day == 45


def test_it_marks_the_default_end_of_a_range_as_a_resolution():
    warning = next(
        w for w in taper_plan(benzo()).warnings if w.code == "equivalence_default_lower_dose"
    )
    assert warning.resolution is True
    assert warning.params == {"taper_drug": "oxazepam", "drugs": "alprazolam, oxazepam"}
    assert warning.refs == ("9.4-1",)


def test_it_takes_oxazepam_as_the_taper_drug_when_none_is_given():
    data = benzo()
    del data["taper_drug"]
    assert taper_plan(data).taper_drug == "oxazepam"


def test_it_takes_10_percent_when_no_reduction_is_given():
    data = benzo()
    del data["weekly_reduction_percent"]
    assert taper_plan(data).weekly_reduction_percent == 10


def test_it_lets_the_clinician_set_a_dispensable_start_dose():
    plan = taper_plan(benzo(start_mg_per_day=45))
    assert plan.start_mg_per_day == 45
    assert plan.converted_mg_per_day == 60
    assert "start_dose_set_by_clinician" in warning_codes(plan)


def test_it_tapers_a_small_diazepam_dose_that_oxazepam_tablets_cannot_make_up():
    # alprazolam 0.25 mg -> 2.5 mg diazepam -> 2 mg diazepam (rounded down).
    plan = taper_plan(
        benzo(current_use=[{"drug": "alprazolam", "mg_per_day": 0.25}], taper_drug="diazepam")
    )
    assert weekly(plan) == [2] * 10
    assert plan.duration_days == 70
    held = next(w for w in plan.warnings if w.code == "dose_held_for_tablet_strengths")
    assert held.params == {"held_weeks": 9, "percent": "10"}


# --- Worked examples: warnings ----------------------------------------------------------------


def test_it_asks_for_close_follow_up_of_an_outpatient_taper():
    warning = next(
        w for w in taper_plan(benzo()).warnings if w.code == "close_outpatient_follow_up"
    )
    assert warning.refs == ("9.3.1-3",)


def test_it_says_an_inpatient_taper_longer_than_a_usual_stay_continues_after_discharge():
    plan = taper_plan(benzo(setting="inpatient"))
    warning = next(w for w in plan.warnings if w.code == "continue_after_discharge")
    assert warning.refs == ("11.5-2",)
    assert warning.resolution is True
    assert warning.params == {"duration_days": 70, "stay_days": 21}


def test_it_compares_an_inpatient_taper_with_the_planned_stay():
    assert "continue_after_discharge" not in warning_codes(
        taper_plan(benzo(setting="inpatient", stay_days=70))
    )
    warning = next(
        w
        for w in taper_plan(benzo(setting="inpatient", stay_days=69)).warnings
        if w.code == "continue_after_discharge"
    )
    assert warning.resolution is False


def test_it_names_oxazepam_as_first_choice_when_diazepam_is_chosen():
    plan = taper_plan(benzo(taper_drug="diazepam"))
    warning = next(w for w in plan.warnings if w.code == "diazepam_second_choice")
    assert warning.refs == ("9.4-1",)
    assert "diazepam_second_choice" not in warning_codes(taper_plan(benzo()))


def test_it_asks_for_a_slow_taper_in_pregnancy():
    plan = taper_plan(benzo(pregnant=True))
    warning = next(w for w in plan.warnings if w.code == "pregnant_slow_taper")
    assert warning.refs == ("12-6", "12-3")


@pytest.mark.parametrize(
    ("start", "duration", "code"),
    [
        (date(2026, 2, 1), 27, "outpatient_shorter_than_one_month"),
        (date(2026, 2, 1), 28, None),  # 1 March: exactly one month
        (date(2026, 12, 1), 30, "outpatient_shorter_than_one_month"),
        (date(2026, 12, 1), 31, None),  # 1 January
        (date(2026, 1, 31), 28, None),  # 28 February: the month is short
        (date(2026, 1, 31), 27, "outpatient_shorter_than_one_month"),
        (date(2026, 1, 1), 181, None),  # 1 July: exactly six months
        (date(2026, 1, 1), 182, "outpatient_longer_than_six_months"),
    ],
)
def test_it_warns_when_an_outpatient_taper_falls_outside_one_to_six_months(start, duration, code):
    warning = outpatient_duration_warning(start, duration)
    assert (warning.code if warning else None) == code
    if warning:
        assert warning.refs == ("9.3.1-2",)


@pytest.mark.parametrize(
    ("duration", "stay", "warned"),
    [(21, None, False), (22, None, True), (30, 30, False), (31, 30, True)],
)
def test_it_warns_when_the_taper_outlasts_the_stay(duration, stay, warned):
    assert (stay_warning(duration, stay) is not None) is warned


def test_it_adds_calendar_months_keeping_the_day_or_the_last_day_of_a_short_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)


def test_it_keeps_the_clock_times_across_the_spring_dst_change():
    # Dates and wall-clock labels only: 28 March 2027 (DST starts) is an ordinary day here.
    plan = taper_plan(benzo(start_date="2027-03-22"))
    days = {day.date: day for day in plan.days}
    assert [d.time for d in days[date(2027, 3, 28)].doses] == ["08:00", "14:00", "20:00"]
    assert days[date(2027, 3, 29)].date - days[date(2027, 3, 28)].date == timedelta(days=1)


# --- Worked examples: buprenorphine -----------------------------------------------------------


def test_it_tapers_buprenorphine_16_mg_over_7_days():
    assert totals(taper_plan(bup())) == [16, 14, 12, 10, 8, 6, 4, 0]


def test_it_rounds_buprenorphine_days_up_to_whole_tablets():
    assert totals(taper_plan(bup(start_mg_per_day=8, days=10))) == [8, 8, 8, 6, 6, 4, 4, 4, 2, 2, 0]


def test_it_gives_buprenorphine_16_mg_as_two_8_mg_tablets():
    first = taper_plan(bup()).to_dict()["days"][0]
    assert first["doses"] == [
        {"time": "08:00", "mg": 16, "tablets": [{"strength_mg": 8, "count": 2}]}
    ]


def test_it_splits_buprenorphine_over_two_doses():
    first = taper_plan(bup(doses_per_day=2, start_mg_per_day=12)).days[0]
    assert [(d.time, int(d.mg)) for d in first.doses] == [("08:00", 6), ("20:00", 6)]


def test_it_warns_about_lost_tolerance_after_every_buprenorphine_taper():
    warning = next(w for w in taper_plan(bup()).warnings if w.code == "tolerance_loss")
    assert warning.refs == ("10.3-2", "13.1-9")


def test_it_asks_for_supervised_daily_dispensing_of_an_outpatient_buprenorphine_taper():
    assert "supervised_daily_dispensing" in warning_codes(taper_plan(bup(setting="outpatient")))
    assert "supervised_daily_dispensing" not in warning_codes(taper_plan(bup()))


def test_it_asks_to_stabilise_a_pregnant_opioid_dependent_woman():
    warning = next(
        w
        for w in taper_plan(bup(pregnant=True, override_reason="Patient declines LAR")).warnings
        if w.code == "pregnant_stabilise"
    )
    assert warning.refs == ("12-7", "10.3-1")


def test_it_takes_buprenorphine_as_the_taper_drug_when_none_is_given():
    data = bup()
    del data["taper_drug"]
    assert taper_plan(data).taper_drug == "buprenorphine"


def test_it_serialises_a_buprenorphine_plan_without_conversion():
    as_dict = taper_plan(bup()).to_dict()
    assert as_dict["conversion"] == []
    assert as_dict["converted_mg_per_day"] is None
    assert as_dict["refs"] == ["10.5-1"]
    assert as_dict["duration_days"] == 7


# --- Errors -------------------------------------------------------------------------------------


def test_it_rejects_a_request_that_is_not_an_object():
    with pytest.raises(TaperInputError) as caught:
        parse_taper_request(["regimen"])  # type: ignore[arg-type]
    assert caught.value.errors[0]["field"] == "non_field_errors"


def test_its_input_error_is_the_kernels_one():
    with pytest.raises(ClinicalInputError) as caught:
        parse_taper_request({"regimen": "benzodiazepine"})
    assert isinstance(caught.value, TaperInputError)
    assert all(isinstance(error, FieldError) for error in caught.value.field_errors)
    assert {"field", "message", "msgid", "params", "refs"} <= caught.value.errors[0].keys()


def test_it_rejects_an_unknown_field():
    assert errors_of(benzo(dose=3))["dose"]["params"]["allowed"].startswith("regimen, ")


@pytest.mark.parametrize("field", ["regimen", "setting", "start_date", "doses_per_day"])
def test_it_requires_the_basic_fields(field):
    data = benzo()
    del data[field]
    assert errors_of(data)[field]["msgid"] == "This field is required."


@pytest.mark.parametrize(("field", "value"), [("regimen", "methadone"), ("setting", "home")])
def test_it_rejects_a_value_outside_the_allowed_list(field, value):
    assert "Allowed:" in errors_of(benzo(**{field: value}))[field]["message"]


@pytest.mark.parametrize("value", ["2026-02-30", "01.12.2026", "20261201", 20261201, ""])
def test_it_rejects_a_bad_date(value):
    assert errors_of(benzo(start_date=value))["start_date"]["message"] == (
        "Must be a date written YYYY-MM-DD."
    )


def test_it_rejects_an_unknown_drug_and_lists_the_allowed_ones():
    error = errors_of(benzo(current_use=[{"drug": "heroin", "mg_per_day": 2}]))[
        "current_use[0].drug"
    ]
    assert error["params"]["allowed"] == (
        "diazepam, oxazepam, nitrazepam, alprazolam, clonazepam, flunitrazepam, zopiclone, zolpidem"
    )


def test_it_rejects_a_drug_listed_twice():
    use = [{"drug": "alprazolam", "mg_per_day": 1}, {"drug": "alprazolam", "mg_per_day": 1}]
    assert "current_use[1].drug" in errors_of(benzo(current_use=use))


@pytest.mark.parametrize("value", [0, -1, -0.25, 10_000.01, True, "2", None, float("nan")])
def test_it_rejects_a_dose_that_is_not_positive_or_not_a_number(value):
    use = [{"drug": "alprazolam", "mg_per_day": value}]
    assert "current_use[0].mg_per_day" in errors_of(benzo(current_use=use))


def test_it_accepts_the_largest_dose_the_input_allows():
    use = [{"drug": "oxazepam", "mg_per_day": 10_000}]
    assert taper_plan(benzo(current_use=use)).start_mg_per_day == 10_000


def test_it_requires_at_least_one_drug_for_a_benzodiazepine_taper():
    assert "current_use" in errors_of(benzo(current_use=[]))
    assert "current_use" in errors_of(benzo(current_use=None))


def test_it_rejects_a_use_entry_with_an_unknown_field():
    use = [{"drug": "alprazolam", "mg_per_day": 2, "route": "oral"}]
    assert "current_use[0].route" in errors_of(benzo(current_use=use))


@pytest.mark.parametrize(
    ("value", "ok"),
    [(3.99, False), (4, True), (9.99, True), (10, True), (20, True), (20.01, False)],
)
def test_it_accepts_a_weekly_reduction_from_4_to_20_percent(value, ok):
    """G 4515-4517 and 12-6: slow tapers over one to six months, from 4 % a week upward."""
    if ok:
        plan = taper_plan(benzo(weekly_reduction_percent=value))
        assert plan.weekly_reduction_percent == Fraction(str(value))
    else:
        assert "weekly_reduction_percent" in errors_of(benzo(weekly_reduction_percent=value))


@pytest.mark.parametrize(
    ("value", "ok"), [(0, False), (1, True), (4, True), (5, False), (2.0, False)]
)
def test_it_accepts_one_to_four_doses_a_day(value, ok):
    if ok:
        assert len(taper_plan(benzo(doses_per_day=value)).days[0].doses) == value
    else:
        assert "doses_per_day" in errors_of(benzo(doses_per_day=value))


@pytest.mark.parametrize(("value", "ok"), [(0.24, False), (0.25, True), (0.5, True), (0.51, False)])
def test_it_accepts_an_equivalence_only_within_the_tables_range(value, ok):
    data = benzo(equivalence={"alprazolam": value})
    if ok:
        assert taper_plan(data).conversion[0].equivalence.source == "clinician"
    else:
        error = errors_of(data)["equivalence.alprazolam"]
        assert error["message"] == (
            "Must lie within the table's range for alprazolam: 0.25 to 0.5 mg equal to 5 mg "
            "diazepam."
        )


def test_it_rejects_an_equivalence_for_a_drug_the_request_does_not_use():
    assert "equivalence.zolpidem" in errors_of(benzo(equivalence={"zolpidem": 5}))


def test_it_rejects_an_equivalence_for_an_unknown_drug():
    assert "equivalence.heroin" in errors_of(benzo(equivalence={"heroin": 1}))


def test_it_refuses_a_converted_dose_below_the_smallest_tablet_as_an_abrupt_stop():
    error = errors_of(benzo(current_use=[{"drug": "alprazolam", "mg_per_day": 0.25}]))[
        "current_use"
    ]
    assert error["refs"] == ["9.3.1-1"]
    assert error["params"] == {"converted_mg": "7.5", "drug": "oxazepam", "smallest_mg": "10"}


def test_it_refuses_a_start_dose_whole_tablets_cannot_make_up():
    error = errors_of(benzo(start_mg_per_day=57))["start_mg_per_day"]
    assert error["params"]["nearest"] == "55, 60"
    assert errors_of(benzo(start_mg_per_day=5))["start_mg_per_day"]["params"]["nearest"] == "10"


def test_it_refuses_buprenorphine_as_a_benzodiazepine_taper_drug():
    assert errors_of(benzo(taper_drug="buprenorphine"))["taper_drug"]["refs"] == ["9.4-1"]


def test_it_rejects_an_unknown_taper_drug():
    assert "taper_drug" in errors_of(benzo(taper_drug="lorazepam"))


@pytest.mark.parametrize(("field", "value"), [("days", 14), ("opioid_dependent", True)])
def test_it_rejects_buprenorphine_fields_in_a_benzodiazepine_request(field, value):
    assert errors_of(benzo(**{field: value}))[field]["message"].startswith(
        "Does not apply to a benzodiazepine taper"
    )


def test_it_rejects_a_planned_stay_for_an_outpatient_taper():
    assert "stay_days" in errors_of(benzo(stay_days=21))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("current_use", [{"drug": "alprazolam", "mg_per_day": 2}]),
        ("weekly_reduction_percent", 10),
        ("equivalence", {"alprazolam": 0.5}),
        ("stay_days", 14),
    ],
)
def test_it_rejects_benzodiazepine_fields_in_a_buprenorphine_request(field, value):
    assert errors_of(bup(**{field: value}))[field]["message"].startswith(
        "Does not apply to a buprenorphine taper"
    )


def test_it_refuses_methadone_for_an_outpatient_detox():
    error = errors_of(bup(taper_drug="methadone", setting="outpatient"))["taper_drug"]
    assert error["refs"] == ["10.5-2"]
    assert error["message"] == "Methadone should not be used in outpatient detox."


def test_it_does_not_plan_a_methadone_taper_for_an_inpatient_either():
    assert errors_of(bup(taper_drug="methadone"))["taper_drug"]["refs"] == ["10.5-1"]


@pytest.mark.parametrize("drug", ["clonidine", "lofexidine"])
def test_it_refuses_to_taper_clonidine_or_lofexidine(drug):
    assert errors_of(bup(taper_drug=drug))["taper_drug"]["refs"] == ["10.5-1"]


@pytest.mark.parametrize("value", [False, None])
def test_it_refuses_a_buprenorphine_taper_without_opioid_dependence(value):
    assert errors_of(bup(opioid_dependent=value))["opioid_dependent"]["refs"] == ["10.5-1"]


def test_it_rejects_opioid_dependence_that_is_not_a_boolean():
    assert errors_of(bup(opioid_dependent="yes"))["opioid_dependent"]["message"] == (
        "Must be true, false or null."
    )


@pytest.mark.parametrize("field", ["start_mg_per_day", "days"])
def test_it_requires_a_start_dose_and_a_length_for_buprenorphine(field):
    assert errors_of(bup(**{field: None}))[field]["msgid"] == "This field is required."


@pytest.mark.parametrize(("value", "ok"), [(1, False), (2, True), (366, True), (367, False)])
def test_it_accepts_a_buprenorphine_taper_of_2_to_366_days(value, ok):
    if ok:
        assert taper_plan(bup(days=value)).duration_days == value
    else:
        assert "days" in errors_of(bup(days=value))


def test_it_calls_a_one_day_buprenorphine_taper_an_abrupt_stop():
    assert errors_of(bup(days=1))["days"]["refs"] == ["10.5-1"]


@pytest.mark.parametrize("value", [3, 7, 0, -2])
def test_it_refuses_a_buprenorphine_start_dose_that_is_not_whole_tablets(value):
    assert "start_mg_per_day" in errors_of(bup(start_mg_per_day=value))


def test_it_reports_every_error_at_once():
    errors = errors_of(
        bup(
            setting="outpatient",
            taper_drug="methadone",
            days=1,
            start_mg_per_day=3,
            opioid_dependent=False,
            doses_per_day=9,
        )
    )
    assert set(errors) == {
        "taper_drug",
        "days",
        "start_mg_per_day",
        "opioid_dependent",
        "doses_per_day",
    }


def test_it_rechecks_a_request_built_by_hand():
    request = TaperRequest(
        regimen="buprenorphine",
        setting="outpatient",
        start_date=date(2026, 12, 1),
        taper_drug="buprenorphine",
        doses_per_day=1,
        start_mg_per_day=Fraction(16),
        days=7,
        opioid_dependent=False,
    )
    with pytest.raises(TaperInputError) as caught:
        build_taper(request)
    assert caught.value.errors[0]["field"] == "opioid_dependent"


def test_it_rechecks_the_reduction_of_a_request_built_by_hand():
    request = parse_taper_request(benzo())
    bad = TaperRequest(**{**request.__dict__, "weekly_reduction_percent": Fraction(50)})
    with pytest.raises(TaperInputError):
        build_taper(bad)


def test_it_reads_the_shipped_tablet_strengths_and_equivalence_table():
    strengths = default_tablet_strengths()
    assert {drug: tuple(map(int, d.strengths_mg)) for drug, d in strengths.items()} == STRENGTHS
    assert dict(default_equipotency().ranges) == EQUIVALENCE


@cache
def _fewest(strengths, upto):
    best = [0] + [None] * upto
    for amount in range(1, upto + 1):
        options = [
            best[amount - s] for s in strengths if s <= amount and best[amount - s] is not None
        ]
        best[amount] = min(options) + 1 if options else None
    return best


@HYPOTHESIS
@given(st.sampled_from(sorted(STRENGTHS)), st.integers(1, 3000))
def test_it_dispenses_each_dose_with_the_fewest_tablets(drug, mg):
    assume(dispensable(mg, drug))
    tablets = default_tablet_strengths()[drug].tablets(Fraction(mg))
    assert sum(t.strength_mg * t.count for t in tablets) == mg
    assert sum(t.count for t in tablets) == _fewest(STRENGTHS[drug], 3000)[mg]


@HYPOTHESIS
@given(st.sampled_from(sorted(STRENGTHS)), st.integers(1, 120), st.integers(1, 4))
def test_it_splits_the_day_dose_as_evenly_as_whole_tablets_allow(drug, mg, parts):
    assume(dispensable(mg, drug))
    split = default_tablet_strengths()[drug].split(Fraction(mg), parts)
    assert len(split) == parts
    assert sum(split) == mg
    assert list(split) == sorted(split)  # any larger part goes to the later doses
    assert all(part == 0 or dispensable(part, drug) for part in split)
    options = [v for v in range(mg + 1) if dispensable(v, drug)]
    fewest = _fewest(STRENGTHS[drug], 120)

    def rank(combo):  # tablets beyond three in a dose first (none where possible), then evenness
        excess = sum(max(0, fewest[int(v)] - 3) for v in combo if v)
        return (excess, sum(v * v for v in combo))

    ranks = [
        rank(combo) for combo in combinations_with_replacement(options, parts) if sum(combo) == mg
    ]
    excess, evenness = rank(split)
    if min(ranks)[0] == 0:  # at most three tablets a dose is possible: then always so
        assert (excess, evenness) == min(ranks)
    else:  # no split with fewer tablets beyond three is also more even
        assert not any(e <= excess and even < evenness for e, even in ranks)


@pytest.mark.parametrize("make", [benzo, bup])
@pytest.mark.parametrize(("pregnant", "warned"), [(None, True), (False, False)])
def test_pregnancy_not_recorded_is_said_not_read_as_no(make, pregnant, warned):
    """Audit: 12-6 (slow taper in pregnancy) and 12-7/10.3-1 (stabilise, not taper): a taper
    for a patient whose pregnancy is not recorded says so (a resolution)."""
    plan = taper_plan(make(pregnant=pregnant))
    assert ("pregnancy_not_recorded" in warning_codes(plan)) is warned
    if warned:
        (warning,) = [w for w in plan.warnings if w.code == "pregnancy_not_recorded"]
        assert warning.resolution
        assert warning.refs == (("12-6",) if make is benzo else ("12-7", "10.3-1"))
