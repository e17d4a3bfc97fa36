"""The discharge checklist's service: the checklist as it now stands, with who, when and why.

Writes one event on the episode's audit trail (``patients.events.record_event``) with the values
that changed, old → new, and the access log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from clinical import discharge
from core.history import save_with_history, state_at_version
from patients.concurrency import FieldChange, check_version, diff
from patients.events import record_event
from patients.models import AccessAction, Episode
from plans.models import DischargeChecklist, DischargeItem, PlanEventKind
from plans.services._common import locked_episode, log_access


def _checklist_errors(
    done: Mapping[str, bool], appointment_at: datetime | None, contact: str
) -> None:
    errors = discharge.checklist_errors(done, appointment_at, contact)
    if errors:
        raise ValidationError({error.field: gettext(error.message) for error in errors})


@transaction.atomic
def discharge_checklist_update(
    *,
    episode: Episode,
    user: User,
    done: Mapping[str, bool],
    notes: Mapping[str, str] | None = None,
    appointment_at: datetime | None = None,
    appointment_contact: str = "",
    appointment_place: str = "",
    unplanned_discharge: bool = False,
    general_notes: str = "",
    reason: str = "",
    planned_discharge_at: datetime | None = None,
    now: datetime | None = None,
    request: HttpRequest | None = None,
    base_version: int | None = None,
) -> DischargeChecklist:
    """Record the checklist as it now stands: items done (who and when), the appointment, the
    planned discharge ("time i hånden" is counted from it until the discharge is recorded).

    Undoing an item that was done, or changing an appointment already recorded, is a correction
    and needs a reason; the history keeps the earlier state.

    ``base_version`` is the checklist's version the editor started from (0: none yet); if someone
    saved since, nothing is written and ``StaleEditError`` says what changed (``None`` skips the
    check: scripts).
    """
    moment = now or timezone.now()
    item_notes = dict(notes or {})
    unknown = set(item_notes) - set(discharge.ITEM_CODES)
    if unknown:
        raise ValueError(f"unknown checklist items: {sorted(unknown)}")
    contact = appointment_contact.strip()
    if planned_discharge_at is not None and timezone.is_naive(planned_discharge_at):
        raise ValueError("planned_discharge_at must be timezone-aware")
    _checklist_errors(done, appointment_at, contact)
    locked = locked_episode(episode)
    checklist = DischargeChecklist.objects.select_for_update().filter(episode=locked).first()
    _check_checklist_version(checklist, base_version)
    existing = {item.code: item for item in checklist.items.all()} if checklist else {}
    undone = [code for code, item in existing.items() if item.done and not done.get(code, False)]
    appointment_changed = (
        checklist is not None
        and checklist.appointment_at is not None
        and (checklist.appointment_at != appointment_at or checklist.appointment_contact != contact)
    )
    text = reason.strip()
    if (undone or appointment_changed) and not text:
        raise ValidationError(
            {
                "reason": gettext(
                    "You are undoing or changing what was recorded: give the reason for the "
                    "correction."
                )
            }
        )
    if checklist is None:
        checklist = DischargeChecklist(episode=locked, version=0)
    before = _checklist_state(checklist, existing)
    checklist.version += 1
    checklist.planned_discharge_at = planned_discharge_at
    checklist.appointment_at = appointment_at
    checklist.appointment_contact = contact
    checklist.appointment_place = appointment_place.strip()
    checklist.unplanned_discharge = unplanned_discharge
    checklist.notes = general_notes.strip()
    checklist.updated_by = user
    checklist.updated_at = moment
    save_with_history(checklist, user=user, reason=text)
    for code in discharge.ITEM_CODES:
        _item_update(
            checklist,
            existing.get(code),
            code,
            done=done.get(code, False),
            note=item_notes.get(code, ""),
            user=user,
            now=moment,
            reason=text,
        )
    after = _checklist_state(checklist, {i.code: i for i in checklist.items.all()})
    changes = {key: {"old": before.get(key), "new": value} for key, value in after.items()}
    changes = {key: value for key, value in changes.items() if value["old"] != value["new"]}
    record_event(
        locked,
        PlanEventKind.DISCHARGE_UPDATED,
        user,
        at=moment,
        subject="discharge_checklist",
        old={key: value["old"] for key, value in changes.items()},
        new={key: value["new"] for key, value in changes.items()},
        reason=text,
        details={"changes": changes, "version": checklist.version},
    )
    log_access(user, locked, AccessAction.UPDATE, "discharge checklist", request)
    return checklist


_CHECKLIST_FIELDS: Final = (
    "planned_discharge_at",
    "appointment_at",
    "appointment_contact",
    "appointment_place",
    "unplanned_discharge",
    "notes",
)


def _check_checklist_version(
    checklist: DischargeChecklist | None, base_version: int | None
) -> None:
    """Refused if the checklist is no longer at ``base_version``; the changes are keyed by the
    form's field names (``done_<code>``, ``note_<code>``, ``notes``...)."""
    if checklist is None:
        check_version(stored=None, base=base_version, changes=list, saved_by=None, saved_at=None)
        return
    current = checklist

    def changes() -> list[FieldChange]:
        return diff(_checklist_at(current, base_version or 0), _checklist_form_state(current))

    check_version(
        stored=checklist.version,
        base=base_version,
        changes=changes,
        saved_by=checklist.updated_by,
        saved_at=checklist.updated_at,
    )


def _checklist_form_state(checklist: Any, items: Iterable[Any] | None = None) -> dict[str, Any]:
    state: dict[str, Any] = {name: getattr(checklist, name) for name in _CHECKLIST_FIELDS}
    rows = {item.code: item for item in (checklist.items.all() if items is None else items)}
    for code in discharge.ITEM_CODES:
        row = rows.get(code)
        state[f"done_{code}"] = bool(row and row.done)
        state[f"note_{code}"] = row.note if row else ""
    return state


def _checklist_at(checklist: DischargeChecklist, version: int) -> dict[str, Any]:
    """The checklist as it stood at ``version``, from the history (blank before the first)."""
    record, items = state_at_version(
        checklist, version, DischargeItem.history, parent_field="checklist"
    )
    if record is None:
        return _checklist_form_state(DischargeChecklist(), [])
    return _checklist_form_state(record, items)


def _checklist_state(
    checklist: DischargeChecklist, items: Mapping[str, DischargeItem]
) -> dict[str, Any]:
    state: dict[str, Any] = {code: item.done for code, item in items.items()}
    if checklist.pk:
        at = checklist.appointment_at
        state["appointment_at"] = at.isoformat() if at else None
        state["appointment_contact"] = checklist.appointment_contact
        state["unplanned_discharge"] = checklist.unplanned_discharge
        planned = checklist.planned_discharge_at
        state["planned_discharge_at"] = planned.isoformat() if planned else None
    return state


def _item_update(
    checklist: DischargeChecklist,
    item: DischargeItem | None,
    code: str,
    *,
    done: bool,
    note: str,
    user: User,
    now: datetime,
    reason: str,
) -> None:
    row = item or DischargeItem(checklist=checklist, code=code)
    note = note.strip()
    if row.pk and row.done == done and row.note == note:
        return
    if done and not row.done:
        row.done_by, row.done_at = user, now
    elif not done:
        row.done_by, row.done_at = None, None
    row.done, row.note = done, note
    save_with_history(row, user=user, reason=reason)
