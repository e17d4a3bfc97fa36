"""The draft-order check (CDS Hooks order-select) composes the kernel's existing rules."""

from fractions import Fraction

from clinical.order_check import (
    DraftOrder,
    OrderFacts,
    check_order,
    drugs_named_in_text,
    identify_drug,
    unchecked_atc,
)
from clinical.tapers import CurrentUse

KNOWN = OrderFacts(drowsy=False, pregnant=False, age_years=40, setting="inpatient")


def codes(check):
    return {finding.code: finding for finding in check.findings}


def test_it_identifies_the_drug_by_atc_code_then_by_name():
    assert identify_drug([("http://www.whocc.no/atc", "N05BA01")], "") == "diazepam"
    assert identify_drug([("http://www.whocc.no/atc", "N07BC02")], "") == "methadone"
    assert identify_drug([(None, "N07BC01")], "") == "buprenorphine"
    assert identify_drug([("http://snomed.info/sct", "N05BA01")], "Klonazepam 0,5 mg") == (
        "clonazepam"
    )
    assert identify_drug([], "Paracet 500 mg") is None
    assert identify_drug([], "diazepam and methadone") is None  # two drugs: not guessed


def test_an_order_text_naming_several_drugs_is_told_from_one_naming_none():
    atc = "http://www.whocc.no/atc"
    assert drugs_named_in_text([], "diazepam and methadone") == ["diazepam", "methadone"]
    assert drugs_named_in_text([], "Stesolid eller Sobril") == ["diazepam", "oxazepam"]
    assert drugs_named_in_text([], "Diazepam 5 mg") == []  # one: identified
    assert drugs_named_in_text([], "Paracet 500 mg") == []  # none: not ours
    assert drugs_named_in_text([(atc, "N05BA01")], "diazepam and methadone") == []  # ATC says


def test_an_unknown_drug_has_no_findings():
    check = check_order(DraftOrder("paracetamol", Fraction(500)), KNOWN)
    assert check.findings == ()
    assert check.drug_class is None


def test_a_sedative_for_a_drowsy_patient_is_critical_with_the_drowsy_hold():
    check = check_order(DraftOrder("oxazepam"), OrderFacts(drowsy=True))
    finding = codes(check)["drowsy_hold_sedatives"]
    assert finding.severity == "critical"
    assert finding.sections == ("8.3.1",)
    assert check.findings[0] is finding


def test_an_opioid_for_a_drowsy_patient_is_held_too_as_a_local_reading():
    finding = codes(check_order(DraftOrder("morphine"), OrderFacts(drowsy=True)))[
        "drowsy_hold_sedatives"
    ]
    assert finding.severity == "critical"
    assert finding.resolution


def test_buprenorphine_for_a_pregnant_woman_meets_the_no_taper_line():
    facts = OrderFacts(drowsy=False, pregnant=True, in_lar=False, setting="inpatient")
    found = codes(check_order(DraftOrder("buprenorphine", Fraction(8), Fraction(8)), facts))
    # 12-7 recommends stabilising a pregnant woman on buprenorphine: an order of it may be that
    # stabilisation, so "no taper" is a warning beside it, not a stop (audit of order-select).
    assert found["pregnant_no_opioid_taper"].severity == "warning"
    assert found["pregnant_no_opioid_taper"].refs == ("12-7", "10.3-1")
    assert found["pregnant_reluctant_detox"].severity == "warning"


def test_a_pregnant_benzodiazepine_order_gets_the_slow_taper_line():
    found = codes(check_order(DraftOrder("diazepam"), OrderFacts(pregnant=True)))
    assert found["pregnant_slow_benzodiazepine_taper"].severity == "warning"
    assert found["pregnant_slow_benzodiazepine_taper"].refs == ("12-6",)


def test_methadone_for_an_outpatient_is_critical():
    facts = OrderFacts(setting="outpatient", opioid_dependent=True)
    found = codes(check_order(DraftOrder("methadone"), facts))
    assert found["no_methadone_outpatient"].severity == "critical"
    assert found["no_methadone_outpatient"].refs == ("10.5-2",)


def test_buprenorphine_bound_is_24_mg_a_day_inclusive():
    at = check_order(DraftOrder("buprenorphine", Fraction(8), Fraction(24)), KNOWN)
    above = check_order(DraftOrder("buprenorphine", Fraction(26), Fraction(26)), KNOWN)
    assert "start_above_bound" not in codes(at)
    finding = codes(above)["start_above_bound"]
    assert finding.severity == "critical"
    assert finding.refs == ("10.5-1",)
    assert finding.params["max_mg"] == 24
    assert finding.resolution


def test_a_single_buprenorphine_dose_above_the_daily_bound_is_critical_without_timing():
    # The daily dose is at least the single dose: 32 mg once is above 24 mg a day however often.
    above = check_order(DraftOrder("buprenorphine", Fraction(32)), KNOWN)
    finding = codes(above)["start_above_bound"]
    assert finding.severity == "critical"
    assert finding.refs == ("10.5-1",)
    assert finding.params == {"mg": 32, "max_mg": 24}
    assert "single dose" in finding.message
    assert "daily_dose" not in above.not_evaluated
    below = check_order(DraftOrder("buprenorphine", Fraction(16)), KNOWN)
    assert "start_above_bound" not in codes(below)
    assert "daily_dose" in below.not_evaluated


def test_a_single_taper_drug_dose_above_the_daily_bound_is_critical_without_timing():
    facts = OrderFacts(current_use=(CurrentUse("diazepam", Fraction(20)),))
    above = check_order(DraftOrder("oxazepam", Fraction(160)), facts)
    finding = codes(above)["start_above_bound"]
    assert finding.params == {"mg": 160, "drug": "oxazepam", "high_mg": 100, "bound_mg": 150}
    assert finding.refs == ("9.3.1-2",)
    below = check_order(DraftOrder("oxazepam", Fraction(50)), facts)
    assert "start_above_bound" not in codes(below)
    assert "daily_dose" in below.not_evaluated


def test_taper_drug_bound_is_one_and_a_half_times_the_upper_conversion_of_recorded_use():
    facts = OrderFacts(current_use=(CurrentUse("diazepam", Fraction(20)),))
    # 20 mg diazepam = 100 mg oxazepam at the range's upper end (25 mg per 5 mg): bound 150.
    at = check_order(DraftOrder("oxazepam", Fraction(50), Fraction(150)), facts)
    above = check_order(DraftOrder("oxazepam", Fraction(55), Fraction(165)), facts)
    assert "start_above_bound" not in codes(at)
    finding = codes(above)["start_above_bound"]
    assert finding.params == {"mg": 165, "drug": "oxazepam", "high_mg": 100, "bound_mg": 150}
    assert finding.refs == ("9.3.1-2",)


def test_what_is_not_known_is_listed_not_guessed():
    check = check_order(DraftOrder("oxazepam", Fraction(15)), OrderFacts())
    assert set(check.not_evaluated) == {"drowsy", "pregnant", "daily_dose", "age", "current_use"}
    with_dose = check_order(DraftOrder("oxazepam", Fraction(15), Fraction(45)), OrderFacts())
    assert "current_use" in with_dose.not_evaluated
    opioid = check_order(DraftOrder("morphine"), OrderFacts())
    assert {"setting", "opioid_dependent"} <= set(opioid.not_evaluated)


def test_the_sedative_cautions_apply_to_an_order():
    facts = OrderFacts(age_years=70, head_injury=True, benzodiazepine_misuse=True)
    found = codes(check_order(DraftOrder("oxycodone"), facts))
    assert {
        "sedative_caution_elderly",
        "sedative_caution_head_injury",
        "sedative_caution_benzodiazepine_use",
    } <= set(found)


def test_methadone_for_a_pregnant_woman_outside_lar_stays_critical():
    """12-7 names buprenorphine for stabilising; only a buprenorphine order may be that."""
    facts = OrderFacts(drowsy=False, pregnant=True, in_lar=False, setting="inpatient")
    found = codes(check_order(DraftOrder("methadone", Fraction(30), Fraction(30)), facts))
    assert found["pregnant_no_opioid_taper"].severity == "critical"


def test_an_atc_code_of_the_checked_kinds_without_rules_is_named():
    atc = "http://www.whocc.no/atc"
    assert unchecked_atc([(atc, "N05BA08")]) == "N05BA08"  # bromazepam
    assert unchecked_atc([(None, "n02ab02")]) == "N02AB02"  # pethidine, no system given
    assert unchecked_atc([(atc, "N05BA08"), (atc, "N05BA01")]) is None  # diazepam is known
    assert unchecked_atc([(atc, "N02BE01")]) is None  # paracetamol: not our kind
    assert unchecked_atc([("http://snomed.info/sct", "N05BA08")]) is None  # not ATC
