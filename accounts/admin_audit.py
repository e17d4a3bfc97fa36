"""The administration log: every change to an account, its role, its password, a unit's staff or an
API token, written by the one service function that makes the change (issue 12, item 3).

The log is append-only (``accounts.models.AdminAuditEntry``): nothing here updates or deletes an
entry, no role holds a permission to, and the admin shows it read-only to everyone.

Passwords: nobody sets another person's password for good. Whoever sets it (an administrator in
the admin, or when creating the account) sets a *one-time* password: its holder must choose a new
one at the next login before doing anything else (``PasswordChangeRequiredMiddleware``), and the
log says who set it and when.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from rest_framework.authtoken.models import Token

from accounts.models import AdminAuditAction, AdminAuditEntry, PasswordChangeRequired

# The session remembers that its user must change the password (set at login): the middleware
# reads it from the session, with no query on every request.
PASSWORD_CHANGE_SESSION_KEY: Final = "_detox_password_change_required"  # noqa: S105

# The account fields whose changes the log records (besides groups, which it lists by name).
AUDITED_USER_FIELDS: Final = (
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
)


def record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: AdminAuditAction,
    subject_id: int | None,
    subject: str,
    details: Mapping[str, Any],
    now: datetime,
) -> AdminAuditEntry:
    """Append one entry to the administration log."""
    known = actor is not None and actor.is_authenticated
    return AdminAuditEntry.objects.create(
        at=now,
        actor_id=actor.pk if known and actor is not None else None,
        actor=actor.get_username() if known and actor is not None else "",
        action=action,
        subject_id=subject_id,
        subject=subject[:150],
        details=dict(details),
    )


def user_state(user: User) -> dict[str, Any]:
    """What the log compares before and after a change to an account (from the database)."""
    fresh = User.objects.get(pk=user.pk)
    state: dict[str, Any] = {field: getattr(fresh, field) for field in AUDITED_USER_FIELDS}
    state["groups"] = sorted(fresh.groups.values_list("name", flat=True))
    return state


def _difference(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for field, new in after.items():
        old = before.get(field)
        if field == "groups":
            added = sorted(set(new) - set(old or ()))
            removed = sorted(set(old or ()) - set(new))
            if added or removed:
                changes["groups"] = {"added": added, "removed": removed}
        elif old != new:
            changes[field] = [old, new]
    return changes


def account_saved(
    *,
    actor: AbstractBaseUser | AnonymousUser,
    user: User,
    before: Mapping[str, Any] | None,
    now: datetime,
) -> AdminAuditEntry | None:
    """Log an account created (``before`` is None) or changed; an unchanged save logs nothing."""
    after = user_state(user)
    if before is None:
        return record(
            actor=actor,
            action=AdminAuditAction.USER_ADDED,
            subject_id=user.pk,
            subject=user.get_username(),
            details=after,
            now=now,
        )
    changes = _difference(before, after)
    if not changes:
        return None
    return record(
        actor=actor,
        action=AdminAuditAction.USER_CHANGED,
        subject_id=user.pk,
        subject=user.get_username(),
        details=changes,
        now=now,
    )


def account_deleted(
    *, actor: AbstractBaseUser | AnonymousUser, user: User, now: datetime
) -> AdminAuditEntry:
    return record(
        actor=actor,
        action=AdminAuditAction.USER_DELETED,
        subject_id=user.pk,
        subject=user.get_username(),
        details=user_state(user),
        now=now,
    )


@transaction.atomic
def one_time_password_set(
    *, actor: AbstractBaseUser | AnonymousUser, user: User, now: datetime
) -> AdminAuditEntry:
    """``user``'s password was just set by ``actor``, someone else: it is a one-time password,
    which its holder must replace at the next login."""
    set_by = actor.get_username() if actor.is_authenticated else ""
    PasswordChangeRequired.objects.update_or_create(
        user=user, defaults={"set_at": now, "set_by": set_by}
    )
    return record(
        actor=actor,
        action=AdminAuditAction.PASSWORD_SET,
        subject_id=user.pk,
        subject=user.get_username(),
        details={"usable": user.has_usable_password()},
        now=now,
    )


def must_change_password(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and PasswordChangeRequired.objects.filter(user_id=user.pk).exists()


@transaction.atomic
def password_changed_by_holder(*, user: User, now: datetime) -> AdminAuditEntry:
    """The holder chose their own password: any one-time password is gone."""
    PasswordChangeRequired.objects.filter(user=user).delete()
    return record(
        actor=user,
        action=AdminAuditAction.PASSWORD_CHANGED,
        subject_id=user.pk,
        subject=user.get_username(),
        details={},
        now=now,
    )


def unit_staff_changed(
    *,
    actor: AbstractBaseUser | AnonymousUser,
    unit_id: int,
    unit_name: str,
    before: Iterable[str],
    after: Iterable[str],
    now: datetime,
) -> AdminAuditEntry | None:
    """Log who joined and who left a unit's staff (usernames); no change logs nothing."""
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    if not added and not removed:
        return None
    return record(
        actor=actor,
        action=AdminAuditAction.UNIT_STAFF_CHANGED,
        subject_id=unit_id,
        subject=unit_name,
        details={"added": added, "removed": removed},
        now=now,
    )


@transaction.atomic
def token_revoke(
    *, actor: AbstractBaseUser | AnonymousUser, token: Token, now: datetime
) -> AdminAuditEntry:
    """Revoke an API token (its holder's or, in the admin, anyone's): it stops working at once."""
    holder = token.user
    created = token.created
    token.delete()
    return record(
        actor=actor,
        action=AdminAuditAction.TOKEN_REVOKED,
        subject_id=holder.pk,
        subject=holder.get_username(),
        details={"created": created.isoformat()},
        now=now,
    )


def _mark_session_at_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None and must_change_password(user):
        session[PASSWORD_CHANGE_SESSION_KEY] = True


def connect_signals() -> None:
    """A login with a one-time password marks the session (``detox.apps.DetoxConfig.ready``)."""
    user_logged_in.connect(_mark_session_at_login, dispatch_uid="detox-one-time-password")
