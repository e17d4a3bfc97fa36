"""The Celery application.

With ``REDIS_URL`` unset the settings make every task run eagerly in-process (the embedded default);
with it set, tasks go through Redis to a separate worker (``celery -A detox worker``) and the
periodic schedule below runs from ``celery -A detox beat`` (one beat process per deployment).

What keeps care plans from being lost (docs/operations.md):

- A worker acknowledges a task only when it has finished (``acks_late``); a task whose worker
  process dies is given back to the queue (``reject_on_worker_lost``), and a task whose whole
  worker was killed is redelivered by Redis after ``visibility_timeout``. The care plan's claim
  (a conditional UPDATE) makes a second run harmless.
- A care plan whose queueing failed (the broker was down) stays pending, marked; the sweep
  ``detox.care_plans_requeue`` sends it again: from beat every ``REQUEUE_INTERVAL`` seconds, and
  once whenever a worker starts.

Two environment variables are read here, not in the settings, because only Celery uses them:
``AVRUSNING_CELERY_QUEUE`` (the queue tasks are sent to and a worker consumes; default
``celery``) and ``AVRUSNING_CELERY_VISIBILITY_TIMEOUT`` (seconds; default 3600).
"""

from __future__ import annotations

import os
from typing import Any, Final

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "detox.settings.local")

REQUEUE_TASK: Final = "detox.care_plans_requeue"
# How often beat sends the sweep: a care plan queued while the broker was down is made within
# about this long after the broker is back.
REQUEUE_INTERVAL: Final = 60.0
# Redis gives an unacknowledged message back to the queue after this many seconds: the time
# after which the task of a worker that was killed outright is run again. It must be longer than
# any task can hold its message: a run (seconds) plus the longest retry countdown, which Redis
# also holds unacknowledged (``retry_backoff_max``, 300 s). A killed worker's care plan is
# sent again sooner, after ``plans.services.CLAIM_TIMEOUT``, by the sweep.
DEFAULT_VISIBILITY_TIMEOUT: Final = 3600


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{name} must be a whole number of seconds (1 or more), not {raw!r}")
    return int(raw)


app = Celery("detox")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The one periodic schedule of the project.
app.conf.beat_schedule = {
    "care-plans-requeue": {
        "task": REQUEUE_TASK,
        "schedule": REQUEUE_INTERVAL,
        # A sweep nobody ran in time (no worker was up) is dropped rather than piling up: the
        # worker that comes back sweeps once when it starts.
        "options": {"expires": REQUEUE_INTERVAL},
    },
}
if queue := os.environ.get("AVRUSNING_CELERY_QUEUE", "").strip():
    app.conf.task_default_queue = queue
# Read here, not in the handler below, so that a bad value stops the process at start.
VISIBILITY_TIMEOUT: Final = _positive_int(
    "AVRUSNING_CELERY_VISIBILITY_TIMEOUT", DEFAULT_VISIBILITY_TIMEOUT
)


@app.on_after_configure.connect
def _transport_options(sender: Celery, **kwargs: Any) -> None:
    """Add the visibility timeout to the transport options the settings give (timeouts)."""
    options = dict(sender.conf.broker_transport_options or {})
    sender.conf.broker_transport_options = {**options, "visibility_timeout": VISIBILITY_TIMEOUT}


@worker_ready.connect
def _requeue_on_start(sender: Any, **kwargs: Any) -> None:
    """A worker that starts sends care plans that were waiting for it: queued while the broker
    was down, or held by a worker that died."""
    sender.app.send_task(REQUEUE_TASK, ignore_result=True)
