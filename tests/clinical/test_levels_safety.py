"""Treatment level, issue 11: pure tests of the safety rules added to ``clinical.levels``.

Each test names the guideline line ("G" = line of the guideline text) or recommendation it
encodes. ``READY`` (tests/clinical/test_levels.py) is an alcohol-only intake where every outpatient
factor holds; each test changes what it is about.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest

from clinical.levels import (
    ACUTE_CRITERIA,
    LevelInput,
    LevelInputError,
    LevelProposal,
    Reason,
    SubstanceUse,
    evaluate_level,
    parse_level_input,
)
from tests.clinical.test_levels import (
    ALCOHOL,
    BENZODIAZEPINES,
    CANNABIS,
    OPIOIDS,
    READY,
    READY_JSON,
)

OPIOID_DETOX_CODES = {
    "opioid_institution_first_choice",
    "opioid_outpatient_conditions_hold",
    "opioid_outpatient_conditions_not_met",
    "opioid_outpatient_specially_arranged",
    "opioid_detox_reluctance",
    "opioid_tolerance_information",
    "opioid_injecting_repeated_overdoses",
}


def evaluate(**changes: Any) -> LevelProposal:
    return evaluate_level(replace(READY, **changes))


def opioid_ready(**changes: Any) -> LevelProposal:
    base = {
        "substances": (OPIOIDS,),
        "opioid_stabilised": True,
        "supervised_daily_dispensing": True,
    }
    return evaluate(**{**base, **changes})


def all_codes(proposal: LevelProposal) -> set[str]:
    return {r.code for r in (*proposal.reasons, *proposal.cautions)}


def reason(proposal: LevelProposal, code: str) -> Reason:
    return next(r for r in (*proposal.reasons, *proposal.cautions) if r.code == code)


def missing_fields(proposal: LevelProposal) -> list[str]:
    return [item.field for item in proposal.missing]


def parse_errors(data: dict[str, Any]) -> list[dict[str, str]]:
    with pytest.raises(LevelInputError) as caught:
        parse_level_input(data)
    return caught.value.errors


# --- Item 2: pregnant opioid-dependent patients (12-7, 10.3-1, G 4887-4891, G 5702-5706) -------


@pytest.mark.parametrize("in_lar", [True, False, None])
def test_pregnant_opioid_patient_is_never_proposed_an_opioid_detox_12_7_and_10_3_1(in_lar):
    """12-7 (G 5753-5755), 10.3-1 (G 4906), G 5702-5706: in LAR, not in LAR or unknown, a
    pregnant opioid-dependent woman is stabilised, not detoxed, even when every condition for
    outpatient opioid detox holds and she wants outpatient."""
    proposal = opioid_ready(pregnant=True, in_lar=in_lar, patient_preference="outpatient")
    assert proposal.level == "inpatient"
    assert "pregnant_opioid_stabilise_not_detox" in all_codes(proposal)
    assert not OPIOID_DETOX_CODES & all_codes(proposal)
    assert "opioid_lar_taper" not in all_codes(proposal)


@pytest.mark.parametrize("in_lar", [True, False, None])
def test_pregnant_and_using_is_offered_admission_12_3_with_acute_consideration_4_2_3(in_lar):
    """12-3 (G 5730) and 4.2-3 (G 1431) stand beside the stabilisation reason."""
    proposal = opioid_ready(pregnant=True, in_lar=in_lar)
    pregnant = reason(proposal, "pregnant")
    assert {"12-3", "4.2-3"} <= set(pregnant.refs)
    assert reason(proposal, "pregnant_opioid_stabilise_not_detox").pushes == "inpatient"


def test_pregnant_opioid_stabilisation_cites_12_7_and_10_3_1_outside_lar():
    """12-7 (G 5753-5755): stabilise on buprenorphine; 10.3-1 (G 4906): reluctance."""
    cited = reason(opioid_ready(pregnant=True, in_lar=False), "pregnant_opioid_stabilise_not_detox")
    assert cited.refs[:2] == ("12-7", "10.3-1")


def test_pregnant_in_lar_is_told_the_lar_medication_is_not_tapered_g_5702_5706():
    """G 5702-5706 (stays in LAR) and G 4887-4891 (LAR taper outside the guideline)."""
    cited = reason(opioid_ready(pregnant=True, in_lar=True), "pregnant_opioid_stabilise_not_detox")
    assert cited.refs[0] == "12"
    assert cited.background is True
    assert "10.3-3" in cited.refs


def test_pregnant_in_lar_with_benzodiazepine_side_use_is_stabilised_not_detoxed_from_opioids():
    """12-7/G 5702-5706 with the LAR side-use rule: only the benzodiazepines are detoxed."""
    proposal = evaluate(substances=(OPIOIDS, BENZODIAZEPINES), pregnant=True, in_lar=True)
    assert proposal.level == "inpatient"
    assert "pregnant_opioid_stabilise_not_detox" in all_codes(proposal)
    assert not OPIOID_DETOX_CODES & all_codes(proposal)


# --- Item 4: opioid treatment level (10.4.2-1, 10.4.1-2, G 5001-5003, G 5021-5023) --------------


@pytest.mark.parametrize("fact", ["opioid_stabilised", "supervised_daily_dispensing"])
def test_opioid_outpatient_needs_each_special_arrangement_known_g_5021_5023(fact):
    """10.4.1-2 (G 5021-5023): unknown arrangements leave institution, the first choice
    (10.4.2-1, G 5080), and are named as missing."""
    proposal = opioid_ready(**{fact: None})
    assert proposal.level == "inpatient"
    assert missing_fields(proposal) == [fact]
    assert "opioid_institution_first_choice" in all_codes(proposal)


@pytest.mark.parametrize("fact", ["opioid_stabilised", "supervised_daily_dispensing"])
def test_opioid_outpatient_is_refused_when_an_arrangement_is_absent_10_4_1_2(fact):
    """10.4.1-2 (G 5021-5023) and G 5001-5003: "kun ... når forholdene er spesielt
    tilrettelagt"."""
    proposal = opioid_ready(**{fact: False})
    cited = reason(proposal, "opioid_outpatient_conditions_not_met")
    assert proposal.level == "inpatient"
    assert (cited.refs, cited.params, cited.pushes) == (
        ("10.4.1-2", "10.4.2-1"),
        {"facts": [fact]},
        "inpatient",
    )


def test_opioid_outpatient_with_both_arrangements_still_needs_the_3_2_1_2_conditions():
    """10.4.1 Vurdering (G 5009): outpatient only if 3.2.1 holds too."""
    assert opioid_ready(home_support=False).level == "inpatient"
    assert opioid_ready(home_support=None).level == "inpatient"
    assert opioid_ready().level == "outpatient"


def test_injecting_opioids_with_repeated_overdoses_advise_against_outpatient_g_5005_5007():
    """G 5005-5007: even with the special arrangements, injecting and repeated overdoses
    advise against outpatient opioid detox."""
    proposal = opioid_ready(substances=(replace(OPIOIDS, injecting=True),), repeated_overdoses=True)
    assert proposal.level == "inpatient"
    assert reason(proposal, "opioid_injecting_repeated_overdoses").refs == ("10.4.1",)


def test_the_special_arrangements_are_not_asked_without_opioids():
    """10.4.1-2 is about opioid detox only."""
    proposal = evaluate(opioid_stabilised=None, supervised_daily_dispensing=None)
    assert (proposal.level, proposal.missing) == ("outpatient", ())


# --- Delirium now and Wernicke (8.4.5-2, 8.4.1-2) ----------------------------------------------


def test_delirium_now_is_an_acute_somatic_referral_8_4_5_2():
    """8.4.5-2 (G 4147-4151); G 4132-4134 and 4.1 background G 1295-1303 for where."""
    proposal = evaluate(current_delirium=True)
    cited = reason(proposal, "current_delirium")
    assert (proposal.level, proposal.acute_referral) == ("inpatient", "somatic")
    assert (cited.refs, cited.pushes, cited.resolution) == (
        ("8.4.5-2", "4.1-3"),
        "somatic",
        True,
    )
    assert "CIWA-Ar" in cited.message


def test_suspected_wernicke_is_admission_to_a_neurological_or_medical_department_8_4_1_2():
    """8.4.1-2 (G 3905-3907)."""
    proposal = evaluate(wernicke_suspected=True)
    cited = reason(proposal, "wernicke_suspected")
    assert (proposal.level, proposal.acute_referral) == ("inpatient", "somatic")
    assert (cited.refs, cited.resolution) == (("8.4.1-2",), False)


def test_unknown_delirium_now_leaves_no_outpatient_proposal_8_4_5_2():
    proposal = evaluate(current_delirium=None)
    assert (proposal.level, missing_fields(proposal)) == (None, ["current_delirium"])


def test_unknown_wernicke_is_asked_for_alcohol_but_not_for_cannabis_8_4_1_2():
    """8.4.1 is in the alcohol chapter (G 3885)."""
    assert missing_fields(evaluate(wernicke_suspected=None)) == ["wernicke_suspected"]
    cannabis = evaluate(substances=(CANNABIS,), wernicke_suspected=None)
    assert (cannabis.level, cannabis.missing) == ("outpatient", ())


def test_suspected_wernicke_refers_whatever_the_substances():
    proposal = evaluate(substances=(CANNABIS,), wernicke_suspected=True)
    assert proposal.acute_referral == "somatic"


# --- Acute criteria (4.2-4..7, lead-in G 1429, 4.2-1) ------------------------------------------


@pytest.mark.parametrize(
    ("criterion", "ref"),
    [
        ("danger_to_life", "4.2-4"),
        ("risk_of_severe_withdrawal", "4.2-5"),
        ("dangerous_behaviour", "4.2-6"),
        ("serious_social_loss", "4.2-7"),
    ],
)
def test_each_acute_criterion_gives_an_acute_admission_in_tsb_citing_it_g_1429(criterion, ref):
    """4.2-4..7 under the lead-in G 1429, with 4.2-1 (G 1422-1424)."""
    proposal = evaluate(acute_criteria=(criterion,))
    cited = reason(proposal, f"acute_{criterion}")
    assert (proposal.level, proposal.acute_referral) == ("inpatient", "addiction_acute")
    assert (cited.refs, cited.pushes) == ((ref, "4.2-1"), "addiction_acute")


def test_several_acute_criteria_each_give_a_reason_in_the_guidelines_order():
    proposal = evaluate(acute_criteria=("serious_social_loss", "danger_to_life"))
    acute = [r.refs[0] for r in proposal.reasons if r.pushes == "addiction_acute"]
    assert acute == ["4.2-4", "4.2-7"]


def test_acute_criteria_not_assessed_are_missing_and_none_applying_is_no_4_2_1():
    assert missing_fields(evaluate(acute_criteria=None)) == ["acute_criteria"]
    assert evaluate(acute_criteria=()).acute_referral is None


def test_somatic_comes_before_an_acute_admission_in_tsb_and_keeps_it_visible():
    """Resolution: somatic before psychiatric before acute TSB (4.1 background G 1295-1303)."""
    proposal = evaluate(current_delirium=True, acute_criteria=("danger_to_life",))
    caution = reason(proposal, "addiction_acute_after_referral")
    assert proposal.acute_referral == "somatic"
    assert (caution.refs, caution.resolution) == (("4.2-4",), True)


def test_psychiatry_comes_before_an_acute_admission_in_tsb_4_1_2():
    proposal = evaluate(high_suicide_risk=True, acute_criteria=("dangerous_behaviour",))
    assert proposal.acute_referral == "psychiatry"
    assert "addiction_acute_after_referral" in all_codes(proposal)


def test_somatic_psychiatric_and_tsb_all_present_resolve_to_somatic_with_both_cautions():
    proposal = evaluate(
        acute_somatic_illness=True,
        severe_mental_illness=True,
        acute_criteria=("risk_of_severe_withdrawal",),
    )
    assert proposal.acute_referral == "somatic"
    assert {"psychiatry_after_somatic", "addiction_acute_after_referral"} <= all_codes(proposal)


def test_no_addiction_acute_caution_when_the_tsb_admission_is_the_referral():
    proposal = evaluate(acute_criteria=("danger_to_life",))
    assert "addiction_acute_after_referral" not in all_codes(proposal)


def test_an_unknown_acute_criterion_is_refused_naming_the_allowed_ones_4_2():
    (error,) = parse_errors({"acute_criteria": ["tired"]})
    assert error["field"] == "acute_criteria[0]"
    assert all(code in error["message"] for code in ACUTE_CRITERIA)


@pytest.mark.parametrize("value", ["danger_to_life", 1, True, {"a": 1}])
def test_acute_criteria_must_be_a_list(value):
    assert [e["field"] for e in parse_errors({"acute_criteria": value})] == ["acute_criteria"]


def test_a_duplicate_acute_criterion_is_refused():
    errors = parse_errors({"acute_criteria": ["danger_to_life", "danger_to_life"]})
    assert [e["field"] for e in errors] == ["acute_criteria[1]"]


def test_acute_criteria_parse_as_given_and_empty_means_none_apply():
    parsed = parse_level_input({"acute_criteria": ["dangerous_behaviour", "danger_to_life"]})
    assert parsed.acute_criteria == ("dangerous_behaviour", "danger_to_life")
    assert parse_level_input({"acute_criteria": []}).acute_criteria == ()
    assert parse_level_input({}).acute_criteria is None


# --- Earlier failed outpatient detox (3.2.1-3) -------------------------------------------------


def test_an_earlier_failed_outpatient_detox_gives_institution_3_2_1_3():
    """3.2.1-3 (G 1002-1003)."""
    proposal = evaluate(earlier_failed_outpatient_detox=True)
    cited = reason(proposal, "earlier_failed_outpatient_detox")
    assert proposal.level == "inpatient"
    assert (cited.refs, cited.pushes) == (("3.2.1-3",), "inpatient")


def test_an_unknown_earlier_outpatient_failure_is_listed_without_blocking_3_2_1_3():
    proposal = evaluate(earlier_failed_outpatient_detox=None)
    assert (proposal.level, missing_fields(proposal)) == (
        "outpatient",
        ["earlier_failed_outpatient_detox"],
    )


# --- Age, head injury and benzodiazepines (G 3994-3998; target group 1.2) -----------------------


@pytest.mark.parametrize(("age", "cautioned"), [(64, False), (65, True), (90, True)])
def test_the_elderly_get_the_sedative_caution_from_65_g_3994_3998(age, cautioned):
    """G 3994-3998 names "eldre" without an age; 65 is the resolution."""
    proposal = evaluate(age_years=age)
    assert ("sedative_caution" in all_codes(proposal)) is cautioned
    if cautioned:
        cited = reason(proposal, "sedative_caution")
        assert (cited.refs, cited.background, cited.resolution) == (("8.4.2",), True, True)
        assert cited.params == {"grounds": ["elderly"], "age": 65}


def test_head_injury_gives_the_sedative_caution_g_3994_3998():
    cited = reason(evaluate(head_injury=True), "sedative_caution")
    assert (cited.params, cited.resolution) == ({"grounds": ["head_injury"]}, False)


def test_benzodiazepine_use_gives_the_sedative_caution_g_3994_3998():
    cited = reason(evaluate(substances=(ALCOHOL, BENZODIAZEPINES)), "sedative_caution")
    assert cited.params == {"grounds": ["benzodiazepines"]}


def test_every_sedative_ground_is_named_together_g_3994_3998():
    proposal = evaluate(substances=(ALCOHOL, BENZODIAZEPINES), head_injury=True, age_years=70)
    assert reason(proposal, "sedative_caution").params["grounds"] == [
        "elderly",
        "head_injury",
        "benzodiazepines",
    ]


def test_a_benzodiazepine_taper_alone_is_not_cautioned_against_sedatives():
    """G 3994-3998 is about sedatives for another withdrawal (8.4.2, alcohol)."""
    assert "sedative_caution" not in all_codes(evaluate(substances=(BENZODIAZEPINES,)))


def test_no_sedative_caution_without_a_ground():
    assert "sedative_caution" not in all_codes(evaluate(head_injury=None, age_years=None))


@pytest.mark.parametrize(("age", "cautioned"), [(0, True), (17, True), (18, False), (45, False)])
def test_under_18_is_cautioned_that_the_guideline_does_not_address_adolescents_1_2(age, cautioned):
    """Target group 1.2 (G 286-300) names no young patients; a resolution."""
    proposal = evaluate(age_years=age)
    assert ("adolescent_not_addressed" in all_codes(proposal)) is cautioned
    if cautioned:
        cited = reason(proposal, "adolescent_not_addressed")
        assert (cited.refs, cited.resolution, cited.params) == (("1.2",), True, {"age": 18})


def test_age_does_not_change_the_level():
    assert {evaluate(age_years=age).level for age in (0, 17, 18, 64, 65, 130)} == {"outpatient"}


@pytest.mark.parametrize("age", [0, 130])
def test_age_years_is_accepted_at_its_bounds(age):
    assert parse_level_input({"age_years": age}).age_years == age


@pytest.mark.parametrize("age", [-1, 131, 40.5, True, "40"])
def test_age_years_out_of_range_or_not_whole_is_refused(age):
    (error,) = parse_errors({"age_years": age})
    assert error["field"] == "age_years"
    assert "from 0 to 130" in error["message"]


# --- Repeated overdoses (G 5863-5865) -----------------------------------------------------------


@pytest.mark.parametrize(
    "substances", [(ALCOHOL,), (OPIOIDS,), (replace(OPIOIDS, injecting=False), BENZODIAZEPINES)]
)
def test_repeated_overdoses_without_injected_opioids_are_a_caution_g_5863_5865(substances):
    """G 5863-5865 (13.1 background): a risk factor for overdose death, accident and suicide."""
    proposal = evaluate(substances=substances, repeated_overdoses=True)
    cited = reason(proposal, "repeated_overdoses")
    assert cited.refs[0] == "13.1"
    assert {"4.1-2", "4.2-4"} <= set(cited.refs)
    assert (cited.background, cited.resolution) == (True, True)


def test_repeated_overdoses_with_injected_opioids_are_the_reason_not_a_second_caution():
    """G 5005-5007 covers them; the caution would repeat it."""
    proposal = evaluate(substances=(replace(OPIOIDS, injecting=True),), repeated_overdoses=True)
    assert "opioid_injecting_repeated_overdoses" in all_codes(proposal)
    assert "repeated_overdoses" not in all_codes(proposal)


def test_no_overdose_caution_when_there_are_no_repeated_overdoses():
    assert "repeated_overdoses" not in all_codes(evaluate(repeated_overdoses=False))
    assert "repeated_overdoses" not in all_codes(evaluate(repeated_overdoses=None))


# --- LAR and side use (10.3-3, G 4887-4891) -----------------------------------------------------


def test_a_lar_patient_detoxing_from_benzodiazepines_gets_no_illegal_opioid_reasons():
    """G 4887-4891 and 10.3-3: the LAR medication continues; only the side use is detoxed."""
    proposal = evaluate(substances=(OPIOIDS, BENZODIAZEPINES), in_lar=True)
    assert not OPIOID_DETOX_CODES & all_codes(proposal)
    assert "several_substances" not in all_codes(proposal)
    assert "mixed_use" not in all_codes(proposal)
    cited = reason(proposal, "lar_side_use_only")
    assert (cited.refs, cited.params, cited.resolution) == (
        ("10.3-3",),
        {"substances": ["benzodiazepines"]},
        True,
    )
    assert proposal.level == "outpatient"
    assert "benzodiazepine_outpatient_start" in all_codes(proposal)


def test_the_same_patient_outside_lar_is_two_dependences_and_institution():
    """Contrast: outside LAR opioids are illegal-opioid dependence (3.2.2-1, 10.4.2-1)."""
    proposal = evaluate(substances=(OPIOIDS, BENZODIAZEPINES), in_lar=False)
    assert proposal.level == "inpatient"
    assert {"several_substances", "opioid_institution_first_choice"} <= all_codes(proposal)


def test_a_lar_patient_listing_only_opioids_keeps_the_opioid_rules_and_the_taper_caution():
    proposal = opioid_ready(in_lar=True)
    assert "opioid_lar_taper" in all_codes(proposal)
    assert "lar_side_use_only" not in all_codes(proposal)


def test_injecting_in_lar_still_speaks_for_admission_3_2_2_1():
    proposal = evaluate(substances=(replace(OPIOIDS, injecting=True), BENZODIAZEPINES), in_lar=True)
    assert proposal.level == "inpatient"
    assert "injecting" in all_codes(proposal)


# --- CIWA-Ar 16-18 and outpatient (G 4200, 4211, 4229) ------------------------------------------


@pytest.mark.parametrize(("score", "cautioned"), [(15, False), (16, True), (18, True)])
def test_ciwa_16_to_18_with_outpatient_cautions_hourly_diazepam_needs_institution_g_4229(
    score, cautioned
):
    """8.4.6-3 (G 4229-4231), 8.4.6-2 (G 4211), 8.4.6-1 (G 4200)."""
    proposal = evaluate(ciwa_ar=score)
    assert proposal.level == "outpatient"
    assert ("ciwa_hourly_diazepam_needs_institution" in all_codes(proposal)) is cautioned
    if cautioned:
        cited = reason(proposal, "ciwa_hourly_diazepam_needs_institution")
        assert (cited.refs, cited.params, cited.pushes) == (
            ("8.4.6-3", "8.4.6-1", "8.4.6-2"),
            {"score": score},
            "inpatient",
        )


def test_ciwa_19_is_inpatient_and_needs_no_hourly_caution_g_4173():
    proposal = evaluate(ciwa_ar=19)
    assert proposal.level == "inpatient"
    assert "ciwa_hourly_diazepam_needs_institution" not in all_codes(proposal)


# --- Every reason read in combination -----------------------------------------------------------

_GRID = list(
    itertools.product(
        [True, False, None],  # pregnant
        [True, False, None],  # in_lar
        [(OPIOIDS,), (OPIOIDS, BENZODIAZEPINES), (ALCOHOL,), (replace(OPIOIDS, injecting=True),)],
        [None, 16, 30],  # age_years
        [(), ("danger_to_life",)],
        [True, False],  # current_delirium
    )
)


@pytest.mark.parametrize(("pregnant", "in_lar", "substances", "age", "criteria", "delirium"), _GRID)
def test_no_combination_gives_a_proposal_the_guideline_would_not_sign(
    pregnant, in_lar, substances, age, criteria, delirium
):
    """12-7/10.3-1 (no opioid detox in pregnancy), 10.3-3 (LAR side use), 4.1/4.2 (a referral
    always with inpatient), 3.2.1-2 (outpatient never with an inpatient reason)."""
    proposal = evaluate(
        pregnant=pregnant,
        in_lar=in_lar,
        substances=substances,
        age_years=age,
        acute_criteria=criteria,
        current_delirium=delirium,
        opioid_stabilised=True,
        supervised_daily_dispensing=True,
    )
    codes = all_codes(proposal)
    uses_opioids = any(use.substance == "opioids" for use in substances)
    if pregnant and uses_opioids:
        assert proposal.level == "inpatient"
        assert "pregnant_opioid_stabilise_not_detox" in codes
        assert not OPIOID_DETOX_CODES & codes
    if in_lar and len(substances) > 1:
        assert not OPIOID_DETOX_CODES & codes
    if proposal.acute_referral is not None:
        assert proposal.level == "inpatient"
    if delirium:
        assert proposal.acute_referral == "somatic"
    if proposal.level == "outpatient":
        assert not [r for r in proposal.reasons if r.pushes != "outpatient"]
    assert all(r.refs and r.message for r in (*proposal.reasons, *proposal.cautions))


def test_the_full_json_input_parses_with_every_new_fact():
    data = {
        **READY_JSON,
        "opioid_stabilised": True,
        "supervised_daily_dispensing": False,
        "head_injury": True,
        "acute_criteria": ["serious_social_loss"],
    }
    parsed = parse_level_input(data)
    assert parsed == LevelInput(
        **{
            **{f: getattr(parsed, f) for f in ("substances", "previous_withdrawal_complications")},
            **{k: v for k, v in READY_JSON.items() if k not in ("substances", "acute_criteria")},
            "previous_withdrawal_complications": (),
            "opioid_stabilised": True,
            "supervised_daily_dispensing": False,
            "head_injury": True,
            "acute_criteria": ("serious_social_loss",),
        }
    )
    assert parsed.substances == (SubstanceUse("alcohol", True, False, 10),)
