"""The taper plan and its parts (days, doses, tablets, dispensing periods, conversion rows,
warnings), each with ``to_dict`` for JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from clinical.jsonable import json_number, json_number_or_none, json_ready
from clinical.tapers.constants import (
    DEFAULT_DISPENSING_INTERVAL_DAYS,
    EquivalenceSource,
    Regimen,
    Setting,
)
from clinical.tapers.tablets import Tablet


@dataclass(frozen=True)
class TaperWarning:
    """Something to heed. ``resolution`` marks a local resolution of a gap in the source."""

    code: str
    message: str
    params: Mapping[str, Any]
    refs: tuple[str, ...]
    resolution: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "params": {key: json_ready(value) for key, value in self.params.items()},
            "refs": list(self.refs),
            "resolution": self.resolution,
        }


@dataclass(frozen=True)
class EquivalenceUsed:
    """The table's range for one drug (mg equal to 5 mg diazepam) and the value used.

    ``source``: ``"table"`` (the table gives one value), ``"default"`` (a range; the end giving
    the lower taper-drug dose, a resolution) or ``"clinician"`` (chosen within the range).
    """

    drug: str
    equivalent_range_mg: tuple[Fraction, Fraction]
    equivalent_used_mg: Fraction
    source: EquivalenceSource

    @property
    def is_range(self) -> bool:
        return self.equivalent_range_mg[0] != self.equivalent_range_mg[1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "drug": self.drug,
            "equivalent_range_mg": [json_number(v) for v in self.equivalent_range_mg],
            "equivalent_used_mg": json_number(self.equivalent_used_mg),
            "is_range": self.is_range,
            "source": self.source,
        }


@dataclass(frozen=True)
class Conversion:
    """One drug the patient uses, converted to diazepam equivalents and to the taper drug."""

    drug: str
    mg_per_day: Fraction
    equivalence: EquivalenceUsed
    diazepam_equivalent_mg_per_day: Fraction
    taper_drug_mg_per_day: Fraction

    def to_dict(self) -> dict[str, Any]:
        return {
            "drug": self.drug,
            "mg_per_day": json_number(self.mg_per_day),
            "equivalent_range_mg": [json_number(v) for v in self.equivalence.equivalent_range_mg],
            "equivalent_used_mg": json_number(self.equivalence.equivalent_used_mg),
            "diazepam_equivalent_mg_per_day": json_number(self.diazepam_equivalent_mg_per_day),
            "taper_drug_mg_per_day": json_number(self.taper_drug_mg_per_day),
            "is_range": self.equivalence.is_range,
            "source": self.equivalence.source,
        }


@dataclass(frozen=True)
class Dose:
    time: str
    mg: Fraction
    tablets: tuple[Tablet, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "time": self.time,
            "mg": json_number(self.mg),
            "tablets": [tablet.to_dict() for tablet in self.tablets],
        }


@dataclass(frozen=True)
class TaperDay:
    date: date
    total_mg: Fraction
    doses: tuple[Dose, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "total_mg": json_number(self.total_mg),
            "doses": [dose.to_dict() for dose in self.doses],
        }


@dataclass(frozen=True)
class DispensingPeriod:
    """The tablets a prescription or the pharmacy hands out for one dispensing interval."""

    start: date
    end: date
    tablets: tuple[Tablet, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "days": (self.end - self.start).days + 1,
            "tablets": [tablet.to_dict() for tablet in self.tablets],
        }


def count_tablets(days: Iterable[TaperDay]) -> tuple[Tablet, ...]:
    """Tablets of each strength the days' doses take, largest strength first."""
    # Days of one week share one tuple of doses (schedules._doses): count each tuple once and
    # weigh it by its days, which hashes a Fraction per distinct dose instead of per day.
    repeats: dict[int, tuple[tuple[Dose, ...], int]] = {}
    for day in days:
        doses, seen = repeats.get(id(day.doses), (day.doses, 0))
        repeats[id(day.doses)] = (doses, seen + 1)
    counts: dict[Fraction, int] = {}
    for doses, days_given in repeats.values():
        for dose in doses:
            for tablet in dose.tablets:
                strength = tablet.strength_mg
                counts[strength] = counts.get(strength, 0) + tablet.count * days_given
    return tuple(Tablet(strength, counts[strength]) for strength in sorted(counts, reverse=True))


def dispensing_periods(
    days: Sequence[TaperDay], interval_days: int
) -> tuple[DispensingPeriod, ...]:
    """The dosing days in periods of ``interval_days`` from the first day, each with its tablets
    (the last period ends on the last dosing day)."""
    dosing = [day for day in days if day.total_mg > 0]
    return tuple(
        DispensingPeriod(chunk[0].date, chunk[-1].date, count_tablets(chunk))
        for chunk in (
            dosing[first : first + interval_days] for first in range(0, len(dosing), interval_days)
        )
    )


@dataclass(frozen=True)
class TaperPlan:
    """A schedule from ``start_date``; the last day (0 mg) is the first day without the drug."""

    regimen: Regimen
    setting: Setting
    taper_drug: str
    start_mg_per_day: Fraction
    converted_mg_per_day: Fraction | None
    weekly_reduction_percent: Fraction | None
    conversion: tuple[Conversion, ...]
    taper_drug_equivalence: EquivalenceUsed | None
    days: tuple[TaperDay, ...]
    refs: tuple[str, ...]
    warnings: tuple[TaperWarning, ...]
    equivalence_source: str | None = None
    dispensing_interval_days: int = DEFAULT_DISPENSING_INTERVAL_DAYS
    override_reason: str | None = None
    conversion_needs_confirmation: bool = False

    @property
    def tablets_total(self) -> tuple[Tablet, ...]:
        """Tablets of each strength for the whole taper (what the prescription needs)."""
        return count_tablets(self.days)

    @property
    def dispensing(self) -> tuple[DispensingPeriod, ...]:
        return dispensing_periods(self.days, self.dispensing_interval_days)

    @property
    def duration_days(self) -> int:
        return sum(1 for day in self.days if day.total_mg > 0)

    @property
    def stop_date(self) -> date:
        return self.days[-1].date

    def to_dict(self) -> dict[str, Any]:
        return {
            "regimen": self.regimen,
            "setting": self.setting,
            "taper_drug": self.taper_drug,
            "start_mg_per_day": json_number(self.start_mg_per_day),
            "converted_mg_per_day": json_number_or_none(self.converted_mg_per_day),
            "weekly_reduction_percent": json_number_or_none(self.weekly_reduction_percent),
            "conversion": [row.to_dict() for row in self.conversion],
            "taper_drug_equivalence": (
                self.taper_drug_equivalence.to_dict() if self.taper_drug_equivalence else None
            ),
            "equivalence_source": self.equivalence_source,
            "days": [day.to_dict() for day in self.days],
            "duration_days": self.duration_days,
            "stop_date": self.stop_date.isoformat(),
            "refs": list(self.refs),
            "warnings": [warning.to_dict() for warning in self.warnings],
            "tablets_total": [tablet.to_dict() for tablet in self.tablets_total],
            "dispensing_interval_days": self.dispensing_interval_days,
            "dispensing": [period.to_dict() for period in self.dispensing],
            "override_reason": self.override_reason,
            "conversion_needs_confirmation": self.conversion_needs_confirmation,
        }


def _mg_text(value: Fraction) -> str:
    """A dose for a message: ``"7.5"``, ``"60"``, ``"33.333"``."""
    number = json_number(value)
    return str(number)
