"""Who is logged in, in terms of the three roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from accounts.grants import grants_of
from accounts.roles import ROLES, Role


def user_role(user: AbstractBaseUser | AnonymousUser) -> Role | None:
    """The user's role: the first of the role groups the user belongs to, in ROLES order.

    Read with the user's permissions (``accounts.grants``): cached across requests, and remembered
    on the user object for the rest of the request. An inactive user has no role.
    """
    names = grants_of(user).groups
    return next((role for code, role in ROLES.items() if code in names), None)


def has_role(user: AbstractBaseUser | AnonymousUser, *codes: str) -> bool:
    role = user_role(user)
    return role is not None and role.code in codes


def unit_ids(user: AbstractBaseUser | AnonymousUser) -> frozenset[int]:
    """The units the user is staff of (cached with the role, ``accounts.grants``)."""
    return grants_of(user).units
