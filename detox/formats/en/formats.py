"""English display formats: one ISO-like shape, 24-hour clock, on every page.

``2026-12-05`` and ``2026-12-05 08:22``; never "a.m." or "Saturday 5 December".
Input formats fall back to Django's own en module.
"""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "F j"
YEAR_MONTH_FORMAT = "F Y"
