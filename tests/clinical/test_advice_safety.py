"""Issue 11: the CIWA-Ar advice read as an auditor would (history × state × doses × age).

Pure: no database, no clock. Each test names the guideline lines ("G 4229") it checks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clinical.advice import (
    DIAZEPAM,
    OLANZAPINE,
    VALPROATE,
    Administration,
    Advice,
    AdviceContext,
    AdviceError,
    CiwaObservation,
    ciwa_advice,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


def dose(drug: str, mg: int, hours_ago: float, route: str = "oral") -> Administration:
    return Administration(drug=drug, dose_mg=mg, route=route, given_at=ago(hours_ago))


def seen(score: int, hours_ago: float) -> CiwaObservation:
    return CiwaObservation(score=score, observed_at=ago(hours_ago))


def advise(score: int, **facts: object) -> Advice:
    defaults: dict[str, object] = {
        "now": NOW,
        "prior_withdrawal_seizures": False,
        "prior_delirium_tremens": False,
        "prior_severe_withdrawal": False,
        "thiamine_given": True,
        "drowsy": False,
        "liver_failure": False,
        "delirium_risk": False,
    }
    return ciwa_advice(AdviceContext(score=score, **{**defaults, **facts}))  # type: ignore[arg-type]


def doses_of(advice: Advice) -> list[str]:
    return [line.code for line in advice.lines if line.kind == "dose"]


def scheduled_course(hours: int = 30) -> dict[str, object]:
    """Earlier seizures, scores 11–14 every hour for ``hours`` h, diazepam 10 mg × 4 (every 6 h)."""
    return {
        "prior_withdrawal_seizures": True,
        "earlier_scores": [seen(11 + (h % 4), h) for h in range(1, hours + 1)],
        "administrations": [dose(DIAZEPAM, 10, h) for h in range(1, hours + 1, 6)]
        + [dose(DIAZEPAM, 10, h + 0.5) for h in range(1, hours, 6)],
    }


# --- item 1: only hourly-tier diazepam counts toward "no response after 50 mg" ---------------


def test_reported_case_first_17_after_30_h_of_scheduled_doses_gives_diazepam_not_olanzapine():
    """G 4223–4231: 10 mg × 4 at 10–15 never counts toward "ikke respons etter 50 mg diazepam"."""
    course = scheduled_course(30)
    assert sum(d.dose_mg for d in course["administrations"]) >= 50  # type: ignore[attr-defined]
    advice = advise(17, **course)
    assert "diazepam_hourly" in advice.codes
    assert not {"olanzapine", "diazepam_no_response"} & set(advice.codes)
    assert advice.hourly_diazepam_mg == 0
    assert advice.cumulative_diazepam_mg >= 50
    line = advice.line("diazepam_before_hourly_not_counted")
    assert line.resolution is True
    assert line.params["excluded"] == advice.cumulative_diazepam_mg


def test_night_sedation_before_the_hourly_regimen_never_counts_g_4137_4141():
    """8.4.5-1 (G 4137–4141): diazepam 20 mg at night for earlier delirium is not an hourly dose."""
    advice = advise(
        18,
        prior_delirium_tremens=True,
        earlier_scores=[seen(12, 12), seen(13, 8), seen(12, 2)],
        administrations=[dose(DIAZEPAM, 20, 10), dose(DIAZEPAM, 20, 34), dose(DIAZEPAM, 10, 3)],
    )
    assert advice.hourly_diazepam_mg == 0
    assert "diazepam_hourly" in advice.codes
    assert "olanzapine" not in advice.codes


def test_hourly_doses_after_the_first_score_over_15_count_g_4229_4231():
    """G 4229–4231: 50 mg under the hourly regimen without response → olanzapine."""
    advice = advise(
        19,
        prior_withdrawal_seizures=True,
        earlier_scores=[*[seen(12, h) for h in range(6, 30)], seen(17, 5.5)],
        administrations=[
            *[dose(DIAZEPAM, 10, h) for h in (29, 23, 17, 11)],  # 10 mg × 4 at 10–15
            *[dose(DIAZEPAM, 10, h) for h in (5, 4, 3, 2, 1)],  # hourly after the 17
        ],
    )
    assert advice.cumulative_diazepam_mg == 90
    assert advice.hourly_diazepam_mg == 50
    assert "olanzapine" in advice.codes
    assert "diazepam_hourly" not in advice.codes


def test_a_dose_given_at_the_first_score_over_15_counts():
    """G 4229: the hourly regimen starts with the score over 15 (boundary: same moment)."""
    advice = advise(
        20,
        earlier_scores=[seen(16, 5)],
        administrations=[dose(DIAZEPAM, 10, h) for h in (5, 4, 3, 2, 1)],
    )
    assert advice.hourly_diazepam_mg == 50
    assert "olanzapine" in advice.codes


def test_a_dose_a_minute_before_the_first_score_over_15_does_not_count():
    """G 4223–4229: before the score over 15 the 10–15 row (× 4) was in force."""
    advice = advise(
        20,
        earlier_scores=[seen(15, 6), seen(16, 5)],
        administrations=[dose(DIAZEPAM, 10, 5 + 1 / 60)]
        + [dose(DIAZEPAM, 10, h) for h in (4, 3, 2, 1)],
    )
    assert advice.hourly_diazepam_mg == 40
    assert "diazepam_hourly" in advice.codes


def test_doses_after_a_fall_to_10_15_in_the_escalation_still_count_g_4229():
    """G 4229: the hourly doses run "inntil CIWA under 10"; a fall to 10–15 does not stop them."""
    advice = advise(
        17,
        earlier_scores=[seen(18, 6), seen(14, 3), seen(12, 2)],
        administrations=[dose(DIAZEPAM, 10, h) for h in (6, 5, 4, 3, 2)],
    )
    assert advice.hourly_diazepam_mg == 50
    assert "olanzapine" in advice.codes


def test_every_olanzapine_line_names_the_seizure_protection_recorded_g_4021_4025():
    """G 4021–4025: "Nevroleptika bør derfor ikke gis uten samtidig krampebeskyttelse"."""
    advice = advise(
        20,
        earlier_scores=[seen(20, 7)],
        administrations=[
            dose(VALPROATE, 900, 20),
            *[dose(DIAZEPAM, 10, h) for h in (6, 5, 4, 3, 2)],
        ],
    )
    line = advice.line("olanzapine")
    assert line.kind == "dose"
    assert line.sections == ("8.4.2",)
    assert line.params["diazepam"] == 50
    assert line.params["valproate"] == 900
    assert "seizure protection" in line.message
    assert "no_seizure_protection_recorded" not in advice.codes


def test_dt_olanzapine_without_protection_recorded_warns_g_4021_4025():
    """G 4021–4025 with 8.4.5-2: olanzapine for DT with no diazepam/valproate recorded."""
    advice = advise(20, current_delirium=True)
    line = advice.line("delirium_tremens_olanzapine")
    assert "Recorded in this episode: none" in line.message
    warning = advice.line("no_seizure_protection_recorded")
    assert warning.kind == "warning"
    assert warning.sections == ("8.4.2",)


# --- item 3: drowsy → no sedative dose at all, hold and call the doctor ----------------------


DROWSY_CONTEXTS = [
    pytest.param(5, {"prior_withdrawal_seizures": True}, id="valproate-offer"),
    pytest.param(12, {"prior_delirium_tremens": True}, id="qid"),
    pytest.param(20, {}, id="hourly"),
    pytest.param(
        20,
        {
            "earlier_scores": [seen(20, 7)],
            "administrations": [dose(DIAZEPAM, 10, h) for h in (6, 5, 4, 3, 2)],
        },
        id="olanzapine",
    ),
    pytest.param(12, {"earlier_scores": [seen(20, 2)]}, id="continue-hourly"),
    pytest.param(25, {"current_delirium": True}, id="delirium"),
    pytest.param(25, {"current_delirium": True, "age_years": 80}, id="delirium-elderly"),
]


@pytest.mark.parametrize(("score", "facts"), DROWSY_CONTEXTS)
def test_a_drowsy_patient_gets_no_dose_line_at_all_g_3771_3773(score, facts):
    """G 3771–3773: sedatives "bør unngås når pasienten er sløv eller svært trett"."""
    awake = advise(score, **facts)
    assert doses_of(awake)  # the same context awake does give a dose
    drowsy = advise(score, drowsy=True, **facts)
    assert doses_of(drowsy) == []
    assert drowsy.protocol == "hold"
    line = drowsy.line("drowsy_hold_sedatives")
    assert line.kind == "escalate"
    assert line.sections == ("8.3.1",)
    assert drowsy.lines[0].kind == "escalate"


def test_a_drowsy_patient_below_10_is_not_told_to_offer_valproate_g_3771_3773():
    """G 3771–3773: the doctor decides on seizure prophylaxis for a drowsy patient."""
    advice = advise(5, drowsy=True, prior_withdrawal_seizures=None)
    assert not {"valproate_offer", "withdrawal_history_unknown"} & set(advice.codes)
    assert "no_medication_usually" in advice.codes


def test_drowsy_and_delirium_together_escalate_without_a_dose_g_3771_3773_g_4147():
    """G 3771–3773 wins over 8.4.5-2 (G 4147–4151): no diazepam every 5–10 min when drowsy."""
    advice = advise(25, drowsy=True, current_delirium=True)
    assert {"drowsy_hold_sedatives", "delirium_tremens_drowsy"} <= set(advice.codes)
    assert {line.kind for line in advice.lines} <= {"escalate", "warning", "info"}


# --- item 3 (new inputs): delirium tremens now, Wernicke suspected ---------------------------


@pytest.mark.parametrize("score", [0, 9, 12, 16, 30])
def test_delirium_tremens_gets_the_dt_protocol_not_the_ciwa_rows_g_4147_4151(score):
    """8.4.5-2 (G 4147–4151): diazepam at short intervals or olanzapine, with a doctor."""
    advice = advise(score, current_delirium=True, prior_withdrawal_seizures=True)
    assert advice.protocol == "delirium_tremens"
    escalation = advice.line("delirium_tremens_physician")
    assert escalation.kind == "escalate"
    assert escalation.refs == ("8.4.5-2",)
    diazepam = advice.line("delirium_tremens_diazepam")
    assert (diazepam.drug, diazepam.refs) == (DIAZEPAM, ("8.4.5-2",))
    assert diazepam.mg == Decimal(10)
    assert "5–10 minutes" in diazepam.message
    olanzapine = advice.line("delirium_tremens_olanzapine")
    assert olanzapine.drug == OLANZAPINE
    assert olanzapine.mg == Decimal(10)
    ciwa_rows = {
        "diazepam_hourly",
        "diazepam_continue_hourly",
        "diazepam_qid",
        "olanzapine",
        "valproate_offer",
        "no_medication_usually",
        "diazepam_no_response",
    }
    assert not ciwa_rows & set(advice.codes)


def test_dt_olanzapine_respects_the_30_mg_maximum_g_4149_4151():
    """8.4.5-2 (G 4149–4151): "olanzapin 10 mg ... hver time til max 30mg"."""
    advice = advise(
        25,
        current_delirium=True,
        administrations=[dose(OLANZAPINE, 10, h, "im") for h in (3, 2, 1)],
    )
    assert "delirium_tremens_olanzapine" not in advice.codes
    assert advice.line("olanzapine_max_reached").kind == "warning"
    assert "delirium_tremens_diazepam" in advice.codes


def test_wernicke_suspected_escalates_with_iv_thiamine_and_admission_g_3905_3907():
    """8.4.1-2 (G 3905–3907): 50–100 mg IV thiamine and a neurological/medical department."""
    advice = advise(12, wernicke_suspected=True, thiamine_given=False)
    line = advice.line("wernicke_thiamine_iv_admit")
    assert line.kind == "escalate"
    assert line.refs == ("8.4.1-2",)
    assert "50–100 mg intravenously" in line.message
    # The routine intramuscular thiamine line would contradict the IV dose: not shown.
    assert not {"thiamine_not_recorded", "thiamine_given"} & set(advice.codes)


@pytest.mark.parametrize("wernicke", [False, None])
def test_no_wernicke_escalation_unless_suspected(wernicke):
    assert "wernicke_thiamine_iv_admit" not in advise(12, wernicke_suspected=wernicke).codes


def test_wernicke_is_escalated_for_a_drowsy_patient_too_g_3905_3907():
    """Reduced consciousness is no reason to hold thiamine (8.4.1-2); it is not a sedative."""
    advice = advise(12, wernicke_suspected=True, drowsy=True)
    assert {"wernicke_thiamine_iv_admit", "drowsy_hold_sedatives"} <= set(advice.codes)
    assert doses_of(advice) == []


# --- item 4: age, head injury, earlier benzodiazepine use -----------------------------------


@pytest.mark.parametrize(("age", "elderly"), [(64, False), (65, True), (90, True), (None, False)])
def test_elderly_from_65_get_a_sedative_caution_g_3994_3998(age, elderly):
    """G 3994–3998: care with sedatives for "eldre"; 65 is a local resolution."""
    advice = advise(20, age_years=age)
    assert ("sedative_caution_elderly" in advice.codes) is elderly
    if elderly:
        line = advice.line("sedative_caution_elderly")
        assert (line.kind, line.resolution, line.sections) == ("warning", True, ("8.4.2",))
        assert "diazepam_hourly" in advice.codes  # a caution beside the dose, not instead of it


@pytest.mark.parametrize(("age", "adolescent"), [(17, True), (18, False), (0, True), (40, False)])
def test_under_18_a_caution_that_the_guideline_does_not_address_adolescents(age, adolescent):
    """Target group 1.2 (G 286–300): the guideline does not address adolescents."""
    advice = advise(20, age_years=age)
    assert ("adolescent_not_addressed" in advice.codes) is adolescent


@pytest.mark.parametrize(
    ("facts", "code"),
    [
        ({"head_injury": True}, "sedative_caution_head_injury"),
        ({"benzodiazepine_misuse": True}, "sedative_caution_benzodiazepine_use"),
    ],
)
def test_head_injury_and_benzodiazepine_use_get_a_sedative_caution_g_3994_3998(facts, code):
    """G 3994–3998: "tidligere har brukt eller misbrukt benzodiazepiner ... hodeskader"."""
    assert advise(20, **facts).line(code).kind == "warning"
    assert code not in advise(20).codes


def test_drowsy_wins_over_the_age_cautions_g_3771_3773():
    advice = advise(20, age_years=80, drowsy=True)
    assert "sedative_caution_elderly" in advice.codes
    assert doses_of(advice) == []


@pytest.mark.parametrize("age", [-1, 131, 12.5, True, "70"])
def test_an_impossible_age_is_refused(age):
    with pytest.raises(AdviceError, match="age_years"):
        advise(20, age_years=age)


def test_pregnant_patient_is_not_offered_valproic_acid_g_12_5():
    """12-5: benzodiazepines per 8.4 in pregnancy; valproic acid is not proposed (resolution)."""
    advice = advise(5, prior_withdrawal_seizures=True, pregnant=True)
    assert "valproate_offer" not in advice.codes
    line = advice.line("valproate_not_in_pregnancy")
    assert line.resolution is True
    assert "12-5" in line.refs
