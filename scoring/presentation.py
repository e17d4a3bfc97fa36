"""Scores as people read them: labels, ward-board lines, advice lines, form rows and charts.

These turn the pure modules' message ids and codes (``clinical.instruments``, ``clinical.advice``,
``clinical.scoring``) into text in the active language; the pages, the API and the care-plan PDF
all use them. Nothing here queries the database: the reading is in ``scoring.selectors``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from clinical.advice import AdviceLine
from clinical.instruments import Band, Instrument
from clinical.schedule import OSLO, DueStatus
from clinical.scoring import Note
from core.formatting import local_date, local_datetime
from core.messages import render_message
from patients.models import Setting
from scoring.charts import DoseMark, ScorePoint, Threshold, trend_svg

if TYPE_CHECKING:
    from scoring.selectors import BoardRow, Trend


def is_english() -> bool:
    return (translation.get_language() or "nb").startswith("en")


def band_label(band: Band) -> str:
    return gettext(band.label_en)


def interval_words(hours: int) -> str:
    """ "hourly" / "hver time", "every 4 hours" / "hver 4. time"."""
    if hours == 1:
        return gettext("hourly")
    return gettext("every %(hours)s hours") % {"hours": hours}


@dataclass(frozen=True)
class DisplayLine:
    code: str
    text: str
    kind: str
    refs: tuple[str, ...]
    sections: tuple[str, ...]
    resolution: bool
    drug: str | None = None
    mg: Decimal | None = None


def advice_lines(lines: Sequence[AdviceLine]) -> list[DisplayLine]:
    return [
        DisplayLine(
            code=line.code,
            text=render_message(line.message, line.params),
            kind=line.kind,
            refs=line.refs,
            sections=line.sections,
            resolution=line.resolution,
            drug=line.drug,
            mg=line.mg,
        )
        for line in lines
    ]


def note_lines(notes: Sequence[Note]) -> list[DisplayLine]:
    return [
        DisplayLine(
            code=note.code,
            text=render_message(note.message, note.params),
            kind="info",
            refs=note.refs,
            sections=note.sections,
            resolution=note.resolution,
        )
        for note in notes
    ]


@dataclass(frozen=True, slots=True)
class BoardLine:
    """One ward-board row as the page shows it: every text and link worked out in Python.

    The board is the page nurses keep open (and refresh every 30 s), so its rows are rendered
    from these plain strings rather than by the template engine resolving, translating, formatting
    and reversing ~30 expressions per patient (a fifth of the cost; ``docs/benchmarks.md``).
    """

    episode_id: int
    status: DueStatus
    status_label: str
    name: str
    born: str
    undecided: bool
    scale_code: str | None
    scale_name: str | None
    scale_suggested: bool
    last_total: int | None
    last_band: str
    last_band_label: str
    last_observed: str
    next_due: str
    interval: str
    interval_local_choice: bool
    scores_url: str
    medication_url: str
    score_url: str | None
    score_label: str = ""  # "Score CIWA-Ar" on the score button
    room_bed: str = ""
    room_url: str = ""


def overdue_words(late: timedelta) -> str:
    """How late, "1 h 10 min" (nb "1 t 10 min"), whole minutes, rounded down."""
    minutes = max(int(late.total_seconds() // 60), 0)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return gettext("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return gettext("%(minutes)d min") % {"minutes": minutes}


def status_words(status: str, next_due: datetime, now: datetime | None) -> str:
    """The board's status text; overdue says by how much when ``now`` is known."""
    if status == "overdue" and now is not None:
        return gettext("Overdue %(duration)s") % {"duration": overdue_words(now - next_due)}
    return {
        "overdue": gettext("Overdue"),
        "due": gettext("Due now"),
        "ok": gettext("Not yet due"),
    }[status]


def _local(moment: datetime, pattern: str) -> str:
    return moment.astimezone(OSLO).strftime(pattern)


# A number no episode has, reversed in place of the episode's: the rest of the path is the same
# for every row, so each URL pattern is reversed once per board rather than once per row.
_EPISODE_MARK = 987654321987


class _EpisodeUrls:
    """The board's links of one episode, from each pattern reversed once per board."""

    def __init__(self) -> None:
        self._patterns: dict[tuple[str, str | None], str] = {}

    def __call__(self, name: str, episode_id: int, code: str | None = None) -> str:
        from django.urls import reverse

        pattern = self._patterns.get((name, code))
        if pattern is None:
            args: list[int | str] = [_EPISODE_MARK] if code is None else [_EPISODE_MARK, code]
            pattern = self._patterns[(name, code)] = reverse(name, args=args)
        return pattern.replace(str(_EPISODE_MARK), str(episode_id))


def board_lines(rows: Sequence[BoardRow], now: datetime | None = None) -> list[BoardLine]:
    """The board's rows in the active language, in Oslo time (``d.m. H:i``); with ``now``,
    overdue rows say by how much ("Overdue 1 h 10 min")."""
    url = _EpisodeUrls()
    lines = []
    for row in rows:
        episode = row.episode
        last = row.last
        instrument = row.instrument
        lines.append(
            BoardLine(
                episode_id=episode.pk,
                status=row.status,
                status_label=status_words(row.status, row.next_due, now),
                name=episode.patient.full_name,
                born=local_date(episode.patient.birth_date),
                undecided=episode.setting == Setting.UNDECIDED,
                scale_code=instrument.code if instrument else None,
                scale_name=instrument.name if instrument else None,
                scale_suggested=row.instrument_suggested,
                last_total=last.total if last else None,
                last_band=last.band if last else "",
                last_band_label=last.band_label if last else "",
                last_observed=local_datetime(last.observed_at) if last else "",
                next_due=local_datetime(row.next_due),
                interval=interval_words(row.interval_hours) if row.interval_hours else "",
                interval_local_choice=row.interval_local_choice,
                scores_url=url("episode-scores", episode.pk),
                medication_url=url("ward-medication", episode.pk),
                score_url=(
                    url("assessment-create", episode.pk, instrument.code) if instrument else None
                ),
                score_label=(
                    gettext("Score %(scale)s") % {"scale": instrument.name} if instrument else ""
                ),
                room_bed=episode.room_bed,
                room_url=url("episode-room-bed", episode.pk),
            )
        )
    return lines


def item_rows(instrument: Instrument, form: Any) -> list[dict[str, Any]]:
    """Each item of the form with its label, instructions and options in the active language."""
    english = is_english()
    source = form.data if form.is_bound else form.initial
    rows = []
    for item in instrument.items:
        raw = source.get(item.key)
        selected = str(raw) if raw not in (None, "") else None
        rows.append(
            {
                "key": item.key,
                "number": item.number,
                "label": item.label_en if english else item.label_nb,
                "instructions": item.instructions_en if english else item.instructions_nb,
                "rated": item.rated,
                "min": min(item.allowed),
                "max": item.max_value,
                "errors": form.errors.get(item.key, []),
                "options": [
                    {
                        "value": option.value,
                        "anchor": (option.anchor_en if english else option.anchor_nb) or "",
                        "checked": selected == str(option.value),
                    }
                    for option in item.options
                ],
            }
        )
    return rows


def _mg_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if is_english() else text.replace(".", ",")


def chart_for(trend: Trend, *, chart_id: str = "trend") -> dict[str, Any]:
    """The trend as SVG (safe to insert in HTML or a PDF) plus the rows of the same data."""
    instrument = trend.instrument
    thresholds = [
        Threshold(band.lower, f"{band.lower}: {band_label(band)}")
        for band in instrument.bands
        if band.lower > 0 and band.sex is None
    ]
    doses = [DoseMark(d.given_at, f"{d.drug_label} {_mg_text(d.dose_mg)} mg") for d in trend.doses]
    first, last = (trend.points[0], trend.points[-1]) if trend.points else (None, None)
    description = gettext(
        "%(count)s scores. Band thresholds: %(thresholds)s. Doses marked: %(doses)s."
    ) % {
        "count": len(trend.points),
        "thresholds": ", ".join(str(t.value) for t in thresholds) or "–",
        "doses": len(doses),
    }
    svg = trend_svg(
        points=[ScorePoint(p.observed_at, p.total) for p in trend.points],
        doses=doses,
        thresholds=thresholds,
        max_total=instrument.max_total,
        title=gettext("%(instrument)s over time") % {"instrument": instrument.name},
        description=description,
        empty_text=gettext("No scores yet."),
        tz=OSLO,
        chart_id=chart_id,
    )
    timeline: list[dict[str, Any]] = [
        {"at": p.observed_at, "score": p, "dose": None} for p in trend.points
    ] + [{"at": d.given_at, "score": None, "dose": d} for d in trend.doses]
    timeline.sort(key=lambda row: row["at"])
    return {
        "instrument": instrument,
        "svg": mark_safe(svg),  # noqa: S308 - every text in it is escaped by charts.trend_svg
        "points": trend.points,
        "doses": trend.doses,
        "timeline": timeline,
        "first": first,
        "last": last,
    }
