import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from patients.models import AccessLogEntry, Episode, Patient
from tests.factories import national_id


@pytest.fixture
def api():
    return APIClient()


def test_anonymous_calls_get_401(api, db):
    for name in ("api-patient-list", "api-episode-list"):
        assert api.get(reverse(name)).status_code == 401


def test_administrators_get_403(api, administrator):
    api.force_authenticate(administrator)
    assert api.get(reverse("api-patient-list")).status_code == 403


def test_the_list_shows_the_units_patients_and_logs_each(api, nurse, patient, other_patient):
    api.force_authenticate(nurse)
    body = api.get(reverse("api-patient-list")).json()
    assert [row["id"] for row in body["results"]] == [patient.pk]
    assert AccessLogEntry.objects.get().patient == patient


def test_another_units_patient_is_404(api, clinician, other_patient):
    api.force_authenticate(clinician)
    assert api.get(reverse("api-patient-detail", args=[other_patient.pk])).status_code == 404


def test_creating_a_patient_derives_birth_date_and_sex(api, clinician, unit):
    api.force_authenticate(clinician)
    number = national_id(dt.date(1975, 7, 1), sex="female")
    response = api.post(
        reverse("api-patient-list"),
        {"national_id": number, "given_name": "Kari", "family_name": "Nordmann"},
        format="json",
    )
    assert response.status_code == 201
    assert (response.json()["birth_date"], response.json()["sex"]) == ("1975-07-01", "female")
    assert AccessLogEntry.objects.get().action == "create"


def test_an_invalid_national_id_is_400_naming_the_field(api, clinician, unit):
    api.force_authenticate(clinician)
    response = api.post(
        reverse("api-patient-list"),
        {"national_id": "12345678901", "given_name": "Kari", "family_name": "Nordmann"},
        format="json",
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["national_id"]
    assert not Patient.objects.exists()


def test_a_nurse_cannot_create_patients(api, nurse, unit):
    api.force_authenticate(nurse)
    response = api.post(reverse("api-patient-list"), {}, format="json")
    assert response.status_code == 403


def test_episodes_list_filters_by_status_and_names_a_bad_status(api, nurse, planned_episode):
    api.force_authenticate(nurse)
    assert api.get(reverse("api-episode-list"), {"status": "planned"}).json()["count"] == 1
    assert api.get(reverse("api-episode-list"), {"status": "active"}).json()["count"] == 0
    bad = api.get(reverse("api-episode-list"), {"status": "gone"})
    assert bad.status_code == 400
    assert [e["field"] for e in bad.json()["errors"]] == ["status"]


def test_creating_an_episode_for_another_units_patient_is_refused(api, clinician, other_patient):
    api.force_authenticate(clinician)
    response = api.post(reverse("api-episode-list"), {"patient": other_patient.pk}, format="json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["patient"]
    assert not Episode.objects.filter(patient=other_patient).exists()


def test_creating_an_episode(api, clinician, patient):
    api.force_authenticate(clinician)
    response = api.post(
        reverse("api-episode-list"),
        {"patient": patient.pk, "responsible_clinician": clinician.pk},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "planned"


def test_another_units_episode_is_404(api, clinician, other_episode):
    api.force_authenticate(clinician)
    assert api.get(reverse("api-episode-detail", args=[other_episode.pk])).status_code == 404
