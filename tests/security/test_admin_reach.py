"""Administrators do not reach patients (issue 12, items 3 and 5).

A non-superuser administrator gave their own account the clinician role, added themselves to a
unit's staff, set a clinician's password and logged in as them, and ticked ``is_staff`` for a
clinician, who then listed every unit's care plans (with patient names) in the admin. Now: no role
or unit for oneself, passwords set by someone else are one-time, the admin shows no patient data
to anyone but a superuser (and the care-plan list names no patient), and every change is in an
administration log that nobody can change.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from accounts.models import AdminAuditAction, AdminAuditEntry, PasswordChangeRequired
from accounts.roles import ADMINISTRATOR, CLINICIAN, NURSE
from tests.security.conftest import (
    ADMINISTRATOR_A,
    CLINICIAN_A,
    NURSE_A,
    PATIENT_FAMILY_NAME,
    PATIENT_GIVEN_NAME,
)

pytestmark = pytest.mark.django_db

CAST_PASSWORD = "security-cast-password"
ONE_TIME = "Engangs-passord-2026!"
OWN_CHOICE = "Mitt-eget-passord-2026!"


def user_change_url(user: User) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


def user_form_data(user: User, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on" if user.is_staff else None,
        "groups": [group.pk for group in user.groups.all()],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-11-25",
        "date_joined_1": "08:00:00",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def unit_form_data(client, unit) -> dict[str, Any]:
    """The unit's admin form as shown, ready to post back."""
    form = (
        client.get(reverse("admin:patients_unit_change", args=[unit.pk])).context["adminform"].form
    )
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = (
                [item.pk if hasattr(item, "pk") else item for item in value]
                if (isinstance(value, list | tuple))
                else value
            )
    return data


@pytest.fixture
def administrator(cast):
    return cast.users[ADMINISTRATOR_A]


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", password=CAST_PASSWORD)


def log_in(client, user: User, password: str) -> None:
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]


# --- No role and no unit for oneself ------------------------------------------------------------


def test_an_administrator_cannot_give_themselves_a_clinical_role(admin_client, administrator):
    clinician = Group.objects.get(name=CLINICIAN)
    administrator_group = Group.objects.get(name=ADMINISTRATOR)
    response = admin_client.post(
        user_change_url(administrator),
        user_form_data(administrator, groups=[administrator_group.pk, clinician.pk]),
    )
    assert response.status_code == 302
    assert list(administrator.groups.values_list("name", flat=True)) == [ADMINISTRATOR]
    # The patient list stays closed to them.
    assert admin_client.get(reverse("patient-list")).status_code == 403


def test_an_administrator_cannot_give_up_their_own_staff_or_active_flags_either(
    admin_client, administrator
):
    response = admin_client.post(
        user_change_url(administrator), user_form_data(administrator, is_active=None)
    )
    assert response.status_code == 302
    assert User.objects.get(pk=administrator.pk).is_active


def test_an_administrator_still_gives_others_a_role_and_it_is_logged(admin_client, cast):
    nurse = cast.users[NURSE_A]
    clinician = Group.objects.get(name=CLINICIAN)
    response = admin_client.post(
        user_change_url(nurse), user_form_data(nurse, groups=[clinician.pk])
    )
    assert response.status_code == 302
    assert list(nurse.groups.values_list("name", flat=True)) == [CLINICIAN]
    entry = AdminAuditEntry.objects.get(action=AdminAuditAction.USER_CHANGED)
    assert (entry.actor, entry.subject) == (cast.users[ADMINISTRATOR_A].username, nurse.username)
    assert entry.details["groups"] == {"added": [CLINICIAN], "removed": [NURSE]}


def test_an_administrator_cannot_add_themselves_to_a_units_staff(admin_client, administrator, cast):
    unit = cast.unit_b
    data = unit_form_data(admin_client, unit)
    data["staff"] = [*data["staff"], administrator.pk]
    response = admin_client.post(reverse("admin:patients_unit_change", args=[unit.pk]), data)
    assert response.status_code == 200  # the form again, with the error on staff
    assert "staff" in response.context["adminform"].form.errors
    assert not unit.staff.filter(pk=administrator.pk).exists()
    assert not AdminAuditEntry.objects.filter(action=AdminAuditAction.UNIT_STAFF_CHANGED).exists()


def test_a_unit_staff_change_by_an_administrator_is_logged(admin_client, administrator, cast):
    unit, nurse = cast.unit_b, cast.users[NURSE_A]
    data = unit_form_data(admin_client, unit)
    data["staff"] = [*data["staff"], nurse.pk]
    response = admin_client.post(reverse("admin:patients_unit_change", args=[unit.pk]), data)
    assert response.status_code == 302
    assert unit.staff.filter(pk=nurse.pk).exists()
    entry = AdminAuditEntry.objects.get(action=AdminAuditAction.UNIT_STAFF_CHANGED)
    assert entry.actor == administrator.username
    assert entry.details == {"added": [nurse.username], "removed": []}


# --- Passwords set by someone else are one-time --------------------------------------------------


def test_a_password_an_administrator_sets_must_be_changed_at_the_next_login(
    admin_client, client, cast
):
    clinician = cast.users[CLINICIAN_A]
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[clinician.pk]),
        {"password1": ONE_TIME, "password2": ONE_TIME, "usable_password": "true"},
    )
    assert response.status_code == 302
    set_entry = AdminAuditEntry.objects.get(action=AdminAuditAction.PASSWORD_SET)
    assert (set_entry.actor, set_entry.subject) == (
        cast.users[ADMINISTRATOR_A].username,
        clinician.username,
    )

    client.logout()
    log_in(client, clinician, ONE_TIME)
    # Whoever logs in with the one-time password reaches nothing but the password change.
    for url in (reverse("patient-list"), reverse("patient-detail", args=[cast.patient.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("password-change")
    assert client.get(reverse("api-patient-list")).status_code == 403
    page = client.get(reverse("password-change"))
    assert page.status_code == 200
    assert PATIENT_FAMILY_NAME not in page.content.decode()

    response = client.post(
        reverse("password-change"),
        {"old_password": ONE_TIME, "new_password1": OWN_CHOICE, "new_password2": OWN_CHOICE},
    )
    assert response.status_code == 302
    assert client.get(reverse("patient-list")).status_code == 200
    assert not PasswordChangeRequired.objects.filter(user=clinician).exists()
    changed = AdminAuditEntry.objects.get(action=AdminAuditAction.PASSWORD_CHANGED)
    assert (changed.actor, changed.subject) == (clinician.username, clinician.username)


def test_an_account_made_in_the_admin_chooses_its_own_password_at_first_login(admin_client, client):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "ny-lege",
            "password1": ONE_TIME,
            "password2": ONE_TIME,
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="ny-lege")
    assert PasswordChangeRequired.objects.filter(user=user).exists()
    assert AdminAuditEntry.objects.filter(
        action=AdminAuditAction.USER_ADDED, subject="ny-lege"
    ).exists()
    client.logout()
    log_in(client, user, ONE_TIME)
    assert client.get(reverse("home"))["Location"] == reverse("password-change")


def test_a_refused_password_form_sets_nothing(admin_client, cast):
    nurse = cast.users[NURSE_A]
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[nurse.pk]),
        {"password1": ONE_TIME, "password2": "something else", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert not PasswordChangeRequired.objects.filter(user=nurse).exists()
    assert not AdminAuditEntry.objects.exists()


# --- No patient data in the admin ----------------------------------------------------------------


PATIENT_APPS = {"patients", "detox", "scoring"}


def patient_admin_models() -> list[Any]:
    return [model for model in admin.site._registry if model._meta.app_label in PATIENT_APPS]


def test_is_staff_gives_a_clinician_no_view_of_patient_data_in_the_admin(client, cast):
    clinician = cast.users[CLINICIAN_A]
    clinician.is_staff = True
    clinician.save()
    client.force_login(clinician)
    assert patient_admin_models()
    for model in patient_admin_models():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(url).status_code == 403, url
    index = client.get(reverse("admin:index")).content.decode()
    assert PATIENT_FAMILY_NAME not in index
    care_plan = reverse("admin:detox_careplan_change", args=[cast.care_plan.pk])
    assert client.get(care_plan).status_code == 403


def test_administrators_do_not_see_care_plans_in_the_admin(admin_client, cast):
    assert admin_client.get(reverse("admin:detox_careplan_changelist")).status_code == 403
    care_plan = reverse("admin:detox_careplan_change", args=[cast.care_plan.pk])
    assert admin_client.get(care_plan).status_code == 403


def test_a_superusers_care_plan_list_names_no_patient(client, superuser, cast):
    """Issue 12, item 5: the list needs no access-log entry because it shows no patient; the
    one-plan page (titled with the patient's name) is gone."""
    client.force_login(superuser)
    listing = client.get(reverse("admin:detox_careplan_changelist"))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert str(cast.care_plan.pk) in text
    assert PATIENT_FAMILY_NAME not in text
    assert PATIENT_GIVEN_NAME not in text
    care_plan = reverse("admin:detox_careplan_change", args=[cast.care_plan.pk])
    assert client.get(care_plan).status_code == 403


# --- The administration log cannot be changed ----------------------------------------------------


def test_nobody_can_add_change_or_delete_administration_log_entries(
    admin_client, client, superuser, cast
):
    nurse = cast.users[NURSE_A]
    admin_client.post(user_change_url(nurse), user_form_data(nurse, first_name="Endret"))
    entry = AdminAuditEntry.objects.get()
    assert admin_client.get(reverse("admin:accounts_adminauditentry_changelist")).status_code == 200
    for role in (ADMINISTRATOR, CLINICIAN, NURSE):
        codenames = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
        assert not codenames & {
            "add_adminauditentry",
            "change_adminauditentry",
            "delete_adminauditentry",
        }
    client.force_login(superuser)
    for user_client in (admin_client, client):
        change = reverse("admin:accounts_adminauditentry_change", args=[entry.pk])
        delete = reverse("admin:accounts_adminauditentry_delete", args=[entry.pk])
        assert user_client.get(reverse("admin:accounts_adminauditentry_add")).status_code == 403
        assert user_client.post(change, {"subject": "x"}).status_code == 403
        assert user_client.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.details == {"first_name": [nurse.first_name, "Endret"]}
    assert Permission.objects.filter(codename="change_adminauditentry").exists()
