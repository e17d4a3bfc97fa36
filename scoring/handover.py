"""The shift handover as the page shows it: one plain line of text per thing, per patient."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext

from clinical.advice import OLANZAPINE_MAX_MG
from clinical.shifts import Shift, shift_at
from core.formatting import local_datetime, local_time
from patients.presentation import item_labels
from scoring.models import Drug
from scoring.presentation import board_lines
from scoring.selectors import HandoverRow, PlannedGiven


@dataclass(frozen=True)
class HandoverLine:
    episode_id: int
    name: str
    national_id: str
    born: str
    room_bed: str
    scale_name: str
    last_total: int | None
    last_band: str
    last_band_label: str
    last_observed: str
    trend: str  # "up", "down", "same", "" (no score before this shift)
    trend_label: str
    status: str
    status_label: str
    next_due: str
    doses: list[str]
    diazepam_mg: str  # "" when there is no CIWA-Ar escalation
    escalation_since: str
    olanzapine_mg: str  # "" when none was given in the stay
    olanzapine_max_mg: str  # G 4233 "til max 30 mg"
    flags: list[str]
    scores_url: str


def _mg(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",") if (translation.get_language() or "nb").startswith("nb") else text


def _trend(row: HandoverRow, shift_start: datetime) -> tuple[str, str]:
    """The trend since the previous shift: this shift's last score against the last one before
    the shift began. With no score yet this shift, the last score is the one before it: compared
    with itself it would read "unchanged"."""
    last = row.board.last
    if last is not None and last.observed_at < shift_start:
        return "", gettext("no score this shift")
    if last is None or row.before_shift is None:
        return "", gettext("no score before this shift")
    before_total, _band = row.before_shift
    if last.total > before_total:
        kind = "up"
    elif last.total < before_total:
        kind = "down"
    else:
        kind = "same"
    words = {
        "up": gettext("up from %(total)d"),
        "down": gettext("down from %(total)d"),
        "same": gettext("unchanged from %(total)d"),
    }
    return kind, words[kind] % {"total": before_total}


def _planned_dose(dose: PlannedGiven) -> str:
    """A planned dose marked given, with what is known: the amount given when recorded (thiamine
    and some plan lines are marked given without one), and the plan's words for a drug the ward
    has no code for (a combination)."""
    drug = str(Drug(dose.drug_code).label) if dose.drug_code in Drug.values else dose.drug
    if dose.mg is None:
        words = [drug, gettext("(planned dose, amount not recorded)")]
    else:
        words = [drug, f"{_mg(dose.mg)} mg", gettext("(planned dose)")]
    return " ".join((local_datetime(dose.given_at), *words))


def shift_label(shift: Shift) -> str:
    names = {
        "day": gettext("Day shift"),
        "evening": gettext("Evening shift"),
        "night": gettext("Night shift"),
    }
    return gettext("%(shift)s %(start)s–%(end)s") % {
        "shift": names[shift.name],
        "start": local_datetime(shift.start),
        "end": local_time(shift.end),
    }


def handover_lines(rows: Sequence[HandoverRow], *, now: datetime) -> tuple[list[HandoverLine], str]:
    boards = board_lines([row.board for row in rows], now)
    shift_start = shift_at(now).start
    lines = []
    for row, board in zip(rows, boards, strict=True):
        patient = row.board.episode.patient
        trend, trend_label = _trend(row, shift_start)
        flags = []
        if row.seizures_or_dt:
            flags.append(gettext("Seizures or delirium tremens at earlier withdrawal"))
        if row.current_delirium:
            flags.append(gettext("Delirium now"))
        if row.drowsy:
            flags.append(gettext("Drowsy or sedated at the last score"))
        if row.pregnant:
            flags.append(gettext("Pregnant"))
        elif row.pregnant is None:
            flags.append(gettext("Pregnancy not recorded"))
        if row.open_discharge_items:
            flags.append(
                gettext("Open discharge items (%(count)d): %(items)s")
                % {
                    "count": len(row.open_discharge_items),
                    "items": item_labels(row.open_discharge_items),
                }
            )
        lines.append(
            HandoverLine(
                episode_id=board.episode_id,
                name=board.name,
                national_id=patient.national_id,
                born=board.born,
                room_bed=board.room_bed,
                scale_name=board.scale_name or "",
                last_total=board.last_total,
                last_band=board.last_band,
                last_band_label=board.last_band_label,
                last_observed=board.last_observed,
                trend=trend,
                trend_label=trend_label,
                status=board.status,
                status_label=board.status_label,
                next_due=board.next_due,
                doses=[
                    " ".join(
                        (
                            local_datetime(dose.given_at),
                            dose.drug_other or dose.get_drug_display(),
                            f"{_mg(dose.dose_mg)} mg",
                        )
                    )
                    for dose in row.doses_24h
                ]
                + [_planned_dose(dose) for dose in row.planned_24h],
                diazepam_mg="" if row.diazepam_mg is None else _mg(row.diazepam_mg),
                olanzapine_mg=_mg(row.olanzapine_mg) if row.olanzapine_mg else "",
                olanzapine_max_mg=_mg(OLANZAPINE_MAX_MG),
                escalation_since=(
                    local_datetime(row.escalation_since) if row.escalation_since else ""
                ),
                flags=flags,
                scores_url=board.scores_url,
            )
        )
    return lines, shift_label(shift_at(now))
