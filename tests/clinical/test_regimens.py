"""Medication regimen proposals: examples, boundaries and properties over random inputs.

Pure tests (no database).
"""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinical.inputs import ClinicalInputError, FieldError
from clinical.regimens import (
    DRUG_NAMES,
    AlcoholInput,
    BenzodiazepineInput,
    GhbInput,
    OpioidInput,
    RegimenInputError,
    SleepInput,
    alcohol_regimen,
    benzodiazepine_regimen,
    ghb_regimen,
    opioid_regimen,
    sleep_regimen,
)

# Recommendations read in the guideline text (section-number; 6.2.2-B* is the second block).
GUIDELINE_REFS = {
    "6.2.2-B1",
    "6.2.2-B2",
    "6.2.2-B3",
    "8.4.1-1",
    "8.4.1-2",
    "8.4.1-3",
    "8.4.3-1",
    "8.4.3-2",
    "8.4.3-3",
    "8.4.4-2",
    "8.4.4-3",
    "8.4.5-1",
    "8.4.5-2",
    "8.4.6-1",
    "8.4.6-3",
    "9.3.1-1",
    "9.4-1",
    "9.4-2",
    "10.3-1",
    "10.3-2",
    "10.4.1-2",
    "10.5-1",
    "10.5-2",
    "10.5-3",
    "11.2-1",
    "11.2-2",
    "12-5",
    "12-6",
    "12-7",
    "13.1-9",
}
# Every amount in mg that the guideline gives for these regimens (8.4.1-2, 8.4.3-2, 8.4.5).
GUIDELINE_MG = {Fraction(300), Fraction(20), Fraction(10)}
GUIDELINE_MG_RANGES = {(Fraction(50), Fraction(100)), (Fraction(600), Fraction(900))}


def alcohol(**facts):
    base = {
        "setting": "inpatient",
        "continuous_drinking_days": 3,
        "earlier_seizures": False,
        "earlier_delirium_tremens": False,
        "earlier_severe_withdrawal": False,
        "liver_failure": False,
        "breath_alcohol_permille": 0.0,
        "somatically_reduced": False,
        "malnourished": False,
        "pregnant": False,
    }
    base.update(facts)
    return alcohol_regimen(AlcoholInput(**base))  # type: ignore[arg-type]


def line(proposal, code):
    found = proposal.line(code)
    assert found is not None, f"{code} not in {proposal.codes()}"
    return found


# --- Alcohol: seizure prophylaxis (8.4.3) --------------------------------------------------------


def test_it_offers_no_seizure_prophylaxis_after_7_days_of_continuous_drinking():
    assert "valproic_acid_single_dose" not in alcohol(continuous_drinking_days=7).codes()


def test_it_offers_seizure_prophylaxis_after_8_days_of_continuous_drinking():
    proposal = alcohol(continuous_drinking_days=8)
    load = line(proposal, "valproic_acid_single_dose")
    assert load.reasons == ("continuous_drinking_over_one_week",)
    assert load.refs == ("8.4.3-2", "8.4.3-1")


@pytest.mark.parametrize(
    "fact", ["earlier_seizures", "earlier_delirium_tremens", "earlier_severe_withdrawal"]
)
def test_it_offers_seizure_prophylaxis_after_earlier_severe_withdrawal(fact):
    proposal = alcohol(continuous_drinking_days=0, **{fact: True})
    assert line(proposal, "valproic_acid_single_dose").reasons == (fact,)


def test_it_gives_valproic_acid_600_to_900_mg_once_then_300_mg_three_times_a_day():
    proposal = alcohol(continuous_drinking_days=10)
    load = line(proposal, "valproic_acid_single_dose").to_dict()
    assert load["dose"] == {"text": "600-900 mg once", "mg": None, "mg_range": [600, 900]}
    maintain = line(proposal, "valproic_acid_maintenance").to_dict()
    assert maintain["dose"]["mg"] == 300
    assert maintain["params"] == {"times_per_day": 3, "days_min": 3, "days_max": 5}


@pytest.mark.parametrize(
    ("permille", "met"), [(0.0, True), (0.99, True), (1.0, False), (1.5, False)]
)
def test_it_waits_for_an_alcohol_level_below_1_per_mille_before_valproic_acid(permille, met):
    load = line(
        alcohol(continuous_drinking_days=8, breath_alcohol_permille=permille),
        "valproic_acid_single_dose",
    )
    assert load.conditions[0].code == "alcohol_below_1_permille"
    assert load.conditions[0].met is met


def test_it_leaves_the_alcohol_condition_open_when_no_reading_is_recorded():
    proposal = alcohol(continuous_drinking_days=8, breath_alcohol_permille=None)
    assert line(proposal, "valproic_acid_single_dose").conditions[0].met is None
    assert "breath_alcohol_permille" in proposal.missing


def test_it_uses_benzodiazepines_for_prophylaxis_with_liver_failure():
    proposal = alcohol(continuous_drinking_days=8, liver_failure=True)
    assert "valproic_acid_single_dose" not in proposal.codes()
    prophylaxis = line(proposal, "seizure_prophylaxis_benzodiazepine")
    assert prophylaxis.refs == ("8.4.3-3", "8.4.3-1")
    assert prophylaxis.dose.mg is None


def test_it_uses_benzodiazepines_for_prophylaxis_in_pregnancy_as_a_resolution():
    proposal = alcohol(continuous_drinking_days=8, pregnant=True)
    assert "valproic_acid_single_dose" not in proposal.codes()
    prophylaxis = line(proposal, "seizure_prophylaxis_benzodiazepine")
    assert prophylaxis.refs == ("12-5", "8.4.3-1")
    assert prophylaxis.resolution is True


def test_it_asks_about_liver_failure_and_pregnancy_when_prophylaxis_is_indicated():
    proposal = alcohol(continuous_drinking_days=8, liver_failure=None, pregnant=None)
    assert {"liver_failure", "pregnant"} <= set(proposal.missing)
    assert line(proposal, "valproic_acid_single_dose").conditions[1].met is None


def test_it_asks_for_the_facts_that_could_indicate_prophylaxis():
    proposal = alcohol(continuous_drinking_days=None, earlier_seizures=None)
    assert {"continuous_drinking_days", "earlier_seizures"} <= set(proposal.missing)


# --- Alcohol: thiamine, CIWA-Ar, delirium, sleep, antihistamines ---------------------------------


def test_it_gives_thiamine_to_a_malnourished_patient_with_multivitamins():
    proposal = alcohol(setting="outpatient", malnourished=True)
    assert line(proposal, "thiamine").refs == ("8.4.1-1",)
    assert line(proposal, "multivitamin").refs == ("8.4.1-3",)


def test_it_gives_thiamine_to_a_somatically_reduced_patient():
    assert line(alcohol(setting="outpatient", somatically_reduced=True), "thiamine").reasons == (
        "somatically_reduced",
    )


def test_it_gives_thiamine_in_every_ciwa_managed_inpatient_detox():
    thiamine = line(alcohol(), "thiamine")
    assert thiamine.reasons == ("ciwa_managed_detox",)
    assert thiamine.refs == ("8.4.1-1", "8.4.6-1")
    assert thiamine.dose.mg is None


def test_it_proposes_no_thiamine_for_a_well_nourished_outpatient():
    assert "thiamine" not in alcohol(setting="outpatient").codes()


def test_it_treats_wernicke_with_50_to_100_mg_thiamine_intravenously():
    wernicke = line(alcohol(wernicke_suspected=True), "wernicke_thiamine_iv")
    assert wernicke.dose.mg_range == (50, 100)
    assert wernicke.refs == ("8.4.1-2",)


def test_it_proposes_symptom_triggered_diazepam_by_ciwa_ar_for_inpatients():
    ciwa = line(alcohol(), "ciwa_symptom_triggered_diazepam")
    assert ciwa.refs == ("8.4.6-3", "8.4.6-1")
    assert ciwa.dose.mg is None
    assert "ciwa_symptom_triggered_diazepam" not in alcohol(setting="outpatient").codes()


def test_it_cites_pregnancy_on_symptom_triggered_diazepam():
    assert "12-5" in line(alcohol(pregnant=True), "ciwa_symptom_triggered_diazepam").refs


def test_it_secures_night_sleep_after_earlier_delirium_with_diazepam_20_mg():
    night = line(alcohol(earlier_delirium_tremens=True), "delirium_history_night_sedation")
    assert night.dose.mg == 20
    assert night.params == {"evening_mg": 20, "repeat_mg": 10}
    assert night.refs == ("8.4.5-1",)


def test_it_treats_delirium_tremens_with_diazepam_or_olanzapine_to_at_most_30_mg():
    proposal = alcohol(delirium_tremens_now=True)
    assert line(proposal, "delirium_tremens_diazepam").dose.mg == 10
    olanzapine = line(proposal, "delirium_tremens_olanzapine")
    assert olanzapine.kind == "consider"
    assert olanzapine.params == {"max_mg": 30}


def test_it_offers_a_benzodiazepine_or_zopiclone_after_a_night_without_sleep():
    sleep = line(alcohol(no_sleep_last_24h=True), "no_sleep_benzodiazepine_or_zopiclone")
    assert sleep.drugs == ("benzodiazepine", "zopiclone")
    assert sleep.refs == ("8.4.4-3",)


def test_it_offers_no_zopiclone_when_delirium_threatens():
    proposal = alcohol(no_sleep_last_24h=True, earlier_delirium_tremens=True)
    assert line(proposal, "no_sleep_benzodiazepine").drugs == ("benzodiazepine",)
    assert line(proposal, "no_zopiclone_delirium_risk").kind == "avoid"
    assert "no_sleep_benzodiazepine_or_zopiclone" not in proposal.codes()


@pytest.mark.parametrize(("permille", "avoid"), [(0.5, False), (0.51, True)])
def test_it_advises_against_antihistamines_above_half_a_per_mille(permille, avoid):
    proposal = alcohol(breath_alcohol_permille=permille)
    assert ("no_antihistamine_above_half_permille" in proposal.codes()) is avoid


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("continuous_drinking_days", -1),
        ("continuous_drinking_days", True),
        ("continuous_drinking_days", 36_501),
        ("breath_alcohol_permille", -0.1),
        ("breath_alcohol_permille", 20.1),
        ("breath_alcohol_permille", float("nan")),
    ],
)
def test_it_rejects_impossible_alcohol_facts(field, value):
    with pytest.raises(RegimenInputError) as caught:
        AlcoholInput(setting="inpatient", **{field: value})
    assert caught.value.errors[0]["field"] == field


def test_its_input_error_is_the_kernels_one():
    with pytest.raises(ClinicalInputError) as caught:
        AlcoholInput(setting="inpatient", breath_alcohol_permille=-1)
    assert isinstance(caught.value, RegimenInputError)
    (error,) = caught.value.field_errors
    assert isinstance(error, FieldError)
    assert caught.value.errors[0]["msgid"] == "Must be a number from 0 to %(max)s, or null."


# --- GHB, benzodiazepines, opioids ---------------------------------------------------------------


def test_it_admits_a_ghb_patient_and_treats_symptoms_with_diazepam():
    proposal = ghb_regimen(GhbInput(severe_symptoms=False))
    assert proposal.codes() == ["ghb_admit", "ghb_diazepam"]
    assert line(proposal, "ghb_diazepam").dose.mg is None


def test_it_sends_severe_ghb_withdrawal_to_a_medical_emergency_department():
    proposal = ghb_regimen(GhbInput(severe_symptoms=True))
    assert line(proposal, "ghb_severe_emergency_department").refs == ("11.2-1",)
    assert line(proposal, "ghb_severe_diazepam").refs == ("11.2-2",)


def test_it_proposes_an_oxazepam_or_diazepam_taper_and_add_ons_for_benzodiazepines():
    proposal = benzodiazepine_regimen(BenzodiazepineInput(pregnant=False))
    assert line(proposal, "benzodiazepine_taper").drugs == ("oxazepam", "diazepam")
    assert line(proposal, "benzodiazepine_taper_add_on").refs == ("9.4-2",)
    assert "pregnant_slow_benzodiazepine_taper" not in proposal.codes()


def test_it_asks_for_a_slow_benzodiazepine_taper_in_pregnancy():
    proposal = benzodiazepine_regimen(BenzodiazepineInput(pregnant=True))
    assert line(proposal, "pregnant_slow_benzodiazepine_taper").refs == ("12-6",)


def test_it_proposes_buprenorphine_first_and_clonidine_with_blood_pressure_monitoring():
    proposal = opioid_regimen(
        OpioidInput(setting="inpatient", opioid_dependent=True, pregnant=False)
    )
    assert line(proposal, "buprenorphine_naloxone_taper").refs == ("10.5-1",)
    alpha2 = line(proposal, "alpha2_agonist_second_choice")
    assert alpha2.drugs == ("clonidine", "lofexidine")
    assert alpha2.dose.mg is None
    assert [c.code for c in alpha2.conditions] == ["blood_pressure_monitoring"]


def test_it_proposes_no_taper_without_opioid_dependence():
    proposal = opioid_regimen(OpioidInput(setting="inpatient", opioid_dependent=False))
    assert "buprenorphine_naloxone_taper" not in proposal.codes()
    assert line(proposal, "no_taper_without_dependence").kind == "avoid"


def test_it_asks_whether_the_patient_is_opioid_dependent():
    proposal = opioid_regimen(OpioidInput(setting="inpatient"))
    assert "buprenorphine_naloxone_taper" not in proposal.codes()
    assert "opioid_dependent" in proposal.missing


def test_it_advises_against_methadone_and_asks_for_supervised_dispensing_for_outpatients():
    proposal = opioid_regimen(OpioidInput(setting="outpatient", opioid_dependent=True))
    assert line(proposal, "no_methadone_outpatient").refs == ("10.5-2",)
    assert line(proposal, "supervised_daily_dispensing").refs == ("10.4.1-2",)
    inpatient = opioid_regimen(OpioidInput(setting="inpatient", opioid_dependent=True))
    assert "no_methadone_outpatient" not in inpatient.codes()


@pytest.mark.parametrize("setting", ["outpatient", "inpatient"])
def test_it_never_offers_detox_under_anaesthesia_or_heavy_sedation(setting):
    proposal = opioid_regimen(OpioidInput(setting=setting, opioid_dependent=True))
    assert line(proposal, "no_detox_under_anaesthesia_or_heavy_sedation").refs == ("10.5-3",)
    assert line(proposal, "tolerance_loss_and_overdose_prevention").refs == ("10.3-2", "13.1-9")


def test_it_stabilises_a_pregnant_woman_outside_lar_on_buprenorphine_instead_of_tapering():
    proposal = opioid_regimen(
        OpioidInput(setting="inpatient", opioid_dependent=True, pregnant=True, in_lar=False)
    )
    assert line(proposal, "pregnant_stabilise_on_buprenorphine").refs == ("12-7",)
    assert line(proposal, "pregnant_reluctant_detox").refs == ("10.3-1",)
    assert "buprenorphine_naloxone_taper" not in proposal.codes()


def test_it_asks_whether_a_pregnant_woman_is_in_lar():
    proposal = opioid_regimen(
        OpioidInput(setting="inpatient", opioid_dependent=True, pregnant=True)
    )
    assert "in_lar" in proposal.missing


# --- Sleep (6.2.2, second block) ----------------------------------------------------------------


def test_it_offers_trimipramine_mianserin_or_alimemazine_first_for_sleep():
    first = line(sleep_regimen(SleepInput()), "sleep_first_choice")
    assert first.drugs == ("trimipramine", "mianserin", "alimemazine")
    assert first.refs == ("6.2.2-B1",)


@pytest.mark.parametrize(("nights", "zopiclone"), [(2, False), (3, True)])
def test_it_gives_zopiclone_after_more_than_two_nights_of_poor_sleep(nights, zopiclone):
    proposal = sleep_regimen(
        SleepInput(poor_sleep_nights=nights, clinically_affected=True, delirium_risk=False)
    )
    assert ("sleep_zopiclone" in proposal.codes()) is zopiclone


def test_it_gives_zopiclone_only_when_poor_sleep_shows_clinically():
    proposal = sleep_regimen(
        SleepInput(poor_sleep_nights=3, clinically_affected=False, delirium_risk=False)
    )
    assert "sleep_zopiclone" not in proposal.codes()


def test_it_gives_zopiclone_for_at_most_three_nights():
    proposal = sleep_regimen(
        SleepInput(poor_sleep_nights=3, clinically_affected=True, delirium_risk=False)
    )
    assert line(proposal, "sleep_zopiclone").params == {"max_nights": 3}


def test_it_gives_no_zopiclone_for_sleep_when_delirium_threatens():
    proposal = sleep_regimen(
        SleepInput(poor_sleep_nights=3, clinically_affected=True, delirium_risk=True)
    )
    assert "sleep_zopiclone" not in proposal.codes()
    assert line(proposal, "sleep_no_zopiclone_delirium_risk").kind == "avoid"


def test_it_gives_nitrazepam_when_zopiclone_did_not_help():
    proposal = sleep_regimen(SleepInput(zopiclone_without_effect=True))
    assert line(proposal, "sleep_nitrazepam").refs == ("6.2.2-B3",)


def test_it_rejects_a_negative_number_of_nights():
    with pytest.raises(RegimenInputError):
        SleepInput(poor_sleep_nights=-1)


# --- Properties over every builder -------------------------------------------------------------

maybe = st.one_of(st.none(), st.booleans())
alcohol_inputs = st.builds(
    AlcoholInput,
    setting=st.sampled_from(["outpatient", "inpatient"]),
    continuous_drinking_days=st.one_of(st.none(), st.integers(0, 400)),
    earlier_seizures=maybe,
    earlier_delirium_tremens=maybe,
    earlier_severe_withdrawal=maybe,
    liver_failure=maybe,
    breath_alcohol_permille=st.one_of(st.none(), st.integers(0, 400).map(lambda n: n / 100)),
    somatically_reduced=maybe,
    malnourished=maybe,
    wernicke_suspected=maybe,
    delirium_tremens_now=maybe,
    no_sleep_last_24h=maybe,
    pregnant=maybe,
)
any_proposal = st.one_of(
    alcohol_inputs.map(alcohol_regimen),
    st.builds(GhbInput, severe_symptoms=maybe).map(ghb_regimen),
    st.builds(BenzodiazepineInput, pregnant=maybe).map(benzodiazepine_regimen),
    st.builds(
        OpioidInput,
        setting=st.sampled_from(["outpatient", "inpatient"]),
        opioid_dependent=maybe,
        pregnant=maybe,
        in_lar=maybe,
    ).map(opioid_regimen),
    st.builds(
        SleepInput,
        poor_sleep_nights=st.one_of(st.none(), st.integers(0, 30)),
        clinically_affected=maybe,
        zopiclone_without_effect=maybe,
        delirium_risk=maybe,
    ).map(sleep_regimen),
)


@settings(max_examples=300, deadline=None)
@given(any_proposal)
def test_every_line_cites_guideline_recommendations(proposal):
    for plan_line in proposal.lines:
        assert plan_line.refs
        assert all(re.fullmatch(r"\d+(\.\d+)*-B?\d+", ref) for ref in plan_line.refs)
        assert set(plan_line.refs) <= GUIDELINE_REFS


@settings(max_examples=300, deadline=None)
@given(any_proposal)
def test_no_line_gives_a_dose_the_guideline_does_not_give(proposal):
    for plan_line in proposal.lines:
        if plan_line.dose is not None:
            assert plan_line.dose.mg is None or plan_line.dose.mg in GUIDELINE_MG
            assert plan_line.dose.mg_range is None or plan_line.dose.mg_range in GUIDELINE_MG_RANGES


@settings(max_examples=300, deadline=None)
@given(any_proposal)
def test_every_line_names_known_drugs_and_serialises(proposal):
    as_dict = proposal.to_dict()
    for plan_line in as_dict["lines"]:
        assert set(plan_line["drugs"]) <= set(DRUG_NAMES)
        assert set(plan_line) >= {
            "code",
            "drug",
            "dose",
            "schedule",
            "message",
            "params",
            "refs",
            "conditions",
            "resolution",
        }
        assert plan_line["message"] % plan_line["params"]


@settings(max_examples=300, deadline=None)
@given(alcohol_inputs)
def test_valproic_acid_is_never_proposed_with_liver_failure_or_in_pregnancy(facts):
    proposal = alcohol_regimen(facts)
    if facts.liver_failure or facts.pregnant:
        assert all("valproic_acid" not in plan_line.drugs for plan_line in proposal.lines)
