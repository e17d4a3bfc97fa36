"""CDS Hooks: discovery, the JWT, unit scoping, cards from the result page's engines."""

import datetime as dt
import time
import uuid

import jwt
import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import AccessLogEntry
from tests.interop.cds_client import (
    ISSUER,
    PATIENT_VIEW,
    SECRET,
    jwks,
    key_server,
    post,
    service_url,
    token,
)
from tests.scoring.factories import make_inpatient, score


@pytest.fixture
def issuers(settings, ward):
    settings.CDS_HOOKS_ISSUERS = {ISSUER: {"secret": SECRET, "units": [ward.code]}}


def app_page(card):
    """The page in this app a card comes from: its first link, "Open in Avrusning"."""
    first = card.get("links", [{}])[0]
    return first["url"] if first.get("label") in {"Åpne i Avrusning", "Open in Avrusning"} else ""


def call(client, patient_id, bearer):
    return post(client, PATIENT_VIEW, bearer, context={"patientId": str(patient_id)})


def test_discovery_lists_patient_view_with_a_prefetch_template(client):
    services = client.get(reverse("cds-discovery")).json()["services"]
    assert [s["hook"] for s in services] == ["patient-view", "order-select"]
    for service in services:
        assert service["prefetch"]["patient"] == "Patient/{{context.patientId}}"
        assert "82810-3" in service["prefetch"]["pregnancy"]
        assert "CodeSystem/instrument|ciwa-ar" in service["prefetch"]["withdrawalScore"]


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
    advice = [c for c in cards if app_page(c).endswith(f"/ward/assessments/{assessment.pk}/")]
    assert advice
    assert all(c["uuid"] and len(c["summary"]) < 140 for c in cards)
    assert any("8.4." in card["detail"] for card in advice)
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


@pytest.fixture
def jwks_issuer(settings, ward):
    """An issuer whose ES256 public key is served as a JWKS on a local port."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from jwt.algorithms import ECAlgorithm

    private = ec.generate_private_key(ec.SECP256R1())
    body = jwks(ECAlgorithm.to_jwk(private.public_key()), "k1", "ES256")
    with key_server(body) as (url, _fetched):
        settings.CDS_HOOKS_ISSUERS = {ISSUER: {"jwks_url": url, "units": [ward.code]}}
        yield private


def test_an_es256_token_is_checked_against_the_issuers_jwks(client, jwks_issuer, ward):
    episode = make_inpatient(unit=ward)
    claims = {
        "iss": ISSUER,
        "aud": service_url(),
        "exp": int(time.time()) + 300,
        "jti": str(uuid.uuid4()),
    }
    signed = jwt.encode(claims, jwks_issuer, algorithm="ES256", headers={"kid": "k1"})
    assert call(client, episode.patient_id, signed).status_code == 200
    # HS256 with a guessed "secret" is refused for an issuer that publishes keys.
    assert call(client, episode.patient_id, token()).status_code == 401


def shown(lines):
    """Each advice line's card summary, by code, in the language the cards are written in."""
    from django.utils import translation

    from interop.cards import summary_text
    from scoring.presentation import advice_lines

    with translation.override("nb"):
        return {line.code: summary_text(line.text) for line in advice_lines(lines)}


def advice_summaries(client, episode, assessment):
    cards = call(client, episode.patient_id, token()).json()["cards"]
    page = f"/ward/assessments/{assessment.pk}/"
    return [c["summary"] for c in cards if app_page(c).endswith(page)]


def test_a_dose_given_after_the_score_is_counted_as_the_result_page_does(
    client, issuers, ward, nurse
):
    from scoring.selectors import ciwa_advice_for
    from tests.scoring.factories import give

    episode = make_inpatient(unit=ward)
    now = timezone.now().replace(microsecond=0)
    assessment = score(episode, user=nurse, total=18, observed_at=now - dt.timedelta(minutes=20))
    at_score = shown(ciwa_advice_for(assessment).lines)
    assert "diazepam_hourly" in at_score  # "Diazepam 10 mg per os nå" as it stood at the score
    give(episode, user=nurse, given_at=now - dt.timedelta(minutes=10), assessment=assessment)
    summaries = advice_summaries(client, episode, assessment)
    assert at_score["diazepam_hourly"] not in summaries
    at_now = shown(ciwa_advice_for(assessment, at=timezone.now()).lines)
    assert at_now["diazepam_hourly"] != at_score["diazepam_hourly"]  # the next dose's time
    assert sorted(summaries) == sorted(at_now.values())


def test_a_score_older_than_its_interval_has_no_dose_line_and_asks_for_a_new_score(
    client, issuers, ward, nurse
):
    from scoring.selectors import ciwa_advice_for

    episode = make_inpatient(unit=ward)
    moment = timezone.now().replace(microsecond=0) - dt.timedelta(hours=3)
    assessment = score(episode, user=nurse, total=18, observed_at=moment)
    at_score = ciwa_advice_for(assessment).lines
    assert any(line.kind == "dose" for line in at_score)
    summaries = advice_summaries(client, episode, assessment)
    doses = {line.code for line in at_score if line.kind == "dose"}
    assert not {text for code, text in shown(at_score).items() if code in doses} & set(summaries)
    at_now = shown(ciwa_advice_for(assessment, at=timezone.now()).lines)
    assert at_now["ciwa_score_overdue"] in summaries


def test_the_open_episodes_unit_scopes_the_call_as_on_the_pages(
    client, issuers, ward, other_ward, nurse
):
    from tests.factories import make_episode, make_patient

    # Registered in the issuer's unit, admitted elsewhere: the episode's pages are the other
    # unit's, so are its cards.
    ours = make_patient(unit=ward)
    make_episode(patient=ours, unit=other_ward)
    assert call(client, ours.pk, token()).status_code == 403
    # Registered elsewhere, admitted in the issuer's unit: its episode is the issuer's unit's.
    theirs = make_patient(unit=other_ward)
    episode = make_episode(patient=theirs, unit=ward)
    moment = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(minutes=5)
    assessment = score(episode, user=nurse, total=18, observed_at=moment)
    response = call(client, theirs.pk, token())
    assert response.status_code == 200
    assert advice_summaries(client, episode, assessment)
