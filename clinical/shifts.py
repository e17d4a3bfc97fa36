"""The ward's shifts, for the handover (issue 14). Pure: ``now`` is passed in.

Local resolution (the guideline names no shift times): three shifts in Norwegian local time,
day 07–15, evening 15–23 and night 23–07, as Norwegian wards commonly run them. The boundaries are
wall-clock times in Europe/Oslo; a shift's length in elapsed time follows the clock, so the night
over the spring DST change (last Sunday of March, 02:00 → 03:00) lasts 7 h and the night over the
autumn change (last Sunday of October, 03:00 → 02:00) lasts 9 h. Neither 07:00, 15:00 nor 23:00
falls in a DST gap or fold in Norway, so every boundary is one unambiguous instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Final, Literal

from clinical.schedule import OSLO

ShiftName = Literal["day", "evening", "night"]

# (name, local start hour), in the order of the day.
SHIFT_STARTS: Final[tuple[tuple[ShiftName, int], ...]] = (
    ("day", 7),
    ("evening", 15),
    ("night", 23),
)


@dataclass(frozen=True)
class Shift:
    name: ShiftName
    start: datetime  # UTC
    end: datetime  # UTC

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def _at(day: date, hour: int) -> datetime:
    """Local ``hour``:00 on ``day`` in Oslo, as a UTC instant."""
    return datetime.combine(day, time(hour), tzinfo=OSLO).astimezone(UTC)


def _boundaries(day: date) -> list[tuple[ShiftName, datetime]]:
    return [(name, _at(day, hour)) for name, hour in SHIFT_STARTS]


def shift_at(moment: datetime) -> Shift:
    """The shift ``moment`` (timezone-aware) falls in."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"moment must be timezone-aware, got naive {moment.isoformat()}")
    local_day = moment.astimezone(OSLO).date()
    starts: list[tuple[ShiftName, datetime]] = []
    for offset in (-1, 0, 1):
        starts.extend(_boundaries(local_day + timedelta(days=offset)))
    instant = moment.astimezone(UTC)
    for (name, start), (_next_name, end) in pairwise(starts):
        if start <= instant < end:
            return Shift(name=name, start=start, end=end)
    raise AssertionError("unreachable: three days of boundaries cover any instant")


def previous_shift(moment: datetime) -> Shift:
    """The shift before the one ``moment`` falls in."""
    current = shift_at(moment)
    return shift_at(current.start - timedelta(microseconds=1))
