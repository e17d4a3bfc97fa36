"""Who is logged in, in terms of the three roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from detox.roles import ROLES, Role


def user_role(user: AbstractBaseUser | AnonymousUser) -> Role | None:
    """The user's role: the first of the role groups the user belongs to, in ROLES order.

    Groups are prefetched by the caller where it matters; one query otherwise.
    """
    if not user.is_authenticated:
        return None
    names = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
    for code, role in ROLES.items():
        if code in names:
            return role
    return None


def has_role(user: AbstractBaseUser | AnonymousUser, *codes: str) -> bool:
    role = user_role(user)
    return role is not None and role.code in codes
