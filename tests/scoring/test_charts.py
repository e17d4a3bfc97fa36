import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from scoring.charts import DoseMark, ScorePoint, Threshold, trend_svg

SVG = "{http://www.w3.org/2000/svg}"
OSLO = ZoneInfo("Europe/Oslo")
T0 = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def norwegian():
    """The chart's times are in the page's language; these tests read the Norwegian one."""
    with translation.override("nb"):
        yield


def draw(**overrides: Any) -> str:
    values: dict[str, Any] = {
        "points": [
            ScorePoint(T0, 18),
            ScorePoint(T0 + dt.timedelta(hours=1), 14),
            ScorePoint(T0 + dt.timedelta(hours=2), 8),
        ],
        "doses": [DoseMark(T0 + dt.timedelta(minutes=5), "Diazepam 10 mg")],
        "thresholds": [Threshold(10, "10: Moderate"), Threshold(19, "19: Severe")],
        "max_total": 67,
        "title": "CIWA-Ar over time",
        "description": "3 scores",
        "empty_text": "No scores yet.",
        "tz": OSLO,
    }
    values.update(overrides)
    return trend_svg(**values)


def parse(svg):
    return ET.fromstring(svg)  # noqa: S314 - our own output


def test_the_chart_is_an_accessible_image_with_title_and_description():
    root = parse(draw())
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "CIWA-Ar over time"
    assert root.find(f"{SVG}desc").text == "3 scores"
    assert root.get("aria-labelledby") == "trend-title trend-desc"


def test_the_band_thresholds_are_drawn_as_lines_with_labels():
    root = parse(draw())
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "threshold"]
    assert [g.get("data-threshold") for g in groups] == ["10", "19"]
    assert [g.find(f"{SVG}text").text for g in groups] == ["10: Moderate", "19: Severe"]
    assert all(g.find(f"{SVG}line") is not None for g in groups)


def test_the_line_lower_on_the_chart_means_a_lower_threshold():
    root = parse(draw())
    lines = {
        g.get("data-threshold"): float(g.find(f"{SVG}line").get("y1"))
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "threshold"
    }
    assert lines["10"] > lines["19"]  # SVG y grows downwards


def test_each_score_is_a_point_on_one_line():
    root = parse(draw())
    points = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "score-point"]
    assert [p.get("data-total") for p in points] == ["18", "14", "8"]
    assert points[0].find(f"{SVG}title").text == "24.11.2026 kl. 09.00: 18"  # Oslo time
    (line,) = [p for p in root.iter(f"{SVG}polyline") if p.get("class") == "score-line"]
    assert len(line.get("points").split()) == 3


def test_doses_are_marked_with_their_label_and_time():
    root = parse(draw())
    (marker,) = [p for p in root.iter(f"{SVG}path") if p.get("class") == "dose-marker"]
    assert marker.find(f"{SVG}title").text == "Diazepam 10 mg, 24.11.2026 kl. 09.05"


def test_text_is_escaped():
    svg = draw(title="<script>alert(1)</script>", doses=[DoseMark(T0, 'A & "B" <c>')])
    assert "<script>" not in svg
    parse(svg)  # still well-formed


def test_with_nothing_to_plot_it_says_so():
    root = parse(draw(points=[], doses=[]))
    assert "No scores yet." in [t.text for t in root.iter(f"{SVG}text")]


def test_a_single_score_is_drawn_without_a_line():
    root = parse(draw(points=[ScorePoint(T0, 5)], doses=[]))
    assert [c.get("data-total") for c in root.iter(f"{SVG}circle")] == ["5"]
    assert not list(root.iter(f"{SVG}polyline"))


def test_thresholds_above_the_drawn_range_are_left_out():
    root = parse(draw(points=[ScorePoint(T0, 3)], max_total=16, thresholds=[Threshold(37, "x")]))
    assert not [g for g in root.iter(f"{SVG}g") if g.get("class") == "threshold"]


@pytest.mark.parametrize(
    ("language", "first", "last"),
    [
        ("nb", ["24.11.2026", "09.00"], ["24.11.2026", "11.00"]),
        ("en", ["2026-11-24", "09:00"], ["2026-11-24", "11:00"]),
    ],
)
def test_the_time_axis_is_in_the_language_s_date_and_time_format(language, first, last):
    """Audit: the axis read "24.11 09:00" in both languages, a format of neither."""
    with translation.override(language):
        root = parse(draw())
    labels = [
        [span.text for span in text.iter(f"{SVG}tspan")]
        for text in root.iter(f"{SVG}text")
        if text.find(f"{SVG}tspan") is not None
    ]
    assert labels[0] == first  # 08:00 UTC is 09:00 in Oslo
    assert labels[-1] == last
