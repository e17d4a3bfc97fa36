"""The episode's plan as people read it: labels, text and the view models of the plan pages.

The pure engines (``clinical.regimens``, ``clinical.tapers``, ``clinical.discharge``) give message
ids, codes and refs; this module turns them into text in the active language. The pages, the API
and the care-plan PDF all use it, so they say the same. Nothing here queries the database: the
reading (fetch-and-authorize, querysets) is in ``plans.selectors``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from clinical import discharge, regimens, tapers
from core.formatting import local_date
from core.messages import render_message
from patients.presentation import item_labels
from plans.models import DischargeChecklist, DischargeItem, PlanLine, TaperSchedule

__all__ = ["item_labels"]  # the discharge items' labels, shared with patients

REGIMEN_LABELS: Final[Mapping[str, Promise]] = {
    "alcohol": _("Alcohol"),
    "benzodiazepine": _("Benzodiazepines and z-drugs"),
    "opioid": _("Opioids"),
    "ghb": _("GHB"),
    "sleep": _("Sleep"),
}
KIND_LABELS: Final[Mapping[str, Promise]] = {
    "give": _("Give"),
    "consider": _("Consider"),
    "avoid": _("Avoid"),
    "note": _("Note"),
}
TAPER_REGIMEN_LABELS: Final[Mapping[str, Promise]] = {
    "benzodiazepine": _("Benzodiazepine taper"),
    "buprenorphine": _("Buprenorphine taper"),
}
TAPER_DRUG_LABELS: Final[Mapping[str, Promise]] = {
    "oxazepam": _("oxazepam"),
    "diazepam": _("diazepam"),
    "buprenorphine": _("buprenorphine with naloxone"),
    "nitrazepam": _("nitrazepam"),
    "alprazolam": _("alprazolam"),
    "clonazepam": _("clonazepam"),
    "flunitrazepam": _("flunitrazepam"),
    "zopiclone": _("zopiclone"),
    "zolpidem": _("zolpidem"),
}
SETTING_LABELS: Final[Mapping[str, Promise]] = {
    "outpatient": _("outpatient"),
    "inpatient": _("inpatient"),
}
EQUIVALENCE_SOURCE_LABELS: Final[Mapping[str, Promise]] = {
    "table": _("the table's value"),
    "default": _("the end of the range giving the lower dose (a local choice)"),
    "clinician": _("chosen by the clinician"),
}
# Labels for the engines' input facts that a proposal says are unknown ("missing").
FACT_LABELS: Final[Mapping[str, Promise]] = {
    "setting": _("treatment level (outpatient or inpatient)"),
    "continuous_drinking_days": _("days of continuous drinking"),
    "earlier_seizures": _("seizures at earlier withdrawal"),
    "earlier_delirium_tremens": _("delirium tremens at earlier withdrawal"),
    "earlier_severe_withdrawal": _("other severe withdrawal reactions earlier"),
    "liver_failure": _("liver failure"),
    "breath_alcohol_permille": _("breath alcohol (‰)"),
    "somatically_reduced": _("somatically reduced"),
    "malnourished": _("malnourished"),
    "wernicke_suspected": _("Wernicke's encephalopathy suspected"),
    "delirium_tremens_now": _("delirium tremens now"),
    "no_sleep_last_24h": _("no sleep in the last 24 hours"),
    "pregnant": _("pregnant"),
    "severe_symptoms": _("severe withdrawal symptoms"),
    "opioid_dependent": _("opioid-dependent"),
    "in_lar": _("in opioid maintenance treatment (LAR)"),
    "poor_sleep_nights": _("nights with too little sleep"),
    "clinically_affected": _("clinically affected by lack of sleep"),
    "zopiclone_without_effect": _("zopiclone without effect"),
    "delirium_risk": _("risk of delirium"),
}


# --- Text -------------------------------------------------------------------------------------


def number_text(value: float | int | Fraction | Decimal | None) -> str:
    """A dose or amount in the active language's format: ``7,5`` in bokmål, ``7.5`` in English."""
    if value is None:
        return "–"
    if isinstance(value, Fraction):
        value = int(value) if value.denominator == 1 else round(float(value), 3)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(formats.number_format(value, use_l10n=True))


def message_text(message: str, params: Mapping[str, Any] | None = None) -> str:
    """An engine's msgid in the active language, with its scalar params filled in."""
    translated = gettext(message) if message else ""
    scalars = {
        key: number_text(value) if isinstance(value, float | Fraction | Decimal) else value
        for key, value in (params or {}).items()
        if not isinstance(value, list | tuple)
    }
    try:
        return translated % scalars if scalars or "%(" in translated else translated
    except (KeyError, TypeError, ValueError):
        return translated


def drug_label(code: str) -> str:
    if code in regimens.DRUG_NAMES:
        return gettext(regimens.DRUG_NAMES[code])
    label = TAPER_DRUG_LABELS.get(code)
    return str(label) if label is not None else code


def fact_label(code: str) -> str:
    label = FACT_LABELS.get(code)
    return str(label) if label is not None else code


def tablets_text(tablets: Sequence[Mapping[str, Any]]) -> str:
    """``[{"strength_mg": 25, "count": 2}]`` → ``2 × 25 mg``."""
    return " + ".join(
        f"{tablet['count']} × {number_text(tablet['strength_mg'])} mg" for tablet in tablets
    )


@dataclass(frozen=True)
class LineView:
    """A proposal (or a stored line's proposal) as people read it."""

    code: str
    regimen: str
    kind: str
    kind_label: str
    drugs: str
    text: str
    dose: str
    schedule: str
    refs: tuple[str, ...]
    conditions: tuple[str, ...]
    resolution: bool
    source: Mapping[str, Any]
    decision: PlanLine | None = None

    @property
    def status(self) -> str:
        return self.decision.status if self.decision is not None else ""

    @property
    def adjusted(self) -> Mapping[str, str]:
        return (self.decision.adjusted or {}) if self.decision is not None else {}


@dataclass(frozen=True)
class ProposalGroup:
    regimen: str
    label: str
    lines: tuple[LineView, ...]
    missing: tuple[str, ...]


def line_view(source: Mapping[str, Any], decision: PlanLine | None = None) -> LineView:
    """A regimen line from its stored or proposed form (``regimens.PlanLine.to_dict()`` plus the
    plan's ``code`` and ``regimen``)."""
    dose = source.get("dose") or {}
    conditions = tuple(
        message_text(condition["message"]) for condition in source.get("conditions", [])
    )
    kind = str(source.get("kind", "note"))
    return LineView(
        code=str(source["code"]),
        regimen=str(source.get("regimen", "")),
        kind=kind,
        kind_label=str(KIND_LABELS.get(kind, kind)),
        drugs=", ".join(drug_label(code) for code in source.get("drugs", [])),
        text=message_text(str(source.get("message", "")), source.get("params")),
        dose=message_text(str(dose.get("text", ""))) if dose else "",
        schedule=message_text(str(source["schedule"])) if source.get("schedule") else "",
        refs=tuple(source.get("refs", [])),
        conditions=conditions,
        resolution=bool(source.get("resolution")),
        source=source,
        decision=decision,
    )


@dataclass(frozen=True)
class Period:
    """Consecutive days with the same doses: one row of the taper calendar."""

    start: date
    end: date
    total: str
    cells: tuple[tuple[str, str], ...]  # per dose time: (mg, tablets), ("", "") when none
    stop: bool

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class TaperView:
    schedule: TaperSchedule | None
    line: PlanLine | None
    regimen_label: str
    taper_drug: str
    taper_drug_label: str
    setting_label: str
    start_mg: str
    percent: str
    duration_days: int
    start_date: date
    stop_date: date
    times: tuple[str, ...]
    periods: tuple[Period, ...]
    conversion: tuple[Mapping[str, str], ...]
    warnings: tuple[Mapping[str, Any], ...]
    refs: tuple[str, ...]
    plan: Mapping[str, Any]
    recomputed_differs: bool = False
    # What the prescription and the pharmacy need, and the patient's own instructions.
    tablets_total: tuple[str, ...] = ()
    dispensing_interval_days: int = tapers.DEFAULT_DISPENSING_INTERVAL_DAYS
    dispensing: tuple[Mapping[str, Any], ...] = ()
    instructions: tuple[str, ...] = ()
    override_reason: str = ""
    conversion_needs_confirmation: bool = False


def _tablet_rows(drug: str, tablets: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """``oxazepam 10 mg: 42 tablets``, one line per strength."""
    return tuple(
        ngettext(
            "%(drug)s %(strength)s mg: %(count)s tablet",
            "%(drug)s %(strength)s mg: %(count)s tablets",
            tablet["count"],
        )
        % {
            "drug": drug,
            "strength": number_text(tablet["strength_mg"]),
            "count": tablet["count"],
        }
        for tablet in tablets
    )


def _dose_words(dose: Mapping[str, Any]) -> str:
    tablets = [
        ngettext(
            "%(count)s tablet of %(strength)s mg",
            "%(count)s tablets of %(strength)s mg",
            tablet["count"],
        )
        % {"count": tablet["count"], "strength": number_text(tablet["strength_mg"])}
        for tablet in dose["tablets"]
    ]
    return gettext("at %(time)s: %(tablets)s") % {
        "time": dose["time"],
        "tablets": gettext(" and ").join(tablets),
    }


def _day_text(on: date) -> str:
    return local_date(on)


def patient_instructions(plan: Mapping[str, Any]) -> tuple[str, ...]:
    """Instructions for the patient in plain words (bokmål in the care plan): the doses of each
    period as tablets at clock times, the first day without, and what to do and not to do.

    The general lines rest on 9.3.1-1 (no abrupt stop, G 4576), the overdose strategy's
    combinations (O 2084-2196) and, for buprenorphine, the loss of tolerance (10.3-2)."""
    drug = drug_label(plan["taper_drug"])
    lines = [
        gettext(
            "Take %(drug)s exactly as below, at the times given. Do not take more than the "
            "plan says, and do not stop on your own all at once."
        )
        % {"drug": drug}
    ]
    days = plan["days"]
    start = 0
    while start < len(days) - 1:
        end = start
        while end + 1 < len(days) - 1 and days[end + 1]["doses"] == days[start]["doses"]:
            end += 1
        doses = "; ".join(_dose_words(dose) for dose in days[start]["doses"])
        first, last = date.fromisoformat(days[start]["date"]), date.fromisoformat(days[end]["date"])
        if first == last:
            lines.append(gettext("%(day)s: %(doses)s.") % {"day": _day_text(first), "doses": doses})
        else:
            lines.append(
                gettext("From %(first)s to %(last)s: %(doses)s.")
                % {"first": _day_text(first), "last": _day_text(last), "doses": doses}
            )
        start = end + 1
    stop = date.fromisoformat(days[-1]["date"])
    lines.append(
        gettext("From %(day)s you take no more %(drug)s.") % {"day": _day_text(stop), "drug": drug}
    )
    lines.append(
        gettext(
            "If the withdrawal becomes hard to bear, call your doctor or the unit; do not take "
            "extra tablets."
        )
    )
    lines.append(
        gettext(
            "Do not drink alcohol or take opioids, sleeping pills or other calming medicines "
            "with these tablets: together they can stop your breathing."
        )
    )
    if plan["regimen"] == "buprenorphine":
        lines.append(
            gettext(
                "After the taper your body no longer tolerates opioids as before: an amount "
                "you used to take can now kill you."
            )
        )
    lines.append(gettext("Keep the tablets locked away from children and others."))
    return tuple(lines)


def calendar_periods(days: Sequence[Mapping[str, Any]], times: Sequence[str]) -> list[Period]:
    """The day list grouped into periods of identical doses (a dose changes once a week in a
    benzodiazepine taper, every day in a buprenorphine taper); the last is the first day
    without the drug."""
    periods: list[Period] = []
    key_of = None
    for day in days:
        by_time = {dose["time"]: dose for dose in day["doses"]}
        key = (day["total_mg"], tuple(sorted((t, d["mg"]) for t, d in by_time.items())))
        on = date.fromisoformat(day["date"])
        if periods and key == key_of:
            last = periods[-1]
            periods[-1] = Period(last.start, on, last.total, last.cells, last.stop)
            continue
        cells = tuple(
            (number_text(by_time[t]["mg"]), tablets_text(by_time[t]["tablets"]))
            if t in by_time
            else ("", "")
            for t in times
        )
        periods.append(Period(on, on, number_text(day["total_mg"]), cells, day["total_mg"] == 0))
        key_of = key
    return periods


def _conversion_rows(plan: Mapping[str, Any]) -> tuple[dict[str, str], ...]:
    rows = []
    for row in plan.get("conversion", []):
        low, high = row["equivalent_range_mg"]
        rows.append(
            {
                "drug": drug_label(row["drug"]),
                "mg_per_day": number_text(row["mg_per_day"]),
                "range": (
                    f"{number_text(low)}–{number_text(high)}"
                    if row["is_range"]
                    else number_text(low)
                ),
                "used": number_text(row["equivalent_used_mg"]),
                "source": str(EQUIVALENCE_SOURCE_LABELS.get(row["source"], row["source"])),
                "resolution": row["source"] == "default",
                "diazepam": number_text(row["diazepam_equivalent_mg_per_day"]),
                "taper_drug": number_text(row["taper_drug_mg_per_day"]),
            }
        )
    return tuple(rows)


def taper_view_of(
    plan: Mapping[str, Any],
    *,
    doses_per_day: int,
    schedule: TaperSchedule | None = None,
    line: PlanLine | None = None,
    recomputed_differs: bool = False,
) -> TaperView:
    """A computed taper (``TaperPlan.to_dict()``) as read: the calendar table and the rest."""
    times = tapers.DOSE_TIMES[doses_per_day]
    warnings = tuple(
        {
            "text": message_text(w["message"], w["params"]),
            "refs": tuple(w["refs"]),
            "resolution": w["resolution"],
        }
        for w in plan["warnings"]
    )
    refs = tuple(dict.fromkeys([*plan["refs"], *(r for w in warnings for r in w["refs"])]))
    percent = plan.get("weekly_reduction_percent")
    return TaperView(
        schedule=schedule,
        line=line,
        regimen_label=str(TAPER_REGIMEN_LABELS[plan["regimen"]]),
        taper_drug=plan["taper_drug"],
        taper_drug_label=drug_label(plan["taper_drug"]),
        setting_label=str(SETTING_LABELS[plan["setting"]]),
        start_mg=number_text(plan["start_mg_per_day"]),
        percent=number_text(percent) if percent is not None else "",
        duration_days=plan["duration_days"],
        start_date=date.fromisoformat(plan["days"][0]["date"]),
        stop_date=date.fromisoformat(plan["stop_date"]),
        times=times,
        periods=tuple(calendar_periods(plan["days"], times)),
        conversion=_conversion_rows(plan),
        warnings=warnings,
        refs=refs,
        plan=plan,
        recomputed_differs=recomputed_differs,
        tablets_total=_tablet_rows(drug_label(plan["taper_drug"]), plan.get("tablets_total", [])),
        dispensing_interval_days=int(
            plan.get("dispensing_interval_days") or tapers.DEFAULT_DISPENSING_INTERVAL_DAYS
        ),
        dispensing=tuple(
            {
                "start": date.fromisoformat(period["from"]),
                "end": date.fromisoformat(period["to"]),
                "days": period["days"],
                "tablets": tablets_text(period["tablets"]),
            }
            for period in plan.get("dispensing", [])
        ),
        instructions=patient_instructions(plan),
        override_reason=plan.get("override_reason") or "",
        conversion_needs_confirmation=bool(plan.get("conversion_needs_confirmation")),
    )


@dataclass(frozen=True)
class TodaysDose:
    time: str
    drug: str
    mg: str
    tablets: str


@dataclass(frozen=True)
class TodaysDoses:
    doses: tuple[TodaysDose, ...]
    stop_days: tuple[str, ...]  # drugs for which today is the first day without
    standing: tuple[LineView, ...]  # regimen lines to give, without fixed times


@dataclass(frozen=True)
class ItemView:
    code: str
    label: str
    help: str
    refs: tuple[str, ...]
    group: str
    done: bool
    note: str
    done_by: str
    done_at: datetime | None


@dataclass(frozen=True)
class OpenSetDischarge:
    """A discharge (or interruption) made with the overdose-prevention set open, and why."""

    kind: str
    at: datetime | None
    by: str
    missing: tuple[str, ...]
    reason: str

    @property
    def missing_labels(self) -> str:
        return item_labels(self.missing)


@dataclass(frozen=True)
class DischargeView:
    checklist: DischargeChecklist | None
    assessment: discharge.ChecklistAssessment
    unplanned: bool
    basis_label: str
    items: tuple[ItemView, ...]
    warnings: tuple[Mapping[str, Any], ...]
    tolerance_text: str
    risk_text: str
    risk_source: str
    followup_within_days: int = 3
    open_set_discharge: OpenSetDischarge | None = None

    @property
    def refs(self) -> tuple[str, ...]:
        return self.assessment.refs


def discharge_warning(warning: discharge.ChecklistMessage) -> dict[str, Any]:
    params = dict(warning.params)
    if "missing" in params:
        params["missing"] = item_labels(params["missing"])
    if "basis" in params:
        params["basis"] = gettext(params["basis"])
    for key, value in params.items():
        if isinstance(value, datetime):
            params[key] = formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    return {
        "code": warning.code,
        "text": render_message(warning.message, params),
        "refs": warning.refs,
        "severity": warning.severity,
        "resolution": warning.resolution,
    }


def discharge_items(
    assessment: discharge.ChecklistAssessment, stored: Mapping[str, DischargeItem]
) -> tuple[ItemView, ...]:
    """The checklist items that apply, as read, with what is recorded for each."""
    items = []
    for spec in assessment.items:
        row = stored.get(spec.code)
        by = row.done_by if row is not None else None
        items.append(
            ItemView(
                code=spec.code,
                label=gettext(spec.label),
                help=gettext(spec.help),
                refs=spec.refs,
                group=spec.group,
                done=bool(row and row.done),
                note=row.note if row else "",
                done_by=(by.get_full_name() or by.get_username()) if by else "",
                done_at=row.done_at if row else None,
            )
        )
    return tuple(items)


def discharge_view_of(
    *,
    checklist: DischargeChecklist | None,
    assessment: discharge.ChecklistAssessment,
    stored: Mapping[str, DischargeItem],
    unplanned: bool,
    followup_within_days: int,
    open_set: OpenSetDischarge | None,
) -> DischargeView:
    """The discharge checklist page's view model from what ``plans.selectors`` read."""
    params = discharge.TOLERANCE_PARAMS
    return DischargeView(
        checklist=checklist,
        assessment=assessment,
        unplanned=unplanned,
        basis_label=gettext(discharge.BASIS_LABELS[assessment.basis]),
        items=discharge_items(assessment, stored),
        warnings=tuple(discharge_warning(w) for w in assessment.warnings),
        tolerance_text=render_message(discharge.TOLERANCE_TEXT, params),
        risk_text=render_message(discharge.RISK_TEXT, params),
        risk_source=gettext(discharge.OVERDOSE_STRATEGY),
        followup_within_days=followup_within_days,
        open_set_discharge=open_set,
    )
