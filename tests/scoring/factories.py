"""Test data for the scoring app, built through the same services production uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from clinical.instruments import get_instrument
from patients.models import Episode, Setting, Unit
from patients.services import intake_amend
from scoring.models import Assessment, MedicationAdministration
from scoring.services import assessment_record, medication_administration_record
from tests.factories import make_episode, make_patient

ADMITTED = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def items_for(code: str, total: int) -> dict[str, int]:
    """Item values adding up to ``total``, filling items from the first with what each allows."""
    instrument = get_instrument(code)
    values: dict[str, int] = {}
    left = total
    for item in instrument.items:
        value = max((v for v in item.allowed if v <= left), default=0)
        values[item.key] = value
        left -= value
    if left:
        raise ValueError(f"{code} cannot make {total} this way")
    return values


def make_inpatient(
    *, unit: Unit, admitted_at: dt.datetime = ADMITTED, **patient_fields: Any
) -> Episode:
    patient = make_patient(unit=unit, **patient_fields)
    return make_episode(patient=patient, setting=Setting.INPATIENT, admitted_at=admitted_at)


def set_history(
    episode: Episode,
    *,
    user: Any,
    complications: list[str] | None = None,
    substances: tuple[str, ...] = ("alcohol",),
    **fields: Any,
) -> None:
    """The intake's answers that scoring reads: earlier complications, substances, pregnancy."""
    intake_amend(
        episode=episode,
        user=user,
        reason="test set-up",
        fields={"previous_withdrawal_complications": complications, **fields},
        substances=[{"substance": code} for code in substances],
    )


def score(
    episode: Episode,
    *,
    user: Any,
    total: int | None = None,
    items: Mapping[str, object] | None = None,
    code: str = "ciwa-ar",
    observed_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
    breath_alcohol: Decimal | None = None,
    drowsy: bool = False,
    current_delirium: bool = False,
) -> Assessment:
    at = observed_at or dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    return assessment_record(
        episode=episode,
        instrument=code,
        items=items if items is not None else items_for(code, total or 0),
        observed_at=at,
        breath_alcohol=breath_alcohol,
        drowsy=drowsy,
        current_delirium=current_delirium,
        user=user,
        now=now or at,
    )


def give(
    episode: Episode,
    *,
    user: Any,
    drug: str = "diazepam",
    dose_mg: str = "10",
    given_at: dt.datetime,
    route: str = "oral",
    assessment: Assessment | None = None,
) -> MedicationAdministration:
    return medication_administration_record(
        episode=episode,
        drug=drug,
        dose_mg=Decimal(dose_mg),
        route=route,
        given_at=given_at,
        assessment=assessment,
        user=user,
        now=given_at,
    )
