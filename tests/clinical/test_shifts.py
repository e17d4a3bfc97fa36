"""The ward's shifts (issue 14): day 07–15, evening 15–23, night 23–07 Oslo time, DST nights."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from clinical.shifts import previous_shift, shift_at

OSLO = ZoneInfo("Europe/Oslo")


def oslo(year, month, day, hour, minute, fold=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=OSLO, fold=fold)


@pytest.mark.parametrize(
    ("moment", "name", "start", "end"),
    [
        (oslo(2026, 12, 5, 7, 0), "day", oslo(2026, 12, 5, 7, 0), oslo(2026, 12, 5, 15, 0)),
        (oslo(2026, 12, 5, 14, 59), "day", oslo(2026, 12, 5, 7, 0), oslo(2026, 12, 5, 15, 0)),
        (oslo(2026, 12, 5, 15, 0), "evening", oslo(2026, 12, 5, 15, 0), oslo(2026, 12, 5, 23, 0)),
        (oslo(2026, 12, 5, 23, 0), "night", oslo(2026, 12, 5, 23, 0), oslo(2026, 12, 6, 7, 0)),
        (oslo(2026, 12, 6, 6, 59), "night", oslo(2026, 12, 5, 23, 0), oslo(2026, 12, 6, 7, 0)),
    ],
)
def test_a_moment_falls_in_its_shift(moment, name, start, end):
    shift = shift_at(moment)
    assert (shift.name, shift.start, shift.end) == (name, start, end)
    assert moment in shift


def test_the_spring_dst_night_lasts_seven_hours():
    # 29 March 2026: 02:00 → 03:00.
    shift = shift_at(oslo(2026, 3, 29, 4, 0))
    assert shift.name == "night"
    assert shift.end - shift.start == dt.timedelta(hours=7)
    assert shift.start.astimezone(OSLO).hour == 23
    assert shift.end.astimezone(OSLO).hour == 7


def test_the_autumn_dst_night_lasts_nine_hours_and_both_0230s_are_in_it():
    # 25 October 2026: 03:00 → 02:00.
    first = shift_at(oslo(2026, 10, 25, 2, 30, fold=0))
    second = shift_at(oslo(2026, 10, 25, 2, 30, fold=1))
    assert first == second
    assert first.end - first.start == dt.timedelta(hours=9)


def test_the_previous_shift_is_the_one_before():
    assert previous_shift(oslo(2026, 12, 5, 8, 0)).name == "night"
    assert previous_shift(oslo(2026, 12, 5, 16, 0)).name == "day"
    assert previous_shift(oslo(2026, 12, 6, 1, 0)).name == "evening"
    assert previous_shift(oslo(2026, 12, 5, 8, 0)).end == oslo(2026, 12, 5, 7, 0)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        shift_at(dt.datetime(2026, 12, 5, 8, 0))  # noqa: DTZ001 - naive on purpose
