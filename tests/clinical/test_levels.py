"""Treatment-level engine: pure tests, no database.

``ready()`` builds an intake where every outpatient factor holds (alcohol only, 3.2.1-2 and
8.3.2-1); each test changes what it is about.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import polib
import pytest

from clinical.inputs import ClinicalInputError
from clinical.levels import (
    LevelInput,
    LevelInputError,
    LevelProposal,
    Reason,
    SubstanceUse,
    evaluate_level,
    parse_level_input,
)

ROOT = Path(__file__).resolve().parents[2]

ALCOHOL = SubstanceUse("alcohol", dependent=True, injecting=False)
BENZODIAZEPINES = SubstanceUse("benzodiazepines", dependent=True, injecting=False)
OPIOIDS = SubstanceUse("opioids", dependent=True, injecting=False)
GHB = SubstanceUse("ghb", dependent=True, injecting=False)
CANNABIS = SubstanceUse("cannabis", dependent=True, injecting=False)
STIMULANTS = SubstanceUse("stimulants", dependent=True, injecting=False)

READY = LevelInput(
    substances=(ALCOHOL,),
    previous_withdrawal_complications=(),
    somatic_comorbidity=False,
    psychiatric_comorbidity=False,
    severe_mental_illness=False,
    high_suicide_risk=False,
    acute_somatic_illness=False,
    unconscious=False,
    pregnant=False,
    home_support=True,
    outpatient_followup_available=True,
    patient_preference="outpatient",
    able_to_take_oral=True,
    dehydration_or_electrolyte_disturbance_suspected=False,
    ciwa_ar=5,
    audit=12,
    alcohol_units_per_day=8,
    repeated_overdoses=False,
    in_custody=False,
    in_lar=False,
    earlier_failed_outpatient_detox=False,
    current_delirium=False,
    wernicke_suspected=False,
    acute_criteria=(),
    head_injury=False,
    age_years=45,
)

READY_JSON: dict[str, Any] = {
    "substances": [
        {"substance": "alcohol", "dependent": True, "injecting": False, "continuous_use_days": 10}
    ],
    "previous_withdrawal_complications": [],
    "somatic_comorbidity": False,
    "psychiatric_comorbidity": False,
    "severe_mental_illness": False,
    "high_suicide_risk": False,
    "acute_somatic_illness": False,
    "unconscious": False,
    "pregnant": False,
    "home_support": True,
    "outpatient_followup_available": True,
    "patient_preference": "outpatient",
    "able_to_take_oral": True,
    "dehydration_or_electrolyte_disturbance_suspected": False,
    "ciwa_ar": None,
    "audit": None,
    "alcohol_units_per_day": None,
    "repeated_overdoses": False,
    "in_custody": False,
    "in_lar": False,
    "earlier_failed_outpatient_detox": False,
    "current_delirium": False,
    "wernicke_suspected": False,
    "acute_criteria": [],
    "head_injury": False,
    "age_years": 45,
}

# Every fact an outpatient proposal needs confirmed, for an alcohol-only intake.
NEEDED_FOR_OUTPATIENT = (
    "previous_withdrawal_complications",
    "somatic_comorbidity",
    "psychiatric_comorbidity",
    "severe_mental_illness",
    "high_suicide_risk",
    "acute_somatic_illness",
    "unconscious",
    "pregnant",
    "home_support",
    "outpatient_followup_available",
    "patient_preference",
    "able_to_take_oral",
    "dehydration_or_electrolyte_disturbance_suspected",
    "in_custody",
    "current_delirium",
    "wernicke_suspected",
    "acute_criteria",
)
ALCOHOL_ONLY_FACTS = (
    "able_to_take_oral",
    "dehydration_or_electrolyte_disturbance_suspected",
    "wernicke_suspected",
)
ACUTE_FACTS = (
    "severe_mental_illness",
    "high_suicide_risk",
    "acute_somatic_illness",
    "unconscious",
    "current_delirium",
    "wernicke_suspected",
    "acute_criteria",
)


def ready(**changes: Any) -> LevelInput:
    return replace(READY, **changes)


def evaluate(**changes: Any) -> LevelProposal:
    return evaluate_level(ready(**changes))


def evaluate_opioid(**changes: Any) -> LevelProposal:
    """Opioids only, with the 10.4.1-2 special arrangements (G 5021-5023) in place."""
    base = {
        "substances": (OPIOIDS,),
        "opioid_stabilised": True,
        "supervised_daily_dispensing": True,
    }
    return evaluate(**{**base, **changes})


def unknown(*substances: SubstanceUse) -> LevelInput:
    """Nothing known but the substances."""
    return LevelInput(substances=substances)


def codes(reasons: tuple[Reason, ...]) -> list[str]:
    return [reason.code for reason in reasons]


def reason(proposal: LevelProposal, code: str) -> Reason:
    return next(r for r in (*proposal.reasons, *proposal.cautions) if r.code == code)


def missing_fields(proposal: LevelProposal) -> list[str]:
    return [item.field for item in proposal.missing]


def errors_for(data: Any) -> list[dict[str, str]]:
    """Each error's field and English message (``errors`` also carries msgid, params, refs)."""
    with pytest.raises(LevelInputError) as caught:
        parse_level_input(data)
    return [{"field": e["field"], "message": e["message"]} for e in caught.value.errors]


def error_fields(data: Any) -> list[str]:
    return [error["field"] for error in errors_for(data)]


# --- Outpatient ------------------------------------------------------------------------------


def test_it_proposes_outpatient_for_alcohol_when_every_outpatient_factor_holds():
    proposal = evaluate_level(READY)
    assert (proposal.level, proposal.acute_referral, proposal.missing) == ("outpatient", None, ())


def test_it_cites_3_2_1_2_and_8_3_2_1_for_outpatient_alcohol_detox():
    proposal = evaluate_level(READY)
    assert [(r.code, r.refs, r.pushes) for r in proposal.reasons] == [
        ("outpatient_factors_hold", ("3.2.1-2",), "outpatient"),
        ("alcohol_outpatient_conditions", ("8.3.2-1",), "outpatient"),
    ]


def test_it_cautions_that_outpatient_detox_needs_the_clinicians_judgement():
    caution = reason(evaluate_level(READY), "outpatient_judgement")
    assert caution.refs == ("3.2.1-2", "3.2.1-3")


def test_it_cautions_that_severe_alcohol_withdrawal_during_outpatient_detox_means_admission():
    caution = reason(evaluate_level(READY), "alcohol_outpatient_escalation")
    assert (caution.refs, caution.pushes) == (("8.3.2-4",), "inpatient")


@pytest.mark.parametrize("substance", [STIMULANTS, SubstanceUse("other", False, False)])
def test_it_proposes_outpatient_for_other_substances_when_every_factor_holds(substance):
    proposal = evaluate(substances=(substance,))
    assert (proposal.level, codes(proposal.reasons)) == ("outpatient", ["outpatient_factors_hold"])


def test_it_does_not_need_the_alcohol_facts_for_other_substances():
    proposal = evaluate(
        substances=(STIMULANTS,),
        able_to_take_oral=None,
        dehydration_or_electrolyte_disturbance_suspected=None,
    )
    assert (proposal.level, proposal.missing) == ("outpatient", ())


def test_it_proposes_outpatient_when_a_single_substances_dependence_is_unknown():
    proposal = evaluate(substances=(replace(ALCOHOL, dependent=None),))
    assert proposal.level == "outpatient"


def test_it_proposes_outpatient_when_the_only_substance_is_not_a_dependence():
    proposal = evaluate(substances=(replace(ALCOHOL, dependent=False),))
    assert proposal.level == "outpatient"


def test_it_allows_one_dependence_with_non_dependent_use_of_another_substance():
    proposal = evaluate(substances=(ALCOHOL, replace(CANNABIS, dependent=False)))
    assert proposal.level == "outpatient"


def test_it_cautions_that_mixed_use_must_be_limited_for_outpatient_detox():
    proposal = evaluate(substances=(ALCOHOL, replace(CANNABIS, dependent=False)))
    caution = reason(proposal, "mixed_use")
    assert (caution.refs, caution.params) == (
        ("3.2.1-2", "3.2.2-1"),
        {"substances": ["alcohol", "cannabis"]},
    )


def test_it_gives_no_mixed_use_caution_for_a_single_substance():
    assert "mixed_use" not in codes(evaluate_level(READY).cautions)


# --- Inpatient factors (3.2.2-1 and the substance chapters), each alone -----------------------

INPATIENT_FACTORS = [
    ({"patient_preference": "inpatient"}, "patient_prefers_inpatient", ("3.2.1-2",)),
    ({"substances": (ALCOHOL, BENZODIAZEPINES)}, "several_substances", ("3.2.2-1", "11.5-1")),
    ({"substances": (replace(ALCOHOL, injecting=True),)}, "injecting", ("3.2.2-1",)),
    (
        {"previous_withdrawal_complications": ("hallucinations",)},
        "previous_complications",
        ("3.2.2-1",),
    ),
    ({"somatic_comorbidity": True}, "somatic_comorbidity", ("3.2.2-1",)),
    ({"psychiatric_comorbidity": True}, "psychiatric_comorbidity", ("3.2.2-1",)),
    ({"home_support": False}, "no_home_support", ("3.2.2-1",)),
    ({"outpatient_followup_available": False}, "no_outpatient_followup", ("3.2.2-1",)),
    ({"pregnant": True}, "pregnant", ("12-3", "3.2.2-1", "4.2-3")),
    ({"in_custody": True}, "in_custody", ("3.4-3", "3.4-1")),
    ({"able_to_take_oral": False}, "alcohol_cannot_take_oral", ("8.3.2-1",)),
    (
        {"dehydration_or_electrolyte_disturbance_suspected": True},
        "alcohol_dehydration",
        ("8.3.2-1",),
    ),
    ({"ciwa_ar": 19}, "alcohol_severe_withdrawal", ("8.3.2-4", "8.3.3-1", "4.2-5")),
    ({"alcohol_units_per_day": 16}, "alcohol_units_above_nice_threshold", ("3.2",)),
    ({"audit": 20}, "audit_at_nice_threshold", ("3.2",)),
    ({"substances": (GHB,)}, "ghb_admit", ("11.2-1",)),
]


@pytest.mark.parametrize(("changes", "code", "refs"), INPATIENT_FACTORS)
def test_each_inpatient_factor_alone_decides_inpatient(changes, code, refs):
    proposal = evaluate(**changes)
    assert (proposal.level, proposal.acute_referral) == ("inpatient", None)


@pytest.mark.parametrize(("changes", "code", "refs"), INPATIENT_FACTORS)
def test_each_inpatient_factor_is_a_reason_with_its_refs(changes, code, refs):
    cited = reason(evaluate(**changes), code)
    assert (cited.refs, cited.pushes) == (refs, "inpatient")


@pytest.mark.parametrize(("changes", "code", "refs"), INPATIENT_FACTORS)
def test_an_inpatient_factor_decides_even_when_everything_else_is_unknown(changes, code, refs):
    inp = LevelInput(**{"substances": (replace(ALCOHOL, injecting=None),), **changes})
    proposal = evaluate_level(inp)
    assert proposal.level == "inpatient"


@pytest.mark.parametrize(("changes", "code", "refs"), INPATIENT_FACTORS)
def test_an_inpatient_decision_lists_only_unknown_acute_facts_as_missing(changes, code, refs):
    inp = LevelInput(**{"substances": (replace(ALCOHOL, injecting=None),), **changes})
    # Wernicke (8.4.1-2) is asked where alcohol is listed.
    expected = [f for f in ACUTE_FACTS if f != "wernicke_suspected" or inp.uses("alcohol")]
    assert missing_fields(evaluate_level(inp)) == expected


@pytest.mark.parametrize(("changes", "code", "refs"), INPATIENT_FACTORS)
def test_each_reason_carries_a_message_and_no_outpatient_reasons(changes, code, refs):
    proposal = evaluate(**changes)
    assert all(r.message and r.pushes != "outpatient" for r in proposal.reasons)


def test_it_lists_every_inpatient_factor_present():
    proposal = evaluate(home_support=False, pregnant=True, somatic_comorbidity=True)
    assert codes(proposal.reasons) == ["somatic_comorbidity", "no_home_support", "pregnant"]


def test_the_patients_wish_for_admission_is_marked_as_a_resolution():
    cited = reason(evaluate(patient_preference="inpatient"), "patient_prefers_inpatient")
    assert cited.resolution is True


def test_it_names_the_substances_behind_several_dependences():
    proposal = evaluate(substances=(ALCOHOL, BENZODIAZEPINES, replace(CANNABIS, dependent=False)))
    assert reason(proposal, "several_substances").params == {
        "substances": ["alcohol", "benzodiazepines"]
    }


def test_it_names_the_injected_substances():
    proposal = evaluate(substances=(ALCOHOL, replace(STIMULANTS, dependent=False, injecting=True)))
    assert reason(proposal, "injecting").params == {"substances": ["stimulants"]}


def test_it_names_the_earlier_complications():
    proposal = evaluate(previous_withdrawal_complications=("psychosis", "dehydration"))
    assert reason(proposal, "previous_complications").params == {
        "complications": ["psychosis", "dehydration"]
    }


def test_custody_as_inpatient_is_marked_as_a_resolution():
    assert reason(evaluate(in_custody=True), "in_custody").resolution is True


# --- Alcohol ---------------------------------------------------------------------------------


@pytest.mark.parametrize("complication", ["seizures", "delirium_tremens"])
def test_earlier_seizures_or_delirium_tremens_cite_8_3_3_1_for_alcohol(complication):
    proposal = evaluate(previous_withdrawal_complications=(complication,))
    cited = reason(proposal, "alcohol_previous_seizures_or_dt")
    assert (proposal.level, cited.refs, cited.params) == (
        "inpatient",
        ("8.3.3-1", "8.3.2-1"),
        {"complications": [complication]},
    )


def test_earlier_seizures_without_alcohol_are_only_an_earlier_complication():
    proposal = evaluate(substances=(STIMULANTS,), previous_withdrawal_complications=("seizures",))
    assert codes(proposal.reasons) == ["previous_complications"]


@pytest.mark.parametrize(
    ("score", "level"),
    [(0, "outpatient"), (18, "outpatient"), (19, "inpatient"), (67, "inpatient")],
)
def test_ciwa_ar_19_or_more_is_severe_withdrawal_and_decides_inpatient(score, level):
    assert evaluate(ciwa_ar=score).level == level


def test_the_severe_withdrawal_reason_gives_the_score_and_threshold():
    assert reason(evaluate(ciwa_ar=25), "alcohol_severe_withdrawal").params == {
        "score": 25,
        "threshold": 19,
    }


@pytest.mark.parametrize(
    ("units", "level"),
    [(0, "outpatient"), (15, "outpatient"), (15.5, "inpatient"), (16, "inpatient")],
)
def test_more_than_15_units_a_day_decides_inpatient(units, level):
    assert evaluate(alcohol_units_per_day=units).level == level


def test_the_units_threshold_is_background_not_a_recommendation():
    cited = reason(evaluate(alcohol_units_per_day=16), "alcohol_units_above_nice_threshold")
    assert (cited.background, cited.resolution, cited.params) == (
        True,
        False,
        {"units": 16, "threshold": 15},
    )


@pytest.mark.parametrize(
    ("score", "level"),
    [(0, "outpatient"), (19, "outpatient"), (20, "inpatient"), (40, "inpatient")],
)
def test_an_audit_score_of_20_or_more_decides_inpatient(score, level):
    assert evaluate(audit=score).level == level


def test_the_audit_threshold_is_background_and_a_resolution_of_over_20():
    cited = reason(evaluate(audit=20), "audit_at_nice_threshold")
    assert (cited.background, cited.resolution, cited.params) == (
        True,
        True,
        {"score": 20, "threshold": 20},
    )


def test_alcohol_measures_without_alcohol_listed_still_decide_and_ask_to_map_all_use():
    proposal = evaluate(substances=(STIMULANTS,), ciwa_ar=20)
    assert (proposal.level, reason(proposal, "alcohol_not_listed").refs) == (
        "inpatient",
        ("7.2-2",),
    )


def test_alcohol_measures_below_the_thresholds_without_alcohol_listed_give_no_caution():
    proposal = evaluate(substances=(STIMULANTS,), ciwa_ar=3, audit=4, alcohol_units_per_day=1)
    assert "alcohol_not_listed" not in codes(proposal.cautions)


def test_unknown_alcohol_measures_are_missing_but_do_not_block_outpatient():
    proposal = evaluate(ciwa_ar=None, audit=None, alcohol_units_per_day=None)
    assert (proposal.level, missing_fields(proposal)) == (
        "outpatient",
        ["ciwa_ar", "audit", "alcohol_units_per_day"],
    )


def test_unknown_alcohol_measures_are_not_missing_for_other_substances():
    proposal = evaluate(
        substances=(STIMULANTS,), ciwa_ar=None, audit=None, alcohol_units_per_day=None
    )
    assert proposal.missing == ()


# --- Acute referral (4.1) --------------------------------------------------------------------

ACUTE = [
    ("severe_mental_illness", "psychiatry", ("4.1-1",), "psychiatric_comorbidity"),
    ("high_suicide_risk", "psychiatry", ("4.1-2",), "psychiatric_comorbidity"),
    ("acute_somatic_illness", "somatic", ("4.1-3",), "somatic_comorbidity"),
    ("unconscious", "somatic", ("8.3.2-4", "4.1-3"), "somatic_comorbidity"),
]


@pytest.mark.parametrize(("fact", "referral", "refs", "comorbidity"), ACUTE)
def test_each_acute_fact_gives_its_acute_referral(fact, referral, refs, comorbidity):
    assert evaluate(**{fact: True}).acute_referral == referral


@pytest.mark.parametrize(("fact", "referral", "refs", "comorbidity"), ACUTE)
def test_each_acute_fact_is_a_reason_citing_4_1(fact, referral, refs, comorbidity):
    cited = reason(evaluate(**{fact: True}), fact)
    assert (cited.refs, cited.pushes) == (refs, referral)


@pytest.mark.parametrize(("fact", "referral", "refs", "comorbidity"), ACUTE)
def test_an_acute_referral_comes_with_inpatient_as_a_concurrent_health_problem(
    fact, referral, refs, comorbidity
):
    proposal = evaluate(**{fact: True})
    cited = reason(proposal, comorbidity)
    assert (proposal.level, cited.refs, cited.params) == (
        "inpatient",
        ("3.2.2-1",),
        {"facts": [fact]},
    )


@pytest.mark.parametrize(("fact", "referral", "refs", "comorbidity"), ACUTE)
def test_an_acute_fact_decides_even_when_everything_else_is_unknown(
    fact, referral, refs, comorbidity
):
    facts: dict[str, Any] = {fact: True}
    proposal = evaluate_level(LevelInput(**facts))
    assert (proposal.level, proposal.acute_referral) == ("inpatient", referral)


def test_acute_reasons_come_first():
    proposal = evaluate(home_support=False, high_suicide_risk=True)
    assert codes(proposal.reasons)[0] == "high_suicide_risk"


def test_somatic_referral_comes_before_psychiatric():
    proposal = evaluate(high_suicide_risk=True, acute_somatic_illness=True)
    assert proposal.acute_referral == "somatic"


def test_it_keeps_the_psychiatric_need_when_somatic_care_comes_first():
    proposal = evaluate(severe_mental_illness=True, high_suicide_risk=True, unconscious=True)
    caution = reason(proposal, "psychiatry_after_somatic")
    assert (caution.refs, caution.pushes, caution.resolution) == (
        ("4.1-1", "4.1-2"),
        "psychiatry",
        True,
    )


def test_it_gives_no_psychiatry_after_somatic_caution_for_a_psychiatric_referral_alone():
    proposal = evaluate(high_suicide_risk=True)
    assert "psychiatry_after_somatic" not in codes(proposal.cautions)


def test_an_acute_referral_overrides_a_wish_for_outpatient_detox():
    proposal = evaluate(acute_somatic_illness=True, patient_preference="outpatient")
    assert (proposal.level, proposal.acute_referral) == ("inpatient", "somatic")


@pytest.mark.parametrize("fact", ACUTE_FACTS)
def test_an_unknown_acute_fact_is_missing_even_when_inpatient_is_decided(fact):
    proposal = evaluate(home_support=False, **{fact: None})
    assert (proposal.level, missing_fields(proposal)) == ("inpatient", [fact])


def test_no_acute_referral_when_every_acute_fact_is_false():
    assert evaluate_level(READY).acute_referral is None


# --- Unknown is not false --------------------------------------------------------------------


@pytest.mark.parametrize("fact", NEEDED_FOR_OUTPATIENT)
def test_one_unknown_needed_fact_leaves_the_level_undecided(fact):
    proposal = evaluate(**{fact: None})
    assert (proposal.level, proposal.acute_referral, proposal.reasons) == (None, None, ())


@pytest.mark.parametrize("fact", NEEDED_FOR_OUTPATIENT)
def test_one_unknown_needed_fact_is_named_as_missing(fact):
    assert missing_fields(evaluate(**{fact: None})) == [fact]


@pytest.mark.parametrize("fact", NEEDED_FOR_OUTPATIENT)
def test_each_missing_fact_has_a_message_and_refs(fact):
    (item,) = evaluate(**{fact: None}).missing
    assert (bool(item.message), bool(item.refs)) == (True, True)


def test_an_unknown_injecting_is_missing_for_that_substance():
    proposal = evaluate(substances=(ALCOHOL, replace(CANNABIS, dependent=False, injecting=None)))
    assert (proposal.level, missing_fields(proposal)) == (None, ["substances[1].injecting"])


def test_an_unknown_dependence_is_missing_when_it_could_make_two():
    proposal = evaluate(substances=(ALCOHOL, replace(CANNABIS, dependent=None)))
    assert (proposal.level, missing_fields(proposal)) == (None, ["substances[1].dependent"])


def test_two_unknown_dependences_are_both_missing():
    substances = (replace(ALCOHOL, dependent=None), replace(CANNABIS, dependent=None))
    assert missing_fields(evaluate(substances=substances)) == [
        "substances[0].dependent",
        "substances[1].dependent",
    ]


def test_no_substances_is_missing():
    proposal = evaluate(substances=())
    assert (proposal.level, missing_fields(proposal)) == (None, ["substances"])


def test_missing_facts_follow_the_order_of_the_input_fields():
    proposal = evaluate_level(LevelInput(substances=(SubstanceUse("alcohol"),)))
    assert missing_fields(proposal) == [
        "substances[0].injecting",
        "previous_withdrawal_complications",
        "somatic_comorbidity",
        "psychiatric_comorbidity",
        "severe_mental_illness",
        "high_suicide_risk",
        "acute_somatic_illness",
        "unconscious",
        "pregnant",
        "home_support",
        "outpatient_followup_available",
        "patient_preference",
        "able_to_take_oral",
        "dehydration_or_electrolyte_disturbance_suspected",
        "ciwa_ar",
        "audit",
        "alcohol_units_per_day",
        "in_custody",
        "earlier_failed_outpatient_detox",
        "current_delirium",
        "wernicke_suspected",
        "acute_criteria",
    ]


def test_an_empty_complication_list_means_none_while_none_means_unknown():
    assert (
        evaluate(previous_withdrawal_complications=()).level,
        evaluate(previous_withdrawal_complications=None).level,
    ) == ("outpatient", None)


@pytest.mark.parametrize("fact", ["repeated_overdoses", "in_lar"])
def test_facts_that_cannot_change_the_level_are_never_missing(fact):
    proposal = evaluate(**{fact: None})
    assert (proposal.level, proposal.missing) == ("outpatient", ())


def test_the_pregnancy_question_cites_12_1():
    (item,) = evaluate(pregnant=None).missing
    assert item.refs[0] == "12-1"


# --- Benzodiazepines (9.3) -------------------------------------------------------------------


def test_benzodiazepines_alone_with_every_factor_push_an_outpatient_start_of_the_taper():
    proposal = evaluate(substances=(BENZODIAZEPINES,))
    cited = reason(proposal, "benzodiazepine_outpatient_start")
    assert (proposal.level, cited.refs, cited.pushes, cited.background) == (
        "outpatient",
        ("9.3", "9.3.1-3"),
        "outpatient",
        True,
    )


def test_the_benzodiazepine_outpatient_reason_is_absent_when_admission_is_decided():
    proposal = evaluate(substances=(BENZODIAZEPINES,), home_support=False)
    assert "benzodiazepine_outpatient_start" not in codes(proposal.reasons)


def test_benzodiazepines_with_another_dependence_suggest_starting_the_taper_before_admission():
    proposal = evaluate(substances=(ALCOHOL, BENZODIAZEPINES))
    assert reason(proposal, "benzodiazepine_taper_before_admission").refs == ("11.5-2",)


def test_no_taper_before_admission_caution_for_non_dependent_benzodiazepine_use():
    proposal = evaluate(substances=(ALCOHOL, OPIOIDS, replace(BENZODIAZEPINES, dependent=False)))
    assert "benzodiazepine_taper_before_admission" not in codes(proposal.cautions)


# --- Opioids (10.3, 10.4) --------------------------------------------------------------------


def test_opioids_with_every_outpatient_factor_and_10_4_1_2_confirmed_may_be_outpatient():
    """10.4.1-2 (G 5021-5023) and 3.2.1-2: both the special arrangements and the general
    conditions confirmed."""
    proposal = evaluate_opioid()
    assert (proposal.level, proposal.missing) == ("outpatient", ())
    assert reason(proposal, "opioid_outpatient_conditions_hold").refs == ("10.4.1-2",)


def test_outpatient_opioid_detox_is_cautioned_as_second_to_institution():
    caution = reason(evaluate_opioid(), "opioid_outpatient_specially_arranged")
    assert caution.refs == ("10.4.2-1", "10.4.1-2")


@pytest.mark.parametrize(
    "fact", [fact for fact in NEEDED_FOR_OUTPATIENT if fact not in ALCOHOL_ONLY_FACTS]
)
def test_opioids_with_an_unconfirmed_outpatient_factor_go_to_institution_first(fact):
    proposal = evaluate_opioid(**{fact: None})
    assert (proposal.level, codes(proposal.reasons), missing_fields(proposal)) == (
        "inpatient",
        ["opioid_institution_first_choice"],
        [fact],
    )


def test_opioids_with_nothing_known_go_to_institution_first():
    proposal = evaluate_level(unknown(SubstanceUse("opioids")))
    assert (proposal.level, reason(proposal, "opioid_institution_first_choice").refs) == (
        "inpatient",
        ("10.4.2-1",),
    )


def test_opioid_institution_first_choice_follows_the_other_inpatient_reasons():
    proposal = evaluate(substances=(OPIOIDS,), home_support=False)
    assert codes(proposal.reasons) == ["no_home_support", "opioid_institution_first_choice"]


def test_injecting_opioids_with_repeated_overdoses_advise_against_outpatient():
    proposal = evaluate(substances=(replace(OPIOIDS, injecting=True),), repeated_overdoses=True)
    cited = reason(proposal, "opioid_injecting_repeated_overdoses")
    assert (cited.refs, cited.background, cited.pushes) == (("10.4.1",), True, "inpatient")


@pytest.mark.parametrize(
    ("substances", "overdoses"),
    [
        ((replace(OPIOIDS, injecting=True),), False),
        ((replace(OPIOIDS, injecting=True),), None),
        ((OPIOIDS,), True),
        ((replace(STIMULANTS, injecting=True),), True),
    ],
)
def test_the_overdose_reason_needs_injected_opioids_and_repeated_overdoses(substances, overdoses):
    proposal = evaluate(substances=substances, repeated_overdoses=overdoses)
    assert "opioid_injecting_repeated_overdoses" not in codes(proposal.reasons)


@pytest.mark.parametrize(
    "changes",
    [{}, {"home_support": False}, {"patient_preference": None}],
    ids=["outpatient", "inpatient", "undecided"],
)
def test_opioids_always_get_the_tolerance_information_caution(changes):
    proposal = evaluate(substances=(OPIOIDS,), **changes)
    assert reason(proposal, "opioid_tolerance_information").refs == ("10.3-2",)


def test_other_substances_get_no_opioid_cautions():
    cautions = codes(evaluate_level(READY).cautions)
    assert not [code for code in cautions if code.startswith("opioid")]


@pytest.mark.parametrize(
    ("changes", "situation"),
    [
        ({"acute_somatic_illness": True}, "acute_somatic_illness"),
        ({"unconscious": True}, "unconscious"),
        ({"severe_mental_illness": True}, "severe_mental_illness"),
        ({"high_suicide_risk": True}, "high_suicide_risk"),
        ({"in_custody": True}, "in_custody"),
        ({"somatic_comorbidity": True}, "somatic_comorbidity"),
        ({"psychiatric_comorbidity": True}, "psychiatric_comorbidity"),
        ({"substances": (OPIOIDS, BENZODIAZEPINES)}, "several_substances"),
    ],
)
def test_opioids_in_a_listed_situation_get_the_reluctance_caution(changes, situation):
    proposal = evaluate(**{"substances": (OPIOIDS,), **changes})
    caution = reason(proposal, "opioid_detox_reluctance")
    assert (caution.refs, caution.params) == (("10.3-1",), {"situations": [situation]})


def test_opioids_outside_the_listed_situations_get_no_reluctance_caution():
    proposal = evaluate(substances=(OPIOIDS,))
    assert "opioid_detox_reluctance" not in codes(proposal.cautions)


def test_the_reluctance_caution_lists_every_situation_present():
    proposal = evaluate(substances=(OPIOIDS,), in_custody=True, somatic_comorbidity=True)
    assert reason(proposal, "opioid_detox_reluctance").params == {
        "situations": ["in_custody", "somatic_comorbidity"]
    }


def test_opioids_in_lar_get_the_lar_taper_caution():
    proposal = evaluate(substances=(OPIOIDS,), in_lar=True)
    assert reason(proposal, "opioid_lar_taper").refs == ("10.3-3",)


@pytest.mark.parametrize(
    ("substances", "in_lar"), [((OPIOIDS,), False), ((OPIOIDS,), None), ((ALCOHOL,), True)]
)
def test_no_lar_taper_caution_unless_opioids_and_in_lar(substances, in_lar):
    proposal = evaluate(substances=substances, in_lar=in_lar)
    assert "opioid_lar_taper" not in codes(proposal.cautions)


@pytest.mark.parametrize("in_lar", [True, False, None])
def test_being_in_lar_does_not_change_the_level(in_lar):
    assert evaluate_opioid(in_lar=in_lar).level == "outpatient"


# --- GHB (11.2), cannabis (11.4), several substances (11.5) -----------------------------------


def test_ghb_is_inpatient_even_when_the_patient_wants_outpatient():
    proposal = evaluate(substances=(GHB,), patient_preference="outpatient")
    assert (proposal.level, codes(proposal.reasons)) == ("inpatient", ["ghb_admit"])


def test_ghb_cautions_that_severe_symptoms_go_to_a_medical_emergency_department():
    caution = reason(evaluate(substances=(GHB,)), "ghb_severe_symptoms")
    assert (caution.refs, caution.pushes) == (("11.2-1",), "somatic")


def test_ghb_is_inpatient_whether_or_not_marked_dependent():
    assert evaluate(substances=(replace(GHB, dependent=False),)).level == "inpatient"


def test_cannabis_only_pushes_outpatient_as_background():
    proposal = evaluate(substances=(CANNABIS,))
    cited = reason(proposal, "cannabis_only_outpatient")
    assert (proposal.level, cited.refs, cited.background) == ("outpatient", ("11.4",), True)


def test_cannabis_with_another_substance_is_not_cannabis_only():
    proposal = evaluate(substances=(CANNABIS, replace(ALCOHOL, dependent=False)))
    assert "cannabis_only_outpatient" not in codes(proposal.reasons)


def test_cannabis_only_with_an_inpatient_factor_is_inpatient():
    assert evaluate(substances=(CANNABIS,), psychiatric_comorbidity=True).level == "inpatient"


def test_several_dependences_decide_inpatient_even_when_the_patient_wants_outpatient():
    proposal = evaluate(substances=(CANNABIS, STIMULANTS), patient_preference="outpatient")
    assert (proposal.level, codes(proposal.reasons)) == ("inpatient", ["several_substances"])


# --- Pregnancy (12) --------------------------------------------------------------------------


def test_pregnancy_cautions_thorough_information():
    assert reason(evaluate(pregnant=True), "pregnancy_information").refs == ("12-2",)


def test_no_pregnancy_caution_when_not_pregnant():
    assert "pregnancy_information" not in codes(evaluate_level(READY).cautions)


def test_pregnant_and_opioid_dependent_outside_lar_is_stabilised_on_buprenorphine():
    """12-7 (G 5753-5755) with 10.3-1 (G 4906)."""
    proposal = evaluate(substances=(OPIOIDS,), pregnant=True, in_lar=False)
    cited = reason(proposal, "pregnant_opioid_stabilise_not_detox")
    assert (cited.refs, cited.pushes, cited.resolution) == (("12-7", "10.3-1"), "inpatient", False)
    assert "buprenorphine" in cited.message


def test_pregnant_in_lar_stays_in_lar_and_the_lar_medication_is_not_tapered():
    """G 5702-5706 (chapter 12 background) and G 4887-4891."""
    proposal = evaluate(substances=(OPIOIDS,), pregnant=True, in_lar=True)
    cited = reason(proposal, "pregnant_opioid_stabilise_not_detox")
    assert (cited.refs, cited.background) == (("12", "10.3-1", "10.3-3"), True)
    assert "not taper the LAR medication" in cited.message
    assert "opioid_lar_taper" not in codes(proposal.cautions)


def test_pregnant_with_opioids_and_unknown_lar_is_not_detoxed_either_way():
    """12-7 and 10.3-1; LAR status unknown is a resolution naming both ways."""
    proposal = evaluate(substances=(OPIOIDS,), pregnant=True, in_lar=None)
    cited = reason(proposal, "pregnant_opioid_stabilise_not_detox")
    assert (cited.refs, cited.resolution) == (("12-7", "10.3-1", "12"), True)


def test_pregnant_without_opioids_gets_no_opioid_stabilisation_reason():
    proposal = evaluate(pregnant=True, in_lar=False)
    assert "pregnant_opioid_stabilise_not_detox" not in codes(proposal.reasons)


# --- Output as JSON --------------------------------------------------------------------------


def test_to_dict_is_json_ready():
    proposal = evaluate(substances=(OPIOIDS, BENZODIAZEPINES), pregnant=True, ciwa_ar=None)
    assert json.loads(json.dumps(proposal.to_dict())) == proposal.to_dict()


def test_to_dict_has_the_documented_shape():
    data = evaluate(home_support=False, severe_mental_illness=None).to_dict()
    assert data == {
        "level": "inpatient",
        "acute_referral": None,
        "reasons": [
            {
                "code": "no_home_support",
                "ref": "3.2.2-1",
                "refs": ["3.2.2-1"],
                "message": reason(evaluate(home_support=False), "no_home_support").message,
                "params": {},
                "pushes": "inpatient",
                "background": False,
                "resolution": False,
            }
        ],
        "cautions": [],
        "missing": [
            {
                "field": "severe_mental_illness",
                "message": "Whether there is a severe mental illness is not recorded.",
                "refs": ["4.1-1"],
            }
        ],
    }


def test_to_dict_gives_the_primary_ref_first():
    data = evaluate(pregnant=True).to_dict()
    pregnant = next(r for r in data["reasons"] if r["code"] == "pregnant")
    assert (pregnant["ref"], pregnant["refs"]) == ("12-3", ["12-3", "3.2.2-1", "4.2-3"])


def test_to_dict_gives_list_params_as_lists():
    data = evaluate(previous_withdrawal_complications=("seizures",)).to_dict()
    assert data["reasons"][0]["params"] == {"complications": ["seizures"]}


def test_an_undecided_proposal_has_level_null_in_json():
    data = evaluate(pregnant=None).to_dict()
    assert (data["level"], data["reasons"], [m["field"] for m in data["missing"]]) == (
        None,
        [],
        ["pregnant"],
    )


def test_reason_messages_render_with_their_params():
    for cited in evaluate(ciwa_ar=30, audit=25, alcohol_units_per_day=20.5).reasons:
        assert "%(" not in cited.message % dict(cited.params)


# --- Parsing: valid input --------------------------------------------------------------------


def test_it_parses_the_api_json():
    inp = parse_level_input(READY_JSON)
    assert inp == replace(
        READY,
        substances=(replace(ALCOHOL, continuous_use_days=10),),
        ciwa_ar=None,
        audit=None,
        alcohol_units_per_day=None,
    )


def test_an_empty_object_parses_to_all_unknown():
    assert parse_level_input({}) == LevelInput()


def test_null_means_the_same_as_omitted():
    assert parse_level_input(dict.fromkeys(READY_JSON)) == LevelInput()


def test_omitted_booleans_in_a_substance_are_unknown():
    inp = parse_level_input({"substances": [{"substance": "opioids"}]})
    assert inp.substances == (SubstanceUse("opioids", None, None, None),)


def test_an_empty_substance_list_is_allowed():
    assert parse_level_input({"substances": []}).substances == ()


def test_an_empty_complication_list_parses_as_none_had():
    inp = parse_level_input({"previous_withdrawal_complications": []})
    assert inp.previous_withdrawal_complications == ()


def test_it_parses_every_complication():
    complications = ["seizures", "delirium_tremens", "hallucinations", "psychosis", "dehydration"]
    inp = parse_level_input({"previous_withdrawal_complications": complications})
    assert inp.previous_withdrawal_complications == tuple(complications)


@pytest.mark.parametrize(
    "substance", ["alcohol", "benzodiazepines", "opioids", "ghb", "stimulants", "cannabis", "other"]
)
def test_it_parses_every_substance(substance):
    inp = parse_level_input({"substances": [{"substance": substance}]})
    assert inp.substances[0].substance == substance


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ciwa_ar", 0),
        ("ciwa_ar", 67),
        ("audit", 0),
        ("audit", 40),
        ("alcohol_units_per_day", 0),
        ("alcohol_units_per_day", 15.5),
        ("alcohol_units_per_day", 200),
    ],
)
def test_it_accepts_numbers_at_their_bounds(field, value):
    assert getattr(parse_level_input({field: value}), field) == value


@pytest.mark.parametrize("days", [0, 36_500])
def test_it_accepts_continuous_use_days_at_their_bounds(days):
    inp = parse_level_input({"substances": [{"substance": "alcohol", "continuous_use_days": days}]})
    assert inp.substances[0].continuous_use_days == days


@pytest.mark.parametrize("preference", ["outpatient", "inpatient", None])
def test_it_parses_every_patient_preference(preference):
    assert parse_level_input({"patient_preference": preference}).patient_preference == preference


def test_parsed_input_evaluates_like_the_dataclass():
    assert evaluate_level(parse_level_input(READY_JSON)).level == "outpatient"


# --- Parsing: rejected input -----------------------------------------------------------------


@pytest.mark.parametrize("data", [[], "x", None, 1])
def test_it_rejects_input_that_is_not_an_object(data):
    assert error_fields(data) == ["non_field_errors"]


def test_it_rejects_an_unknown_field_and_names_the_allowed_ones():
    (error,) = errors_for({"weight": 70})
    assert error["field"] == "weight"
    assert error["message"].startswith("Unknown field. Allowed: substances, ")


def test_it_rejects_an_unknown_field_in_a_substance():
    assert error_fields({"substances": [{"substance": "alcohol", "route": "iv"}]}) == [
        "substances[0].route"
    ]


@pytest.mark.parametrize("value", [{"substance": "alcohol"}, "alcohol", 1, True])
def test_it_rejects_substances_that_are_not_a_list(value):
    assert error_fields({"substances": value}) == ["substances"]


@pytest.mark.parametrize("item", ["alcohol", None, 1, ["alcohol"]])
def test_it_rejects_a_substance_that_is_not_an_object(item):
    (error,) = errors_for({"substances": [item]})
    assert error == {
        "field": "substances[0]",
        "message": (
            "Expected an object with the fields: substance, dependent, injecting, "
            "continuous_use_days."
        ),
    }


def test_it_requires_the_substance_name():
    (error,) = errors_for({"substances": [{"dependent": True}]})
    assert error["field"] == "substances[0].substance"
    assert "required" in error["message"]


@pytest.mark.parametrize("name", ["beer", "Alcohol", "", 3, True, ["alcohol"]])
def test_it_rejects_an_unknown_substance_and_lists_the_allowed_ones(name):
    (error,) = errors_for({"substances": [{"substance": "alcohol"}, {"substance": name}]})
    assert error == {
        "field": "substances[1].substance",
        "message": (
            "Not an allowed value. Allowed: alcohol, benzodiazepines, opioids, ghb, stimulants, "
            "cannabis, other."
        ),
    }


def test_it_rejects_a_duplicate_substance():
    data = {"substances": [{"substance": "opioids"}, {"substance": "opioids", "injecting": True}]}
    (error,) = errors_for(data)
    assert error == {
        "field": "substances[1].substance",
        "message": "Duplicate substance: list each substance once.",
    }


@pytest.mark.parametrize("key", ["dependent", "injecting"])
@pytest.mark.parametrize("value", [1, 0, "true", "yes", [], {}])
def test_it_rejects_a_substance_flag_that_is_not_a_boolean(key, value):
    (error,) = errors_for({"substances": [{"substance": "alcohol", key: value}]})
    assert error == {"field": f"substances[0].{key}", "message": "Must be true, false or null."}


@pytest.mark.parametrize("days", [-1, 36_501, True, 1.5, "10"])
def test_it_rejects_continuous_use_days_out_of_range_or_not_whole(days):
    data = {"substances": [{"substance": "alcohol", "continuous_use_days": days}]}
    (error,) = errors_for(data)
    assert error == {
        "field": "substances[0].continuous_use_days",
        "message": "Must be a whole number from 0 to 36500, or null.",
    }


BOOLEAN_FIELDS = [
    "somatic_comorbidity",
    "psychiatric_comorbidity",
    "severe_mental_illness",
    "high_suicide_risk",
    "acute_somatic_illness",
    "unconscious",
    "pregnant",
    "home_support",
    "outpatient_followup_available",
    "able_to_take_oral",
    "dehydration_or_electrolyte_disturbance_suspected",
    "repeated_overdoses",
    "in_custody",
    "in_lar",
]


@pytest.mark.parametrize("field", BOOLEAN_FIELDS)
@pytest.mark.parametrize("value", [1, 0, "false", "no"])
def test_it_rejects_a_boolean_field_given_anything_but_a_boolean(field, value):
    assert errors_for({field: value}) == [
        {"field": field, "message": "Must be true, false or null."}
    ]


@pytest.mark.parametrize("field", BOOLEAN_FIELDS)
@pytest.mark.parametrize("value", [True, False, None])
def test_it_accepts_true_false_and_null_for_a_boolean_field(field, value):
    assert getattr(parse_level_input({field: value}), field) is value


@pytest.mark.parametrize("value", ["home", "Outpatient", "", 1, True, ["outpatient"]])
def test_it_rejects_an_unknown_patient_preference(value):
    assert errors_for({"patient_preference": value}) == [
        {
            "field": "patient_preference",
            "message": "Not an allowed value. Allowed: outpatient, inpatient, null.",
        }
    ]


@pytest.mark.parametrize(
    ("field", "value", "maximum"),
    [
        ("ciwa_ar", -1, 67),
        ("ciwa_ar", 68, 67),
        ("ciwa_ar", True, 67),
        ("ciwa_ar", False, 67),
        ("ciwa_ar", 10.0, 67),
        ("ciwa_ar", "10", 67),
        ("ciwa_ar", 10**400, 67),
        ("audit", -1, 40),
        ("audit", 41, 40),
        ("audit", True, 40),
        ("audit", 19.5, 40),
    ],
)
def test_it_rejects_a_score_out_of_range_or_not_whole(field, value, maximum):
    assert errors_for({field: value}) == [
        {"field": field, "message": f"Must be a whole number from 0 to {maximum}, or null."}
    ]


@pytest.mark.parametrize(
    "value", [-0.1, 200.5, 10**400, True, float("nan"), float("inf"), float("-inf"), "5"]
)
def test_it_rejects_alcohol_units_out_of_range_or_not_a_number(value):
    assert errors_for({"alcohol_units_per_day": value}) == [
        {"field": "alcohol_units_per_day", "message": "Must be a number from 0 to 200, or null."}
    ]


@pytest.mark.parametrize("value", ["seizures", {"seizures": True}, 1, True])
def test_it_rejects_complications_that_are_not_a_list(value):
    assert errors_for({"previous_withdrawal_complications": value}) == [
        {"field": "previous_withdrawal_complications", "message": "Must be a list (or null)."}
    ]


@pytest.mark.parametrize("value", ["fits", "Seizures", None, 1])
def test_it_rejects_an_unknown_complication_and_lists_the_allowed_ones(value):
    (error,) = errors_for({"previous_withdrawal_complications": ["psychosis", value]})
    assert error == {
        "field": "previous_withdrawal_complications[1]",
        "message": (
            "Not an allowed value. Allowed: seizures, delirium_tremens, hallucinations, "
            "psychosis, dehydration."
        ),
    }


def test_it_rejects_a_duplicate_complication():
    (error,) = errors_for({"previous_withdrawal_complications": ["psychosis", "psychosis"]})
    assert error == {
        "field": "previous_withdrawal_complications[1]",
        "message": "Duplicate complication: list each complication once.",
    }


def test_it_reports_every_error_at_once_in_field_order():
    data = {
        "zzz": 1,
        "in_lar": "no",
        "ciwa_ar": 99,
        "substances": [{"substance": "beer"}],
        "pregnant": 1,
    }
    assert error_fields(data) == [
        "substances[0].substance",
        "pregnant",
        "ciwa_ar",
        "in_lar",
        "zzz",
    ]


def test_its_error_is_a_value_error_naming_the_field():
    with pytest.raises(ValueError, match=r"ciwa_ar: Must be a whole number from 0 to 67"):
        parse_level_input({"ciwa_ar": 70})


def test_its_error_is_the_kernels_input_error_with_msgid_params_and_refs():
    with pytest.raises(ClinicalInputError) as caught:
        parse_level_input({"audit": 41})
    assert isinstance(caught.value, LevelInputError)
    (error,) = caught.value.errors
    assert error == {
        "field": "audit",
        "message": "Must be a whole number from 0 to 40, or null.",
        "code": "invalid",
        "msgid": "Must be a whole number from %(min)s to %(max)s, or null.",
        "params": {"min": 0, "max": 40},
        "refs": [],
    }


def test_its_error_keeps_the_translatable_message_and_params():
    with pytest.raises(LevelInputError) as caught:
        parse_level_input({"audit": 41})
    (error,) = caught.value.field_errors
    assert (error.message, error.params) == (
        "Must be a whole number from %(min)s to %(max)s, or null.",
        {"min": 0, "max": 40},
    )


# --- Translations ----------------------------------------------------------------------------


def _msgids(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "gettext_noop"
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def test_every_message_has_a_norwegian_translation():
    catalogue = polib.pofile(str(ROOT / "plans" / "locale" / "nb" / "LC_MESSAGES" / "django.po"))
    translated = {e.msgid: e for e in catalogue if e.msgstr and not e.fuzzy}
    msgids = set().union(*(_msgids(path) for path in (ROOT / "clinical" / "levels").glob("*.py")))
    assert msgids, "no gettext_noop messages found"
    assert sorted(msgids - translated.keys()) == []
    for msgid in msgids:
        placeholders = re.findall(r"%\(\w+\)s", msgid)
        assert ("python-format" in translated[msgid].flags) == bool(placeholders), msgid
        assert sorted(placeholders) == sorted(re.findall(r"%\(\w+\)s", translated[msgid].msgstr)), (
            msgid
        )
