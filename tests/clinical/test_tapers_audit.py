"""Tapers, clinical audit of issue 11 (helper BC2).

Each benzodiazepine at low/typical/high doses x taper drug x setting x weekly reduction x doses
per day x pregnancy, and buprenorphine start x days x pregnancy x override reason, read against
the guideline text ("G" = line of ``003_*.txt``).
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import pytest

from clinical.tapers import TaperInputError, taper_plan

DOSES = {
    "diazepam": (10, 30, 80),
    "oxazepam": (45, 120),
    "alprazolam": (1, 6),
    "clonazepam": (2, 6),
    "flunitrazepam": (1, 4),
    "nitrazepam": (10, 30),
    "zopiclone": (7.5, 30),
    "zolpidem": (10, 40),
}
HIGH_POTENCY = {"alprazolam", "clonazepam", "flunitrazepam"}

_BENZO_GRID = [
    (drug, mg, taper, setting, percent, per_day, pregnant)
    for drug, mgs in DOSES.items()
    for mg, taper, setting, percent, per_day, pregnant in itertools.product(
        mgs,
        ("oxazepam", "diazepam"),
        ("outpatient", "inpatient"),
        (4, 9.99, 10, 20),
        (1, 4),
        (False, True),
    )
]


def _codes(plan: dict[str, Any]) -> list[str]:
    return [w["code"] for w in plan["warnings"]]


@pytest.mark.parametrize(
    ("drug", "mg", "taper", "setting", "percent", "per_day", "pregnant"), _BENZO_GRID
)
def test_benzodiazepine_taper_shape_and_warnings_9_3_1_2_g_4515_4517(
    drug: str, mg: float, taper: str, setting: str, percent: float, per_day: int, pregnant: bool
) -> None:
    """G 4515-4517 (9.3.1-2): never increases, ends at zero, whole tablets whose totals equal the
    schedule; the slower-than-usual note exactly below 10 %; the abrupt-stop warning exactly for
    an outpatient taper under four weeks; the conversion-point line exactly for the high-potency
    drugs converted by table; 12-6 for a pregnant woman."""
    plan = taper_plan(
        {
            "regimen": "benzodiazepine",
            "current_use": [{"drug": drug, "mg_per_day": mg}],
            "taper_drug": taper,
            "setting": setting,
            "start_date": "2026-03-20",
            "weekly_reduction_percent": percent,
            "doses_per_day": per_day,
            "pregnant": pregnant,
        }
    ).to_dict()
    totals = [day["total_mg"] for day in plan["days"]]
    assert all(after <= before for before, after in itertools.pairwise(totals))
    assert totals[-1] == 0
    counted: Counter[float] = Counter()
    for day in plan["days"]:
        assert sum(dose["mg"] for dose in day["doses"]) == pytest.approx(day["total_mg"])
        assert len(day["doses"]) <= per_day
        for dose in day["doses"]:
            assert sum(t["count"] * t["strength_mg"] for t in dose["tablets"]) == pytest.approx(
                dose["mg"]
            )
            for tablet in dose["tablets"]:
                assert isinstance(tablet["count"], int)
                counted[tablet["strength_mg"]] += tablet["count"]
    assert {t["strength_mg"]: t["count"] for t in plan["tablets_total"]} == dict(counted)
    codes = _codes(plan)
    assert ("slower_than_usual_reduction" in codes) == (percent < 10)
    abrupt = setting == "outpatient" and plan["duration_days"] < 28
    assert ("practically_abrupt_stop" in codes) == abrupt
    assert ("pregnant_slow_taper" in codes) == pregnant
    if drug not in HIGH_POTENCY:
        assert not plan["conversion_needs_confirmation"]


@pytest.mark.parametrize("drug", sorted(HIGH_POTENCY))
def test_high_potency_default_point_asks_for_confirmation_issue_11_tapers(drug: str) -> None:
    """Issue 11 "Tapers" (equivalence table ranges, 9.4): the low-end default is shown and the
    clinician is asked to confirm the chosen point."""
    plan = taper_plan(
        {
            "regimen": "benzodiazepine",
            "current_use": [{"drug": drug, "mg_per_day": DOSES[drug][-1]}],
            "setting": "outpatient",
            "start_date": "2026-03-20",
            "doses_per_day": 3,
        }
    ).to_dict()
    assert plan["conversion_needs_confirmation"]


def _buprenorphine(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "regimen": "buprenorphine",
        "setting": "inpatient",
        "start_date": "2026-03-27",
        "days": 7,
        "start_mg_per_day": 8,
        "opioid_dependent": True,
        "doses_per_day": 1,
    }
    body.update(changes)
    return body


@pytest.mark.parametrize(
    ("start", "days", "setting"),
    list(itertools.product((2, 8, 16, 24), (2, 4, 5, 14), ("outpatient", "inpatient"))),
)
def test_buprenorphine_taper_shape_and_abrupt_warning_10_5_1(
    start: int, days: int, setting: str
) -> None:
    """G 5206-5208 (10.5-1): from the start dose, never rising, to zero; the abrupt-stop warning
    exactly when >= 16 mg falls to zero in under five days (issue 11 item 5)."""
    plan = taper_plan(_buprenorphine(start_mg_per_day=start, days=days, setting=setting)).to_dict()
    totals = [day["total_mg"] for day in plan["days"]]
    assert totals[0] == start
    assert all(after <= before for before, after in itertools.pairwise(totals))
    assert totals[-1] == 0
    abrupt = start >= 16 and plan["duration_days"] < 5
    assert ("practically_abrupt_stop" in _codes(plan)) == abrupt


@pytest.mark.parametrize("reason", [None, "", "   ", "\t\n "])
def test_pregnant_buprenorphine_taper_without_a_real_reason_is_refused_12_7_10_3_1(
    reason: str | None,
) -> None:
    """G 4887-4891, 5702-5706 (12-7, 10.3-1): a whitespace-only override is not a reason."""
    with pytest.raises(TaperInputError) as caught:
        taper_plan(_buprenorphine(pregnant=True, override_reason=reason))
    fields = {e["field"] for e in caught.value.errors}
    assert fields & {"pregnant", "override_reason"}


@pytest.mark.parametrize(
    "reason",
    [
        "Pasienten ønsker det etter samtale",
        "<script>alert(1)</script>'; DROP TABLE x; --",
        "x" * 2000,
    ],
)
def test_pregnant_buprenorphine_taper_with_a_reason_carries_it_and_says_what_it_overrode_12_7(
    reason: str,
) -> None:
    """12-7, 10.3-1: the override is stored verbatim with the plan, and a warning names it."""
    plan = taper_plan(_buprenorphine(pregnant=True, override_reason=reason)).to_dict()
    assert plan["override_reason"] == reason
    assert "pregnant_opioid_taper_overridden" in _codes(plan)


def test_override_reason_too_long_is_a_400_naming_the_field() -> None:
    """Bad input: a clear error naming the field and what is allowed."""
    with pytest.raises(TaperInputError) as caught:
        taper_plan(_buprenorphine(pregnant=True, override_reason="x" * 2001))
    assert "override_reason" in {e["field"] for e in caught.value.errors}


@pytest.mark.parametrize("start", [26, 32])
def test_buprenorphine_start_above_24_needs_a_reason_issue_11_item_5(start: int) -> None:
    """Issue 11 item 5: above 24 mg/day, 400 naming start_mg_per_day unless a reason is given."""
    with pytest.raises(TaperInputError) as caught:
        taper_plan(_buprenorphine(start_mg_per_day=start))
    assert "start_mg_per_day" in {e["field"] for e in caught.value.errors}
    plan = taper_plan(
        _buprenorphine(start_mg_per_day=start, override_reason="Høy toleranse")
    ).to_dict()
    assert "start_above_bound_overridden" in _codes(plan)


def test_taper_dates_cross_the_dst_change_one_calendar_day_each() -> None:
    """Dates are calendar dates: the taper across the 29 March 2026 DST change skips none."""
    plan = taper_plan(_buprenorphine(start_date="2026-03-27", days=5)).to_dict()
    dates = [day["date"] for day in plan["days"]]
    assert dates[:4] == ["2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30"]
