"""Dates and times for display, in the active language's one format (detox/formats/<lang>).

Norwegian ``05.12.2026 kl. 08.22``, English ``2026-12-05 08:22``; always Oslo time. Python code
that puts a moment into user text uses these instead of ``strftime`` so pages agree.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Final
from zoneinfo import ZoneInfo

from django.utils import formats, timezone

OSLO = ZoneInfo("Europe/Oslo")


# Django's format characters that have a locale-independent strftime equivalent: what our own
# formats (detox/formats/<lang>) use. Any other character sends a format to Django's formatter.
_STRFTIME: Final = {"d": "%d", "m": "%m", "Y": "%Y", "H": "%H", "i": "%M"}


@functools.lru_cache(maxsize=64)
def _strftime_pattern(django_format: str) -> str | None:
    """The ``strftime`` pattern that gives what ``date_format(value, django_format)`` gives, or
    None when the format uses anything beyond zero-padded numbers and literal text (names of
    months or days, 12-hour clocks...). Pages print dozens of dates; Django's formatter walks
    the format character by character for each, ``strftime`` does not."""
    pattern: list[str] = []
    escaped = False
    for char in django_format:
        if escaped:
            pattern.append("%%" if char == "%" else char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in _STRFTIME:
            pattern.append(_STRFTIME[char])
        elif char.isalpha():
            return None
        else:
            pattern.append("%%" if char == "%" else char)
    return "".join(pattern)


def _format(value: dt.date | dt.time, format_name: str) -> str:
    pattern = _strftime_pattern(str(formats.get_format(format_name)))
    if pattern is None:
        if isinstance(value, dt.time):
            return str(formats.time_format(value, format_name))
        return str(formats.date_format(value, format_name))
    return value.strftime(pattern)


def local_datetime(moment: dt.datetime | None, *, empty: str = "–", tz: dt.tzinfo = OSLO) -> str:
    """Date and time in Oslo, e.g. ``05.12.2026 kl. 08.22`` / ``2026-12-05 08:22``."""
    if moment is None:
        return empty
    return _format(timezone.localtime(moment, tz), "SHORT_DATETIME_FORMAT")


def local_date(day: dt.date | dt.datetime | None, *, empty: str = "–", tz: dt.tzinfo = OSLO) -> str:
    """The date alone, e.g. ``05.12.2026`` / ``2026-12-05``."""
    if day is None:
        return empty
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day, tz).date()
    return _format(day, "SHORT_DATE_FORMAT")


def local_time(moment: dt.datetime, *, tz: dt.tzinfo = OSLO) -> str:
    """The time alone in Oslo, e.g. ``08.22`` / ``08:22``."""
    return _format(timezone.localtime(moment, tz), "TIME_FORMAT")


_CLOCK = re.compile(r"\d\d:\d\d")


def clock_time(text: str) -> str:
    """A wall-clock time kept as text ("08:00", as the plan's calendars store it) in the
    language's time format, e.g. ``08.00`` / ``08:00``; text that is no such time is returned
    as it is."""
    # Exactly HH:MM: fromisoformat alone would read "08:00-09:00" as 08:00 at offset -09:00.
    if not isinstance(text, str) or not _CLOCK.fullmatch(text):
        return text
    try:
        clock = dt.time.fromisoformat(text)
    except ValueError:
        return text
    return _format(clock, "TIME_FORMAT")
