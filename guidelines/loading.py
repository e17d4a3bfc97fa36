"""Load the shipped guideline (``guidelines/data/*.json``) into the database, idempotently.

``guideline_load`` upserts everything by its natural key (edition code, grade, word, chapter and
section number, recommendation ref, unit slug); re-running it changes nothing. For a
recommendation it compares three versions of text, items and grade:

- the shipped one it last loaded (``shipped_*``),
- the current one (``text``/``items``/``grade``, which an administrator may have edited),
- the newly shipped one.

A new shipped revision replaces the current text only where the administrator has not edited it.
Where both changed (differently), the administrator's text stays and the load reports a conflict
(it keeps reporting it until an administrator's edit matches the new shipped text). Every change to
a recommendation writes a history row, like an administrator's edit does.

It takes an app registry so that the data migration can run it with the migration's historical
models (``apps.get_model``) and the ``load_guideline`` command with the live ones. It uses only the
fields that ``0002_load_shipped_guideline`` has; a later schema change that the loader needs must
freeze a copy of this module into that migration.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import transaction

from clinical.guideline.text import Item, search_text
from guidelines.directory import UNIT_FACTS

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
GUIDELINE_FILE = "guideline.json"
UNITS_FILE = "detox_units.json"

# The fields an administrator may edit; the shipped data's version of them is kept in shipped_*.
CONTENT_FIELDS = ("text", "items", "grade")
# Facts about where a recommendation sits in the source; always taken from the shipped data.
PLACE_FIELDS = ("section_id", "block", "number", "modal", "lead_in", "line_start", "line_end")
UNIT_FIELDS = ("name", "region", "listed_under", *UNIT_FACTS)
STRING_UNIT_FIELDS = frozenset(
    {"listed_under", "health_trust", "owner", "address", "phone", "email", "web"}
    | {"main_substances", "notes"}
)


@dataclass(frozen=True)
class Conflict:
    """A shipped revision changed what an administrator has edited; the edit was kept."""

    ref: str
    fields: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.ref}: {', '.join(self.fields)}"


@dataclass
class LoadReport:
    edition: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    not_shipped: list[str] = field(default_factory=list)
    units_created: int = 0
    units_updated: int = 0

    def lines(self) -> list[str]:
        lines = [
            f"guideline {self.edition}: {len(self.created)} recommendations created, "
            f"{len(self.updated)} updated, {self.unchanged} unchanged, "
            f"{len(self.conflicts)} conflicts",
            f"detox units: {self.units_created} created, {self.units_updated} updated",
        ]
        lines.extend(
            f"CONFLICT {conflict}: an administrator's edit differs from the new shipped "
            "text; the edit was kept, the new shipped version was not loaded"
            for conflict in self.conflicts
        )
        lines.extend(
            f"NOT SHIPPED {ref}: in the database but not in the shipped data; left as it is"
            for ref in self.not_shipped
        )
        return lines


@dataclass(frozen=True)
class ShippedData:
    guideline: dict[str, Any]
    units: dict[str, Any] | None


def read_shipped_data(directory: Path = DATA_DIR) -> ShippedData:
    guideline = json.loads((directory / GUIDELINE_FILE).read_text(encoding="utf-8"))
    units_path = directory / UNITS_FILE
    units = json.loads(units_path.read_text(encoding="utf-8")) if units_path.exists() else None
    return ShippedData(guideline=guideline, units=units)


@transaction.atomic
def guideline_load(
    *,
    data: Mapping[str, Any],
    units: Mapping[str, Any] | None = None,
    now: dt.datetime,
    apps: Apps = global_apps,
) -> LoadReport:
    """Upsert the shipped guideline (and the unit directory, when given); see the module doc."""
    models = _Models(apps)
    directory = (units.get("source") or {}) if units is not None else None
    edition = _load_edition(models, data["edition"], directory, now)
    report = LoadReport(edition=edition.code)
    _sync(
        models.grade,
        "grade",
        (
            {
                **_pick(row, "grade", "definition", "line_start", "line_end"),
                "title": row.get("title") or "",
            }
            for row in data["grades"]
        ),
    )
    _sync(
        models.modal,
        "word",
        (_pick(row, "word", "meaning", "line_start", "line_end") for row in data["modals"]),
    )
    chapters = _sync(
        models.chapter,
        "number",
        (_pick(row, "number", "title", "line_start") for row in data["chapters"]),
    ).rows
    sections = _sync(models.section, "number", _section_rows(data, chapters)).rows
    _load_recommendations(models, data["recommendations"], sections, edition, now, report)
    if units is not None:
        _load_units(models, units["units"], report)
    for line in report.lines():
        if line.startswith(("CONFLICT", "NOT SHIPPED")):
            logger.warning(line)
    # Bulk writes send no post_save: tell the citation caches the guideline changed.
    from guidelines.citations import guideline_changed

    guideline_changed()
    return report


class _Models:
    # Historical (migration) and live models alike; typed loosely because the migration's are
    # built at run time.
    def __init__(self, apps: Apps) -> None:
        self.edition: Any = apps.get_model("guidelines", "Edition")
        self.grade: Any = apps.get_model("guidelines", "GradeDefinition")
        self.modal: Any = apps.get_model("guidelines", "ModalDefinition")
        self.chapter: Any = apps.get_model("guidelines", "Chapter")
        self.section: Any = apps.get_model("guidelines", "Section")
        self.recommendation: Any = apps.get_model("guidelines", "Recommendation")
        self.history: Any = apps.get_model("guidelines", "HistoricalRecommendation")
        self.unit: Any = apps.get_model("guidelines", "DetoxUnit")


def _pick(row: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    return {key: row[key] for key in keys}


@dataclass(frozen=True)
class _Synced:
    rows: dict[str, Any]
    created: int
    updated: int


def _sync(model: Any, key: str, rows: Iterable[dict[str, Any]]) -> _Synced:
    """Create or update ``model`` rows by ``key`` in at most three queries."""
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    to_create, to_update, changed_fields = [], [], set()
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            obj = model(**row)
            to_create.append(obj)
            existing[row[key]] = obj
            continue
        changed = {name for name, value in row.items() if getattr(obj, name) != value}
        if changed:
            for name in changed:
                setattr(obj, name, row[name])
            to_update.append(obj)
            changed_fields |= changed
    if to_create:
        model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields))
    return _Synced(rows=existing, created=len(to_create), updated=len(to_update))


def _load_edition(
    models: _Models,
    row: Mapping[str, Any],
    directory: Mapping[str, Any] | None,
    now: dt.datetime,
) -> Any:
    """Upsert the edition; its directory fields only when the unit directory is loaded too."""
    values: dict[str, Any] = {
        "title": row["title"],
        "publisher": row.get("publisher") or "",
        "status": row.get("status") or "",
        "date": dt.date.fromisoformat(row["date"]) if row.get("date") else None,
        "source_file": row.get("source_file") or "",
        "note": row.get("note") or "",
    }
    if directory is not None:
        values.update(
            directory_section=directory.get("section") or "",
            directory_collected=directory.get("collected") or "",
            directory_updated=directory.get("updated") or "",
            directory_note=directory.get("note") or "",
        )
    edition = models.edition.objects.filter(code=row["code"]).first()
    if edition is None:
        return models.edition.objects.create(code=row["code"], loaded_at=now, **values)
    if any(getattr(edition, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(edition, name, value)
        edition.loaded_at = now
        edition.save()
    return edition


def _section_rows(data: Mapping[str, Any], chapters: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = [
        {
            "number": row["number"],
            "chapter_id": chapters[row["chapter"]].pk,
            "title": row["title"],
            "line_start": row["line_start"],
        }
        for row in data["sections"]
    ]
    # A chapter without numbered sections (12) has its recommendations at chapter level: they get a
    # section of their own with the chapter's number and title.
    numbers = {row["number"] for row in rows}
    for rec in data["recommendations"]:
        if rec["section"] not in numbers and rec["section"] == rec["chapter"]:
            chapter = chapters[rec["chapter"]]
            rows.append(
                {
                    "number": chapter.number,
                    "chapter_id": chapter.pk,
                    "title": chapter.title,
                    "line_start": chapter.line_start,
                }
            )
            numbers.add(chapter.number)
    return rows


def _clean_items(items: Sequence[Mapping[str, Any]]) -> list[Item]:
    return [
        {"text": item["text"], "items": _clean_items(item.get("items") or [])} for item in items
    ]


def _shipped_values(row: Mapping[str, Any], sections: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "text": row["text"],
        "items": _clean_items(row.get("items") or []),
        "grade": row.get("grade") or "",
        "section_id": sections[row["section"]].pk,
        "block": row.get("block") or 1,
        "number": row["number"],
        "modal": row.get("modal") or "",
        "lead_in": row.get("lead_in") or "",
        "line_start": row["line_start"],
        "line_end": row["line_end"],
    }


def _content(obj: Any, prefix: str = "") -> tuple[Any, ...]:
    return tuple(getattr(obj, prefix + name) for name in CONTENT_FIELDS)


def _load_recommendations(
    models: _Models,
    rows: Sequence[Mapping[str, Any]],
    sections: Mapping[str, Any],
    edition: Any,
    now: dt.datetime,
    report: LoadReport,
) -> None:
    existing = {obj.ref: obj for obj in models.recommendation.objects.all()}
    created: list[Any] = []
    updated: list[Any] = []  # a tracked field changed: a new version with a history row
    saved: list[Any] = []  # every changed row, including shipped_* bookkeeping only
    for row in rows:
        values = _shipped_values(row, sections)
        obj = existing.pop(row["ref"], None)
        if obj is None:
            obj = models.recommendation(
                ref=row["ref"],
                edition_id=edition.pk,
                **values,
                **{f"shipped_{name}": values[name] for name in CONTENT_FIELDS},
                version=1,
                changed_at=now,
            )
            obj.search_text = _search_text(obj)
            created.append(obj)
            continue
        outcome = _apply_revision(obj, values, edition, report)
        if outcome is _Outcome.UNCHANGED:
            report.unchanged += 1
            continue
        if outcome is _Outcome.CHANGED:
            obj.search_text = _search_text(obj)
            obj.version += 1
            obj.changed_at = now
            obj.changed_by_id = None
            updated.append(obj)
        else:
            report.unchanged += 1
        saved.append(obj)
    models.recommendation.objects.bulk_create(created)
    fields = [
        *CONTENT_FIELDS,
        *PLACE_FIELDS,
        *(f"shipped_{name}" for name in CONTENT_FIELDS),
        "edition_id",
        "search_text",
        "version",
        "changed_at",
        "changed_by_id",
    ]
    models.recommendation.objects.bulk_update(saved, fields)
    reason = f"Shipped with {edition.code}"
    _write_history(models, created, "+", reason, now)
    _write_history(models, updated, "~", reason, now)
    report.created = [obj.ref for obj in created]
    report.updated = [obj.ref for obj in updated]
    report.not_shipped = sorted(existing)


class _Outcome(enum.Enum):
    UNCHANGED = "unchanged"
    BOOKKEEPING = "bookkeeping"  # only shipped_* moved on (the edit already matches it)
    CHANGED = "changed"


def _apply_revision(
    obj: Any, values: Mapping[str, Any], edition: Any, report: LoadReport
) -> _Outcome:
    """Bring ``obj`` up to the shipped ``values`` without losing an administrator's edit."""
    tracked = (*CONTENT_FIELDS, *PLACE_FIELDS, "edition_id")
    before = {name: getattr(obj, name) for name in tracked}
    shipped_before = _content(obj, "shipped_")
    shipped_now = tuple(values[name] for name in CONTENT_FIELDS)
    conflict = False
    if shipped_now != shipped_before:
        if _content(obj) == shipped_before:
            # Not edited: the new shipped text replaces it.
            for name in CONTENT_FIELDS:
                setattr(obj, name, values[name])
        elif _content(obj) != shipped_now:
            conflict = True
            changed = tuple(
                name
                for name, old, new in zip(CONTENT_FIELDS, shipped_before, shipped_now, strict=True)
                if old != new
            )
            report.conflicts.append(Conflict(ref=obj.ref, fields=changed))
        if not conflict:
            for name in CONTENT_FIELDS:
                setattr(obj, f"shipped_{name}", values[name])
            # The text now belongs to the new edition (an unresolved conflict stays with the old).
            obj.edition_id = edition.pk
    elif obj.edition_id != edition.pk:
        obj.edition_id = edition.pk
    for name in PLACE_FIELDS:
        setattr(obj, name, values[name])
    if {name: getattr(obj, name) for name in tracked} != before:
        return _Outcome.CHANGED
    if _content(obj, "shipped_") != shipped_before:
        return _Outcome.BOOKKEEPING
    return _Outcome.UNCHANGED


def _search_text(obj: Any) -> str:
    return search_text(lead_in=obj.lead_in, text=obj.text, items=obj.items)


def _write_history(
    models: _Models, objs: Sequence[Any], kind: str, reason: str, now: dt.datetime
) -> None:
    """One history row per object, as django-simple-history would write on save()."""
    tracked = [f.attname for f in models.history._meta.fields if not f.name.startswith("history_")]
    models.history.objects.bulk_create(
        models.history(
            **{name: getattr(obj, name) for name in tracked},
            history_date=now,
            history_type=kind,
            history_change_reason=reason,
            history_user_id=None,
        )
        for obj in objs
    )


def _load_units(models: _Models, rows: Sequence[Mapping[str, Any]], report: LoadReport) -> None:
    result = _sync(models.unit, "slug", (_unit_values(row) for row in rows))
    report.units_created = result.created
    report.units_updated = result.updated


def _unit_values(row: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {"slug": row["slug"]}
    for name in UNIT_FIELDS:
        value = row.get(name)
        if name in STRING_UNIT_FIELDS:
            value = value or ""
        elif name == "department_types":
            value = list(value or [])
        values[name] = value
    return values
