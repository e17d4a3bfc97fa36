"""Taper engine, issue 11: pregnancy and opioids, start-dose bounds, practically abrupt stops,
slow tapers, the intake's dose, high-potency conversions, tablets per dose, per strength and
per dispensing interval. Pure tests (no database); guideline lines ("G") in the docstrings.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clinical.tapers import (
    CurrentUse,
    TaperInputError,
    abrupt_stop_warning,
    parse_intake_use,
    taper_plan,
)

STRENGTHS = {"oxazepam": (10, 15, 25), "diazepam": (2, 5, 10), "buprenorphine": (2, 8)}
DRUGS = (
    "diazepam",
    "oxazepam",
    "nitrazepam",
    "alprazolam",
    "clonazepam",
    "flunitrazepam",
    "zopiclone",
    "zolpidem",
)
HYPOTHESIS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)
REASON = "She has declined LAR after a full discussion; taper agreed with obstetrics."


def benzo(**overrides):
    data = {
        "regimen": "benzodiazepine",
        "current_use": [{"drug": "alprazolam", "mg_per_day": 2}],
        "taper_drug": "oxazepam",
        "setting": "outpatient",
        "start_date": "2026-12-01",
        "weekly_reduction_percent": 10,
        "doses_per_day": 3,
    }
    data.update(overrides)
    return data


def bup(**overrides):
    data = {
        "regimen": "buprenorphine",
        "setting": "inpatient",
        "start_date": "2026-12-01",
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


def codes(plan):
    return [warning.code for warning in plan.warnings]


def warning(plan, code):
    return next(w for w in plan.warnings if w.code == code)


def weekly(plan):
    return [day.total_mg for day in plan.days[:-1:7]]


@cache
def _fewest(drug, upto):
    best: list[int | None] = [0] + [None] * upto
    for amount in range(1, upto + 1):
        options = [
            count
            for s in STRENGTHS[drug]
            if s <= amount and (count := best[amount - s]) is not None
        ]
        best[amount] = min(options) + 1 if options else None
    return best


def fewest(drug, mg):
    """Fewest whole tablets of ``drug`` making up ``mg`` (brute force), None if none do."""
    return _fewest(drug, -(-int(mg) // 5000) * 5000)[int(mg)]


# --- Item 2: pregnant opioid-dependent patients --------------------------------------------------


def test_pregnant_buprenorphine_taper_is_refused_naming_12_7_g5753():
    """12-7 (G 5753-5755) and 10.3-1 (G 4893-4906): stabilise, do not detox by default."""
    error = errors_of(bup(pregnant=True))["pregnant"]
    assert error["refs"] == ["12-7", "10.3-1"]
    assert "stabilis" in error["message"]
    assert "override_reason" in error["message"]


@pytest.mark.parametrize("setting", ["inpatient", "outpatient"])
def test_pregnant_buprenorphine_taper_with_an_override_reason_carries_it_g5753(setting):
    """12-7 (G 5753-5755): a taper against the recommendation keeps the reason with the plan."""
    plan = taper_plan(bup(pregnant=True, override_reason=f"  {REASON} ", setting=setting))
    assert plan.override_reason == REASON
    assert plan.to_dict()["override_reason"] == REASON
    overridden = warning(plan, "pregnant_opioid_taper_overridden")
    assert overridden.params == {"reason": REASON}
    assert overridden.refs == ("12-7", "10.3-1")
    assert "pregnant_stabilise" in codes(plan)


@pytest.mark.parametrize("value", ["", "   ", 5, True, ["x"], "x" * 2001])
def test_an_override_reason_must_be_text_g5753(value):
    """12-7 (G 5753-5755): an empty or non-text reason is no reason: 400 naming the field."""
    found = errors_of(bup(pregnant=True, override_reason=value))
    assert "override_reason" in found
    assert "pregnant" not in found  # one error for one problem


def test_a_buprenorphine_taper_is_built_when_not_pregnant_or_not_recorded_g5753():
    """12-7 (G 5753-5755) concerns pregnant women only."""
    assert taper_plan(bup(pregnant=False)).duration_days == 7
    assert taper_plan(bup(pregnant=None)).duration_days == 7


# --- Item 5: start dose bounds and practically abrupt stops -------------------------------------


@pytest.mark.parametrize(("start", "ok"), [(300, True), (305, False)])
def test_benzodiazepine_start_above_one_and_a_half_times_the_upper_conversion_needs_a_reason(
    start, ok
):
    """9.3.1-2 (G 4580-4581): alprazolam 2 mg at the range's upper end (0.25 mg per 5 mg
    diazepam, 25 mg oxazepam) is 200 mg oxazepam; 1.5 x that, 300 mg, is the local bound."""
    data = benzo(start_mg_per_day=start)
    if ok:
        assert taper_plan(data).start_mg_per_day == start
        return
    error = errors_of(data)["start_mg_per_day"]
    assert error["params"] == {"start_mg": "305", "high_mg": "200", "bound_mg": "300"}
    plan = taper_plan({**data, "override_reason": REASON})
    overridden = warning(plan, "start_above_bound_overridden")
    assert overridden.resolution is True
    assert overridden.params["reason"] == REASON


def test_the_start_bound_converts_a_drug_tapered_with_itself_one_to_one():
    """9.3.1-2: diazepam 20 mg tapered with diazepam: bound 30 mg."""
    use = [{"drug": "diazepam", "mg_per_day": 20}]
    assert taper_plan(benzo(current_use=use, taper_drug="diazepam", start_mg_per_day=30))
    assert "start_mg_per_day" in errors_of(
        benzo(current_use=use, taper_drug="diazepam", start_mg_per_day=31)
    )


@pytest.mark.parametrize(("start", "ok"), [(24, True), (26, False)])
def test_buprenorphine_start_above_24_mg_needs_a_reason(start, ok):
    """10.5-1 (G 5206-5208): the guideline gives no maximum; 24 mg a day is a local bound."""
    data = bup(start_mg_per_day=start, days=10)
    if ok:
        assert taper_plan(data).start_mg_per_day == start
        return
    assert errors_of(data)["start_mg_per_day"]["params"] == {"start_mg": "26", "max_mg": 24}
    plan = taper_plan({**data, "override_reason": REASON})
    assert warning(plan, "start_above_bound_overridden").params["reason"] == REASON


@pytest.mark.parametrize(
    ("start", "days", "warned"), [(16, 4, True), (16, 5, False), (14, 2, False), (24, 3, True)]
)
def test_buprenorphine_from_16_mg_to_zero_in_under_5_days_is_practically_abrupt(
    start, days, warned
):
    """G 5093-5095: the dose "reduseres gradvis til null" (10.5-1); a local threshold."""
    plan = taper_plan(bup(start_mg_per_day=start, days=days))
    assert ("practically_abrupt_stop" in codes(plan)) is warned
    if warned:
        found = warning(plan, "practically_abrupt_stop")
        assert found.refs == ("10.5-1",)
        assert found.resolution is True


@pytest.mark.parametrize(
    ("setting", "days", "warned"),
    [("outpatient", 27, True), ("outpatient", 28, False), ("inpatient", 7, False)],
)
def test_an_outpatient_benzodiazepine_taper_under_four_weeks_is_practically_abrupt(
    setting, days, warned
):
    """9.3.1-1 (G 4576, "bør ikke bråseponeres") and 9.3.1-2; four weeks is a local bound."""
    found = abrupt_stop_warning("benzodiazepine", setting, Fraction(30), days)
    assert (found is not None) is warned
    if found:
        assert found.refs == ("9.3.1-1", "9.3.1-2")
        assert found.resolution is True


# --- Tapers: slow tapers, the intake's dose, high-potency conversions ----------------------------


@pytest.mark.parametrize("taper_drug", ["diazepam", "oxazepam"])
def test_five_percent_a_week_from_30_mg_diazepam_lasts_about_20_weeks_g4515(taper_drug):
    """G 4515-4517 (one to six months) and 12-6: a slow taper at 5 % a week takes 20 weeks."""
    use = [{"drug": "diazepam", "mg_per_day": 30}]
    plan = taper_plan(benzo(current_use=use, taper_drug=taper_drug, weekly_reduction_percent=5))
    assert plan.duration_days == 20 * 7
    assert "outpatient_longer_than_six_months" not in codes(plan)
    note = warning(plan, "slower_than_usual_reduction")
    assert note.resolution is True
    assert note.refs == ("9.3.1-2",)


def test_a_slow_taper_in_pregnancy_cites_12_6_g5747():
    """12-6 (G 5747-5749): a slow taper for pregnant benzodiazepine-dependent women."""
    plan = taper_plan(benzo(weekly_reduction_percent=4, pregnant=True))
    assert warning(plan, "slower_than_usual_reduction").refs == ("9.3.1-2", "12-6")


def test_ten_percent_or_more_is_not_called_slower_g4515():
    """G 4515-4517: 10-20 % is the usual range."""
    assert "slower_than_usual_reduction" not in codes(taper_plan(benzo()))


def test_it_warns_when_the_taper_does_not_start_from_the_intakes_dose_g4580():
    """9.3.1-2 (G 4580-4581): the taper follows the size of the use the intake records."""
    same = taper_plan(benzo(intake_use=[{"drug": "alprazolam", "mg_per_day": 2}]))
    assert "differs_from_intake" not in codes(same)
    differs = taper_plan(benzo(intake_use=[{"drug": "alprazolam", "mg_per_day": 4}]))
    assert warning(differs, "differs_from_intake").params == {
        "request": "alprazolam 2 mg",
        "intake": "alprazolam 4 mg",
    }
    assert "intake_use[0].drug" in errors_of(
        benzo(intake_use=[{"drug": "heroin", "mg_per_day": 1}])
    )


@pytest.mark.parametrize(
    ("description", "amount", "frequency", "expected"),
    [
        ("alprazolam", "2 mg alprazolam daglig", "daily", CurrentUse("alprazolam", Fraction(2))),
        ("Oksazepam (Sobril)", "75 mg daglig", "daily", CurrentUse("oxazepam", Fraction(75))),
        ("Sobril", "25 mg × 3", "daily", CurrentUse("oxazepam", Fraction(75))),
        ("Rivotril", "0,5 mg", "daily", CurrentUse("clonazepam", Fraction(1, 2))),
        ("Flunitrazepam", "1 mg", "daily", CurrentUse("flunitrazepam", Fraction(1))),
        ("Sobril", "75 mg", "most_days", None),  # not daily: no daily dose to read
        ("Sobril og Rivotril", "75 mg", "daily", None),  # two drugs
        ("Sobril", "25 mg morgen, 50 mg kveld", "daily", None),  # two amounts
        ("Sobril", "300 mg per uke", "daily", None),  # a weekly amount
        ("benzodiazepiner", "ca. 10 tabletter", "daily", None),  # no drug, no mg
    ],
)
def test_it_reads_the_intakes_daily_dose_only_where_it_is_unambiguous(
    description, amount, frequency, expected
):
    """9.3.1-2 (G 4580-4581): the taper starts from the use the intake records."""
    assert parse_intake_use(description, amount, frequency) == expected


@pytest.mark.parametrize("drug", ["alprazolam", "clonazepam", "flunitrazepam"])
def test_a_high_potency_drug_asks_to_confirm_the_conversion_point(drug):
    """9.4-1 and the Helsedirektoratet table (CLINICAL.md): 0.25-0.5 mg per 5 mg diazepam."""
    data = benzo(current_use=[{"drug": drug, "mg_per_day": 2}])
    plan = taper_plan(data)
    assert plan.conversion_needs_confirmation is True
    found = warning(plan, "conversion_point_unconfirmed")
    assert found.params == {"drug": drug, "low": "0.25", "high": "0.5", "used": "0.5"}
    assert found.resolution is True
    confirmed = taper_plan({**data, "conversion_confirmed": True})
    assert confirmed.conversion_needs_confirmation is False
    assert "conversion_point_unconfirmed" not in codes(confirmed)
    chosen = taper_plan({**data, "equivalence": {drug: 0.5}})
    assert "conversion_point_unconfirmed" not in codes(chosen)


def test_a_drug_with_one_value_or_a_low_potency_range_needs_no_confirmation():
    """9.4-1 (G 4686-4690) with the Helsedirektoratet table: diazepam has one value."""
    for drug in ("diazepam", "zopiclone"):
        plan = taper_plan(benzo(current_use=[{"drug": drug, "mg_per_day": 10}]))
        assert plan.conversion_needs_confirmation is False


# --- Tablets: per dose, per strength, per dispensing interval -------------------------------------


def test_it_counts_the_tablets_of_each_strength_for_the_whole_taper_and_each_week():
    """9.3.1-3 (G 4586) and G 4568-4570 (prescribing for as long as the taper lasts):
    alprazolam 2 mg as oxazepam 60 mg, 10 % a week, as the prescription and pharmacy need."""
    plan = taper_plan(benzo()).to_dict()
    assert plan["dispensing_interval_days"] == 7
    first = plan["dispensing"][0]
    # 60 mg as 20 + 20 + 20 = six 10 mg tablets a day for 7 days.
    assert first == {
        "from": "2026-12-01",
        "to": "2026-12-07",
        "days": 7,
        "tablets": [{"strength_mg": 10, "count": 42}],
    }
    assert len(plan["dispensing"]) == 10
    fortnightly = taper_plan(benzo(dispensing_interval_days=14)).to_dict()
    assert len(fortnightly["dispensing"]) == 5
    assert fortnightly["tablets_total"] == plan["tablets_total"]


@pytest.mark.parametrize(("value", "ok"), [(0, False), (1, True), (28, True), (29, False)])
def test_the_dispensing_interval_is_1_to_28_days(value, ok):
    """9.3.1-3 (G 4586, close outpatient follow-up); the interval itself is a local choice."""
    data = benzo(dispensing_interval_days=value)
    if ok:
        assert taper_plan(data).dispensing_interval_days == value
    else:
        assert "dispensing_interval_days" in errors_of(data)


def test_it_gives_16_mg_diazepam_in_two_doses_of_at_most_three_tablets():
    """9.4-1 (G 4686-4690, diazepam): 8 + 8 would need four 2 mg tablets a dose; 6 + 10 (or
    7 + 9) needs at most three."""
    use = [{"drug": "diazepam", "mg_per_day": 16}]
    plan = taper_plan(benzo(current_use=use, taper_drug="diazepam", doses_per_day=2))
    first = plan.days[0]
    assert sum(dose.mg for dose in first.doses) == 16
    assert all(sum(t.count for t in dose.tablets) <= 3 for dose in first.doses)


@st.composite
def requests(draw):
    drugs = draw(st.lists(st.sampled_from(DRUGS), min_size=1, max_size=3, unique=True))
    return benzo(
        current_use=[{"drug": d, "mg_per_day": draw(st.integers(1, 400)) / 4} for d in drugs],
        taper_drug=draw(st.sampled_from(["oxazepam", "diazepam"])),
        setting=draw(st.sampled_from(["outpatient", "inpatient"])),
        weekly_reduction_percent=draw(st.integers(400, 2000)) / 100,
        doses_per_day=draw(st.integers(1, 4)),
        dispensing_interval_days=draw(st.integers(1, 28)),
    )


def _plan(data):
    try:
        return taper_plan(data)
    except TaperInputError as error:
        assume(not any(e["field"] == "current_use" for e in error.errors))
        raise


@HYPOTHESIS
@given(requests())
def test_every_dose_has_at_most_three_tablets_where_the_strengths_allow(data):
    """A day dose that whole tablets make up with at most 3 per dose is given that way."""
    plan = _plan(data)
    for day in plan.days[:-1]:
        if fewest(plan.taper_drug, day.total_mg) <= 3 * data["doses_per_day"]:
            assert all(sum(t.count for t in dose.tablets) <= 3 for dose in day.doses)
        for dose in day.doses:  # and each dose with the fewest tablets
            assert sum(t.count for t in dose.tablets) == fewest(plan.taper_drug, dose.mg)


@HYPOTHESIS
@given(requests())
def test_tablet_totals_are_the_sum_of_the_schedule_whole_and_per_interval(data):
    """The prescription (whole taper) and the pharmacy (each interval) get what the days take."""
    plan = _plan(data)
    by_day: dict[Fraction, int] = {}
    for day in plan.days:
        for dose in day.doses:
            for tablet in dose.tablets:
                by_day[tablet.strength_mg] = by_day.get(tablet.strength_mg, 0) + tablet.count
    assert {t.strength_mg: t.count for t in plan.tablets_total} == by_day
    assert sum(t.strength_mg * t.count for t in plan.tablets_total) == sum(
        day.total_mg for day in plan.days
    )
    per_interval: dict[Fraction, int] = {}
    for period in plan.dispensing:
        assert (period.end - period.start).days + 1 <= data["dispensing_interval_days"]
        for tablet in period.tablets:
            per_interval[tablet.strength_mg] = (
                per_interval.get(tablet.strength_mg, 0) + tablet.count
            )
    assert per_interval == by_day
    starts = [period.start for period in plan.dispensing]
    assert starts[0] == plan.days[0].date
    assert all(later > earlier for earlier, later in pairwise(starts))


@HYPOTHESIS
@given(requests())
def test_slow_tapers_still_never_increase_and_end_at_zero(data):
    """G 4515-4517: from 4 % a week, never up, whole tablets, one 0 mg day at the end."""
    plan = _plan(data)
    totals = [day.total_mg for day in plan.days]
    assert all(after <= before for before, after in pairwise(totals))
    assert totals[-1] == 0
    assert all(total > 0 for total in totals[:-1])
    for day in plan.days:
        for dose in day.doses:
            assert all(t.strength_mg in STRENGTHS[plan.taper_drug] for t in dose.tablets)
            assert sum(t.strength_mg * t.count for t in dose.tablets) == dose.mg
