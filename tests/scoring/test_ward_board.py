import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import user_role
from patients.models import EpisodeStatus, Setting
from scoring.selectors import ward_board
from scoring.services import monitoring_choose
from tests.factories import make_episode, make_patient, make_unit
from tests.scoring.factories import make_inpatient, score, set_history

OSLO = ZoneInfo("Europe/Oslo")
NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


def oslo(year, month, day, hour, minute, fold=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=OSLO, fold=fold)


def scale(row):
    return row.instrument.code if row.instrument else None


def names(rows):
    return [row.episode.patient.given_name for row in rows]


def test_overdue_patients_come_first_then_due_then_by_next_due(ward, nurse):
    late = make_inpatient(unit=ward, given_name="Late")
    score(late, user=nurse, total=5, observed_at=NOW - dt.timedelta(hours=5))  # due 1 h ago
    soon = make_inpatient(unit=ward, given_name="Soon")
    score(soon, user=nurse, total=12, observed_at=NOW - dt.timedelta(minutes=50))  # due in 10 min
    later = make_inpatient(unit=ward, given_name="Later")
    score(later, user=nurse, total=5, observed_at=NOW - dt.timedelta(hours=1))  # due in 3 h
    later_still = make_inpatient(unit=ward, given_name="Still")
    score(later_still, user=nurse, total=2, observed_at=NOW - dt.timedelta(minutes=30))

    rows = ward_board(nurse, now=NOW)

    assert names(rows) == ["Late", "Soon", "Later", "Still"]
    assert [row.status for row in rows] == ["overdue", "due", "ok", "ok"]


def test_a_row_shows_scale_last_score_band_and_next_due(ward, nurse):
    episode = make_inpatient(unit=ward)
    last = score(episode, user=nurse, total=17, observed_at=NOW - dt.timedelta(minutes=20))

    (row,) = ward_board(nurse, now=NOW)

    assert scale(row) == "ciwa-ar"
    assert row.last == last
    assert (row.last.total, row.last.band) == (17, "moderate")
    assert row.interval_hours == 1
    assert row.next_due == NOW + dt.timedelta(minutes=40)


def test_the_board_shows_the_newest_current_version_of_a_score(ward, nurse):
    from scoring.services import assessment_correct

    episode = make_inpatient(unit=ward)
    first = score(episode, user=nurse, total=4, observed_at=NOW - dt.timedelta(hours=3))
    newest = score(episode, user=nurse, total=6, observed_at=NOW - dt.timedelta(hours=2))
    corrected = assessment_correct(
        original=newest,
        items={**newest.items, "orientation": 4},
        observed_at=newest.observed_at,
        reason="orientation missed",
        user=nurse,
        now=NOW,
    )

    (row,) = ward_board(nurse, now=NOW)

    assert row.last == corrected != first
    assert row.interval_hours == 1  # 10 after the correction: hourly


def test_a_patient_never_scored_is_due_from_admission(ward, nurse):
    just_in = make_inpatient(unit=ward, admitted_at=NOW - dt.timedelta(minutes=5))
    long_ago = make_inpatient(unit=ward, admitted_at=NOW - dt.timedelta(hours=6))

    rows = {row.episode: row for row in ward_board(nurse, now=NOW)}

    assert rows[long_ago].status == "overdue"
    assert rows[long_ago].never_scored
    assert rows[just_in].status == "overdue"
    assert rows[just_in].next_due == just_in.admitted_at


def test_only_active_inpatients_of_the_users_unit_are_listed(ward, other_ward, nurse):
    mine = make_inpatient(unit=ward)
    make_inpatient(unit=other_ward)
    make_episode(patient=make_patient(unit=ward), setting=Setting.OUTPATIENT)
    make_episode(patient=make_patient(unit=ward), status=EpisodeStatus.PLANNED)

    assert [row.episode for row in ward_board(nurse, now=NOW)] == [mine]


def test_an_active_stay_whose_level_is_not_decided_is_on_the_board(ward, nurse):
    undecided = make_episode(patient=make_patient(unit=ward), setting=Setting.UNDECIDED)
    assert [row.episode for row in ward_board(nurse, now=NOW)] == [undecided]


def test_a_user_without_a_role_sees_nothing(ward, make_user):
    stranger = make_user(None)
    ward.staff.add(stranger)
    make_inpatient(unit=ward)
    assert ward_board(stranger, now=NOW) == []


def test_cows_is_due_after_the_units_own_interval(make_user):
    nurse = make_user("nurse")
    unit = make_unit(staff=[nurse], opioid_scale_interval_hours=6)
    episode = make_inpatient(unit=unit)
    score(episode, user=nurse, code="cows", total=8, observed_at=NOW - dt.timedelta(hours=1))

    (row,) = ward_board(nurse, now=NOW)

    assert (row.interval_hours, row.interval_local_choice) == (6, True)
    assert row.next_due == NOW + dt.timedelta(hours=5)


def test_the_intake_suggests_a_scale_until_one_is_chosen(ward, nurse, clinician):
    episode = make_inpatient(unit=ward)
    set_history(episode, user=clinician, substances=("opioids",))

    (row,) = ward_board(nurse, now=NOW)
    assert (scale(row), row.instrument_suggested) == ("cows", True)

    monitoring_choose(episode=episode, instrument="sows", user=nurse, now=NOW)
    (row,) = ward_board(nurse, now=NOW)
    assert (scale(row), row.instrument_suggested) == ("sows", False)


def test_a_patient_using_alcohol_and_opioids_gets_no_suggested_scale(ward, nurse, clinician):
    episode = make_inpatient(unit=ward)
    set_history(episode, user=clinician, substances=("alcohol", "opioids"))
    (row,) = ward_board(nurse, now=NOW)
    assert row.instrument is None


# --- daylight saving time ------------------------------------------------------------------------
# Intervals are elapsed hours. Spring 2026-03-29: 02:00 CET jumps to 03:00 CEST. Autumn
# 2026-10-25: 03:00 CEST falls back to 02:00 CET.


@pytest.mark.parametrize(
    ("observed", "total", "due_local"),
    [
        (oslo(2026, 3, 29, 1, 30), 12, "03:30"),  # hourly across the lost hour
        (oslo(2026, 3, 29, 0, 30), 5, "05:30"),  # every 4 h across the lost hour
        (oslo(2026, 10, 25, 2, 30, fold=0), 12, "02:30"),  # 02:30 CEST + 1 h = 02:30 CET
        (oslo(2026, 10, 25, 0, 30), 5, "03:30"),  # every 4 h across the repeated hour
    ],
)
def test_due_times_are_right_across_the_dst_nights(make_user, client, observed, total, due_local):
    nurse = make_user("nurse")
    unit = make_unit(staff=[nurse])
    episode = make_inpatient(unit=unit, admitted_at=observed - dt.timedelta(days=1))
    score(episode, user=nurse, total=total, observed_at=observed)
    hours = 1 if total >= 10 else 4
    now = observed + dt.timedelta(minutes=10)

    (row,) = ward_board(nurse, now=now)

    assert row.next_due == observed.astimezone(dt.UTC) + dt.timedelta(hours=hours)
    assert row.next_due.astimezone(OSLO).strftime("%H:%M") == due_local


@pytest.mark.parametrize(
    ("observed", "due_text"),
    [
        (oslo(2026, 3, 29, 1, 30), "29.03.2026 kl. 03.30"),  # 01:30 CET + 1 h = 03:30 CEST
        (oslo(2026, 10, 25, 2, 30, fold=0), "25.10.2026 kl. 02.30"),  # 02:30 CEST + 1 h = 02:30 CET
    ],
)
def test_the_board_page_shows_the_due_time_in_oslo_time_across_dst(
    make_user, client, observed, due_text
):
    nurse = make_user("nurse")
    unit = make_unit(staff=[nurse])
    episode = make_inpatient(unit=unit, admitted_at=observed - dt.timedelta(days=1))
    score(episode, user=nurse, total=12, observed_at=observed)
    client.force_login(nurse)

    page = client.get(reverse("ward-board")).content.decode()

    assert f'<span class="due-time">{due_text}</span>' in page


# --- a constant number of queries ----------------------------------------------------------------


def _fill_ward(unit, nurse, count):
    for n in range(count):
        episode = make_inpatient(unit=unit)
        score(
            episode,
            user=nurse,
            total=n % 20,
            observed_at=NOW - dt.timedelta(minutes=10 * n),
            now=NOW,
        )


def _count_queries(run):
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


@pytest.mark.parametrize("patients", [5, 50])
def test_the_board_selector_takes_two_queries_whatever_the_number_of_patients(
    ward, nurse, django_assert_num_queries, patients
):
    _fill_ward(ward, nurse, patients)
    user_role(nurse)  # read once per user and cached (accounts.grants)
    # The episodes with their latest score ids, the scores themselves.
    with django_assert_num_queries(2):
        rows = ward_board(nurse, now=NOW)
    assert len(rows) == patients


@pytest.mark.parametrize("patients", [5, 50])
def test_patients_never_scored_take_one_query_for_their_substances_whatever_their_number(
    ward, nurse, django_assert_num_queries, patients
):
    for _ in range(patients):
        set_history(make_inpatient(unit=ward), user=nurse, substances=("alcohol",))
    user_role(nurse)
    # The episodes and the intake's substances to suggest a scale (no scores to read).
    with django_assert_num_queries(2):
        rows = ward_board(nurse, now=NOW)
    assert [scale(row) for row in rows] == ["ciwa-ar"] * patients
    assert all(row.instrument_suggested for row in rows)


@pytest.mark.parametrize("url_name", ["ward-board", "ward-board-rows"])
def test_the_board_pages_take_as_many_queries_for_50_patients_as_for_5(
    make_user, client, django_assert_num_queries, url_name
):
    def ward_of(size):
        nurse = make_user("nurse")
        _fill_ward(make_unit(staff=[nurse]), nurse, size)
        return nurse

    small, large = ward_of(5), ward_of(50)
    client.force_login(small)
    client.get(reverse(url_name))  # warm up: session, permission caches
    for_five = _count_queries(lambda: client.get(reverse(url_name)))
    client.force_login(large)
    client.get(reverse(url_name))

    with django_assert_num_queries(for_five):
        response = client.get(reverse(url_name))

    assert response.content.decode().count('data-testid="board-row"') == 50
