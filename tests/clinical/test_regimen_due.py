"""clinical/regimens/due.py: which doses of an accepted line are due on a day (audit, issue 14)."""

from datetime import date, timedelta

import pytest

from clinical.regimens.due import doses_due

DAY = date(2026, 12, 6)
MAINTAIN = {"times_per_day": 3, "days_min": 3, "days_max": 5}


def days(*offsets: int) -> list[date]:
    return [DAY + timedelta(days=n) for n in offsets]


def test_a_single_dose_is_due_until_given_on_an_earlier_day():
    code = "valproic_acid_single_dose"
    assert doses_due(code, {}, DAY, []) == 1
    assert doses_due(code, {}, DAY, days(0)) == 1  # given today: still shown, with its answer
    assert doses_due(code, {}, DAY + timedelta(days=1), days(0)) == 0
    assert doses_due(code, {}, DAY + timedelta(days=10), days(0)) == 0


@pytest.mark.parametrize(
    ("offset", "due"),
    [(-1, 0), (0, 3), (1, 3), (4, 3), (5, 0), (10, 0)],  # days_max 5: day 0..4 from the first dose
)
def test_a_course_runs_days_max_days_from_its_first_dose(offset, due):
    assert (
        doses_due("valproic_acid_maintenance", MAINTAIN, DAY + timedelta(days=offset), days(0))
        == due
    )


def test_a_course_not_started_is_due_with_its_daily_count():
    assert doses_due("valproic_acid_maintenance", MAINTAIN, DAY, []) == 3


@pytest.mark.parametrize("params", [{}, {"times_per_day": 1}, {"times_per_day": "3"}])
def test_one_dose_a_day_otherwise(params):
    assert doses_due("thiamine", params, DAY, days(-3)) == 1
