"""Every read and write of a patient's records is logged (who, when, what, from where); only
administrators read the log, and nobody changes it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.access_log import access_log_record
from patients.models import AccessLogEntry
from tests.patients.conftest import ALCOHOL_DT_POST


def _entries(patient):
    return AccessLogEntry.objects.filter(patient=patient)


@pytest.mark.parametrize(
    ("url_name", "on"),
    [
        ("patient-detail", "patient"),
        ("episode-create", "patient"),
        ("episode-detail", "episode"),
        ("intake-edit", "episode"),
        ("episode-decision", "episode"),
        ("episode-history", "episode"),
    ],
)
def test_reading_a_page_of_a_patients_record_is_logged(
    client, clinician, patient, planned_episode, url_name, on
):
    client.force_login(clinician)
    target = patient if on == "patient" else planned_episode
    client.get(
        reverse(url_name, args=[target.pk]), HTTP_USER_AGENT="Nettbrett", REMOTE_ADDR="10.1.2.3"
    )
    entry = _entries(patient).get()
    assert (entry.user, entry.action) == (clinician, "view")
    assert entry.path == reverse(url_name, args=[target.pk])
    assert (entry.method, entry.ip_address, entry.user_agent) == ("GET", "10.1.2.3", "Nettbrett")


def test_a_list_page_logs_each_patient_it_shows(client, nurse, patient, planned_episode):
    client.force_login(nurse)
    client.get(reverse("patient-list"))
    client.get(reverse("episode-list"))
    assert list(_entries(patient).order_by("pk").values_list("what", flat=True)) == [
        "patient list",
        "episode list",
    ]


def test_writes_are_logged_as_create_and_update(client, clinician, patient, planned_episode):
    client.force_login(clinician)
    client.post(reverse("intake-edit", args=[planned_episode.pk]), ALCOHOL_DT_POST)
    client.post(reverse("episode-transition", args=[planned_episode.pk, "start"]), {})
    client.post(reverse("patient-contact-add", args=[patient.pk]), {"name": "Per"})
    logged = set(_entries(patient).filter(method="POST").values_list("action", "what"))
    assert logged == {
        ("update", "intake"),
        ("update", "episode start"),
        ("create", "contact person"),
    }


def test_a_refused_request_for_another_units_record_logs_nothing(client, clinician, other_episode):
    client.force_login(clinician)
    client.get(reverse("episode-detail", args=[other_episode.pk]))
    assert not AccessLogEntry.objects.exists()


def test_administrators_read_the_access_log(client, administrator, clinician, patient):
    access_log_record(user=clinician, patient=patient, action="view", what="patient")
    client.force_login(administrator)
    response = client.get(reverse("access-log"))
    assert response.status_code == 200
    page = response.content.decode()
    assert patient.national_id in page
    assert "lise" in page


@pytest.mark.parametrize("role", ["clinician", "nurse"])
def test_staff_cannot_read_the_access_log(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("access-log")).status_code == 403


def test_the_access_log_filters_by_user_patient_and_date(
    client, administrator, clinician, nurse, patient, other_patient
):
    access_log_record(user=clinician, patient=patient, action="view", what="patient")
    access_log_record(user=nurse, patient=patient, action="view", what="patient")
    access_log_record(user=clinician, patient=other_patient, action="view", what="patient")
    client.force_login(administrator)

    def shown(**params):
        return list(client.get(reverse("access-log"), params).context["page"].object_list)

    assert {e.user for e in shown(user="siri")} == {nurse}
    assert {e.patient for e in shown(national_id=other_patient.national_id)} == {other_patient}
    today = timezone.localdate().isoformat()
    assert len(shown(date_from=today, date_to=today)) == 3
    assert shown(date_to="2000-01-01") == []


def test_the_access_log_is_read_only_in_the_django_admin(client, administrator, clinician, patient):
    entry = access_log_record(user=clinician, patient=patient, action="view", what="patient")
    client.force_login(administrator)
    assert client.get(reverse("admin:patients_accesslogentry_changelist")).status_code == 200
    assert client.get(reverse("admin:patients_accesslogentry_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:patients_accesslogentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    client.post(
        reverse("admin:patients_accesslogentry_change", args=[entry.pk]), {"what": "changed"}
    )
    entry.refresh_from_db()
    assert entry.what == "patient"


def test_not_even_a_superuser_can_change_the_access_log(
    client, django_user_model, clinician, patient
):
    entry = access_log_record(user=clinician, patient=patient, action="view", what="patient")
    root = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(root)
    assert client.get(reverse("admin:patients_accesslogentry_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:patients_accesslogentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_no_role_holds_a_permission_to_change_the_log():
    from patients.permissions import ROLE_PERMISSIONS

    granted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    assert (
        granted
        & {
            "patients.add_accesslogentry",
            "patients.change_accesslogentry",
            "patients.delete_accesslogentry",
        }
        == set()
    )
