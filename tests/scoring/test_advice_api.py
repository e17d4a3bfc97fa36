"""``POST /api/v1/advice/ciwa-ar/`` and ``/advice/<cows|sows>/``: stateless bedside advice.

The same engines as the ward page (clinical.advice, clinical.opioid_advice); these check the
envelope, the 400s naming the field, the language of ``text``, and that nothing is stored.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from patients.models import AccessLogEntry
from scoring.models import Assessment, MedicationAdministration
from tests.scoring.factories import items_for

URL = "/api/v1/advice/ciwa-ar/"


@pytest.fixture
def as_nurse(nurse):
    api = APIClient()
    api.force_authenticate(nurse)
    return api


def at(hours_ago: float) -> str:
    moment = timezone.now().replace(microsecond=0) - dt.timedelta(hours=hours_ago)
    return moment.isoformat()


def errors(response):
    assert response.status_code == 400, response.content
    return {e["field"]: e for e in response.json()["errors"]}


def codes(response):
    assert response.status_code == 200, response.content
    return [line["code"] for line in response.json()["lines"]]


def post(api, body, url=URL):
    return api.post(url, body, format="json")


def test_the_url_is_the_one_the_issue_names():
    assert reverse("api-advice-ciwa-ar") == URL
    assert reverse("api-advice-opioid", args=["cows"]) == "/api/v1/advice/cows/"


def test_the_reported_case_gives_hourly_diazepam_not_olanzapine_g_4223_4231(as_nurse):
    """G 4223–4231: 30 h of 10 mg × 4 at CIWA 11–14 with earlier seizures, then a first 17."""
    body = {
        "total": 17,
        "observed_at": at(0),
        "history": {"prior_seizures": True, "prior_delirium_tremens": False},
        "state": {"drowsy": False, "current_delirium": False, "breath_alcohol_permille": 0},
        "thiamine_given": True,
        "previous_scores": [{"total": 11 + h % 4, "observed_at": at(h)} for h in range(1, 31)],
        "doses": [
            {"drug": "diazepam", "mg": 10, "given_at": at(h), "route": "oral"}
            for h in (1, 3, 7, 9, 13, 15, 19, 21, 25, 27)
        ],
    }
    response = post(as_nurse, body)
    data = response.json()
    assert "diazepam_hourly" in codes(response)
    assert "olanzapine" not in codes(response)
    assert data["tier"] == "diazepam_hourly"
    assert data["band"] == "moderate"
    assert data["cumulative_diazepam_mg"] == 100
    assert data["hourly_diazepam_mg"] == 0
    line = next(line for line in data["lines"] if line["code"] == "diazepam_hourly")
    assert (line["kind"], line["drug"], line["mg"], line["refs"]) == (
        "dose",
        "diazepam",
        10,
        ["8.4.6-3"],
    )
    assert line["text"].startswith("Diazepam 10 mg per os nå")  # bokmål by default
    assert line["citations"][0]["ref"] == "8.4.6-3"


def test_a_drowsy_patient_gets_no_dose_line_through_the_api_g_3771_3773(as_nurse):
    """G 3771–3773: hold and call the doctor; no dose, whatever the score."""
    response = post(as_nurse, {"total": 25, "state": {"drowsy": True}})
    kinds = {line["kind"] for line in response.json()["lines"]}
    assert "dose" not in kinds
    assert response.json()["lines"][0]["kind"] == "escalate"
    assert response.json()["protocol"] == "hold"


def test_delirium_and_wernicke_reach_the_engine_g_4147_g_3905(as_nurse):
    """8.4.5-2 (G 4147–4151) and 8.4.1-2 (G 3905–3907) as state inputs."""
    response = post(
        as_nurse,
        {"total": 20, "state": {"current_delirium": True}, "wernicke_suspected": True},
    )
    assert {
        "delirium_tremens_physician",
        "delirium_tremens_diazepam",
        "wernicke_thiamine_iv_admit",
    } <= set(codes(response))
    assert "diazepam_hourly" not in codes(response)
    assert response.json()["protocol"] == "delirium_tremens"


def test_age_and_the_other_cautions_reach_the_engine_g_3994_3998(as_nurse):
    response = post(
        as_nurse,
        {"total": 20, "age_years": 70, "head_injury": True, "benzodiazepine_misuse": True},
    )
    assert {
        "sedative_caution_elderly",
        "sedative_caution_head_injury",
        "sedative_caution_benzodiazepine_use",
    } <= set(codes(response))
    line = next(x for x in response.json()["lines"] if x["code"] == "sedative_caution_elderly")
    assert line["resolution"] is True


def test_items_instead_of_total(as_nurse):
    response = post(as_nurse, {"items": items_for("ciwa-ar", 12)})
    assert response.json()["total"] == 12


def test_text_is_english_when_english_is_chosen(as_nurse):
    as_nurse.cookies["django_language"] = "en"
    response = post(as_nurse, {"total": 20})
    line = next(x for x in response.json()["lines"] if x["code"] == "diazepam_hourly")
    assert line["text"].startswith("Diazepam 10 mg orally now")


def dose(**fields: object) -> dict[str, object]:
    return {"drug": "diazepam", "mg": 10, "given_at": at(1), "route": "oral", **fields}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "total"),
        ({"total": 12, "items": items_for("ciwa-ar", 12)}, "total"),
        ({"total": 68}, "total"),
        ({"total": -1}, "total"),
        ({"items": {**items_for("ciwa-ar", 0), "tremor": 9}}, "items.tremor"),
        ({"total": 12, "observed_at": "2026-03-10T12:00:00"}, "observed_at"),
        ({"total": 12, "observed_at": "2999-01-01T00:00:00Z"}, "observed_at"),
        ({"total": 12, "observed_at": "2026-03-10T12:61:00Z"}, "observed_at"),
        ({"total": 12, "colour": "red"}, "colour"),
        ({"total": 12, "state": {"sleepy": True}}, "state.sleepy"),
        ({"total": 12, "history": {"seizures": True}}, "history.seizures"),
        ({"total": 12, "age_years": 131}, "age_years"),
        (
            {"total": 12, "state": {"breath_alcohol_permille": -0.1}},
            "state.breath_alcohol_permille",
        ),
        ({"total": 12, "doses": [dose(drug="heroin")]}, "doses[0].drug"),
        ({"total": 12, "doses": [dose(given_at=at(-1))]}, "doses[0].given_at"),
        ({"total": 12, "doses": [dose(), dose(mg=0)]}, "doses[1].mg"),
        ({"total": 12, "doses": [dose(given_at="2026-03-10T11:00")]}, "doses[0].given_at"),
        ({"total": 12, "doses": [dose(route="rectal")]}, "doses[0].route"),
        ({"total": 12, "doses": [dose(x=1)]}, "doses[0].x"),
        (
            {"total": 12, "previous_scores": [{"total": 12, "observed_at": at(-2)}]},
            "previous_scores[0].observed_at",
        ),
        (
            {"total": 12, "previous_scores": [{"total": 70, "observed_at": at(2)}]},
            "previous_scores[0].total",
        ),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_stored(as_nurse, body, field):
    response = post(as_nurse, body)
    assert field in errors(response), response.json()
    assert Assessment.objects.count() == 0
    assert MedicationAdministration.objects.count() == 0


def test_an_unknown_drug_names_the_allowed_ones(as_nurse):
    dose = {"drug": "heroin", "mg": 10, "given_at": at(1), "route": "oral"}
    problem = errors(post(as_nurse, {"total": 12, "doses": [dose]}))["doses[0].drug"]
    assert {"diazepam", "buprenorphine", "buprenorphine_naloxone", "clonidine"} <= set(
        problem["allowed"]
    )


def test_nothing_about_a_patient_is_stored_or_logged(as_nurse):
    before = AccessLogEntry.objects.count()
    assert post(as_nurse, {"total": 20}).status_code == 200
    assert AccessLogEntry.objects.count() == before
    assert Assessment.objects.count() == 0


def test_anonymous_is_401_and_every_role_may_ask(client, administrator):
    assert APIClient().post(URL, {"total": 12}, format="json").status_code == 401
    api = APIClient()
    api.force_authenticate(administrator)
    assert post(api, {"total": 12}).status_code == 200


def test_the_endpoints_are_in_the_openapi_schema(as_nurse):
    schema = as_nurse.get(reverse("api-schema"), {"format": "json"})
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/advice/ciwa-ar/" in text
    assert "/api/v1/advice/{code}/" in text


# --- COWS / SOWS ---------------------------------------------------------------------------------


def test_cows_advice_buprenorphine_naloxone_first_g_5206_5208(as_nurse):
    """10.5-1 (G 5206–5208)."""
    response = post(
        as_nurse, {"total": 14, "pregnant": False, "in_lar": False}, "/api/v1/advice/cows/"
    )
    data = response.json()
    assert data["band"] == "moderate"
    assert data["protocol"] == "detox"
    line = next(x for x in data["lines"] if x["code"] == "buprenorphine_naloxone_first_choice")
    assert (line["drug"], line["mg"], line["refs"]) == ("buprenorphine_naloxone", None, ["10.5-1"])


def test_sows_advice_for_a_pregnant_patient_stabilises_g_5753(as_nurse):
    """12-7 (G 5753–5755): pregnant, not in LAR → stabilise on buprenorphine; no detox."""
    response = post(
        as_nurse, {"items": items_for("sows", 20), "pregnant": True}, "/api/v1/advice/sows/"
    )
    data = response.json()
    assert data["protocol"] == "pregnant_stabilise"
    assert "dose" not in {x["kind"] for x in data["lines"]}


def test_opioid_advice_for_a_drowsy_patient_has_no_dose_g_3771_3773(as_nurse):
    response = post(as_nurse, {"total": 20, "state": {"drowsy": True}}, "/api/v1/advice/cows/")
    assert "dose" not in {x["kind"] for x in response.json()["lines"]}


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/advice/cows/", {"total": 49}, "total"),
        ("/api/v1/advice/sows/", {"total": 65}, "total"),
        ("/api/v1/advice/cows/", {"total": 5, "history": {}}, "history"),
        (
            "/api/v1/advice/cows/",
            {"total": 5, "state": {"current_delirium": True}},
            "state.current_delirium",
        ),
    ],
)
def test_opioid_bad_input_names_the_field(as_nurse, url, body, field):
    assert field in errors(post(as_nurse, body, url))


@pytest.mark.parametrize("code", ["ciwa", "audit", "tweak"])
def test_no_opioid_advice_for_other_scales(as_nurse, code):
    assert post(as_nurse, {"total": 5}, f"/api/v1/advice/{code}/").status_code == 404
