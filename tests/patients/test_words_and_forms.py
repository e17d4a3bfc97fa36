"""Issue 14: the episode form preselects the logged-in clinician as "Ansvarlig lege"."""

import re

import pytest
from django.conf import settings
from django.urls import reverse


def selected_clinician(html):
    select = re.search(r'<select name="responsible_clinician"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="(\d+)" selected>', select.group(1))


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_logged_in_clinician_is_preselected_as_responsible(
    client, clinician, other_clinician, unit, patient, language
):
    unit.staff.add(other_clinician)
    client.force_login(clinician)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("episode-create", args=[patient.pk])).content.decode()
    assert selected_clinician(html) == [str(clinician.pk)]


@pytest.mark.parametrize(
    ("language", "message"),
    [("nb", "Pasienten er registrert som mann"), ("en", "The patient is registered as male")],
)
def test_pregnancy_is_refused_for_a_patient_registered_as_male(unit, clinician, language, message):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from patients import services
    from tests.factories import make_episode, make_patient

    male = make_patient(unit=unit, user=clinician, sex="male")
    female = make_patient(unit=unit, user=clinician, sex="female")
    with translation.override(language), pytest.raises(ValidationError) as refused:
        services.intake_save(
            episode=make_episode(patient=male, status="planned", user=clinician),
            user=clinician,
            fields={"pregnant": True},
            substances=[],
        )
    assert message in str(refused.value)
    intake = services.intake_save(
        episode=make_episode(patient=female, status="planned", user=clinician),
        user=clinician,
        fields={"pregnant": True},
        substances=[],
    )
    assert intake.pregnant is True
