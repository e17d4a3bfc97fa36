"""The CDS Hooks JWT: every claim the specification requires, and RS256 keys from a JWKS."""

import time
import uuid
from types import SimpleNamespace

import jwt
import pytest

from tests.interop.cds_client import (
    ISSUER,
    PATIENT_VIEW,
    SECRET,
    jwks,
    key_server,
    post,
    service_url,
)
from tests.scoring.factories import make_inpatient


def call(client, patient_id, bearer):
    return post(client, PATIENT_VIEW, bearer, context={"patientId": str(patient_id)})


def claims(**changes):
    body = {
        "iss": ISSUER,
        "aud": service_url(),
        "exp": int(time.time()) + 300,
        "jti": str(uuid.uuid4()),
    }
    for name, value in changes.items():
        if value is None:
            body.pop(name)
        else:
            body[name] = value
    return body


@pytest.fixture
def secret_issuer(settings, ward):
    settings.CDS_HOOKS_ISSUERS = {ISSUER: {"secret": SECRET, "units": [ward.code]}}


@pytest.mark.parametrize("missing", ["jti", "exp", "aud", "iss"])
def test_a_token_without_a_required_claim_is_401(client, secret_issuer, ward, missing):
    episode = make_inpatient(unit=ward)
    signed = jwt.encode(claims(**{missing: None}), SECRET, algorithm="HS256")
    assert call(client, episode.patient_id, signed).status_code == 401


def test_an_unsigned_token_is_401(client, secret_issuer, ward):
    episode = make_inpatient(unit=ward)
    unsigned = jwt.encode(claims(), key="", algorithm="none")
    assert call(client, episode.patient_id, unsigned).status_code == 401


def test_a_token_for_another_issuers_units_is_403_not_a_read(client, settings, ward, other_ward):
    settings.CDS_HOOKS_ISSUERS = {ISSUER: {"secret": SECRET, "units": [other_ward.code]}}
    episode = make_inpatient(unit=ward)
    signed = jwt.encode(claims(), SECRET, algorithm="HS256")
    assert call(client, episode.patient_id, signed).status_code == 403


@pytest.fixture
def rsa_issuer(settings, ward):
    """An issuer whose RS256 public key is served as a JWKS on a local port."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    body = jwks(RSAAlgorithm.to_jwk(private.public_key()), "r1", "RS256")
    with key_server(body) as (url, fetched):
        settings.CDS_HOOKS_ISSUERS = {ISSUER: {"jwks_url": url, "units": [ward.code]}}
        yield SimpleNamespace(key=private, fetched=fetched)


def test_an_rs256_token_is_checked_against_the_issuers_jwks(client, rsa_issuer, ward):
    from cryptography.hazmat.primitives.asymmetric import rsa

    episode = make_inpatient(unit=ward)
    signed = jwt.encode(claims(), rsa_issuer.key, algorithm="RS256", headers={"kid": "r1"})
    assert call(client, episode.patient_id, signed).status_code == 200
    # Signed by another key under the same kid: refused.
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims(), stranger, algorithm="RS256", headers={"kid": "r1"})
    assert call(client, episode.patient_id, forged).status_code == 401


def test_the_issuers_keys_are_fetched_once_not_on_every_call(client, rsa_issuer, ward):
    episode = make_inpatient(unit=ward)
    for _ in range(3):
        signed = jwt.encode(claims(), rsa_issuer.key, algorithm="RS256", headers={"kid": "r1"})
        assert call(client, episode.patient_id, signed).status_code == 200
    assert rsa_issuer.fetched == ["/jwks.json"]


@pytest.mark.parametrize("answer", [b"<html>not a key set</html>", b"{}", b'{"keys": 7}'])
def test_a_key_server_answering_nonsense_is_401_not_500(client, settings, ward, answer):
    from cryptography.hazmat.primitives.asymmetric import rsa

    with key_server(answer) as (url, _fetched):
        settings.CDS_HOOKS_ISSUERS = {ISSUER: {"jwks_url": url, "units": [ward.code]}}
        episode = make_inpatient(unit=ward)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        signed = jwt.encode(claims(), key, algorithm="RS256", headers={"kid": "r1"})
        assert call(client, episode.patient_id, signed).status_code == 401
