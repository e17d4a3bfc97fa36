"""CDS Hooks: discovery, the JWT, unit scoping, cards from the result page's engines."""

import datetime as dt
import json
import time
import uuid

import jwt
import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import AccessLogEntry
from tests.scoring.factories import make_inpatient, score

SECRET = "a-trial-secret-of-enough-length-for-hs256"
ISSUER = "https://ehr.example"


@pytest.fixture
def issuers(settings, ward):
    settings.CDS_HOOKS_ISSUERS = {ISSUER: {"secret": SECRET, "units": [ward.code]}}


def service_url():
    return "http://testserver" + reverse("cds-service", args=["avrusning-patient-view"])


def token(**claims):
    body = {
        "iss": ISSUER,
        "aud": service_url(),
        "exp": int(time.time()) + 300,
        "jti": str(uuid.uuid4()),
    } | claims
    return jwt.encode(body, SECRET, algorithm="HS256")


def call(client, patient_id, bearer):
    body = {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/1", "patientId": str(patient_id)},
    }
    headers = {"HTTP_AUTHORIZATION": f"Bearer {bearer}"} if bearer else {}
    return client.post(
        reverse("cds-service", args=["avrusning-patient-view"]),
        json.dumps(body),
        content_type="application/json",
        **headers,
    )


def test_discovery_lists_patient_view_with_a_prefetch_template(client):
    services = client.get(reverse("cds-discovery")).json()["services"]
    assert services[0]["hook"] == "patient-view"
    assert services[0]["prefetch"]["patient"] == "Patient/{{context.patientId}}"


def test_cards_carry_the_advice_with_refs_and_a_link_and_the_call_is_logged(
    client, issuers, ward, nurse
):
    episode = make_inpatient(unit=ward)
    moment = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=6)
    assessment = score(episode, user=nurse, total=18, observed_at=moment)
    response = call(client, episode.patient_id, token())
    assert response.status_code == 200
    cards = response.json()["cards"]
    assert cards
    assert any(card["indicator"] == "critical" for card in cards)
    assert all(
        card["source"]["url"].endswith(f"/ward/assessments/{assessment.pk}/") for card in cards
    )
    assert any("8.4." in card["detail"] for card in cards)
    assert AccessLogEntry.objects.filter(
        patient=episode.patient, what__startswith="CDS Hooks patient-view"
    ).exists()


def test_no_token_a_wrong_audience_an_unknown_issuer_or_a_replay_is_401(client, issuers, ward):
    episode = make_inpatient(unit=ward)
    assert call(client, episode.patient_id, None).status_code == 401
    assert call(client, episode.patient_id, token(aud="https://other/")).status_code == 401
    assert call(client, episode.patient_id, token(iss="https://evil")).status_code == 401
    assert call(client, episode.patient_id, token(exp=int(time.time()) - 10)).status_code == 401
    forged = jwt.encode(
        {"iss": ISSUER, "aud": service_url(), "exp": int(time.time()) + 60, "jti": "x"},
        "another-secret-of-enough-length-for-hs256",
        algorithm="HS256",
    )
    assert call(client, episode.patient_id, forged).status_code == 401
    once = token()
    assert call(client, episode.patient_id, once).status_code == 200
    assert call(client, episode.patient_id, once).status_code == 401


def test_a_patient_outside_the_issuers_units_is_403(client, issuers, other_ward):
    elsewhere = make_inpatient(unit=other_ward)
    assert call(client, elsewhere.patient_id, token()).status_code == 403
