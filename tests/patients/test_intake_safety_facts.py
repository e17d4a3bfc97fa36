"""Issue 11: the intake facts the treatment level's safety rules need, from the intake page
through the snapshot and mapping to the proposal, the decision page and the episode endpoint.

Guideline lines ("G") and recommendations are named in each test.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from clinical.levels import evaluate_level, parse_level_input
from patients import services
from patients.intake_mapping import intake_to_level_input
from patients.level_presentation import proposal_digest
from patients.models import Intake, LevelDecision
from patients.selectors import episode_level_input, intake_snapshot
from tests.factories import make_episode, make_patient
from tests.patients.conftest import ALCOHOL_DT_FIELDS, ALCOHOL_DT_POST, ALCOHOL_ROW, intake_post

NEW_BOOLEANS = (
    "current_delirium",
    "wernicke_suspected",
    "earlier_failed_outpatient_detox",
    "head_injury",
    "opioid_stabilised",
    "supervised_daily_dispensing",
)


def _intake_url(episode: Any) -> str:
    return reverse("intake-edit", args=[episode.pk])


def _decision_url(episode: Any) -> str:
    return reverse("episode-decision", args=[episode.pk])


def _digest(episode: Any) -> str:
    return proposal_digest(
        evaluate_level(parse_level_input(episode_level_input(episode))).to_dict()
    )


def _save(episode: Any, user: Any, **fields: Any) -> Intake:
    return services.intake_save(
        episode=episode,
        user=user,
        fields={**ALCOHOL_DT_FIELDS, "previous_withdrawal_complications": [], **fields},
        substances=[ALCOHOL_ROW],
    )


# --- Mapping (pure) -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NEW_BOOLEANS)
@pytest.mark.parametrize("value", [True, False, None])
def test_each_new_yes_no_fact_reaches_the_engine_as_recorded(name, value):
    """8.4.5-2, 8.4.1-2, 3.2.1-3, G 3994-3998, 10.4.1-2: copied by name, unknown stays None."""
    assert intake_to_level_input({name: value})[name] is value


def test_acute_criteria_reach_the_engine_in_the_guidelines_order_4_2():
    """4.2-4..7 (G 1435-1512); None (not assessed) and [] (none apply) are kept apart."""
    result = intake_to_level_input({"acute_criteria": ["serious_social_loss", "danger_to_life"]})
    assert result["acute_criteria"] == ["danger_to_life", "serious_social_loss"]
    assert intake_to_level_input({"acute_criteria": []})["acute_criteria"] == []
    assert intake_to_level_input({})["acute_criteria"] is None


def test_the_age_is_passed_to_the_engine_g_3994_3998():
    assert intake_to_level_input({}, age_years=70)["age_years"] == 70
    assert intake_to_level_input({})["age_years"] is None


# --- Snapshot and episode input -------------------------------------------------------------------


def test_the_snapshot_holds_every_new_fact(clinician, planned_episode):
    """The snapshot copies every concrete field (it held these since the fields were added);
    this guards the chain intake → snapshot → mapping → engine."""
    intake = _save(
        planned_episode,
        clinician,
        current_delirium=False,
        wernicke_suspected=True,
        earlier_failed_outpatient_detox=True,
        head_injury=False,
        opioid_stabilised=None,
        supervised_daily_dispensing=True,
        acute_criteria=["dangerous_behaviour"],
    )
    snapshot = intake_snapshot(intake)
    assert {name: snapshot[name] for name in (*NEW_BOOLEANS, "acute_criteria")} == {
        "current_delirium": False,
        "wernicke_suspected": True,
        "earlier_failed_outpatient_detox": True,
        "head_injury": False,
        "opioid_stabilised": None,
        "supervised_daily_dispensing": True,
        "acute_criteria": ["dangerous_behaviour"],
    }


def test_the_episode_input_takes_the_age_from_the_birth_date_g_3994_3998(clinician, unit):
    """The birth date comes from the national identity number (clinical.identity)."""
    patient = make_patient(unit=unit, user=clinician, birth_date=dt.date(1950, 6, 15))
    episode = make_episode(patient=patient, status="planned", user=clinician)
    assert episode_level_input(episode, today=dt.date(2026, 6, 14))["age_years"] == 75
    assert episode_level_input(episode, today=dt.date(2015, 6, 15))["age_years"] == 65


def test_an_elderly_stored_patient_gets_the_sedative_caution_g_3994_3998(clinician, unit):
    patient = make_patient(unit=unit, user=clinician, birth_date=dt.date(1940, 1, 1))
    episode = make_episode(patient=patient, status="planned", user=clinician)
    _save(episode, clinician)
    inp = parse_level_input(episode_level_input(episode))
    proposal = evaluate_level(inp)
    assert "sedative_caution" in {c.code for c in proposal.cautions}


# --- Intake page --------------------------------------------------------------------------------


def test_the_intake_page_asks_every_new_fact_in_its_section(client, clinician, planned_episode):
    """8.4.5-2, 8.4.1-2, 4.2-1 (acute section), 10.4.1-2 (outpatient conditions), 3.2.1-3."""
    client.force_login(clinician)
    response = client.get(_intake_url(planned_episode))
    page = response.content.decode()
    assert 'id="section-acute"' in page
    assert "Akuttvurdering" in page
    sections = {
        item["section"].slug: item["section"].fields for item in response.context["sections"]
    }
    assert sections["acute"] == ("current_delirium", "wernicke_suspected", "acute_criteria")
    assert "earlier_failed_outpatient_detox" in sections["earlier"]
    assert "head_injury" in sections["somatic"]
    assert {"opioid_stabilised", "supervised_daily_dispensing"} <= set(sections["preference"])
    for name in NEW_BOOLEANS:
        assert f'name="{name}" value="unknown"' in page
    for code in ("none", "danger_to_life", "serious_social_loss"):
        assert f'name="acute_criteria" value="{code}"' in page


def test_the_acute_section_reads_in_english(client, clinician, planned_episode):
    client.force_login(clinician)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(_intake_url(planned_episode)).content.decode()
    assert "Acute assessment" in page
    assert "Criteria for acute intervention" in page


def test_posting_the_new_facts_stores_them(client, clinician, planned_episode):
    client.force_login(clinician)
    data = {
        **ALCOHOL_DT_POST,
        "current_delirium": "false",
        "wernicke_suspected": "true",
        "earlier_failed_outpatient_detox": "true",
        "head_injury": "unknown",
        "opioid_stabilised": "false",
        "supervised_daily_dispensing": "true",
        "acute_criteria": ["risk_of_severe_withdrawal", "danger_to_life"],
        "save": "",
    }
    assert client.post(_intake_url(planned_episode), data).status_code == 302
    intake = Intake.objects.get(episode=planned_episode)
    assert (
        intake.current_delirium,
        intake.wernicke_suspected,
        intake.earlier_failed_outpatient_detox,
        intake.head_injury,
        intake.opioid_stabilised,
        intake.supervised_daily_dispensing,
    ) == (False, True, True, None, False, True)
    assert intake.acute_criteria == ["danger_to_life", "risk_of_severe_withdrawal"]


def test_no_acute_criterion_ticked_is_not_assessed_and_none_apply_is_an_empty_list(
    client, clinician, planned_episode
):
    """4.2: None = not assessed (missing for the level), [] = assessed, none apply."""
    client.force_login(clinician)
    client.post(_intake_url(planned_episode), {**ALCOHOL_DT_POST, "save": ""})
    assert Intake.objects.get().acute_criteria is None
    client.post(
        _intake_url(planned_episode),
        {**ALCOHOL_DT_POST, "acute_criteria": ["none"], "save": "", "version": "1"},
    )
    assert Intake.objects.get().acute_criteria == []
    form = client.get(_intake_url(planned_episode)).context["form"]
    assert form["acute_criteria"].value() == ["none"]


def test_none_apply_with_a_criterion_is_an_error_on_that_field(client, clinician, planned_episode):
    client.force_login(clinician)
    data = intake_post({"acute_criteria": ["none", "danger_to_life"]})
    response = client.post(_intake_url(planned_episode), data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["acute_criteria"]
    assert not Intake.objects.exists()


# --- Decision page and the new referral -------------------------------------------------------


def test_an_acute_criterion_gives_the_tsb_acute_referral_on_the_decision_page_4_2_4(
    client, clinician, planned_episode
):
    """4.2-4 (G 1435) and 4.2-1 (G 1422): shown in bokmål with the criterion cited."""
    _save(planned_episode, clinician, acute_criteria=["danger_to_life"])
    client.force_login(clinician)
    response = client.get(_decision_url(planned_episode))
    page = response.content.decode()
    assert response.context["proposal"]["acute_referral"] == "addiction_acute"
    assert 'data-testid="proposed-referral"' in page
    assert "Akutt innleggelse i TSB" in page
    assert reverse("recommendation-detail", kwargs={"ref": "4.2-4"}) in page
    assert 'value="addiction_acute"' in page


def test_the_tsb_acute_referral_reads_in_english(client, clinician, planned_episode):
    _save(planned_episode, clinician, acute_criteria=["dangerous_behaviour"])
    client.force_login(clinician)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(_decision_url(planned_episode)).content.decode()
    assert "Acute admission in substance use treatment (TSB)" in page


def test_accepting_an_addiction_acute_proposal_stores_the_referral(
    client, clinician, planned_episode
):
    _save(planned_episode, clinician, acute_criteria=["serious_social_loss"])
    client.force_login(clinician)
    response = client.post(
        _decision_url(planned_episode),
        {"decision": "accept", "proposal_digest": _digest(planned_episode)},
    )
    assert response.status_code == 302
    decision = LevelDecision.objects.get()
    assert (decision.proposed_acute_referral, decision.chosen_acute_referral) == (
        "addiction_acute",
        "addiction_acute",
    )
    decision.full_clean()


def test_an_override_may_choose_the_tsb_acute_referral(client, clinician, planned_episode):
    _save(planned_episode, clinician, acute_criteria=[])
    client.force_login(clinician)
    client.post(
        _decision_url(planned_episode),
        {
            "decision": "override",
            "proposal_digest": _digest(planned_episode),
            "chosen_level": "inpatient",
            "chosen_acute_referral": "addiction_acute",
            "reason": "Truer familien, må tas inn i dag",
        },
    )
    decision = LevelDecision.objects.get()
    assert decision.chosen_acute_referral == "addiction_acute"


def test_delirium_now_on_the_decision_page_is_a_somatic_referral_8_4_5_2(
    client, clinician, planned_episode
):
    _save(planned_episode, clinician, current_delirium=True)
    client.force_login(clinician)
    response = client.get(_decision_url(planned_episode))
    assert response.context["proposal"]["acute_referral"] == "somatic"
    assert reverse("recommendation-detail", kwargs={"ref": "8.4.5-2"}) in response.content.decode()


# --- Episode endpoint ---------------------------------------------------------------------------


def test_the_episode_endpoint_is_consistent_with_the_intake_and_the_age(clinician, planned_episode):
    """GET /api/v1/episodes/{id}/treatment-level/ runs the engine on the same input."""
    _save(
        planned_episode,
        clinician,
        acute_criteria=["risk_of_severe_withdrawal"],
        head_injury=True,
        earlier_failed_outpatient_detox=False,
    )
    api = APIClient()
    api.force_authenticate(clinician)
    body = api.get(f"/api/v1/episodes/{planned_episode.pk}/treatment-level/").json()
    assert body["input"]["acute_criteria"] == ["risk_of_severe_withdrawal"]
    assert body["input"]["head_injury"] is True
    assert isinstance(body["input"]["age_years"], int)
    assert body["acute_referral"] == "addiction_acute"
    assert "sedative_caution" in {c["code"] for c in body["cautions"]}


def test_the_history_names_an_amended_acute_criterion_4_2_5(client, clinician, planned_episode):
    """4.2-5 (G 1470): the amendment is shown with the criterion's label, not its code."""
    _save(planned_episode, clinician, acute_criteria=[])
    type(planned_episode).objects.filter(pk=planned_episode.pk).update(status="active")
    planned_episode.refresh_from_db()
    services.intake_amend(
        episode=planned_episode,
        user=clinician,
        reason="Sluttet brått i går",
        fields={
            **ALCOHOL_DT_FIELDS,
            "previous_withdrawal_complications": [],
            "acute_criteria": ["risk_of_severe_withdrawal"],
        },
        substances=[ALCOHOL_ROW],
    )
    client.force_login(clinician)
    page = client.get(reverse("episode-history", args=[planned_episode.pk])).content.decode()
    assert "fare for alvorlige abstinensreaksjoner" in page
    assert "risk_of_severe_withdrawal" not in page
