"""List pages and list endpoints use the same number of queries for 5 rows as for 50."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import make_episode, make_patient


def _add(unit, user, count):
    for _ in range(count):
        make_episode(patient=make_patient(unit=unit, user=user), status="planned", user=user)


def _queries(get):
    with CaptureQueriesContext(connection) as captured:
        response = get()
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["patient-list", "episode-list"])
def test_list_pages_use_a_constant_number_of_queries(client, clinician, unit, url_name):
    client.force_login(clinician)
    _add(unit, clinician, 5)
    # Warm: the user's role and permissions are read once and cached, the session saved once.
    client.get(reverse(url_name))
    few = _queries(lambda: client.get(reverse(url_name)))
    _add(unit, clinician, 45)
    # The new episodes changed the ward: the next page counts the overdue badge again (one query,
    # whatever the rows), then remembers it, as after the first warm-up.
    client.get(reverse(url_name))
    assert _queries(lambda: client.get(reverse(url_name))) == few


@pytest.mark.parametrize("url_name", ["api-patient-list", "api-episode-list"])
def test_list_endpoints_use_a_constant_number_of_queries(clinician, unit, url_name):
    api = APIClient()
    api.force_authenticate(clinician)
    _add(unit, clinician, 5)
    api.get(reverse(url_name))  # the user's permissions are cached on the first call
    few = _queries(lambda: api.get(reverse(url_name)))
    _add(unit, clinician, 45)
    assert _queries(lambda: api.get(reverse(url_name))) == few
