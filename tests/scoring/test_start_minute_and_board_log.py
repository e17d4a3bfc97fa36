"""Issue 12 items 10 and 12: the board refresh is logged; a score in the start minute counts."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from patients.models import AccessLogEntry
from scoring.checks import (
    InvalidInput,
)
from scoring.models import Assessment
from scoring.services import (
    assessment_record,
)
from tests.scoring.factories import items_for, make_inpatient

OSLO = ZoneInfo("Europe/Oslo")
STARTED = dt.datetime(2026, 11, 24, 8, 34, 40, tzinfo=OSLO)


def _record(episode, user, observed_at):
    return assessment_record(
        episode=episode,
        instrument="ciwa-ar",
        items=items_for("ciwa-ar", 12),
        observed_at=observed_at,
        breath_alcohol=None,
        user=user,
        now=STARTED + dt.timedelta(hours=1),
    )


def test_a_score_in_the_minute_the_episode_started_is_accepted(ward, nurse):
    episode = make_inpatient(unit=ward, admitted_at=STARTED)

    # The form takes whole minutes: 08:34 is the minute of an 08:34:40 admission.
    assessment = _record(episode, nurse, STARTED.replace(second=0))

    assert Assessment.objects.filter(pk=assessment.pk).exists()


def test_a_score_in_the_minute_before_the_start_is_still_refused(ward, nurse):
    episode = make_inpatient(unit=ward, admitted_at=STARTED)

    with pytest.raises(InvalidInput):
        _record(episode, nurse, dt.datetime(2026, 11, 24, 8, 33, 59, tzinfo=OSLO))

    assert not Assessment.objects.exists()


def test_the_board_refresh_writes_the_same_access_log_entry_as_the_board(client, ward, nurse):
    episode = make_inpatient(unit=ward, given_name="Shown")
    client.force_login(nurse)

    response = client.get(reverse("ward-board-rows"))

    assert response.status_code == 200
    assert "Shown" in response.content.decode()
    entries = AccessLogEntry.objects.filter(patient=episode.patient, user=nurse)
    assert [(e.action, e.what) for e in entries] == [("view", "ward board")]
