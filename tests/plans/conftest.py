"""The clock for the plan tests whose tapers start on a fixed day."""

import datetime as dt

import pytest
import time_machine

# The API and the taper form refuse a start more than a year from today (plans.taper_dates), so
# a test that sends the fixed start 2026-12-01 fails from 2027-12-02 on. Those modules pin the
# clock two days into that taper, 11:00 in Oslo, and let it tick.
TAPER_WEEK_NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def taper_week_clock():
    with time_machine.travel(TAPER_WEEK_NOW, tick=True):
        yield
