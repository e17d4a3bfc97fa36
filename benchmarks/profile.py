"""Profile one page or API call in-process with pyinstrument, against the seeded bench database.

After ``benchmarks/run.py`` (which leaves the ``avrusning_bench`` database and
``benchmarks/results/latest/accounts.json`` behind)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/avrusning_bench \\
        python -m benchmarks.profile /ward/ --as nurse --repeat 50
    # score entry's POST (a random CIWA-Ar form each time):
    ... python -m benchmarks.profile /ward/episodes/1/score/ciwa-ar/ --method FORM

Prints the time per request (median of ``--repeat``, after a warm-up) and the number of
queries, then pyinstrument's call tree of all the repeats (``--html FILE`` for the HTML view).
Requests go through Django's test client with the production settings and middleware, so the
profile shows what gunicorn's workers run, minus the socket and the WSGI server, and with one
database connection kept open throughout (the test client does not close it after a request,
as ``CONN_MAX_AGE=0`` does); ``--fresh-connection`` closes it after each request, so that each
pays for a new PostgreSQL backend as in the shipped configuration.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
ACCOUNTS = ROOT / "benchmarks" / "results" / "latest" / "accounts.json"


class QueryLog:
    """Every query of a request with its time (``connection.execute_wrapper``)."""

    def __init__(self) -> None:
        self.rows: list[tuple[float, str]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.rows.append(((time.perf_counter() - started) * 1000, sql))


def _client(role: str, accounts: dict[str, Any], *, token: bool = False) -> Any:
    """A test client logged in as the role's first user: by session, or (``token``) with that
    user's API token in every request's ``Authorization`` header, as the API's callers send it."""
    from django.contrib.auth.models import User
    from django.test import Client

    if role == "administrator":
        username = accounts["administrator"]
    else:
        username = accounts[f"{role}s"][next(iter(accounts[f"{role}s"]))][0]
    if token:
        return Client(
            HTTP_X_FORWARDED_PROTO="https",
            HTTP_HOST="127.0.0.1",
            HTTP_AUTHORIZATION=f"Token {accounts['tokens'][username]}",
        )
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    return client


def _score_form() -> dict[str, str]:
    """A CIWA-Ar form as the score-entry page posts it, with random values and observation time
    (within the last hour), so that the double-submit guard never merges two of them."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from clinical.instruments import INSTRUMENTS

    observed = datetime.now(ZoneInfo("Europe/Oslo")) - timedelta(minutes=random.randint(1, 59))
    items = INSTRUMENTS["ciwa-ar"].items
    return {item.key: str(random.randint(0, min(3, item.max_value))) for item in items} | {
        "observed_at": observed.strftime("%Y-%m-%dT%H:%M"),
        "breath_alcohol_permille": "",
    }


def _request(client: Any, method: str, path: str, body: str | None, *, fresh: bool = False) -> Any:
    from django.db import connection

    if method == "GET":
        response = client.get(path, secure=True)
    elif method == "FORM":
        response = client.post(path, data=_score_form(), secure=True)
    else:
        response = client.post(
            path, data=body or "{}", content_type="application/json", secure=True
        )
    if fresh:
        connection.close()  # as CONN_MAX_AGE=0 does after every request
    return response


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Profile one request with pyinstrument.")
    parser.add_argument("path")
    parser.add_argument(
        "--as", dest="role", default="nurse", choices=["nurse", "clinician", "administrator"]
    )
    parser.add_argument(
        "--method",
        default="GET",
        choices=["GET", "POST", "FORM"],
        help="FORM: post a CIWA-Ar score form to the path (/ward/episodes/{id}/score/ciwa-ar/)",
    )
    parser.add_argument("--json", dest="body", help="JSON body for a POST")
    parser.add_argument(
        "--token", action="store_true", help="authenticate with the user's API token, no session"
    )
    parser.add_argument("--accounts", type=Path, default=ACCOUNTS, help="benchmarks.seed's --out")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--html", type=Path, help="write pyinstrument's HTML report here")
    parser.add_argument("--queries", action="store_true", help="list the queries and their times")
    parser.add_argument(
        "--fresh-connection",
        action="store_true",
        help="close the database connection after each request, as CONN_MAX_AGE=0 does",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "detox.settings.production")
    os.environ.setdefault("SECRET_KEY", "profile-only-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    import django

    django.setup()
    from django.db import connection
    from pyinstrument import Profiler

    client = _client(args.role, json.loads(args.accounts.read_text()), token=args.token)
    response = _request(client, args.method, args.path, args.body)  # warm-up
    print(f"{args.method} {args.path}: HTTP {response.status_code}")
    queries = QueryLog()
    # An execute wrapper: CaptureQueriesContext reads the query log that every request empties
    # (``reset_queries`` on ``request_started``), so it would count nothing here.
    with connection.execute_wrapper(queries):
        _request(client, args.method, args.path, args.body)
    # Timed without the profiler (it adds its own overhead), then profiled.
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        _request(client, args.method, args.path, args.body, fresh=args.fresh_connection)
        times.append((time.perf_counter() - started) * 1000)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(args.repeat):
        _request(client, args.method, args.path, args.body, fresh=args.fresh_connection)
    profiler.stop()
    print(
        f"{len(queries.rows)} queries ({sum(t for t, _ in queries.rows):.1f} ms); median "
        f"{statistics.median(times):.1f} ms, min {min(times):.1f} ms over {args.repeat} requests"
    )
    if args.queries:
        for took, sql in queries.rows:
            print(f"  {took:6.2f} ms  {sql[:200]}")
    if args.html:
        args.html.write_text(profiler.output_html())
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
