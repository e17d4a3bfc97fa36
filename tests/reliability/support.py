"""Helpers for the reliability tests: Celery pointed at a broker, real worker processes a test
may kill, waiting for a state, and a race of calls released together."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest
from django.db import connection, connections

from detox.celery import app
from plans.models import CarePlan, CarePlanStatus
from tests.conftest import PROJECT_ROOT

# Nothing listens on port 1: a connection is refused at once, as when Redis is stopped.
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks and its in-memory test database cannot be "
    "shared between threads or processes (CI runs these against PostgreSQL)",
)


def _forget_connections() -> None:
    """Drop Celery's cached connection pools and result store, so that the next use connects to
    the URLs now configured (kombu keeps one pool per app, made on first use)."""
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]
    app._backend_cache = None  # type: ignore[attr-defined]
    app._local.__dict__.pop("backend", None)  # type: ignore[attr-defined]


@contextmanager
def celery_pointed_at(url: str) -> Iterator[None]:
    """Celery in this process sends to ``url`` (broker and result store, as in production, where
    both are the one Redis), not eagerly; the configuration is restored afterwards."""
    keys = ("task_always_eager", "broker_url", "result_backend")
    saved = {key: getattr(app.conf, key) for key in keys}
    app.conf.update(task_always_eager=False, broker_url=url, result_backend=url)
    _forget_connections()
    try:
        yield
    finally:
        app.conf.update(**saved)
        _forget_connections()


def wait_for(check: Callable[[], Any], *, timeout: float, what: str) -> Any:
    """Poll ``check`` until it returns something true; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def wait_until_made(care_plan_id: int, *, timeout: float = 60) -> CarePlan:
    def done() -> CarePlan | None:
        care_plan = CarePlan.objects.get(pk=care_plan_id)
        return care_plan if care_plan.status != CarePlanStatus.PENDING else None

    made: CarePlan = wait_for(done, timeout=timeout, what=f"care plan {care_plan_id} to be made")
    return made


# --- Real workers -------------------------------------------------------------------------------


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path
    hostname: str
    log_file: IO[str]

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def pool_children(self) -> list[int]:
        """The prefork pool's process ids (Linux: /proc)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def kill(self) -> None:
        """SIGKILL: the process ends at once, acknowledging nothing (a crash, the OOM killer)."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log_file.close()


@dataclass
class Workers:
    """Starts ``celery worker`` processes for one test; they all serve the test's own queue."""

    queue: str
    env: dict[str, str]
    log_dir: Path
    started: list[Worker] = field(default_factory=list)

    def start(self, *, env: dict[str, str] | None = None, pool: str = "solo") -> Worker:
        hostname = f"{self.queue}-{len(self.started) + 1}"
        log = self.log_dir / f"worker-{hostname}.log"
        log_file = log.open("w")
        process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "detox",
                "worker",
                f"--pool={pool}",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname={hostname}@%h",
            ],
            cwd=PROJECT_ROOT,
            env={**self.env, **(env or {})},
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        worker = Worker(process=process, log=log, hostname=hostname, log_file=log_file)
        self.started.append(worker)
        self._wait_ready(worker)
        return worker

    def _wait_ready(self, worker: Worker) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if worker.process.poll() is not None:
                pytest.fail(f"celery worker exited:\n{worker.log_text()}")
            if " ready." in worker.log_text():
                return
            time.sleep(0.1)
        pytest.fail(f"celery worker did not come up:\n{worker.log_text()}")


# --- Races --------------------------------------------------------------------------------------


def race(*calls: Callable[[], Any], timeout: float = 60) -> list[Any]:
    """Run the calls in threads released together; their results in the calls' order.

    Each thread has its own database connection, as two requests to two web workers would.
    """
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    if errors:
        raise errors[0]
    return results
