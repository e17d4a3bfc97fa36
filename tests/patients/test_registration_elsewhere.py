"""Issue 12 items 4 and 8: registering a number of another unit's patient is a logged refusal that
names nobody; parallel registrations of one number give one 201 and clean 4xx, never a 500."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from patients.models import AccessLogEntry, AccessRequest, Patient
from tests.factories import make_patient, make_unit, national_id

API = "/api/v1/patients/"
NAMES = ("Kari", "Nordmann", "1970", "01.01", "Avrusningsenheten", "avrusningsenheten")


def _refused_body_names_nobody(body: str, unit: Any) -> None:
    for text in (*NAMES, unit.code, unit.name):
        assert text not in body, text


@pytest.fixture
def elsewhere(unit: Any, clinician: Any) -> Any:
    """Unit A's patient; the tests act as Olav of unit B (``other_clinician``)."""
    return make_patient(unit=unit, user=clinician, given_name="Kari", family_name="Nordmann")


def _english(client: Client, user: Any) -> None:
    client.force_login(user)
    client.cookies["django_language"] = "en"


def _post_api(client: Client, user: Any, unit: Any, **extra: str) -> Any:
    _english(client, user)
    body = {
        "national_id": extra.pop("number"),
        "given_name": "Ola",
        "family_name": "Annen",
        "unit": unit.pk,
        **extra,
    }
    with override("en"):
        return client.post(API, body, content_type="application/json")


def test_the_api_refuses_another_units_patient_naming_nobody_and_logs_the_attempt(
    client, elsewhere, other_unit, other_clinician
):
    response = _post_api(client, other_clinician, other_unit, number=elsewhere.national_id)

    assert response.status_code == 400
    body = response.content.decode()
    assert "cannot be registered here" in body
    assert "already registered" not in body
    how = [e for e in response.json()["errors"] if e["code"] == "access_request"]
    assert [e["field"] for e in how] == ["access_reason"]
    assert "access_reason" in how[0]["message"]
    _refused_body_names_nobody(body, elsewhere.unit)
    entry = AccessLogEntry.objects.get(patient=elsewhere, user=other_clinician)
    assert entry.action == "refused"
    assert other_unit.code in entry.what
    assert Patient.objects.count() == 1
    assert not AccessRequest.objects.exists()


def test_with_a_reason_the_api_stores_an_access_request_for_unit_a(
    client, elsewhere, other_unit, other_clinician, administrator
):
    response = _post_api(
        client,
        other_clinician,
        other_unit,
        number=elsewhere.national_id,
        access_reason="Innlagt hos oss i natt, trenger legemiddellisten",
    )

    assert response.status_code == 202
    _refused_body_names_nobody(response.content.decode(), elsewhere.unit)
    request = AccessRequest.objects.get()
    assert (request.patient, request.requested_by, request.unit) == (
        elsewhere,
        other_clinician,
        other_unit,
    )
    assert sorted(
        AccessLogEntry.objects.filter(patient=elsewhere).values_list("action", flat=True)
    ) == ["refused", "request"]
    # Unit A's administrators see the attempt and the request on the access log page.
    _english(client, administrator)
    page = client.get(reverse("access-log")).content.decode()
    assert "Innlagt hos oss i natt" in page
    assert other_unit.name in page
    assert "olav" in page


def test_the_page_refuses_naming_nobody_offers_a_request_and_logs(
    client, elsewhere, other_unit, other_clinician
):
    _english(client, other_clinician)
    form = {
        "national_id": elsewhere.national_id,
        "given_name": "Ola",
        "family_name": "Annen",
        "unit": other_unit.pk,
    }
    with override("en"):
        response = client.post(reverse("patient-create"), form)

    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot be registered here" in page
    assert 'data-testid="access-request"' in page
    assert 'data-testid="existing-patient"' not in page
    _refused_body_names_nobody(page.replace("Ola", "").replace("Annen", ""), elsewhere.unit)
    assert AccessLogEntry.objects.filter(
        patient=elsewhere, user=other_clinician, action="refused"
    ).exists()

    response = client.post(reverse("patient-create"), {**form, "access_reason": "Akutt innlagt"})

    assert response.status_code == 302
    assert AccessRequest.objects.get().reason == "Akutt innlagt"
    assert Patient.objects.count() == 1


def test_the_same_unit_still_hears_already_registered_with_a_link(client, elsewhere, clinician):
    _english(client, clinician)
    with override("en"):
        response = client.post(
            reverse("patient-create"),
            {
                "national_id": elsewhere.national_id,
                "given_name": "Kari",
                "family_name": "Nordmann",
                "unit": elsewhere.unit.pk,
            },
        )
    page = response.content.decode()
    assert "already registered" in page
    assert reverse("patient-detail", args=[elsewhere.pk]) in page
    assert not AccessLogEntry.objects.filter(action="refused").exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="parallel transactions need PostgreSQL"
)
def test_twenty_parallel_registrations_give_one_201_and_clean_refusals(transactional_db, make_user):
    user = make_user("clinician", username="para")
    make_unit(name="Parallell", staff=[user])
    number = national_id()
    barrier = threading.Barrier(20)
    statuses: list[int] = []
    lock = threading.Lock()

    def register() -> None:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        barrier.wait()
        try:
            response = client.post(
                API,
                {"national_id": number, "given_name": "Ola", "family_name": "Samtidig"},
                content_type="application/json",
            )
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [201] + [400] * 19
    assert Patient.objects.filter(national_id=number).count() == 1
