"""Names with direction controls, zero-width or only invisible characters are refused (issue 12,
item 11): in the register and correction forms and in the API, naming the field and the
characters; nothing is stored. Real names (Norwegian, Sámi, hyphens, apostrophes) pass."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from patients.models import Patient
from patients.names import invisible_characters, validate_person_name
from tests.factories import national_id

HOSTILE = {
    "right-to-left override": "Kari\u202enassen",
    "left-to-right isolate": "\u2066Kari\u2069",
    "zero-width space": "Ka\u200bri",
    "zero-width joiner": "Kari\u200d",
    "byte order mark": "\ufeffKari",
    "only zero-width characters": "\u200b\u200c\u200d",
    "only a Hangul filler": "\u3164",
    "only combining marks": "\u0301\u0301",
    "a line separator": "Kari\u2028Nordmann",
    "a control character": "Kari\x07",
}
REAL_NAMES = ["Kari", "Øyvind", "Ánde Ŋuolja", "Anne-Marie", "O'Brien", "Åse Ødegård", "Zoë"]


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_names_pass(name):
    validate_person_name(name)
    assert invisible_characters(name) == []


@pytest.mark.parametrize("name", list(HOSTILE.values()), ids=list(HOSTILE))
def test_the_validator_refuses_hostile_names(name):
    with pytest.raises(ValidationError) as refused:
        validate_person_name(name)
    assert refused.value.code in {"invisible_characters", "no_letter"}


def test_the_message_names_the_characters():
    assert invisible_characters("Kari\u202enassen\u200b\u202e") == ["U+202E", "U+200B"]


@pytest.mark.parametrize("name", list(HOSTILE.values()), ids=list(HOSTILE))
def test_the_api_refuses_a_hostile_name_with_400_naming_the_field(clinician, unit, name):
    api = APIClient()
    api.force_authenticate(clinician)
    response = api.post(
        reverse("api-patient-list"),
        {
            "national_id": national_id(dt.date(1975, 7, 1), sex="female"),
            "given_name": name,
            "family_name": "Nordmann",
        },
        format="json",
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["given_name"]
    assert not Patient.objects.exists()


def test_the_register_form_refuses_a_right_to_left_override(client, clinician, unit):
    client.force_login(clinician)
    response = client.post(
        reverse("patient-create"),
        {
            "national_id": national_id(dt.date(1969, 12, 24), sex="female"),
            "given_name": "Kari",
            "family_name": "Nord\u202emann",
            "unit": unit.pk,
        },
    )
    assert list(response.context["form"].errors) == ["family_name"]
    assert "U+202E" in response.context["form"].errors["family_name"][0]
    assert not Patient.objects.exists()


def test_the_correction_form_refuses_a_name_of_only_invisible_characters(
    client, clinician, patient
):
    client.force_login(clinician)
    response = client.post(
        reverse("patient-edit", args=[patient.pk]),
        {
            "national_id": patient.national_id,
            "given_name": "\u200b\u200b",
            "family_name": patient.family_name,
            "reason": "Retting",
            "version": patient.version,
        },
    )
    assert list(response.context["form"].errors) == ["given_name"]
    patient.refresh_from_db()
    assert patient.given_name == "Kari"
