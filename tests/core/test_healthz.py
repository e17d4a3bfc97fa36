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
