"""Small factories for tests. Records with an audit trail are created through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from patients.models import Episode, EpisodeStatus, Patient, Sex, Unit

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def make_unit(*, name: str | None = None, staff: list[Any] | None = None, **fields: Any) -> Unit:
    n = _next()
    unit = Unit.objects.create(name=name or f"Avrusningsenhet {n}", code=f"unit-{n}", **fields)
    if staff:
        unit.staff.add(*staff)
    return unit


def make_patient(*, unit: Unit, **fields: Any) -> Patient:
    n = _next()
    defaults: dict[str, Any] = {
        "national_id": f"{n:011d}",
        "given_name": "Ola",
        "family_name": f"Nordmann {n}",
        "birth_date": dt.date(1970, 1, 1),
        "sex": Sex.MALE,
    }
    defaults.update(fields)
    return Patient.objects.create(unit=unit, **defaults)


def make_episode(*, patient: Patient, status: str = EpisodeStatus.ACTIVE, **fields: Any) -> Episode:
    if status == EpisodeStatus.ACTIVE:
        fields.setdefault("admitted_at", dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC))
    return Episode.objects.create(patient=patient, unit=patient.unit, status=status, **fields)
