"""Issue 14, the shift handover: what the next shift needs, per inpatient, in a fixed number of
queries, in the access log like the board."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clinical.shifts import shift_at
from patients.models import AccessLogEntry
from patients.services import episode_room_bed_set, intake_amend
from plans.services import discharge_checklist_update
from scoring.handover import handover_lines
from scoring.selectors import ciwa_advice_for, handover
from tests.factories import make_unit
from tests.scoring.factories import give, make_inpatient, score, set_history

# Where ``now`` falls in its shift decides which scores are "before the shift" and what is overdue;
# a test on the wall clock passes or fails with the hour CI happens to run (it failed at 07:19,
# minutes into a day shift). The clock is pinned 5 h 30 min into a day shift and keeps ticking.
PINNED_NOW = dt.datetime(2026, 12, 5, 11, 30, tzinfo=dt.UTC)  # 12:30 in Oslo


@pytest.fixture(autouse=True)
def _mid_shift_clock():
    with time_machine.travel(PINNED_NOW, tick=True):
        yield


def _before_this_shift(now):
    return shift_at(now).start - dt.timedelta(hours=2)


def test_a_row_has_room_trend_doses_diazepam_and_flags(ward, nurse, clinician):
    now = timezone.now()
    episode = make_inpatient(unit=ward, given_name="Kari", sex="female")
    set_history(episode, user=clinician, complications=["seizures"], pregnant=True)
    episode_room_bed_set(episode=episode, user=nurse, room_bed="4B", base_version=1)
    score(episode, user=nurse, total=8, observed_at=_before_this_shift(now), now=now)
    last = score(
        episode,
        user=nurse,
        total=16,
        observed_at=now - dt.timedelta(minutes=5),
        now=now,
        drowsy=True,
    )
    give(episode, user=nurse, dose_mg="10", given_at=now - dt.timedelta(hours=30))  # not in 24 h
    give(episode, user=nurse, dose_mg="20", given_at=now - dt.timedelta(hours=2))
    give(episode, user=nurse, drug="thiamine", dose_mg="300", given_at=now - dt.timedelta(hours=1))
    discharge_checklist_update(
        episode=episode, user=clinician, done={"followup_planned": True}, now=now
    )

    (row,) = handover(nurse, now=now)

    assert row.board.episode.room_bed == "4B"
    assert row.board.last == last
    assert row.before_shift is not None
    assert row.before_shift[0] == 8
    assert [d.drug for d in row.doses_24h] == ["thiamine", "diazepam"]
    # The escalation began at the score of 8 (below 10): the dose 30 h ago is before it.
    assert row.diazepam_mg == Decimal(20)
    assert row.seizures_or_dt
    assert row.pregnant
    assert row.drowsy
    assert not row.current_delirium
    # Injecting not recorded: the overdose-prevention set applies (a local resolution), the
    # opioid items do not (alcohol only); the follow-up is done.
    assert set(row.open_discharge_items) == {
        "self_help_informed",
        "tolerance_info_given",
        "naloxone_given",
        "discharge_conversation_held",
        "appointment_made",
    }


def test_open_discharge_items_are_those_that_apply_checklist_or_not(ward, nurse, clinician):
    now = timezone.now()
    no_checklist = make_inpatient(unit=ward)
    set_history(no_checklist, user=clinician)
    alcohol_only = make_inpatient(unit=ward)
    intake_amend(
        episode=alcohol_only,
        user=clinician,
        reason="test set-up",
        fields={},
        substances=[{"substance": "alcohol", "injecting": False}],
    )
    discharge_checklist_update(
        episode=alcohol_only,
        user=clinician,
        done={"followup_planned": True, "self_help_informed": True},
        now=now,
    )

    rows = {row.board.episode.pk: row for row in handover(nurse, now=now)}

    # Nothing ticked yet and no checklist opened: everything that applies is open.
    assert "followup_planned" in rows[no_checklist.pk].open_discharge_items
    # Never injected, no opioids: the overdose set does not apply, so nothing is open, although
    # the stored checklist holds its items unticked.
    assert rows[alcohol_only.pk].open_discharge_items == ()


def test_diazepam_counts_the_current_escalation_as_the_advice_does(ward, nurse):
    """Issue 14: the handover's diazepam is the current escalation's, the same figure as the
    advice and the medication view, not the episode's total."""
    now = timezone.now().replace(microsecond=0)
    hours = lambda n: now - dt.timedelta(hours=n)  # noqa: E731
    episode = make_inpatient(unit=ward, admitted_at=hours(60))
    score(episode, user=nurse, total=18, observed_at=hours(50), now=now)
    give(episode, user=nurse, dose_mg="40", given_at=hours(49))
    score(episode, user=nurse, total=6, observed_at=hours(40), now=now)  # the escalation ends
    give(episode, user=nurse, dose_mg="10", given_at=hours(40))  # at the low score: not after it
    score(episode, user=nurse, total=17, observed_at=hours(3), now=now)
    give(episode, user=nurse, dose_mg="10", given_at=hours(2))
    latest = score(episode, user=nurse, total=16, observed_at=hours(1), now=now)
    give(episode, user=nurse, dose_mg="10", given_at=hours(0.5))
    give(episode, user=nurse, dose_mg="10", given_at=now + dt.timedelta(hours=1))  # not yet

    (row,) = handover(nurse, now=now)

    assert row.diazepam_mg == Decimal(20)
    assert row.escalation_since == hours(40)
    assert row.diazepam_mg == ciwa_advice_for(latest, at=now).cumulative_diazepam_mg


def test_a_patient_without_a_ciwa_score_has_no_escalation(client, ward, nurse):
    now = timezone.now()
    episode = make_inpatient(unit=ward)
    score(episode, user=nurse, code="cows", total=9, observed_at=now - dt.timedelta(hours=1))
    give(episode, user=nurse, dose_mg="10", given_at=now - dt.timedelta(hours=2))

    (row,) = handover(nurse, now=now)
    assert row.diazepam_mg is None
    assert row.escalation_since is None
    client.force_login(nurse)
    text = client.get(reverse("ward-handover")).content.decode()
    assert "Ingen CIWA-Ar-skåring ennå: ingen opptrapping." in text


def test_the_page_names_the_escalation_and_its_start(client, ward, nurse):
    now = timezone.now()
    episode = make_inpatient(unit=ward, admitted_at=now - dt.timedelta(hours=30))
    score(episode, user=nurse, total=16, observed_at=now - dt.timedelta(hours=3), now=now)
    give(episode, user=nurse, dose_mg="10", given_at=now - dt.timedelta(hours=2))
    client.force_login(nurse)
    text = client.get(reverse("ward-handover")).content.decode()
    assert "Diazepam i gjeldende opptrapping (siden innleggelse): 10 mg" in text


def test_the_page_shows_the_trend_flags_and_identity_escaped(client, ward, nurse, clinician):
    now = timezone.now()
    episode = make_inpatient(unit=ward, given_name="<b>Ola</b>")
    set_history(episode, user=clinician, complications=["delirium_tremens"])
    episode_room_bed_set(episode=episode, user=nurse, room_bed="<i>7</i>", base_version=1)
    score(episode, user=nurse, total=20, observed_at=_before_this_shift(now), now=now)
    score(episode, user=nurse, total=12, observed_at=now - dt.timedelta(minutes=5), now=now)
    client.force_login(nurse)

    response = client.get(reverse("ward-handover"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "&lt;b&gt;Ola&lt;/b&gt;" in text
    assert "<b>Ola</b>" not in text
    assert "&lt;i&gt;7&lt;/i&gt;" in text
    assert episode.patient.national_id in text
    assert "ned fra 20" in text
    assert "Kramper eller delirium tremens ved tidligere abstinens" in text
    assert 'href="/ward/handover/"' in text  # in the navigation


def test_the_overdue_row_says_by_how_much(client, ward, nurse):
    now = timezone.now()
    episode = make_inpatient(unit=ward)
    score(episode, user=nurse, total=3, observed_at=now - dt.timedelta(hours=6, minutes=30))
    client.force_login(nurse)

    text = client.get(reverse("ward-handover")).content.decode()

    assert "Forsinket 2 t 30 min" in text


def test_the_handover_is_in_the_access_log_like_the_board(client, ward, nurse):
    episodes = [make_inpatient(unit=ward) for _ in range(3)]
    client.force_login(nurse)

    client.get(reverse("ward-handover"))

    for episode in episodes:
        entries = AccessLogEntry.objects.filter(patient=episode.patient, user=nurse)
        assert [(e.action, e.what) for e in entries] == [("view", "shift handover")]


def test_administrators_may_not_and_other_units_see_only_their_own(
    client, ward, administrator, make_user
):
    make_inpatient(unit=ward, given_name="Hidden")
    client.force_login(administrator)
    assert client.get(reverse("ward-handover")).status_code == 403
    stranger = make_user("clinician", username="sigrid")
    make_unit(staff=[stranger])
    client.force_login(stranger)
    response = client.get(reverse("ward-handover"))
    assert response.status_code == 200
    assert "Hidden" not in response.content.decode()


def _fill(unit, nurse, clinician, count):
    now = timezone.now()
    for n in range(count):
        episode = make_inpatient(unit=unit)
        set_history(episode, user=clinician, complications=["seizures"])
        score(episode, user=nurse, total=n % 20, observed_at=_before_this_shift(now), now=now)
        score(episode, user=nurse, total=5, observed_at=now - dt.timedelta(minutes=n), now=now)
        give(episode, user=nurse, given_at=now - dt.timedelta(hours=1))
        discharge_checklist_update(episode=episode, user=clinician, done={}, now=now)


def _queries(run):
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


@pytest.mark.parametrize("path", ["selector", "page"])
def test_one_patient_or_ten_take_the_same_number_of_queries(make_user, client, path):
    def ward_of(size):
        nurse, clinician = make_user("nurse"), make_user("clinician")
        _fill(make_unit(staff=[nurse, clinician]), nurse, clinician, size)
        return nurse

    small, large = ward_of(1), ward_of(10)

    def run_for(user):
        if path == "selector":
            return lambda: handover(user, now=timezone.now())
        client.force_login(user)
        client.get(reverse("ward-handover"))  # warm up: session, permission caches
        return lambda: client.get(reverse("ward-handover"))

    for_one = _queries(run_for(small))
    for_ten = _queries(run_for(large))

    assert for_one == for_ten
    assert len(handover(large, now=timezone.now())) == 10


def test_the_handover_in_english(client, ward, nurse, settings):
    now = timezone.now()
    episode = make_inpatient(unit=ward)
    score(episode, user=nurse, total=3, observed_at=_before_this_shift(now), now=now)
    score(episode, user=nurse, total=3, observed_at=now - dt.timedelta(hours=5, minutes=10))
    client.force_login(nurse)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    text = client.get(reverse("ward-handover")).content.decode()

    assert "Shift handover" in text
    assert "Overdue 1 h 10 min" in text
    assert "unchanged from 3" in text


def test_pregnancy_flags_follow_the_one_reading(ward, nurse, clinician):
    """Audit: a woman whose pregnancy is not recorded was shown as not pregnant; a positive test
    counts as pregnant."""
    now = timezone.now()
    unknown = make_inpatient(unit=ward, sex="female")
    set_history(unknown, user=clinician)
    tested = make_inpatient(unit=ward, sex="female")
    set_history(tested, user=clinician, pregnant=False, pregnancy_test="positive")
    man = make_inpatient(unit=ward, sex="male")
    set_history(man, user=clinician)

    rows = {row.board.episode.pk: row for row in handover(nurse, now=now)}

    assert rows[unknown.pk].pregnant is None
    assert rows[tested.pk].pregnant is True
    assert rows[man.pk].pregnant is False
    lines, _shift = handover_lines([rows[unknown.pk]], now=now)
    assert "Graviditet ikke registrert" in lines[0].flags


def test_olanzapine_is_counted_over_the_stay(client, ward, nurse):
    """Audit: the 30 mg maximum (G 4233) is counted over the whole episode; the handover says
    how much of it is used."""
    now = timezone.now()
    episode = make_inpatient(unit=ward, admitted_at=now - dt.timedelta(days=3))
    score(episode, user=nurse, total=5, observed_at=now - dt.timedelta(hours=1), now=now)
    give(episode, user=nurse, drug="olanzapine", dose_mg="10", given_at=now - dt.timedelta(days=2))
    give(episode, user=nurse, drug="olanzapine", dose_mg="10", given_at=now - dt.timedelta(hours=3))

    (row,) = handover(nurse, now=now)
    assert row.olanzapine_mg == Decimal(20)
    client.force_login(nurse)
    text = client.get(reverse("ward-handover")).content.decode()
    assert "Olanzapin i dette oppholdet: 20 mg av høyst 30 mg" in text


@pytest.mark.parametrize(
    ("language", "words", "wrong"),
    [
        ("nb", "ingen skår i denne vakten", "uendret fra"),
        ("en", "no score this shift", "unchanged"),
    ],
)
def test_no_score_this_shift_is_not_read_as_unchanged(
    client, ward, nurse, settings, language, words, wrong
):
    """Audit: with the last score before the shift began, the trend compared that score with
    itself and read "unchanged from 14"; the trend is since the previous shift, and there is none
    in this one yet."""
    now = timezone.now()
    episode = make_inpatient(unit=ward)
    score(episode, user=nurse, total=20, observed_at=_before_this_shift(now), now=now)
    score(
        episode,
        user=nurse,
        total=14,
        observed_at=shift_at(now).start - dt.timedelta(minutes=30),
        now=now,
    )
    client.force_login(nurse)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    text = client.get(reverse("ward-handover")).content.decode()

    trend = text[text.index('data-testid="trend"') :]
    trend = trend[: trend.index("</span>")]
    assert words in trend
    assert wrong not in trend
    assert "trend-none" in text
