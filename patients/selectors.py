"""Fetch-and-authorize: the only way views and APIs reach patient records.

Nurses and clinicians see the patients and episodes of their own unit(s); nobody else sees patient
records (administrators maintain guideline text and read the access log, not records).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from accounts.access import has_role, unit_ids
from accounts.roles import CLINICIAN, NURSE
from clinical.levels import AGE_MAX
from clinical.pregnancy import pregnancy
from clinical.workup import ecg_outstanding, ecg_recommended
from patients import extensions
from patients.intake_mapping import intake_to_level_input
from patients.models import Episode, Intake, Patient, SubstanceKind, SubstanceUse, Unit


def visible_unit_ids(user: AbstractBaseUser | AnonymousUser) -> list[int]:
    """The ids of the units whose records the user sees: a nurse's or clinician's own units.

    Read with the user's role (cached, ``accounts.grants``), so the queries below filter on a list
    of ids rather than joining the unit and its staff each time (cheaper to plan on every page).
    """
    if not user.is_authenticated or not has_role(user, CLINICIAN, NURSE):
        return []
    return sorted(unit_ids(user))


# An empty list of ids matches nothing, and Django answers such a filter without a query.


def units_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=visible_unit_ids(user))


def patients_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Patient]:
    return Patient.objects.filter(unit_id__in=visible_unit_ids(user))


def episodes_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Episode]:
    return Episode.objects.filter(unit_id__in=visible_unit_ids(user))


def get_patient_for_user(user: AbstractBaseUser | AnonymousUser, patient_id: int) -> Patient:
    """The patient, if the user may see it; 404 otherwise (no hint that it exists elsewhere)."""
    try:
        return patients_visible_to(user).get(pk=patient_id)
    except Patient.DoesNotExist:
        raise Http404 from None


def get_episode_for_user(user: AbstractBaseUser | AnonymousUser, episode_id: int) -> Episode:
    try:
        return episodes_visible_to(user).select_related("patient", "unit").get(pk=episode_id)
    except Episode.DoesNotExist:
        raise Http404 from None


# The patient search's limits (issue 12, item 6): a name and a national identity number fit in
# well under these; each word is one more pair of ``icontains`` on every patient of the unit.
PATIENT_QUERY_MAX_LENGTH = 100
PATIENT_QUERY_MAX_TERMS = 5


def patient_query_terms(query: str) -> tuple[str, ...]:
    """The distinct words of a patient search, case-folded, in the order typed.

    A repeated word counts once, so a query's cost depends on its distinct words, not on how
    often they are repeated. Raises ``ValidationError`` naming ``q`` for a query longer than
    ``PATIENT_QUERY_MAX_LENGTH`` characters or with more than ``PATIENT_QUERY_MAX_TERMS``
    distinct words.
    """
    if len(query) > PATIENT_QUERY_MAX_LENGTH:
        raise _query_error()
    terms = tuple(dict.fromkeys(word.casefold() for word in query.split()))
    if len(terms) > PATIENT_QUERY_MAX_TERMS:
        raise _query_error()
    return terms


def _query_error() -> ValidationError:
    return ValidationError(
        {
            "q": gettext("The search (q) may be at most %(length)d characters and %(terms)d words.")
            % {"length": PATIENT_QUERY_MAX_LENGTH, "terms": PATIENT_QUERY_MAX_TERMS}
        },
        code="too_long",
    )


def search_patients(patients: QuerySet[Patient], query: str) -> QuerySet[Patient]:
    """Filter by name (each word in the given or family name) or by national identity number.

    Raises ``ValidationError`` (on ``q``) for a query beyond the limits (``patient_query_terms``).
    """
    words = patient_query_terms(query)
    digits = "".join(words)
    if digits.isdigit():
        return patients.filter(national_id__startswith=digits)
    for word in words:
        patients = patients.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    return patients


# --- Intake -----------------------------------------------------------------------------------

_INTAKE_META_FIELDS = frozenset(
    {"id", "episode", "created_at", "created_by", "updated_at", "updated_by", "version"}
)
_SUBSTANCE_META_FIELDS = frozenset({"id", "intake"})


def _json_ready(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _concrete_values(instance: Model, skip: frozenset[str]) -> dict[str, Any]:
    return {
        field.attname: _json_ready(getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
        if field.name not in skip
    }


def intake_snapshot(intake: Intake) -> dict[str, Any]:
    """The intake as JSON-ready data: every recorded field, and the substance rows in the order
    of ``SubstanceKind``. Used for the level engine (``patients.intake_mapping``) and for the
    field-by-field record of amendments."""
    snapshot = intake_snapshot_of(intake)
    order = list(SubstanceKind.values)
    rows = sorted(intake.substances.all(), key=lambda row: order.index(row.substance))
    snapshot["substances"] = [_concrete_values(row, _SUBSTANCE_META_FIELDS) for row in rows]
    return snapshot


def intake_snapshot_of(intake: Intake) -> dict[str, Any]:
    """The intake's own fields as JSON-ready data, without its substance rows."""
    return _concrete_values(intake, _INTAKE_META_FIELDS)


def substance_snapshot(row: SubstanceUse) -> dict[str, Any]:
    return _concrete_values(row, _SUBSTANCE_META_FIELDS)


def blank_intake_snapshot() -> dict[str, Any]:
    """What an intake holds before anything is entered: the baseline of its first save."""
    return {**_concrete_values(Intake(), _INTAKE_META_FIELDS), "substances": []}


def episode_intake(episode: Episode) -> Intake | None:
    return Intake.objects.filter(episode=episode).prefetch_related("substances").first()


def screening_results(episode: Episode) -> dict[str, int | None]:
    """The latest current total of each screening instrument recorded for the episode.

    AUDIT feeds the treatment level (the NICE flag at 20 or more); the others are shown at intake.
    """
    # scoring sits above patients: it registers the answer (patients.extensions).
    return extensions.screening_totals(episode)


def episode_level_input(episode: Episode, *, today: date | None = None) -> dict[str, Any]:
    """The treatment-level engine's input for the episode's intake (every fact unknown if none),
    with the patient's age today from the birth date (read from the national identity number)."""
    intake = episode_intake(episode)
    snapshot = intake_snapshot(intake) if intake is not None else {}
    age = age_on(episode.patient.birth_date, today or timezone.localdate())
    level_input = intake_to_level_input(
        snapshot, screening=screening_results(episode), age_years=min(max(age, 0), AGE_MAX)
    )
    if intake is not None:
        level_input["pregnant"] = pregnancy(
            snapshot.get("pregnant"), snapshot.get("pregnancy_test"), episode.patient.sex
        )
    return level_input


def withdrawal_history(episode: Episode) -> dict[str, bool | None]:
    """Earlier seizures and delirium tremens, and liver failure, from the intake.

    ``None`` is "not recorded" (no intake, or the question left unanswered), never "no". Dosing
    advice reads this (8.4.3: seizure prophylaxis; liver failure → benzodiazepines instead).
    """
    # The two answers only: every score's result page asks, and the intake has ~60 fields.
    row = (
        Intake.objects.filter(episode=episode)
        .values_list("previous_withdrawal_complications", "liver_failure")
        .first()
    )
    if row is None:
        return {"seizures": None, "delirium_tremens": None, "liver_failure": None}
    return history_from(row[0], row[1])


def history_from(
    complications: list[str] | None, liver_failure: bool | None
) -> dict[str, bool | None]:
    """``withdrawal_history`` from an intake's two answers, for a caller that read them itself."""
    if complications is None:
        return {"seizures": None, "delirium_tremens": None, "liver_failure": liver_failure}
    return {
        "seizures": "seizures" in complications,
        "delirium_tremens": "delirium_tremens" in complications,
        "liver_failure": liver_failure,
    }


def age_on(birth_date: date, today: date) -> int:
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


def episode_intake_summary(episode: Episode, *, today: date | None = None) -> dict[str, Any]:
    """What a care plan needs from the intake, as plain data (no model instances)."""
    intake = episode_intake(episode)
    age = age_on(episode.patient.birth_date, today or timezone.localdate())
    if intake is None:
        return {"recorded": False, "age": age, "ecg_recommended": ecg_recommended(age)}
    snapshot = intake_snapshot(intake)
    substances = snapshot["substances"]
    return {
        "recorded": True,
        "age": age,
        "substances": substances,
        "uses_opioids": any(row["substance"] == "opioids" for row in substances),
        "ever_injected": any(row["injecting"] or row["route"] == "injected" for row in substances),
        "withdrawal_history": withdrawal_history(episode),
        "previous_withdrawal_complications": snapshot["previous_withdrawal_complications"],
        "overdose_count": snapshot["overdose_count"],
        "pregnant": pregnancy(
            snapshot["pregnant"], snapshot.get("pregnancy_test"), episode.patient.sex
        ),
        "in_lar": snapshot["in_lar"],
        "allergies": snapshot["allergies"],
        "regular_medicines": snapshot["regular_medicines"],
        "breath_alcohol_permille": snapshot["breath_alcohol_permille"],
        "ecg_recommended": ecg_outstanding(age, ecg_taken=bool(snapshot["ecg_taken"])),
        "patient_preference": snapshot["patient_preference"],
        "updated_at": _json_ready(intake.updated_at),
    }
