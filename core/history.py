"""Row versions kept by django-simple-history: who saved a row, why, and a row as it stood.

The versioned records (patient, intake, discharge checklist, recommendation, ...) keep every
saved version so a stale form can be refused with what changed since (``core.concurrency``).
django-simple-history reads the author and the reason from attributes set on the instance
before ``save``/``delete``; this module is the one place that sets them, so services say
``save_with_history(row, user=..., reason=...)`` and never touch the library's hooks.
The domain events (who, when, what, old → new, reason) are ``patients.events.record_event``;
these versions are what the concurrency check and the admin's history read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models


def _mark(
    instance: models.Model,
    user: AbstractBaseUser | AnonymousUser | None,
    reason: str | None,
    at: dt.datetime | None,
) -> None:
    # The hooks django-simple-history documents for setting the history row's user, reason and
    # date ("Manually Track User Model", "Change Reason" in its documentation).
    instance._history_user = user  # type: ignore[attr-defined]
    instance._change_reason = (reason or "").strip() or None  # type: ignore[attr-defined]
    if at is not None:
        instance._history_date = at  # type: ignore[attr-defined]


def save_with_history(
    instance: models.Model,
    *,
    user: AbstractBaseUser | AnonymousUser | None,
    reason: str | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Save ``instance``; its history row names ``user``, the ``reason`` and (if given) ``at``."""
    _mark(instance, user, reason, at)
    instance.save()


def delete_with_history(
    instance: models.Model,
    *,
    user: AbstractBaseUser | AnonymousUser | None,
    reason: str | None = None,
) -> None:
    """Delete ``instance``; the history keeps its last state with who deleted it and why."""
    _mark(instance, user, reason, None)
    instance.delete()


def state_at_version(
    parent: models.Model, version: int, rows: Any, *, parent_field: str
) -> tuple[Any | None, list[Any]]:
    """A versioned record as it stood at ``version``, with its child rows at that moment.

    ``parent`` has a ``version`` counter and a simple-history ``history``; ``rows`` is the child
    model's history manager (``DischargeItem.history``) whose rows point at the parent through
    ``parent_field``. Returns the parent's history record at that version (``None`` before the
    first or when it is unknown) and the child rows that existed then (history records,
    oldest first), each in its latest state before the next version of the parent.
    """
    if version <= 0:
        return None, []
    history = parent.history.order_by("history_date", "history_id")  # type: ignore[attr-defined]
    record = history.filter(version=version).last()
    if record is None:
        return None, []
    later = history.filter(version__gt=version).first()
    children = rows.filter(**{f"{parent_field}_id": parent.pk})
    if later is not None:
        children = children.filter(history_date__lt=later.history_date)
    latest: dict[int, Any] = {}
    for row in children.order_by("history_date", "history_id"):
        latest[row.id] = row
    return record, [row for row in latest.values() if row.history_type != "-"]
