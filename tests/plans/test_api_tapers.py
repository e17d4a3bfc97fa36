"""POST /api/v1/tapers/: a stateless taper schedule; bad or unsafe input is a 400 naming it."""

import pytest
from django.urls import reverse

from plans.models import MedicationPlan, TaperSchedule

# Their tapers start on 2026-12-01, which the API and form accept only within a year of today.
pytestmark = pytest.mark.usefixtures("taper_week_clock")

URL = "/api/v1/tapers/"
VALID = {
    "regimen": "benzodiazepine",
    "current_use": [{"drug": "alprazolam", "mg_per_day": 2}],
    "taper_drug": "oxazepam",
    "setting": "outpatient",
    "start_date": "2026-12-01",
    "weekly_reduction_percent": 10,
    "doses_per_day": 3,
    "start_mg_per_day": None,
    "days": None,
}


@pytest.fixture
def api(client, clinician):
    client.force_login(clinician)
    return client


def post(api, body):
    return api.post(URL, body, content_type="application/json")


def fields_named(response):
    return [error["field"] for error in response.json()["errors"]]


def test_the_url_is_the_stable_one():
    assert reverse("api-tapers") == URL


def test_it_builds_an_oxazepam_taper_from_alprazolam(api):
    response = post(api, VALID)
    assert response.status_code == 200
    body = response.json()
    assert body["taper_drug"] == "oxazepam"
    # 2 mg alprazolam = 20 mg diazepam (0.5 mg per 5 mg) = 60 mg oxazepam (15 mg per 5 mg).
    assert body["start_mg_per_day"] == 60
    assert body["conversion"][0]["drug"] == "alprazolam"
    assert body["days"][0] == {
        "date": "2026-12-01",
        "total_mg": 60,
        "doses": [
            {"time": "08:00", "mg": 20, "tablets": [{"strength_mg": 10, "count": 2}]},
            {"time": "14:00", "mg": 20, "tablets": [{"strength_mg": 10, "count": 2}]},
            {"time": "20:00", "mg": 20, "tablets": [{"strength_mg": 10, "count": 2}]},
        ],
    }
    assert body["days"][-1]["total_mg"] == 0
    assert body["duration_days"] == len(body["days"]) - 1


def test_it_cites_the_taper_recommendations_with_grade_and_text(api):
    body = post(api, VALID).json()
    assert "9.3.1-1" in body["refs"]
    cited = {citation["ref"]: citation for citation in body["citations"]}
    assert cited["9.3.1-1"]["grade"] == "B"
    assert cited["9.3.1-1"]["text"].startswith("Benzodiazepiner bør ikke bråseponeres")


def test_warnings_come_with_text_in_the_users_language(api):
    warnings = post(api, VALID).json()["warnings"]
    follow_up = next(w for w in warnings if w["code"] == "close_outpatient_follow_up")
    assert (
        follow_up["text"]
        == "Forskrivning og nedtrapping bør ledsages av tett poliklinisk oppfølging."
    )
    assert follow_up["refs"] == ["9.3.1-3"]


def test_nothing_is_stored(api):
    post(api, VALID)
    assert not MedicationPlan.objects.exists()
    assert not TaperSchedule.objects.exists()


def test_it_rejects_an_unknown_drug_naming_the_field_and_the_allowed_values(api):
    response = post(api, {**VALID, "current_use": [{"drug": "heroin", "mg_per_day": 2}]})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "current_use[0].drug"
    assert "alprazolam" in error["message"]
    assert "oxazepam" in error["message"]


def test_it_rejects_a_negative_dose(api):
    response = post(api, {**VALID, "current_use": [{"drug": "alprazolam", "mg_per_day": -2}]})
    assert response.status_code == 400
    assert fields_named(response) == ["current_use[0].mg_per_day"]


def test_it_refuses_methadone_for_an_outpatient(api):
    body = {
        "regimen": "buprenorphine",
        "taper_drug": "methadone",
        "setting": "outpatient",
        "start_date": "2026-12-01",
        "doses_per_day": 1,
        "start_mg_per_day": 8,
        "days": 10,
        "opioid_dependent": True,
    }
    response = post(api, body)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "taper_drug"
    assert "metadon" in error["message"].lower()


@pytest.mark.parametrize("percent", [3, 3.9, 20.5, 25, -10])
def test_it_rejects_a_weekly_reduction_outside_4_to_20_percent(api, percent):
    response = post(api, {**VALID, "weekly_reduction_percent": percent})
    assert response.status_code == 400
    assert fields_named(response) == ["weekly_reduction_percent"]
    assert "4" in response.json()["errors"][0]["message"]
    assert "20" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("percent", [10, 15, 20])
def test_it_accepts_a_weekly_reduction_from_10_to_20_percent(api, percent):
    assert post(api, {**VALID, "weekly_reduction_percent": percent}).status_code == 200


def test_it_rejects_an_unknown_field(api):
    response = post(api, {**VALID, "dose": 2})
    assert response.status_code == 400
    assert fields_named(response) == ["dose"]


def test_it_names_every_bad_field_at_once(api):
    response = post(
        api, {**VALID, "setting": "home", "start_date": "1.12.2026", "doses_per_day": 7}
    )
    assert response.status_code == 400
    assert set(fields_named(response)) == {"setting", "start_date", "doses_per_day"}
    assert list(response.json()) == ["errors"]  # one body for every 400 (core.exceptions)


def test_it_answers_in_english_when_asked(api, settings):
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = post(api, {**VALID, "setting": "home"})
    assert response.json()["errors"][0]["message"] == (
        "Not an allowed value. Allowed: outpatient, inpatient."
    )


def test_a_body_that_is_not_an_object_is_a_400(api):
    response = post(api, [1, 2])
    assert response.status_code == 400
    assert fields_named(response) == ["non_field_errors"]


def test_anonymous_requests_get_401(client):
    assert client.post(URL, VALID, content_type="application/json").status_code == 401


def test_the_schema_documents_the_taper_api(client, clinician):
    client.force_login(clinician)
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"][URL]["post"]
    assert "400" in operation["responses"]
    assert "requestBody" in operation
