"""A CDS Hooks client for the tests: the issuer's signed JWT and the POST of a hook call."""

import contextlib
import http.server
import json
import threading
import time
import uuid
from collections.abc import Iterator

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


@contextlib.contextmanager
def key_server(body: bytes) -> Iterator[tuple[str, list[str]]]:
    """An issuer's key server on a local port answering every GET with ``body``: its JWKS URL,
    and the paths asked for so far."""
    fetched: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fetched.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/jwks.json", fetched
    finally:
        server.shutdown()


def jwks(public_jwk: str, kid: str, alg: str) -> bytes:
    """A JWKS holding one public key (PyJWT's ``to_jwk`` output)."""
    return json.dumps(
        {"keys": [json.loads(public_jwk) | {"kid": kid, "use": "sig", "alg": alg}]}
    ).encode()
