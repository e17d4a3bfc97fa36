"""Care-plan PDFs on the embedded default (eager Celery): queued after commit, claimed once,
retried on transient errors, failed with a readable reason otherwise, versions kept."""

import datetime as dt

import pytest
from celery import current_app
from kombu.exceptions import OperationalError

from patients.models import EpisodeEvent
from plans import services
from plans.care_plan import care_plan_document
from plans.models import CarePlan, CarePlanError, CarePlanStatus
from plans.tasks import CARE_PLAN_MAX_RETRIES, generate_care_plan
from tests.factories import make_unit
from tests.plans.test_plan_cast import FIXED_NOW, accept_alprazolam_taper, benzodiazepine_outpatient


class RecordingTask:
    """Stands in for the Celery task: records what was queued."""

    def __init__(self):
        self.queued = []

    def delay(self, care_plan_id):
        self.queued.append(care_plan_id)


class UnreachableQueue:
    def delay(self, care_plan_id):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def fresh_connections():
    """Forget Celery's cached connection pools, so the next publish uses the broker_url now set
    (kombu keeps one pool per broker URL, so the embedded default's pool stays usable)."""
    current_app._pool = None  # type: ignore[attr-defined]
    current_app.amqp._producer_pool = None  # type: ignore[attr-defined]


@pytest.fixture
def retries_run_in_process():
    """Let Celery re-run a retried eager task itself, as a worker would after the backoff."""
    saved = current_app.conf.task_eager_propagates
    current_app.conf.task_eager_propagates = False
    yield
    current_app.conf.task_eager_propagates = saved


@pytest.fixture
def episode(clinician, nurse):
    unit = make_unit(name="Avrusning Vest", staff=[clinician, nurse])
    episode = benzodiazepine_outpatient(unit=unit, clinician=clinician)
    accept_alprazolam_taper(episode, clinician)
    return episode


def request(episode, user, task=generate_care_plan):
    return services.care_plan_request(episode=episode, user=user, task=task)


def test_a_request_is_pending_and_queued_only_after_the_commit(
    episode, clinician, django_capture_on_commit_callbacks
):
    task = RecordingTask()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        care_plan = request(episode, clinician, task)
        assert task.queued == []
    assert care_plan.status == CarePlanStatus.PENDING
    assert care_plan.version == 1
    assert len(callbacks) == 1
    callbacks[0]()
    assert task.queued == [care_plan.pk]


def test_on_the_embedded_default_the_pdf_is_made_in_process(
    episode, clinician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        care_plan = request(episode, clinician)
    care_plan.refresh_from_db()
    assert care_plan.status == CarePlanStatus.READY
    assert care_plan.generated_at is not None
    assert care_plan.attempts == 1
    assert care_plan.guideline_edition.startswith("IS-2211")
    with care_plan.file.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert "care-plans/" in care_plan.file.name
    assert EpisodeEvent.objects.filter(kind="care_plan_ready", by=clinician).exists()


def test_regenerating_keeps_the_earlier_versions(
    episode, clinician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = request(episode, clinician)
        second = request(episode, clinician)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.status == second.status == CarePlanStatus.READY
    assert first.file.name != second.file.name
    assert first.file.storage.exists(first.file.name)


def test_a_queue_that_is_down_leaves_it_pending_with_a_readable_reason(
    episode, clinician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        care_plan = request(episode, clinician, UnreachableQueue())
    care_plan.refresh_from_db()
    assert care_plan.status == CarePlanStatus.PENDING
    assert care_plan.error_code == CarePlanError.QUEUE_UNREACHABLE
    assert care_plan.get_error_code_display() == "Jobbkøen kunne ikke nås."
    assert "Connection refused" in care_plan.error_detail


def test_a_real_broker_that_is_down_is_caught_when_publishing(
    episode, clinician, django_capture_on_commit_callbacks, settings
):
    saved = {
        "task_always_eager": current_app.conf.task_always_eager,
        "broker_url": current_app.conf.broker_url,
        "task_publish_retry_policy": current_app.conf.task_publish_retry_policy,
    }
    # Nothing listens on port 1; one quick retry keeps the test short.
    current_app.conf.update(
        task_always_eager=False,
        broker_url="redis://127.0.0.1:1/0",
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.1},
    )
    fresh_connections()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            care_plan = request(episode, clinician)
    finally:
        current_app.conf.update(**saved)
        fresh_connections()
    care_plan.refresh_from_db()
    assert care_plan.status == CarePlanStatus.PENDING
    assert care_plan.error_code == CarePlanError.QUEUE_UNREACHABLE


def test_an_error_in_making_the_pdf_marks_it_failed_and_does_not_raise(
    episode, clinician, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise ValueError("template blew up")

    monkeypatch.setattr("plans.services.care_plans.care_plan_document", broken)
    with django_capture_on_commit_callbacks(execute=True):
        care_plan = request(episode, clinician)
    care_plan.refresh_from_db()
    assert care_plan.status == CarePlanStatus.FAILED
    assert care_plan.error_code == CarePlanError.RENDER
    assert care_plan.error_detail == "ValueError: template blew up"
    assert not care_plan.file
    event = EpisodeEvent.objects.get(kind="care_plan_failed")
    assert event.reason == "Dokumentet kunne ikke lages."


def test_on_the_embedded_default_a_transient_error_fails_at_once_without_raising(
    episode, clinician, django_capture_on_commit_callbacks, monkeypatch
):
    def down(*args, **kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr("plans.services.care_plans.care_plan_document", down)
    with django_capture_on_commit_callbacks(execute=True):
        care_plan = request(episode, clinician)
    care_plan.refresh_from_db()
    assert care_plan.status == CarePlanStatus.FAILED
    assert care_plan.error_code == CarePlanError.TRANSIENT
    assert care_plan.error_detail == "OSError: disk gone"


@pytest.mark.usefixtures("retries_run_in_process")
def test_a_transient_error_is_retried_and_then_succeeds(episode, clinician, monkeypatch):
    care_plan = request(episode, clinician, RecordingTask())
    real = care_plan_document
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) < 3:
            raise OSError("file store not mounted yet")
        return real(*args, **kwargs)

    monkeypatch.setattr("plans.services.care_plans.care_plan_document", flaky)
    generate_care_plan.apply(args=(care_plan.pk,))
    care_plan.refresh_from_db()
    assert care_plan.status == CarePlanStatus.READY
    assert care_plan.attempts == 3


@pytest.mark.usefixtures("retries_run_in_process")
def test_a_transient_error_that_persists_fails_after_the_retries(episode, clinician, monkeypatch):
    care_plan = request(episode, clinician, RecordingTask())

    def down(*args, **kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr("plans.services.care_plans.care_plan_document", down)
    generate_care_plan.apply(args=(care_plan.pk,))
    care_plan.refresh_from_db()
    assert care_plan.status == CarePlanStatus.FAILED
    assert care_plan.error_code == CarePlanError.TRANSIENT
    assert care_plan.attempts == CARE_PLAN_MAX_RETRIES + 1
    assert care_plan.error_detail == "OSError: disk gone"


def test_the_task_retries_only_named_transient_errors():
    assert set(generate_care_plan.autoretry_for) == set(services.TRANSIENT_ERRORS)  # type: ignore[attr-defined]
    assert generate_care_plan.acks_late
    assert generate_care_plan.retry_backoff  # type: ignore[attr-defined]
    assert generate_care_plan.max_retries == CARE_PLAN_MAX_RETRIES


def test_two_workers_cannot_both_claim_it(episode, clinician):
    care_plan = request(episode, clinician, RecordingTask())
    assert services.care_plan_claim(care_plan_id=care_plan.pk, token="a", now=FIXED_NOW)
    assert not services.care_plan_claim(care_plan_id=care_plan.pk, token="b", now=FIXED_NOW)
    # A retry of the same task keeps its claim.
    assert services.care_plan_claim(care_plan_id=care_plan.pk, token="a", now=FIXED_NOW)


def test_a_claim_left_by_a_dead_worker_is_taken_after_the_timeout(episode, clinician):
    care_plan = request(episode, clinician, RecordingTask())
    assert services.care_plan_claim(care_plan_id=care_plan.pk, token="a", now=FIXED_NOW)
    later = FIXED_NOW + services.CLAIM_TIMEOUT + dt.timedelta(seconds=1)
    assert services.care_plan_claim(care_plan_id=care_plan.pk, token="b", now=later)


def test_a_worker_that_lost_its_claim_does_not_store(episode, clinician):
    care_plan = request(episode, clinician, RecordingTask())
    services.care_plan_claim(care_plan_id=care_plan.pk, token="a", now=FIXED_NOW)
    later = FIXED_NOW + services.CLAIM_TIMEOUT + dt.timedelta(seconds=1)
    services.care_plan_claim(care_plan_id=care_plan.pk, token="b", now=later)
    stored = services.care_plan_store(
        care_plan_id=care_plan.pk, pdf=b"%PDF-1.7", token="a", now=later
    )
    assert not stored
    assert CarePlan.objects.get(pk=care_plan.pk).status == CarePlanStatus.PENDING


def test_a_care_plan_that_is_ready_is_not_made_again(
    episode, clinician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        care_plan = request(episode, clinician)
    result = generate_care_plan.apply(args=(care_plan.pk,)).get()
    assert result == "skipped"
    care_plan.refresh_from_db()
    assert care_plan.attempts == 1
