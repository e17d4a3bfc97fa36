"""Shared fixtures: a small named cast of users, a real Celery worker, Chromium via Playwright."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from accounts.roles import ADMINISTRATOR, CLINICIAN, NURSE, sync_roles

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
TEST_PASSWORD = "correct-horse-battery-staple"


def _required(name: str) -> bool:
    return os.environ.get(name, "").lower() in {"1", "true", "yes"}


@pytest.fixture
def make_user(db: Any, django_user_model: Any) -> Callable[..., Any]:
    """Create a user with one role (or none): ``make_user("nurse", username="nina")``."""
    from django.contrib.auth.models import Group

    sync_roles()

    def make(role: str | None, *, username: str | None = None, **fields: Any) -> Any:
        name = username or f"{role or 'norole'}-{django_user_model.objects.count() + 1}"
        user = django_user_model.objects.create_user(
            username=name, password=TEST_PASSWORD, is_staff=role == ADMINISTRATOR, **fields
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def clinician(make_user: Callable[..., Any]) -> Any:
    return make_user(CLINICIAN, username="lise", first_name="Lise", last_name="Lege")


@pytest.fixture
def nurse(make_user: Callable[..., Any]) -> Any:
    return make_user(NURSE, username="siri", first_name="Siri", last_name="Sykepleier")


@pytest.fixture
def administrator(make_user: Callable[..., Any]) -> Any:
    return make_user(ADMINISTRATOR, username="frode", first_name="Frode", last_name="Fagansvarlig")


@pytest.fixture
def shipped_guideline(transactional_db: Any) -> None:
    """The shipped guideline in the database for transactional and browser tests.

    The data migration loads it once, but a transactional test empties every table when it ends;
    loading again is idempotent, so tests that need citations ask for this fixture.
    """
    import datetime as dt

    from guidelines.loading import guideline_load, read_shipped_data

    shipped = read_shipped_data()
    guideline_load(
        data=shipped.guideline,
        units=shipped.units,
        now=dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC),
    )


# --- Celery worker ------------------------------------------------------------------------------


@pytest.fixture
def celery_worker(transactional_db: Any) -> Iterator[dict[str, Any]]:
    """A real ``celery worker`` process consuming from REDIS_URL, talking to the test database.

    Skips without REDIS_URL (the embedded default has no broker), unless REQUIRE_WORKER is set, as
    in CI, where a skip would hide a broken worker path.
    """
    from django.db import connection

    from detox.celery import app

    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        if _required("REQUIRE_WORKER"):
            pytest.fail("REQUIRE_WORKER is set but REDIS_URL is not")
        pytest.skip("no REDIS_URL: the real-worker tests need Redis (they run in CI)")
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        pytest.skip("the worker process cannot share an in-memory SQLite test database")
    queue = f"test-{os.getpid()}-{time.monotonic_ns()}"
    redis_keys = RedisKeysSince(redis_url)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "detox.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "AVRUSNING_CELERY_QUEUE": queue,
    }
    log_path = PROJECT_ROOT / ".test-media" / f"worker-{queue}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w")
    proc = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "detox",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname={queue}@%h",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    saved = {
        "task_always_eager": app.conf.task_always_eager,
        "task_default_queue": app.conf.task_default_queue,
        "broker_url": app.conf.broker_url,
        "result_backend": app.conf.result_backend,
    }
    app.conf.update(
        task_always_eager=False,
        task_default_queue=queue,
        broker_url=redis_url,
        result_backend=redis_url,
    )
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError("celery worker exited:\n" + log_path.read_text())
            replies = app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1)
            if replies:
                break
        else:
            raise RuntimeError("celery worker did not come up:\n" + log_path.read_text())
        yield {"queue": queue, "process": proc, "log": log_path}
    finally:
        app.conf.update(**saved)
        settings.CELERY_TASK_ALWAYS_EAGER = True
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        redis_keys.delete_new()


# --- Browser --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (a test tool's own browser download is not used)."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if _required("REQUIRE_BROWSER"):
            pytest.fail(f"REQUIRE_BROWSER is set but {CHROMIUM} is missing")
        pytest.skip(f"browser tests skipped: {CHROMIUM} not found (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls the tests make
    # around it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser: Any, live_server: Any) -> Iterator[Any]:
    context = chromium_browser.new_context(
        base_url=live_server.url, viewport={"width": 1024, "height": 768}
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


def pytest_report_header(config: pytest.Config) -> list[str]:
    db = os.environ.get("DATABASE_URL", "sqlite (embedded default)").split("@")[-1]
    broker = "redis" if os.environ.get("REDIS_URL") else "none: Celery eager"
    browser = CHROMIUM if Path(CHROMIUM).exists() else "none: browser tests will be skipped"
    return [f"avrusning: database={db} broker={broker} browser={browser}"]


# --- Redis: a test run leaves no keys -----------------------------------------------------------


class RedisKeysSince:
    """The keys of REDIS_URL's database now; ``delete_new()`` deletes those that appeared since.

    A real worker leaves its queue's bindings (``_kombu.binding.<queue>``) and task results
    (``celery-task-meta-<id>``) behind; the worker fixtures delete them when the worker has stopped.
    """

    def __init__(self, redis_url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(redis_url)
        self.before = set(self.client.scan_iter(count=1000))

    def delete_new(self) -> None:
        new = set(self.client.scan_iter(count=1000)) - self.before
        if new:
            self.client.delete(*new)


def _test_redis() -> Any | None:
    """The test run's Redis (REDIS_URL), or None without one."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return None
    import redis

    return redis.Redis.from_url(url)


def _run_keys(client: Any) -> list[bytes]:
    """The keys this run's cache wrote (detox/settings/test.py: TEST_REDIS_KEY_PREFIX)."""
    return list(client.scan_iter(match=f"{settings.TEST_REDIS_KEY_PREFIX}:*", count=1000))


@pytest.fixture(autouse=True)
def _cache_keys_removed_after_each_test() -> Iterator[None]:
    """With REDIS_URL the cache is Redis and outlives a test: what one test cached is deleted
    before the next, as the in-process cache of the embedded default would be per process."""
    yield
    client = _test_redis()
    if client is not None:
        keys = _run_keys(client)
        if keys:
            client.delete(*keys)
    else:
        # The embedded default's in-process cache: a generation a rolled-back test replaced
        # would otherwise keep rows it cached from its own uncommitted data for the next test.
        from django.core.cache import cache

        cache.clear()


def pytest_sessionstart(session: pytest.Session) -> None:
    client = _test_redis()
    if client is not None:
        session.config.stash[_REDIS_KEYS_BEFORE] = set(client.scan_iter(count=1000))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if it left keys in Redis: its own cache keys, or any key that was not there
    when it started (task results, queues)."""
    client = _test_redis()
    if client is None or _REDIS_KEYS_BEFORE not in session.config.stash:
        return
    before = session.config.stash[_REDIS_KEYS_BEFORE]
    left = sorted(set(_run_keys(client)) | (set(client.scan_iter(count=1000)) - before))
    if left:
        shown = ", ".join(key.decode(errors="replace") for key in left[:20])
        session.config.get_terminal_writer().line(
            f"avrusning: the tests left {len(left)} key(s) in Redis: {shown}", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_REDIS_KEYS_BEFORE = pytest.StashKey[set[bytes]]()


@pytest.fixture(autouse=True)
def _fresh_broker_probe() -> Iterator[None]:
    """/healthz remembers the broker's state per process; each test starts with none remembered."""
    from core.health import broker_probe

    broker_probe.reset()
    yield
    broker_probe.wait()
    broker_probe.reset()


@pytest.fixture(autouse=True)
def _default_language_for_each_test() -> Iterator[None]:
    """Each test starts in the default language (bokmål), whatever language an earlier test's
    request or ``translation.activate`` left active on the thread."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
