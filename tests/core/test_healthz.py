from unittest import mock

from django.db import OperationalError

from core.health import OK, UNREACHABLE, BrokerProbe


def test_healthz_reports_database_and_eager_broker(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "eager"}


def test_healthz_is_503_when_the_database_is_unreachable(client, db):
    with mock.patch("core.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_healthz_reports_an_unreachable_broker_without_failing(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with mock.patch("core.health.celery_app.connection_for_write", side_effect=OSError("refused")):
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
    with mock.patch("core.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz", HTTP_HOST="localhost")
    assert response.status_code == 503


def test_healthz_keeps_the_headers_that_matter_for_its_json(client, db, settings):
    settings.ALLOWED_HOSTS = ["avrusning.sykehus.example"]
    response = client.get("/healthz", HTTP_HOST="localhost")
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_healthz_does_not_connect_to_the_broker_on_every_request(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with mock.patch("core.health.celery_app.connection_for_write") as connect:
        bodies = [client.get("/healthz").json() for _ in range(5)]
    assert connect.call_count == 1
    assert {body["broker"] for body in bodies} == {"ok"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_stale_broker_state_is_answered_at_once_and_refreshed_in_the_background(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    answers = iter([OK, UNREACHABLE])
    clock = Clock()
    probe = BrokerProbe(check=lambda: next(answers), max_age=10, clock=clock)
    assert probe.status() == OK  # nothing known: checked synchronously
    clock.now += 5
    assert probe.status() == OK  # fresh: no check
    clock.now += 6
    assert probe.status() == OK  # stale: the old answer, a refresh starts
    probe.wait()
    assert probe.status() == UNREACHABLE  # the refresh's answer


def test_the_broker_state_is_not_reused_after_the_settings_change(settings):
    answers = iter([OK, "eager-should-not-be-asked"])
    probe = BrokerProbe(check=lambda: next(answers), max_age=10, clock=Clock())
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert probe.status() == OK
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert probe.status() == "eager-should-not-be-asked"  # asked again, not answered from memory


def test_readyz_checks_the_broker_now_and_fails_when_it_is_down(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with mock.patch("core.health.celery_app.connection_for_write"):
        assert client.get("/healthz").json()["broker"] == "ok"  # remembered
    with mock.patch("core.health.celery_app.connection_for_write", side_effect=OSError("refused")):
        response = client.get("/readyz")
        health = client.get("/healthz").json()
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "unreachable", "cache": "ok"}
    assert health["broker"] == "unreachable"  # readyz's fresh answer is what healthz now reports


def test_readyz_is_200_when_everything_answers(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "eager", "cache": "ok"}


def test_readyz_is_503_when_the_database_is_unreachable(client, db):
    with mock.patch("core.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
