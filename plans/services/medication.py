"""The medication plan's services: lines decided (accepted, adjusted, removed) and tapers accepted.

Each bumps the plan's version and stores a ``MedicationPlanVersion``: the whole plan (``snapshot``)
and its taper calendars exactly as computed then (``schedule``), so an earlier version is read as
it was, never recomputed with later tables. Each writes one event on the episode's audit trail
(``patients.events.record_event``: who, when, what, old → new, why) and the access log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from clinical.tapers import TaperInputError, TaperPlan, taper_plan
from core.messages import render_message
from patients.events import record_event
from patients.models import AccessAction, Episode
from plans.models import (
    MedicationPlan,
    MedicationPlanVersion,
    PlanEventKind,
    PlanLine,
    PlanLineKind,
    PlanLineStatus,
    TaperSchedule,
)
from plans.services._common import locked_episode, log_access, require_open, required_reason

ADJUSTABLE_FIELDS: Final = ("dose", "schedule", "note")


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


def plan_schedule(plan: MedicationPlan) -> list[dict[str, Any]]:
    """The current tapers' calendars exactly as computed when each was accepted (JSON-ready):
    what a plan version keeps, so that it is shown as it was, never recomputed."""
    tapers = (
        TaperSchedule.objects.filter(line__plan=plan, replaced_at__isnull=True)
        .select_related("line")
        .order_by("pk")
    )
    return [
        {
            "line": taper.line.code,
            "line_status": taper.line.status,
            "taper": taper.pk,
            "doses_per_day": int(taper.request.get("doses_per_day") or 1),
            "computed": taper.computed,
        }
        for taper in tapers
    ]


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
        schedule=plan_schedule(plan),
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


def line_state(line: PlanLine | None) -> dict[str, Any] | None:
    """A line's decision as the audit trail records it (old → new); None before the first."""
    if line is None or line.pk is None:
        return None
    return {
        "status": str(line.status),
        "adjusted": line.adjusted,
        "reason": line.reason,
        "decided_at": line.decided_at.isoformat(),
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
) -> tuple[PlanLine, dict[str, Any] | None]:
    """The plan's line for the proposal, created or updated to the decision (one per code),
    and its decision before (``line_state``; None for a new line)."""
    code, refs = _check_proposal(proposal)
    line = PlanLine.objects.filter(plan=plan, code=code).first() or PlanLine(
        plan=plan, code=code, kind=kind
    )
    if line.pk and line.kind != kind:
        raise ValueError(f"{code} is a {line.kind} line, not {kind}")
    before = line_state(line)
    line.source = dict(proposal)
    line.status = status
    line.adjusted = dict(adjusted) if adjusted is not None else None
    line.reason = reason
    line.refs = refs
    line.decided_by = user
    line.decided_at = now
    line.save()
    return line, before


def _record(
    episode: Episode,
    plan: MedicationPlan,
    *,
    change: PlanEventKind,
    line: PlanLine,
    user: User,
    now: datetime,
    request: HttpRequest | None,
    subject: str = "",
    old: Any = None,
    new: Any = None,
    details: Mapping[str, Any] | None = None,
) -> MedicationPlanVersion:
    """After a change: the plan's new version, the event on the episode's trail (the line's
    decision before and after, unless given) and the access log."""
    version = _new_version(plan, change=change, line=line, reason=line.reason, user=user)
    record_event(
        episode,
        change,
        user,
        at=now,
        subject=subject or f"plan_line:{line.code}",
        old=old,
        new=new if new is not None else line_state(line),
        reason=line.reason,
        details={
            "code": line.code,
            "version": version.version,
            "adjusted": line.adjusted,
            **(details or {}),
        },
    )
    log_access(user, episode, AccessAction.UPDATE, "medication plan", request)
    return version


@dataclass(frozen=True)
class _Decision:
    """Who decides about which proposal of which episode, and when."""

    episode: Episode
    proposal: Mapping[str, Any]
    kind: PlanLineKind
    user: User
    now: datetime
    request: HttpRequest | None


def _decide(
    decision: _Decision,
    status: PlanLineStatus,
    *,
    adjusted: Mapping[str, str] | None = None,
    reason: str = "",
) -> PlanLine:
    """Store the decision as the plan's line for the proposal and record it on the episode."""
    episode, proposal, kind = decision.episode, decision.proposal, decision.kind
    user, now, request = decision.user, decision.now, decision.request
    locked = locked_episode(episode)
    require_open(locked)
    plan = _plan(locked)
    line, before = _line_save(
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
        locked,
        plan,
        change=_LINE_EVENTS[status],
        line=line,
        user=user,
        now=now,
        request=request,
        old=before,
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
    decision = _Decision(episode, proposal, kind, user, now or timezone.now(), request)
    return _decide(decision, PlanLineStatus.ACCEPTED)


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
    decision = _Decision(episode, proposal, kind, user, now or timezone.now(), request)
    return _decide(decision, PlanLineStatus.ADJUSTED, adjusted=values, reason=reason.strip())


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
    text = required_reason(
        reason, gettext("Removing a proposal needs a written reason (the guideline, 2.13).")
    )
    decision = _Decision(episode, proposal, kind, user, now or timezone.now(), request)
    return _decide(decision, PlanLineStatus.REMOVED, reason=text)


def taper_errors(error: TaperInputError) -> ValidationError:
    """The engine's field errors as a ValidationError keyed by the request's field names."""
    errors: dict[str, list[str]] = {}
    for item in error.field_errors:
        text = render_message(item.message, item.params)
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
    locked = locked_episode(episode)
    require_open(locked)
    plan = _plan(locked)
    line, _before = _line_save(
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
    earlier = TaperSchedule.objects.filter(line=line, replaced_at__isnull=True).first()
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
        subject=f"taper:{line.code}",
        old=taper_state(earlier),
        new=taper_state(taper),
        details={"taper": taper.pk, "taper_drug": taper.taper_drug},
    )
    return taper


def taper_state(taper: TaperSchedule | None) -> dict[str, Any] | None:
    """A taper as the audit trail records it (old → new): the drug, start, dose and length as
    computed on accepting; None when there was none."""
    if taper is None:
        return None
    computed = taper.computed or {}
    return {
        "taper_drug": taper.taper_drug,
        "start_date": taper.start_date.isoformat(),
        "start_mg_per_day": computed.get("start_mg_per_day"),
        "duration_days": computed.get("duration_days"),
        "request": taper.request,
    }
