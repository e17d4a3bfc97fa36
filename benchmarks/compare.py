"""Side-by-side: this project against lescanico/bzd-taper, a bare WSGI app, and WeasyPrint alone.

``python -m benchmarks.compare --accounts FILE`` (after ``python -m benchmarks.seed --out FILE``):

1. starts three gunicorns with the shipped ``gunicorn.conf.py`` (same worker class and counts):
   this project (production settings), ``benchmarks/bare_wsgi.py``, and bzd-taper's Flask app
   from its own checkout and virtualenv (docs/benchmarks.md says how to install it beside the
   project; without it that comparison is skipped with a message, nothing is fetched);
2. times each request single-user (sequential, one keep-alive connection: p50, p99), then the
   taper APIs at 20 connections for a fixed time (requests a second, errors);
3. times the care-plan PDF of a 7-day plan against WeasyPrint alone on the same HTML;
4. prints one JSON document with every figure and each ratio computed from that one run.

The load generator is this file (threads of ``http.client``): wrk is not installed here and
Locust's clients cost more per request than the servers measured. Loopback only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from clinical.examples import BENZODIAZEPINE_TAPER_EXAMPLE

ROOT: Final = Path(__file__).resolve().parent.parent
PEER_ENV: Final = "BZD_TAPER_DIR"
PEER_DEFAULT: Final = ROOT.parent / "bzd-taper"
PEER_TAPER: Final = {"med": "alprazolam", "dose": 2, "speed": "standard", "start": "2026-12-01"}
HTTPS: Final = {"X-Forwarded-Proto": "https"}
TAPER_INPUT: Final = BENZODIAZEPINE_TAPER_EXAMPLE
LEVEL_INPUT: Final = {
    "substances": [{"substance": "alcohol", "dependent": True, "injecting": False}],
    "previous_withdrawal_complications": ["delirium_tremens"],
}

# Goals of issue #15: our single-user p50 over bzd-taper's POST /taper p50, at most.
P50_GOALS: Final = {
    "healthz": 1.0,
    "taper API": 3.0,
    "ward board": 5.0,
    "treatment-level API": 3.0,
    "result page": 5.0,
}


# --- arithmetic (tested) --------------------------------------------------------------------------


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between the closest ranks."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ratio(ours: float, theirs: float) -> float:
    """How many times ``theirs`` ours is (2.0: twice as slow, or twice the throughput)."""
    if theirs <= 0:
        raise ValueError("the reference must be positive")
    return ours / theirs


def verdicts(p50s: Mapping[str, float], peer_p50: float) -> dict[str, dict[str, Any]]:
    """Each goal's ratio to the peer's POST /taper p50 and whether it is met."""
    return {
        name: {
            "ratio": round(ratio(p50s[name], peer_p50), 2),
            "goal": goal,
            "met": ratio(p50s[name], peer_p50) <= goal,
        }
        for name, goal in P50_GOALS.items()
        if name in p50s
    }


def peer_dir(environ: Mapping[str, str] = os.environ) -> Path:
    return Path(environ.get(PEER_ENV, str(PEER_DEFAULT)))


def peer_missing(path: Path) -> str | None:
    """None when a bzd-taper checkout with its virtualenv is at ``path``; else why not, and how."""
    if not (path / "app.py").is_file() or not (path / "taper_gen.py").is_file():
        return (
            f"bzd-taper comparison skipped: no checkout at {path} (set {PEER_ENV}, or clone "
            "https://github.com/lescanico/bzd-taper beside this project; docs/benchmarks.md)"
        )
    if not _peer_gunicorn(path).is_file():
        return (
            f"bzd-taper comparison skipped: {_peer_gunicorn(path)} is missing (create the "
            "peer's virtualenv with flask, flask-cors and gunicorn; docs/benchmarks.md)"
        )
    return None


def _peer_gunicorn(path: Path) -> Path:
    return path / ".venv" / "bin" / "gunicorn"


def _plain(value: Any) -> Any:
    """The read-only mappings of clinical/examples.py as JSON objects."""
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


# --- HTTP -----------------------------------------------------------------------------------------


@dataclass
class Client:
    """One keep-alive connection with a cookie jar of one site."""

    port: int
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def request(self, method: str, path: str, body: bytes | None = None, **headers: str) -> Any:
        sent = {**HTTPS, **self.headers, **headers}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, response.headers, data

    def post_json(self, path: str, payload: Any) -> Any:
        return self.request(
            "POST",
            path,
            json.dumps(payload, default=_plain).encode(),
            **{"Content-Type": "application/json"},
        )

    def login(self, username: str, password: str) -> None:
        self.request("GET", "/login/")
        origin = f"https://127.0.0.1:{self.port}"
        form = (
            f"username={username}&password={password}"
            f"&csrfmiddlewaretoken={self.cookies['csrftoken']}"
        )
        status, _, _ = self.request(
            "POST",
            "/login/",
            form.encode(),
            **{
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": f"{origin}/login/",
            },
        )
        if status != 302:
            raise RuntimeError(f"login failed: HTTP {status}")


def single_user(call: Callable[[], int], *, warmup: int = 30, count: int = 300) -> dict[str, Any]:
    """Sequential requests on one connection: milliseconds p50, p99 and the statuses seen."""
    for _ in range(warmup):
        call()
    times, statuses = [], set()
    for _ in range(count):
        started = time.perf_counter()
        statuses.add(call())
        times.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(percentile(times, 50), 2),
        "p99_ms": round(percentile(times, 99), 2),
        "n": count,
        "statuses": sorted(statuses),
    }


def concurrent(
    make_call: Callable[[], Callable[[], int]], *, users: int, seconds: float
) -> dict[str, Any]:
    """``users`` threads, each on its own connection, for ``seconds``: requests a second, errors."""
    calls = [make_call() for _ in range(users)]
    done, errors = [0] * users, [0] * users
    stop = time.perf_counter() + seconds

    def run(i: int) -> None:
        while time.perf_counter() < stop:
            try:
                ok = calls[i]() < 400
            except Exception:  # any failure is an error of the run
                ok = False
            done[i] += 1
            errors[i] += 0 if ok else 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "requests_per_s": round(sum(done) / elapsed, 1),
        "requests": sum(done),
        "errors": sum(errors),
        "users": users,
        "seconds": round(elapsed, 1),
    }


# --- servers --------------------------------------------------------------------------------------


@contextmanager
def gunicorn(
    binary: str, app: str, port: int, cwd: Path, env: Mapping[str, str], log: Path
) -> Iterator[None]:
    args = [binary, "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}"]
    args += ["--access-logfile", "/dev/null", app]
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603 - our own arguments
            args,
            cwd=cwd,
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).connect()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn {app} did not start; see {log}") from None
                time.sleep(0.2)
        time.sleep(1)  # every worker up
        yield
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


# --- the runs -------------------------------------------------------------------------------------


def _status(client: Client, method: str, path: str, payload: Any = None) -> Callable[[], int]:
    if payload is not None:
        return lambda: int(client.post_json(path, payload)[0])
    return lambda: int(client.request(method, path)[0])


def ours(port: int, accounts: Mapping[str, Any], users: int, seconds: float) -> dict[str, Any]:
    password = os.environ["BENCH_PASSWORD"]
    clinician = next(iter(accounts["clinicians"].values()))[0]
    token = accounts["tokens"][clinician]
    api = Client(port, headers={"Authorization": f"Token {token}"})
    nurse_name = next(iter(accounts["nurses"].values()))[0]
    nurse = Client(port)
    nurse.login(nurse_name, password)
    unit = next(iter(accounts["nurses"]))
    episode = accounts["active_episodes"][unit][0]
    result_path = _score(nurse, port, episode)
    results = {
        "healthz": single_user(_status(Client(port), "GET", "/healthz")),
        "taper API": single_user(_status(api, "POST", "/api/v1/tapers/", TAPER_INPUT)),
        "treatment-level API": single_user(
            _status(api, "POST", "/api/v1/treatment-level/", LEVEL_INPUT)
        ),
        "ward board": single_user(_status(nurse, "GET", "/ward/")),
        "result page": single_user(_status(nurse, "GET", result_path)),
    }
    for name, result in results.items():
        if result["statuses"] != [200]:
            raise RuntimeError(f"{name}: HTTP {result['statuses']}")

    def taper_call() -> Callable[[], int]:
        client = Client(port, headers={"Authorization": f"Token {token}"})
        return _status(client, "POST", "/api/v1/tapers/", TAPER_INPUT)

    results["taper API, 20 connections"] = concurrent(taper_call, users=users, seconds=seconds)
    return results


def _score(nurse: Client, port: int, episode: int) -> str:
    """One CIWA-Ar score through the form; the result page it redirects to."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    path = f"/ward/episodes/{episode}/score/ciwa-ar/"
    nurse.request("GET", path)
    observed = datetime.now(ZoneInfo("Europe/Oslo")) - timedelta(minutes=7)
    items = [
        "nausea_vomiting",
        "tremor",
        "paroxysmal_sweats",
        "anxiety",
        "agitation",
        "tactile_disturbances",
        "auditory_disturbances",
        "visual_disturbances",
        "headache",
        "orientation",
    ]
    form = "&".join(f"{item}=2" for item in items)
    form += f"&observed_at={observed:%Y-%m-%dT%H:%M}&breath_alcohol_permille="
    form += f"&csrfmiddlewaretoken={nurse.cookies['csrftoken']}"
    origin = f"https://127.0.0.1:{port}"
    status, headers, body = nurse.request(
        "POST",
        path,
        form.encode(),
        **{
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Referer": origin + path,
        },
    )
    location = headers.get("Location", "")
    if status != 302 or "/ward/assessments/" not in location:
        raise RuntimeError(f"score entry: HTTP {status} {body[:300]!r}")
    return str(re.sub(r"^https?://[^/]+", "", location))


def peer(port: int, users: int, seconds: float) -> dict[str, Any]:
    client = Client(port)
    result = {"POST /taper": single_user(_status(client, "POST", "/taper", PEER_TAPER))}
    if result["POST /taper"]["statuses"] != [200]:
        raise RuntimeError(f"bzd-taper: HTTP {result['POST /taper']['statuses']}")

    def call() -> Callable[[], int]:
        return _status(Client(port), "POST", "/taper", PEER_TAPER)

    result["POST /taper, 20 connections"] = concurrent(call, users=users, seconds=seconds)
    return result


def bare(port: int) -> dict[str, Any]:
    return {"GET /": single_user(_status(Client(port), "GET", "/"))}


def pdf(episode_id: int, rounds: int = 5) -> dict[str, Any]:
    """The care-plan PDF (context, template, WeasyPrint) against WeasyPrint alone on its HTML."""
    from django.utils import timezone, translation
    from weasyprint import CSS, HTML

    from patients.models import Episode
    from plans import care_plan

    episode = Episode.objects.get(pk=episode_id)
    now = timezone.now()
    with (
        translation.override(care_plan.DOCUMENT_LANGUAGE),
        timezone.override(ZoneInfo("Europe/Oslo")),
    ):
        html = care_plan.care_plan_html(care_plan.care_plan_context(episode, now=now))
    stylesheet = care_plan.stylesheet_path()

    def alone() -> None:
        HTML(string=html, base_url=care_plan.static_base_url()).write_pdf(
            stylesheets=[CSS(filename=stylesheet)]
        )

    def ours() -> None:
        care_plan.care_plan_document(Episode.objects.get(pk=episode_id), now=now)

    timings: dict[str, list[float]] = {"weasyprint alone": [], "care plan": []}
    alone()  # fonts, Pango: loaded once for both
    for _ in range(rounds):
        for name, run in (("weasyprint alone", alone), ("care plan", ours)):
            started = time.perf_counter()
            run()
            timings[name].append((time.perf_counter() - started) * 1000)
    medians = {name: round(statistics.median(values), 1) for name, values in timings.items()}
    return {
        "median_ms": medians,
        "ratio": round(ratio(medians["care plan"], medians["weasyprint alone"]), 2),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=Path, required=True, help="benchmarks.seed's --out")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument(
        "--project", type=Path, default=ROOT, help="the tree whose app is served (for 'before')"
    )
    parser.add_argument("--logs", type=Path, default=ROOT / "benchmarks" / "results" / "compare")
    parser.add_argument("--out", type=Path, help="also write the JSON document to this file")
    args = parser.parse_args(argv)
    args.logs.mkdir(parents=True, exist_ok=True)
    accounts = json.loads(args.accounts.read_text())
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "detox.settings.production"}
    gunicorn_bin = str(Path(sys.executable).parent / "gunicorn")
    run: dict[str, Any] = {"machine": {"cores": os.cpu_count()}}
    with gunicorn(
        gunicorn_bin, "detox.wsgi:application", 8150, args.project, env, args.logs / "ours.log"
    ):
        run["ours"] = ours(8150, accounts, args.users, args.seconds)
    with gunicorn(
        gunicorn_bin, "benchmarks.bare_wsgi:application", 8151, ROOT, env, args.logs / "bare.log"
    ):
        run["bare WSGI"] = bare(8151)
    path = peer_dir()
    missing = peer_missing(path)
    if missing:
        print(missing, file=sys.stderr)
        run["bzd-taper"] = {"skipped": missing}
    else:
        peer_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
        with gunicorn(
            str(_peer_gunicorn(path)), "app:app", 8152, path, peer_env, args.logs / "bzd-taper.log"
        ):
            run["bzd-taper"] = peer(8152, args.users, args.seconds)
        peer_p50 = run["bzd-taper"]["POST /taper"]["p50_ms"]
        p50s = {
            name: result["p50_ms"] for name, result in run["ours"].items() if "p50_ms" in result
        }
        run["ratios to bzd-taper POST /taper p50"] = verdicts(p50s, peer_p50)
        ours_rps = run["ours"]["taper API, 20 connections"]["requests_per_s"]
        peer_rps = run["bzd-taper"]["POST /taper, 20 connections"]["requests_per_s"]
        run["taper throughput ratio (goal >= 0.33)"] = round(ratio(ours_rps, peer_rps), 2)
    health = run["ours"]["healthz"]
    run["healthz p99 / p50 (goal < 5)"] = round(ratio(health["p99_ms"], health["p50_ms"]), 2)
    sys.path.insert(0, str(ROOT))
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "detox.settings.production")

    django.setup()
    run["pdf, 7-day plan (goal <= 2)"] = pdf(int(accounts["pdf_episodes"]["7-day"]))
    document = json.dumps(run, indent=2)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(document + "\n")
    print(document)


if __name__ == "__main__":
    main()
