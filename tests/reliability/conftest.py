"""Fixtures for the reliability tests: a broker that is down, real worker processes a test may
kill, and the episode whose care plans they make.

The worker processes run on a queue of the test's own (``AVRUSNING_CELERY_QUEUE``), so what they
send themselves (the sweep at start, care plans sent again) stays on it; they talk to the test
database and to REDIS_URL, and skip without it unless REQUIRE_WORKER is set (CI).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from detox.celery import app
from tests.conftest import RedisKeysSince, _required
from tests.factories import make_unit
from tests.plans.test_plan_cast import accept_alprazolam_taper, benzodiazepine_outpatient
from tests.reliability.support import UNREACHABLE_BROKER, Workers, celery_pointed_at


@pytest.fixture
def broker_down(settings: Any) -> Iterator[None]:
    """The web process with REDIS_URL set but Redis down: nothing runs eagerly, nothing is sent,
    and the cache (the same Redis in a deployment) answers nothing either."""
    # Celery first: it reads the Django setting below until it has a value of its own, so the
    # value it restores must be saved before the setting changes.
    with celery_pointed_at(UNREACHABLE_BROKER):
        settings.CELERY_TASK_ALWAYS_EAGER = False  # what /healthz reads
        # The production cache backend and options, at a port nobody listens on.
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": UNREACHABLE_BROKER,
                "OPTIONS": settings.REDIS_CACHE_OPTIONS,
            },
        }
        yield


@pytest.fixture
def care_plan_episode(clinician: Any, nurse: Any) -> Any:
    """The benzodiazepine outpatient on an alprazolam taper, in a unit of Lise's and Siri's."""
    unit = make_unit(name="Avrusning Vest", staff=[clinician, nurse])
    episode = benzodiazepine_outpatient(unit=unit, clinician=clinician)
    accept_alprazolam_taper(episode, clinician)
    return episode


@pytest.fixture
def workers(transactional_db: Any, settings: Any, tmp_path: Path) -> Iterator[Workers]:
    """Real worker processes against REDIS_URL and the PostgreSQL test database.

    This process sends to the same queue. The workers store care-plan files where this process
    reads them (the test settings' ``MEDIA_ROOT``).
    """
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        if _required("REQUIRE_WORKER"):
            pytest.fail("REQUIRE_WORKER is set but REDIS_URL is not")
        pytest.skip("no REDIS_URL: the real-worker tests need Redis (they run in CI)")
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        pytest.skip("the worker process cannot share an in-memory SQLite test database")
    queue = f"reliability-{os.getpid()}-{time.monotonic_ns()}"
    redis_keys = RedisKeysSince(redis_url)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.reliability.worker_settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "AVRUSNING_CELERY_QUEUE": queue,
    }
    env.pop("AVRUSNING_TEST_TASK_DELAY", None)
    pool = Workers(queue=queue, env=env, log_dir=tmp_path)
    saved_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        with celery_pointed_at(redis_url):
            settings.CELERY_TASK_ALWAYS_EAGER = False  # after: see broker_down
            yield pool
    finally:
        app.conf.task_default_queue = saved_queue
        for worker in pool.started:
            worker.stop()
        redis_keys.delete_new()
