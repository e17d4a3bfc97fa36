"""Reading the plan as it was: an earlier version's lines and taper calendars as stored.

A plan version keeps its taper calendars exactly as they were computed when accepted
(``MedicationPlanVersion.schedule``); these functions only turn that stored data into what the
pages show. Nothing here calls the taper engine: an earlier version is never recomputed with
today's tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from plans import presentation
from plans.models import MedicationPlanVersion


@dataclass(frozen=True)
class VersionLine:
    line: Mapping[str, Any]
    view: Any  # presentation.LineView for a medication line; None for a taper line


@dataclass(frozen=True)
class UnreadableTaper:
    """A taper of a version whose calendar could not be stored (see ``detox`` migration 0005)."""

    line: str
    error: str


def version_lines(version: MedicationPlanVersion) -> list[VersionLine]:
    """The version's lines as decided then (from its snapshot)."""
    return [
        VersionLine(
            line=line,
            view=presentation.line_view(line["source"]) if line.get("kind") == "regimen" else None,
        )
        for line in version.snapshot.get("lines", [])
    ]


def version_tapers(version: MedicationPlanVersion) -> tuple[list[Any], list[UnreadableTaper]]:
    """The version's taper calendars exactly as stored (``presentation.TaperView`` each), and the
    tapers whose calendar could not be stored."""
    views: list[Any] = []
    unreadable: list[UnreadableTaper] = []
    for row in version.schedule or []:
        computed = row.get("computed")
        if not computed:
            unreadable.append(
                UnreadableTaper(line=str(row.get("line", "")), error=row.get("error", ""))
            )
            continue
        views.append(
            presentation.taper_view_of(computed, doses_per_day=int(row.get("doses_per_day") or 1))
        )
    return views, unreadable
