"""Treatment level, clinical audit of issue 11 (helper BC2).

Combinations of substances x injecting x repeated overdoses x LAR x pregnancy x age x earlier
complications x CIWA-Ar x opioid arrangements x preference, each answer read against the
guideline text ("G" = line of ``003_*.txt``). ``READY`` (tests/clinical/test_levels.py) is an
alcohol-only intake where every outpatient factor holds; each case changes what it is about.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest

from clinical.levels import LevelInput, LevelProposal, SubstanceUse, evaluate_level
from tests.clinical.test_levels import READY

SUBSTANCE_SETS = {
    "alcohol": ("alcohol",),
    "benzodiazepines": ("benzodiazepines",),
    "opioids": ("opioids",),
    "ghb": ("ghb",),
    "cannabis": ("cannabis",),
    "stimulants": ("stimulants",),
    "alcohol+benzodiazepines": ("alcohol", "benzodiazepines"),
    "opioids+benzodiazepines": ("opioids", "benzodiazepines"),
}


def _input(names: tuple[str, ...], *, injecting: bool | None = False, **changes: Any) -> LevelInput:
    uses = tuple(SubstanceUse(name, dependent=True, injecting=injecting) for name in names)  # type: ignore[arg-type]
    base: dict[str, Any] = {
        "substances": uses,
        "opioid_stabilised": True,
        "supervised_daily_dispensing": True,
    }
    return replace(READY, **{**base, **changes})


def _codes(proposal: LevelProposal) -> set[str]:
    return {r.code for r in (*proposal.reasons, *proposal.cautions)}


_GRID = list(
    itertools.product(
        SUBSTANCE_SETS,
        [False, True],  # injecting
        [False, True, None],  # repeated overdoses
        [False, True, None],  # in LAR
        [False, True, None],  # pregnant
        [17, 65],  # age
        [9, 16, 19],  # CIWA-Ar
    )
)


@pytest.mark.parametrize(("key", "injecting", "overdoses", "lar", "pregnant", "age", "ciwa"), _GRID)
def test_no_answer_contradicts_the_guideline_3_2_2_1_8_3_2_1_10_4_2_1_11_2_1_11_5_1_12_3(
    key: str,
    injecting: bool,
    overdoses: bool | None,
    lar: bool | None,
    pregnant: bool | None,
    age: int,
    ciwa: int,
) -> None:
    """G 1036-1052 (3.2.2-1), 3807-3816 (8.3.2-1), 5080 (10.4.2-1), 5430-5432 (11.2-1 GHB
    always admit), 5602-5604 (11.5-1), 5730 (12-3 pregnant): no outpatient proposal where an
    inpatient factor holds; no opioid-detox line for a pregnant woman (12-7, 10.3-1); no
    illegal-opioid line for a LAR patient detoxed from side use (G 4887-4891); repeated overdoses
    never ignored (G 5863-5865); under 18 and 65+ cautions (G 286-300, G 3994-3998)."""
    names = SUBSTANCE_SETS[key]
    inp = _input(
        names,
        injecting=injecting,
        repeated_overdoses=overdoses,
        in_lar=lar,
        pregnant=pregnant,
        age_years=age,
        ciwa_ar=ciwa,
    )
    proposal = evaluate_level(inp)
    codes = _codes(proposal)
    detoxed = [use.substance for use in inp.detox_substances]
    if proposal.level == "outpatient":
        assert not injecting
        assert pregnant is not True
        assert "ghb" not in names
        assert len(detoxed) < 2
        assert not ("alcohol" in names and ciwa >= 19)
        assert all(r.pushes != "inpatient" for r in proposal.reasons)
        if ciwa >= 16:
            assert "ciwa_hourly_diazepam_needs_institution" in codes
    if proposal.level == "inpatient":
        assert all(r.pushes != "outpatient" for r in proposal.reasons)
    if proposal.acute_referral is not None:
        assert proposal.level == "inpatient"
    if pregnant and "opioids" in names:
        assert "pregnant_opioid_stabilise_not_detox" in codes
        assert not {c for c in codes if c.startswith("opioid_")}
    if lar and "opioids" in names and len(names) > 1:
        assert "lar_side_use_only" in codes
        assert not {c for c in codes if c.startswith("opioid_")}
    if overdoses:
        assert codes & {"repeated_overdoses", "opioid_injecting_repeated_overdoses"}
    assert ("adolescent_not_addressed" in codes) == (age < 18)
    if age >= 65:
        assert "sedative_caution" in codes


@pytest.mark.parametrize("key", ["benzodiazepines", "cannabis", "stimulants"])
@pytest.mark.parametrize("ciwa", [16, 18])
def test_ciwa_hourly_tier_without_alcohol_asks_for_the_substance_history_8_4_6_7_2_2(
    key: str, ciwa: int
) -> None:
    """G 4200, 4211, 4229 (8.4.6-1..3): a CIWA-Ar in the hourly tier is an alcohol-withdrawal
    score. Audit defect: with alcohol not listed, the outpatient answer warned about hourly
    diazepam but, unlike the severe score (>= 19), did not ask that the substance history be
    completed (7.2-2)."""
    proposal = evaluate_level(_input(SUBSTANCE_SETS[key], ciwa_ar=ciwa))
    assert proposal.level == "outpatient"
    codes = [c.code for c in proposal.cautions]
    assert "ciwa_hourly_diazepam_needs_institution" in codes
    assert codes.count("alcohol_not_listed") == 1


@pytest.mark.parametrize("ciwa", [9, 10, 15])
def test_ciwa_below_hourly_tier_without_alcohol_adds_no_history_caution_8_4_6_3(ciwa: int) -> None:
    """G 4229 (8.4.6-3): below 16 no hourly tier, so no caution about the substance list."""
    proposal = evaluate_level(_input(("benzodiazepines",), ciwa_ar=ciwa))
    assert "alcohol_not_listed" not in _codes(proposal)


@pytest.mark.parametrize("ciwa", [16, 18])
def test_ciwa_hourly_tier_with_alcohol_listed_has_no_history_caution_8_4_6_3(ciwa: int) -> None:
    """G 4229 (8.4.6-3): alcohol listed, so the history is complete: only the hourly caution."""
    proposal = evaluate_level(_input(("alcohol",), ciwa_ar=ciwa))
    assert proposal.level == "outpatient"
    codes = _codes(proposal)
    assert "ciwa_hourly_diazepam_needs_institution" in codes
    assert "alcohol_not_listed" not in codes


@pytest.mark.parametrize(
    ("stabilised", "dispensing", "level"),
    [(True, True, "outpatient"), (False, True, "inpatient"), (True, False, "inpatient")],
)
def test_opioid_outpatient_only_when_specially_arranged_10_4_1_2_g_5021_5023(
    stabilised: bool, dispensing: bool, level: str
) -> None:
    """G 5001-5003, 5021-5023 (10.4.1-2), G 5080 (10.4.2-1)."""
    proposal = evaluate_level(
        _input(
            ("opioids",),
            opioid_stabilised=stabilised,
            supervised_daily_dispensing=dispensing,
            ciwa_ar=None,
        )
    )
    assert proposal.level == level
    if level == "inpatient":
        assert "opioid_institution_first_choice" in _codes(proposal)


def test_failed_outpatient_detox_decides_the_institution_3_2_1_3_g_1002() -> None:
    """G 1002-1003 (3.2.1-3)."""
    proposal = evaluate_level(_input(("alcohol",), earlier_failed_outpatient_detox=True))
    assert proposal.level == "inpatient"
    assert "earlier_failed_outpatient_detox" in {r.code for r in proposal.reasons}


@pytest.mark.parametrize("field", ["current_delirium", "wernicke_suspected"])
def test_delirium_or_wernicke_is_an_acute_referral_with_inpatient_8_4_5_2_8_4_1_2(
    field: str,
) -> None:
    """G 4147-4151 (8.4.5-2), G 3905-3907 (8.4.1-2): referral always with inpatient."""
    proposal = evaluate_level(_input(("alcohol",), **{field: True}))
    assert proposal.acute_referral is not None
    assert proposal.level == "inpatient"
