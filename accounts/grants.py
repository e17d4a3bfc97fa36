"""What a user is allowed to do (role groups, permissions, units), cached across requests.

Every page and API call asks for the user's permissions (``has_perm``), role (the navigation) and
units (whose records the user may see). Django's ``ModelBackend`` and the unit filter read them
with four queries on every request; here they are read once, kept in the cache (Redis in a
deployment), and shared by all processes until anything about them changes.

Invalidation is global, not per user: any change to a user, a group, a permission, a unit or one
of their links replaces the ``grants`` generation (``accounts.generations``), and entries of an
older generation are never read again. Changes are rare (a role is granted, a user is
deactivated, a login stamps ``last_login``); reading the permissions is on every request.

``GRANTS_CACHE_SECONDS`` (5) bounds an entry's life whatever happened to the generation: a change
that bypassed the ORM (raw SQL), or one made while Redis refuses writes (out of memory with
``noeviction``, a read-only replica after a failover). Then the new generation cannot be stored,
and every process would go on reading the entries cached before the change; no entry outlives
``GRANTS_CACHE_SECONDS``, and entries cannot be written anew while writes are refused, so the
change takes effect within those seconds (issue 12, item 9). While Redis is unreachable nothing is
read from it at all: every request reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.core.cache import cache
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from accounts import generations
from accounts.remembered import Remembered

KIND: Final = "grants"
# The layout's version is part of the key: a deployment that changes Grants never reads an entry
# an older release cached (unpickled, it would lack the new fields).
_ENTRY_KEY: Final = "detox:grants:2:{generation}:{user}:{joined}"
_ON_USER: Final = "_detox_grants"


@dataclass(frozen=True)
class Grants:
    """A user's group names, permissions (``app_label.codename``, as Django checks them) and the
    ids of the units the user is staff of (``Unit.staff``, which decides whose records they see).
    """

    groups: frozenset[str]
    permissions: frozenset[str]
    units: frozenset[int] = frozenset()


def invalidate() -> None:
    """Every user's cached grants are stale from now on, in every process."""
    generations.replace(KIND)


def _load(user: Any) -> Grants:
    groups = frozenset(user.groups.values_list("name", flat=True))
    # ModelBackend's own reading: the user's and the user's groups' permissions, or every one
    # for a superuser.
    permissions = frozenset(ModelBackend().get_all_permissions(user))
    units = frozenset(user.units.values_list("pk", flat=True))  # patients.Unit.staff
    return Grants(groups=groups, permissions=permissions, units=units)


def grants_of(user: AbstractBaseUser | AnonymousUser) -> Grants:
    """The user's grants: remembered on the user object, else from the cache, else the database.

    Inactive and anonymous users have none, as with ``ModelBackend``.
    """
    if not user.is_authenticated or not user.is_active:
        return Grants(groups=frozenset(), permissions=frozenset())
    known: Grants | None = getattr(user, _ON_USER, None)
    if known is not None:
        return known
    # The join date (to the microsecond) tells a user from an earlier one with the same id, in a
    # database whose ids are reused (SQLite after a rollback).
    joined = getattr(user, "date_joined", None)
    key = _ENTRY_KEY.format(
        generation=generations.current(KIND),
        user=user.pk,
        joined=joined.timestamp() if joined else "",
    )
    grants: Grants | None = cache.get(key)
    if grants is None:
        grants = _load(user)
        cache.set(key, grants, timeout=settings.GRANTS_CACHE_SECONDS)
    setattr(user, _ON_USER, grants)
    return grants


# The user behind each session, by id, as read under the grants generation: every change to a
# user (deactivation, a password, a role, a login's ``last_login``) replaces that generation.
_session_users: Remembered[Any] = Remembered(KIND)


class CachedPermissionBackend(ModelBackend):
    """``ModelBackend`` with the permissions read through :func:`grants_of`, and the session's
    user remembered by each process until anything about users changes (no query per page).

    Authentication (the password check) and the per-object answers are ModelBackend's own.
    """

    def get_user(self, user_id: Any) -> Any:
        generation = _session_users.generation()
        key = str(user_id)
        user = _session_users.get(key, generation)
        if user is None:
            user = super().get_user(user_id)
            if user is None:
                return None
            _session_users.put(key, generation, user)
        return user

    def get_all_permissions(
        self, user_obj: AbstractBaseUser | AnonymousUser, obj: Model | None = None
    ) -> set[str]:
        if obj is not None:
            return set()
        return set(grants_of(user_obj).permissions)


def _changed(sender: type[Model], **kwargs: Any) -> None:
    invalidate()


def connect_signals() -> None:
    """Any change to users, groups, permissions or their links starts a new generation."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    for model in (user_model, Group, Permission):
        watch(model)
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"grants-m2m-{through.__name__}")


def watch(model: type[Model], *, links: tuple[type[Model], ...] = ()) -> None:
    """Start a new generation whenever ``model`` (or one of its many-to-many ``links``) changes.

    An app above accounts whose rows decide access registers them here (patients: a unit and
    its staff), so accounts imports none of them.
    """
    post_save.connect(_changed, sender=model, dispatch_uid=f"grants-save-{model.__name__}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"grants-del-{model.__name__}")
    for through in links:
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"grants-m2m-{through.__name__}")
