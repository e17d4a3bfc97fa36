import pytest
from django.core.management import CommandError, call_command

from clinical.identity import parse_national_id
from patients.models import Episode, Patient, Unit


@pytest.fixture
def demo_users(db, settings):
    settings.DEBUG = True
    call_command("create_demo_users", password="demo-password", stdout=None)


def test_demo_data_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("create_demo_data")
    assert not Patient.objects.exists()


def test_demo_data_needs_the_demo_users(db, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError):
        call_command("create_demo_data")


def test_demo_data_creates_the_unit_staff_and_three_active_episodes(demo_users):
    call_command("create_demo_data")
    unit = Unit.objects.get(code="demo")
    assert set(unit.staff.values_list("username", flat=True)) == {"lege", "sykepleier"}
    episodes = Episode.objects.select_related("patient", "intake")
    assert episodes.count() == 3
    assert {e.status for e in episodes} == {"active"}
    settings_by_name = {e.patient.family_name: e.setting for e in episodes}
    assert settings_by_name == {
        "Demo-Alkohol": "inpatient",
        "Demo-Opioid": "inpatient",
        "Demo-Benzo": "outpatient",
    }
    alcohol = Episode.objects.get(patient__family_name="Demo-Alkohol")
    assert alcohol.intake.previous_withdrawal_complications == ["delirium_tremens"]


def test_demo_patients_have_valid_national_ids(demo_users):
    import datetime as dt

    call_command("create_demo_data")
    for patient in Patient.objects.all():
        parsed = parse_national_id(patient.national_id, today=dt.date(2026, 1, 1))
        assert (parsed.birth_date, parsed.sex) == (patient.birth_date, patient.sex)


def test_demo_data_is_idempotent(demo_users):
    call_command("create_demo_data")
    call_command("create_demo_data")
    assert Patient.objects.count() == 3
    assert Unit.objects.filter(code="demo").count() == 1
