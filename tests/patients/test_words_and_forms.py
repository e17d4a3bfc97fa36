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
