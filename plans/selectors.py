"""Reading the episode's plan: fetch-and-authorize, and the queries behind the plan pages.

Access goes through ``patients.selectors`` (the user's units): another unit's episode or care plan
is a 404, a role without the permission a 403. What is read here is turned into text and view
models by ``plans.presentation`` (selectors read, presenters present).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from clinical import discharge, regimens, tapers
from clinical.pregnancy import pregnancy
from clinical.regimens.due import doses_due
from core.formatting import local_date
from guidelines.models import Edition
from patients.extensions import PlannedDose
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
    DischargeItem,
    MedicationPlan,
    MedicationPlanVersion,
    PlanLine,
    PlanLineKind,
    PlanLineStatus,
    TaperSchedule,
)
from plans.permissions import VIEW_CARE_PLAN, VIEW_PLAN
from plans.presentation import (
    REGIMEN_LABELS,
    DischargeView,
    LineView,
    OpenSetDischarge,
    ProposalGroup,
    TaperView,
    TodaysDose,
    TodaysDoses,
    discharge_view_of,
    fact_label,
    line_view,
    number_text,
    tablets_text,
    taper_view_of,
)
from scoring.models import PlannedDoseRecord

logger = logging.getLogger(__name__)

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
    day = local_date(edition.date, empty="")
    parts = ", ".join(part for part in (day, edition.status) if part)
    return f"{edition.code} ({parts})" if parts else edition.code


def episode_care_plans(episode: Episode) -> QuerySet[CarePlan]:
    return CarePlan.objects.filter(episode=episode).select_related("requested_by")


# --- Proposals from the intake ----------------------------------------------------------------


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
    return _facts_of(intake)


def _facts_of(intake: Intake | None) -> IntakeFacts:
    """The intake's facts, from an intake read with its substances prefetched."""
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


def _pregnant(episode: Episode, intake: Intake | None) -> bool | None:
    """The intake's pregnancy as every engine reads it (``clinical.pregnancy``)."""
    if intake is None:
        return pregnancy(None, None, episode.patient.sex)
    return pregnancy(intake.pregnant, intake.pregnancy_test, episode.patient.sex)


def _proposals(episode: Episode, facts: IntakeFacts) -> list[tuple[str, regimens.RegimenProposal]]:
    intake, setting = facts.intake, _setting(episode)
    pregnant = _pregnant(episode, intake)
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
        "pregnant": _pregnant(episode, facts.intake),
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


def recomputed_differs(schedule: TaperSchedule) -> bool:
    """Whether the engine, run today on the stored request, would give another calendar than the
    one accepted (the tablet strengths or the equivalence table changed since, or the request is
    no longer accepted). The accepted calendar is still what is shown and given."""
    try:
        plan = tapers.taper_plan(schedule.request).to_dict()
    except (tapers.TaperInputError, ValueError):
        return True
    return bool(plan["days"] != schedule.computed.get("days"))


def current_tapers(
    episode: Episode,
    *,
    include_removed: bool = False,
    check_tables: bool = False,
    drug: str | None = None,
) -> list[TaperView]:
    """The episode's current tapers with their calendars exactly as accepted (``computed``), never
    recomputed: what the plan page, the print view, the ward and the care-plan PDF show.

    ``check_tables`` also says, per taper, whether today's tables would give another calendar
    (the plan page shows that, so the clinician can accept the taper again). ``drug``: only the
    tapers of that drug (none, without a query, for a drug that is never tapered).
    """
    if drug is not None and drug not in tapers.TAPER_DRUGS:
        return []
    schedules = (
        TaperSchedule.objects.filter(line__plan__episode=episode, replaced_at__isnull=True)
        .select_related("line", "accepted_by")
        .order_by("pk")
    )
    if drug is not None:
        schedules = schedules.filter(taper_drug=drug)
    return [
        taper_view_of(
            schedule.computed,
            doses_per_day=int(schedule.request.get("doses_per_day") or 1),
            schedule=schedule,
            line=schedule.line,
            recomputed_differs=check_tables and recomputed_differs(schedule),
        )
        for schedule in schedules
        if include_removed or schedule.line.status != PlanLineStatus.REMOVED
    ]


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


def planned_doses(
    episode: Episode, day: date, *, drug: str | None = None
) -> tuple[PlannedDose, ...]:
    """The doses the accepted plan says are due on ``day`` (the local date), for the scoring
    app's administration view: each accepted taper's doses of that day by time, then the plan's
    "give" lines without fixed times. Read from the stored, accepted calendars (never
    recomputed). ``drug``: only the doses of that drug (the thiamine line of the result page
    reads no taper calendar: thiamine is never tapered)."""
    doses: list[PlannedDose] = []
    for taper in current_tapers(episode, drug=drug):
        schedule_key = taper.schedule.pk if taper.schedule is not None else taper.taper_drug
        for plan_day in taper.plan["days"]:
            if plan_day["date"] != day.isoformat():
                continue
            doses.extend(
                PlannedDose(
                    slot=f"taper:{schedule_key}:{dose['time']}",
                    time=str(dose["time"]),
                    drug=str(taper.taper_drug_label),
                    dose=f"{number_text(dose['mg'])} mg",
                    drugs=(taper.taper_drug,),
                )
                for dose in plan_day["doses"]
            )
    doses.sort(key=lambda dose: dose.time)
    kept, _removed = regimen_lines(episode)
    give = [
        line
        for line in kept
        if line.kind == "give" and (drug is None or drug in line.source.get("drugs", []))
    ]
    given_days = _line_given_days(episode, [line.code for line in give])
    for line in give:
        params = line.source.get("params") or {}
        count = doses_due(line.code, params, day, given_days.get(line.code, ()))
        single_mg = (line.source.get("dose") or {}).get("mg")
        # Several doses a day: each is the line's single amount ("300 mg x 3 per døgn" → 300 mg).
        each = f"{number_text(single_mg)} mg" if count > 1 and single_mg is not None else line.dose
        for number in range(1, count + 1):
            doses.append(
                PlannedDose(
                    # The first dose keeps the line's own slot (answers stored before a line had
                    # several doses a day still match); the others are numbered.
                    slot=f"line:{line.code}" if number == 1 else f"line:{line.code}:{number}",
                    time="",
                    drug=(
                        gettext("%(drug)s (dose %(number)d of %(count)d)")
                        % {"drug": line.drugs or line.text, "number": number, "count": count}
                        if count > 1
                        else line.drugs or line.text
                    ),
                    dose=each,
                    drugs=tuple(str(code) for code in line.source.get("drugs", [])),
                    refs=line.refs,
                )
            )
    return tuple(doses)


def _line_given_days(episode: Episode, codes: list[str]) -> dict[str, list[date]]:
    """The days a dose of each plan line was marked given (current answers), by line code."""
    found: dict[str, list[date]] = {}
    if not codes:
        return found
    rows = (
        PlannedDoseRecord.objects.current()
        .filter(episode=episode, given=True, slot__startswith="line:")
        .values_list("slot", "due_date")
    )
    for slot, due_date in rows:
        code = slot.split(":")[1]
        if code in codes:
            found.setdefault(code, []).append(due_date)
    return found


def todays_doses_for(
    user: AbstractBaseUser | AnonymousUser, episode: Episode, today: date
) -> TodaysDoses | None:
    """Today's doses for the episode page, if the user may read the plan (else None)."""
    return todays_doses(episode, today) if user.has_perm(VIEW_PLAN) else None  # type: ignore[union-attr]


# --- Discharge --------------------------------------------------------------------------------


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
    return discharge_view_of(
        checklist=checklist,
        assessment=assessment,
        stored=stored,
        unplanned=unplanned,
        followup_within_days=within_days,
        open_set=open_set_discharge(episode),
    )


def open_discharge_items(episode_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """Per episode, the discharge-checklist items that apply to the patient
    (``clinical.discharge.missing_items``: everyone's, the overdose-prevention set, the opioid
    items) and are not done, whether or not a checklist was opened yet; episodes with none open
    are absent. A fixed number of queries for any number of episodes (the handover's flag):
    the intakes with their substances, and the checklists with their items."""
    ids = list(episode_ids)
    intakes = {
        intake.episode_id: intake
        for intake in Intake.objects.filter(episode_id__in=ids).prefetch_related("substances")
    }
    done: dict[int, dict[str, bool]] = {pk: {} for pk in ids}
    for episode_id, code, is_done in DischargeItem.objects.filter(
        checklist__episode_id__in=ids
    ).values_list("checklist__episode_id", "code", "done"):
        done[episode_id][code] = is_done
    found: dict[int, tuple[str, ...]] = {}
    for pk in ids:
        facts = _facts_of(intakes.get(pk))
        missing = discharge.missing_items(facts.uses_opioids, facts.ever_injected, done[pk])
        if missing:
            found[pk] = missing
    return found
