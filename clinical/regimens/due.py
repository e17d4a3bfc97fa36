"""Which doses of an accepted "give" line are due on a day (the ward's administration view).

Pure: the line as stored (its ``code`` and ``params``), the day, and the days a dose of the line
was marked given. The plan's lines say how often in their own words; the structure read here is
what the regimens state in numbers:

- ``times_per_day`` (valproic acid 300 mg × 3, 8.4.3-2, G 4071–4073): that many doses a day,
  each answered on its own; one dose otherwise.
- ``days_max`` ("i 3-5 dager"): due from the first day a dose was given up to that many days in
  all; not due after. Before the first dose it is due (the course has not started).
- A single dose (a line whose code ends in ``_single_dose``: the valproic acid loading dose,
  "engangsdose", G 4071): due until it has been given on an earlier day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

SINGLE_DOSE_SUFFIX = "_single_dose"


def doses_due(code: str, params: Mapping[str, Any], day: date, given_days: Iterable[date]) -> int:
    """How many doses of the line are due on ``day`` (0: none)."""
    given = sorted(set(given_days))
    if code.endswith(SINGLE_DOSE_SUFFIX):
        return 0 if any(d < day for d in given) else 1
    days_max = params.get("days_max")
    if isinstance(days_max, int) and days_max > 0 and given:
        first = given[0]
        if day < first or (day - first).days >= days_max:
            return 0
    times = params.get("times_per_day")
    return times if isinstance(times, int) and times > 1 else 1
