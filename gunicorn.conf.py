"""gunicorn's configuration for production and the Docker image: ``gunicorn -c gunicorn.conf.py``.

Every value can be overridden on the command line or by gunicorn's own environment variables
(``WEB_CONCURRENCY`` for the worker count, ``GUNICORN_CMD_ARGS`` for anything else).

- ``gthread`` workers: each process serves a few requests at once on threads, so a slow client or a
  PDF download does not hold a whole process, and HTTP keep-alive works (a sync worker closes
  every connection). Python runs one thread at a time per process, so the CPU parallelism comes
  from the processes: two per core plus one.
- Each process holds its own database pool (``max_size`` 4 >= threads; settings/production.py).
- ``preload_app``: the application is imported once, before the fork, so the workers share its
  memory pages and start in milliseconds; no database connection is opened at import time.
- ``max_requests`` with jitter recycles a worker now and then, bounding any slow leak.
- ``gc.freeze()`` before each fork: the objects of the imported application (hundreds of
  thousands: Django, DRF, the guideline) go into the collector's permanent generation, so a
  worker's full (generation 2) collection no longer walks them. Measured on the benchmark machine
  (docs/benchmarks.md, issue 15): a serving worker's full collections took 80-145 ms without it
  and 21-24 ms with it, each one a request that waits. It also keeps the collector from writing
  to the pages the workers share with the master.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from typing import Any

wsgi_app = "detox.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = 2
keepalive = 5
timeout = 60
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
preload_app = True
accesslog = "-"
errorlog = "-"


def pre_fork(server: Any, worker: Any) -> None:
    """Freeze the preloaded application's objects out of the garbage collector's reach."""
    gc.freeze()
