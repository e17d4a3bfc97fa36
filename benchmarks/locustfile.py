"""Locust scenarios for the load benchmarks; ``benchmarks/run.py`` runs each one headless.

One user class per scenario, chosen on the command line (``locust -f benchmarks/locustfile.py
WardBoard``). Each virtual user logs in once (the pages: the login form with its CSRF token; the
APIs: a token), then repeats its one request. Measuring starts only when every user has logged
in, so the deliberately slow password hashing of 20 logins does not count against the scenario;
it lasts ``BENCH_MEASURE_SECONDS`` and every response time in that window is kept (Locust's own
statistics round to whole milliseconds, too coarse for the /healthz floor).

The server runs the production settings behind no proxy: the requests carry the header a
TLS-terminating proxy would add (``X-Forwarded-Proto: https``) and an ``Origin`` on POSTs, so
the HTTPS-only cookies and the CSRF checks work as deployed.

Environment: ``BENCH_ACCOUNTS`` (the seed's JSON), ``BENCH_PASSWORD``, ``BENCH_MEASURE_SECONDS``,
``BENCH_RESULT`` (where to write the samples' summary, JSON), ``BENCH_WAIT`` (think time in
seconds between a user's requests, ``0`` or ``low-high``; default 0).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import gevent
from gevent.event import Event
from locust import FastHttpUser, between, constant, events
from locust.env import Environment
from locust.runners import Runner

from benchmarks import cpu
from clinical.examples import BENZODIAZEPINE_TAPER_EXAMPLE, NO_COMORBIDITY_OR_ACUTE_RISK

OSLO: Final = ZoneInfo("Europe/Oslo")
PROXY_HEADERS: Final = {"X-Forwarded-Proto": "https"}
# CIWA-Ar's ten items and their highest values (clinical/instruments/ciwa_ar.py): nine 0-7,
# orientation 0-4.
CIWA_ITEMS: Final = {
    "nausea_vomiting": 7,
    "tremor": 7,
    "paroxysmal_sweats": 7,
    "anxiety": 7,
    "agitation": 7,
    "tactile_disturbances": 7,
    "auditory_disturbances": 7,
    "visual_disturbances": 7,
    "headache": 7,
    "orientation": 4,
}
SEARCH_TERMS: Final = (
    "alkohol",
    "benzodiazepiner",
    "abstinens",
    "kramper",
    "delirium",
    "tiamin",
    "gravide",
    "opioider",
    "nedtrapping",
    "buprenorfin",
    "poliklinisk",
    "hjertesvikt",
)
LEVEL_INPUTS: Final[tuple[dict[str, Any], ...]] = (
    {
        "substances": [{"substance": "alcohol", "dependent": True, "injecting": False}],
        "previous_withdrawal_complications": ["delirium_tremens"],
    },
    {
        "substances": [{"substance": "cannabis", "dependent": True, "injecting": False}],
        "previous_withdrawal_complications": [],
        **NO_COMORBIDITY_OR_ACUTE_RISK,
        "pregnant": False,
        "home_support": True,
        "outpatient_followup_available": True,
        "patient_preference": "outpatient",
        "in_custody": False,
    },
    {
        "substances": [
            {"substance": "opioids", "dependent": True, "injecting": True},
            {"substance": "benzodiazepines", "dependent": True, "injecting": False},
        ],
        "repeated_overdoses": True,
        "alcohol_units_per_day": 8,
    },
)
TAPER_INPUTS: Final[tuple[dict[str, Any], ...]] = (
    {**BENZODIAZEPINE_TAPER_EXAMPLE},
    {
        "regimen": "benzodiazepine",
        "current_use": [
            {"drug": "diazepam", "mg_per_day": 40},
            {"drug": "zopiclone", "mg_per_day": 15},
        ],
        "taper_drug": "diazepam",
        "setting": "inpatient",
        "start_date": "2026-12-01",
        "weekly_reduction_percent": 20,
        "doses_per_day": 4,
    },
    {
        "regimen": "buprenorphine",
        "taper_drug": "buprenorphine",
        "setting": "inpatient",
        "opioid_dependent": True,
        "start_mg_per_day": 16,
        "days": 14,
        "doses_per_day": 1,
        "start_date": "2026-12-01",
    },
)


def _env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise RuntimeError(f"{name} is not set (benchmarks/run.py sets it)")
    return value


def _wait_time() -> Any:
    spec = os.environ.get("BENCH_WAIT", "0")
    if "-" in spec:
        low, high = (float(part) for part in spec.split("-", 1))
        return between(low, high)
    return constant(float(spec))


def _accounts() -> dict[str, Any]:
    path = os.environ.get("BENCH_ACCOUNTS")
    return json.loads(Path(path).read_text()) if path else {}


ACCOUNTS: Final = _accounts()


def _interleaved(by_unit: dict[str, list[str]]) -> Iterator[tuple[str, str]]:
    """(unit code, username) taking one from each unit in turn, so users spread over units."""
    rows = [[(unit, name) for name in names] for unit, names in by_unit.items()]
    ordered = [pair for group in itertools.zip_longest(*rows) for pair in group if pair]
    return itertools.cycle(ordered)


NURSES: Final = _interleaved(ACCOUNTS.get("nurses", {}))
CLINICIANS: Final = _interleaved(ACCOUNTS.get("clinicians", {}))


# --- the measuring window ------------------------------------------------------------------------


class Window:
    """Opens when every user has logged in; closes ``BENCH_MEASURE_SECONDS`` later."""

    def __init__(self) -> None:
        self.ready = 0
        self.open = Event()
        self.started = 0.0
        self.stopped = 0.0
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.cpu_before: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def user_ready(self, environment: Environment) -> None:
        self.ready += 1
        options = environment.parsed_options
        expected = options.num_users if options is not None else 1
        if self.ready == expected and not self.open.is_set():
            runner = environment.runner
            assert runner is not None
            runner.stats.reset_all()
            self.cpu_before = self._cpu()
            self.started = time.perf_counter()
            self.open.set()
            gevent.spawn_later(float(_env("BENCH_MEASURE_SECONDS", "30")), self.close, runner)

    def close(self, runner: Runner) -> None:
        self.stopped = time.perf_counter()
        self.open.clear()
        if self.cpu_before:
            self.cpu = cpu.shares(self.cpu_before, self._cpu())
        runner.quit()

    @staticmethod
    def _cpu() -> dict[str, float]:
        server = os.environ.get("BENCH_SERVER_PID")
        if not server:
            return {}
        database = os.environ.get("BENCH_DATABASE", "")
        return cpu.snapshot(server_pid=int(server), locust_pid=os.getpid(), database=database)

    def record(self, name: str, response_time: float, exception: BaseException | None) -> None:
        if not self.open.is_set():
            return
        self.samples[name].append(response_time)
        if exception is not None:
            self.errors[name].append(f"{type(exception).__name__}: {exception}"[:300])

    def summary(self) -> dict[str, Any]:
        seconds = (self.stopped or time.perf_counter()) - self.started
        rows = {}
        for name, times in self.samples.items():
            ordered = sorted(times)
            errors = self.errors.get(name, [])
            rows[name] = {
                "requests": len(ordered),
                "errors": len(errors),
                "error_examples": sorted(set(errors))[:5],
                "median_ms": statistics.median(ordered),
                "p95_ms": _percentile(ordered, 95),
                "p99_ms": _percentile(ordered, 99),
                "mean_ms": statistics.fmean(ordered),
                "max_ms": ordered[-1],
                "rps": len(ordered) / seconds if seconds > 0 else 0.0,
            }
        return {"seconds": seconds, "users": self.ready, "requests": rows, "cpu": self.cpu}


def _percentile(ordered: list[float], q: int) -> float:
    """The q-th percentile, nearest-rank on the sorted samples (no interpolation)."""
    rank = max(1, -(-q * len(ordered) // 100))
    return ordered[rank - 1]


WINDOW = Window()


def _on_request(name: str, response_time: float, exception: BaseException | None, **_: Any) -> None:
    WINDOW.record(name, response_time, exception)


def _on_quitting(environment: Environment, **_: Any) -> None:
    path = os.environ.get("BENCH_RESULT")
    if path:
        Path(path).write_text(json.dumps(WINDOW.summary(), indent=2))


events.request.add_listener(_on_request)
events.quitting.add_listener(_on_quitting)


# --- users ----------------------------------------------------------------------------------------


class BehindProxyCookiePolicy(DefaultCookiePolicy):
    """Send the HTTPS-only cookies over the loopback's plain HTTP.

    In production a proxy terminates TLS and the browser sends these cookies; here the requests
    stand in for that hop (with ``X-Forwarded-Proto: https``), so the jar must send them too.
    """

    def return_ok_secure(self, cookie: Any, request: Any) -> bool:
        return True


# Without the benchmark packages installed (CI type-checks without them) FastHttpUser is Any.
class BenchUser(FastHttpUser):  # type: ignore[misc, unused-ignore]
    abstract = True
    wait_time = _wait_time()
    default_headers = PROXY_HEADERS
    # A user's connection stays open, as a browser's does.
    concurrency = 1

    def ready(self) -> None:
        WINDOW.user_ready(self.environment)

    def measuring(self) -> None:
        """Wait for the window: no request before every user is logged in."""
        WINDOW.open.wait()


class Healthz(BenchUser):
    """The floor: the cheapest request the stack answers (database and broker checked)."""

    def on_start(self) -> None:
        self.ready()

    def healthz(self) -> None:
        self.measuring()
        self.client.get("/healthz", name="healthz")

    tasks = [healthz]


class PageUser(BenchUser):
    """A nurse who logged in with the login form, as on the ward's tablet."""

    abstract = True

    def on_start(self) -> None:
        self.client.cookiejar.set_policy(BehindProxyCookiePolicy())
        self.unit, self.username = next(NURSES)
        self.episodes = ACCOUNTS["active_episodes"][self.unit]
        self.origin = _origin(self.host)
        self.client.get("/login/", name="login form")
        response = self.client.post(
            "/login/",
            data={
                "username": self.username,
                "password": _env("BENCH_PASSWORD"),
                "csrfmiddlewaretoken": self.csrf_token(),
            },
            headers=self.post_headers("/login/"),
            allow_redirects=False,
            name="login",
        )
        if response.status_code != 302:
            raise RuntimeError(f"login as {self.username} failed: HTTP {response.status_code}")
        self.ready()

    def csrf_token(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken" and cookie.value:
                return str(cookie.value)
        raise RuntimeError("no csrftoken cookie")

    def post_headers(self, path: str) -> dict[str, str]:
        return {
            **PROXY_HEADERS,
            "Origin": self.origin,
            "Referer": f"{self.origin}{path}",
            "Content-Type": "application/x-www-form-urlencoded",
        }


class WardBoard(PageUser):
    def ward_board(self) -> None:
        self.measuring()
        self.client.get("/ward/", name="ward board")

    tasks = [ward_board]


class ScoreEntry(PageUser):
    """A CIWA-Ar score for a patient of the nurse's unit: POST the form, follow the redirect.

    The observation time and the values are random, within the last hour, so the double-submit
    guard (same episode, time and values within two minutes) does not merge two entries.
    """

    def score_entry(self) -> None:
        self.measuring()
        episode = random.choice(self.episodes)
        path = f"/ward/episodes/{episode}/score/ciwa-ar/"
        observed = datetime.now(OSLO) - timedelta(minutes=random.randint(1, 59))
        form = {key: str(random.randint(0, min(3, top))) for key, top in CIWA_ITEMS.items()} | {
            "observed_at": observed.strftime("%Y-%m-%dT%H:%M"),
            "breath_alcohol_permille": "",
            "csrfmiddlewaretoken": self.csrf_token(),
        }
        started = time.perf_counter()
        with self.client.post(
            path,
            data=form,
            headers=self.post_headers(path),
            allow_redirects=False,
            name="score entry: POST",
            catch_response=True,
        ) as posted:
            location = posted.headers.get("Location", "") if posted.status_code == 302 else ""
            if "/ward/assessments/" not in location:
                posted.failure(f"no redirect to the result: HTTP {posted.status_code}")
        error: BaseException | None = None
        if location:
            with self.client.get(
                location, name="score entry: result page", catch_response=True
            ) as result:
                if result.status_code != 200:
                    result.failure(f"result page: HTTP {result.status_code}")
                    error = RuntimeError(f"result page: HTTP {result.status_code}")
        else:
            error = RuntimeError("the POST did not redirect to the result")
        self.environment.events.request.fire(
            request_type="FLOW",
            name="score entry (POST + redirect)",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=error,
            context={},
        )

    tasks = [score_entry]


class RecommendationSearch(PageUser):
    def search(self) -> None:
        self.measuring()
        term = random.choice(SEARCH_TERMS)
        self.client.get(f"/guidelines/?q={term}", name="recommendation search")

    tasks = [search]


class ApiUser(BenchUser):
    """A machine client with a clinician's API token."""

    abstract = True

    def on_start(self) -> None:
        _unit, username = next(CLINICIANS)
        self.client.auth_header = f"Token {ACCOUNTS['tokens'][username]}"
        self.ready()


class TreatmentLevel(ApiUser):
    def treatment_level(self) -> None:
        self.measuring()
        self.client.post(
            "/api/v1/treatment-level/", json=random.choice(LEVEL_INPUTS), name="treatment-level API"
        )

    tasks = [treatment_level]


class Taper(ApiUser):
    def taper(self) -> None:
        self.measuring()
        self.client.post("/api/v1/tapers/", json=random.choice(TAPER_INPUTS), name="taper API")

    tasks = [taper]


def _origin(host: str | None) -> str:
    """The origin the browser would send: https, since the proxy header says the request was."""
    parts = urlsplit(host or "")
    return f"https://{parts.netloc}"
