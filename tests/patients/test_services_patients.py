import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from patients import services
from patients.models import ContactPerson, Patient
from tests.factories import national_id

TODAY = dt.date(2026, 11, 25)


def test_patient_create_reads_birth_date_and_sex_from_the_number(unit, clinician):
    number = national_id(dt.date(1971, 4, 12), sex="female")
    patient = services.patient_create(
        unit=unit,
        national_id=number,
        given_name=" Kari ",
        family_name="Nordmann",
        user=clinician,
        today=TODAY,
    )
    assert (patient.birth_date, patient.sex) == (dt.date(1971, 4, 12), "female")
    assert patient.national_id_kind == "fnr"
    assert patient.given_name == "Kari"
    assert patient.created_by == clinician


def test_patient_create_accepts_spaces_in_the_number(unit, clinician):
    number = national_id(dt.date(1971, 4, 12))
    patient = services.patient_create(
        unit=unit,
        national_id=f"{number[:6]} {number[6:]}",
        given_name="Ola",
        family_name="Nordmann",
        user=clinician,
        today=TODAY,
    )
    assert patient.national_id == number


def test_a_wrong_check_digit_is_an_error_on_the_national_id_and_nothing_is_stored(unit, clinician):
    number = national_id(dt.date(1971, 4, 12))
    wrong = number[:10] + str((int(number[10]) + 1) % 10)
    with pytest.raises(ValidationError) as raised:
        services.patient_create(
            unit=unit,
            national_id=wrong,
            given_name="Ola",
            family_name="Nordmann",
            user=clinician,
            today=TODAY,
        )
    assert list(raised.value.error_dict) == ["national_id"]
    assert raised.value.error_dict["national_id"][0].code == "second_check_digit"
    assert not Patient.objects.exists()


def test_a_number_registered_already_is_refused(patient, unit, clinician):
    with pytest.raises(ValidationError) as raised:
        services.patient_create(
            unit=unit,
            national_id=patient.national_id,
            given_name="Ola",
            family_name="Nordmann",
            user=clinician,
            today=TODAY,
        )
    assert raised.value.error_dict["national_id"][0].code == "duplicate"


def test_a_blank_name_is_refused_naming_the_field(unit, clinician):
    with pytest.raises(ValidationError) as raised:
        services.patient_create(
            unit=unit,
            national_id=national_id(),
            given_name="  ",
            family_name="Nordmann",
            user=clinician,
            today=TODAY,
        )
    assert list(raised.value.message_dict) == ["given_name"]


def test_patient_update_keeps_the_original_with_who_and_why(patient, clinician):
    original = patient.family_name
    services.patient_update(
        patient=patient, user=clinician, reason="Skrivefeil i etternavn", family_name="Nordmann-Li"
    )
    latest, previous = patient.history.all()[:2]
    assert previous.family_name == original
    assert latest.family_name == "Nordmann-Li"
    assert latest.history_user == clinician
    assert latest.history_change_reason == "Skrivefeil i etternavn"


def test_patient_update_needs_a_reason(patient, clinician):
    with pytest.raises(ValidationError) as raised:
        services.patient_update(patient=patient, user=clinician, reason=" ", given_name="Kari")
    assert list(raised.value.message_dict) == ["reason"]


def test_patient_update_of_the_number_derives_birth_date_and_sex_again(patient, clinician):
    number = national_id(dt.date(1980, 2, 29 - 1), sex="female")
    services.patient_update(
        patient=patient, user=clinician, reason="Feil nummer", national_id=number
    )
    patient.refresh_from_db()
    assert (patient.birth_date, patient.sex) == (dt.date(1980, 2, 28), "female")


def test_contact_person_add_records_who_added_it(patient, clinician):
    contact = services.contact_person_add(
        patient=patient, user=clinician, name="Per Nordmann", relation="bror", phone="99 99 99 99"
    )
    assert ContactPerson.objects.get().name == "Per Nordmann"
    assert contact.history.get().history_user == clinician


def test_a_sex_corrected_by_hand_survives_later_corrections_until_the_number_changes(
    patient, clinician
):
    assert patient.sex == "male"
    services.patient_update(
        patient=patient,
        user=clinician,
        reason="Feil kjønn i registeret",
        national_id=patient.national_id,
        sex="female",
    )
    patient.refresh_from_db()
    assert patient.sex == "female"
    # A later name correction sends the same number and the sex as shown: it stays female.
    services.patient_update(
        patient=patient,
        user=clinician,
        reason="Skrivefeil",
        national_id=patient.national_id,
        given_name="Kari",
        sex="female",
    )
    patient.refresh_from_db()
    assert patient.sex == "female"
    # A new number brings its own sex when the form's sex was left as it was.
    services.patient_update(
        patient=patient,
        user=clinician,
        reason="Nytt fødselsnummer",
        national_id=national_id(dt.date(1971, 2, 3), sex="male"),
        sex="female",
    )
    patient.refresh_from_db()
    assert (patient.sex, patient.birth_date) == ("male", dt.date(1971, 2, 3))
