"""Administrators give roles in the admin, and cannot give anyone (themselves included) more."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from accounts.roles import ADMINISTRATOR, CLINICIAN, NURSE, ROLES

pytestmark = pytest.mark.django_db


def change_url(user: User) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


def form_data(user: User, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [group.pk for group in user.groups.all()],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-11-25",
        "date_joined_1": "08:00:00",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_an_administrator_gives_a_user_a_role(admin_client, make_user):
    user = make_user(None, username="ny")
    clinician = Group.objects.get(name=CLINICIAN)
    response = admin_client.post(change_url(user), form_data(user, groups=[clinician.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(User.objects.get(pk=user.pk).groups.values_list("name", flat=True)) == [CLINICIAN]


def test_only_the_role_groups_are_offered(admin_client, nurse):
    Group.objects.create(name="everything")
    form = admin_client.get(change_url(nurse)).context["adminform"].form
    offered = set(form.fields["groups"].queryset.values_list("name", flat=True))
    assert offered == set(ROLES)
    # A group outside the roles cannot be posted either.
    other = Group.objects.get(name="everything")
    response = admin_client.post(change_url(nurse), form_data(nurse, groups=[other.pk]))
    assert response.status_code == 200  # the form again, with the error
    assert not nurse.groups.filter(name="everything").exists()


def test_an_administrator_cannot_make_anyone_a_superuser(admin_client, administrator, nurse):
    for user in (administrator, nurse):
        response = admin_client.post(change_url(user), form_data(user, is_superuser="on"))
        assert response.status_code == 302
        assert not User.objects.get(pk=user.pk).is_superuser


def test_an_administrator_cannot_hand_out_single_permissions(admin_client, nurse):
    change_plan = Permission.objects.get(codename="change_medicationplan")
    response = admin_client.post(
        change_url(nurse), form_data(nurse, user_permissions=[change_plan.pk])
    )
    assert response.status_code == 302
    assert not User.objects.get(pk=nurse.pk).user_permissions.exists()
    assert not User.objects.get(pk=nurse.pk).has_perm("detox.change_medicationplan")


def test_superuser_accounts_are_out_of_an_administrators_reach(admin_client, make_user):
    root = make_user(None, username="root")
    root.is_superuser = True
    root.save()
    assert admin_client.get(change_url(root)).status_code == 200  # viewing is allowed
    response = admin_client.post(change_url(root), form_data(root, is_active=None))
    assert response.status_code == 403
    assert User.objects.get(pk=root.pk).is_active
    delete = reverse("admin:auth_user_delete", args=[root.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=root.pk).exists()


def test_a_superuser_keeps_djangos_full_user_admin(client, make_user, nurse):
    root = make_user(None, username="root")
    root.is_superuser = True
    root.is_staff = True
    root.save()
    client.force_login(root)
    form = client.get(change_url(nurse)).context["adminform"].form
    assert "is_superuser" in form.fields
    assert "user_permissions" in form.fields


def test_the_administrator_role_itself_is_unchanged(administrator):
    assert administrator.groups.filter(name=ADMINISTRATOR).exists()
    assert administrator.has_perm("auth.change_user")
    assert not administrator.has_perm("auth.change_group")
    assert NURSE in ROLES
