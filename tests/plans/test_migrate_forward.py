"""Migrating a database of today's main forward keeps every row (issue 13, one audit trail).

The database is taken back to the migrations of main before the trail was made one (patients
0007, detox 0004, every other app at its latest), filled through the historical models (a unit, a
patient, an episode, a medication plan with a line, a taper and two versions, a discharge
checklist, a care plan, episode events and plan events), and migrated forward to the latest:
every row is still there with the same values, the plan events are on the episode's trail (old
``EpisodeEvent`` + ``PlanEvent`` = the new trail, fields mapped), and the versions carry their
taper calendar as accepted. Runs on SQLite and PostgreSQL (``transaction=True``: the migrations
run outside a test transaction, as they do in a deployment).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clinical.tapers import taper_plan
from tests.plans.test_plan_cast import ALPRAZOLAM_TAPER

pytestmark = pytest.mark.django_db(transaction=True)

# accounts had no migrations then (its 0001 takes the administration log over from detox 0008).
BEFORE: dict[str, str | None] = {
    "patients": "0007_access_requests",
    "detox": "0004_checklist_version",
    "accounts": None,
}
T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def at(hours: int) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def _targets(executor: MigrationExecutor) -> list[tuple[str, str | None]]:
    leaves = executor.loader.graph.leaf_nodes()
    return [(app, BEFORE.get(app, name)) for app, name in leaves]


def _migrate(targets: Sequence[tuple[str, str | None]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(list(targets))
    applied = [(app, name) for app, name in targets if name is not None]
    return MigrationExecutor(connection).loader.project_state(applied).apps


def _latest() -> list[tuple[str, str]]:
    return [(app, name) for app, name in MigrationExecutor(connection).loader.graph.leaf_nodes()]


def _rows(apps: Any, label: str, exclude: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    model = apps.get_model(*label.split("."))
    return [
        {key: value for key, value in row.items() if key not in exclude}
        for row in model.objects.order_by("pk").values()
    ]


def _fill(apps: Any) -> dict[str, Any]:
    user_model = apps.get_model("auth", "User")
    clinician = user_model.objects.create(username="lege", first_name="Lege", last_name="Legesen")
    nurse = user_model.objects.create(username="sykepleier")
    unit = apps.get_model("patients", "Unit").objects.create(name="Avrusning Vest", code="vest")
    patient = apps.get_model("patients", "Patient").objects.create(
        national_id="17057012345",
        given_name="Kari",
        family_name="Nordmann",
        birth_date=dt.date(1970, 5, 17),
        sex="female",
        unit=unit,
        created_by=clinician,
    )
    episode = apps.get_model("patients", "Episode").objects.create(
        patient=patient, unit=unit, status="active", admitted_at=T0, setting="outpatient"
    )
    plan = apps.get_model("detox", "MedicationPlan").objects.create(episode=episode, version=2)
    line = apps.get_model("detox", "PlanLine").objects.create(
        plan=plan,
        kind="taper",
        code="taper_benzodiazepine",
        source={"code": "taper_benzodiazepine", "refs": ["9.4-1"]},
        status="accepted",
        refs=["9.4-1"],
        decided_by=clinician,
        decided_at=at(2),
    )
    computed = taper_plan(ALPRAZOLAM_TAPER).to_dict()
    taper = apps.get_model("detox", "TaperSchedule").objects.create(
        line=line,
        regimen="benzodiazepine",
        taper_drug="oxazepam",
        start_date=dt.date(2026, 12, 1),
        request=ALPRAZOLAM_TAPER,
        computed=computed,
        accepted_by=clinician,
        accepted_at=at(2),
    )
    line_snapshot = {
        "code": line.code,
        "kind": "taper",
        "status": "accepted",
        "source": line.source,
        "adjusted": None,
        "reason": "",
        "refs": ["9.4-1"],
        "decided_by": {"id": clinician.pk, "username": "lege", "name": "Lege Legesen"},
        "decided_at": at(2).isoformat(),
    }
    taper_snapshot = {
        "line": line.code,
        "regimen": "benzodiazepine",
        "taper_drug": "oxazepam",
        "start_date": "2026-12-01",
        "request": ALPRAZOLAM_TAPER,
    }
    versions = apps.get_model("detox", "MedicationPlanVersion").objects
    versions.create(
        plan=plan,
        version=1,
        change="line_accepted",
        line_code=line.code,
        snapshot={"version": 1, "lines": [line_snapshot], "tapers": []},
        created_by=clinician,
        created_at=at(1),
    )
    versions.create(
        plan=plan,
        version=2,
        change="taper_accepted",
        line_code=line.code,
        snapshot={"version": 2, "lines": [line_snapshot], "tapers": [taper_snapshot]},
        created_by=clinician,
        created_at=at(2),
    )
    apps.get_model("detox", "DischargeChecklist").objects.create(
        episode=episode, appointment_contact="Per Hansen", updated_by=nurse, updated_at=at(3)
    )
    care_plan = apps.get_model("detox", "CarePlan").objects.create(
        episode=episode, version=1, requested_by=clinician, requested_at=at(4)
    )
    episode_events = apps.get_model("patients", "EpisodeEvent").objects
    created = episode_events.create(episode=episode, kind="created", by=clinician)
    started = episode_events.create(
        episode=episode, kind="started", by=clinician, details={"at": T0.isoformat()}
    )
    # ``at`` is auto_now_add on today's main: set the times afterwards.
    episode_events.filter(pk=created.pk).update(at=at(-1))
    episode_events.filter(pk=started.pk).update(at=T0)
    plan_events = apps.get_model("detox", "PlanEvent").objects
    plan_events.create(
        episode=episode,
        kind="line_accepted",
        at=at(1),
        by=clinician,
        details={"code": line.code, "version": 1, "adjusted": None},
    )
    plan_events.create(
        episode=episode,
        kind="taper_accepted",
        at=at(2),
        by=clinician,
        details={"code": line.code, "version": 2, "adjusted": None, "taper": taper.pk},
    )
    plan_events.create(
        episode=episode,
        kind="discharge_updated",
        at=at(3),
        by=nurse,
        reason="Rettet",
        details={"changes": {"naloxone_given": {"old": None, "new": True}}},
    )
    plan_events.create(
        episode=episode,
        kind="care_plan_requested",
        at=at(4),
        by=clinician,
        details={"care_plan": care_plan.pk, "version": 1},
    )
    return {"taper": taper, "computed": computed, "care_plan": care_plan}


KEPT = (
    ("auth.User", ()),
    ("patients.Unit", ()),
    ("patients.Patient", ("created_at",)),
    ("patients.Episode", ("created_at",)),
    ("detox.MedicationPlan", ("created_at", "updated_at")),
    ("detox.PlanLine", ()),
    ("detox.TaperSchedule", ()),
    ("detox.MedicationPlanVersion", ()),
    ("detox.DischargeChecklist", ()),
    ("detox.CarePlan", ()),
)
EVENT_FIELDS = ("episode_id", "kind", "at", "by_id", "reason", "details")


def test_migrating_forward_keeps_every_row_and_moves_the_plan_events_onto_the_trail():
    old_targets = _targets(MigrationExecutor(connection))
    try:
        old_apps = _migrate(old_targets)
        made = _fill(old_apps)
        before = {label: _rows(old_apps, label, exclude) for label, exclude in KEPT}
        old_episode_events = _rows(old_apps, "patients.EpisodeEvent")
        old_plan_events = _rows(old_apps, "detox.PlanEvent")
        assert (len(old_episode_events), len(old_plan_events)) == (2, 4)

        new_apps = _migrate(_latest())
    finally:
        # Whatever happened, leave the database at the latest migrations for the other tests.
        _migrate(_latest())

    for label, exclude in KEPT:
        # Fields added after the old layout (the plan's schedule, the room/bed of issue 14).
        after = _rows(new_apps, label, (*exclude, "schedule", "room_bed", "room_bed_version"))
        assert after == before[label], label
    with pytest.raises(LookupError):
        new_apps.get_model("detox", "PlanEvent")

    trail = _rows(new_apps, "patients.EpisodeEvent")
    assert len(trail) == len(old_episode_events) + len(old_plan_events)
    # The episode's own events are unchanged, with the new fields empty.
    for old in old_episode_events:
        new = next(row for row in trail if row["id"] == old["id"])
        assert {key: new[key] for key in old} == old
        assert (new["subject"], new["old"], new["new"]) == ("", None, None)
    # Each plan event is on the trail with its fields mapped.
    moved = {
        row["kind"]: row for row in trail if row["id"] not in {e["id"] for e in old_episode_events}
    }
    for old in old_plan_events:
        new = moved[old["kind"]]
        assert {key: new[key] for key in EVENT_FIELDS} == {key: old[key] for key in EVENT_FIELDS}

    line_accepted = moved["line_accepted"]
    assert line_accepted["subject"] == "plan_line:taper_benzodiazepine"
    assert line_accepted["old"] is None
    assert line_accepted["new"]["status"] == "accepted"
    taper_accepted = moved["taper_accepted"]
    assert taper_accepted["subject"] == "taper:taper_benzodiazepine"
    assert taper_accepted["old"] is None
    assert taper_accepted["new"]["start_date"] == "2026-12-01"
    assert taper_accepted["new"]["taper_drug"] == "oxazepam"
    discharge_updated = moved["discharge_updated"]
    assert discharge_updated["subject"] == "discharge_checklist"
    assert (discharge_updated["old"], discharge_updated["new"]) == (
        {"naloxone_given": None},
        {"naloxone_given": True},
    )
    care_plan_requested = moved["care_plan_requested"]
    assert care_plan_requested["subject"] == f"care_plan:{made['care_plan'].pk}"
    assert care_plan_requested["new"] == {"status": "pending", "version": 1}

    # The versions carry their taper calendars as accepted, not recomputed.
    schedules = {
        row["version"]: row["schedule"] for row in _rows(new_apps, "detox.MedicationPlanVersion")
    }
    assert schedules[1] == []
    assert schedules[2] == [
        {
            "line": "taper_benzodiazepine",
            "line_status": "accepted",
            "taper": made["taper"].pk,
            "doses_per_day": 3,
            "computed": made["computed"],
            "source": "accepted",
        }
    ]


def test_migrating_back_puts_the_plan_events_in_their_own_table_again():
    old_targets = _targets(MigrationExecutor(connection))
    try:
        old_apps = _migrate(old_targets)
        _fill(old_apps)
        old_plan_events = _rows(old_apps, "detox.PlanEvent", ("id",))
        _migrate(_latest())
        back_apps = _migrate(old_targets)
        again = _rows(back_apps, "detox.PlanEvent", ("id",))
        kinds = set(
            back_apps.get_model("patients", "EpisodeEvent").objects.values_list("kind", flat=True)
        )
    finally:
        _migrate(_latest())
    assert again == old_plan_events
    assert kinds == {"created", "started"}
