import datetime as dt

import pytest
from django.urls import reverse

from patients.models import ContactPerson, Patient
from tests.factories import national_id


def test_the_patient_list_shows_the_units_patients_only(client, clinician, patient, other_patient):
    client.force_login(clinician)
    page = client.get(reverse("patient-list")).content.decode()
    assert patient.family_name in page
    assert other_patient.family_name not in page


def test_the_patient_list_searches_by_name(client, clinician, patient):
    client.force_login(clinician)
    assert (
        patient.family_name in client.get(reverse("patient-list"), {"q": "kari"}).content.decode()
    )
    assert (
        patient.family_name
        not in client.get(reverse("patient-list"), {"q": "zzz"}).content.decode()
    )


def test_clinicians_get_the_create_button_and_nurses_do_not(client, clinician, nurse, unit):
    create = reverse("patient-create")
    client.force_login(clinician)
    assert create in client.get(reverse("patient-list")).content.decode()
    client.force_login(nurse)
    assert create not in client.get(reverse("patient-list")).content.decode()


@pytest.mark.parametrize("url_name", ["patient-list", "patient-create", "episode-list"])
def test_administrators_are_refused_patient_pages(client, administrator, url_name):
    client.force_login(administrator)
    assert client.get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize(
    "url_name", ["patient-list", "patient-create", "episode-list", "access-log"]
)
def test_anonymous_users_are_sent_to_login(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_nurse_cannot_register_patients(client, nurse, unit):
    client.force_login(nurse)
    assert client.get(reverse("patient-create")).status_code == 403
    assert client.post(reverse("patient-create"), {}).status_code == 403


def test_registering_a_patient_with_a_contact_person(client, clinician, unit):
    client.force_login(clinician)
    number = national_id(dt.date(1969, 12, 24), sex="female")
    response = client.post(
        reverse("patient-create"),
        {
            "national_id": number,
            "given_name": "Kari",
            "family_name": "Nordmann",
            "unit": unit.pk,
            "contact_name": "Per Nordmann",
            "contact_relation": "ektemann",
            "contact_phone": "12345678",
        },
    )
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("patient-detail", args=[patient.pk])
    assert (patient.birth_date, patient.sex) == (dt.date(1969, 12, 24), "female")
    assert ContactPerson.objects.get(patient=patient).relation == "ektemann"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0101701234", "wrong_length"),
        ("01017O12345", "invalid_characters"),
    ],
)
def test_an_invalid_national_id_is_shown_on_its_field_and_nothing_is_stored(
    client, clinician, unit, value, code
):
    client.force_login(clinician)
    response = client.post(
        reverse("patient-create"),
        {"national_id": value, "given_name": "Kari", "family_name": "Nordmann", "unit": unit.pk},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert list(errors) == ["national_id"]
    assert errors["national_id"][0].code == code
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Patient.objects.exists()


def test_a_check_digit_error_says_so_in_norwegian(client, clinician, unit):
    number = national_id(dt.date(1969, 12, 24))
    client.force_login(clinician)
    response = client.post(
        reverse("patient-create"),
        {
            "national_id": number[:9] + str((int(number[9]) + 1) % 10) + number[10],
            "given_name": "Kari",
            "family_name": "Nordmann",
            "unit": unit.pk,
        },
    )
    assert "kontrollsiffer" in response.content.decode()


def test_a_clinician_cannot_register_a_patient_in_another_unit(client, clinician, unit, other_unit):
    client.force_login(clinician)
    client.post(
        reverse("patient-create"),
        {
            "national_id": national_id(),
            "given_name": "Kari",
            "family_name": "N",
            "unit": other_unit.pk,
        },
    )
    assert not Patient.objects.exists()


def test_the_number_check_shows_birth_date_and_sex_while_typing(client, clinician, unit):
    client.force_login(clinician)
    number = national_id(dt.date(1969, 12, 24), sex="female")
    ok = client.post(reverse("patient-national-id-check"), {"national_id": number})
    assert "24.12.1969" in ok.content.decode()
    assert "kvinne" in ok.content.decode()
    bad = client.post(reverse("patient-national-id-check"), {"national_id": "123"})
    assert "11 sifre" in bad.content.decode()


def test_the_patient_page_shows_episodes_and_contacts(
    client, nurse, patient, planned_episode, clinician
):
    from patients import services

    services.contact_person_add(patient=patient, user=clinician, name="Per Nordmann")
    client.force_login(nurse)
    page = client.get(reverse("patient-detail", args=[patient.pk])).content.decode()
    assert "Per Nordmann" in page
    assert reverse("episode-detail", args=[planned_episode.pk]) in page
    assert reverse("episode-create", args=[patient.pk]) not in page


def test_another_units_patient_page_is_not_found(client, clinician, other_patient):
    client.force_login(clinician)
    assert client.get(reverse("patient-detail", args=[other_patient.pk])).status_code == 404


def test_adding_a_contact_person(client, clinician, patient):
    client.force_login(clinician)
    response = client.post(
        reverse("patient-contact-add", args=[patient.pk]), {"name": "Per", "phone": "123"}
    )
    assert response.status_code == 302
    assert patient.contacts.get().name == "Per"


def test_a_contact_person_without_a_name_is_refused(client, clinician, patient):
    client.force_login(clinician)
    response = client.post(reverse("patient-contact-add", args=[patient.pk]), {"phone": "123"})
    assert response.status_code == 400
    assert "name" in response.context["contact_form"].errors
    assert not patient.contacts.exists()


def test_correcting_a_name_keeps_the_original_with_the_reason(client, clinician, patient):
    client.force_login(clinician)
    response = client.post(
        reverse("patient-edit", args=[patient.pk]),
        {
            "national_id": patient.national_id,
            "given_name": "Karianne",
            "family_name": patient.family_name,
            "reason": "Feil fornavn ved registrering",
            "version": patient.version,
        },
    )
    assert response.status_code == 302
    latest, original = patient.history.all()[:2]
    assert (original.given_name, latest.given_name) == ("Kari", "Karianne")
    assert latest.history_change_reason == "Feil fornavn ved registrering"


def test_a_correction_needs_a_reason(client, clinician, patient):
    client.force_login(clinician)
    response = client.post(
        reverse("patient-edit", args=[patient.pk]),
        {
            "national_id": patient.national_id,
            "given_name": "X",
            "family_name": "Y",
            "reason": "",
            "version": patient.version,
        },
    )
    assert list(response.context["form"].errors) == ["reason"]
    patient.refresh_from_db()
    assert patient.given_name == "Kari"


def test_a_nurse_cannot_correct_patient_details(client, nurse, patient):
    client.force_login(nurse)
    assert client.get(reverse("patient-edit", args=[patient.pk])).status_code == 403
