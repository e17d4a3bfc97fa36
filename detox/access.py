"""Who is logged in, in terms of the three roles."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from detox.roles import ROLES, Role

_ROLE_ATTRIBUTE = "_detox_role"
_UNKNOWN = object()


def user_role(user: AbstractBaseUser | AnonymousUser) -> Role | None:
    """The user's role: the first of the role groups the user belongs to, in ROLES order.

    One query per user object, remembered on it (as Django remembers permissions in
    ``_perm_cache``): a page asks several times (the navigation, the unit's records) and each
    request loads its user afresh.
    """
    if not user.is_authenticated:
        return None
    known = getattr(user, _ROLE_ATTRIBUTE, _UNKNOWN)
    if known is not _UNKNOWN:
        return cast("Role | None", known)
    names = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
    role = next((role for code, role in ROLES.items() if code in names), None)
    setattr(user, _ROLE_ATTRIBUTE, role)
    return role


def has_role(user: AbstractBaseUser | AnonymousUser, *codes: str) -> bool:
    role = user_role(user)
    return role is not None and role.code in codes
