"""The window a taper may start in: from a year ago to a year ahead of today (Oslo date).

A taper far outside it is a typing error (``9999-12-25``), and its days would run past the
calendar's end; the form and the API refuse it with a 400 naming ``start_date``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from django.utils.formats import date_format
from django.utils.translation import gettext

START_DATE_WINDOW: Final = timedelta(days=365)


def start_date_error(value: date, *, today: date) -> str | None:
    """A translated message if ``value`` lies outside the window, else ``None``."""
    earliest, latest = today - START_DATE_WINDOW, today + START_DATE_WINDOW
    if earliest <= value <= latest:
        return None
    return gettext(
        "The start date must lie between a year ago and a year ahead: from %(earliest)s to "
        "%(latest)s."
    ) % {
        "earliest": date_format(earliest, "SHORT_DATE_FORMAT"),
        "latest": date_format(latest, "SHORT_DATE_FORMAT"),
    }


def request_start_date_error(data: object, *, today: date) -> str | None:
    """The window check for an API request body; a malformed date is left to the parser."""
    value = data.get("start_date") if isinstance(data, dict) else None
    if not isinstance(value, str):
        return None
    try:
        start = date.fromisoformat(value)
    except ValueError:
        return None
    return start_date_error(start, today=today)
