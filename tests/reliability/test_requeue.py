"""The sweep that sends waiting care plans again (``care_plans_requeue``), its schedule and its
run when a worker starts; and the guards that make sending one twice, or a worker dying over it,
harmless."""

import datetime as dt
from types import SimpleNamespace

import pytest
from celery.signals import worker_ready
from kombu.exceptions import OperationalError

from detox.celery import REQUEUE_INTERVAL, REQUEUE_TASK, app
from patients.models import EpisodeEvent
from plans import services
from plans.models import CarePlan, CarePlanError, CarePlanStatus
from plans.tasks import care_plans_requeue, generate_care_plan

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
LONG_AGO = NOW - services.REQUEUE_AFTER - dt.timedelta(minutes=1)
JUST_NOW = NOW - dt.timedelta(minutes=1)


class RecordingTask:
    """Stands in for the Celery task: records what was sent."""

    def __init__(self):
        self.sent = []

    def delay(self, care_plan_id):
        self.sent.append(care_plan_id)


class UnreachableQueue:
    def __init__(self):
        self.tries = 0

    def delay(self, care_plan_id):
        self.tries += 1
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


class BrokenResultStore:
    def delay(self, care_plan_id):
        raise RuntimeError("Retry limit exceeded while trying to reconnect to the result store")


def ask(episode, user, *, at=JUST_NOW):
    """A care plan asked for at ``at``; nothing is sent (the test's transaction never commits)."""
    return services.care_plan_request(episode=episode, user=user, task=RecordingTask(), now=at)


def deferred(episode, user, *, at=JUST_NOW):
    care_plan = ask(episode, user, at=at)
    services.care_plan_defer(care_plan_id=care_plan.pk, detail="Connection refused")
    return care_plan


def sweep(task=None):
    task = task or RecordingTask()
    return task, services.care_plans_requeue(task=task, now=NOW)


@pytest.fixture
def episode(care_plan_episode):
    return care_plan_episode


def test_a_queue_that_is_down_leaves_the_care_plan_pending_with_the_reason(
    episode, clinician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        care_plan = services.care_plan_request(
            episode=episode, user=clinician, task=UnreachableQueue()
        )
    care_plan.refresh_from_db()
    assert care_plan.status == CarePlanStatus.PENDING
    assert care_plan.error_code == CarePlanError.QUEUE_UNREACHABLE
    assert "Connection refused" in care_plan.error_detail


def test_any_other_error_in_sending_leaves_it_pending_too_never_an_error_to_the_user(
    episode, clinician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        care_plan = services.care_plan_request(
            episode=episode, user=clinician, task=BrokenResultStore()
        )
    care_plan.refresh_from_db()
    assert care_plan.status == CarePlanStatus.PENDING
    assert care_plan.error_code == CarePlanError.QUEUE_UNREACHABLE
    assert care_plan.error_detail.startswith("RuntimeError: Retry limit exceeded")


def test_a_care_plan_whose_queueing_failed_is_sent_at_once_and_its_mark_cleared(episode, clinician):
    care_plan = deferred(episode, clinician)
    task, done = sweep()
    assert task.sent == [care_plan.pk]
    assert (done.sent, done.unreachable) == ([care_plan.pk], [])
    care_plan.refresh_from_db()
    assert care_plan.status == CarePlanStatus.PENDING
    assert (care_plan.error_code, care_plan.error_detail) == ("", "")


def test_a_care_plan_nobody_picked_up_for_ten_minutes_is_sent_again(episode, clinician):
    lost = ask(episode, clinician, at=LONG_AGO)
    task, _done = sweep()
    assert task.sent == [lost.pk]


def test_a_care_plan_queued_a_minute_ago_is_left_in_the_queue(episode, clinician):
    ask(episode, clinician, at=JUST_NOW)
    task, _done = sweep()
    assert task.sent == []


def test_a_care_plan_held_by_a_dead_worker_is_sent_again_and_the_new_task_takes_it(
    episode, clinician
):
    care_plan = ask(episode, clinician, at=LONG_AGO)
    services.care_plan_claim(care_plan_id=care_plan.pk, token="dead-worker", now=LONG_AGO)
    task, _done = sweep()
    assert task.sent == [care_plan.pk]
    assert services.care_plan_claim(care_plan_id=care_plan.pk, token="new-task", now=NOW)


def test_a_care_plan_being_made_is_left_alone(episode, clinician):
    care_plan = ask(episode, clinician, at=LONG_AGO)
    services.care_plan_claim(care_plan_id=care_plan.pk, token="busy-worker", now=JUST_NOW)
    task, _done = sweep()
    assert task.sent == []


def test_ready_and_failed_care_plans_are_never_sent_again(episode, clinician):
    ready = ask(episode, clinician, at=LONG_AGO)
    services.care_plan_claim(care_plan_id=ready.pk, token="t", now=LONG_AGO)
    services.care_plan_store(care_plan_id=ready.pk, pdf=b"%PDF-1.7", token="t", now=LONG_AGO)
    failed = deferred(episode, clinician, at=LONG_AGO)
    services.care_plan_fail(
        care_plan_id=failed.pk, code=CarePlanError.RENDER, detail="boom", now=LONG_AGO
    )
    task, _done = sweep()
    assert task.sent == []


def test_a_sweep_while_the_queue_is_still_down_keeps_them_waiting_and_does_not_raise(
    episode, clinician
):
    first = deferred(episode, clinician, at=LONG_AGO)
    second = ask(episode, clinician, at=LONG_AGO)
    queue = UnreachableQueue()
    _task, done = sweep(queue)
    assert (done.sent, done.unreachable) == ([], [first.pk, second.pk])
    # It stops at the first: the queue is down for all of them.
    assert queue.tries == 1
    assert CarePlan.objects.get(pk=first.pk).error_code == CarePlanError.QUEUE_UNREACHABLE
    assert CarePlan.objects.get(pk=second.pk).status == CarePlanStatus.PENDING


def test_a_care_plan_sent_twice_is_made_once(episode, clinician):
    care_plan = deferred(episode, clinician)
    # The first message was delivered after all, and the sweep sent a second one.
    first = generate_care_plan.apply(args=(care_plan.pk,), task_id="first-message").get()
    second = generate_care_plan.apply(args=(care_plan.pk,), task_id="second-message").get()
    assert (first, second) == (CarePlanStatus.READY, "skipped")
    care_plan.refresh_from_db()
    assert care_plan.attempts == 1
    assert care_plan.claimed_by == "first-message"
    assert care_plan.error_code == ""
    assert EpisodeEvent.objects.filter(kind="care_plan_ready").count() == 1


def test_the_sweep_task_sends_through_the_care_plan_task(episode, clinician):
    # On the embedded default the care-plan task runs in-process when sent.
    care_plan = deferred(episode, clinician)
    result = care_plans_requeue.apply().get()
    assert result == {"sent": [care_plan.pk], "unreachable": []}
    care_plan.refresh_from_db()
    assert care_plan.status == CarePlanStatus.READY


def test_a_care_plan_that_keeps_killing_its_worker_fails_after_the_limit(episode, clinician):
    care_plan = ask(episode, clinician)
    CarePlan.objects.filter(pk=care_plan.pk).update(attempts=services.CARE_PLAN_MAX_ATTEMPTS)
    status = services.care_plan_generate(care_plan_id=care_plan.pk, token="again", now=NOW)
    assert status == CarePlanStatus.FAILED
    care_plan.refresh_from_db()
    assert care_plan.error_code == CarePlanError.RENDER
    assert care_plan.error_detail == f"gave up after {services.CARE_PLAN_MAX_ATTEMPTS} attempts"


def test_beat_sends_the_sweep_every_minute_and_drops_a_sweep_nobody_ran_in_time():
    [entry] = [e for e in app.conf.beat_schedule.values() if e["task"] == REQUEUE_TASK]
    assert entry["schedule"] == REQUEUE_INTERVAL == 60
    assert entry["options"]["expires"] == REQUEUE_INTERVAL
    assert REQUEUE_TASK in app.tasks


def test_a_worker_that_starts_sends_the_sweep():
    sent = []

    class Consumer:  # what Celery sends worker_ready from
        app = SimpleNamespace(send_task=lambda name, **options: sent.append((name, options)))

    worker_ready.send(sender=Consumer())
    assert sent == [(REQUEUE_TASK, {"ignore_result": True})]


def test_the_care_plan_task_keeps_its_message_until_done_and_stores_no_result():
    assert generate_care_plan.acks_late
    assert generate_care_plan.reject_on_worker_lost
    assert generate_care_plan.ignore_result
