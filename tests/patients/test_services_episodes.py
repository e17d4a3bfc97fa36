import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from patients import services
from patients.models import Episode, EpisodeEvent, EpisodeStatus
from tests.factories import make_episode

ADMITTED = dt.datetime(2025, 3, 10, 9, 0, tzinfo=dt.UTC)


def _kinds(episode):
    return list(
        EpisodeEvent.objects.filter(episode=episode).order_by("pk").values_list("kind", flat=True)
    )


def test_episode_create_plans_an_episode_and_records_it(patient, clinician):
    episode = services.episode_create(
        patient=patient, user=clinician, responsible_clinician=clinician
    )
    assert (episode.status, episode.setting, episode.unit) == ("planned", "undecided", patient.unit)
    assert _kinds(episode) == ["created"]


def test_episode_start_makes_it_active_at_the_time_given(planned_episode, clinician):
    services.episode_start(episode=planned_episode, user=clinician, admitted_at=ADMITTED)
    planned_episode.refresh_from_db()
    assert (planned_episode.status, planned_episode.admitted_at) == ("active", ADMITTED)
    event = planned_episode.events.get(kind="started")
    assert (event.by, event.details["at"]) == (clinician, ADMITTED.isoformat())


def test_episode_start_without_a_time_uses_now(planned_episode, clinician):
    before = timezone.now()
    services.episode_start(episode=planned_episode, user=clinician)
    planned_episode.refresh_from_db()
    assert before <= planned_episode.admitted_at <= timezone.now()


def test_an_admission_in_the_future_is_refused(planned_episode, clinician):
    with pytest.raises(ValidationError) as raised:
        services.episode_start(
            episode=planned_episode,
            user=clinician,
            admitted_at=timezone.now() + dt.timedelta(hours=1),
        )
    assert list(raised.value.message_dict) == ["admitted_at"]


def test_episode_discharge_ends_an_active_episode(patient, clinician):
    episode = make_episode(patient=patient, user=clinician, admitted_at=ADMITTED)
    at = ADMITTED + dt.timedelta(days=5)
    # No intake: the overdose set is shown and open, so the discharge needs a reason (13.1-9).
    services.episode_discharge(
        episode=episode, user=clinician, discharged_at=at, override_reason="Intake ikke tatt"
    )
    episode.refresh_from_db()
    assert (episode.status, episode.discharged_at) == ("discharged", at)
    assert _kinds(episode) == ["created", "started", "discharged"]


def test_discharge_before_admission_is_refused(patient, clinician):
    episode = make_episode(patient=patient, user=clinician, admitted_at=ADMITTED)
    with pytest.raises(ValidationError) as raised:
        services.episode_discharge(
            episode=episode, user=clinician, discharged_at=ADMITTED - dt.timedelta(minutes=1)
        )
    assert list(raised.value.message_dict) == ["discharged_at"]


def test_episode_interrupt_of_an_active_episode_records_the_reason_and_time(patient, clinician):
    episode = make_episode(patient=patient, user=clinician, admitted_at=ADMITTED)
    at = ADMITTED + dt.timedelta(days=1)
    services.episode_interrupt(
        episode=episode, user=clinician, reason="Reiste mot råd", at=at, override_reason="Ikke nådd"
    )
    episode.refresh_from_db()
    assert (episode.status, episode.discharged_at) == ("interrupted", at)
    assert episode.events.get(kind="interrupted").reason == "Reiste mot råd"


def test_a_planned_episode_can_be_called_off(planned_episode, clinician):
    services.episode_interrupt(episode=planned_episode, user=clinician, reason="Møtte ikke")
    planned_episode.refresh_from_db()
    assert (planned_episode.status, planned_episode.discharged_at) == ("interrupted", None)


def test_interrupt_needs_a_reason(planned_episode, clinician):
    with pytest.raises(ValidationError) as raised:
        services.episode_interrupt(episode=planned_episode, user=clinician, reason="")
    assert list(raised.value.message_dict) == ["reason"]


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (EpisodeStatus.ACTIVE, "start"),
        (EpisodeStatus.DISCHARGED, "start"),
        (EpisodeStatus.INTERRUPTED, "start"),
        (EpisodeStatus.PLANNED, "discharge"),
        (EpisodeStatus.DISCHARGED, "discharge"),
        (EpisodeStatus.INTERRUPTED, "discharge"),
        (EpisodeStatus.DISCHARGED, "interrupt"),
        (EpisodeStatus.INTERRUPTED, "interrupt"),
    ],
)
def test_invalid_transitions_are_refused_and_change_nothing(patient, clinician, status, action):
    episode = make_episode(
        patient=patient,
        status=status,
        user=clinician,
        admitted_at=ADMITTED if status != EpisodeStatus.PLANNED else None,
        discharged_at=ADMITTED + dt.timedelta(days=2),
    )
    events_before = _kinds(episode)
    call = {
        "start": lambda: services.episode_start(episode=episode, user=clinician),
        "discharge": lambda: services.episode_discharge(episode=episode, user=clinician),
        "interrupt": lambda: services.episode_interrupt(
            episode=episode, user=clinician, reason="x"
        ),
    }[action]
    with pytest.raises(ValidationError) as raised:
        call()
    assert raised.value.code == "invalid_transition"
    episode.refresh_from_db()
    assert episode.status == status
    assert _kinds(episode) == events_before


def test_a_second_active_episode_for_the_same_patient_is_refused(patient, clinician):
    make_episode(patient=patient, user=clinician, admitted_at=ADMITTED)
    second = make_episode(patient=patient, status=EpisodeStatus.PLANNED, user=clinician)
    with pytest.raises(ValidationError) as raised:
        services.episode_start(episode=second, user=clinician)
    assert raised.value.code == "one_active"
    second.refresh_from_db()
    assert second.status == "planned"


def test_after_discharge_a_new_episode_can_start(patient, clinician):
    make_episode(
        patient=patient, status=EpisodeStatus.DISCHARGED, user=clinician, admitted_at=ADMITTED
    )
    second = make_episode(patient=patient, status=EpisodeStatus.PLANNED, user=clinician)
    services.episode_start(episode=second, user=clinician)
    assert Episode.objects.filter(patient=patient, status="active").count() == 1


def test_the_database_itself_allows_one_active_episode_per_patient(patient, clinician):
    first = make_episode(patient=patient, user=clinician, admitted_at=ADMITTED)
    second = make_episode(patient=patient, status=EpisodeStatus.PLANNED, user=clinician)
    with pytest.raises(IntegrityError), transaction.atomic():
        Episode.objects.filter(pk=second.pk).update(status="active", admitted_at=first.admitted_at)
