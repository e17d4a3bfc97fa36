"""Every change to the episode's plan: one function each, atomic, writing its own audit record.

- Medication plan lines: ``medication_plan_line_accept`` / ``_adjust`` / ``_remove``; taper
  schedules: ``taper_schedule_accept``. Each bumps the plan's version and stores a snapshot of the
  whole plan (``MedicationPlanVersion``), so earlier versions stay readable.
- The discharge checklist: ``discharge_checklist_update`` (the history keeps every earlier state).
- Care-plan PDFs: ``care_plan_request`` (web), then ``care_plan_generate`` / ``care_plan_fail``
  (the worker, through ``plans.tasks.generate_care_plan``); ``care_plan_defer`` when the queue
  cannot be reached and ``care_plans_requeue`` (the periodic sweep) to send such care plans again.

Each writes a ``PlanEvent`` and the access log (``patients.services.access_log_record``). Bad
input raises ``django.core.exceptions.ValidationError`` with a dict naming the field, before
anything is stored. Messages are translated in the active language.

Tasks import services, never the reverse: ``care_plan_request`` is given the task to queue (the
caller passes ``plans.tasks.generate_care_plan``), so this module does not import the task module.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Final, Protocol

from celery.exceptions import Retry
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import OperationalError as DatabaseOperationalError
from django.db import transaction
from django.db.models import F, Max, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from kombu.exceptions import OperationalError as QueueUnreachable

from clinical import discharge
from clinical.tapers import TaperInputError, TaperPlan, taper_plan
from patients.concurrency import FieldChange, check_version, diff
from patients.models import AccessAction, Episode
from patients.services import access_log_record
from plans.care_plan import care_plan_document
from plans.models import (
    CarePlan,
    CarePlanError,
    CarePlanStatus,
    DischargeChecklist,
    DischargeItem,
    MedicationPlan,
    MedicationPlanVersion,
    PlanEvent,
    PlanEventKind,
    PlanLine,
    PlanLineKind,
    PlanLineStatus,
    TaperSchedule,
)
from plans.selectors import guideline_edition_label

logger = logging.getLogger(__name__)

# A worker that claimed a care plan this long ago and has not finished is taken to have died
# (acks_late redelivers its message; this lets the redelivered task claim the row again).
CLAIM_TIMEOUT: Final = timedelta(minutes=10)
# A pending care plan that no worker has picked up this long after it was asked for is sent again
# (its message was lost: say, the broker restarted without saving its queue).
REQUEUE_AFTER: Final = timedelta(minutes=10)
# Tries of one care plan (claims: retries and redeliveries after a lost worker) before it fails.
CARE_PLAN_MAX_ATTEMPTS: Final = 10
TEST_DELAY_ENV: Final = "AVRUSNING_TEST_TASK_DELAY"
ADJUSTABLE_FIELDS: Final = ("dose", "schedule", "note")
ERROR_DETAIL_MAX: Final = 500
# Errors worth retrying: the database or the file store did not answer (network, disk, restart).
TRANSIENT_ERRORS: Final = (DatabaseOperationalError, OSError)


class Enqueue(Protocol):
    """What ``care_plan_request`` needs of the task: Celery's ``delay``."""

    def delay(self, care_plan_id: int, /) -> object: ...


def _event(
    episode: Episode,
    kind: PlanEventKind,
    user: User,
    *,
    now: datetime,
    reason: str = "",
    details: Mapping[str, Any] | None = None,
) -> PlanEvent:
    return PlanEvent.objects.create(
        episode=episode, kind=kind, at=now, by=user, reason=reason, details=dict(details or {})
    )


def _log(
    user: User, episode: Episode, action: AccessAction, what: str, request: HttpRequest | None
) -> None:
    access_log_record(user=user, patient=episode.patient, action=action, what=what, request=request)


def _locked_episode(episode: Episode) -> Episode:
    """The episode under a row lock: plan changes to one episode happen one at a time."""
    return Episode.objects.select_for_update().select_related("patient").get(pk=episode.pk)


def _require_open(episode: Episode) -> None:
    if not episode.is_open:
        raise ValidationError(
            gettext("The episode is closed (%(status)s): its medication plan cannot change.")
            % {"status": episode.get_status_display()},
            code="closed",
        )


def _reason(reason: str, message: str) -> str:
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": message})
    return text


# --- Medication plan --------------------------------------------------------------------------


def _plan(episode: Episode) -> MedicationPlan:
    plan, _created = MedicationPlan.objects.get_or_create(episode=episode)
    return plan


def _user_dict(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.get_username(), "name": user.get_full_name()}


def plan_snapshot(plan: MedicationPlan) -> dict[str, Any]:
    """The whole plan as JSON-ready data: every line as decided, and the current tapers."""
    lines = plan.lines.select_related("decided_by").order_by("kind", "pk")
    tapers = TaperSchedule.objects.filter(line__plan=plan, replaced_at__isnull=True).order_by("pk")
    return {
        "version": plan.version,
        "lines": [
            {
                "code": line.code,
                "kind": line.kind,
                "status": line.status,
                "source": line.source,
                "adjusted": line.adjusted,
                "reason": line.reason,
                "refs": line.refs,
                "decided_by": _user_dict(line.decided_by),
                "decided_at": line.decided_at.isoformat(),
            }
            for line in lines
        ],
        "tapers": [
            {
                "line": taper.line.code,
                "regimen": taper.regimen,
                "taper_drug": taper.taper_drug,
                "start_date": taper.start_date.isoformat(),
                "request": taper.request,
            }
            for taper in tapers.select_related("line")
        ],
    }


def _new_version(
    plan: MedicationPlan, *, change: PlanEventKind, line: PlanLine, reason: str, user: User
) -> MedicationPlanVersion:
    MedicationPlan.objects.filter(pk=plan.pk).update(version=F("version") + 1)
    plan.refresh_from_db(fields=["version"])
    return MedicationPlanVersion.objects.create(
        plan=plan,
        version=plan.version,
        change=change,
        line_code=line.code,
        reason=reason,
        snapshot=plan_snapshot(plan),
        created_by=user,
        created_at=line.decided_at,
    )


def _check_proposal(proposal: Mapping[str, Any]) -> tuple[str, list[str]]:
    code = proposal.get("code")
    refs = proposal.get("refs")
    if not isinstance(code, str) or not code or not isinstance(refs, list):
        raise ValueError("a proposal has a code and a list of refs")
    return code, [str(ref) for ref in refs]


_LINE_EVENTS: Final[Mapping[str, PlanEventKind]] = {
    PlanLineStatus.ACCEPTED: PlanEventKind.LINE_ACCEPTED,
    PlanLineStatus.ADJUSTED: PlanEventKind.LINE_ADJUSTED,
    PlanLineStatus.REMOVED: PlanEventKind.LINE_REMOVED,
}


def _line_save(
    plan: MedicationPlan,
    *,
    proposal: Mapping[str, Any],
    kind: PlanLineKind,
    status: PlanLineStatus,
    adjusted: Mapping[str, str] | None,
    reason: str,
    user: User,
    now: datetime,
) -> PlanLine:
    """The plan's line for the proposal, created or updated to the decision (one per code)."""
    code, refs = _check_proposal(proposal)
    line = PlanLine.objects.filter(plan=plan, code=code).first() or PlanLine(
        plan=plan, code=code, kind=kind
    )
    if line.pk and line.kind != kind:
        raise ValueError(f"{code} is a {line.kind} line, not {kind}")
    line.source = dict(proposal)
    line.status = status
    line.adjusted = dict(adjusted) if adjusted is not None else None
    line.reason = reason
    line.refs = refs
    line.decided_by = user
    line.decided_at = now
    line.save()
    return line


def _record(
    episode: Episode,
    plan: MedicationPlan,
    *,
    change: PlanEventKind,
    line: PlanLine,
    user: User,
    now: datetime,
    request: HttpRequest | None,
    details: Mapping[str, Any] | None = None,
) -> MedicationPlanVersion:
    """After a change: the plan's new version, the plan event and the access log."""
    version = _new_version(plan, change=change, line=line, reason=line.reason, user=user)
    _event(
        episode,
        change,
        user,
        now=now,
        reason=line.reason,
        details={
            "code": line.code,
            "version": version.version,
            "adjusted": line.adjusted,
            **(details or {}),
        },
    )
    _log(user, episode, AccessAction.UPDATE, "medication plan", request)
    return version


def _decide(
    *,
    episode: Episode,
    proposal: Mapping[str, Any],
    kind: PlanLineKind,
    status: PlanLineStatus,
    adjusted: Mapping[str, str] | None,
    reason: str,
    user: User,
    now: datetime,
    request: HttpRequest | None,
) -> PlanLine:
    locked = _locked_episode(episode)
    _require_open(locked)
    plan = _plan(locked)
    line = _line_save(
        plan,
        proposal=proposal,
        kind=kind,
        status=status,
        adjusted=adjusted,
        reason=reason,
        user=user,
        now=now,
    )
    _record(
        locked, plan, change=_LINE_EVENTS[status], line=line, user=user, now=now, request=request
    )
    return line


@transaction.atomic
def medication_plan_line_accept(
    *,
    episode: Episode,
    proposal: Mapping[str, Any],
    user: User,
    kind: PlanLineKind = PlanLineKind.REGIMEN,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> PlanLine:
    """Put a proposal into the plan as proposed (``proposal``: ``PlanLine.to_dict()``)."""
    return _decide(
        episode=episode,
        proposal=proposal,
        kind=kind,
        status=PlanLineStatus.ACCEPTED,
        adjusted=None,
        reason="",
        user=user,
        now=now or timezone.now(),
        request=request,
    )


@transaction.atomic
def medication_plan_line_adjust(
    *,
    episode: Episode,
    proposal: Mapping[str, Any],
    adjusted: Mapping[str, str],
    reason: str,
    user: User,
    kind: PlanLineKind = PlanLineKind.REGIMEN,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> PlanLine:
    """Put a proposal into the plan with changes (dose, schedule, note) and the reason for them."""
    unknown = set(adjusted) - set(ADJUSTABLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown adjusted fields: {sorted(unknown)}")
    values = {name: value.strip() for name, value in adjusted.items() if value and value.strip()}
    errors: dict[str, str] = {}
    if not values:
        errors["adjusted"] = gettext("Say what you changed: the dose, the schedule or a note.")
    if not reason.strip():
        errors["reason"] = gettext(
            "An adjustment needs a written reason (the guideline, 2.13, asks for it)."
        )
    if errors:
        raise ValidationError(errors)
    return _decide(
        episode=episode,
        proposal=proposal,
        kind=kind,
        status=PlanLineStatus.ADJUSTED,
        adjusted=values,
        reason=reason.strip(),
        user=user,
        now=now or timezone.now(),
        request=request,
    )


@transaction.atomic
def medication_plan_line_remove(
    *,
    episode: Episode,
    proposal: Mapping[str, Any],
    reason: str,
    user: User,
    kind: PlanLineKind = PlanLineKind.REGIMEN,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> PlanLine:
    """Leave a proposal out of the plan, or take an accepted line out, with the reason."""
    text = _reason(
        reason, gettext("Removing a proposal needs a written reason (the guideline, 2.13).")
    )
    return _decide(
        episode=episode,
        proposal=proposal,
        kind=kind,
        status=PlanLineStatus.REMOVED,
        adjusted=None,
        reason=text,
        user=user,
        now=now or timezone.now(),
        request=request,
    )


def taper_errors(error: TaperInputError) -> ValidationError:
    """The engine's field errors as a ValidationError keyed by the request's field names."""
    errors: dict[str, list[str]] = {}
    for item in error.field_errors:
        text = gettext(item.message) % dict(item.params) if item.params else gettext(item.message)
        errors.setdefault(item.field, []).append(text)
    return ValidationError(errors)


def _taper_source(request_data: Mapping[str, Any], computed: TaperPlan) -> dict[str, Any]:
    return {
        "code": f"taper_{computed.regimen}",
        "kind": "taper",
        "regimen": computed.regimen,
        "taper_drug": computed.taper_drug,
        "setting": computed.setting,
        "start_date": computed.days[0].date.isoformat(),
        "start_mg_per_day": computed.to_dict()["start_mg_per_day"],
        "duration_days": computed.duration_days,
        "refs": list(computed.refs),
        "request": dict(request_data),
    }


@transaction.atomic
def taper_schedule_accept(
    *,
    episode: Episode,
    request_data: Mapping[str, Any],
    user: User,
    reason: str = "",
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> TaperSchedule:
    """Accept a taper (the API's request format) into the plan; it replaces an earlier one.

    A start dose or an equivalence the clinician set, instead of the engine's, is an adjustment
    and needs a reason. The schedule is computed by ``clinical.tapers.taper_plan``; any problem the
    engine finds is raised as a ValidationError naming the field. An ``override_reason`` (a
    departure from a recommendation or a local bound, e.g. a pregnant woman's opioid taper,
    12-7) stays in the stored request and is the line's reason when no other is given.
    """
    try:
        computed = taper_plan(request_data)
    except TaperInputError as error:
        raise taper_errors(error) from None
    override_reason = computed.override_reason or ""
    overridden = (
        request_data.get("start_mg_per_day") is not None
        or bool(request_data.get("equivalence"))
        or bool(override_reason)
    )
    text = reason.strip() or override_reason
    if overridden and not text:
        raise ValidationError(
            {
                "reason": gettext(
                    "A start dose or an equivalence of your own is an adjustment: give the reason."
                )
            }
        )
    moment = now or timezone.now()
    source = _taper_source(request_data, computed)
    refs = list(dict.fromkeys([*computed.refs, *(r for w in computed.warnings for r in w.refs)]))
    source["refs"] = refs
    locked = _locked_episode(episode)
    _require_open(locked)
    plan = _plan(locked)
    line = _line_save(
        plan,
        proposal=source,
        kind=PlanLineKind.TAPER,
        status=PlanLineStatus.ADJUSTED if overridden else PlanLineStatus.ACCEPTED,
        adjusted=(
            {
                "note": gettext("Start dose or equivalence set by the clinician.")
                if not override_reason
                else gettext("Planned against a recommendation or a local bound, with a reason.")
            }
            if overridden
            else None
        ),
        reason=text,
        user=user,
        now=moment,
    )
    # The earlier schedule of this line stays, marked replaced; at most one is current.
    TaperSchedule.objects.filter(line=line, replaced_at__isnull=True).update(replaced_at=moment)
    taper = TaperSchedule.objects.create(
        line=line,
        regimen=computed.regimen,
        taper_drug=computed.taper_drug,
        start_date=computed.days[0].date,
        request=dict(request_data),
        computed=computed.to_dict(),
        accepted_by=user,
        accepted_at=moment,
    )
    _record(
        locked,
        plan,
        change=PlanEventKind.TAPER_ACCEPTED,
        line=line,
        user=user,
        now=moment,
        request=request,
        details={"taper": taper.pk, "taper_drug": taper.taper_drug},
    )
    return taper


# --- Discharge checklist ----------------------------------------------------------------------


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
    locked = _locked_episode(episode)
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
    checklist._history_user = user  # type: ignore[attr-defined]
    checklist._change_reason = text or None  # type: ignore[attr-defined]
    checklist.save()
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
    _event(
        locked,
        PlanEventKind.DISCHARGE_UPDATED,
        user,
        now=moment,
        reason=text,
        details={"changes": changes},
    )
    _log(user, locked, AccessAction.UPDATE, "discharge checklist", request)
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
    blank = DischargeChecklist()
    if version <= 0:
        return _checklist_form_state(blank, [])
    history = checklist.history.order_by("history_date", "history_id")
    record = history.filter(version=version).last()
    if record is None:
        return _checklist_form_state(blank, [])
    later = history.filter(version__gt=version).first()
    rows = DischargeItem.history.filter(checklist_id=checklist.pk)
    if later is not None:
        rows = rows.filter(history_date__lt=later.history_date)
    latest: dict[int, Any] = {}
    for row in rows.order_by("history_date", "history_id"):
        latest[row.id] = row
    kept = [row for row in latest.values() if row.history_type != "-"]
    return _checklist_form_state(record, kept)


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
    row._history_user = user  # type: ignore[attr-defined]
    row._change_reason = reason or None  # type: ignore[attr-defined]
    row.save()


# --- Care plans -------------------------------------------------------------------------------


@transaction.atomic
def care_plan_request(
    *,
    episode: Episode,
    user: User,
    task: Enqueue,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> CarePlan:
    """A new care-plan version, pending; the task is queued once the transaction commits.

    Earlier versions are kept, and each request is a version of its own (a double click makes two
    identical, valid versions; the episode's row lock numbers them one after the other). If the
    queue cannot be reached the care plan stays pending, marked (``care_plan_defer``), and is sent
    again when the queue is back (``care_plans_requeue``): never a server error.
    """
    moment = now or timezone.now()
    locked = _locked_episode(episode)
    latest = CarePlan.objects.filter(episode=locked).aggregate(latest=Max("version"))["latest"]
    care_plan = CarePlan.objects.create(
        episode=locked,
        version=(latest or 0) + 1,
        requested_by=user,
        requested_at=moment,
        guideline_edition=guideline_edition_label(),
    )
    _event(
        locked,
        PlanEventKind.CARE_PLAN_REQUESTED,
        user,
        now=moment,
        details={"care_plan": care_plan.pk, "version": care_plan.version},
    )
    _log(user, locked, AccessAction.EXPORT, "care plan requested", request)
    transaction.on_commit(partial(_enqueue, task, care_plan.pk))
    return care_plan


def _enqueue(task: Enqueue, care_plan_id: int) -> None:
    """Queue the task; it must never make the web request fail.

    It runs after the commit: the care plan is stored whatever happens here, so an error must not
    reach the user as a failure (they would ask again and get a second version). A broker that is
    down, or any other error in sending, leaves the care plan pending and marked, for
    ``care_plans_requeue`` to send again. On the embedded default the task runs here, in-process;
    a transient error there comes back as Celery's ``Retry`` (eager tasks cannot wait for a
    backoff) and marks the care plan failed instead of being retried while the user waits.
    """
    try:
        task.delay(care_plan_id)
    except QueueUnreachable as error:
        logger.warning("care plan %s: the queue is unreachable: %s", care_plan_id, error)
        care_plan_defer(care_plan_id=care_plan_id, detail=str(error))
    except Retry as retry:
        cause = retry.exc if isinstance(retry.exc, BaseException) else retry
        logger.warning("care plan %s: transient error in-process: %s", care_plan_id, cause)
        care_plan_fail(
            care_plan_id=care_plan_id,
            code=CarePlanError.TRANSIENT,
            detail=f"{type(cause).__name__}: {cause}",
            now=timezone.now(),
        )
    except Exception as error:
        logger.exception("care plan %s could not be queued", care_plan_id)
        care_plan_defer(care_plan_id=care_plan_id, detail=f"{type(error).__name__}: {error}")


def care_plan_defer(*, care_plan_id: int, detail: str) -> bool:
    """Keep a care plan whose queueing failed pending, marked ``queue_unreachable`` with the
    error, so that ``care_plans_requeue`` sends it again; False if it is no longer pending.

    Not an event in the plan's history: nothing about the plan changed, only its delivery (the
    log has the error). The mark is cleared when the care plan is sent again or made.
    """
    marked = CarePlan.objects.filter(pk=care_plan_id, status=CarePlanStatus.PENDING).update(
        error_code=CarePlanError.QUEUE_UNREACHABLE, error_detail=detail[:ERROR_DETAIL_MAX]
    )
    return marked == 1


@dataclass(frozen=True)
class Requeued:
    """What a sweep did: the care plans it sent, and those it could not send (queue down)."""

    sent: list[int]
    unreachable: list[int]


def care_plans_requeue(*, task: Enqueue, now: datetime) -> Requeued:
    """Send again every pending care plan that no live worker has; the periodic sweep.

    Those whose queueing failed (marked by ``care_plan_defer``) are sent at once; those nobody
    picked up within ``REQUEUE_AFTER`` (the broker lost its queue) and those whose claim is older
    than ``CLAIM_TIMEOUT`` (their worker died) are sent too. Sending one that is in fact still
    queued or being made is harmless: the claim lets one task make it and the others skip it.

    Not atomic: each care plan is sent and its mark cleared on its own. The sweep stops at the
    first care plan it cannot send (the queue is down for all of them) and leaves the rest marked
    or as they are for the next sweep.
    """
    waiting = (
        CarePlan.objects.filter(status=CarePlanStatus.PENDING)
        .filter(
            Q(error_code=CarePlanError.QUEUE_UNREACHABLE)
            | Q(claimed_by="", requested_at__lt=now - REQUEUE_AFTER)
            | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
        )
        .order_by("requested_at", "pk")
    )
    ids = list(waiting.values_list("pk", flat=True))
    sent: list[int] = []
    for index, care_plan_id in enumerate(ids):
        try:
            task.delay(care_plan_id)
        except Exception as error:  # the broker's many transport errors all mean "not sent"
            logger.warning(
                "care plans: the queue is unreachable, %d wait: %s", len(ids) - index, error
            )
            care_plan_defer(care_plan_id=care_plan_id, detail=f"{type(error).__name__}: {error}")
            return Requeued(sent=sent, unreachable=ids[index:])
        CarePlan.objects.filter(
            pk=care_plan_id,
            status=CarePlanStatus.PENDING,
            error_code=CarePlanError.QUEUE_UNREACHABLE,
        ).update(error_code="", error_detail="")
        sent.append(care_plan_id)
    if sent:
        logger.info("care plans sent again: %s", sent)
    return Requeued(sent=sent, unreachable=[])


def _test_delay() -> None:
    """Test-only: wait ``AVRUSNING_TEST_TASK_DELAY`` seconds after the claim, so that a test can
    kill the worker while it holds a care plan (tests/reliability). Unset, it does nothing."""
    seconds = os.environ.get(TEST_DELAY_ENV, "").strip()
    if seconds:
        logger.warning("%s is set: waiting %s s (a test hook)", TEST_DELAY_ENV, seconds)
        time.sleep(float(seconds))


def care_plan_claim(*, care_plan_id: int, token: str, now: datetime) -> bool:
    """Claim a pending care plan for the task ``token`` (its id): True if this call got it.

    A conditional UPDATE, so two workers cannot both take it: only a pending row that nobody
    holds, that this same task held before (a retry keeps the task id), or whose holder is
    presumed dead (``CLAIM_TIMEOUT``) is taken.
    """
    stale = now - CLAIM_TIMEOUT
    claimed = (
        CarePlan.objects.filter(pk=care_plan_id, status=CarePlanStatus.PENDING)
        .filter(Q(claimed_by="") | Q(claimed_by=token) | Q(claimed_at__lt=stale))
        .update(claimed_by=token, claimed_at=now, attempts=F("attempts") + 1)
    )
    return claimed == 1


def care_plan_generate(*, care_plan_id: int, token: str, now: datetime) -> CarePlanStatus | None:
    """Make the PDF of a pending care plan and store it: what the worker's task calls.

    Returns the new status, or None when another worker holds the care plan or it is no longer
    pending. A transient error (``TRANSIENT_ERRORS``) propagates for the task to retry, keeping
    the claim for the retry; any other error marks the care plan failed with a readable reason,
    as does a care plan tried more than ``CARE_PLAN_MAX_ATTEMPTS`` times.
    """
    if not care_plan_claim(care_plan_id=care_plan_id, token=token, now=now):
        return None
    attempts = CarePlan.objects.values_list("attempts", flat=True).get(pk=care_plan_id)
    if attempts > CARE_PLAN_MAX_ATTEMPTS:
        # Each redelivery after a lost worker counts; a care plan that keeps killing its worker
        # (say, out of memory) must stop coming back.
        care_plan_fail(
            care_plan_id=care_plan_id,
            code=CarePlanError.RENDER,
            detail=f"gave up after {attempts - 1} attempts",
            now=now,
        )
        return CarePlanStatus.FAILED
    _test_delay()
    try:
        care_plan = CarePlan.objects.select_related(
            "episode__patient", "episode__unit", "requested_by"
        ).get(pk=care_plan_id)
        pdf = care_plan_document(care_plan.episode, care_plan=care_plan, now=now)
        stored = care_plan_store(care_plan_id=care_plan_id, pdf=pdf, token=token, now=now)
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:
        logger.exception("care plan %s could not be made", care_plan_id)
        care_plan_fail(
            care_plan_id=care_plan_id,
            code=CarePlanError.RENDER,
            detail=f"{type(error).__name__}: {error}",
            now=now,
        )
        return CarePlanStatus.FAILED
    return CarePlanStatus.READY if stored else None


@transaction.atomic
def care_plan_store(*, care_plan_id: int, pdf: bytes, token: str, now: datetime) -> bool:
    """Save the file and mark the care plan ready, if this task still holds the claim."""
    care_plan = CarePlan.objects.select_for_update().select_related("episode").get(pk=care_plan_id)
    if care_plan.status != CarePlanStatus.PENDING or care_plan.claimed_by != token:
        return False
    care_plan.file.save("care-plan.pdf", ContentFile(pdf), save=False)
    care_plan.status = CarePlanStatus.READY
    care_plan.generated_at = now
    care_plan.error_code, care_plan.error_detail = "", ""
    care_plan.save(update_fields=["file", "status", "generated_at", "error_code", "error_detail"])
    _event(
        care_plan.episode,
        PlanEventKind.CARE_PLAN_READY,
        care_plan.requested_by,
        now=now,
        details={"care_plan": care_plan.pk, "version": care_plan.version},
    )
    return True


@transaction.atomic
def care_plan_fail(*, care_plan_id: int, code: CarePlanError, detail: str, now: datetime) -> bool:
    """Mark a pending care plan failed with the reason; False if it was no longer pending."""
    care_plan = CarePlan.objects.select_for_update().select_related("episode").get(pk=care_plan_id)
    if care_plan.status != CarePlanStatus.PENDING:
        return False
    care_plan.status = CarePlanStatus.FAILED
    care_plan.error_code = code
    care_plan.error_detail = detail[:ERROR_DETAIL_MAX]
    care_plan.save(update_fields=["status", "error_code", "error_detail"])
    _event(
        care_plan.episode,
        PlanEventKind.CARE_PLAN_FAILED,
        care_plan.requested_by,
        now=now,
        reason=str(care_plan.get_error_code_display()),
        details={"care_plan": care_plan.pk, "version": care_plan.version, "code": code},
    )
    return True
