"""Seed a realistic ward into a scratch database for the load benchmarks.

Three units of 20 active inpatients each, every one admitted 72 hours ago and scored with CIWA-Ar
every hour since (with the diazepam doses a score of 10 or more calls for), 2,000 discharged
episodes over the last two years with their scores, the events and access log such a history
leaves, and the staff who log in during the benchmark (nurses and clinicians, with API tokens).
Two of the inpatients carry an accepted buprenorphine taper (7 days and 6 months): the care-plan
PDF timings use them.

Deterministic: a fixed random seed, so names, numbers, scores and doses are the same on every run;
times are relative to the moment of seeding (the ward's last scores are from the hour before it).

The 60 ward patients go through the apps' services (registration, episode, intake, treatment
level, admission, taper), as production would. The bulk history (2,000 discharged episodes and
their scores) is written with ``bulk_create`` for speed; the rows are the ones those services
would have written.

Run (``benchmarks/run.py`` does it for you)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/avrusning_bench BENCH_PASSWORD=... \\
        python -m benchmarks.seed --out benchmarks/results/latest/accounts.json

Refuses to run against a database whose name does not contain ``bench``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from clinical.examples import NO_COMORBIDITY_OR_ACUTE_RISK  # noqa: E402 (needs ROOT on sys.path)

SEED: Final = 20261124
BATCH: Final = 5000
# Discharged inpatients were scored every four hours through their stay.
SCORE_EVERY: Final = dt.timedelta(hours=4)
UNITS: Final = (
    ("bench-nord", "Avrusning Nord"),
    ("bench-midt", "Avrusning Midt"),
    ("bench-sor", "Avrusning Sør"),
)
GIVEN_NAMES: Final = (
    "Ola", "Kari", "Per", "Anne", "Lars", "Ingrid", "Jon", "Marit", "Knut", "Hilde", "Arne",
    "Bente", "Tor", "Liv", "Geir", "Randi", "Odd", "Sissel", "Svein", "Tone", "Bjørn", "Grete",
    "Rune", "Heidi", "Espen", "Nina", "Frode", "Siri", "Øyvind", "Åse",
)  # fmt: skip
FAMILY_NAMES: Final = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen",
    "Lund", "Sørensen", "Jakobsen", "Moen", "Gundersen", "Iversen", "Strand", "Solberg", "Bakken",
)  # fmt: skip
STAFF_SURNAMES: Final = {"nurse": "Sykepleier", "clinician": "Lege"}
# An alcohol-dependent inpatient with earlier delirium tremens: every fact the level needs.
INPATIENT_FACTS: Final[dict[str, Any]] = {
    "alcohol_units_per_day": 20,
    "previous_withdrawal_complications": ["delirium_tremens"],
    **NO_COMORBIDITY_OR_ACUTE_RISK,
    "pregnant": False,
    "liver_failure": False,
    "home_support": False,
    "outpatient_followup_available": True,
    "patient_preference": "inpatient",
    "able_to_take_oral": True,
    "dehydration_or_electrolyte_disturbance_suspected": False,
    "in_custody": False,
    "in_lar": False,
    "oriented": True,
}
ALCOHOL_ROW: Final[dict[str, Any]] = {
    "substance": "alcohol",
    "description": "Brennevin og øl",
    "dependent": True,
    "route": "oral",
    "injecting": False,
    "last_week_frequency": "daily",
    "continuous_use_days": 40,
}
OPIOID_ROW: Final[dict[str, Any]] = {
    "substance": "opioids",
    "description": "Heroin",
    "dependent": True,
    "route": "smoked",
    "injecting": False,
    "last_week_frequency": "daily",
    "continuous_use_days": 300,
}
# The two tapers the care-plan timings use (buprenorphine-naloxone, 10.5-1).
TAPERS: Final[dict[str, dict[str, Any]]] = {
    "7-day": {
        "regimen": "buprenorphine",
        "taper_drug": "buprenorphine",
        "setting": "inpatient",
        "opioid_dependent": True,
        "start_mg_per_day": 8,
        "days": 7,
        "doses_per_day": 1,
    },
    "6-month": {
        "regimen": "buprenorphine",
        "taper_drug": "buprenorphine",
        "setting": "outpatient",
        "opioid_dependent": True,
        "start_mg_per_day": 16,
        "days": 182,
        "doses_per_day": 1,
    },
}


@dataclass(frozen=True)
class Shape:
    units: int = 3
    active_per_unit: int = 20
    hours: int = 72
    discharged: int = 2000
    discharged_patients: int = 1400
    nurses_per_unit: int = 7
    clinicians_per_unit: int = 2
    access_log_rows: int = 40_000


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "detox.settings.production")
    import django

    django.setup()


def _batched(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def national_ids(rng: random.Random, count: int) -> list[str]:
    """``count`` different valid synthetic fødselsnummer (born 1950-1999: individual 000-499)."""
    from clinical.identity import FIRST_CHECK_WEIGHTS, SECOND_CHECK_WEIGHTS, check_digit

    numbers: set[str] = set()
    ordered: list[str] = []
    while len(ordered) < count:
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(50 * 365))
        individual = rng.randrange(500)
        digits = [int(c) for c in f"{born:%d%m%y}{individual:03d}"]
        first = check_digit(digits, FIRST_CHECK_WEIGHTS)
        second = None if first is None else check_digit([*digits, first], SECOND_CHECK_WEIGHTS)
        if first is None or second is None:
            continue
        number = "".join(map(str, [*digits, first, second]))
        if number not in numbers:
            numbers.add(number)
            ordered.append(number)
    return ordered


def ciwa_items(rng: random.Random, total: int) -> dict[str, int]:
    """CIWA-Ar item values adding up to ``total``, spread at random over the items."""
    from clinical.instruments import INSTRUMENTS

    items = INSTRUMENTS["ciwa-ar"].items
    values = dict.fromkeys((item.key for item in items), 0)
    room = {item.key: item.max_value for item in items}
    for _ in range(total):
        key = rng.choice([k for k, left in room.items() if left > values[k]])
        values[key] += 1
    return values


def ciwa_trajectory(rng: random.Random, hours: int) -> list[int]:
    """Hourly totals of a withdrawal that peaks early and settles: 12-28 falling to about 3-8."""
    peak = rng.randint(12, 28)
    floor = rng.randint(2, 6)
    totals = []
    for hour in range(hours):
        level = floor + (peak - floor) * math.exp(-hour / rng.uniform(18, 30))
        totals.append(max(0, min(67, round(level + rng.gauss(0, 1.5)))))
    return totals


OSLO = ZoneInfo("Europe/Oslo")


class Seeder:
    def __init__(self, shape: Shape, password: str, *, now: dt.datetime) -> None:
        self.shape = shape
        self.password = password
        self.now = now
        # The ward's day is Oslo's: between midnight and 01:00/02:00 the UTC date is yesterday.
        self.today = now.astimezone(OSLO).date()
        self.rng = random.Random(SEED)
        self.counts: dict[str, int] = {}

    # --- staff ----------------------------------------------------------------------------------

    def staff(self) -> dict[str, Any]:
        from django.contrib.auth.hashers import make_password
        from django.contrib.auth.models import Group, User
        from rest_framework.authtoken.models import Token

        from accounts.roles import ADMINISTRATOR, CLINICIAN, NURSE, sync_roles
        from patients.models import Unit

        sync_roles()
        # One hash for every account: hashing is deliberately slow and the accounts are throwaway.
        hashed = make_password(self.password)
        units = [
            Unit.objects.create(code=code, name=name) for code, name in UNITS[: self.shape.units]
        ]
        users: list[User] = []
        roles: dict[str, str] = {}
        unit_of: dict[str, Unit] = {}
        for unit in units:
            short = unit.code.removeprefix("bench-")
            for role, count in (
                (NURSE, self.shape.nurses_per_unit),
                (CLINICIAN, self.shape.clinicians_per_unit),
            ):
                for n in range(1, count + 1):
                    name = f"bench-{role}-{short}-{n}"
                    users.append(
                        User(
                            username=name,
                            password=hashed,
                            first_name=self.rng.choice(GIVEN_NAMES),
                            last_name=STAFF_SURNAMES[role],
                        )
                    )
                    roles[name], unit_of[name] = role, unit
        users.append(User(username="bench-administrator", password=hashed, is_staff=True))
        roles["bench-administrator"] = ADMINISTRATOR
        User.objects.bulk_create(users)
        users = list(User.objects.filter(username__in=roles))
        groups = {group.name: group for group in Group.objects.all()}
        User.groups.through.objects.bulk_create(
            [User.groups.through(user=u, group=groups[roles[u.username]]) for u in users]
        )
        Unit.staff.through.objects.bulk_create(
            [
                Unit.staff.through(unit=unit_of[u.username], user=u)
                for u in users
                if u.username in unit_of
            ]
        )
        tokens = Token.objects.bulk_create([Token(key=Token.generate_key(), user=u) for u in users])
        self.users = {u.username: u for u in users}
        self.units = units
        self.counts["users"] = len(users)
        return {
            "nurses": {
                unit.code: [n for n, r in roles.items() if r == NURSE and unit_of[n] == unit]
                for unit in units
            },
            "clinicians": {
                unit.code: [n for n, r in roles.items() if r == CLINICIAN and unit_of[n] == unit]
                for unit in units
            },
            "administrator": "bench-administrator",
            "tokens": {token.user.username: token.key for token in tokens},
        }

    def _staff_of(self, unit: Any, role: str) -> list[Any]:
        short = unit.code.removeprefix("bench-")
        return [u for name, u in self.users.items() if name.startswith(f"bench-{role}-{short}-")]

    # --- the ward: active inpatients through the services --------------------------------------

    def ward(self, numbers: list[str]) -> dict[str, int]:
        from clinical.levels import evaluate_level, parse_level_input
        from patients import services
        from patients.selectors import episode_level_input

        admitted = self.now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(
            hours=self.shape.hours, minutes=30
        )
        self.active: list[Any] = []
        taper_episodes: dict[str, int] = {}
        for unit in self.units:
            clinician = self._staff_of(unit, "clinician")[0]
            for n in range(self.shape.active_per_unit):
                with_opioids = unit == self.units[0] and n < len(TAPERS)
                patient = services.patient_create(
                    unit=unit,
                    national_id=numbers.pop(),
                    given_name=self.rng.choice(GIVEN_NAMES),
                    family_name=self.rng.choice(FAMILY_NAMES),
                    user=clinician,
                    today=self.today,
                )
                episode = services.episode_create(
                    patient=patient, user=clinician, responsible_clinician=clinician
                )
                services.intake_save(
                    episode=episode,
                    user=clinician,
                    fields=INPATIENT_FACTS,
                    substances=[ALCOHOL_ROW, OPIOID_ROW] if with_opioids else [ALCOHOL_ROW],
                )
                level_input = episode_level_input(episode)
                proposal = evaluate_level(parse_level_input(level_input))
                accepted = proposal.level == "inpatient"
                services.level_decision_record(
                    episode=episode,
                    proposal=proposal,
                    accepted=accepted,
                    chosen_level=None if accepted else "inpatient",
                    chosen_acute_referral=None,
                    reason="" if accepted else "Innlagt etter vurdering (benchmark-data).",
                    user=clinician,
                    level_input=level_input,
                )
                episode = services.episode_start(
                    episode=episode,
                    user=clinician,
                    admitted_at=admitted - dt.timedelta(minutes=self.rng.randrange(60)),
                )
                self.active.append(episode)
                if with_opioids:
                    label = list(TAPERS)[n]
                    self._taper(episode, clinician, TAPERS[label])
                    taper_episodes[label] = episode.pk
        self.counts["active_episodes"] = len(self.active)
        return taper_episodes

    def _taper(self, episode: Any, clinician: Any, request: dict[str, Any]) -> None:
        from plans import services

        start = (self.today + dt.timedelta(days=1)).isoformat()
        services.taper_schedule_accept(
            episode=episode,
            request_data={**request, "start_date": start},
            user=clinician,
            # Buprenorphine starts from the clinician's dose (10.5), which the service records
            # as an adjustment with a reason.
            reason="Startdose satt etter klinisk vurdering.",
            now=self.now,
        )

    def ward_scores(self) -> None:
        """72 hourly CIWA-Ar scores per inpatient, the scale chosen, the doses given."""
        from scoring.models import MonitoringChoice

        choices = []
        plans: list[tuple[Any, Any, list[dt.datetime]]] = []
        for episode in self.active:
            nurses = self._staff_of(episode.unit, "nurse")
            first = episode.admitted_at + dt.timedelta(minutes=30)
            times = [first + dt.timedelta(hours=h) for h in range(self.shape.hours)]
            choices.append(
                MonitoringChoice(
                    episode=episode,
                    instrument="ciwa-ar",
                    chosen_by=nurses[0],
                    chosen_at=first,
                )
            )
            plans.append((episode, nurses, times))
        MonitoringChoice.objects.bulk_create(choices)
        self._scores(plans, dose_threshold=10)

    def _scores(
        self, plans: list[tuple[Any, Any, list[dt.datetime]]], *, dose_threshold: int | None
    ) -> None:
        from clinical.scoring import score
        from scoring.models import Assessment, MedicationAdministration

        rows: list[Assessment] = []
        for episode, staff, times in plans:
            for at, total in zip(times, ciwa_trajectory(self.rng, len(times)), strict=True):
                result = score("ciwa-ar", ciwa_items(self.rng, total))
                rows.append(
                    Assessment(
                        episode=episode,
                        instrument="ciwa-ar",
                        kind="withdrawal",
                        items=dict(result.items),
                        total=result.total,
                        band=result.band.code,
                        observed_at=at,
                        entered_by=self.rng.choice(staff),
                        entered_at=at + dt.timedelta(minutes=self.rng.randint(1, 9)),
                    )
                )
        for batch in _batched(rows):
            Assessment.objects.bulk_create(batch)
        self.counts["assessments"] = self.counts.get("assessments", 0) + len(rows)
        if dose_threshold is None:
            return
        doses = [
            MedicationAdministration(
                episode=row.episode,
                drug="diazepam",
                dose_mg=Decimal(10),
                route="oral",
                given_at=row.entered_at,
                assessment=row,
                entered_by=row.entered_by,
                entered_at=row.entered_at + dt.timedelta(minutes=2),
            )
            for row in rows
            if row.total >= dose_threshold
        ]
        for batch in _batched(doses):
            MedicationAdministration.objects.bulk_create(batch)
        self.counts["medication_administrations"] = len(doses)

    # --- the history: discharged episodes in bulk -----------------------------------------------

    def history(self, numbers: list[str]) -> None:
        from django.db.models import OuterRef, Subquery
        from simple_history.utils import bulk_create_with_history

        from clinical.identity import parse_national_id
        from patients.models import Episode, EpisodeStatus, Patient, Setting

        patients = []
        for number in numbers[: self.shape.discharged_patients]:
            parsed = parse_national_id(number, today=self.today)
            unit = self.rng.choice(self.units)
            patients.append(
                Patient(
                    national_id=parsed.number,
                    national_id_kind=parsed.kind,
                    given_name=self.rng.choice(GIVEN_NAMES),
                    family_name=self.rng.choice(FAMILY_NAMES),
                    birth_date=parsed.birth_date,
                    sex=parsed.sex,
                    unit=unit,
                    created_by=self._staff_of(unit, "clinician")[0],
                )
            )
        bulk_create_with_history(patients, Patient, batch_size=BATCH)
        pool = list(Patient.objects.filter(national_id__in=[p.national_id for p in patients]))
        # Some ward patients have been here before.
        pool += [episode.patient for episode in self.active]
        owners = [self.rng.choice(pool) for _ in range(self.shape.discharged)]
        by_patient: dict[int, list[int]] = {}
        for index, patient in enumerate(owners):
            by_patient.setdefault(patient.pk, []).append(index)
        span = dt.timedelta(days=730)
        end = self.now - dt.timedelta(days=self.shape.hours // 24 + 7)
        episodes: list[Episode] = [None] * len(owners)  # type: ignore[list-item]
        for indexes in by_patient.values():
            slot = span / len(indexes)
            for k, index in enumerate(indexes):
                patient = owners[index]
                admitted = end - span + slot * k + slot * self.rng.uniform(0, 0.5)
                stay = dt.timedelta(days=self.rng.randint(3, 7), hours=self.rng.randint(0, 23))
                outpatient = self.rng.random() < 0.2
                episodes[index] = Episode(
                    patient=patient,
                    unit=patient.unit,
                    setting=Setting.OUTPATIENT if outpatient else Setting.INPATIENT,
                    status=EpisodeStatus.DISCHARGED,
                    admitted_at=admitted,
                    discharged_at=admitted + stay,
                    responsible_clinician=self._staff_of(patient.unit, "clinician")[0],
                )
        for batch in _batched(episodes):
            Episode.objects.bulk_create(batch)
        ids = [episode.pk for episode in episodes]
        # auto_now_add stamped them all with today; put creation before admission, as it was.
        Episode.objects.filter(pk__in=ids).update(
            created_at=Subquery(Episode.objects.filter(pk=OuterRef("pk")).values("admitted_at")[:1])
        )
        self.counts["discharged_episodes"] = len(episodes)
        self._events(episodes)
        self._scores(
            [
                (
                    episode,
                    self._staff_of(episode.unit, "nurse"),
                    _every(episode.admitted_at, episode.discharged_at, SCORE_EVERY),
                )
                for episode in episodes
                if episode.setting == Setting.INPATIENT
            ],
            dose_threshold=None,
        )

    def _events(self, episodes: list[Any]) -> None:
        from django.db.models import OuterRef, Subquery

        from patients.models import Episode, EpisodeEvent, EpisodeEventKind

        events = []
        for episode in episodes:
            by = episode.responsible_clinician
            events += [
                EpisodeEvent(episode=episode, kind=EpisodeEventKind.CREATED, by=by),
                EpisodeEvent(
                    episode=episode,
                    kind=EpisodeEventKind.STARTED,
                    by=by,
                    details={"at": episode.admitted_at.isoformat()},
                ),
                EpisodeEvent(
                    episode=episode,
                    kind=EpisodeEventKind.DISCHARGED,
                    by=by,
                    details={"at": episode.discharged_at.isoformat()},
                ),
            ]
        for batch in _batched(events):
            EpisodeEvent.objects.bulk_create(batch)
        ids = [event.pk for event in events]
        for kind, column in (
            (EpisodeEventKind.CREATED, "created_at"),
            (EpisodeEventKind.STARTED, "admitted_at"),
            (EpisodeEventKind.DISCHARGED, "discharged_at"),
        ):
            EpisodeEvent.objects.filter(pk__in=ids, kind=kind).update(
                at=Subquery(Episode.objects.filter(pk=OuterRef("episode_id")).values(column)[:1])
            )
        self.counts["episode_events"] = len(events)

    def access_log(self) -> None:
        """Reads and writes spread over the two years, as the pages would have logged them."""
        from django.db import connection

        from patients.models import AccessAction, AccessLogEntry, Patient

        patients = list(Patient.objects.values_list("pk", "unit_id"))
        staff_by_unit = {
            unit.pk: self._staff_of(unit, "nurse") + self._staff_of(unit, "clinician")
            for unit in self.units
        }
        whats = ("patient", "episode", "scores and doses", "ward board", "patient list")
        entries = []
        for _ in range(self.shape.access_log_rows):
            patient_id, unit_id = self.rng.choice(patients)
            entries.append(
                AccessLogEntry(
                    user=self.rng.choice(staff_by_unit[unit_id]),
                    patient_id=patient_id,
                    action=AccessAction.VIEW,
                    what=self.rng.choice(whats),
                    path="/ward/",
                    method="GET",
                    ip_address="127.0.0.1",
                )
            )
        for batch in _batched(entries):
            AccessLogEntry.objects.bulk_create(batch)
        step = 730 * 24 * 3600 / max(1, len(entries))
        # auto_now_add stamped them all with now: spread them back over two years, newest last.
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {AccessLogEntry._meta.db_table} "  # noqa: S608 - our own table name
                "SET at = %s - (%s - id) * %s * interval '1 second' WHERE id BETWEEN %s AND %s",
                [self.now, entries[-1].pk, step, entries[0].pk, entries[-1].pk],
            )
        self.counts["access_log_entries"] = len(entries)


def _every(
    start: dt.datetime | None, end: dt.datetime | None, step: dt.timedelta
) -> list[dt.datetime]:
    """Score times through a stay, half an hour after admission and then every ``step``."""
    if start is None or end is None:
        return []
    times = []
    at = start + dt.timedelta(minutes=30)
    while at < end:
        times.append(at)
        at += step
    return times


def _require_bench_database() -> str:
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if "bench" not in name:
        raise SystemExit(f"refusing to seed {name!r}: the database name must contain 'bench'")
    return name


def seed(shape: Shape, password: str) -> dict[str, Any]:
    """Seed the ward; returns the accounts and ids the load scenarios need."""
    from django.db import connection, transaction
    from django.utils import timezone

    _require_bench_database()
    started = time.monotonic()
    now = timezone.now()
    seeder = Seeder(shape, password, now=now)
    active = shape.units * shape.active_per_unit
    numbers = national_ids(seeder.rng, active + shape.discharged_patients)
    with transaction.atomic():
        accounts = seeder.staff()
        pdf_episodes = seeder.ward(numbers[shape.discharged_patients :])
        seeder.ward_scores()
        seeder.history(numbers[: shape.discharged_patients])
        seeder.access_log()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        **accounts,
        "pdf_episodes": pdf_episodes,
        "active_episodes": {
            unit.code: [e.pk for e in seeder.active if e.unit_id == unit.pk]
            for unit in seeder.units
        },
        "counts": seeder.counts,
        "seeded_at": now.isoformat(),
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write accounts JSON")
    parser.add_argument("--discharged", type=int, default=Shape.discharged)
    parser.add_argument("--active-per-unit", type=int, default=Shape.active_per_unit)
    args = parser.parse_args(argv)
    password = os.environ.get("BENCH_PASSWORD", "")
    if len(password) < 12:
        raise SystemExit("set BENCH_PASSWORD (12 characters or more) for the seeded accounts")
    setup_django()
    shape = Shape(
        discharged=args.discharged,
        discharged_patients=min(Shape.discharged_patients, max(1, args.discharged * 7 // 10)),
        active_per_unit=args.active_per_unit,
    )
    result = seed(shape, password)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps({"counts": result["counts"], "seconds": result["seconds"]}))


if __name__ == "__main__":
    main()
