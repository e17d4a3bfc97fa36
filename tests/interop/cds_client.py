"""A CDS Hooks client for the tests: the issuer's signed JWT and the POST of a hook call."""

import json
import time
import uuid

import jwt
from django.urls import reverse

SECRET = "a-trial-secret-of-enough-length-for-hs256"
ISSUER = "https://ehr.example"
PATIENT_VIEW = "avrusning-patient-view"
ORDER_SELECT = "avrusning-order-select"
HOOKS = {PATIENT_VIEW: "patient-view", ORDER_SELECT: "order-select"}


def service_url(service=PATIENT_VIEW):
    return "http://testserver" + reverse("cds-service", args=[service])


def token(service=PATIENT_VIEW, **claims):
    body = {
        "iss": ISSUER,
        "aud": service_url(service),
        "exp": int(time.time()) + 300,
        "jti": str(uuid.uuid4()),
    } | claims
    return jwt.encode(body, SECRET, algorithm="HS256")


def post(client, service, bearer, *, context, prefetch=None):
    body = {
        "hook": HOOKS[service],
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/1"} | context,
    }
    if prefetch is not None:
        body["prefetch"] = prefetch
    headers = {"HTTP_AUTHORIZATION": f"Bearer {bearer}"} if bearer else {}
    return client.post(
        reverse("cds-service", args=[service]),
        json.dumps(body),
        content_type="application/json",
        **headers,
    )
