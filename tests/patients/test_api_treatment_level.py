"""POST /api/v1/treatment-level/ and GET /api/v1/episodes/{id}/treatment-level/."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from patients import services
from patients.models import AccessLogEntry
from tests.factories import make_episode, make_patient, make_unit
from tests.patients.conftest import ALCOHOL_DT_FIELDS, ALCOHOL_ROW

URL = "/api/v1/treatment-level/"
ALCOHOL_DT = {
    "substances": [{"substance": "alcohol", "dependent": True, "injecting": False}],
    "previous_withdrawal_complications": ["delirium_tremens"],
}


@pytest.fixture
def api(clinician):
    client = APIClient()
    client.force_authenticate(clinician)
    return client


def _errors(response):
    assert response.status_code == 400
    return {item["field"] for item in response.json()["errors"]}


def test_the_path_is_stable():
    assert reverse("api-treatment-level") == URL


def test_anonymous_calls_get_401(db):
    assert APIClient().post(URL, ALCOHOL_DT, format="json").status_code == 401


def test_alcohol_with_earlier_delirium_tremens_is_inpatient_citing_8_3_3_1(api):
    body = api.post(URL, ALCOHOL_DT, format="json").json()
    assert body["level"] == "inpatient"
    reason = next(r for r in body["reasons"] if r["ref"] == "8.3.3-1")
    assert reason["grade"] == "B"
    assert reason["text"]
    assert reason["recommendation_text"].startswith("Avrusning i døgninstitusjon")
    assert reason["refs"] == ["8.3.3-1", "8.3.2-1"]
    assert reason["pushes"] == "inpatient"
    assert {c["ref"] for c in reason["citations"]} == {"8.3.3-1", "8.3.2-1"}


def test_omitted_facts_are_unknown_and_listed_as_missing(api):
    body = api.post(URL, {"substances": [{"substance": "cannabis"}]}, format="json").json()
    assert body["level"] is None
    missing = {item["field"] for item in body["missing"]}
    assert {"pregnant", "home_support", "substances[0].injecting"} <= missing
    assert all(item["text"] for item in body["missing"])


def test_every_fact_known_for_outpatient_gives_outpatient(api):
    facts = {
        "substances": [{"substance": "cannabis", "dependent": True, "injecting": False}],
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
        "in_custody": False,
        "current_delirium": False,
        "acute_criteria": [],
    }
    body = api.post(URL, facts, format="json").json()
    assert body["level"] == "outpatient"
    assert body["acute_referral"] is None
    assert body["reasons"][0]["ref"] == "3.2.1-2"


def test_an_acute_referral_is_reported(api):
    body = api.post(URL, {**ALCOHOL_DT, "high_suicide_risk": True}, format="json").json()
    assert body["acute_referral"] == "psychiatry"
    assert any(r["ref"] == "4.1-2" and r["grade"] == "A" for r in body["reasons"])


def test_background_reasons_cite_a_section(api):
    body = api.post(URL, {**ALCOHOL_DT, "alcohol_units_per_day": 20}, format="json").json()
    reason = next(r for r in body["reasons"] if r["code"] == "alcohol_units_above_nice_threshold")
    assert (reason["ref"], reason["grade"], reason["background"]) == ("3.2", None, True)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"pregnant": "yes"}, "pregnant"),
        ({"pregnant": 1}, "pregnant"),
        ({"ciwa_ar": 68}, "ciwa_ar"),
        ({"ciwa_ar": True}, "ciwa_ar"),
        ({"ciwa_ar": 12.5}, "ciwa_ar"),
        ({"audit": -1}, "audit"),
        ({"alcohol_units_per_day": "many"}, "alcohol_units_per_day"),
        ({"patient_preference": "home"}, "patient_preference"),
        ({"substances": "alcohol"}, "substances"),
        ({"substances": [{"substance": "tobacco"}]}, "substances[0].substance"),
        ({"substances": [{"dependent": True}]}, "substances[0].substance"),
        ({"substances": [{"substance": "alcohol", "injecting": "no"}]}, "substances[0].injecting"),
        ({"substances": [{"substance": "alcohol", "colour": "red"}]}, "substances[0].colour"),
        ({"previous_withdrawal_complications": ["gout"]}, "previous_withdrawal_complications[0]"),
        ({"previous_withdrawal_complications": "seizures"}, "previous_withdrawal_complications"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
    ],
)
def test_each_invalid_field_is_named_in_the_400(api, payload, field):
    assert field in _errors(api.post(URL, payload, format="json"))


def test_every_error_is_reported_at_once_with_the_allowed_values(api):
    response = api.post(URL, {"pregnant": "yes", "patient_preference": "home"}, format="json")
    assert _errors(response) == {"pregnant", "patient_preference"}
    body = response.json()
    # One body for every 400 (core.exceptions): the list only, no field keys beside it.
    assert list(body) == ["errors"]
    [preference] = [e for e in body["errors"] if e["field"] == "patient_preference"]
    assert "outpatient" in preference["message"]


def test_an_unknown_key_named_errors_does_not_garble_the_error_list(api):
    body = api.post(URL, {"errors": 1}, format="json").json()
    assert [item["field"] for item in body["errors"]] == ["errors"]


def test_a_json_list_instead_of_an_object_is_refused(api):
    assert _errors(api.post(URL, [1, 2], format="json")) == {"non_field_errors"}


def test_form_encoded_input_is_refused(api):
    assert api.post(URL, {"pregnant": "true"}).status_code == 415


def test_the_stateless_call_logs_nothing(api):
    api.post(URL, ALCOHOL_DT, format="json")
    assert not AccessLogEntry.objects.exists()


# --- The stored episode ------------------------------------------------------------------------


@pytest.fixture
def episode(clinician, nurse):
    unit = make_unit(staff=[clinician, nurse])
    return make_episode(patient=make_patient(unit=unit, user=clinician), status="planned")


@pytest.fixture
def other_units_episode(make_user):
    other = make_user("clinician", username="olav")
    unit = make_unit(staff=[other])
    return make_episode(patient=make_patient(unit=unit, user=other))


def _url(episode):
    return f"/api/v1/episodes/{episode.pk}/treatment-level/"


def test_the_episode_endpoint_runs_the_engine_on_the_intake(api, clinician, episode):
    services.intake_save(
        episode=episode, user=clinician, fields=ALCOHOL_DT_FIELDS, substances=[ALCOHOL_ROW]
    )
    response = api.get(_url(episode))
    body = response.json()
    assert response.status_code == 200
    assert body["episode"] == episode.pk
    assert body["level"] == "inpatient"
    assert any(r["ref"] == "8.3.3-1" for r in body["reasons"])
    assert body["input"]["previous_withdrawal_complications"] == ["delirium_tremens"]
    assert AccessLogEntry.objects.get().what == "treatment-level proposal"


def test_the_episode_endpoint_without_an_intake_lists_what_is_missing(api, episode):
    body = api.get(_url(episode)).json()
    assert body["level"] is None
    assert body["missing"]


def test_another_units_episode_is_404(api, other_units_episode):
    assert api.get(_url(other_units_episode)).status_code == 404


def test_a_nurse_of_the_unit_may_read_it(nurse, episode):
    client = APIClient()
    client.force_authenticate(nurse)
    assert client.get(_url(episode)).status_code == 200


def test_an_administrator_may_not(administrator, episode):
    client = APIClient()
    client.force_authenticate(administrator)
    assert client.get(_url(episode)).status_code == 403


def test_the_episode_endpoint_needs_authentication(episode):
    assert APIClient().get(_url(episode)).status_code == 401


def test_the_openapi_schema_documents_both_endpoints(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    post = schema["paths"][URL]["post"]
    assert "TreatmentLevelRequest" in str(post["requestBody"])
    assert {"200", "400"} <= set(post["responses"])
    assert "/api/v1/episodes/{id}/treatment-level/" in schema["paths"]


# --- Issue 11: the new inputs and the TSB acute referral ------------------------------------------

PREGNANT_OPIOIDS = {
    "substances": [{"substance": "opioids", "dependent": True, "injecting": False}],
    "pregnant": True,
    "opioid_stabilised": True,
    "supervised_daily_dispensing": True,
    "patient_preference": "outpatient",
}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"acute_criteria": ["tired"]}, "acute_criteria[0]"),
        ({"acute_criteria": "danger_to_life"}, "acute_criteria"),
        ({"age_years": 131}, "age_years"),
        ({"age_years": -1}, "age_years"),
        ({"age_years": "70"}, "age_years"),
        ({"current_delirium": "yes"}, "current_delirium"),
        ({"wernicke_suspected": 1}, "wernicke_suspected"),
        ({"opioid_stabilised": "true"}, "opioid_stabilised"),
        ({"supervised_daily_dispensing": 0}, "supervised_daily_dispensing"),
        ({"earlier_failed_outpatient_detox": "no"}, "earlier_failed_outpatient_detox"),
        ({"head_injury": []}, "head_injury"),
    ],
)
def test_each_invalid_new_field_is_named_in_the_400(api, payload, field):
    """The field is known (null is accepted), and a bad value is refused naming it."""
    (name,) = payload
    assert api.post(URL, {name: None}, format="json").status_code == 200
    assert field in _errors(api.post(URL, payload, format="json"))


def test_an_unknown_acute_criterion_is_a_400_naming_the_allowed_ones_4_2(api):
    """4.2-4..7: the allowed codes are listed in the message."""
    body = api.post(URL, {"acute_criteria": ["panic"]}, format="json").json()
    [message] = [e["message"] for e in body["errors"] if e["field"] == "acute_criteria[0]"]
    for code in ("danger_to_life", "risk_of_severe_withdrawal", "dangerous_behaviour"):
        assert code in message
    assert "serious_social_loss" in message


def test_an_acute_criterion_answers_the_tsb_acute_referral_citing_it_g_1429(api):
    """4.2-6 (G 1494-1496) under the lead-in G 1429, with 4.2-1."""
    body = api.post(
        URL, {**ALCOHOL_DT, "acute_criteria": ["dangerous_behaviour"]}, format="json"
    ).json()
    assert (body["level"], body["acute_referral"]) == ("inpatient", "addiction_acute")
    reason = next(r for r in body["reasons"] if r["pushes"] == "addiction_acute")
    assert reason["refs"] == ["4.2-6", "4.2-1"]
    assert reason["grade"] == "C"


def test_a_pregnant_opioid_patient_gets_no_opioid_detox_from_the_api_12_7(api):
    """12-7 (G 5753-5755), 10.3-1 (G 4906), G 5702-5706."""
    for in_lar in (True, False, None):
        body = api.post(URL, {**PREGNANT_OPIOIDS, "in_lar": in_lar}, format="json").json()
        codes = {r["code"] for r in (*body["reasons"], *body["cautions"])}
        assert body["level"] == "inpatient"
        assert "pregnant_opioid_stabilise_not_detox" in codes
        assert "opioid_institution_first_choice" not in codes


def test_delirium_now_answers_a_somatic_referral_8_4_5_2(api):
    body = api.post(URL, {**ALCOHOL_DT, "current_delirium": True}, format="json").json()
    assert body["acute_referral"] == "somatic"
    assert any(r["ref"] == "8.4.5-2" and r["resolution"] for r in body["reasons"])


def test_age_over_65_gives_a_sedative_caution_as_a_resolution_g_3994_3998(api):
    body = api.post(URL, {**ALCOHOL_DT, "age_years": 80}, format="json").json()
    caution = next(c for c in body["cautions"] if c["code"] == "sedative_caution")
    assert (caution["ref"], caution["background"], caution["resolution"]) == ("8.4.2", True, True)
    assert caution["details"]


def test_the_openapi_schema_documents_the_new_inputs(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    request = schema["components"]["schemas"]["TreatmentLevelRequestRequest"]["properties"]
    for name in (
        "current_delirium",
        "wernicke_suspected",
        "acute_criteria",
        "earlier_failed_outpatient_detox",
        "head_injury",
        "opioid_stabilised",
        "supervised_daily_dispensing",
        "age_years",
    ):
        assert name in request
    assert request["age_years"]["maximum"] == 130
