"""The plan's events move onto the episode's one audit trail (issue 13).

Every ``PlanEvent`` row becomes an ``EpisodeEvent`` row with the same episode, kind, time, user,
reason and details; ``subject``, ``old`` and ``new`` are filled from what the rows and the plan
kept: a line's decision before and after (from the plan versions' snapshots), a taper's drug,
start and dose before and after (from the taper schedules, the earlier one being the one replaced
at that moment), the discharge checklist's changed values (from the event's own ``changes``) and
a care plan's status. ``old`` is null where nothing existed before (or it cannot be known).

Reversible: going back copies the plan's kinds from the trail into ``PlanEvent`` again and takes
them off the trail. ``0007`` then drops the ``PlanEvent`` table.
"""

from typing import Any

from django.db import migrations

PLAN_KINDS = (
    "line_accepted",
    "line_adjusted",
    "line_removed",
    "taper_accepted",
    "discharge_updated",
    "care_plan_requested",
    "care_plan_ready",
    "care_plan_failed",
)
LINE_STATUS = {
    "line_accepted": "accepted",
    "line_adjusted": "adjusted",
    "line_removed": "removed",
}


def _line_in(version: Any, code: str) -> dict[str, Any] | None:
    if version is None:
        return None
    for line in version.snapshot.get("lines", []):
        if line.get("code") == code:
            return {
                "status": line.get("status"),
                "adjusted": line.get("adjusted"),
                "reason": line.get("reason", ""),
                "decided_at": line.get("decided_at"),
            }
    return None


def _taper(taper: Any) -> dict[str, Any] | None:
    if taper is None:
        return None
    computed = taper.computed or {}
    return {
        "taper_drug": taper.taper_drug,
        "start_date": taper.start_date.isoformat(),
        "start_mg_per_day": computed.get("start_mg_per_day"),
        "duration_days": computed.get("duration_days"),
        "request": taper.request,
    }


def _mapped(apps: Any, db: str, event: Any) -> tuple[str, Any, Any]:
    """``subject``, ``old`` and ``new`` of one plan event."""
    versions = apps.get_model("detox", "MedicationPlanVersion").objects.using(db)
    tapers = apps.get_model("detox", "TaperSchedule").objects.using(db)
    care_plans = apps.get_model("detox", "CarePlan").objects.using(db)
    details = event.details or {}
    kind = event.kind
    if kind in LINE_STATUS or kind == "taper_accepted":
        code = str(details.get("code", ""))
        number = details.get("version")
        plan_versions = versions.filter(plan__episode_id=event.episode_id)
        after = plan_versions.filter(version=number).first() if number else None
        before = plan_versions.filter(version=number - 1).first() if number else None
        if kind == "taper_accepted":
            taper = tapers.filter(pk=details.get("taper")).first()
            earlier = (
                tapers.filter(line_id=taper.line_id, replaced_at=event.at).exclude(pk=taper.pk)
                if taper is not None
                else tapers.none()
            ).first()
            return f"taper:{code}", _taper(earlier), _taper(taper)
        new = _line_in(after, code) or {
            "status": LINE_STATUS[kind],
            "adjusted": details.get("adjusted"),
            "reason": event.reason,
            "decided_at": event.at.isoformat(),
        }
        return f"plan_line:{code}", _line_in(before, code), new
    if kind == "discharge_updated":
        changes = details.get("changes") or {}
        old = {key: value.get("old") for key, value in changes.items()}
        new = {key: value.get("new") for key, value in changes.items()}
        return "discharge_checklist", old, new
    care_plan_id = details.get("care_plan")
    subject = f"care_plan:{care_plan_id}"
    if kind == "care_plan_requested":
        return subject, None, {"status": "pending", "version": details.get("version")}
    if kind == "care_plan_ready":
        care_plan = care_plans.filter(pk=care_plan_id).first()
        file_name = care_plan.file.name if care_plan is not None else ""
        return subject, {"status": "pending"}, {"status": "ready", "file": file_name}
    return subject, {"status": "pending"}, {"status": "failed", "error": details.get("code", "")}


def forward(apps: Any, schema_editor: Any) -> None:
    db = schema_editor.connection.alias
    plan_events = apps.get_model("detox", "PlanEvent").objects.using(db)
    episode_events = apps.get_model("patients", "EpisodeEvent").objects.using(db)
    batch = []
    for event in plan_events.order_by("at", "pk").iterator():
        subject, old, new = _mapped(apps, db, event)
        batch.append(
            episode_events.model(
                episode_id=event.episode_id,
                kind=event.kind,
                at=event.at,
                by_id=event.by_id,
                subject=subject,
                old=old,
                new=new,
                reason=event.reason,
                details=event.details,
            )
        )
    episode_events.bulk_create(batch, batch_size=500)
    plan_events.all().delete()


def backward(apps: Any, schema_editor: Any) -> None:
    db = schema_editor.connection.alias
    plan_events = apps.get_model("detox", "PlanEvent").objects.using(db)
    episode_events = apps.get_model("patients", "EpisodeEvent").objects.using(db)
    moved = episode_events.filter(kind__in=PLAN_KINDS)
    plan_events.bulk_create(
        [
            plan_events.model(
                episode_id=event.episode_id,
                kind=event.kind,
                at=event.at,
                by_id=event.by_id,
                reason=event.reason,
                details=event.details,
            )
            for event in moved.order_by("at", "pk")
        ],
        batch_size=500,
    )
    moved.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("detox", "0005_plan_version_schedule"),
        ("patients", "0008_episode_event_one_trail"),
    ]

    operations = [migrations.RunPython(forward, backward)]
