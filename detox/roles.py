"""The three roles, as Django groups with permissions.

Role codes are stable identifiers (group names); the labels are what people read. Permissions are
listed per role as ``app_label.codename``; ``sync_roles`` (run after every migrate) makes the groups
match this table, so a new model's permissions reach the roles through a change to this file.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    label: Promise
    start_url_name: str
    permissions: tuple[str, ...]


CLINICIAN = "clinician"
NURSE = "nurse"
ADMINISTRATOR = "administrator"

ROLES: dict[str, Role] = {
    CLINICIAN: Role(
        code=CLINICIAN,
        label=_("Clinician"),
        start_url_name="start-clinician",
        permissions=(),
    ),
    NURSE: Role(
        code=NURSE,
        label=_("Nurse"),
        start_url_name="start-nurse",
        permissions=(),
    ),
    ADMINISTRATOR: Role(
        code=ADMINISTRATOR,
        label=_("Administrator"),
        start_url_name="start-administrator",
        permissions=(),
    ),
}


def sync_roles() -> None:
    """Create the role groups and give each exactly the permissions listed above (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for role in ROLES.values():
        group, _created = Group.objects.get_or_create(name=role.code)
        wanted: list[Permission] = []
        for dotted in role.permissions:
            app_label, codename = dotted.split(".", 1)
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)
