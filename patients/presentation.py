"""The episode's history as people read it: labels for fields and values, in the active language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinical import discharge
from patients.level_presentation import level_label, referral_label
from patients.models import (
    AcuteCriterion,
    EpisodeEvent,
    EpisodeEventKind,
    Intake,
    LevelDecision,
    SubstanceKind,
    SubstanceUse,
    WithdrawalComplication,
)


def item_labels(codes: Iterable[str]) -> str:
    """Discharge-checklist items' labels (``clinical.discharge``), in the active language,
    comma-separated; unknown codes are left out."""
    return ", ".join(
        gettext(discharge.ITEMS_BY_CODE[code].label)
        for code in codes
        if code in discharge.ITEMS_BY_CODE
    )


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryRow:
    event: EpisodeEvent
    at: datetime | None = None
    changes: list[Change] = field(default_factory=list)
    decision: LevelDecision | None = None
    proposed: str = ""
    chosen: str = ""
    # Discharged or interrupted with the overdose-prevention set open: what was open, and why.
    open_set_missing: str = ""
    open_set_reason: str = ""


def _model_field(model: type[Model], name: str) -> Field[Any, Any] | None:
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, Field) else None


def _value(value: Any, model_field: Field[Any, Any] | None) -> str:
    if value is None or value == "":
        return gettext("not recorded")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        if not value:
            return gettext("none")
        return ", ".join(_list_item_label(v) for v in value)
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, str):
        moment = parse_datetime(value) if "T" in value else None
        if moment is not None:
            return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
        day = parse_date(value) if len(value) == 10 else None
        if day is not None:
            return formats.date_format(day, "SHORT_DATE_FORMAT")
        return value
    return str(formats.localize(value))


def _list_item_label(value: Any) -> str:
    """A code in a recorded list: a complication or a criterion for acute intervention (4.2)."""
    if value in WithdrawalComplication.values:
        return str(WithdrawalComplication(value).label)
    if value in AcuteCriterion.values:
        return str(AcuteCriterion(value).label)
    return str(value)


def _change(item: Mapping[str, Any]) -> Change:
    path = str(item["field"])
    if path.startswith("substances."):
        _prefix, code, *rest = path.split(".")
        substance = str(SubstanceKind(code).label) if code in SubstanceKind.values else code
        if not rest:
            return Change(
                substance,
                gettext("recorded") if item["old"] else gettext("not recorded"),
                gettext("recorded") if item["new"] else gettext("removed"),
            )
        model_field = _model_field(SubstanceUse, rest[0])
        name = str(model_field.verbose_name) if model_field else rest[0]
        return Change(
            f"{substance}: {name}",
            _value(item["old"], model_field),
            _value(item["new"], model_field),
        )
    model_field = _model_field(Intake, path)
    label = str(model_field.verbose_name) if model_field else path
    return Change(label, _value(item["old"], model_field), _value(item["new"], model_field))


def event_rows(
    events: Iterable[EpisodeEvent], decisions: Mapping[int, LevelDecision]
) -> list[HistoryRow]:
    rows: list[HistoryRow] = []
    for event in events:
        row = HistoryRow(event=event)
        details = event.details or {}
        if isinstance(details.get("at"), str):
            row.at = parse_datetime(details["at"])
        if event.kind in (EpisodeEventKind.INTAKE_SAVED, EpisodeEventKind.INTAKE_AMENDED):
            row.changes = [_change(item) for item in details.get("changes", [])]
        elif event.is_plan_change:
            row.changes = plan_changes(event.old, event.new)
        elif event.kind == EpisodeEventKind.ROOM_BED_SET:
            row.changes = [
                Change(gettext("room/bed"), str(event.old or "–"), str(event.new or "–"))
            ]
        open_set = details.get("overdose_set_open")
        if isinstance(open_set, dict):
            row.open_set_missing = item_labels(open_set.get("missing", []))
            row.open_set_reason = str(open_set.get("reason", ""))
        if event.kind == EpisodeEventKind.LEVEL_DECIDED:
            row.decision = decisions.get(details.get("decision", 0))
            row.proposed = _level_text(
                details.get("proposed_level"), details.get("proposed_acute_referral")
            )
            row.chosen = _level_text(
                details.get("chosen_level"), details.get("chosen_acute_referral")
            )
        rows.append(row)
    return rows


# The plan's events (``plans.services``) record old → new under these keys.
_PLAN_FIELD_LABELS: Mapping[str, Promise] = {
    "status": _("status"),
    "adjusted": _("adjusted values"),
    "reason": _("reason"),
    "taper_drug": _("taper drug"),
    "start_date": _("start date"),
    "start_mg_per_day": _("start dose (mg a day)"),
    "duration_days": _("dosing days"),
    "appointment_at": _("first appointment after discharge"),
    "appointment_contact": _("named contact"),
    "unplanned_discharge": _("unplanned discharge or dropout"),
    "planned_discharge_at": _("planned discharge"),
    "version": _("version"),
    "error": _("error"),
}
_PLAN_STATUS_LABELS: Mapping[str, Promise] = {
    "accepted": _("accepted"),
    "adjusted": _("adjusted"),
    "removed": _("removed"),
    "pending": _("being made"),
    "ready": _("ready"),
    "failed": _("failed"),
}
# Kept on the trail but not shown as a change (the request is shown on the plan's pages).
_PLAN_HIDDEN: frozenset[str] = frozenset({"request", "decided_at", "file"})


def _plan_value(key: str, value: Any) -> str:
    if key == "status" and isinstance(value, str) and value in _PLAN_STATUS_LABELS:
        return str(_PLAN_STATUS_LABELS[value])
    if isinstance(value, dict):
        return "; ".join(str(item) for item in value.values() if item) or gettext("none")
    return _value(value, None)


def plan_changes(old: Any, new: Any) -> list[Change]:
    """A plan event's old → new as rows: a checklist item by its label, the rest by field."""
    before = old if isinstance(old, dict) else {}
    after = new if isinstance(new, dict) else {}
    rows: list[Change] = []
    for key in dict.fromkeys([*before, *after]):
        if key in _PLAN_HIDDEN or before.get(key) == after.get(key):
            continue
        if key in discharge.ITEMS_BY_CODE:
            label = gettext(discharge.ITEMS_BY_CODE[key].label)
        else:
            label = str(_PLAN_FIELD_LABELS.get(key, key))
        old_text = _plan_value(key, before.get(key)) if key in before else gettext("not recorded")
        rows.append(Change(label, old_text, _plan_value(key, after.get(key))))
    return rows


def _level_text(level: str | None, referral: str | None) -> str:
    text = level_label(level or None)
    return f"{text}; {referral_label(referral)}" if referral else text


# What the access log records (stored in English, as data); shown in the reader's language.
ACCESS_WHAT_LABELS: Mapping[str, Promise] = {
    "patient": _("patient record"),
    "patient list": _("patient list"),
    "contact person": _("contact person"),
    "episode": _("episode"),
    "episode list": _("episode list"),
    "episode start": _("episode started"),
    "episode discharge": _("patient discharged"),
    "episode interrupt": _("episode interrupted"),
    "episode history": _("episode history"),
    "intake": _("intake"),
    "treatment-level proposal": _("treatment-level proposal"),
    "treatment-level decision": _("treatment-level decision"),
}


def access_what_label(what: str) -> str:
    return str(ACCESS_WHAT_LABELS.get(what, what))
