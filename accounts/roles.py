"""The three roles, as Django groups with permissions.

Role codes are stable identifiers (group names); the labels are what people read. Each app lists
what its models allow each role in ``<app>/permissions.py`` as
``ROLE_PERMISSIONS = {"nurse": ("app.codename", ...)}``; ``sync_roles`` (run after every migrate)
makes the groups match exactly, so a permission reaches a role only through a line in those files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    label: Promise
    start_url_name: str
    permissions: tuple[str, ...]


# The user-admin permissions an administrator holds (Django's own auth app): named once, here.
VIEW_USER: Final = "auth.view_user"
ADD_USER: Final = "auth.add_user"
CHANGE_USER: Final = "auth.change_user"
VIEW_GROUP: Final = "auth.view_group"
# The administration log (read-only for everyone) and revoking API tokens (issue 12).
VIEW_ADMIN_AUDIT: Final = "accounts.view_adminauditentry"
VIEW_API_TOKEN: Final = "authtoken.view_tokenproxy"  # noqa: S105 (a permission name)
DELETE_API_TOKEN: Final = "authtoken.delete_tokenproxy"  # noqa: S105

CLINICIAN = "clinician"
NURSE = "nurse"
ADMINISTRATOR = "administrator"

ROLES: dict[str, Role] = {
    CLINICIAN: Role(
        code=CLINICIAN,
        label=_("Clinician"),
        start_url_name="patient-list",
        permissions=(),
    ),
    NURSE: Role(
        code=NURSE,
        label=_("Nurse"),
        start_url_name="ward-board",
        permissions=(),
    ),
    ADMINISTRATOR: Role(
        code=ADMINISTRATOR,
        label=_("Administrator"),
        start_url_name="start-administrator",
        # Users and their roles are managed in the Django admin.
        permissions=(
            VIEW_USER,
            ADD_USER,
            CHANGE_USER,
            VIEW_GROUP,
            VIEW_ADMIN_AUDIT,
            VIEW_API_TOKEN,
            DELETE_API_TOKEN,
        ),
    ),
}


PERMISSION_MODULES = (
    "guidelines.permissions",
    "patients.permissions",
    "scoring.permissions",
    "plans.permissions",
)


def role_permissions(role: Role) -> tuple[str, ...]:
    """Every ``app_label.codename`` the role holds: its own list plus each app's."""
    from importlib import import_module
    from importlib.util import find_spec

    dotted = list(role.permissions)
    for module_name in PERMISSION_MODULES:
        if find_spec(module_name) is None:
            continue
        table: dict[str, tuple[str, ...]] = import_module(module_name).ROLE_PERMISSIONS
        dotted.extend(table.get(role.code, ()))
    return tuple(dotted)


def sync_roles() -> None:
    """Create the role groups and give each exactly the permissions listed (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for role in ROLES.values():
        group, _created = Group.objects.get_or_create(name=role.code)
        wanted: list[Permission] = []
        for dotted in role_permissions(role):
            app_label, codename = dotted.split(".", 1)
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)
