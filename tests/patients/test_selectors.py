import datetime as dt

import pytest
from django.http import Http404

from patients import services
from patients.models import Patient
from patients.selectors import (
    episode_intake_summary,
    episodes_visible_to,
    get_episode_for_user,
    get_patient_for_user,
    patients_visible_to,
    search_patients,
    withdrawal_history,
)
from tests.factories import make_patient


def test_staff_see_the_patients_of_their_own_unit(patient, other_patient, clinician, nurse):
    assert list(patients_visible_to(clinician)) == [patient]
    assert list(patients_visible_to(nurse)) == [patient]


def test_another_units_patient_is_not_found(other_patient, clinician):
    with pytest.raises(Http404):
        get_patient_for_user(clinician, other_patient.pk)


def test_another_units_episode_is_not_found(other_episode, clinician, nurse):
    for user in (clinician, nurse):
        with pytest.raises(Http404):
            get_episode_for_user(user, other_episode.pk)


def test_administrators_see_no_patient_records(patient, planned_episode, administrator, unit):
    unit.staff.add(administrator)
    assert not patients_visible_to(administrator).exists()
    assert not episodes_visible_to(administrator).exists()


def test_search_by_name_words_and_by_number(unit, clinician):
    kari = make_patient(unit=unit, user=clinician, given_name="Kari", family_name="Nordmann")
    make_patient(unit=unit, user=clinician, given_name="Ola", family_name="Hansen")
    everyone = Patient.objects.all()
    assert list(search_patients(everyone, "kari nord")) == [kari]
    assert list(search_patients(everyone, kari.national_id[:6] + " " + kari.national_id[6:])) == [
        kari
    ]
    assert list(search_patients(everyone, kari.national_id[:4])) == [kari]


def test_withdrawal_history_is_unknown_without_an_intake(planned_episode):
    assert withdrawal_history(planned_episode) == {
        "seizures": None,
        "delirium_tremens": None,
        "liver_failure": None,
    }


def test_withdrawal_history_reads_the_intake(alcohol_intake, planned_episode):
    assert withdrawal_history(planned_episode) == {
        "seizures": False,
        "delirium_tremens": True,
        "liver_failure": None,
    }


def test_withdrawal_history_when_complications_were_not_asked(planned_episode, clinician):
    services.intake_save(
        episode=planned_episode, user=clinician, fields={"liver_failure": True}, substances=[]
    )
    assert withdrawal_history(planned_episode) == {
        "seizures": None,
        "delirium_tremens": None,
        "liver_failure": True,
    }


def test_intake_summary_for_the_care_plan(unit, clinician):
    patient = make_patient(unit=unit, user=clinician, birth_date=dt.date(1960, 6, 1))
    episode = services.episode_create(patient=patient, user=clinician)
    services.intake_save(
        episode=episode,
        user=clinician,
        fields={"allergies": "Penicillin", "ecg_taken": False},
        substances=[{"substance": "opioids", "route": "injected"}],
    )
    summary = episode_intake_summary(episode, today=dt.date(2026, 11, 25))
    assert summary["recorded"] is True
    assert summary["age"] == 66
    assert summary["ecg_recommended"] is True
    assert summary["uses_opioids"] is True
    assert summary["ever_injected"] is True
    assert summary["allergies"] == "Penicillin"


def test_intake_summary_without_an_intake(planned_episode):
    summary = episode_intake_summary(planned_episode, today=dt.date(2026, 11, 25))
    assert summary["recorded"] is False
