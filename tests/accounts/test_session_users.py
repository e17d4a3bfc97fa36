"""The user behind a session is remembered by each process (accounts.grants.get_user) until
anything about users changes; a deactivation or a password change takes effect on the next
request."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.grants import CachedPermissionBackend
from tests.conftest import TEST_PASSWORD

BOARD = reverse("ward-board")
pytestmark = pytest.mark.django_db


def test_the_session_user_is_read_once_then_remembered(nurse, django_assert_num_queries):
    backend = CachedPermissionBackend()
    first = backend.get_user(nurse.pk)
    with django_assert_num_queries(0):
        again = backend.get_user(nurse.pk)
    assert again.pk == nurse.pk
    assert again is not first  # each request gets an object of its own


def test_a_change_to_the_user_is_read_on_the_next_call(nurse, django_assert_num_queries):
    backend = CachedPermissionBackend()
    backend.get_user(nurse.pk)
    nurse.first_name = "Sigrid"
    nurse.save()
    with django_assert_num_queries(1):
        assert backend.get_user(nurse.pk).first_name == "Sigrid"


def test_a_deactivated_user_is_logged_out_on_the_next_request(client, nurse):
    client.force_login(nurse)
    assert client.get(BOARD).status_code == 200  # the user is remembered now
    nurse.is_active = False
    nurse.save()
    response = client.get(BOARD)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_password_change_elsewhere_ends_the_session_on_the_next_request(client, nurse):
    client.force_login(nurse)
    assert client.get(BOARD).status_code == 200
    nurse.set_password(TEST_PASSWORD + "-new")
    nurse.save()
    response = client.get(BOARD)
    assert response.status_code == 302
