"""A worker killed while it makes a care plan: the task runs again and the care plan is made once,
with one file. Real worker processes, Redis and PostgreSQL (CI).

The task waits after claiming the care plan (``AVRUSNING_TEST_TASK_DELAY``, a test-only hook read
by ``care_plan_generate``), so the test can kill the worker while it holds the care plan.
"""

import os
import re
import signal
import time
from pathlib import Path

import pytest
from django.conf import settings

from patients.models import EpisodeEvent
from plans.models import CarePlan, CarePlanStatus
from plans.services import TEST_DELAY_ENV
from tests.reliability.support import wait_for, wait_until_made

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("shipped_guideline")]

VISIBILITY_TIMEOUT = 1


def ask(client, clinician, episode):
    client.force_login(clinician)
    response = client.post(f"/api/v1/episodes/{episode.pk}/care-plans/")
    assert response.status_code == 202
    return response.json()["id"]


def claimed(care_plan_id):
    return wait_for(
        lambda: CarePlan.objects.filter(pk=care_plan_id).exclude(claimed_by="").first(),
        timeout=30,
        what="a worker to claim the care plan",
    )


def files_made_since(care_plan, started):
    folder = Path(settings.MEDIA_ROOT) / "care-plans" / str(care_plan.episode_id)
    pattern = f"care-plan-{care_plan.pk}-v{care_plan.version}*.pdf"
    return [path for path in folder.glob(pattern) if path.stat().st_mtime >= started]


def made_once(care_plan, started, log):
    assert care_plan.status == CarePlanStatus.READY, (care_plan.error_detail, log)
    assert len(files_made_since(care_plan, started)) == 1
    assert EpisodeEvent.objects.filter(kind="care_plan_ready").count() == 1
    succeeded = re.findall(r"Task detox\.generate_care_plan\[([^\]]+)\] succeeded", log)
    assert succeeded == [care_plan.claimed_by]


def test_a_care_plan_whose_worker_was_killed_is_made_once_by_the_next_worker(
    workers, client, clinician, care_plan_episode
):
    started = time.time() - 1
    first = workers.start(env={TEST_DELAY_ENV: "60"})
    care_plan_id = ask(client, clinician, care_plan_episode)
    held = claimed(care_plan_id)

    first.kill()
    # The message was never acknowledged: Redis gives it back once it is older than the
    # visibility timeout, here one second (in production an hour; the sweep sends the care plan
    # again after ten minutes). A worker looks for such messages when it starts.
    time.sleep(VISIBILITY_TIMEOUT + 0.5)
    second = workers.start(env={"AVRUSNING_CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)})
    care_plan = wait_until_made(care_plan_id)

    made_once(care_plan, started, second.log_text())
    # The same message, run again: the same task id, so its own claim let it in.
    assert care_plan.claimed_by == held.claimed_by
    assert care_plan.attempts == 2


def test_a_care_plan_whose_pool_process_was_killed_is_run_again_at_once(
    workers, client, clinician, care_plan_episode
):
    started = time.time() - 1
    worker = workers.start(pool="prefork", env={TEST_DELAY_ENV: "2"})
    care_plan_id = ask(client, clinician, care_plan_episode)
    held = claimed(care_plan_id)

    [child] = worker.pool_children()
    os.kill(child, signal.SIGKILL)
    care_plan = wait_until_made(care_plan_id)

    log = worker.log_text()
    assert "WorkerLostError" in log
    made_once(care_plan, started, log)
    assert care_plan.claimed_by == held.claimed_by
    assert care_plan.attempts == 2
