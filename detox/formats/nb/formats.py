"""Norwegian bokmål display formats: one date and one date-and-time shape on every page.

``05.12.2026`` and ``05.12.2026 kl. 08.22`` (Språkrådet: full stop between hours and minutes,
"kl." before the time). Input formats fall back to Django's own nb module.
"""

DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = r"d.m.Y \k\l. H.i"
SHORT_DATETIME_FORMAT = r"d.m.Y \k\l. H.i"
TIME_FORMAT = "H.i"
MONTH_DAY_FORMAT = "j. F"
YEAR_MONTH_FORMAT = "F Y"
