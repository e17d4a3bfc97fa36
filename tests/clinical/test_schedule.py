"""Due times as elapsed time, across both Norwegian DST nights and midnight; due/overdue status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from clinical.schedule import (
    DUE_SOON_MINUTES,
    OSLO,
    due_status,
    format_oslo,
    next_due,
    to_oslo,
)

# Spring 2026: Sunday 29 March, 02:00 CET → 03:00 CEST (01:00 UTC).
# Autumn 2026: Sunday 25 October, 03:00 CEST → 02:00 CET (01:00 UTC).


def oslo(year: int, month: int, day: int, hour: int, minute: int, *, fold: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=OSLO, fold=fold)


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- next_due --------------------------------------------------------------------------------


@pytest.mark.parametrize("hours", [1, 4])
def test_it_adds_the_interval_on_an_ordinary_day(hours):
    assert next_due(oslo(2026, 1, 15, 10, 0), hours) == utc(2026, 1, 15, 9 + hours, 0)


def test_it_returns_utc():
    assert next_due(oslo(2026, 6, 1, 12, 0), 1).tzinfo is UTC


def test_it_treats_the_same_instant_in_any_zone_alike():
    plus_five = datetime(2026, 1, 15, 14, 0, tzinfo=timezone(timedelta(hours=5)))
    assert next_due(plus_five, 4) == next_due(oslo(2026, 1, 15, 10, 0), 4)


def test_it_is_due_60_real_minutes_later_across_the_spring_dst_change():
    observed = oslo(2026, 3, 29, 1, 30)  # CET, 00:30 UTC
    due = next_due(observed, 1)
    assert due - observed == timedelta(minutes=60)
    assert due == utc(2026, 3, 29, 1, 30)


def test_the_wall_clock_jumps_2_hours_for_a_1_hour_interval_on_the_spring_night():
    due = to_oslo(next_due(oslo(2026, 3, 29, 1, 30), 1))
    assert (due.hour, due.minute) == (3, 30)
    assert due.tzname() == "CEST"


def test_it_crosses_the_spring_change_at_the_last_minute_before_it():
    due = to_oslo(next_due(oslo(2026, 3, 29, 1, 59), 1))
    assert (due.hour, due.minute, due.tzname()) == (3, 59, "CEST")


def test_it_counts_4_real_hours_across_the_spring_change():
    observed = oslo(2026, 3, 29, 0, 0)  # CET, 23:00 UTC the day before
    due = next_due(observed, 4)
    assert due == utc(2026, 3, 29, 3, 0)
    assert format_oslo(due) == "29.03.2026 05:00"


def test_it_is_due_60_real_minutes_later_across_the_autumn_dst_change():
    observed = oslo(2026, 10, 25, 2, 30, fold=0)  # the first 02:30, CEST, 00:30 UTC
    due = next_due(observed, 1)
    assert due - observed == timedelta(minutes=60)
    assert due == utc(2026, 10, 25, 1, 30)


def test_the_wall_clock_stands_still_for_a_1_hour_interval_on_the_autumn_night():
    due = to_oslo(next_due(oslo(2026, 10, 25, 2, 30, fold=0), 1))
    assert (due.hour, due.minute) == (2, 30)
    assert due.tzname() == "CET"


def test_it_tells_the_two_autumn_02_30s_apart_when_asked_for_the_zone():
    first = oslo(2026, 10, 25, 2, 30, fold=0)
    due = next_due(first, 1)
    assert format_oslo(first, with_zone=True) == "25.10.2026 02:30 CEST"
    assert format_oslo(due, with_zone=True) == "25.10.2026 02:30 CET"


def test_it_counts_from_the_second_autumn_02_30():
    observed = oslo(2026, 10, 25, 2, 30, fold=1)  # CET, 01:30 UTC
    assert next_due(observed, 1) == utc(2026, 10, 25, 2, 30)


def test_it_counts_4_real_hours_across_the_autumn_change():
    due = next_due(oslo(2026, 10, 25, 0, 0), 4)  # CEST, 22:00 UTC the day before
    assert due == utc(2026, 10, 25, 2, 0)
    assert format_oslo(due) == "25.10.2026 03:00"


def test_it_rolls_over_midnight_into_the_next_day():
    due = next_due(oslo(2026, 1, 15, 23, 30), 1)
    assert format_oslo(due) == "16.01.2026 00:30"


def test_it_lands_exactly_on_midnight():
    due = next_due(oslo(2026, 1, 15, 20, 0), 4)
    assert format_oslo(due) == "16.01.2026 00:00"


def test_it_rolls_over_the_new_year():
    due = next_due(oslo(2026, 12, 31, 22, 0), 4)
    assert format_oslo(due) == "01.01.2027 02:00"


def test_it_rejects_a_naive_observation_time():
    with pytest.raises(ValueError, match="timezone-aware"):
        next_due(datetime(2026, 1, 15, 10, 0), 1)  # noqa: DTZ001 - naive on purpose


@pytest.mark.parametrize("hours", [0, -1, True, 1.5, "1", None])
def test_it_rejects_an_interval_that_is_not_a_whole_number_of_hours_from_1(hours):
    with pytest.raises(ValueError, match="interval_hours"):
        next_due(oslo(2026, 1, 15, 10, 0), hours)


def test_it_rejects_a_date_without_a_time():
    with pytest.raises(TypeError):
        next_due(datetime(2026, 1, 15, tzinfo=UTC).date(), 1)  # type: ignore[arg-type]


# --- due_status ------------------------------------------------------------------------------

DUE = utc(2026, 3, 29, 1, 30)


def test_it_is_ok_before_the_due_window():
    assert due_status(DUE, DUE - timedelta(minutes=DUE_SOON_MINUTES, microseconds=1)) == "ok"


def test_it_is_due_from_15_minutes_before():
    assert DUE_SOON_MINUTES == 15
    assert due_status(DUE, DUE - timedelta(minutes=15)) == "due"


def test_it_is_due_at_the_due_time():
    assert due_status(DUE, DUE) == "due"


def test_it_is_overdue_just_after_the_due_time():
    assert due_status(DUE, DUE + timedelta(microseconds=1)) == "overdue"


def test_it_is_overdue_long_after():
    assert due_status(DUE, DUE + timedelta(days=1)) == "overdue"


def test_it_takes_another_grace_period():
    assert due_status(DUE, DUE - timedelta(minutes=31), grace_minutes=30) == "ok"
    assert due_status(DUE, DUE - timedelta(minutes=30), grace_minutes=30) == "due"


def test_it_has_no_due_window_with_zero_grace():
    assert due_status(DUE, DUE - timedelta(microseconds=1), grace_minutes=0) == "ok"
    assert due_status(DUE, DUE, grace_minutes=0) == "due"


def test_it_compares_instants_not_wall_clocks_on_the_autumn_night():
    due = next_due(oslo(2026, 10, 25, 2, 30, fold=0), 1)  # 02:30 CET
    first_0245 = oslo(2026, 10, 25, 2, 45, fold=0)  # CEST: 45 minutes before due
    second_0225 = oslo(2026, 10, 25, 2, 25, fold=1)  # CET: 5 minutes before due
    assert due_status(due, first_0245) == "ok"
    assert due_status(due, second_0225) == "due"


def test_it_compares_instants_across_the_spring_gap():
    due = next_due(oslo(2026, 3, 29, 1, 30), 1)  # 03:30 CEST
    assert due_status(due, oslo(2026, 3, 29, 1, 59)) == "ok"  # 31 real minutes before
    assert due_status(due, oslo(2026, 3, 29, 3, 15)) == "due"
    assert due_status(due, oslo(2026, 3, 29, 3, 31)) == "overdue"


def test_it_accepts_now_in_any_zone():
    now = (DUE - timedelta(minutes=5)).astimezone(ZoneInfo("America/New_York"))
    assert due_status(DUE, now) == "due"


def test_it_rejects_a_naive_now():
    with pytest.raises(ValueError, match="now"):
        due_status(DUE, datetime(2026, 3, 29, 1, 30))  # noqa: DTZ001 - naive on purpose


def test_it_rejects_a_naive_due_time():
    with pytest.raises(ValueError, match="next_due"):
        due_status(datetime(2026, 3, 29, 1, 30), DUE)  # noqa: DTZ001 - naive on purpose


@pytest.mark.parametrize("grace", [-1, True, 1.5])
def test_it_rejects_an_invalid_grace_period(grace):
    with pytest.raises(ValueError, match="grace_minutes"):
        due_status(DUE, DUE, grace_minutes=grace)


# --- display ---------------------------------------------------------------------------------


def test_it_formats_winter_time_in_oslo():
    assert format_oslo(utc(2026, 1, 15, 9, 5)) == "15.01.2026 10:05"


def test_it_formats_summer_time_in_oslo():
    assert format_oslo(utc(2026, 7, 15, 9, 5)) == "15.07.2026 11:05"


def test_it_formats_the_time_alone():
    assert format_oslo(utc(2026, 7, 15, 9, 5), with_date=False) == "11:05"


def test_it_shows_the_local_date_not_the_utc_date_after_midnight():
    assert format_oslo(utc(2026, 1, 15, 23, 30)) == "16.01.2026 00:30"


def test_it_converts_to_oslo_time():
    assert to_oslo(utc(2026, 7, 15, 9, 5)).utcoffset() == timedelta(hours=2)


def test_it_refuses_to_format_a_naive_time():
    with pytest.raises(ValueError, match="timezone-aware"):
        format_oslo(datetime(2026, 1, 15, 10, 0))  # noqa: DTZ001 - naive on purpose
