"""Each dose of an accepted taper, as FHIR MedicationRequests (``<schedule>-taper-<n>``).

The doses are read from the stored, accepted calendar (``TaperSchedule.computed``), never
recomputed, exactly as the plan page, the ward and the care-plan PDF read them; only the
current schedule of a line that is still in the plan counts (a replaced schedule stays in the
record but orders nothing). ``n`` counts the schedule's doses from 1, day by day and by time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from fractions import Fraction
from typing import Final

from django.contrib.auth.models import User
from django.db.models import QuerySet

from clinical.schedule import OSLO
from patients.models import Patient
from patients.selectors import episodes_visible_to
from plans.models import PlanLineStatus, TaperSchedule
from plans.presentation import tablets_text

TAPER_ID: Final = re.compile(r"^(\d{1,18})-taper-(\d{1,6})$")


@dataclass(frozen=True)
class TaperDose:
    schedule: TaperSchedule
    number: int  # from 1
    at: datetime  # aware, the local wall-clock time of the dose
    mg: Fraction
    tablets: str  # "2 × 25 mg"

    @property
    def id(self) -> str:
        return f"{self.schedule.pk}-taper-{self.number}"

    @property
    def patient(self) -> Patient:
        return self.schedule.line.plan.episode.patient


def doses_of(schedule: TaperSchedule) -> Iterator[TaperDose]:
    """The schedule's doses in order; the last day (0 mg, the first day without) has none."""
    number = 0
    for day in schedule.computed.get("days", []):
        on = date.fromisoformat(day["date"])
        for dose in day.get("doses", []):
            number += 1
            at = datetime.combine(on, time.fromisoformat(dose["time"]), tzinfo=OSLO)
            tablets = tablets_text(dose.get("tablets") or [])
            yield TaperDose(schedule, number, at, Fraction(str(dose["mg"])), tablets)


def schedules_visible_to(user: User) -> QuerySet[TaperSchedule]:
    """The current schedules of plan lines still in the plan, in the user's units."""
    return (
        TaperSchedule.objects.filter(
            line__plan__episode__in=episodes_visible_to(user), replaced_at__isnull=True
        )
        .exclude(line__status=PlanLineStatus.REMOVED)
        .select_related("line__plan__episode__patient")
        .order_by("pk")
    )


def taper_dose_for(user: User, resource_id: str) -> TaperDose | None:
    """The dose ``<schedule>-taper-<n>`` if the user may read it, else None (a 404)."""
    match = TAPER_ID.match(resource_id)
    if match is None:
        return None
    schedule = schedules_visible_to(user).filter(pk=int(match[1])).first()
    if schedule is None:
        return None
    wanted = int(match[2])
    return next((dose for dose in doses_of(schedule) if dose.number == wanted), None)
