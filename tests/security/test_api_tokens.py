"""API tokens expire and can be revoked by their holder or an administrator (issue 12, item 15)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import AdminAuditAction, AdminAuditEntry
from tests.security.conftest import ADMINISTRATOR_A, CLINICIAN_A, NURSE_A

pytestmark = pytest.mark.django_db

PATIENTS = reverse("api-patient-list")


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_tokens_expire_after_90_days_by_default():
    assert settings.API_TOKEN_DAYS == 90


def test_a_token_works_until_it_expires_and_not_after(cast):
    token = Token.objects.get(key=cast.tokens[CLINICIAN_A])
    client = token_client(token.key)
    just_before = token.created + dt.timedelta(days=settings.API_TOKEN_DAYS, seconds=-1)
    with time_machine.travel(just_before, tick=False):
        assert client.get(PATIENTS).status_code == 200
    expired = token.created + dt.timedelta(days=settings.API_TOKEN_DAYS)
    with time_machine.travel(expired, tick=False):
        response = client.get(PATIENTS)
    assert response.status_code == 401
    assert "WWW-Authenticate" in response


def test_a_shorter_lifetime_is_a_setting(cast, settings):
    settings.API_TOKEN_DAYS = 1
    token = Token.objects.get(key=cast.tokens[NURSE_A])
    with time_machine.travel(token.created + dt.timedelta(days=1, minutes=1), tick=False):
        assert token_client(token.key).get(PATIENTS).status_code == 401


def test_the_holder_revokes_their_token_and_it_stops_working_at_once(client, cast):
    clinician = cast.users[CLINICIAN_A]
    key = cast.tokens[CLINICIAN_A]
    client.force_login(clinician)
    page = client.get(reverse("api-token"))
    assert page.status_code == 200
    assert key not in page.content.decode()  # the key is never shown again
    assert client.post(reverse("api-token")).status_code == 302
    assert not Token.objects.filter(key=key).exists()
    assert token_client(key).get(PATIENTS).status_code == 401
    entry = AdminAuditEntry.objects.get(action=AdminAuditAction.TOKEN_REVOKED)
    assert (entry.actor, entry.subject) == (clinician.username, clinician.username)


def test_an_administrator_revokes_anyones_token_in_the_admin_without_seeing_keys(client, cast):
    administrator, nurse = cast.users[ADMINISTRATOR_A], cast.users[NURSE_A]
    key = cast.tokens[NURSE_A]
    client.force_login(administrator)
    listing = client.get(reverse("admin:authtoken_tokenproxy_changelist"))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert nurse.username in text
    assert not any(token in text for token in cast.tokens.values())
    assert client.get(reverse("admin:authtoken_tokenproxy_add")).status_code == 403
    delete = reverse("admin:authtoken_tokenproxy_delete", args=[nurse.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Token.objects.filter(key=key).exists()
    assert token_client(key).get(PATIENTS).status_code == 401
    entry = AdminAuditEntry.objects.get(action=AdminAuditAction.TOKEN_REVOKED)
    assert (entry.actor, entry.subject) == (administrator.username, nurse.username)


def test_a_clinician_with_is_staff_cannot_revoke_or_list_tokens(client, cast):
    clinician = cast.users[CLINICIAN_A]
    clinician.is_staff = True
    clinician.save()
    client.force_login(clinician)
    assert client.get(reverse("admin:authtoken_tokenproxy_changelist")).status_code == 403
    delete = reverse("admin:authtoken_tokenproxy_delete", args=[cast.users[NURSE_A].pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Token.objects.filter(key=cast.tokens[NURSE_A]).exists()


def test_the_token_page_says_when_the_token_expires(client, cast):
    clinician = cast.users[CLINICIAN_A]
    token = Token.objects.get(user=clinician)
    client.force_login(clinician)
    response = client.get(reverse("api-token"))
    expires = timezone.localtime(token.created + dt.timedelta(days=settings.API_TOKEN_DAYS))
    assert response.context["expires_at"] == expires
    assert not response.context["expired"]


# --- Accepted tokens are remembered per process until anything changes (accounts/tokens.py) ---


def test_a_remembered_token_costs_no_query_on_the_next_call(cast, django_assert_num_queries):
    from accounts.tokens import ExpiringTokenAuthentication

    key = cast.tokens[CLINICIAN_A]
    auth = ExpiringTokenAuthentication()
    user, _ = auth.authenticate_credentials(key)
    with django_assert_num_queries(0):
        again, token = auth.authenticate_credentials(key)
    assert again.pk == user.pk
    assert again is not user  # each request gets a user object of its own
    assert token.key == key


def test_a_used_token_revoked_by_its_holder_fails_on_the_next_request(client, cast):
    key = cast.tokens[CLINICIAN_A]
    assert token_client(key).get(PATIENTS).status_code == 200  # accepted and remembered
    client.force_login(cast.users[CLINICIAN_A])
    assert client.post(reverse("api-token")).status_code == 302
    assert token_client(key).get(PATIENTS).status_code == 401


def test_a_used_token_revoked_in_the_admin_fails_on_the_next_request(client, cast):
    nurse = cast.users[NURSE_A]
    key = cast.tokens[NURSE_A]
    assert token_client(key).get(PATIENTS).status_code == 200
    client.force_login(cast.users[ADMINISTRATOR_A])
    delete = reverse("admin:authtoken_tokenproxy_delete", args=[nurse.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert token_client(key).get(PATIENTS).status_code == 401


def test_a_used_token_stops_when_its_account_is_deactivated(cast):
    key = cast.tokens[CLINICIAN_A]
    assert token_client(key).get(PATIENTS).status_code == 200
    clinician = cast.users[CLINICIAN_A]
    clinician.is_active = False
    clinician.save()
    assert token_client(key).get(PATIENTS).status_code == 401


def test_a_used_token_replaced_by_the_operator_fails_and_the_new_one_works(cast):
    from django.core.management import call_command

    clinician = cast.users[CLINICIAN_A]
    old = cast.tokens[CLINICIAN_A]
    assert token_client(old).get(PATIENTS).status_code == 200
    call_command("drf_create_token", clinician.username, reset_token=True)
    assert token_client(old).get(PATIENTS).status_code == 401
    new = Token.objects.get(user=clinician).key
    assert token_client(new).get(PATIENTS).status_code == 200


def test_a_remembered_token_still_expires(cast):
    token = Token.objects.get(key=cast.tokens[CLINICIAN_A])
    client = token_client(token.key)
    assert client.get(PATIENTS).status_code == 200
    expired = token.created + dt.timedelta(days=settings.API_TOKEN_DAYS)
    with time_machine.travel(expired, tick=False):
        assert client.get(PATIENTS).status_code == 401
