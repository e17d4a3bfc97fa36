"""Plan versions keep their taper calendars exactly as accepted (issue 13).

``MedicationPlanVersion.schedule`` holds, for each taper current at that version, the calendar as
computed when it was accepted (``TaperPlan.to_dict()``), with its line, the line's status and the
doses a day; the version page reads it and never recomputes.

Backfill of the versions made before this migration: each taper of a version's snapshot takes the
``computed`` calendar of the accepted ``TaperSchedule`` it came from (what the clinician saw on
accepting; ``"source": "accepted"``). Only where no such schedule is found (it cannot be, short of
hand-edited rows) is the calendar computed once, here, from the stored request with the tables of
the day this migration ran (``"source": "migration"``, with the day); a request the engine no
longer accepts is left out with its error (``"computed": null``). Nothing recomputes them later.
"""

from typing import Any

from django.db import migrations, models
from django.utils import timezone


def _schedule(version: Any, schedules: Any) -> list[dict[str, Any]]:
    from clinical.tapers import TaperInputError, taper_plan

    statuses = {line.get("code"): line.get("status") for line in version.snapshot.get("lines", [])}
    rows: list[dict[str, Any]] = []
    for taper in version.snapshot.get("tapers", []):
        code = taper.get("line", "")
        request = taper.get("request") or {}
        row: dict[str, Any] = {
            "line": code,
            "line_status": statuses.get(code, ""),
            "taper": None,
            "doses_per_day": int(request.get("doses_per_day") or 1),
        }
        candidates = schedules.filter(
            line__plan_id=version.plan_id, line__code=code, accepted_at__lte=version.created_at
        ).order_by("-accepted_at", "-pk")
        found = next((s for s in candidates if s.request == request), None)
        if found is not None:
            row.update(taper=found.pk, computed=found.computed, source="accepted")
        else:
            try:
                computed = taper_plan(request).to_dict()
            except (TaperInputError, ValueError, KeyError, TypeError) as error:
                row.update(computed=None, source="migration", error=str(error))
            else:
                row.update(computed=computed, source="migration")
            row["computed_on"] = timezone.now().date().isoformat()
        rows.append(row)
    return rows


def backfill(apps: Any, schema_editor: Any) -> None:
    versions = apps.get_model("detox", "MedicationPlanVersion")
    schedules = apps.get_model("detox", "TaperSchedule")
    for version in versions.objects.using(schema_editor.connection.alias).order_by("pk"):
        version.schedule = _schedule(version, schedules.objects.using(version._state.db))
        version.save(update_fields=["schedule"])


class Migration(migrations.Migration):
    dependencies = [
        ("detox", "0004_checklist_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="medicationplanversion",
            name="schedule",
            field=models.JSONField(
                blank=True, default=list, verbose_name="taper calendars as accepted"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
