"""COWS/SOWS medication advice (chapter 10, 12-7). Pure: no database, no clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clinical.advice import Administration, AdviceError
from clinical.opioid_advice import (
    BUPRENORPHINE,
    BUPRENORPHINE_NALOXONE,
    CLONIDINE,
    OpioidAdvice,
    OpioidAdviceContext,
    opioid_advice,
)
from tests.clinical.test_instruments import guideline_has_recommendation, guideline_has_section

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def advise(score: int = 14, instrument: str = "cows", **facts: object) -> OpioidAdvice:
    defaults: dict[str, object] = {"drowsy": False, "pregnant": False, "in_lar": False}
    return opioid_advice(
        OpioidAdviceContext(instrument=instrument, score=score, now=NOW, **{**defaults, **facts})  # type: ignore[arg-type]
    )


def given(drug: str, mg: int, hours_ago: float) -> Administration:
    return Administration(drug, mg, "sublingual", NOW - timedelta(hours=hours_ago))


def doses_of(advice: OpioidAdvice) -> list[str]:
    return [line.code for line in advice.lines if line.kind == "dose"]


@pytest.mark.parametrize("instrument", ["cows", "sows"])
def test_buprenorphine_with_naloxone_first_clonidine_second_g_5206_5208(instrument):
    """10.5-1 (G 5206–5208): "buprenorfin med nalokson ... første valg med klonidin ... andre"."""
    advice = advise(instrument=instrument)
    line = advice.line("buprenorphine_naloxone_first_choice")
    assert (line.kind, line.refs, line.drug, line.mg) == (
        "dose",
        ("10.5-1",),
        BUPRENORPHINE_NALOXONE,
        None,
    )
    assert "clonidine or lofexidine" in line.message
    assert "gives no dose" in line.message  # no invented dose
    assert advice.protocol == "detox"
    assert {"clonidine_blood_pressure", "no_detox_under_heavy_sedation"} <= set(advice.codes)
    assert advice.line("no_detox_under_heavy_sedation").refs == ("10.5-3",)


def test_no_line_states_a_dose_the_guideline_does_not_give_g_5204_5216():
    """Chapter 10.5 gives no buprenorphine or clonidine dose: no line carries an mg."""
    for facts in ({}, {"pregnant": True}, {"in_lar": True}, {"in_lar": None, "pregnant": None}):
        assert all(line.mg is None for line in advise(**facts).lines)


def test_the_first_buprenorphine_dose_waits_for_clear_withdrawal_g_4762_4764():
    """10.1.2 (G 4762–4764): buprenorphine on a full agonist brings on marked withdrawal."""
    line = advise().line("buprenorphine_first_dose_timing")
    assert line.kind == "warning"
    assert line.sections == ("10.1.2",)
    assert "no score and no number of hours" in line.message
    started = advise(administrations=[given(BUPRENORPHINE_NALOXONE, 8, 6)])
    assert "buprenorphine_first_dose_timing" not in started.codes
    assert started.buprenorphine_given_mg == 8
    assert started.line("buprenorphine_naloxone_first_choice").params["buprenorphine"] == 8


def test_clonidine_given_is_counted():
    advice = advise(administrations=[given(CLONIDINE, 1, 3), given("diazepam", 10, 2)])
    assert advice.clonidine_given_mg == 1
    assert advice.buprenorphine_given_mg == 0


@pytest.mark.parametrize("in_lar", [False, None])
def test_pregnant_not_in_lar_is_stabilised_on_buprenorphine_never_detoxed_g_5753(in_lar):
    """12-7 (G 5753–5755) with 10.3-1 (G 4894–4900): stabilise on buprenorphine, no detox."""
    advice = advise(pregnant=True, in_lar=in_lar)
    assert advice.protocol == "pregnant_stabilise"
    line = advice.line("pregnant_stabilise_buprenorphine")
    assert line.kind == "escalate"
    assert line.refs == ("12-7", "10.3-1")
    assert line.drug == BUPRENORPHINE
    assert doses_of(advice) == []  # no detox line, no clonidine
    assert "buprenorphine_naloxone_first_choice" not in advice.codes
    assert ("lar_not_recorded" in advice.codes) is (in_lar is None)


@pytest.mark.parametrize("pregnant", [True, False, None])
def test_in_lar_the_lar_medication_is_not_tapered_g_4887_4891_g_5702_5706(pregnant):
    """G 4887–4891 (10.3-3); pregnant in LAR stays in LAR (G 5702–5706)."""
    advice = advise(in_lar=True, pregnant=pregnant)
    assert advice.protocol == "lar"
    code = "pregnant_in_lar_stays" if pregnant else "in_lar_not_tapered"
    assert advice.line(code).kind == "escalate"
    assert doses_of(advice) == []


def test_lar_and_pregnancy_not_recorded_are_said_g_4887_g_5712():
    advice = advise(in_lar=None, pregnant=None)
    assert advice.line("lar_not_recorded").kind == "warning"
    assert advice.line("pregnancy_not_recorded").refs == ("12-1", "12-7")
    assert "lar_not_recorded" not in advise().codes
    assert "pregnancy_not_recorded" not in advise().codes


@pytest.mark.parametrize(
    "facts",
    [{}, {"pregnant": True}, {"in_lar": True}, {"in_lar": None, "pregnant": None}],
)
def test_a_drowsy_patient_gets_no_medication_line_g_3771_3773(facts):
    """G 3771–3773 applied to opioid withdrawal: hold and call the doctor, no dose, no start."""
    advice = advise(drowsy=True, **facts)
    assert advice.protocol == "hold"
    assert doses_of(advice) == []
    assert "pregnant_stabilise_buprenorphine" not in advice.codes
    assert "buprenorphine_first_dose_timing" not in advice.codes
    line = advice.line("drowsy_hold_sedatives")
    assert (line.kind, line.resolution, line.sections) == ("escalate", True, ("8.3.1",))
    assert advice.lines[0].code == "drowsy_hold_sedatives"


@pytest.mark.parametrize(
    ("age", "code"), [(70, "sedative_caution_elderly"), (16, "adolescent_not_addressed")]
)
def test_age_cautions_apply_to_opioid_withdrawal_too_g_3994_3998(age, code):
    assert code in advise(age_years=age).codes


def test_the_guideline_gives_no_score_threshold_and_the_advice_says_so():
    line = advise(instrument="sows", score=20).line("opioid_scale_no_medication_threshold")
    assert line.params["instrument"] == "SOWS"
    assert line.sections == ("7.3.11",)


@pytest.mark.parametrize(
    ("instrument", "score"), [("cows", -1), ("cows", 49), ("ciwa-ar", 5), ("sows", 65)]
)
def test_an_impossible_score_or_scale_is_refused(instrument, score):
    with pytest.raises(AdviceError):
        advise(score=score, instrument=instrument)


def test_a_dose_after_now_is_refused():
    with pytest.raises(AdviceError, match="given_at"):
        advise(administrations=[given(BUPRENORPHINE, 2, -1)])


def test_every_ref_and_section_exists_in_the_guideline():
    contexts = [
        advise(in_lar=None, pregnant=None, age_years=80, head_injury=True),
        advise(pregnant=True),
        advise(in_lar=True),
        advise(in_lar=True, pregnant=True),
        advise(drowsy=True, instrument="sows"),
    ]
    for advice in contexts:
        for line in advice.lines:
            assert line.refs or line.sections, line.code
            for ref in line.refs:
                if "." in ref:
                    assert guideline_has_recommendation(ref), ref
            for section in line.sections:
                assert guideline_has_section(section), section
