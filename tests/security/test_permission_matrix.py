"""Every URL × every actor gets the status the matrix (``tests/security/matrix.py``) says, and
nothing of unit A's patient reaches unit B's staff."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.security.conftest import (
    ACTORS,
    ADMINISTRATOR_A,
    ANONYMOUS,
    CLINICIAN_A,
    NURSE_A,
    OTHER_UNIT,
    PATIENT_FAMILY_NAME,
)
from tests.security.matrix import (
    EXCLUDED_NAMES,
    EXCLUDED_NAMESPACES,
    LOGIN,
    ROUTES,
    VALID_WRITES,
    request_as,
    status_of,
    url_of,
    url_patterns,
)

CASES = [
    (name, method)
    for name, route in ROUTES.items()
    for method, expected in (("GET", route.get), ("POST", route.post))
    if expected is not None
]


def _case_id(case: tuple[str, str]) -> str:
    return f"{case[1]} {case[0]}"


def test_every_url_pattern_has_a_row_in_the_matrix():
    unclassified = sorted(
        f"{name} ({route})" for name, route in url_patterns() if name not in ROUTES
    )
    assert unclassified == [], "add a row to tests/security/matrix.py for each of these"


def test_every_row_of_the_matrix_is_a_url_pattern():
    assert sorted(set(ROUTES) - {name for name, _route in url_patterns()}) == []


def test_the_exclusions_are_the_admin_and_the_language_switcher_only():
    assert set(EXCLUDED_NAMESPACES) == {"admin"}
    assert set(EXCLUDED_NAMES) == {"set_language"}


@pytest.mark.parametrize("case", CASES, ids=[_case_id(case) for case in CASES])
def test_each_actor_gets_the_expected_status(client, cast, db, case):
    name, method = case
    route = ROUTES[name]
    expected = route.get if method == "GET" else route.post
    assert expected is not None
    assert set(expected) == set(ACTORS), f"{name}: give a status for every actor"
    url = url_of(name, cast)
    actual = {
        actor: status_of(request_as(client, cast, actor, method, url, route.post_data))
        for actor in ACTORS
    }
    wrong = {actor: f"{actual[actor]} (expected {expected[actor]})" for actor in ACTORS}
    assert actual == dict(expected), f"{method} {url}: " + ", ".join(
        f"{actor} {text}" for actor, text in wrong.items() if actual[actor] != expected[actor]
    )


@pytest.mark.parametrize("case", CASES, ids=[_case_id(case) for case in CASES])
def test_another_units_staff_never_get_unit_a_records(client, cast, db, case):
    """Unit B's staff: never a 200 on a unit A record, and unit A's patient in no answer at all
    (lists, the board and the API show their own unit only)."""
    name, method = case
    route = ROUTES[name]
    url = url_of(name, cast)
    for actor in OTHER_UNIT:
        response = request_as(client, cast, actor, method, url, route.post_data)
        body = b"" if response.streaming else response.content
        assert PATIENT_FAMILY_NAME.encode() not in body, f"{actor}: {method} {url}"
        assert cast.patient.national_id.encode() not in body, f"{actor}: {method} {url}"
        if route.patient_data and route.kwargs(cast):
            assert response.status_code in (403, 404), f"{actor}: {method} {url}"


@pytest.mark.parametrize("write", VALID_WRITES, ids=[write.name for write in VALID_WRITES])
def test_another_units_staff_cannot_write_to_unit_a_records_with_a_valid_body(
    client, cast, db, write
):
    """The matrix posts empty bodies; here the body is one unit A's own staff could send."""
    url = url_of(write.name, cast)
    for actor in OTHER_UNIT:
        before = _stored(cast)
        response = request_as(client, cast, actor, "POST", url, write.payload(cast))
        assert response.status_code in (400, 403, 404), f"{actor}: POST {url}"
        assert PATIENT_FAMILY_NAME not in response.content.decode()
        assert _stored(cast) == before, f"{actor}: POST {url} stored something"


def _stored(cast):
    episode = cast.episode
    return (
        episode.assessments.count(),
        episode.administrations.count(),
        episode.care_plans.count(),
        cast.patient.episodes.count(),
    )


def test_the_records_lists_show_unit_a_patient_to_unit_a_staff(client, cast, db):
    """The leak check above would pass on empty pages: the same lists do show the patient to the
    patient's own unit."""
    for name in ("patient-list", "episode-list", "ward-board", "api-patient-list"):
        response = request_as(client, cast, NURSE_A, "GET", url_of(name, cast))
        assert PATIENT_FAMILY_NAME in response.content.decode(), name


def test_anonymous_visitors_are_sent_to_login_and_back(client, cast, db):
    url = url_of("patient-detail", cast)
    response = request_as(client, cast, ANONYMOUS, "GET", url)
    assert status_of(response) == LOGIN
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_an_anonymous_api_call_is_told_how_to_authenticate(client, cast, db):
    response = request_as(client, cast, ANONYMOUS, "GET", url_of("api-patient-list", cast))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_the_language_can_be_chosen_before_logging_in(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert '<html lang="en">' in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize(
    ("actor", "status"),
    [(ANONYMOUS, 302), (NURSE_A, 302), (CLINICIAN_A, 302), (ADMINISTRATOR_A, 200)],
)
def test_only_administrators_open_the_django_admin(client, cast, db, actor, status):
    response = request_as(client, cast, actor, "GET", reverse("admin:index"))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("admin:login"))
