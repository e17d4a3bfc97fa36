"""The only ways a recommendation changes after loading: an administrator's edit and a restore.

Each writes a new version to the recommendation's history (django-simple-history) with the user,
the time and the reason given, which is the audit record of the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinical.guideline.text import Item, normalise_text, search_text
from core.history import save_with_history
from guidelines import permissions
from guidelines.models import Grade, Recommendation

CHANGE_PERMISSION = permissions.CHANGE_RECOMMENDATION
MAX_REASON_LENGTH = 500


class StaleEditError(ValidationError):
    """Someone saved a newer version since the editor opened the form."""


def _check_may_change(user: AbstractBaseUser) -> None:
    if not user.has_perm(CHANGE_PERMISSION):  # type: ignore[attr-defined]
        raise PermissionDenied


def _clean_content(*, text: str, items: Sequence[Item], grade: str) -> tuple[str, list[Item], str]:
    text = normalise_text(text)
    if not text:
        raise ValidationError({"text": _("The text cannot be empty.")})
    if grade not in Grade.values and grade != "":
        allowed = ", ".join([*Grade.values, _("none")])
        raise ValidationError(
            {"grade": _("Unknown grade. Allowed: %(allowed)s.") % {"allowed": allowed}}
        )
    return text, _clean_items(items), grade


def _clean_items(items: Sequence[Item]) -> list[Item]:
    cleaned: list[Item] = []
    for item in items:
        text = normalise_text(item["text"])
        if text:
            cleaned.append({"text": text, "items": _clean_items(item["items"])})
    return cleaned


def _save_version(
    recommendation: Recommendation,
    *,
    text: str,
    items: list[Item],
    grade: str,
    user: AbstractBaseUser,
    reason: str,
    now: dt.datetime,
) -> Recommendation:
    recommendation.text = text
    recommendation.items = items
    recommendation.grade = grade
    recommendation.search_text = search_text(lead_in=recommendation.lead_in, text=text, items=items)
    recommendation.version += 1
    recommendation.changed_at = now
    recommendation.changed_by = user  # type: ignore[assignment]
    save_with_history(recommendation, user=user, reason=reason.strip()[:MAX_REASON_LENGTH], at=now)
    return recommendation


def _require_reason(reason: str) -> None:
    """Every edit and restore of a recommendation says why: the history keeps the reason."""
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Give a reason for the change: it is kept in the history.")}
        )


@transaction.atomic
def recommendation_update(
    *,
    recommendation: Recommendation,
    text: str,
    items: Sequence[Item],
    grade: str,
    user: AbstractBaseUser,
    reason: str = "",
    now: dt.datetime,
    base_version: int | None = None,
) -> Recommendation:
    """Save an administrator's edit of the text, items and grade as a new version.

    ``base_version`` is the version the editor started from; if someone saved since, the edit is
    refused (StaleEditError) rather than silently overwriting theirs. An edit that changes nothing
    is refused too, so the history holds only real changes.
    """
    _check_may_change(user)
    _require_reason(reason)
    locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if base_version is not None and locked.version != base_version:
        raise StaleEditError(
            _(
                "Someone else saved version %(version)s meanwhile; you find it in the history. "
                "Your text is kept in the form: save again to replace that version, or cancel."
            )
            % {"version": locked.version}
        )
    text, cleaned_items, grade = _clean_content(text=text, items=items, grade=grade)
    if (text, cleaned_items, grade) == (locked.text, locked.items, locked.grade):
        raise ValidationError(_("Nothing to save: text, items and grade are unchanged."))
    return _save_version(
        locked, text=text, items=cleaned_items, grade=grade, user=user, reason=reason, now=now
    )


@transaction.atomic
def recommendation_restore(
    *,
    recommendation: Recommendation,
    history_id: int,
    user: AbstractBaseUser,
    reason: str = "",
    now: dt.datetime,
) -> Recommendation:
    """Make an earlier version's text, items and grade current again, as a new version."""
    _check_may_change(user)
    _require_reason(reason)
    locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    try:
        old = locked.history.get(history_id=history_id)
    except locked.history.model.DoesNotExist:
        raise ValidationError(
            {"history_id": _("No such version of %(ref)s.") % {"ref": locked.ref}}
        ) from None
    if (old.text, old.items, old.grade) == (locked.text, locked.items, locked.grade):
        raise ValidationError(_("That version is the same as the current one."))
    when = timezone.localtime(old.history_date)
    default_reason = _("Restored the version of %(date)s (version %(version)s).") % {
        "date": when.date().isoformat(),
        "version": old.version,
    }
    return _save_version(
        locked,
        text=old.text,
        items=old.items,
        grade=old.grade,
        user=user,
        reason=f"{default_reason} {reason.strip()}",
        now=now,
    )
