"""Settings of the worker processes the reliability tests start: the test settings, but with
tasks sent from inside the worker (the sweep's care plans) going through Redis, as in production,
instead of running eagerly inside the sweep."""

from detox.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
