"""A CDS Hooks call about a patient this server does not store: the facts come from prefetch.

The caller sends, in ``prefetch`` (templates in discovery, ``interop.cds``):

- ``patient``: a FHIR ``Patient`` (required): the age from ``birthDate``, the sex from
  ``gender`` (a man is read as not pregnant, as the ward does);
- ``pregnancy``: an ``Observation`` (or a searchset Bundle of them, newest first) coded LOINC
  ``82810-3`` (pregnancy status) with SNOMED CT ``77386006`` (pregnant) or ``60001007`` (not
  pregnant) as ``valueCodeableConcept``;
- ``withdrawalScore``: an ``Observation`` (or a Bundle, newest first) coded with this server's
  instrument code system (``ciwa-ar``, ``cows`` or ``sows``), ``valueInteger`` the total and
  ``effectiveDateTime`` when it was scored, as the Observations this server returns.

Everything is validated with ``fhir.resources``; a resource that does not validate is a 400.
Nothing is stored and nothing stored is read, so no unit applies (docs/interoperability.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient as FhirPatient
from pydantic import ValidationError

from clinical.instruments import INSTRUMENTS
from clinical.schedule import OSLO
from patients.selectors import age_on

PREGNANCY_STATUS: Final = ("http://loinc.org", "82810-3")
SNOMED: Final = "http://snomed.info/sct"
PREGNANT: Final = "77386006"
NOT_PREGNANT: Final = "60001007"
WITHDRAWAL_INSTRUMENTS: Final = ("ciwa-ar", "cows", "sows")


class PrefetchError(ValueError):
    """A prefetched resource is not what the template asks for."""


@dataclass(frozen=True)
class WithdrawalScore:
    instrument: str
    total: int
    observed_at: datetime


@dataclass(frozen=True)
class ExternalPatient:
    id: str
    age_years: int | None
    sex: str | None
    pregnant: bool | None
    score: WithdrawalScore | None


def _observations(raw: object, key: str) -> list[Observation]:
    """A prefetched Observation, or the Observations of a Bundle, in the order given."""
    if raw is None:
        return []
    if not isinstance(raw, dict):
        raise PrefetchError(f"prefetch.{key} must be a FHIR resource.")
    try:
        if raw.get("resourceType") == "Bundle":
            Bundle.model_validate(raw)
            entries = [e.get("resource") for e in raw.get("entry") or [] if isinstance(e, dict)]
            return [
                Observation.model_validate(r)
                for r in entries
                if isinstance(r, dict) and r.get("resourceType") == "Observation"
            ]
        return [Observation.model_validate(raw)]
    except (ValidationError, ValueError) as error:
        raise PrefetchError(f"prefetch.{key}: {str(error)[:300]}") from None


def _codings(concept: Any) -> list[Any]:
    """The codings of a CodeableConcept (``fhir.resources`` types its fields loosely)."""
    return list(concept.coding or []) if concept is not None else []


def _has_code(observation: Observation, system: str, code: str) -> bool:
    codings = _codings(observation.code)
    return any(c.system == system and c.code == code for c in codings)


def _pregnant(raw: object, sex: str | None) -> bool | None:
    for observation in _observations(raw, "pregnancy"):
        if not _has_code(observation, *PREGNANCY_STATUS):
            continue
        codes = {c.code for c in _codings(observation.valueCodeableConcept) if c.system == SNOMED}
        if PREGNANT in codes:
            return True
        if NOT_PREGNANT in codes:
            return False
    return False if sex == "male" else None


def _score(raw: object, instrument_system: str) -> WithdrawalScore | None:
    for observation in _observations(raw, "withdrawalScore"):
        codes = [c.code for c in _codings(observation.code) if c.system == instrument_system]
        found = next((code for code in codes if code in WITHDRAWAL_INSTRUMENTS), None)
        moment = observation.effectiveDateTime
        if found is None or observation.valueInteger is None or not isinstance(moment, datetime):
            continue
        if moment.tzinfo is None:
            raise PrefetchError("prefetch.withdrawalScore: effectiveDateTime needs a time zone.")
        total = int(observation.valueInteger)
        highest = INSTRUMENTS[found].max_total
        if not 0 <= total <= highest:
            raise PrefetchError(
                f"prefetch.withdrawalScore: a {found} total is 0 to {highest}, not {total}."
            )
        return WithdrawalScore(found, total, moment)
    return None


def prefetched_patient(
    prefetch: Mapping[str, Any], patient_id: str, *, instrument_system: str, today: date
) -> ExternalPatient:
    raw = prefetch.get("patient")
    if not isinstance(raw, dict):
        raise PrefetchError("prefetch.patient must be a FHIR Patient.")
    try:
        patient = FhirPatient.model_validate(raw)
    except (ValidationError, ValueError) as error:
        raise PrefetchError(f"prefetch.patient: {str(error)[:300]}") from None
    if patient.id and patient.id != patient_id:
        raise PrefetchError("prefetch.patient is not context.patientId.")
    birth = patient.birthDate if isinstance(patient.birthDate, date) else None
    age = age_on(birth, today) if birth is not None and birth <= today else None
    sex = str(patient.gender) if patient.gender else None
    return ExternalPatient(
        id=patient_id,
        age_years=age,
        sex=sex,
        pregnant=_pregnant(prefetch.get("pregnancy"), sex),
        score=_score(prefetch.get("withdrawalScore"), instrument_system),
    )


def oslo_today(now: datetime) -> date:
    return now.astimezone(OSLO).date()
