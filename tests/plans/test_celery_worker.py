import os
import uuid

import pytest

from plans.tasks import ping


@pytest.mark.worker
def test_a_task_runs_on_a_real_worker_through_redis(celery_worker):
    token = uuid.uuid4().hex
    result = ping.delay(token)
    payload = result.get(timeout=30)
    assert payload["token"] == token
    # The worker is another process: the task did not run eagerly in this one.
    assert payload["pid"] != os.getpid()
    assert result.state == "SUCCESS"


def test_tasks_run_in_process_on_the_embedded_default(settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER
    result = ping.delay("eager")
    assert result.get()["pid"] == os.getpid()
