"""Login throttling (django-axes): five wrong passwords for one username from one address lock
that pair out for 15 minutes, the right password included; a successful login clears the count.

Axes is on in the test settings, as in production. These tests log in through the login form
(``client.post``): Django's ``client.login()`` passes no request, which axes refuses.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from detox.settings.env import env_positive_int
from tests.conftest import TEST_PASSWORD

LOGIN = reverse("login")
ADDRESS = "10.1.2.3"
START = dt.datetime(2026, 11, 25, 7, 0, tzinfo=dt.UTC)


def attempt(client, username, password, address=ADDRESS):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username, times, address=ADDRESS):
    return [attempt(client, username, "wrong-password", address).status_code for _ in range(times)]


@pytest.fixture
def siri(make_user):
    return make_user("nurse", username="siri")


def test_the_fifth_wrong_password_locks_the_username_out(client, siri, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert fail(client, "siri", 5) == [200, 200, 200, 200, 429]


def test_the_right_password_is_refused_while_locked_out(client, siri):
    fail(client, "siri", 5)
    response = attempt(client, "siri", TEST_PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    assert client.get(reverse("ward-board")).status_code == 302


def test_the_lockout_page_says_in_norwegian_how_long_to_wait(client, siri):
    fail(client, "siri", 5)
    text = attempt(client, "siri", TEST_PASSWORD).content.decode()
    assert '<html lang="nb">' in text
    assert "For mange mislykkede innlogginger" in text
    assert "stanset i 15 minutter" in text
    assert "siri" not in text


def test_the_lockout_ends_after_fifteen_minutes(client, siri):
    with time_machine.travel(START, tick=False) as clock:
        fail(client, "siri", 5)
        clock.shift(dt.timedelta(minutes=14))
        assert attempt(client, "siri", TEST_PASSWORD).status_code == 429
        clock.shift(dt.timedelta(minutes=16))
        response = attempt(client, "siri", TEST_PASSWORD)
        assert response.status_code == 302
        assert client.session[SESSION_KEY] == str(siri.pk)


def test_a_failure_during_the_lockout_starts_the_wait_again(client, siri):
    with time_machine.travel(START, tick=False) as clock:
        fail(client, "siri", 5)
        clock.shift(dt.timedelta(minutes=10))
        fail(client, "siri", 1)
        clock.shift(dt.timedelta(minutes=10))
        assert attempt(client, "siri", TEST_PASSWORD).status_code == 429


def test_a_successful_login_clears_the_count(client, siri):
    fail(client, "siri", 4)
    assert attempt(client, "siri", TEST_PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert fail(client, "siri", 4) == [200] * 4
    assert attempt(client, "siri", TEST_PASSWORD).status_code == 302


def test_the_lockout_holds_for_that_address_only(client, siri):
    fail(client, "siri", 5)
    assert attempt(client, "siri", TEST_PASSWORD, address="10.9.9.9").status_code == 302


def test_a_username_that_does_not_exist_is_locked_out_the_same_way(client, db):
    """The lockout says nothing about whether the username exists."""
    assert fail(client, "nobody", 5) == [200, 200, 200, 200, 429]


def test_the_admin_login_is_throttled_too(client, make_user):
    make_user("administrator", username="frode")
    statuses = [
        client.post(
            reverse("admin:login"),
            {"username": "frode", "password": "wrong", "next": "/admin/"},
            REMOTE_ADDR=ADDRESS,
        ).status_code
        for _ in range(5)
    ]
    assert statuses[-1] == 429


@pytest.mark.parametrize(("raw", "expected"), [("3", 3), (" 20 ", 20)])
def test_the_limits_are_read_from_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv("LOGIN_FAILURE_LIMIT", raw)
    assert env_positive_int("LOGIN_FAILURE_LIMIT", default=5) == expected


@pytest.mark.parametrize("raw", ["0", "-1", "five", "2.5", "²"])
def test_a_limit_that_is_not_a_positive_whole_number_stops_the_process(monkeypatch, raw):
    monkeypatch.setenv("LOGIN_FAILURE_LIMIT", raw)
    with pytest.raises(ImproperlyConfigured, match="LOGIN_FAILURE_LIMIT"):
        env_positive_int("LOGIN_FAILURE_LIMIT", default=5)
