"""Reading scores: the ward board, an episode's scores and doses, the advice for a score.

Access goes through ``patients.selectors`` (the user's unit), so a record outside the unit is a
404. Lists are built with a constant number of queries, whatever the number of patients.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Final

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from accounts.remembered import Remembered
from clinical.advice import (
    Administration,
    Advice,
    AdviceContext,
    CiwaObservation,
    ciwa_advice,
    escalation_since,
)
from clinical.instruments import INSTRUMENTS, Instrument
from clinical.opioid_advice import OpioidAdvice, OpioidAdviceContext, opioid_advice
from clinical.pregnancy import pregnancy
from clinical.schedule import OSLO, DueStatus, due_status, next_due
from clinical.scoring import ciwa_interval_hours
from patients import extensions
from patients.extensions import PlannedDose
from patients.models import Episode, EpisodeStatus, Intake, Setting, SubstanceKind, SubstanceUse
from patients.selectors import age_on, episodes_visible_to, history_from, visible_unit_ids
from scoring.models import (
    CIWA_AR_CODE,
    Assessment,
    AssessmentKind,
    Drug,
    MedicationAdministration,
    MonitoringChoice,
    PlannedDoseRecord,
)

THIAMINE: Final = Drug.THIAMINE.value

# Sorting on the board: overdue first, then due, then the rest by due time.
_STATUS_ORDER: Final[dict[str, int]] = {"overdue": 0, "due": 1, "ok": 2}

# The intake's substances suggest a scale until someone chooses or scores one.
SUBSTANCE_DEFAULT_SCALE: Final[dict[str, str]] = {"alcohol": CIWA_AR_CODE, "opioids": "cows"}


# --- fetch and authorize -------------------------------------------------------------------------


def assessments_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Assessment]:
    return Assessment.objects.filter(episode__unit_id__in=visible_unit_ids(user))


def get_assessment_for_user(
    user: AbstractBaseUser | AnonymousUser, assessment_id: int
) -> Assessment:
    """The assessment, if it belongs to one of the user's unit's episodes; 404 otherwise."""
    try:
        return (
            assessments_visible_to(user)
            .select_related("episode__patient", "episode__unit", "entered_by")
            .get(pk=assessment_id)
        )
    except Assessment.DoesNotExist:
        raise Http404 from None


def get_result_for_user(user: AbstractBaseUser | AnonymousUser, assessment_id: int) -> Assessment:
    """``get_assessment_for_user`` for the result page, in the same query: the id of the version
    that corrects it (``newer_version_id``, None for the current one) and whether a dose was
    registered for it (``has_administrations``)."""
    try:
        return (
            assessments_visible_to(user)
            .select_related("episode__patient", "episode__unit", "entered_by")
            .annotate(
                newer_version_id=Subquery(
                    Assessment.objects.filter(supersedes=OuterRef("pk")).values("pk")[:1]
                ),
                has_administrations=Exists(
                    MedicationAdministration.objects.filter(assessment=OuterRef("pk"))
                ),
            )
            .get(pk=assessment_id)
        )
    except Assessment.DoesNotExist:
        raise Http404 from None


def get_administration_for_user(
    user: AbstractBaseUser | AnonymousUser, administration_id: int
) -> MedicationAdministration:
    try:
        return (
            MedicationAdministration.objects.filter(episode__unit_id__in=visible_unit_ids(user))
            .select_related("episode__patient", "episode__unit")
            .get(pk=administration_id)
        )
    except MedicationAdministration.DoesNotExist:
        raise Http404 from None


# --- the ward board ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    episode: Episode
    # The scale the patient is monitored with; None until one is chosen, scored or suggested.
    instrument: Instrument | None
    # True when the scale is only suggested by the intake's substances (nobody chose it yet).
    instrument_suggested: bool
    last: Assessment | None
    interval_hours: int | None
    interval_local_choice: bool
    next_due: datetime
    status: DueStatus

    @property
    def never_scored(self) -> bool:
        return self.last is None


def _suggested_scale(has_alcohol: bool, has_opioids: bool) -> str | None:
    if has_alcohol and not has_opioids:
        return SUBSTANCE_DEFAULT_SCALE["alcohol"]
    if has_opioids and not has_alcohol:
        return SUBSTANCE_DEFAULT_SCALE["opioids"]
    return None  # neither, or both: the nurse chooses


def interval_for(assessment: Assessment, local_interval_hours: int) -> tuple[int, bool]:
    """Hours to the next score after this one, and whether that is a local choice.

    CIWA-Ar: 8.4.6-2 (every 4 h under 10, hourly from 10). COWS and SOWS: the unit's setting,
    because the guideline gives none.
    """
    if assessment.instrument == CIWA_AR_CODE:
        return ciwa_interval_hours(assessment.total), False
    return local_interval_hours, True


def _chosen_scale() -> Subquery:
    """The episode's monitored scale (its latest monitoring choice), for ``.annotate``."""
    latest_choice = MonitoringChoice.objects.filter(episode=OuterRef("pk")).order_by(
        "-chosen_at", "-id"
    )
    return Subquery(latest_choice.values("instrument")[:1])


def _scores_on_chosen_scale(**filters: Any) -> QuerySet[Assessment]:
    """The episode's current scores on its ``chosen_scale`` annotation, newest first."""
    return (
        Assessment.objects.current()
        .filter(episode=OuterRef("pk"), instrument=OuterRef("chosen_scale"), **filters)
        .order_by("-observed_at", "-id")
    )


def _board_queryset(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Episode]:
    # Uses index: assessment_episode_instr_idx, one backward seek per episode.
    latest_score = _scores_on_chosen_scale()
    return (
        episodes_visible_to(user)
        .filter(status=EpisodeStatus.ACTIVE)
        # An active stay whose level is not yet decided is on the ward until it is; outpatients
        # are scored at their visits, not from the board.
        .exclude(setting=Setting.OUTPATIENT)
        .select_related("patient", "unit")
        .annotate(
            chosen_scale=_chosen_scale(),
            last_assessment_id=Subquery(latest_score.values("pk")[:1]),
        )
    )


def _substances_of(episode_ids: Sequence[int]) -> dict[int, set[str]]:
    """Alcohol and opioids in each episode's intake: only asked for episodes with no scale yet."""
    found: dict[int, set[str]] = {episode_id: set() for episode_id in episode_ids}
    if episode_ids:
        rows = SubstanceUse.objects.filter(
            intake__episode__in=episode_ids, substance__in=tuple(SUBSTANCE_DEFAULT_SCALE)
        ).values_list("intake__episode_id", "substance")
        for episode_id, substance in rows:
            found[episode_id].add(substance)
    return found


# What the board and the handover read of each row's latest score (``BoardRow.last``).
BOARD_SCORE_FIELDS: Final = (
    "id",
    "episode_id",
    "instrument",
    "total",
    "band",
    "sex",
    "observed_at",
    "drowsy",
    "current_delirium",
)


# The ward's state as the board and the overdue badge read it: which inpatients there are, their
# names, scales and latest scores, the unit's interval. Replaced whenever any of it is saved
# (scoring/apps.py).
WARD_GENERATION: Final = "ward"


@dataclass(frozen=True)
class _WardRead:
    """What the board reads from the database for a set of units; the rows' due states are
    worked out from it at each request's ``now``."""

    # Annotated: chosen_scale, last_assessment_id.
    episodes: list[Any]
    substances: dict[int, set[str]]
    latest: dict[int, Assessment]


def _shared(read: _WardRead) -> _WardRead:
    # Read-only by every caller (the board, its rows' refresh, the handover): not copied.
    return read


# Per process, by the units' ids, under the ward's generation: any save of a score, episode, scale
# choice, unit, patient or intake substance replaces it (scoring/apps.py; for the other processes
# sharing the cache when the save commits), and an entry lives at most GRANTS_CACHE_SECONDS (5 s)
# whatever happens; the board's own refresh runs every 30 s.
_ward_reads: Remembered[_WardRead] = Remembered(WARD_GENERATION, copier=_shared)


def _read_ward(user: AbstractBaseUser | AnonymousUser) -> _WardRead:
    units = visible_unit_ids(user)
    key = ",".join(str(pk) for pk in sorted(units))
    generation = _ward_reads.generation()
    remembered = _ward_reads.get(key, generation)
    if remembered is not None:
        return remembered
    episodes: list[Any] = list(_board_queryset(user))
    # The intake's substances suggest a scale where nobody has chosen or scored one yet; a third
    # query, for those episodes only (on a ward in progress, none: cheaper to plan without it).
    substances = _substances_of([e.pk for e in episodes if not e.chosen_scale])
    # The board shows each latest score's total, band and time, not who entered it; the handover
    # adds its drowsiness and delirium. Not the items (a JSON document per score) nor the rest.
    latest = Assessment.objects.only(*BOARD_SCORE_FIELDS).in_bulk(
        [e.last_assessment_id for e in episodes if e.last_assessment_id]
    )
    read = _WardRead(episodes, substances, latest)
    _ward_reads.put(key, generation, read)
    return read


def ward_board(user: AbstractBaseUser | AnonymousUser, *, now: datetime) -> list[BoardRow]:
    """Every active inpatient episode of the user's unit(s), overdue first.

    Inpatient: the setting is inpatient, or not decided yet (the patient is on the ward).

    Next due: the last current score of the monitored scale plus its interval (CIWA-Ar by its
    score, COWS/SOWS by the unit's setting). A patient never scored is due from admission, so one
    admitted long ago without a score shows as overdue. Two queries, whatever the number of
    patients (the episodes, their latest scores), and a third for the intake's substances when some
    patient has no scale yet; the user's role is cached (``accounts.grants``). What was read is
    remembered until the ward's data changes (``_read_ward``), for at most a few seconds; the due
    states are always worked out at ``now``.
    """
    read = _read_ward(user)
    episodes, substances, latest = read.episodes, read.substances, read.latest
    rows = []
    for episode in episodes:
        used = substances.get(episode.pk, set())
        code = episode.chosen_scale or _suggested_scale("alcohol" in used, "opioids" in used)
        last = latest.get(episode.last_assessment_id)
        if last is not None:
            hours, local = interval_for(last, episode.unit.opioid_scale_interval_hours)
            due = next_due(last.observed_at, hours)
        else:
            hours, local = None, False
            due = episode.admitted_at or now
        rows.append(
            BoardRow(
                episode=episode,
                instrument=INSTRUMENTS[code] if code else None,
                instrument_suggested=code is not None and not episode.chosen_scale,
                last=last,
                interval_hours=hours,
                interval_local_choice=local,
                next_due=due,
                status=due_status(due, now),
            )
        )
    rows.sort(key=lambda row: (_STATUS_ORDER[row.status], row.next_due, row.episode.pk))
    return rows


def monitored_scale(episode: Episode) -> tuple[str | None, bool]:
    """The scale the episode is monitored with, and whether it is only suggested by the intake."""
    choice = episode.monitoring_choices.order_by("-chosen_at", "-id").first()
    if choice is not None:
        return choice.instrument, False
    substances = set(
        SubstanceUse.objects.filter(intake__episode=episode).values_list("substance", flat=True)
    )
    suggested = _suggested_scale("alcohol" in substances, "opioids" in substances)
    return suggested, suggested is not None


# --- one episode ---------------------------------------------------------------------------------


def episode_assessments(episode: Episode) -> QuerySet[Assessment]:
    """Every version of every score of the episode, newest observation first."""
    return (
        Assessment.objects.filter(episode=episode)
        .select_related("entered_by", "supersedes", "superseded_by")
        .order_by("-observed_at", "-id")
    )


def episode_administrations(episode: Episode) -> QuerySet[MedicationAdministration]:
    return (
        MedicationAdministration.objects.filter(episode=episode)
        .select_related("entered_by", "assessment", "supersedes", "superseded_by")
        .order_by("-given_at", "-id")
    )


def latest_screening(episode: Episode, code: str) -> Assessment | None:
    """The newest current result of a screening instrument (AUDIT, DUDIT, FAST, CAGE, TWEAK).

    The treatment-level input reads the AUDIT total from here: ``latest_screening(e, "audit")``.
    """
    return (
        Assessment.objects.current()
        .filter(episode=episode, instrument=code, kind=AssessmentKind.SCREENING)
        .order_by("-observed_at", "-id")
        .first()
    )


SCREENING_CODES: Final = ("audit", "dudit", "fast", "cage", "tweak")


def screening_totals(episode: Episode) -> dict[str, int | None]:
    """The latest current total of each screening instrument recorded for the episode.

    AUDIT feeds the treatment level (the NICE flag at 20 or more); the others are shown at intake.
    Registered as ``patients.extensions.screening_totals`` (patients sits below scoring).
    """
    results: dict[str, int | None] = {}
    for code in SCREENING_CODES:
        assessment = latest_screening(episode, code)
        if assessment is not None:
            results[code] = assessment.total
    return results


def versions_of(assessment: Assessment) -> list[Assessment]:
    """The whole chain this version belongs to, oldest first (original, then each correction).

    No query for an uncorrected original read by ``get_result_for_user`` (it knows that no
    version corrects it)."""
    if assessment.supersedes_id is None and getattr(assessment, "newer_version_id", 0) is None:
        return [assessment]
    chain = [assessment]
    node = assessment
    while node.supersedes_id is not None:
        node = Assessment.objects.select_related("entered_by").get(pk=node.supersedes_id)
        chain.insert(0, node)
    node = assessment
    while True:
        newer = Assessment.objects.select_related("entered_by").filter(supersedes=node).first()
        if newer is None:
            break
        chain.append(newer)
        node = newer
    return chain


def next_due_after(assessment: Assessment) -> tuple[datetime, int, bool]:
    """When the next score is due after this one: (due, interval hours, local choice)."""
    hours, local = interval_for(assessment, assessment.episode.unit.opioid_scale_interval_hours)
    return next_due(assessment.observed_at, hours), hours, local


# --- advice --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdviceFacts:
    """Intake facts and the patient's age that the bedside advice reads (None: not recorded)."""

    wernicke_suspected: bool | None
    head_injury: bool | None
    pregnant: bool | None
    in_lar: bool | None
    # Earlier benzodiazepine use or misuse (G 3994–3998): a benzodiazepine row in the intake.
    benzodiazepine_misuse: bool | None
    age_years: int
    # ``patients.selectors.withdrawal_history``: earlier seizures, delirium tremens, liver failure.
    history: dict[str, bool | None]


_NO_HISTORY: Final[dict[str, bool | None]] = {
    "seizures": None,
    "delirium_tremens": None,
    "liver_failure": None,
}


def advice_facts(episode: Episode, observed_at: datetime) -> AdviceFacts:
    """One query: the intake's answers (with the withdrawal history), and whether it lists
    benzodiazepines; age at the score.

    Pregnancy is read by ``clinical.pregnancy`` (a positive test counts; a man's unanswered
    question is "not pregnant").
    """
    row = (
        Intake.objects.filter(episode=episode)
        .annotate(
            benzodiazepines=Exists(
                SubstanceUse.objects.filter(
                    intake=OuterRef("pk"), substance=SubstanceKind.BENZODIAZEPINES
                )
            )
        )
        .values(
            "wernicke_suspected",
            "head_injury",
            "pregnant",
            "pregnancy_test",
            "in_lar",
            "benzodiazepines",
            "previous_withdrawal_complications",
            "liver_failure",
        )
        .first()
    )
    patient = episode.patient
    age = age_on(patient.birth_date, observed_at.astimezone(OSLO).date())
    pregnant = pregnancy(
        row["pregnant"] if row else None, row["pregnancy_test"] if row else None, patient.sex
    )
    if row is None:
        return AdviceFacts(None, None, pregnant, None, None, age, dict(_NO_HISTORY))
    return AdviceFacts(
        wernicke_suspected=row["wernicke_suspected"],
        head_injury=row["head_injury"],
        pregnant=pregnant,
        in_lar=row["in_lar"],
        benzodiazepine_misuse=True if row["benzodiazepines"] else None,
        age_years=age,
        history=history_from(row["previous_withdrawal_complications"], row["liver_failure"]),
    )


@dataclass(frozen=True)
class PlannedGiven:
    """A planned dose marked given (``scoring.planned_doses``), as the handover lists it."""

    drug_code: str  # a ``Drug`` code, "" for a combination or a drug the ward has no code for
    drug: str  # the plan's words for the drug, as read when it was answered
    mg: Decimal | None  # the mg given, when known (the plan's single amount or the nurse's)
    given_at: datetime


def _planned_given(
    episode_ids: list[int], *, since: datetime, until: datetime
) -> dict[int, list[PlannedGiven]]:
    """By episode, the planned doses marked given up to ``until``: every one from ``since`` on
    (what was given, whether or not its drug or mg is known), and before that those that count in
    the stay's diazepam and olanzapine (a ``Drug`` code and the mg). One query."""
    rows = (
        PlannedDoseRecord.objects.current()
        .filter(episode_id__in=episode_ids, given=True, recorded_at__lte=until)
        .filter(
            Q(recorded_at__gte=since)
            | Q(drug_code__in=(Drug.DIAZEPAM, Drug.OLANZAPINE), dose_mg__isnull=False)
        )
        .values_list("episode_id", "drug_code", "drug", "dose_mg", "recorded_at")
    )
    found: dict[int, list[PlannedGiven]] = {}
    for episode_id, code, drug, mg, at in rows:
        found.setdefault(episode_id, []).append(PlannedGiven(code, drug, mg, at))
    return found


@dataclass(frozen=True)
class _Given:
    doses: list[Administration]
    # A planned thiamine dose marked given (with or without an amount).
    planned_thiamine: bool


def _given_up_to(assessment: Assessment, at: datetime | None = None) -> _Given:
    """Every dose given in the episode up to ``at`` (else the score's time): those registered,
    and the planned doses marked given (an hourly dose must not follow a planned one unseen);
    two queries (the planned doses' rows once, for the counted doses and thiamine)."""
    until = at or assessment.observed_at
    doses = [
        Administration(*dose)
        for dose in MedicationAdministration.objects.given()
        .filter(episode_id=assessment.episode_id, given_at__lte=until)
        .values_list("drug", "dose_mg", "route", "given_at")
    ]
    planned = (
        PlannedDoseRecord.objects.current()
        .filter(episode_id=assessment.episode_id, given=True, recorded_at__lte=until)
        .values_list("drug_code", "dose_mg", "recorded_at")
    )
    thiamine = False
    for code, mg, given_at in planned:
        thiamine = thiamine or code == THIAMINE
        # A counted drug with its mg (a dose of unknown mg or drug cannot be counted).
        if code and mg is not None:
            doses.append(Administration(code, mg, "planned", given_at))
    return _Given(sorted(doses, key=lambda dose: dose.given_at), thiamine)


def opioid_advice_for(assessment: Assessment, *, at: datetime | None = None) -> OpioidAdvice:
    """The guideline's opioid-withdrawal advice for a stored COWS or SOWS score (chapter 10);
    with ``at``, as it stands at that moment counting the doses given since the score."""
    facts = advice_facts(assessment.episode, assessment.observed_at)
    return opioid_advice(
        OpioidAdviceContext(
            instrument=assessment.instrument,
            score=assessment.total,
            now=max(at, assessment.observed_at) if at else assessment.observed_at,
            drowsy=assessment.drowsy,
            pregnant=facts.pregnant,
            in_lar=facts.in_lar,
            age_years=facts.age_years,
            head_injury=facts.head_injury,
            benzodiazepine_misuse=facts.benzodiazepine_misuse,
            administrations=_given_up_to(assessment, at).doses,
        )
    )


def current_scores(episode_id: int, instrument: str) -> list[tuple[int, int, datetime]]:
    """The episode's current scores on one scale as (id, total, observed at): one query."""
    return list(
        Assessment.objects.current()
        .filter(episode_id=episode_id, instrument=instrument)
        .values_list("pk", "total", "observed_at")
    )


def earlier_scores(
    assessment: Assessment, scores: Sequence[tuple[int, int, datetime]]
) -> list[tuple[int, datetime]]:
    """Of ``current_scores``, those observed before this one, as (total, observed at)."""
    return [
        (total, observed)
        for pk, total, observed in scores
        if observed < assessment.observed_at and pk != assessment.pk
    ]


def newer_score_exists(assessment: Assessment, scores: Sequence[tuple[int, int, datetime]]) -> bool:
    """Of ``current_scores``: is one observed after this one (its advice then stays as it stood)?"""
    return any(observed > assessment.observed_at for _pk, _total, observed in scores)


def ciwa_advice_for(
    assessment: Assessment,
    *,
    at: datetime | None = None,
    earlier: Sequence[tuple[int, datetime]] | None = None,
) -> Advice:
    """The guideline's advice for a stored CIWA-Ar score, as it stood when it was observed; with
    ``at`` (the result page of the current version: now), as it stands at that moment, counting
    every dose given since the score (issue 14: the advice follows the doses at once).

    History (earlier seizures/DT, liver failure), Wernicke, head injury, pregnancy and earlier
    benzodiazepine use come from the intake; the age from the birth date at the observation;
    drowsiness and delirium tremens now from the score; doses given and earlier scores are the
    episode's current versions up to the observation; thiamine is read from the doses recorded.
    ``earlier``: those scores' (total, observed at), when the caller has read them
    (``earlier_scores``).
    """
    episode = assessment.episode
    facts = advice_facts(episode, assessment.observed_at)
    history = facts.history
    if earlier is None:
        earlier = earlier_scores(assessment, current_scores(episode.pk, CIWA_AR_CODE))
    given = _given_up_to(assessment, at)
    return ciwa_advice(
        AdviceContext(
            score=assessment.total,
            now=max(at, assessment.observed_at) if at else assessment.observed_at,
            observed_at=assessment.observed_at,
            prior_withdrawal_seizures=history["seizures"],
            prior_delirium_tremens=history["delirium_tremens"],
            liver_failure=history["liver_failure"],
            breath_alcohol_permille=assessment.breath_alcohol_permille,
            administrations=given.doses,
            # A planned thiamine dose marked given counts, with or without an amount.
            thiamine_given=given.planned_thiamine or None,
            earlier_scores=[CiwaObservation(total, at) for total, at in earlier],
            drowsy=assessment.drowsy,
            current_delirium=assessment.current_delirium,
            wernicke_suspected=facts.wernicke_suspected,
            pregnant=facts.pregnant,
            age_years=facts.age_years,
            head_injury=facts.head_injury,
            benzodiazepine_misuse=facts.benzodiazepine_misuse,
        )
    )


# --- trends --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    instrument: Instrument
    points: list[Assessment]  # current versions, oldest first
    doses: list[MedicationAdministration]  # given, oldest first


def episode_trends(episode: Episode) -> list[Trend]:
    """One trend per withdrawal scale the episode has been scored with (two queries)."""
    scores = list(
        Assessment.objects.current()
        .withdrawal()
        .filter(episode=episode)
        .order_by("observed_at", "id")
    )
    doses = list(
        MedicationAdministration.objects.given().filter(episode=episode).order_by("given_at")
    )
    codes = list(dict.fromkeys(score.instrument for score in scores))
    return [
        Trend(
            instrument=INSTRUMENTS[code],
            points=[s for s in scores if s.instrument == code],
            doses=doses,
        )
        for code in codes
    ]


# --- the medication administration view (issue 14) -----------------------------------------------


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC-comparable start and end of a local (Oslo) day: 23 or 25 hours on a DST night."""
    # In UTC: subtracting two datetimes of one zone in Python counts wall-clock time.
    start = datetime.combine(day, time.min, tzinfo=OSLO).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=OSLO).astimezone(UTC)
    return start, end


@dataclass(frozen=True)
class PlannedRow:
    """A dose due today by the plan, with the nurse's current answer (None: not answered)."""

    planned: PlannedDose
    record: PlannedDoseRecord | None


@dataclass(frozen=True)
class MedicationDay:
    day: date
    rows: list[PlannedRow]
    given: list[MedicationAdministration]  # symptom-triggered and other doses given that day
    advice: Advice | None  # the latest CIWA-Ar score's advice at now (cumulative totals)
    thiamine: str  # "given", "not_given" (in the plan, not registered) or "not_ordered"


def _thiamine_word(*, in_plan: bool, given: bool) -> str:
    """Thiamine on a day: "given" (a dose registered, or the planned dose marked given),
    "not_given" (in the plan, not registered) or "not_ordered" (not in the plan)."""
    if given:
        return "given"
    return "not_given" if in_plan else "not_ordered"


def _thiamine_status(rows: list[PlannedRow], given: list[MedicationAdministration]) -> str:
    in_plan = [row for row in rows if THIAMINE in row.planned.drugs]
    return _thiamine_word(
        in_plan=bool(in_plan),
        given=any(dose.drug == THIAMINE for dose in given)
        or any(row.record is not None and row.record.given for row in in_plan),
    )


def medication_day(episode: Episode, day: date, now: datetime) -> MedicationDay:
    """What the plan says is due on ``day`` with each answer, the doses given that day, and the
    cumulative diazepam and olanzapine in the current escalation (at ``now``).

    The number of queries does not grow with the doses or the plan's lines: the plan's doses come
    from plans (through ``patients.extensions``), the answers and the doses in one query each.
    """
    planned = extensions.planned_doses(episode, day)
    records = {
        record.slot: record
        for record in PlannedDoseRecord.objects.current()
        .filter(episode=episode, due_date=day)
        .select_related("entered_by")
    }
    rows = [PlannedRow(dose, records.get(dose.slot)) for dose in planned]
    start, end = local_day_bounds(day)
    given = list(
        MedicationAdministration.objects.given()
        .filter(episode=episode, given_at__gte=start, given_at__lt=end)
        .select_related("entered_by", "assessment")
        .order_by("given_at", "id")
    )
    latest = (
        Assessment.objects.current()
        .filter(episode=episode, instrument=CIWA_AR_CODE, observed_at__lte=now)
        .select_related("episode__patient", "episode__unit")
        .order_by("-observed_at", "-id")
        .first()
    )
    advice = ciwa_advice_for(latest, at=now) if latest is not None else None
    return MedicationDay(day, rows, given, advice, _thiamine_status(rows, given))


def thiamine_status(episode: Episode, day: date) -> str:
    """Thiamine on ``day`` (``_thiamine_word``), for a page that has not read the day's doses."""
    in_plan = [
        dose
        for dose in extensions.planned_doses(episode, day, drug=THIAMINE)
        if THIAMINE in dose.drugs
    ]
    start, end = local_day_bounds(day)
    registered = (
        MedicationAdministration.objects.given()
        .filter(episode=episode, drug=THIAMINE, given_at__gte=start, given_at__lt=end)
        .exists()
    )
    planned_given = bool(in_plan) and (
        PlannedDoseRecord.objects.current()
        .filter(episode=episode, due_date=day, slot__in=[dose.slot for dose in in_plan], given=True)
        .exists()
    )
    return _thiamine_word(in_plan=bool(in_plan), given=registered or planned_given)


def get_planned_dose_record_for_user(
    user: AbstractBaseUser | AnonymousUser, record_id: int
) -> PlannedDoseRecord:
    try:
        return (
            PlannedDoseRecord.objects.filter(episode__unit_id__in=visible_unit_ids(user))
            .select_related("episode__patient", "episode__unit", "entered_by")
            .get(pk=record_id)
        )
    except PlannedDoseRecord.DoesNotExist:
        raise Http404 from None


# --- the overdue badge and the shift handover (issue 14) ----------------------------------------


# (count, counted at, valid up to and including): per process, by the units' ids.
_overdue_counts: Remembered[tuple[int, datetime, datetime | None]] = Remembered(WARD_GENERATION)


def overdue_count(user: AbstractBaseUser | AnonymousUser, *, now: datetime) -> int:
    """How many of the unit's inpatients are overdue for their score, as the board counts them.

    The count changes only when the ward's data changes or when a patient's due time passes; it
    is remembered per process under the ward's generation (``WARD_GENERATION``, replaced by every
    save of a score, an episode, a scale choice or a unit) until the earliest due time of the
    patients not yet overdue, so the badge on every page costs no query between those moments.
    Otherwise one query (``_overdue_count``), none when the user has no unit.
    """
    units = visible_unit_ids(user)
    if not units:
        return 0
    key = ",".join(str(pk) for pk in sorted(units))
    generation = _overdue_counts.generation()
    remembered = _overdue_counts.get(key, generation)
    if remembered is not None:
        count, counted_at, valid_until = remembered
        # Overdue is "now > next due": the count stands from when it was made up to and including
        # the earliest due time still ahead (none ahead: until the data changes).
        if counted_at <= now and (valid_until is None or now <= valid_until):
            return count
    count, valid_until = _overdue_count(units, now=now)
    _overdue_counts.put(key, generation, (count, now, valid_until))
    return count


def _overdue_count(units: Sequence[int], *, now: datetime) -> tuple[int, datetime | None]:
    """The overdue count at ``now`` and the earliest due time of the patients not yet overdue
    (None when every patient is overdue or there is none): one query, the episodes with their
    monitored scale's latest score (instrument, total, time) and the unit's COWS/SOWS interval."""
    latest_score = _scores_on_chosen_scale()
    rows = (
        Episode.objects.filter(unit_id__in=units)
        .filter(status=EpisodeStatus.ACTIVE)
        .exclude(setting=Setting.OUTPATIENT)
        .annotate(
            chosen_scale=_chosen_scale(),
            last_total=Subquery(latest_score.values("total")[:1]),
            last_observed=Subquery(latest_score.values("observed_at")[:1]),
        )
        .values_list(
            "chosen_scale",
            "last_total",
            "last_observed",
            "admitted_at",
            "unit__opioid_scale_interval_hours",
        )
    )
    count = 0
    ahead: list[datetime] = []
    for scale, total, observed, admitted, local_hours in rows:
        if observed is not None and total is not None:
            hours = ciwa_interval_hours(total) if scale == CIWA_AR_CODE else local_hours
            due = next_due(observed, hours)
        else:
            due = admitted or now
        if due_status(due, now) == "overdue":
            count += 1
        else:
            ahead.append(due)
    return count, min(ahead, default=None)


@dataclass(frozen=True)
class HandoverRow:
    board: BoardRow
    # The monitored scale's latest current score before the current shift began (the trend).
    before_shift: tuple[int, str] | None
    # Current, given doses in the last 24 h, newest first: (drug label, dose mg, given at).
    doses_24h: list[MedicationAdministration]
    # Planned doses marked given in the last 24 h, newest first, with or without a known mg.
    planned_24h: list[PlannedGiven]
    # Diazepam given in the current CIWA-Ar escalation (as the advice and the medication view
    # count it); None when the patient has no CIWA-Ar score, so no escalation.
    diazepam_mg: Decimal | None
    escalation_since: datetime | None
    # Olanzapine given in the whole stay: the 30 mg maximum (G 4233) is counted over the episode
    # (a local resolution, as the advice counts it).
    olanzapine_mg: Decimal
    seizures_or_dt: bool
    pregnant: bool | None  # clinical.pregnancy: None is "not recorded"
    drowsy: bool
    current_delirium: bool
    open_discharge_items: tuple[str, ...]  # codes of the checklist items that apply, not done


def _escalations(episode_ids: list[int], now: datetime) -> dict[int, datetime | None]:
    """When each episode's current CIWA-Ar escalation began (``clinical.advice.escalation_since``
    over the scores before the latest one up to ``now``); episodes without a CIWA-Ar score are
    absent. One query: the current scores' times and totals, not the rows."""
    scores: dict[int, list[CiwaObservation]] = {}
    for episode_id, total, observed_at in (
        Assessment.objects.current()
        .filter(episode_id__in=episode_ids, instrument=CIWA_AR_CODE, observed_at__lte=now)
        .order_by("observed_at", "id")
        .values_list("episode_id", "total", "observed_at")
    ):
        scores.setdefault(episode_id, []).append(CiwaObservation(total, observed_at))
    return {
        pk: escalation_since([o for o in observed if o.observed_at < observed[-1].observed_at])
        for pk, observed in scores.items()
    }


def handover(user: AbstractBaseUser | AnonymousUser, *, now: datetime) -> list[HandoverRow]:
    """The board's rows with what the next shift needs to know. A fixed number of queries,
    whatever the number of patients: the board's (2, or 3 when some patient has no scale), the
    scores before the shift and the intake's flags (1), the CIWA-Ar scores' times (1), the doses
    (1), the planned doses marked given (1), the discharge items that apply and are open (4:
    intakes, substances, checklist items).
    """
    from clinical.shifts import shift_at
    from patients.extensions import open_discharge_items

    board = ward_board(user, now=now)
    if not board:
        return []
    ids = [row.episode.pk for row in board]
    shift_start = shift_at(now).start
    before = _scores_on_chosen_scale(observed_at__lt=shift_start)
    facts = {
        row[0]: row[1:]
        for row in Episode.objects.filter(pk__in=ids)
        .annotate(
            chosen_scale=_chosen_scale(),
            before_total=Subquery(before.values("total")[:1]),
            before_band=Subquery(before.values("band")[:1]),
        )
        .values_list(
            "pk",
            "before_total",
            "before_band",
            "intake__previous_withdrawal_complications",
            "intake__pregnant",
            "intake__pregnancy_test",
            "intake__current_delirium",
        )
    }
    escalations = _escalations(ids, now)
    since = now - timedelta(hours=24)
    doses: dict[int, list[MedicationAdministration]] = {pk: [] for pk in ids}
    diazepam: dict[int, Decimal] = dict.fromkeys(ids, Decimal(0))
    olanzapine: dict[int, Decimal] = dict.fromkeys(ids, Decimal(0))
    for dose in (
        MedicationAdministration.objects.given()
        .filter(episode_id__in=ids, given_at__lte=now)
        .filter(Q(given_at__gte=since) | Q(drug__in=(Drug.DIAZEPAM, Drug.OLANZAPINE)))
        .order_by("-given_at", "-id")
    ):
        if dose.given_at >= since:
            doses[dose.episode_id].append(dose)
        if dose.drug == Drug.OLANZAPINE:
            olanzapine[dose.episode_id] += dose.dose_mg
        if dose.drug == Drug.DIAZEPAM and dose.episode_id in escalations:
            started = escalations[dose.episode_id]
            if started is None or dose.given_at > started:
                diazepam[dose.episode_id] += dose.dose_mg
    planned: dict[int, list[PlannedGiven]] = {pk: [] for pk in ids}
    for episode_id, given in _planned_given(ids, since=since, until=now).items():
        for marked in given:
            if marked.given_at >= since:
                planned[episode_id].append(marked)
            if marked.mg is None:
                continue  # listed, but an unknown amount counts in no total
            if marked.drug_code == Drug.OLANZAPINE:
                olanzapine[episode_id] += marked.mg
            if marked.drug_code == Drug.DIAZEPAM and episode_id in escalations:
                started = escalations[episode_id]
                if started is None or marked.given_at > started:
                    diazepam[episode_id] += marked.mg
    open_items = open_discharge_items(ids)
    rows = []
    for row in board:
        pk = row.episode.pk
        before_total, before_band, complications, answer, test, delirium = facts.get(
            pk, (None, None, None, None, None, None)
        )
        last = row.last
        rows.append(
            HandoverRow(
                board=row,
                before_shift=(
                    (int(before_total), str(before_band)) if before_total is not None else None
                ),
                doses_24h=doses[pk],
                planned_24h=sorted(planned[pk], key=lambda dose: dose.given_at, reverse=True),
                diazepam_mg=diazepam[pk] if pk in escalations else None,
                escalation_since=escalations.get(pk),
                olanzapine_mg=olanzapine[pk],
                seizures_or_dt=bool(
                    complications
                    and ("seizures" in complications or "delirium_tremens" in complications)
                ),
                pregnant=pregnancy(answer, test, row.episode.patient.sex),
                drowsy=bool(last and last.drowsy),
                current_delirium=bool(delirium) or bool(last and last.current_delirium),
                open_discharge_items=open_items.get(pk, ()),
            )
        )
    return rows
