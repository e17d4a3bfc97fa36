import pytest
from django.core.exceptions import ValidationError

from clinical.levels import evaluate_level, parse_level_input
from patients import services
from patients.models import LevelDecision
from patients.selectors import episode_level_input
from tests.factories import make_episode


def _proposal(episode):
    return evaluate_level(parse_level_input(episode_level_input(episode)))


def test_accepting_the_proposal_sets_the_setting_and_records_who_and_what(
    alcohol_intake, planned_episode, clinician
):
    proposal = _proposal(planned_episode)
    assert proposal.level == "inpatient"
    decision = services.level_decision_record(
        episode=planned_episode,
        proposal=proposal,
        accepted=True,
        chosen_level=None,
        chosen_acute_referral=None,
        reason="",
        user=clinician,
    )
    planned_episode.refresh_from_db()
    assert planned_episode.setting == "inpatient"
    assert (decision.accepted, decision.chosen_level, decision.decided_by) == (
        True,
        "inpatient",
        clinician,
    )
    assert decision.proposal["level"] == "inpatient"
    assert any(r["ref"] == "8.3.3-1" for r in decision.proposal["reasons"])
    event = planned_episode.events.get(kind="level_decided")
    assert event.details["decision"] == decision.pk


def test_an_override_without_a_reason_is_refused_and_nothing_is_stored(
    alcohol_intake, planned_episode, clinician
):
    with pytest.raises(ValidationError) as raised:
        services.level_decision_record(
            episode=planned_episode,
            proposal=_proposal(planned_episode),
            accepted=False,
            chosen_level="outpatient",
            chosen_acute_referral=None,
            reason="   ",
            user=clinician,
        )
    assert list(raised.value.message_dict) == ["reason"]
    assert not LevelDecision.objects.exists()
    planned_episode.refresh_from_db()
    assert planned_episode.setting == "undecided"


def test_an_override_stores_the_reason_and_the_proposal_it_departs_from(
    alcohol_intake, planned_episode, clinician
):
    decision = services.level_decision_record(
        episode=planned_episode,
        proposal=_proposal(planned_episode),
        accepted=False,
        chosen_level="outpatient",
        chosen_acute_referral=None,
        reason="DT for 15 år siden; tett oppfølging av fastlege.",
        user=clinician,
        level_input=episode_level_input(planned_episode),
    )
    planned_episode.refresh_from_db()
    assert planned_episode.setting == "outpatient"
    assert (decision.proposed_level, decision.chosen_level) == ("inpatient", "outpatient")
    assert decision.level_input["previous_withdrawal_complications"] == ["delirium_tremens"]
    event = planned_episode.events.get(kind="level_decided")
    assert event.reason == "DT for 15 år siden; tett oppfølging av fastlege."
    assert event.details["accepted"] is False


def test_an_override_must_name_a_level(alcohol_intake, planned_episode, clinician):
    with pytest.raises(ValidationError) as raised:
        services.level_decision_record(
            episode=planned_episode,
            proposal=_proposal(planned_episode),
            accepted=False,
            chosen_level="hospital",
            chosen_acute_referral=None,
            reason="Grunn",
            user=clinician,
        )
    assert list(raised.value.message_dict) == ["chosen_level"]


def test_an_override_that_chooses_the_proposal_is_refused(
    alcohol_intake, planned_episode, clinician
):
    with pytest.raises(ValidationError) as raised:
        services.level_decision_record(
            episode=planned_episode,
            proposal=_proposal(planned_episode),
            accepted=False,
            chosen_level="inpatient",
            chosen_acute_referral="",
            reason="Grunn",
            user=clinician,
        )
    assert list(raised.value.message_dict) == ["chosen_level"]


def test_a_proposal_without_a_level_cannot_be_accepted(planned_episode, clinician):
    proposal = _proposal(planned_episode)  # no intake: every fact unknown
    assert proposal.level is None
    with pytest.raises(ValidationError) as raised:
        services.level_decision_record(
            episode=planned_episode,
            proposal=proposal,
            accepted=True,
            chosen_level=None,
            chosen_acute_referral=None,
            reason="",
            user=clinician,
        )
    assert raised.value.code == "no_level"


def test_without_a_proposal_the_clinician_chooses_with_a_reason(planned_episode, clinician):
    decision = services.level_decision_record(
        episode=planned_episode,
        proposal=_proposal(planned_episode),
        accepted=False,
        chosen_level="inpatient",
        chosen_acute_referral=None,
        reason="Akutt innleggelse, anamnese tas i morgen",
        user=clinician,
    )
    assert (decision.proposed_level, decision.chosen_level) == ("", "inpatient")


def test_a_closed_episode_gets_no_new_decision(patient, clinician):
    episode = make_episode(patient=patient, status="discharged", user=clinician)
    with pytest.raises(ValidationError) as raised:
        services.level_decision_record(
            episode=episode,
            proposal=_proposal(episode),
            accepted=False,
            chosen_level="inpatient",
            chosen_acute_referral=None,
            reason="Grunn",
            user=clinician,
        )
    assert raised.value.code == "invalid_transition"
