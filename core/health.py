"""What /healthz and /readyz look at.

``/healthz`` is polled every few seconds by a load balancer or an orchestrator, so it must cost
about one database round trip and nothing else: the broker's state comes from a cached probe
(:class:`BrokerProbe`) that opens a broker connection at most once per ``BROKER_CHECK_SECONDS``
per process, in a background thread, so no request ever waits for a broker connect (done on every
request before: about 30 ms of a 33 ms p50, docs/benchmarks.md). ``/readyz`` does the deeper
check synchronously: database, broker, and the cache, each freshly.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Final

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection

from detox.celery import app as celery_app

logger = logging.getLogger(__name__)

BROKER_CHECK_SECONDS: Final = 10.0

OK: Final = "ok"
UNREACHABLE: Final = "unreachable"
EAGER: Final = "eager"


def database_status() -> str:
    """One ``SELECT 1`` on the request's (pooled, in production) connection."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database unreachable")
        return UNREACHABLE
    return OK


def check_broker() -> str:
    """A fresh connection to the broker: ``ok`` or ``unreachable`` (``eager`` without one)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return EAGER
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # kombu raises many transport-specific errors; any of them means "down"
        logger.warning("health check: broker unreachable", exc_info=True)
        return UNREACHABLE
    return OK


def check_cache() -> str:
    """A write and a read through the cache (Redis in production; its errors are swallowed)."""
    key = "readyz:probe"
    try:
        cache.set(key, "1", timeout=5)
        value = cache.get(key)
    except Exception:  # any backend's error means the cache does not answer
        logger.warning("readiness check: cache unreachable", exc_info=True)
        return UNREACHABLE
    return OK if value == "1" else UNREACHABLE


class BrokerProbe:
    """The broker's last known state, refreshed in the background when older than ``max_age``.

    The first call of a process checks synchronously (there is nothing to report yet); later calls
    return the cached state at once and, when it is stale, start one background refresh. The state
    is remembered per broker URL and eager setting, so a settings change is never answered from a
    stale entry.
    """

    def __init__(
        self,
        check: Callable[[], str] = check_broker,
        max_age: float = BROKER_CHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._check = check
        self._max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()
        self._key: tuple[str, bool] | None = None
        self._state = ""
        self._checked_at = 0.0
        self._refreshing: threading.Thread | None = None

    def _settings_key(self) -> tuple[str, bool]:
        return (str(celery_app.conf.broker_url), bool(settings.CELERY_TASK_ALWAYS_EAGER))

    def reset(self) -> None:
        with self._lock:
            self._key = None
            self._state = ""

    def _refresh(self, key: tuple[str, bool]) -> str:
        state = self._check()
        with self._lock:
            if self._key == key or self._key is None:
                self._key, self._state, self._checked_at = key, state, self._clock()
            self._refreshing = None
        return state

    def refresh(self) -> str:
        """Check now, synchronously, and remember the answer (for /readyz)."""
        key = self._settings_key()
        with self._lock:
            if self._key != key:
                self._key, self._state = key, ""
        return self._refresh(key)

    def status(self) -> str:
        """The last known state; checks synchronously only when there is none for these settings."""
        key = self._settings_key()
        with self._lock:
            known = self._key == key and self._state != ""
            state = self._state
            if not known:
                self._key, self._state = key, ""
            elif self._clock() - self._checked_at >= self._max_age and self._refreshing is None:
                self._refreshing = threading.Thread(
                    target=self._refresh, args=(key,), name="broker-probe", daemon=True
                )
                self._refreshing.start()
        if not known:
            return self._refresh(key)
        return state

    def wait(self) -> None:
        """Wait for a background refresh to finish (for tests and for shutdown)."""
        thread = self._refreshing
        if thread is not None:
            thread.join()


broker_probe = BrokerProbe()
