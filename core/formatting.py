"""Dates and times for display, in the active language's one format (detox/formats/<lang>).

Norwegian ``05.12.2026 kl. 08.22``, English ``2026-12-05 08:22``; always Oslo time. Python code
that puts a moment into user text uses these instead of ``strftime`` so pages agree.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import formats, timezone

OSLO = ZoneInfo("Europe/Oslo")


def local_datetime(moment: dt.datetime | None, *, empty: str = "–", tz: dt.tzinfo = OSLO) -> str:
    """Date and time in Oslo, e.g. ``05.12.2026 kl. 08.22`` / ``2026-12-05 08:22``."""
    if moment is None:
        return empty
    return str(formats.date_format(timezone.localtime(moment, tz), "SHORT_DATETIME_FORMAT"))


def local_date(day: dt.date | dt.datetime | None, *, empty: str = "–") -> str:
    """The date alone, e.g. ``05.12.2026`` / ``2026-12-05``."""
    if day is None:
        return empty
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day, OSLO).date()
    return str(formats.date_format(day, "SHORT_DATE_FORMAT"))


def local_time(moment: dt.datetime) -> str:
    """The time alone in Oslo, e.g. ``08.22`` / ``08:22``."""
    return str(formats.time_format(timezone.localtime(moment, OSLO), "TIME_FORMAT"))
