"""Care plans asked for while the broker was down are made, once, when it is back: by the worker
that starts then, or by the periodic sweep when the worker was running all along. Real worker
processes, Redis and PostgreSQL (CI)."""

import re

import pytest

from detox.celery import REQUEUE_TASK, app
from patients.models import EpisodeEvent
from plans.models import CarePlanError, CarePlanStatus
from tests.reliability.support import UNREACHABLE_BROKER, celery_pointed_at, wait_until_made

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("shipped_guideline")]


def ask_while_the_broker_is_down(client, episode):
    with celery_pointed_at(UNREACHABLE_BROKER):
        response = client.post(f"/api/v1/episodes/{episode.pk}/care-plans/")
    assert response.status_code == 202
    body = client.get(response.json()["status_url"]).json()
    assert (body["status"], body["error_code"]) == ("pending", CarePlanError.QUEUE_UNREACHABLE)
    return response.json()["id"]


def made_once(care_plan, worker):
    log = worker.log_text()
    assert care_plan.status == CarePlanStatus.READY, (care_plan.error_detail, log)
    assert care_plan.attempts == 1
    assert care_plan.error_code == ""
    # Sent through Redis by the sweep, received and run once.
    assert len(re.findall(r"Task detox\.generate_care_plan\[[^\]]+\] received", log)) == 1
    assert len(re.findall(r"Task detox\.generate_care_plan\[[^\]]+\] succeeded", log)) == 1
    assert EpisodeEvent.objects.filter(kind="care_plan_ready").count() == 1


def test_a_worker_that_starts_when_the_broker_is_back_makes_the_waiting_care_plan(
    workers, client, clinician, care_plan_episode
):
    client.force_login(clinician)
    care_plan_id = ask_while_the_broker_is_down(client, care_plan_episode)

    worker = workers.start()
    care_plan = wait_until_made(care_plan_id)

    made_once(care_plan, worker)
    assert f"Task {REQUEUE_TASK}[" in worker.log_text()
    assert care_plan.file.storage.exists(care_plan.file.name)


def test_the_periodic_sweep_sends_it_when_the_worker_was_running_all_along(
    workers, client, clinician, care_plan_episode
):
    worker = workers.start()
    client.force_login(clinician)
    care_plan_id = ask_while_the_broker_is_down(client, care_plan_episode)

    # What beat sends every minute (detox/celery.py), sent now.
    app.send_task(REQUEUE_TASK, ignore_result=True)
    care_plan = wait_until_made(care_plan_id)

    made_once(care_plan, worker)
