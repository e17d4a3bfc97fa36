import re

from django.urls import reverse

from clinical.levels import evaluate_level, parse_level_input
from patients import services
from patients.level_presentation import proposal_digest
from patients.models import LevelDecision
from patients.selectors import episode_level_input
from tests.patients.conftest import ALCOHOL_DT_FIELDS, ALCOHOL_ROW


def _url(episode):
    return reverse("episode-decision", args=[episode.pk])


def _digest(episode):
    return proposal_digest(
        evaluate_level(parse_level_input(episode_level_input(episode))).to_dict()
    )


def test_the_proposal_shows_the_level_and_cites_the_recommendation(
    client, clinician, alcohol_intake, planned_episode
):
    client.force_login(clinician)
    response = client.get(_url(planned_episode))
    page = response.content.decode()
    assert response.context["proposal"]["level"] == "inpatient"
    assert 'data-testid="proposed-level"' in page
    assert reverse("recommendation-detail", kwargs={"ref": "8.3.3-1"}) in page
    assert re.search(r"grade-badge grade-B", page)


def test_an_inpatient_proposal_lists_detox_units_from_the_directory(
    client, clinician, alcohol_intake, planned_episode
):
    client.force_login(clinician)
    response = client.get(_url(planned_episode))
    units = list(response.context["units"])
    assert units
    assert all(unit.accepts_alcohol for unit in units)


def test_a_pregnant_patient_gets_units_that_take_pregnant_patients(
    client, clinician, planned_episode
):
    planned_episode.patient.sex = "female"  # the register's sex; pregnancy needs a woman
    planned_episode.patient.save(update_fields=["sex"])
    services.intake_save(
        episode=planned_episode,
        user=clinician,
        fields={**ALCOHOL_DT_FIELDS, "pregnant": True},
        substances=[ALCOHOL_ROW],
    )
    client.force_login(clinician)
    units = list(client.get(_url(planned_episode)).context["units"])
    assert units
    assert all(unit.accepts_pregnant for unit in units)


def test_accepting_records_the_decision_and_sets_the_setting(
    client, clinician, alcohol_intake, planned_episode
):
    client.force_login(clinician)
    response = client.post(
        _url(planned_episode), {"decision": "accept", "proposal_digest": _digest(planned_episode)}
    )
    assert response.status_code == 302
    planned_episode.refresh_from_db()
    assert planned_episode.setting == "inpatient"
    assert LevelDecision.objects.get().accepted is True


def test_an_override_without_a_reason_is_refused_on_the_reason_field(
    client, clinician, alcohol_intake, planned_episode
):
    client.force_login(clinician)
    response = client.post(
        _url(planned_episode),
        {
            "decision": "override",
            "proposal_digest": _digest(planned_episode),
            "chosen_level": "outpatient",
            "reason": "",
        },
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["reason"]
    assert not LevelDecision.objects.exists()


def test_an_override_with_a_reason_is_stored_and_shown_in_the_history(
    client, clinician, alcohol_intake, planned_episode
):
    client.force_login(clinician)
    client.post(
        _url(planned_episode),
        {
            "decision": "override",
            "proposal_digest": _digest(planned_episode),
            "chosen_level": "outpatient",
            "chosen_acute_referral": "",
            "reason": "Siste DT for 20 år siden",
        },
    )
    decision = LevelDecision.objects.get()
    assert (decision.accepted, decision.chosen_level, decision.decided_by) == (
        False,
        "outpatient",
        clinician,
    )
    history = client.get(reverse("episode-history", args=[planned_episode.pk])).content.decode()
    assert "Siste DT for 20 år siden" in history


def test_a_decision_on_a_proposal_that_changed_meanwhile_is_refused(
    client, clinician, alcohol_intake, planned_episode
):
    client.force_login(clinician)
    response = client.post(
        _url(planned_episode), {"decision": "accept", "proposal_digest": "stale"}
    )
    assert response.status_code == 302
    assert not LevelDecision.objects.exists()


def test_a_nurse_reads_the_proposal_but_cannot_decide(
    client, nurse, alcohol_intake, planned_episode
):
    client.force_login(nurse)
    response = client.get(_url(planned_episode))
    assert response.status_code == 200
    assert 'name="decision"' not in response.content.decode()
    response = client.post(
        _url(planned_episode), {"decision": "accept", "proposal_digest": _digest(planned_episode)}
    )
    assert response.status_code == 403


def test_without_an_intake_the_page_lists_the_missing_facts(client, clinician, planned_episode):
    client.force_login(clinician)
    response = client.get(_url(planned_episode))
    proposal = response.context["proposal"]
    assert proposal["level"] is None
    assert {item["field"] for item in proposal["missing"]} >= {"substances", "pregnant"}


def test_the_proposal_reads_in_english_after_switching(
    client, clinician, alcohol_intake, planned_episode
):
    client.force_login(clinician)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(_url(planned_episode)).content.decode()
    assert "Inpatient detox" in page
    assert "Earlier delirium tremens or alcohol withdrawal seizures" in page
