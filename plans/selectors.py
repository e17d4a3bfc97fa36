"""Reading the episode's plan: fetch-and-authorize, and the plan as people read it.

Access goes through ``patients.selectors`` (the user's units): another unit's episode or care plan
is a 404, a role without the permission a 403. The display helpers turn the pure engines'
message ids, codes and refs (``clinical.regimens``, ``clinical.tapers``, ``clinical.discharge``)
into text in the active language; the pages, the API and the care-plan PDF all use them, so they
say the same.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db.models import QuerySet
from django.http import Http404
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from clinical import discharge, regimens, tapers
from guidelines.models import Edition
from patients.models import (
    Episode,
    EpisodeEvent,
    EpisodeEventKind,
    EpisodeStatus,
    Intake,
    SubstanceUse,
)
from patients.selectors import get_episode_for_user, visible_unit_ids
from plans.models import (
    CarePlan,
    DischargeChecklist,
    MedicationPlan,
    MedicationPlanVersion,
    PlanLine,
    PlanLineKind,
    PlanLineStatus,
    TaperSchedule,
)

logger = logging.getLogger(__name__)

# Permissions the views and the API check, by name (granted in ``plans/permissions.py``).
VIEW_PLAN: Final = "detox.view_medicationplan"
CHANGE_PLAN: Final = "detox.change_medicationplan"
VIEW_DISCHARGE: Final = "detox.view_dischargechecklist"
CHANGE_DISCHARGE: Final = "detox.change_dischargechecklist"
VIEW_CARE_PLAN: Final = "detox.view_careplan"
ADD_CARE_PLAN: Final = "detox.add_careplan"

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


# --- Fetch and authorize ----------------------------------------------------------------------


def require(user: AbstractBaseUser | AnonymousUser, permission: str) -> None:
    if not user.has_perm(permission):  # type: ignore[union-attr]
        raise PermissionDenied


def get_episode_for(
    user: AbstractBaseUser | AnonymousUser, episode_id: int, *, permission: str
) -> Episode:
    """The episode, if the user's role has ``permission`` (403) and it is in their unit (404)."""
    require(user, permission)
    return get_episode_for_user(user, episode_id)


def care_plans_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[CarePlan]:
    return CarePlan.objects.filter(episode__unit_id__in=visible_unit_ids(user))


def get_care_plan_for_user(user: AbstractBaseUser | AnonymousUser, care_plan_id: int) -> CarePlan:
    """The care plan, if the user may read care plans (403) of this unit's episodes (404)."""
    require(user, VIEW_CARE_PLAN)
    try:
        return (
            care_plans_visible_to(user)
            .select_related("episode__patient", "episode__unit", "requested_by")
            .get(pk=care_plan_id)
        )
    except CarePlan.DoesNotExist:
        raise Http404 from None


def care_plan_file(care_plan: CarePlan) -> File[bytes] | None:
    """The ready care plan's PDF opened for reading, or None (logged) if the file store does not
    have it: deleted by hand, lost in a restore, or gone between the check and the open."""
    try:
        return care_plan.file.open("rb")  # type: ignore[no-any-return]
    except (FileNotFoundError, ValueError):
        logger.error(
            "Care plan %s (version %s) is ready but its file %r is missing",
            care_plan.pk,
            care_plan.version,
            care_plan.file.name,
        )
        return None


def guideline_edition_label() -> str:
    """The guideline edition the application holds, as printed on a care plan."""
    edition = Edition.objects.order_by("-date", "code").first()
    if edition is None:
        return ""
    day = f"{edition.date:%d.%m.%Y}" if edition.date else ""
    parts = ", ".join(part for part in (day, edition.status) if part)
    return f"{edition.code} ({parts})" if parts else edition.code


def episode_care_plans(episode: Episode) -> QuerySet[CarePlan]:
    return CarePlan.objects.filter(episode=episode).select_related("requested_by")


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


# --- Proposals from the intake ----------------------------------------------------------------


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


def _bool_from(values: Iterable[bool | None]) -> bool | None:
    """True if any is True, False if all are False, else None (not recorded)."""
    seen = list(values)
    if any(value is True for value in seen):
        return True
    if seen and all(value is False for value in seen):
        return False
    return None


@dataclass(frozen=True)
class IntakeFacts:
    recorded: bool
    substances: tuple[str, ...] = ()
    rows: Mapping[str, SubstanceUse] = field(default_factory=dict)
    intake: Intake | None = None

    @property
    def uses_opioids(self) -> bool | None:
        return "opioids" in self.substances if self.recorded else None

    @property
    def ever_injected(self) -> bool | None:
        if not self.recorded:
            return None
        rows = list(self.rows.values())
        if any(row.route == "injected" for row in rows):
            return True
        return _bool_from(row.injecting for row in rows) if rows else None

    def complication(self, code: str) -> bool | None:
        value = self.intake.previous_withdrawal_complications if self.intake else None
        return None if value is None else code in value


def intake_facts(episode: Episode) -> IntakeFacts:
    intake = Intake.objects.filter(episode=episode).prefetch_related("substances").first()
    if intake is None:
        return IntakeFacts(recorded=False)
    rows = {row.substance: row for row in intake.substances.all()}
    return IntakeFacts(recorded=True, substances=tuple(rows), rows=rows, intake=intake)


def _permille(value: Decimal | None) -> Fraction | None:
    return None if value is None else Fraction(value)


def _setting(episode: Episode) -> regimens.Setting | None:
    if episode.setting == "outpatient":
        return "outpatient"
    if episode.setting == "inpatient":
        return "inpatient"
    return None


def _proposals(episode: Episode, facts: IntakeFacts) -> list[tuple[str, regimens.RegimenProposal]]:
    intake, setting = facts.intake, _setting(episode)
    pregnant = intake.pregnant if intake else None
    found: list[tuple[str, regimens.RegimenProposal]] = []
    if "alcohol" in facts.substances and setting is not None and intake is not None:
        alcohol = facts.rows["alcohol"]
        found.append(
            (
                "alcohol",
                regimens.alcohol_regimen(
                    regimens.AlcoholInput(
                        setting=setting,
                        continuous_drinking_days=alcohol.continuous_use_days,
                        earlier_seizures=facts.complication("seizures"),
                        earlier_delirium_tremens=facts.complication("delirium_tremens"),
                        liver_failure=intake.liver_failure,
                        breath_alcohol_permille=_permille(intake.breath_alcohol_permille),
                        pregnant=pregnant,
                    )
                ),
            )
        )
    if "benzodiazepines" in facts.substances:
        found.append(
            (
                "benzodiazepine",
                regimens.benzodiazepine_regimen(regimens.BenzodiazepineInput(pregnant=pregnant)),
            )
        )
    if "opioids" in facts.substances and setting is not None:
        opioid_input = regimens.OpioidInput(
            setting=setting,
            opioid_dependent=facts.rows["opioids"].dependent,
            pregnant=pregnant,
            in_lar=intake.in_lar if intake else None,
        )
        found.append(("opioid", regimens.opioid_regimen(opioid_input)))
    if "ghb" in facts.substances:
        found.append(("ghb", regimens.ghb_regimen(regimens.GhbInput())))
    if facts.substances:
        delirium = facts.complication("delirium_tremens")
        found.append(("sleep", regimens.sleep_regimen(regimens.SleepInput(delirium_risk=delirium))))
    return found


def proposal_source(regimen: str, line: regimens.PlanLine) -> dict[str, Any]:
    """What a plan line stores of a proposal: the engine's line, with the plan's own code."""
    data = line.to_dict()
    return {**data, "code": f"{regimen}.{line.code}", "engine_code": line.code, "regimen": regimen}


def medication_proposals(episode: Episode) -> list[ProposalGroup]:
    """The regimen proposals for the episode's substances, each with the decision made on it."""
    facts = intake_facts(episode)
    decided = {line.code: line for line in plan_lines(episode)}
    groups = []
    for regimen, proposal in _proposals(episode, facts):
        sources = [proposal_source(regimen, line) for line in proposal.lines]
        groups.append(
            ProposalGroup(
                regimen=regimen,
                label=str(REGIMEN_LABELS[regimen]),
                lines=tuple(line_view(source, decided.get(source["code"])) for source in sources),
                missing=tuple(fact_label(code) for code in proposal.missing),
            )
        )
    return groups


def proposal_by_code(episode: Episode, code: str) -> Mapping[str, Any] | None:
    """The proposal the engine makes now for this code (what a form's button refers to)."""
    for group in medication_proposals(episode):
        for line in group.lines:
            if line.code == code:
                return line.source
    return None


def proposal_notices(episode: Episode) -> list[str]:
    """Why some proposals may be missing: no intake, or no treatment level yet."""
    facts = intake_facts(episode)
    notices = []
    if not facts.recorded:
        notices.append(gettext("No intake yet: the proposals come from the intake's substances."))
    elif _setting(episode) is None and {"alcohol", "opioids"} & set(facts.substances):
        notices.append(
            gettext(
                "The treatment level is not decided: the alcohol and opioid proposals depend on "
                "it. Decide the level first."
            )
        )
    return notices


def taper_initial(episode: Episode) -> dict[str, Any]:
    """Starting values for the taper form from the intake and the treatment level."""
    facts = intake_facts(episode)
    regimen = "benzodiazepine"
    if "opioids" in facts.substances and "benzodiazepines" not in facts.substances:
        regimen = "buprenorphine"
    initial: dict[str, Any] = {
        "regimen": regimen,
        "taper_drug": tapers.DEFAULT_TAPER_DRUG[regimen],  # type: ignore[index]
        "setting": _setting(episode) or "",
        "weekly_reduction_percent": tapers.DEFAULT_WEEKLY_REDUCTION_PERCENT,
        "doses_per_day": 3,
        "opioid_dependent": (facts.rows["opioids"].dependent if "opioids" in facts.rows else None),
        "pregnant": facts.intake.pregnant if facts.intake else None,
    }
    benzodiazepine = facts.rows.get("benzodiazepines")
    described = (benzodiazepine.description if benzodiazepine else "").strip().lower()
    if described in tapers.default_equipotency().ranges:
        initial["drug_0"] = described
    # The taper starts from what the intake says the patient uses, where it can be read.
    for index, use in enumerate(intake_use(episode, facts=facts) or []):
        initial[f"drug_{index}"] = use["drug"]
        initial[f"mg_{index}"] = Decimal(str(use["mg_per_day"]))
    return initial


def intake_use(
    episode: Episode, *, facts: IntakeFacts | None = None
) -> list[dict[str, Any]] | None:
    """The benzodiazepine use the intake records, as the taper API's ``intake_use`` (``None``
    when there is no benzodiazepine row or its dose cannot be read safely)."""
    facts = facts or intake_facts(episode)
    row = facts.rows.get("benzodiazepines")
    if row is None:
        return None
    use = tapers.parse_intake_use(row.description, row.last_week_amount, row.last_week_frequency)
    if use is None:
        return None
    mg = use.mg_per_day
    return [{"drug": use.drug, "mg_per_day": int(mg) if mg.denominator == 1 else float(mg)}]


# --- The plan ---------------------------------------------------------------------------------


def medication_plan(episode: Episode) -> MedicationPlan | None:
    return MedicationPlan.objects.filter(episode=episode).first()


def plan_lines(episode: Episode) -> list[PlanLine]:
    return list(
        PlanLine.objects.filter(plan__episode=episode)
        .select_related("decided_by")
        .order_by("kind", "pk")
    )


def plan_versions(episode: Episode) -> list[MedicationPlanVersion]:
    return list(
        MedicationPlanVersion.objects.filter(plan__episode=episode)
        .select_related("created_by")
        .order_by("-version")
    )


def regimen_lines(episode: Episode) -> tuple[list[LineView], list[LineView]]:
    """The regimen lines in the plan (accepted or adjusted) and those removed, as read."""
    views = [
        line_view(line.source, line)
        for line in plan_lines(episode)
        if line.kind == PlanLineKind.REGIMEN
    ]
    kept = [view for view in views if view.status != PlanLineStatus.REMOVED]
    removed = [view for view in views if view.status == PlanLineStatus.REMOVED]
    return kept, removed


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
    return str(formats.date_format(on, "l j. F Y"))


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


def schedule_plan(schedule: TaperSchedule) -> tuple[Mapping[str, Any], bool]:
    """The schedule computed now from the stored request by the engine, and whether it differs
    from what was accepted (the tablet strengths or the equivalence table changed since).
    A request the engine no longer accepts falls back to the stored computation."""
    try:
        plan = tapers.taper_plan(schedule.request).to_dict()
    except (tapers.TaperInputError, ValueError):
        return schedule.computed, True
    return plan, plan["days"] != schedule.computed.get("days")


def current_tapers(episode: Episode, *, include_removed: bool = False) -> list[TaperView]:
    schedules = (
        TaperSchedule.objects.filter(line__plan__episode=episode, replaced_at__isnull=True)
        .select_related("line", "accepted_by")
        .order_by("pk")
    )
    views = []
    for schedule in schedules:
        if not include_removed and schedule.line.status == PlanLineStatus.REMOVED:
            continue
        plan, differs = schedule_plan(schedule)
        views.append(
            taper_view_of(
                plan,
                doses_per_day=int(schedule.request.get("doses_per_day") or 1),
                schedule=schedule,
                line=schedule.line,
                recomputed_differs=differs,
            )
        )
    return views


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


def todays_doses(episode: Episode, today: date) -> TodaysDoses:
    """What the nurse gives today: the taper doses by time, and the plan's other "give" lines.

    ``today`` is the local (Oslo) date, ``timezone.localdate()`` at the caller.
    """
    doses: list[TodaysDose] = []
    stops: list[str] = []
    for taper in current_tapers(episode):
        for day in taper.plan["days"]:
            if day["date"] != today.isoformat():
                continue
            if day["total_mg"] == 0:
                stops.append(taper.taper_drug_label)
            doses.extend(
                TodaysDose(
                    dose["time"],
                    taper.taper_drug_label,
                    number_text(dose["mg"]),
                    tablets_text(dose["tablets"]),
                )
                for dose in day["doses"]
            )
    kept, _removed = regimen_lines(episode)
    standing = tuple(line for line in kept if line.kind == "give")
    return TodaysDoses(tuple(sorted(doses, key=lambda d: d.time)), tuple(stops), standing)


# --- Discharge --------------------------------------------------------------------------------


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


def occasional_opioids(facts: IntakeFacts) -> bool:
    """A benzodiazepine or GHB main user who takes opioids now and then (O 2170-2174)."""
    return discharge.occasional_opioid_use(
        {
            code: discharge.SubstanceFacts(
                row.dependent, row.last_month_frequency, row.last_week_frequency
            )
            for code, row in facts.rows.items()
        }
    )


def _discharge_reference(
    episode: Episode, checklist: DischargeChecklist | None
) -> tuple[datetime | None, discharge.DischargeReference]:
    """The recorded discharge, else the planned one on the checklist, else none (now)."""
    if episode.discharged_at is not None:
        return timezone.localtime(episode.discharged_at), "actual"
    if checklist is not None and checklist.planned_discharge_at is not None:
        return timezone.localtime(checklist.planned_discharge_at), "planned"
    return None, "now"


def overdose_set_open(episode: Episode) -> tuple[str, ...]:
    """The overdose-set items (naloxone, tolerance information) a discharge would leave open."""
    facts = intake_facts(episode)
    checklist = DischargeChecklist.objects.filter(episode=episode).prefetch_related("items").first()
    done = {item.code: item.done for item in checklist.items.all()} if checklist else {}
    return discharge.open_set_at_discharge(facts.uses_opioids, facts.ever_injected, done)


def item_labels(codes: Iterable[str]) -> str:
    """The checklist items' labels, in the active language, comma-separated."""
    return ", ".join(
        gettext(discharge.ITEMS_BY_CODE[code].label)
        for code in codes
        if code in discharge.ITEMS_BY_CODE
    )


def open_set_discharge(episode: Episode) -> OpenSetDischarge | None:
    """How the closed episode was discharged with the overdose set open, if it was."""
    if episode.is_open:
        return None
    event = (
        EpisodeEvent.objects.filter(
            episode=episode,
            kind__in=(EpisodeEventKind.DISCHARGED, EpisodeEventKind.INTERRUPTED),
            details__has_key="overdose_set_open",
        )
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )
    if event is None:
        return None
    found = event.details["overdose_set_open"]
    at = event.details.get("at")
    return OpenSetDischarge(
        kind=event.kind,
        at=datetime.fromisoformat(at) if isinstance(at, str) else event.at,
        by=event.by.get_full_name() or event.by.get_username(),
        missing=tuple(found.get("missing", ())),
        reason=str(found.get("reason", "")),
    )


def discharge_view(episode: Episode, *, now: datetime) -> DischargeView:
    """The checklist as it stands, with the items that apply and the warnings."""
    facts = intake_facts(episode)
    checklist = DischargeChecklist.objects.filter(episode=episode).prefetch_related("items").first()
    stored = {item.code: item for item in checklist.items.all()} if checklist else {}
    # An interrupted episode (the patient left, or dropped out) is an unplanned discharge.
    unplanned = bool(checklist and checklist.unplanned_discharge) or (
        episode.status == EpisodeStatus.INTERRUPTED
    )
    discharge_at, reference = _discharge_reference(episode, checklist)
    within_days = episode.unit.followup_within_days
    assessment = discharge.assess_checklist(
        discharge.ChecklistFacts(
            uses_opioids=facts.uses_opioids,
            ever_injected=facts.ever_injected,
            done={code: item.done for code, item in stored.items()},
            now=timezone.localtime(now),
            unplanned_discharge=unplanned,
            episode_started=episode.status != "planned",
            appointment_at=checklist.appointment_at if checklist else None,
            appointment_contact=checklist.appointment_contact if checklist else "",
            followup_within_days=within_days,
            discharge_at=discharge_at,
            discharge_reference=reference,
            occasional_opioids=occasional_opioids(facts),
        )
    )
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
    warnings = tuple(_discharge_warning(w) for w in assessment.warnings)
    params = discharge.TOLERANCE_PARAMS
    return DischargeView(
        checklist=checklist,
        assessment=assessment,
        unplanned=unplanned,
        basis_label=gettext(discharge.BASIS_LABELS[assessment.basis]),
        items=tuple(items),
        warnings=warnings,
        tolerance_text=gettext(discharge.TOLERANCE_TEXT) % params,
        risk_text=gettext(discharge.RISK_TEXT) % params,
        risk_source=gettext(discharge.OVERDOSE_STRATEGY),
        followup_within_days=within_days,
        open_set_discharge=open_set_discharge(episode),
    )


def _discharge_warning(warning: discharge.ChecklistMessage) -> dict[str, Any]:
    params = dict(warning.params)
    if "missing" in params:
        params["missing"] = ", ".join(
            gettext(discharge.ITEMS_BY_CODE[code].label) for code in params["missing"]
        )
    if "basis" in params:
        params["basis"] = gettext(params["basis"])
    for key, value in params.items():
        if isinstance(value, datetime):
            params[key] = formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    return {
        "code": warning.code,
        "text": gettext(warning.message) % params if params else gettext(warning.message),
        "refs": warning.refs,
        "severity": warning.severity,
        "resolution": warning.resolution,
    }
