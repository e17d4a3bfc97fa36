"""Scale test (issue 15): the ward board and a patient's score history, with ten years of a
25-unit national history (about 5 million assessments) in the database.

``python -m benchmarks.scale --out FILE`` with ``DATABASE_URL`` naming a scratch database whose
name contains ``scale`` and ``bench`` (it is dropped and made anew):

1. migrates it and seeds the ward of ``benchmarks.seed`` (three units, 60 inpatients);
2. times ``GET /ward/`` and one inpatient's score history (``GET /ward/episodes/{id}/``) as a nurse,
   in-process as ``benchmarks.profile`` does (Django's test client, production settings, one
   open connection; median of ``--repeat`` after a warm-up): the seeded-ward figures;
3. adds the national history in SQL (``INSERT ... SELECT generate_series``, one statement a year):
   22 more units with 20 inpatients each (72 hourly CIWA-Ar scores), and over ten years about
   3 discharged stays a day per unit, each with 18 four-hourly scores: 25 x 11,200 stays,
   about 5 million assessments; then ``ANALYZE``;
4. times the same two pages again, and prints each page's queries with their
   ``EXPLAIN (ANALYZE, BUFFERS)`` plans.

The goal: each page's median at most 1.5 times its seeded-ward figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

YEARS: Final = 10
NEW_UNITS: Final = 22
STAYS_PER_UNIT: Final = 11_200  # about three a day for ten years
SCORES_PER_STAY: Final = 18  # four-hourly for three days
ACTIVE_PER_NEW_UNIT: Final = 20
ACTIVE_SCORES: Final = 72
# A CIWA-Ar total's band (clinical/instruments: 0-9 mild, 10-18 moderate, 19+ severe).
_BAND_SQL: Final = "CASE WHEN t < 10 THEN 'mild' WHEN t < 19 THEN 'moderate' ELSE 'severe' END"
_ITEMS: Final = json.dumps(
    {
        "tremor": 1,
        "anxiety": 2,
        "headache": 1,
        "agitation": 1,
        "orientation": 0,
        "nausea_vomiting": 2,
        "paroxysmal_sweats": 1,
        "visual_disturbances": 0,
        "tactile_disturbances": 1,
        "auditory_disturbances": 0,
    }
)


def _database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if "scale" not in name or "bench" not in name:
        raise SystemExit(
            f"refusing {name!r}: the scratch database's name needs 'scale' and 'bench'"
        )
    return name


def recreate(url: str) -> None:
    import psycopg

    name = _database_name(url)
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _stays_sql(year: int, nurse: int) -> list[tuple[str, dict[str, Any]]]:
    """Patients, their discharged stays and the stays' scores for one year of the history."""
    first = year * STAYS_PER_UNIT // YEARS * (NEW_UNITS + 3)
    count = STAYS_PER_UNIT // YEARS * (NEW_UNITS + 3)
    params = {"first": first, "last": first + count - 1, "nurse": nurse, "years": YEARS}
    patients = """
        INSERT INTO patients_patient (national_id, national_id_kind, given_name, family_name,
            birth_date, sex, created_at, created_by_id, unit_id, version)
        SELECT '9' || lpad(g::text, 10, '0'), 'fnr', 'Historisk', 'Pasient ' || g,
            date '1950-01-01' + (g %% 18000), CASE WHEN g %% 2 = 0 THEN 'male' ELSE 'female' END,
            now() - make_interval(years => %(years)s), NULL,
            (SELECT id FROM patients_unit ORDER BY id OFFSET (g %% 25) LIMIT 1), 0
        FROM generate_series(%(first)s, %(last)s) AS g
    """
    # Admitted evenly over the ten years (g-th stay of the whole history), three days each.
    stays = """
        INSERT INTO patients_episode (setting, status, admitted_at, discharged_at, created_at,
            responsible_clinician_id, patient_id, unit_id, room_bed, room_bed_version)
        SELECT 'inpatient', 'discharged', a, a + interval '3 days', a, NULL, p.id, p.unit_id, '', 0
        FROM patients_patient AS p,
            LATERAL (SELECT now() - make_interval(years => %(years)s) - interval '4 days'
                + (substr(p.national_id, 2)::bigint
                   * (make_interval(years => %(years)s) / %(total)s)) AS a) AS admitted
        WHERE p.national_id LIKE '9%%'
          AND substr(p.national_id, 2)::bigint BETWEEN %(first)s AND %(last)s
    """
    scores = f"""
        INSERT INTO scoring_assessment (instrument, kind, items, total, band, positive, sex,
            observed_at, breath_alcohol_permille, drowsy, entered_at, correction_reason,
            entered_by_id, episode_id, supersedes_id, current_delirium)
        SELECT 'ciwa-ar', 'withdrawal', %(items)s::jsonb, t, {_BAND_SQL}, NULL, '',
            e.admitted_at + k * interval '4 hours', NULL, false,
            e.admitted_at + k * interval '4 hours' + interval '3 minutes', '', %(nurse)s, e.id,
            NULL, false
        FROM patients_episode AS e
        JOIN patients_patient AS p ON p.id = e.patient_id,
            generate_series(0, {SCORES_PER_STAY - 1}) AS k,
            LATERAL (SELECT ((e.id * 7 + k * 13) %% 30)::smallint AS t) AS total
        WHERE p.national_id LIKE '9%%'
          AND substr(p.national_id, 2)::bigint BETWEEN %(first)s AND %(last)s
    """  # noqa: S608 - this module's constants only
    total = STAYS_PER_UNIT * (NEW_UNITS + 3)
    with_total = {**params, "total": total, "items": _ITEMS}
    return [(patients, with_total), (stays, with_total), (scores, with_total)]


def _active_sql(nurse: int) -> list[tuple[str, dict[str, Any]]]:
    """20 inpatients in each new unit, admitted 72 hours ago and scored every hour since."""
    units = "SELECT id FROM patients_unit WHERE code LIKE 'scale-%%'"
    params = {"per": ACTIVE_PER_NEW_UNIT, "nurse": nurse, "items": _ITEMS}
    patients = f"""
        INSERT INTO patients_patient (national_id, national_id_kind, given_name, family_name,
            birth_date, sex, created_at, created_by_id, unit_id, version)
        SELECT '8' || lpad((u.id * 100 + g)::text, 10, '0'), 'fnr', 'Innlagt', 'Pasient ' || g,
            date '1970-01-01' + g * 100, 'male', now() - interval '3 days', NULL, u.id, 0
        FROM ({units}) AS u, generate_series(1, %(per)s) AS g
    """  # noqa: S608 - this module's constants only
    stays = """
        INSERT INTO patients_episode (setting, status, admitted_at, discharged_at, created_at,
            responsible_clinician_id, patient_id, unit_id, room_bed, room_bed_version)
        SELECT 'inpatient', 'active', now() - interval '72 hours', NULL,
            now() - interval '72 hours', NULL, p.id, p.unit_id, '', 0
        FROM patients_patient AS p WHERE p.national_id LIKE '8%%'
    """
    scores = f"""
        INSERT INTO scoring_assessment (instrument, kind, items, total, band, positive, sex,
            observed_at, breath_alcohol_permille, drowsy, entered_at, correction_reason,
            entered_by_id, episode_id, supersedes_id, current_delirium)
        SELECT 'ciwa-ar', 'withdrawal', %(items)s::jsonb, t, {_BAND_SQL}, NULL, '',
            e.admitted_at + k * interval '1 hour', NULL, false,
            e.admitted_at + k * interval '1 hour' + interval '3 minutes', '', %(nurse)s, e.id,
            NULL, false
        FROM patients_episode AS e JOIN patients_patient AS p ON p.id = e.patient_id,
            generate_series(0, {ACTIVE_SCORES - 1}) AS k,
            LATERAL (SELECT ((e.id * 7 + k * 13) %% 30)::smallint AS t) AS total
        WHERE p.national_id LIKE '8%%'
    """  # noqa: S608 - this module's constants only
    return [(patients, params), (stays, params), (scores, params)]


def fill(nurse: int) -> dict[str, Any]:
    """The national history, in SQL; seconds taken and the rows there are afterwards."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
        cursor.execute(
            "INSERT INTO patients_unit (name, code, opioid_scale_interval_hours, "
            "followup_within_days) SELECT 'Nasjonal enhet ' || g, 'scale-' || g, 4, 7 "
            "FROM generate_series(1, %s) AS g",
            [NEW_UNITS],
        )
        for sql, params in _active_sql(nurse):
            cursor.execute(sql, params)
        for year in range(YEARS):
            for sql, params in _stays_sql(year, nurse):
                cursor.execute(sql, params)
            print(f"  year {year + 1}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
        cursor.execute("ANALYZE")
        counts = {}
        for table in (
            "patients_unit",
            "patients_patient",
            "patients_episode",
            "scoring_assessment",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our own names
            counts[table] = cursor.fetchone()[0]
    return {"seconds": round(time.perf_counter() - started, 1), "rows": counts}


def measure(client: Any, path: str, repeat: int) -> dict[str, Any]:
    from benchmarks.profile import _request

    for _ in range(5):
        response = _request(client, "GET", path, None)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        _request(client, "GET", path, None)
        times.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(times), 2), "min_ms": round(min(times), 2)}


def plans(client: Any, path: str) -> list[dict[str, Any]]:
    """Each SELECT of one request with its ``EXPLAIN (ANALYZE, BUFFERS)`` plan."""
    from django.db import connection

    from benchmarks.profile import _request

    seen: list[tuple[str, Any]] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        _request(client, "GET", path, None)
    found = []
    with connection.cursor() as cursor:
        for sql, params in seen:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            found.append({"sql": sql, "plan": [row[0] for row in cursor.fetchall()]})
    return found


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args(argv)
    url = os.environ["DATABASE_URL"]
    recreate(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "detox.settings.production")
    os.environ.setdefault("SECRET_KEY", "scale-only-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.urls import reverse

    from benchmarks import seed
    from benchmarks.profile import _client

    call_command("migrate", verbosity=0)
    accounts_file = args.out.with_suffix(".accounts.json")
    seed.main(["--out", str(accounts_file)])
    accounts = json.loads(accounts_file.read_text())
    client = _client("nurse", accounts)
    unit = next(iter(accounts["nurses"]))
    history = reverse("episode-scores", args=[accounts["active_episodes"][unit][0]])
    pages = {"ward board": "/ward/", "score history": history}
    result: dict[str, Any] = {"pages": pages}
    result["seeded"] = {name: measure(client, path, args.repeat) for name, path in pages.items()}
    nurse = User.objects.get(username=accounts["nurses"][unit][0]).pk
    result["fill"] = fill(nurse)
    result["national"] = {name: measure(client, path, args.repeat) for name, path in pages.items()}
    result["ratio (goal <= 1.5)"] = {
        name: round(result["national"][name]["median_ms"] / result["seeded"][name]["median_ms"], 2)
        for name in pages
    }
    result["plans"] = {name: plans(client, path) for name, path in pages.items()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "plans"}, indent=2))


if __name__ == "__main__":
    main()
