"""The access log covers pages and the API, and nobody can change it through the application.

Every page and API endpoint the matrix marks as showing unit A's patient (``patient_data``)
writes an access-log entry naming the patient, the user, the path and the method when it answers
200; so does every API call that stores a record and answers with it. The log itself is
read-only: no role holds a permission to change it, the admin refuses every change even to a
superuser, and no page or API endpoint writes it other than through the reads and writes it
records.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.urls import resolve, reverse

from patients.models import AccessAction, AccessLogEntry
from tests.factories import national_id
from tests.security.conftest import ADMINISTRATOR_A, CLINICIAN_A, NURSE_A, Cast
from tests.security.matrix import ROUTES, VALID_WRITES, is_api, request_as, url_of

# Shows the patient, but is not written to the log, and why.
NOT_LOGGED = {
    # The board's 30-second refresh of the rows: the board was logged, patient by patient, when
    # it was opened (scoring.views.ward_board); logging every refresh would drown the log.
    "ward-board-rows": "refresh of a logged page",
    # The care-plan versions, polled every 2 s while one is made: statuses, no patient data
    # (plans.views.care_plans_list).
    "care-plans-list": "no patient data",
}

LOGGED_READS = sorted(
    name for name, route in ROUTES.items() if route.patient_data and name not in NOT_LOGGED
)


def _reader(name: str) -> str:
    """Unit A's nurse if the nurse may read it, else the clinician."""
    return NURSE_A if ROUTES[name].get[NURSE_A] == 200 else CLINICIAN_A


def _entries(cast: Cast, actor: str, url: str) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(user=cast.users[actor], path=url))


def test_every_unlogged_page_is_one_that_shows_a_patient():
    assert set(NOT_LOGGED) <= {name for name, route in ROUTES.items() if route.patient_data}


@pytest.mark.parametrize("name", LOGGED_READS)
def test_reading_a_patients_record_is_logged(client, cast, db, name):
    actor = _reader(name)
    url = url_of(name, cast)
    response = request_as(client, cast, actor, "GET", url)
    assert response.status_code == 200
    entries = _entries(cast, actor, url)
    assert cast.patient in {entry.patient for entry in entries}, f"{name}: no access-log entry"
    entry = next(entry for entry in entries if entry.patient == cast.patient)
    assert entry.method == "GET"
    assert entry.action in (AccessAction.VIEW, AccessAction.EXPORT)


@pytest.mark.parametrize("write", VALID_WRITES, ids=[write.name for write in VALID_WRITES])
def test_storing_a_record_over_the_api_is_logged(client, cast, db, write):
    actor = write.actor
    url = url_of(write.name, cast)
    response = request_as(client, cast, actor, "POST", url, write.payload(cast))
    assert response.status_code in (201, 202), response.content
    entries = _entries(cast, actor, url)
    assert [(entry.patient, entry.method) for entry in entries] == [(cast.patient, "POST")]
    assert entries[0].action != AccessAction.VIEW


def test_registering_a_patient_over_the_api_is_logged(client, cast, db):
    url = reverse("api-patient-list")
    number = national_id(sex="female", start=321)
    response = request_as(
        client,
        cast,
        CLINICIAN_A,
        "POST",
        url,
        {"national_id": number, "given_name": "Ny", "family_name": "Pasient"},
    )
    assert response.status_code == 201, response.content
    entry = AccessLogEntry.objects.get(user=cast.users[CLINICIAN_A], path=url)
    assert entry.patient is not None
    assert entry.patient.pk == response.json()["id"]
    assert entry.action == AccessAction.CREATE


# --- nobody changes the log ---------------------------------------------------------------------


def test_no_role_holds_a_permission_to_change_the_log(cast, db):
    codenames = {
        codename
        for group in Group.objects.all()
        for codename in group.permissions.values_list("codename", flat=True)
    }
    assert "view_accesslogentry" in codenames
    assert not {"add_accesslogentry", "change_accesslogentry", "delete_accesslogentry"} & codenames


@pytest.fixture
def superuser(db: Any) -> User:
    return User.objects.create_superuser(username="root", password="root-password-for-tests")


def _admin_client(cast: Cast, who: str, superuser: User) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(superuser if who == "superuser" else cast.users[ADMINISTRATOR_A])
    return client


@pytest.mark.parametrize("who", ["administrator", "superuser"])
def test_the_admin_shows_the_log_read_only(cast, db, superuser, who):
    client = _admin_client(cast, who, superuser)
    entry = AccessLogEntry.objects.filter(patient=cast.patient).first()
    assert entry is not None
    changelist = client.get(reverse("admin:patients_accesslogentry_changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()
    page = client.get(reverse("admin:patients_accesslogentry_change", args=[entry.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


@pytest.mark.parametrize("who", ["administrator", "superuser"])
def test_the_admin_refuses_to_add_change_or_delete_log_entries(cast, db, superuser, who):
    client = _admin_client(cast, who, superuser)
    entry = AccessLogEntry.objects.filter(patient=cast.patient).first()
    assert entry is not None
    before = (AccessLogEntry.objects.count(), entry.what, entry.user_id)
    attempts = [
        client.get(reverse("admin:patients_accesslogentry_add")),
        client.post(
            reverse("admin:patients_accesslogentry_add"),
            {"user": entry.user_id, "action": "view", "what": "forged"},
        ),
        client.post(
            reverse("admin:patients_accesslogentry_change", args=[entry.pk]),
            {"user": entry.user_id, "action": "view", "what": "forged"},
        ),
        client.get(reverse("admin:patients_accesslogentry_delete", args=[entry.pk])),
        client.post(
            reverse("admin:patients_accesslogentry_delete", args=[entry.pk]), {"post": "yes"}
        ),
        client.post(
            reverse("admin:patients_accesslogentry_changelist"),
            {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
        ),
    ]
    assert [response.status_code for response in attempts[:5]] == [403] * 5
    entry.refresh_from_db()
    assert (AccessLogEntry.objects.count(), entry.what, entry.user_id) == before


def test_the_log_page_only_reads(client, cast, db):
    """The one page of the log: the administrator reads it; nothing can be posted to it."""
    url = reverse("access-log")
    assert request_as(client, cast, ADMINISTRATOR_A, "GET", url).status_code == 200
    assert (
        request_as(client, cast, ADMINISTRATOR_A, "POST", url, {"what": "forged"}).status_code
        == 405
    )


def _models_of(view_class: type) -> set[Any]:
    serializer = getattr(view_class, "serializer_class", None)
    queryset = getattr(view_class, "queryset", None)
    return {
        getattr(view_class, "model", None),
        getattr(getattr(serializer, "Meta", None), "model", None),
        getattr(queryset, "model", None),
    } - {None}


def test_no_api_endpoint_is_built_on_the_log(cast, db):
    """The API has no endpoint for the log at all: every API route (each is a row of the matrix)
    serves another model."""
    on_the_log = []
    for name in ROUTES:
        url = url_of(name, cast)
        if not is_api(url):
            continue
        view_class = resolve(url).func.cls  # type: ignore[attr-defined]
        if AccessLogEntry in _models_of(view_class):
            on_the_log.append(name)
    assert on_the_log == []
