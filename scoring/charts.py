"""Score trends as server-side SVG: one drawing for the episode page and the care-plan PDF.

A pure function from points to an SVG string, with no Django and no clock. The caller passes every
text already translated, and the time zone to label the time axis in. The drawing carries its own
colours as attributes (not CSS classes only), so WeasyPrint draws it the same as a browser does.
It is accessible as an image (``role="img"`` with ``<title>`` and ``<desc>``); the page shows the
same data as a table next to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from html import escape
from typing import Final

from core.formatting import local_date, local_datetime, local_time

WIDTH: Final = 720
HEIGHT: Final = 300
MARGIN_LEFT: Final = 44
MARGIN_RIGHT: Final = 120  # room for the threshold labels
MARGIN_TOP: Final = 16
MARGIN_BOTTOM: Final = 64  # time labels, then the dose markers
DOSE_ROW_OFFSET: Final = 46  # dose markers sit this far below the x axis
MAX_TIME_TICKS: Final = 6

INK: Final = "#1b1f24"
GRID: Final = "#c9d1d9"
SCORE: Final = "#005a9e"
THRESHOLD: Final = "#a4161a"
DOSE: Final = "#6b4c9a"


@dataclass(frozen=True)
class ScorePoint:
    at: datetime
    total: int


@dataclass(frozen=True)
class DoseMark:
    at: datetime
    label: str  # e.g. "Diazepam 10 mg"


@dataclass(frozen=True)
class Threshold:
    """A band boundary: a total from which a band starts, e.g. CIWA-Ar 10 (moderate)."""

    value: int
    label: str


@dataclass(frozen=True)
class _Frame:
    start: datetime
    end: datetime
    y_top: int

    @property
    def plot_width(self) -> float:
        return WIDTH - MARGIN_LEFT - MARGIN_RIGHT

    @property
    def plot_height(self) -> float:
        return HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

    @property
    def bottom(self) -> float:
        return HEIGHT - MARGIN_BOTTOM

    def x(self, at: datetime) -> float:
        span = (self.end - self.start).total_seconds()
        return MARGIN_LEFT + (at - self.start).total_seconds() / span * self.plot_width

    def y(self, value: float) -> float:
        return self.bottom - value / self.y_top * self.plot_height


def _round_up(value: int, step: int) -> int:
    return -(-value // step) * step


def _frame(
    points: Sequence[ScorePoint],
    doses: Sequence[DoseMark],
    thresholds: Sequence[Threshold],
    max_total: int,
) -> _Frame:
    moments = [p.at for p in points] + [d.at for d in doses]
    start, end = min(moments), max(moments)
    if end - start < timedelta(hours=2):
        # A single score or a short stretch: centre it in a two-hour window.
        middle = start + (end - start) / 2
        start, end = middle - timedelta(hours=1), middle + timedelta(hours=1)
    highest = max([p.total for p in points] + [t.value for t in thresholds] + [0])
    y_top = min(max(_round_up(highest + 5, 5), 10), max_total) if max_total else 10
    return _Frame(start=start, end=end, y_top=max(y_top, 1))


def _y_ticks(y_top: int) -> list[int]:
    step = 5 if y_top <= 40 else 10
    return list(range(0, y_top + 1, step))


def _time_ticks(frame: _Frame) -> list[datetime]:
    span = frame.end - frame.start
    step = span / (MAX_TIME_TICKS - 1)
    return [frame.start + step * i for i in range(MAX_TIME_TICKS)]


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _axes(frame: _Frame, tz: tzinfo) -> list[str]:
    parts = [
        f'<line x1="{MARGIN_LEFT}" y1="{_fmt(frame.bottom)}" x2="{WIDTH - MARGIN_RIGHT}" '
        f'y2="{_fmt(frame.bottom)}" stroke="{INK}" stroke-width="1"/>',
        f'<line x1="{MARGIN_LEFT}" y1="{MARGIN_TOP}" x2="{MARGIN_LEFT}" '
        f'y2="{_fmt(frame.bottom)}" stroke="{INK}" stroke-width="1"/>',
    ]
    for tick in _y_ticks(frame.y_top):
        y = _fmt(frame.y(tick))
        parts.append(
            f'<line x1="{MARGIN_LEFT}" y1="{y}" x2="{WIDTH - MARGIN_RIGHT}" y2="{y}" '
            f'stroke="{GRID}" stroke-width="0.5"/>'
        )
        parts.append(
            f'<text x="{MARGIN_LEFT - 6}" y="{y}" font-size="11" text-anchor="end" '
            f'dominant-baseline="middle" fill="{INK}">{tick}</text>'
        )
    for moment in _time_ticks(frame):
        x = _fmt(frame.x(moment))
        # The language's date and time (05.12.2026 / 08.22, 2026-12-05 / 08:22), on two lines so
        # that six ticks fit the axis.
        parts.append(
            f'<text x="{x}" y="{_fmt(frame.bottom + 14)}" font-size="11" text-anchor="middle" '
            f'fill="{INK}"><tspan x="{x}">{local_date(moment, tz=tz)}</tspan>'
            f'<tspan x="{x}" dy="12">{local_time(moment, tz=tz)}</tspan></text>'
        )
    return parts


def _thresholds(frame: _Frame, thresholds: Sequence[Threshold]) -> list[str]:
    parts = []
    for threshold in thresholds:
        if threshold.value > frame.y_top:
            continue
        y = _fmt(frame.y(threshold.value))
        parts.append(
            f'<g class="threshold" data-threshold="{threshold.value}">'
            f'<line x1="{MARGIN_LEFT}" y1="{y}" x2="{WIDTH - MARGIN_RIGHT}" y2="{y}" '
            f'stroke="{THRESHOLD}" stroke-width="1.5" stroke-dasharray="6 4"/>'
            f'<text x="{WIDTH - MARGIN_RIGHT + 6}" y="{y}" font-size="11" '
            f'dominant-baseline="middle" fill="{THRESHOLD}">{escape(threshold.label)}</text></g>'
        )
    return parts


def _scores(frame: _Frame, points: Sequence[ScorePoint], tz: tzinfo) -> list[str]:
    ordered = sorted(points, key=lambda p: p.at)
    coords = [(frame.x(p.at), frame.y(p.total)) for p in ordered]
    parts = []
    if len(coords) > 1:
        joined = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in coords)
        parts.append(
            f'<polyline class="score-line" points="{joined}" fill="none" stroke="{SCORE}" '
            f'stroke-width="2"/>'
        )
    for point, (x, y) in zip(ordered, coords, strict=True):
        parts.append(
            f'<circle class="score-point" data-total="{point.total}" cx="{_fmt(x)}" '
            f'cy="{_fmt(y)}" r="4" fill="{SCORE}"><title>'
            f"{local_datetime(point.at, tz=tz)}: {point.total}</title></circle>"
        )
    return parts


def _doses(frame: _Frame, doses: Sequence[DoseMark], tz: tzinfo) -> list[str]:
    parts = []
    base = frame.bottom + DOSE_ROW_OFFSET
    for dose in sorted(doses, key=lambda d: d.at):
        x = frame.x(dose.at)
        # An upward triangle on the dose row, under the moment the dose was given.
        top, foot = _fmt(base - 9), _fmt(base + 3)
        path = f"M{_fmt(x)},{top} L{_fmt(x - 6)},{foot} L{_fmt(x + 6)},{foot} Z"
        parts.append(
            f'<path class="dose-marker" d="{path}" fill="{DOSE}">'
            f"<title>{escape(dose.label)}, {local_datetime(dose.at, tz=tz)}</title></path>"
        )
    return parts


def trend_svg(
    *,
    points: Sequence[ScorePoint],
    doses: Sequence[DoseMark] = (),
    thresholds: Sequence[Threshold] = (),
    max_total: int,
    title: str,
    description: str,
    empty_text: str,
    tz: tzinfo,
    chart_id: str = "trend",
) -> str:
    """An SVG line chart of ``points`` with ``thresholds`` drawn and ``doses`` marked.

    ``title`` and ``description`` become the accessible name and description; ``empty_text`` is
    drawn when there is nothing to plot. Times on the axis are shown in ``tz``.
    """
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" viewBox="0 0 {WIDTH} '
        f'{HEIGHT}" width="100%" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="DejaVu Sans, sans-serif">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>'
    )
    if not points and not doses:
        body = [
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" font-size="14" '
            f'fill="{INK}">{escape(empty_text)}</text>'
        ]
        return head + "".join(body) + "</svg>"
    frame = _frame(points, doses, thresholds, max_total)
    body = [
        *_axes(frame, tz),
        *_thresholds(frame, thresholds),
        *_scores(frame, points, tz),
        *_doses(frame, doses, tz),
    ]
    return head + "".join(body) + "</svg>"
