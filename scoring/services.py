"""Every change to scores, doses and monitoring choices goes through one function here.

Each function is atomic, takes keyword arguments only, gets ``now`` from its caller, refuses bad
input with an ``InvalidInput`` that names each field and its allowed values (nothing is stored
then), and writes the access-log entry itself. Rows are never updated: a correction is a new row
that supersedes the old one and keeps it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import get_language, gettext

from clinical.instruments import INSTRUMENTS, Instrument
from clinical.scoring import ScoreResult, ScoringError, score
from core.formatting import local_time
from patients.models import AccessAction, Episode
from scoring.checks import (
    FieldProblem,
    InvalidInput,
    check_dose_mg,
    check_moment,
    default_observed_at,
    lock_for_correction,
    locked_episode,
    log_access,
    problem,
)
from scoring.models import (
    CIWA_AR_CODE,
    Assessment,
    Drug,
    MedicationAdministration,
    MonitoringChoice,
    Route,
)

# A form sent twice (a double tap, a retried request) within this window of the first entry, with
# the same episode, instrument, observation time and values, is the same assessment.
DOUBLE_SUBMIT_WINDOW: Final = timedelta(minutes=2)
BREATH_ALCOHOL_MAX: Final = Decimal("9.99")  # ‰; the column holds 0.00–9.99


class AlreadyRecorded(Exception):
    """The same dose was sent twice (the same form, or the same dose within
    ``DOUBLE_SUBMIT_WINDOW``): nothing new was stored; ``earlier`` is the row stored the first
    time. The form says so in words, the API answers 409."""

    def __init__(self, earlier: MedicationAdministration) -> None:
        super().__init__(f"medication administration {earlier.pk} is already recorded")
        self.earlier = earlier

    @property
    def message(self) -> str:
        clock = local_time(self.earlier.entered_at)
        return gettext("Already registered %(time)s.") % {"time": clock}


def _item_label(key: object, instrument: Instrument) -> object:
    """An item key as the scored instrument's form shows it ("Pupillestørrelse" for
    ``pupil_size``), else the key. Keys are shared between instruments (``yawning`` is in COWS
    and SOWS, AUDIT's questions recur in FAST and DUDIT with other words): the label is the
    one of the form being scored."""
    english = get_language() == "en"
    for item in instrument.items:
        if item.key == key:
            return item.label_en if english else item.label_nb
    return key


def _scoring_problems(error: ScoringError, instrument: Instrument) -> list[FieldProblem]:
    """The pure module's errors, in the user's language, naming ``instrument``'s items by their
    labels.

    ``field`` keeps the key (the API's contract); the message names the item as the form does.
    """
    return [
        problem(
            e.field,
            gettext(e.message)
            % {k: _item_label(v, instrument) if k == "item" else v for k, v in e.params.items()},
            None if e.allowed is None else list(e.allowed),
        )
        for e in error.field_errors
    ]


# --- validation of single fields -----------------------------------------------------------------


def _instrument(code: object, errors: list[FieldProblem]) -> Instrument | None:
    if isinstance(code, str) and code in INSTRUMENTS:
        return INSTRUMENTS[code]
    known = list(INSTRUMENTS)
    errors.append(
        problem(
            "instrument",
            gettext("%(value)s is not a known instrument; known codes are %(allowed)s.")
            % {"value": code, "allowed": ", ".join(known)},
            known,
        )
    )
    return None


def _breath_alcohol(
    value: object, instrument: Instrument | None, errors: list[FieldProblem]
) -> Decimal | None:
    if value is None or value == "":
        return None
    field = "breath_alcohol_permille"
    if instrument is not None and instrument.code != CIWA_AR_CODE:
        errors.append(problem(field, gettext("Breath alcohol is recorded with CIWA-Ar only.")))
        return None
    try:
        number = Decimal(str(value)) if not isinstance(value, bool) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or not Decimal(0) <= number <= BREATH_ALCOHOL_MAX:
        errors.append(
            problem(
                field,
                gettext("Breath alcohol must be a number of per mille from 0 to %(max)s.")
                % {"max": BREATH_ALCOHOL_MAX},
            )
        )
        return None
    return number.quantize(Decimal("0.01"))


def _score(
    instrument: Instrument, items: Mapping[str, object], episode: Episode
) -> tuple[ScoreResult | None, list[FieldProblem]]:
    sex = episode.patient.sex if instrument.requires_sex else None
    try:
        result = score(
            instrument.code,
            items,
            sex=sex,
            local_interval_hours=episode.unit.opioid_scale_interval_hours,
        )
    except ScoringError as error:
        return None, _scoring_problems(error, instrument)
    return result, []


# --- assessments ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Checked:
    instrument: Instrument
    result: ScoreResult
    observed_at: datetime
    breath_alcohol: Decimal | None


def _check_assessment(
    *,
    episode: Episode,
    instrument_code: object,
    items: Mapping[str, object],
    observed_at: datetime,
    breath_alcohol: object,
    now: datetime,
) -> _Checked:
    errors: list[FieldProblem] = []
    instrument = _instrument(instrument_code, errors)
    alcohol = _breath_alcohol(breath_alcohol, instrument, errors)
    result = None
    if instrument is not None:
        check_moment(
            field="observed_at",
            moment=observed_at,
            episode=episode,
            now=now,
            screening=instrument.kind == "screening",
            errors=errors,
        )
        result, problems = _score(instrument, items, episode)
        errors.extend(problems)
    if errors or instrument is None or result is None:
        raise InvalidInput(errors)
    return _Checked(instrument, result, observed_at, alcohol)


def _monitored_instrument(episode: Episode) -> str | None:
    latest = episode.monitoring_choices.order_by("-chosen_at", "-id").first()
    return latest.instrument if latest else None


@transaction.atomic
def assessment_record(
    *,
    episode: Episode,
    instrument: str,
    items: Mapping[str, object],
    observed_at: datetime | None,
    breath_alcohol: Decimal | str | None,
    user: User,
    now: datetime,
    drowsy: bool = False,
    current_delirium: bool = False,
) -> Assessment:
    """Store one completed scale for the episode and return it.

    ``observed_at`` defaults to ``now`` (whole minutes); it may lie back within the episode but
    never in the future. A double submit (same episode, instrument, observation time and values,
    entered within ``DOUBLE_SUBMIT_WINDOW``) returns the row stored the first time. Scoring a
    withdrawal scale also makes it the scale the episode is monitored with.
    """
    episode = locked_episode(episode)
    checked = _check_assessment(
        episode=episode,
        instrument_code=instrument,
        items=items,
        observed_at=observed_at or default_observed_at(now),
        breath_alcohol=breath_alcohol,
        now=now,
    )
    if current_delirium and checked.instrument.code != CIWA_AR_CODE:
        # Delirium tremens (8.4.5-2) is an alcohol-withdrawal state: recorded with CIWA-Ar only.
        raise InvalidInput(
            [
                problem(
                    "current_delirium",
                    gettext("Delirium tremens now can only be recorded with a CIWA-Ar score."),
                )
            ]
        )
    values = dict(checked.result.items)
    # Uses index: assessment_episode_instr_idx (episode, instrument, observed_at).
    for earlier in Assessment.objects.filter(
        episode=episode,
        instrument=checked.instrument.code,
        observed_at=checked.observed_at,
        entered_at__gte=now - DOUBLE_SUBMIT_WINDOW,
        supersedes__isnull=True,
    ):
        if (
            earlier.items == values
            and earlier.breath_alcohol_permille == checked.breath_alcohol
            and earlier.drowsy == drowsy
            and earlier.current_delirium == current_delirium
        ):
            return earlier
    assessment = Assessment.objects.create(
        episode=episode,
        instrument=checked.instrument.code,
        kind=checked.instrument.kind,
        items=values,
        total=checked.result.total,
        band=checked.result.band.code,
        positive=checked.result.positive,
        sex=episode.patient.sex if checked.instrument.requires_sex else "",
        observed_at=checked.observed_at,
        breath_alcohol_permille=checked.breath_alcohol,
        drowsy=drowsy,
        current_delirium=current_delirium,
        entered_by=user,
        entered_at=now,
    )
    if checked.instrument.kind == "withdrawal" and (
        _monitored_instrument(episode) != checked.instrument.code
    ):
        MonitoringChoice.objects.create(
            episode=episode, instrument=checked.instrument.code, chosen_by=user, chosen_at=now
        )
    log_access(
        user, episode, AccessAction.CREATE, f"assessment {assessment.pk} ({assessment.instrument})"
    )
    return assessment


_KEEP: Final[Any] = object()


@transaction.atomic
def assessment_correct(
    *,
    original: Assessment,
    items: Mapping[str, object],
    observed_at: datetime,
    reason: str,
    user: User,
    now: datetime,
    breath_alcohol: Decimal | str | None = _KEEP,
    drowsy: bool | None = None,
    current_delirium: bool | None = None,
) -> Assessment:
    """Store a corrected version of ``original`` (which stays, marked as superseded).

    Only the current version can be corrected. ``breath_alcohol``, ``drowsy`` and
    ``current_delirium`` are carried over from the original unless given.
    """
    episode = locked_episode(original.episode)
    correction = lock_for_correction(original, reason)
    original, errors = correction.original, correction.errors
    if breath_alcohol is _KEEP:
        breath_alcohol = original.breath_alcohol_permille
    try:
        checked = _check_assessment(
            episode=episode,
            instrument_code=original.instrument,
            items=items,
            observed_at=observed_at,
            breath_alcohol=breath_alcohol,
            now=now,
        )
    except InvalidInput as invalid:
        raise InvalidInput(errors + invalid.errors) from None
    drowsy = original.drowsy if drowsy is None else drowsy
    if current_delirium is None:
        current_delirium = original.current_delirium
    if not errors and (
        dict(checked.result.items) == original.items
        and checked.observed_at == original.observed_at
        and checked.breath_alcohol == original.breath_alcohol_permille
        and drowsy == original.drowsy
        and current_delirium == original.current_delirium
    ):
        errors.append(problem("items", gettext("The correction changes nothing.")))
    return correction.store(
        user,
        now,
        episode=episode,
        instrument=original.instrument,
        kind=original.kind,
        items=dict(checked.result.items),
        total=checked.result.total,
        band=checked.result.band.code,
        positive=checked.result.positive,
        sex=original.sex,
        observed_at=checked.observed_at,
        breath_alcohol_permille=checked.breath_alcohol,
        drowsy=drowsy,
        current_delirium=current_delirium,
    )


# --- medication administrations ------------------------------------------------------------------


@dataclass(frozen=True)
class _Dose:
    drug: str
    drug_other: str
    dose_mg: Decimal
    route: str
    given_at: datetime
    assessment: Assessment | None

    def row(self) -> dict[str, Any]:
        """The checked values as the columns of a ``MedicationAdministration``."""
        return {
            "drug": self.drug,
            "drug_other": self.drug_other,
            "dose_mg": self.dose_mg,
            "route": self.route,
            "given_at": self.given_at,
        }


def _check_dose(
    *,
    episode: Episode,
    drug: object,
    drug_other: str,
    dose_mg: object,
    route: object,
    given_at: datetime,
    assessment: Assessment | None,
    now: datetime,
) -> _Dose:
    errors: list[FieldProblem] = []
    drugs, routes = list(Drug.values), list(Route.values)
    if drug not in drugs:
        errors.append(
            problem(
                "drug",
                gettext("%(value)s is not an allowed drug; allowed values are %(allowed)s.")
                % {"value": drug, "allowed": ", ".join(drugs)},
                drugs,
            )
        )
    drug_other = (drug_other or "").strip()
    if drug == Drug.OTHER and not drug_other:
        errors.append(problem("drug_other", gettext("Name the drug.")))
    if route not in routes:
        errors.append(
            problem(
                "route",
                gettext("%(value)s is not an allowed route; allowed values are %(allowed)s.")
                % {"value": route, "allowed": ", ".join(routes)},
                routes,
            )
        )
    dose = check_dose_mg(dose_mg, errors)
    check_moment(
        field="given_at", moment=given_at, episode=episode, now=now, screening=False, errors=errors
    )
    if assessment is not None and assessment.episode_id != episode.pk:
        errors.append(
            problem("assessment", gettext("The linked score belongs to another episode."))
        )
    if errors or dose is None:
        raise InvalidInput(errors)
    return _Dose(
        drug=str(drug),
        drug_other=drug_other if drug == Drug.OTHER else "",
        dose_mg=dose,
        route=str(route),
        given_at=given_at,
        assessment=assessment,
    )


@transaction.atomic
def medication_administration_record(
    *,
    episode: Episode,
    drug: str,
    dose_mg: Decimal | str,
    route: str,
    given_at: datetime | None,
    assessment: Assessment | None,
    user: User,
    now: datetime,
    drug_other: str = "",
    submission_key: str = "",
) -> MedicationAdministration:
    """Record a dose given; a double submit raises ``AlreadyRecorded`` and stores nothing.

    A double submit is either the same form sent again (``submission_key``: the one-time key the
    page put in the form, so a double tap or a back-and-resend is caught whatever time it
    carries; a fresh form is a new dose, as the nurse meant it), or, for callers without a key
    (the API), the same drug, dose, route, time and linked score within
    ``DOUBLE_SUBMIT_WINDOW``. A dose is never counted twice towards the
    cumulative diazepam, and the nurse is told that it was already registered.
    """
    episode = locked_episode(episode)
    submission_key = (submission_key or "").strip()[:64]
    if submission_key:
        sent = MedicationAdministration.objects.filter(
            episode=episode, submission_key=submission_key
        ).first()
        if sent is not None:
            raise AlreadyRecorded(sent)
    dose = _check_dose(
        episode=episode,
        drug=drug,
        drug_other=drug_other,
        dose_mg=dose_mg,
        route=route,
        given_at=given_at or default_observed_at(now),
        assessment=assessment,
        now=now,
    )
    earlier = (
        None
        if submission_key
        else MedicationAdministration.objects.filter(
            episode=episode,
            **dose.row(),
            assessment=dose.assessment,
            entered_at__gte=now - DOUBLE_SUBMIT_WINDOW,
            supersedes__isnull=True,
        ).first()
    )
    if earlier is not None:
        raise AlreadyRecorded(earlier)
    try:
        with transaction.atomic():
            administration = MedicationAdministration.objects.create(
                episode=episode,
                **dose.row(),
                assessment=dose.assessment,
                entered_by=user,
                entered_at=now,
                submission_key=submission_key,
            )
    except IntegrityError:  # the same form won the race in another request
        if not submission_key:
            raise
        raise AlreadyRecorded(
            MedicationAdministration.objects.get(episode=episode, submission_key=submission_key)
        ) from None
    log_access(
        user,
        episode,
        AccessAction.CREATE,
        f"medication administration {administration.pk} ({administration.drug})",
    )
    return administration


@transaction.atomic
def medication_administration_correct(
    *,
    original: MedicationAdministration,
    drug: str,
    dose_mg: Decimal | str,
    route: str,
    given_at: datetime,
    reason: str,
    user: User,
    now: datetime,
    drug_other: str = "",
    entered_in_error: bool = False,
) -> MedicationAdministration:
    """Store a corrected version of a recorded dose.

    ``entered_in_error`` says the dose was never given; it then no longer counts anywhere.
    """
    episode = locked_episode(original.episode)
    correction = lock_for_correction(original, reason)
    original, errors = correction.original, correction.errors
    try:
        dose = _check_dose(
            episode=episode,
            drug=drug,
            drug_other=drug_other,
            dose_mg=dose_mg,
            route=route,
            given_at=given_at,
            assessment=original.assessment,
            now=now,
        )
    except InvalidInput as invalid:
        raise InvalidInput(errors + invalid.errors) from None
    return correction.store(
        user,
        now,
        episode=episode,
        **dose.row(),
        assessment=original.assessment,
        entered_in_error=entered_in_error,
    )


# --- monitoring ----------------------------------------------------------------------------------


@transaction.atomic
def monitoring_choose(
    *, episode: Episode, instrument: str, user: User, now: datetime
) -> MonitoringChoice:
    """Make ``instrument`` (CIWA-Ar, COWS or SOWS) the scale the episode is scored with."""
    episode = locked_episode(episode)
    allowed = [code for code, i in INSTRUMENTS.items() if i.kind == "withdrawal"]
    if instrument not in allowed:
        raise InvalidInput(
            [
                problem(
                    "instrument",
                    gettext("%(value)s is not a withdrawal scale; allowed values are %(allowed)s.")
                    % {"value": instrument, "allowed": ", ".join(allowed)},
                    allowed,
                )
            ]
        )
    choice = MonitoringChoice.objects.create(
        episode=episode, instrument=instrument, chosen_by=user, chosen_at=now
    )
    log_access(user, episode, AccessAction.UPDATE, f"monitoring scale set to {instrument}")
    return choice
