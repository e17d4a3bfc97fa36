from unittest import mock

from django.db import OperationalError


def test_healthz_reports_database_and_eager_broker(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "eager"}


def test_healthz_is_503_when_the_database_is_unreachable(client, db):
    with mock.patch("core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_healthz_reports_an_unreachable_broker_without_failing(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with mock.patch("core.views.celery_app.connection_for_write", side_effect=OSError("refused")):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "unreachable"}


def test_healthz_needs_no_login(client, db):
    assert client.get("/healthz").status_code == 200


def test_healthz_answers_a_host_that_is_not_allowed(client, db, settings):
    """The container healthcheck asks by localhost or an IP, whatever ALLOWED_HOSTS says."""
    settings.ALLOWED_HOSTS = ["avrusning.sykehus.example"]
    response = client.get("/healthz", HTTP_HOST="172.18.0.5:8000")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_only_healthz_is_exempt_from_the_host_check(client, db, settings):
    settings.ALLOWED_HOSTS = ["avrusning.sykehus.example"]
    for path in ("/healthz/", "/readyz", "/login/", "/healthzx", "/api/v1/"):
        assert client.get(path, HTTP_HOST="evil.example").status_code == 400, path
    assert client.get("/login/", HTTP_HOST="avrusning.sykehus.example").status_code == 200


def test_healthz_with_an_unknown_host_still_reports_a_down_database(client, db, settings):
    settings.ALLOWED_HOSTS = ["avrusning.sykehus.example"]
    with mock.patch("core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz", HTTP_HOST="localhost")
    assert response.status_code == 503


def test_healthz_keeps_the_headers_that_matter_for_its_json(client, db, settings):
    settings.ALLOWED_HOSTS = ["avrusning.sykehus.example"]
    response = client.get("/healthz", HTTP_HOST="localhost")
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'none'" in response["Content-Security-Policy"]
