"""When the next withdrawal score is due, and whether it is due now. No clock: ``now`` is passed in.

Intervals are *elapsed* time. "Score every hour" (8.4.6-2, G 4205–4211) means 60 real minutes
after the last observation, whatever the wall clock does: across the spring DST change in Norway
(last Sunday of March, 02:00 → 03:00) a 1 h interval from 01:30 is due at 03:30 local time; across
the autumn change (last Sunday of October, 03:00 → 02:00) a 1 h interval from 02:30 CEST is due
at 02:30 CET. Computing in UTC gives exactly that; local time is only for display.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final, Literal
from zoneinfo import ZoneInfo

DueStatus = Literal["ok", "due", "overdue"]

OSLO: Final = ZoneInfo("Europe/Oslo")

# A score is "due" from this many minutes before its due time, so a nurse on an hourly round
# can take it a little early; any time after the due time it is "overdue". There is no grace
# period after the due time: a late hourly CIWA-Ar score is late, and the board should say so.
DUE_SOON_MINUTES: Final = 15


def _require_aware(name: str, moment: datetime) -> None:
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")


def next_due(observed_at: datetime, interval_hours: int) -> datetime:
    """The moment, in UTC, ``interval_hours`` of elapsed time after ``observed_at``.

    ``observed_at`` is when the patient was scored (not when it was typed in). Raises
    ``ValueError`` for a naive datetime or an interval that is not a whole number of hours ≥ 1.
    """
    _require_aware("observed_at", observed_at)
    if isinstance(interval_hours, bool) or not isinstance(interval_hours, int):
        raise ValueError(f"interval_hours must be an int, got {interval_hours!r}")
    if interval_hours < 1:
        raise ValueError(f"interval_hours must be 1 or more, got {interval_hours}")
    # Convert first, add second: adding a timedelta to an aware datetime in a zoneinfo zone is
    # wall-clock arithmetic in Python and would be off by an hour across a DST change.
    return observed_at.astimezone(UTC) + timedelta(hours=interval_hours)


def due_status(
    next_due: datetime, now: datetime, *, grace_minutes: int = DUE_SOON_MINUTES
) -> DueStatus:
    """``"ok"`` before the due window, ``"due"`` within it, ``"overdue"`` after the due time.

    The due window runs from ``grace_minutes`` before ``next_due`` up to and including
    ``next_due``; from the first instant after ``next_due`` the score is overdue.
    """
    _require_aware("next_due", next_due)
    _require_aware("now", now)
    if isinstance(grace_minutes, bool) or not isinstance(grace_minutes, int) or grace_minutes < 0:
        raise ValueError(f"grace_minutes must be an int of 0 or more, got {grace_minutes!r}")
    if now > next_due:
        return "overdue"
    if now >= next_due - timedelta(minutes=grace_minutes):
        return "due"
    return "ok"


def to_oslo(moment: datetime) -> datetime:
    """The same instant in Norwegian local time (CET/CEST)."""
    _require_aware("moment", moment)
    return moment.astimezone(OSLO)


def format_oslo(moment: datetime, *, with_date: bool = True, with_zone: bool = False) -> str:
    """Norwegian local time for display: ``"29.03.2026 03:30"``, or ``"03:30"`` without the date.

    ``with_zone`` appends CET or CEST, which tells apart the two 02:30s of the autumn DST night.
    """
    local = to_oslo(moment)
    text = local.strftime("%d.%m.%Y %H:%M" if with_date else "%H:%M")
    if with_zone:
        text = f"{text} {local.tzname()}"
    return text
