"""Issue 14, the board: room/bed on the episode, the overdue duration, the badge in the nav."""

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from accounts.access import user_role
from patients.concurrency import StaleEditError
from patients.models import AccessLogEntry, EpisodeEvent, EpisodeEventKind
from patients.services import episode_room_bed_set
from scoring.presentation import overdue_words, status_words
from scoring.selectors import overdue_count, ward_board
from tests.factories import make_unit
from tests.scoring.factories import make_inpatient, score

HOSTILE = '<script>alert("x")</script>'


# --- the service ----------------------------------------------------------------------------------


def test_setting_the_room_writes_old_new_who_and_when_on_the_trail(ward, nurse, clinician):
    episode = make_inpatient(unit=ward)

    episode_room_bed_set(episode=episode, user=nurse, room_bed=" 4B ", base_version=1)
    episode = episode_room_bed_set(episode=episode, user=clinician, room_bed="12-2", base_version=2)

    assert (episode.room_bed, episode.room_bed_version) == ("12-2", 3)
    events = EpisodeEvent.objects.filter(episode=episode, kind=EpisodeEventKind.ROOM_BED_SET)
    assert [(e.old, e.new, e.by) for e in events.order_by("at", "pk")] == [
        ("", "4B", nurse),
        ("4B", "12-2", clinician),
    ]
    assert all(e.at is not None for e in events)


def test_a_stale_save_is_refused_with_what_changed_and_writes_nothing(ward, nurse, clinician):
    episode = make_inpatient(unit=ward)
    episode_room_bed_set(episode=episode, user=nurse, room_bed="4B", base_version=1)

    with pytest.raises(StaleEditError) as raised:
        episode_room_bed_set(episode=episode, user=clinician, room_bed="7A", base_version=1)

    error = raised.value
    assert [(c.field, c.started, c.saved) for c in error.changes] == [("room_bed", "", "4B")]
    assert error.saved_by == nurse
    episode.refresh_from_db()
    assert (episode.room_bed, episode.room_bed_version) == ("4B", 2)
    assert EpisodeEvent.objects.filter(kind=EpisodeEventKind.ROOM_BED_SET).count() == 1


def test_an_unchanged_room_writes_no_event_and_a_too_long_one_is_refused(ward, nurse):
    episode = make_inpatient(unit=ward)
    episode_room_bed_set(episode=episode, user=nurse, room_bed="", base_version=1)
    assert not EpisodeEvent.objects.filter(kind=EpisodeEventKind.ROOM_BED_SET).exists()

    with pytest.raises(ValidationError):
        episode_room_bed_set(episode=episode, user=nurse, room_bed="x" * 41, base_version=1)


# --- the page -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["nurse", "clinician"])
def test_nurses_and_clinicians_set_the_room_and_the_board_shows_it_escaped(
    client, ward, who, request
):
    user = request.getfixturevalue(who)
    episode = make_inpatient(unit=ward)
    client.force_login(user)
    url = reverse("episode-room-bed", args=[episode.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"room_bed": HOSTILE, "version": "1"})

    assert response.status_code == 302
    board = client.get(reverse("ward-board")).content.decode()
    assert HOSTILE not in board
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in board
    actions = AccessLogEntry.objects.filter(patient=episode.patient, what="room/bed")
    assert {e.action for e in actions} == {"view", "update"}


def test_a_stale_form_answers_409_naming_the_saved_value(client, ward, nurse, clinician):
    episode = make_inpatient(unit=ward)
    episode_room_bed_set(episode=episode, user=clinician, room_bed="4B", base_version=1)
    client.force_login(nurse)

    response = client.post(
        reverse("episode-room-bed", args=[episode.pk]), {"room_bed": "9C", "version": "1"}
    )

    assert response.status_code == 409
    text = response.content.decode()
    assert "4B" in text  # what is saved now
    assert "9C" in text  # the nurse's input, kept
    episode.refresh_from_db()
    assert episode.room_bed == "4B"


def test_administrators_and_other_units_may_not_set_the_room(
    client, ward, administrator, make_user
):
    episode = make_inpatient(unit=ward)
    url = reverse("episode-room-bed", args=[episode.pk])
    client.force_login(administrator)
    assert client.post(url, {"room_bed": "1", "version": "1"}).status_code == 403
    stranger = make_user("nurse", username="kari")
    make_unit(staff=[stranger])
    client.force_login(stranger)
    assert client.post(url, {"room_bed": "1", "version": "1"}).status_code == 404
    episode.refresh_from_db()
    assert episode.room_bed == ""


# --- how late -------------------------------------------------------------------------------------


def test_overdue_says_by_how_much_in_norwegian_and_english():
    due = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)
    now = due + dt.timedelta(hours=1, minutes=10, seconds=59)
    with translation.override("nb"):
        assert status_words("overdue", due, now) == "Forsinket 1 t 10 min"
        assert overdue_words(dt.timedelta(minutes=25)) == "25 min"
    with translation.override("en"):
        assert status_words("overdue", due, now) == "Overdue 1 h 10 min"
        assert status_words("due", due, now) == "Due now"


def test_the_board_page_shows_the_overdue_duration(client, ward, nurse):
    episode = make_inpatient(unit=ward)
    score(
        episode,
        user=nurse,
        total=5,
        observed_at=timezone.now() - dt.timedelta(hours=5, minutes=10, seconds=30),
    )
    client.force_login(nurse)

    text = client.get(reverse("ward-board")).content.decode()

    assert "Forsinket 1 t 10 min" in text


# --- the badge ------------------------------------------------------------------------------------


def _ward_with_overdue(unit, nurse, overdue, on_time):
    """``overdue`` patients scored 6 h ago and ``on_time`` 1 h ago; returns the overdue ones."""
    now = timezone.now()
    late = []
    for _ in range(overdue):
        episode = make_inpatient(unit=unit)
        score(episode, user=nurse, total=3, observed_at=now - dt.timedelta(hours=6))
        late.append(episode)
    for _ in range(on_time):
        score(
            make_inpatient(unit=unit), user=nurse, total=3, observed_at=now - dt.timedelta(hours=1)
        )
    return late


def test_the_badge_counts_as_the_board_does_in_one_query(ward, nurse, django_assert_num_queries):
    _ward_with_overdue(ward, nurse, overdue=3, on_time=2)
    # Never scored, admitted long ago: overdue on the board, so counted.
    make_inpatient(unit=ward)
    now = timezone.now()
    user_role(nurse)

    with django_assert_num_queries(1):
        count = overdue_count(nurse, now=now)

    assert count == 4 == sum(row.status == "overdue" for row in ward_board(nurse, now=now))


def test_the_badge_is_on_every_page_of_a_ward_user(client, ward, nurse):
    _ward_with_overdue(ward, nurse, overdue=2, on_time=1)
    client.force_login(nurse)

    for url in (reverse("patient-list"), reverse("guideline-home"), reverse("ward-board")):
        text = client.get(url).content.decode()
        assert 'data-testid="overdue-badge" data-count="2"' in text, url


def test_the_board_reuses_its_own_count_for_the_badge(client, ward, nurse):
    _ward_with_overdue(ward, nurse, overdue=1, on_time=0)
    client.force_login(nurse)

    with mock.patch("scoring.selectors.overdue_count", side_effect=AssertionError("asked twice")):
        board = client.get(reverse("ward-board"))
        handover = client.get(reverse("ward-handover"))

    assert 'data-count="1"' in board.content.decode()
    assert 'data-count="1"' in handover.content.decode()


def test_administrators_and_anonymous_pages_ask_nothing_for_a_badge(client, administrator):
    with mock.patch("scoring.selectors.overdue_count", side_effect=AssertionError("asked")):
        assert client.get(reverse("login")).status_code == 200
        client.force_login(administrator)
        response = client.get(reverse("guideline-home"))
    assert response.status_code == 200
    assert "overdue-badge" not in response.content.decode()


def test_no_badge_when_nobody_is_overdue(client, ward, nurse):
    _ward_with_overdue(ward, nurse, overdue=0, on_time=2)
    client.force_login(nurse)
    assert "overdue-badge" not in client.get(reverse("patient-list")).content.decode()


def test_the_episode_history_shows_the_room_change(client, ward, nurse, clinician):
    episode = make_inpatient(unit=ward)
    episode_room_bed_set(episode=episode, user=nurse, room_bed="4B", base_version=1)
    episode_room_bed_set(episode=episode, user=nurse, room_bed="<u>7A</u>", base_version=2)
    client.force_login(clinician)

    text = client.get(reverse("episode-history", args=[episode.pk])).content.decode()

    assert "Rom/seng endret" in text
    assert "4B" in text
    assert "&lt;u&gt;7A&lt;/u&gt;" in text
    assert "<u>7A</u>" not in text


def test_the_boards_refresh_replaces_the_badge_out_of_band(client, ward, nurse):
    """The 30 s refresh sends the badge with the rows, so it follows the rows it counts, down to
    an empty badge when nobody is overdue any more."""
    episodes = _ward_with_overdue(ward, nurse, overdue=2, on_time=0)
    client.force_login(nurse)

    rows = client.get(reverse("ward-board-rows")).content.decode()
    assert '<span id="nav-overdue" hx-swap-oob="true">' in rows
    assert 'data-testid="overdue-badge" data-count="2"' in rows

    for episode in episodes:
        score(episode, user=nurse, total=3, observed_at=timezone.now(), now=timezone.now())
    rows = client.get(reverse("ward-board-rows")).content.decode()
    assert '<span id="nav-overdue" hx-swap-oob="true"></span>' in rows
    assert "overdue-badge" not in rows


def test_the_full_board_page_has_no_out_of_band_badge(client, ward, nurse):
    _ward_with_overdue(ward, nurse, overdue=1, on_time=0)
    client.force_login(nurse)
    page = client.get(reverse("ward-board")).content.decode()
    assert page.count('id="nav-overdue"') == 1
    assert "hx-swap-oob" not in page


# --- the badge's count is remembered until the ward changes or a due time passes -----------------


def test_the_count_is_remembered_until_a_score_changes_it(ward, nurse, django_assert_num_queries):
    late = _ward_with_overdue(ward, nurse, overdue=2, on_time=1)
    now = timezone.now()
    user_role(nurse)
    assert overdue_count(nurse, now=now) == 2

    with django_assert_num_queries(0):
        assert overdue_count(nurse, now=now + dt.timedelta(seconds=1)) == 2

    score(late[0], user=nurse, total=3, observed_at=now, now=now)
    with django_assert_num_queries(1):
        assert overdue_count(nurse, now=now) == 1


def test_the_count_rises_when_a_due_time_passes_with_nothing_saved(ward, nurse):
    now = timezone.now().replace(microsecond=0)
    episode = make_inpatient(unit=ward)
    # Under 10: every 4 h (8.4.6-2), so due at now + 1 min.
    score(episode, user=nurse, total=3, observed_at=now - dt.timedelta(hours=3, minutes=59))
    due = now + dt.timedelta(minutes=1)

    assert overdue_count(nurse, now=now) == 0
    assert overdue_count(nurse, now=due) == 0  # due, not overdue
    assert overdue_count(nurse, now=due + dt.timedelta(microseconds=1)) == 1
    # Asked again for an earlier moment (the count only grows with time): counted again.
    assert overdue_count(nurse, now=now) == 0


@pytest.mark.parametrize("change", ["discharge", "scale", "unit interval", "unit"])
def test_any_change_to_the_ward_is_counted_at_once(ward, nurse, clinician, change):
    from patients.services import episode_discharge
    from scoring.services import monitoring_choose

    now = timezone.now()
    (late,) = _ward_with_overdue(ward, nurse, overdue=1, on_time=0)
    (on_time,) = [e for e in ward.episodes.all() if e.pk != late.pk] or [make_inpatient(unit=ward)]
    score(on_time, user=nurse, total=3, observed_at=now - dt.timedelta(hours=1))
    assert overdue_count(nurse, now=now) == 1

    if change == "discharge":
        episode_discharge(
            episode=late, user=clinician, discharged_at=now, override_reason="moved to hospital"
        )
        expected = 0
    elif change == "scale":
        # COWS never scored: due from admission, long ago.
        monitoring_choose(episode=on_time, instrument="cows", user=nurse, now=now)
        expected = 2
    elif change == "unit interval":
        monitoring_choose(episode=on_time, instrument="cows", user=nurse, now=now)
        score(on_time, user=nurse, code="cows", total=3, observed_at=now - dt.timedelta(hours=2))
        assert overdue_count(nurse, now=now) == 1  # the unit's 4 h
        ward.opioid_scale_interval_hours = 1
        ward.save()
        expected = 2
    else:
        late.unit = make_unit()
        late.save()
        expected = 0

    assert overdue_count(nurse, now=now) == expected
    assert expected == sum(row.status == "overdue" for row in ward_board(nurse, now=now))


# --- the board's read is remembered until the ward changes ---------------------------------------


def test_the_board_is_read_once_until_something_changes(ward, nurse, django_assert_num_queries):
    _ward_with_overdue(ward, nurse, overdue=1, on_time=1)
    now = timezone.now()
    user_role(nurse)
    first = ward_board(nurse, now=now)

    with django_assert_num_queries(0):
        again = ward_board(nurse, now=now + dt.timedelta(hours=3))

    assert [row.episode.pk for row in again] == [row.episode.pk for row in first]
    # The due states are always worked out at the time asked: 3 h later both are overdue.
    assert [row.status for row in again] == ["overdue", "overdue"]


@pytest.mark.parametrize("change", ["name", "room", "substances", "score", "admission"])
def test_the_board_shows_any_change_at_once(ward, nurse, clinician, change):
    from patients.services import patient_update
    from tests.scoring.factories import set_history

    now = timezone.now()
    episode = make_inpatient(unit=ward, given_name="Kari")
    set_history(episode, user=clinician, substances=("alcohol",))
    (row,) = ward_board(nurse, now=now)
    assert row.instrument is not None
    assert row.instrument.code == "ciwa-ar"
    assert row.instrument_suggested

    if change == "name":
        patient_update(patient=episode.patient, user=clinician, reason="typo", given_name="Karin")
        (row,) = ward_board(nurse, now=now)
        assert row.episode.patient.given_name == "Karin"
    elif change == "room":
        episode_room_bed_set(episode=episode, user=nurse, room_bed="12", base_version=1)
        (row,) = ward_board(nurse, now=now)
        assert row.episode.room_bed == "12"
    elif change == "substances":
        set_history(episode, user=clinician, substances=("opioids",))
        (row,) = ward_board(nurse, now=now)
        assert row.instrument is not None
        assert row.instrument.code == "cows"
    elif change == "score":
        last = score(episode, user=nurse, total=12, observed_at=now, now=now)
        (row,) = ward_board(nurse, now=now)
        assert row.last == last
        assert row.interval_hours == 1
    else:
        make_inpatient(unit=ward)
        assert len(ward_board(nurse, now=now)) == 2


# --- each row's HTML is remembered by everything it shows ----------------------------------------


def test_a_row_s_html_follows_every_value_of_the_row_and_the_language(ward, nurse):
    import dataclasses

    from django.template.loader import render_to_string

    from scoring.presentation import board_lines

    now = timezone.now()
    _ward_with_overdue(ward, nurse, overdue=1, on_time=1)
    with translation.override("nb"):
        lines = board_lines(ward_board(nurse, now=now), now)
        first = render_to_string("scoring/_board_rows.html", {"rows": lines, "now": now})
        again = render_to_string("scoring/_board_rows.html", {"rows": lines, "now": now})
        changed = [dataclasses.replace(lines[0], name=HOSTILE, status_label="Forsinket 9 t")]
        changed_html = render_to_string(
            "scoring/_board_rows.html", {"rows": changed + lines[1:], "now": now}
        )
    with translation.override("en"):
        english = render_to_string("scoring/_board_rows.html", {"rows": lines, "now": now})

    assert again == first
    assert "Forsinket 9 t" in changed_html
    assert "&lt;script&gt;" in changed_html
    assert HOSTILE not in changed_html
    assert lines[0].name not in changed_html
    assert "Rom/seng" in first
    assert "Room/bed" in english
    assert "Room/bed" not in first


@pytest.mark.django_db(transaction=True)
def test_a_committed_score_reaches_what_every_process_remembered(ward, nurse):
    """Outside a test's transaction, as in production: the score's own transaction commits, and
    the shared generation (what every other process reads) is replaced then."""
    from django.core.cache import cache

    from accounts import generations
    from scoring.selectors import WARD_GENERATION

    now = timezone.now()
    episode = make_inpatient(unit=ward)
    (row,) = ward_board(nurse, now=now)
    assert row.last is None
    assert overdue_count(nurse, now=now) == 1
    shared = cache.get(generations.key(WARD_GENERATION))

    last = score(episode, user=nurse, total=3, observed_at=now, now=now)

    assert cache.get(generations.key(WARD_GENERATION)) != shared
    (row,) = ward_board(nurse, now=now)
    assert row.last == last
    assert overdue_count(nurse, now=now) == 0
