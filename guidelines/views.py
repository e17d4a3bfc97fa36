"""Guideline pages: browse and search, one recommendation, its history and editing, grades, and
the detox-unit directory. Thin adapters over the selectors, services and search."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clinical.guideline.diff import Version, VersionDiff, version_diff
from clinical.guideline.text import items_to_lines
from guidelines.citations import grade_label, grade_summary
from guidelines.forms import BrowseForm, RecommendationEditForm, RestoreForm, UnitFilterForm
from guidelines.models import (
    Chapter,
    DetoxUnit,
    Edition,
    GradeDefinition,
    ModalDefinition,
    Recommendation,
    Section,
)
from guidelines.reach import reach
from guidelines.search import highlight_terms
from guidelines.selectors import (
    CHANGE_PERMISSION,
    VIEW_PERMISSION,
    VIEW_UNITS_PERMISSION,
    get_recommendation_for_user,
    require_permission,
)
from guidelines.services import StaleEditError, recommendation_restore, recommendation_update


def _table_of_contents() -> list[dict[str, Any]]:
    """Chapters, each with its sections that hold recommendations and how many (two queries)."""
    sections = (
        Section.objects.annotate(count=Count("recommendations"))
        .filter(count__gt=0)
        .order_by("line_start")
    )
    by_chapter: dict[int, list[Section]] = {}
    for section in sections:
        by_chapter.setdefault(section.chapter_id, []).append(section)
    return [
        {
            "chapter": chapter,
            "sections": by_chapter.get(chapter.pk, []),
            "count": sum(s.count for s in by_chapter.get(chapter.pk, [])),  # type: ignore[attr-defined]
        }
        for chapter in Chapter.objects.all()
    ]


@require_GET
def guideline_home(request: HttpRequest) -> HttpResponse:
    """Browse by chapter and section, filter by grade, search; hits highlighted."""
    require_permission(request.user, VIEW_PERMISSION)
    toc = _table_of_contents()
    form = BrowseForm(request.GET or None, chapters=[entry["chapter"] for entry in toc])
    context: dict[str, Any] = {"form": form, "toc": toc, "edition": Edition.objects.first()}
    if not form.is_bound:
        return render(request, "guidelines/home.html", context)
    if not form.is_valid():
        return render(request, "guidelines/home.html", context, status=400)
    data = form.cleaned_data
    queryset = Recommendation.objects.for_listing()
    results = list(queryset.browse(**data))
    context.update(
        results=results,
        searched=True,
        terms=highlight_terms(queryset, data["q"]) if data["q"] else [],
    )
    return render(request, "guidelines/home.html", context)


def _neighbours(recommendation: Recommendation) -> tuple[Recommendation | None, ...]:
    ordered = Recommendation.objects.only("ref", "grade", "line_start")
    previous = ordered.filter(line_start__lt=recommendation.line_start).order_by("-line_start")
    following = ordered.filter(line_start__gt=recommendation.line_start).order_by("line_start")
    return previous.first(), following.first()


@require_GET
def recommendation_detail(request: HttpRequest, ref: str) -> HttpResponse:
    recommendation = get_recommendation_for_user(request.user, ref)
    previous, following = _neighbours(recommendation)
    siblings = Recommendation.objects.filter(section=recommendation.section).only(
        "ref", "grade", "text", "line_start"
    )
    context = {
        "recommendation": recommendation,
        "previous": previous,
        "next": following,
        "siblings": siblings,
        "grade_definition": GradeDefinition.objects.filter(grade=recommendation.grade).first(),
        "grade_label": grade_label(recommendation.grade or None),
        "grade_summary": grade_summary(recommendation.grade or None),
        "modal_definition": ModalDefinition.objects.filter(word=recommendation.modal).first(),
        "may_edit": request.user.has_perm(CHANGE_PERMISSION),
    }
    return render(request, "guidelines/recommendation_detail.html", context)


def _edit_initial(recommendation: Recommendation) -> dict[str, Any]:
    return {
        "text": recommendation.text,
        "items": items_to_lines(recommendation.item_list),
        "grade": recommendation.grade,
        "version": recommendation.version,
    }


@require_http_methods(["GET", "POST"])
def recommendation_edit(request: HttpRequest, ref: str) -> HttpResponse:
    recommendation = get_recommendation_for_user(request.user, ref, permission=CHANGE_PERMISSION)
    form = RecommendationEditForm(request.POST or None, initial=_edit_initial(recommendation))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recommendation_update(
                recommendation=recommendation,
                text=data["text"],
                items=data["items"],
                grade=data["grade"],
                user=request.user,  # type: ignore[arg-type]
                reason=data["reason"],
                now=timezone.now(),
                base_version=data["version"],
            )
        except StaleEditError as error:
            form = _rebased_form(request, recommendation.ref)
            form.add_error(None, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved a new version of %(ref)s.") % {"ref": ref})
            return redirect("recommendation-history", ref=ref)
    status = 400 if form.is_bound else 200
    context = {"recommendation": recommendation, "form": form, "reach": reach(recommendation.ref)}
    return render(request, "guidelines/recommendation_edit.html", context, status=status)


def _rebased_form(request: HttpRequest, ref: str) -> RecommendationEditForm:
    """The editor's input, kept, now based on the version someone else saved meanwhile: saving
    again replaces that version (which stays in the history)."""
    current = Recommendation.objects.get(ref=ref)
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = RecommendationEditForm(data, initial=_edit_initial(current))
    form.is_valid()
    return form


@dataclass(frozen=True)
class HistoryEntry:
    record: Any
    diff: VersionDiff | None
    is_current: bool


def _history_entries(recommendation: Recommendation) -> list[HistoryEntry]:
    """Every version, newest first, each with its difference from the version before it."""
    records = list(
        recommendation.history.select_related("history_user", "edition").order_by(
            "-history_date", "-history_id"
        )
    )
    entries = []
    for index, record in enumerate(records):
        earlier = records[index + 1] if index + 1 < len(records) else None
        diff = None
        if earlier is not None:
            diff = version_diff(
                Version(earlier.text, earlier.items, earlier.grade),
                Version(record.text, record.items, record.grade),
            )
        entries.append(HistoryEntry(record=record, diff=diff, is_current=index == 0))
    return entries


@require_http_methods(["GET", "POST"])
def recommendation_history(request: HttpRequest, ref: str) -> HttpResponse:
    """Every version with who, when, why and a readable diff; administrators restore (POST)."""
    recommendation = get_recommendation_for_user(request.user, ref)
    may_restore = request.user.has_perm(CHANGE_PERMISSION)
    form = RestoreForm(request.POST or None)
    if request.method == "POST":
        require_permission(request.user, CHANGE_PERMISSION)
        if form.is_valid():
            try:
                recommendation_restore(
                    recommendation=recommendation,
                    history_id=form.cleaned_data["history_id"],
                    user=request.user,  # type: ignore[arg-type]
                    reason=form.cleaned_data["reason"],
                    now=timezone.now(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Restored an earlier version of %(ref)s.") % {"ref": ref}
                )
                return redirect("recommendation-history", ref=ref)
    context = {
        "recommendation": recommendation,
        "entries": _history_entries(recommendation),
        "may_restore": may_restore,
        "restore_form": form,
    }
    status = 400 if form.is_bound else 200
    return render(request, "guidelines/recommendation_history.html", context, status=status)


@require_GET
def grades(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, VIEW_PERMISSION)
    definitions = [
        {"definition": d, "label": grade_label(d.grade), "summary": grade_summary(d.grade)}
        for d in GradeDefinition.objects.all()
    ]
    modals = list(ModalDefinition.objects.all())
    refs = Recommendation.objects.values_list("ref", flat=True)
    context = {
        "grades": definitions,
        "modals": modals,
        "ungraded": list(refs.filter(grade="")),
        "undefined_modals": list(
            refs.exclude(modal="").exclude(modal__in=[m.word for m in modals])
        ),
        "edition": Edition.objects.first(),
    }
    return render(request, "guidelines/grades.html", context)


@require_GET
def detox_units(request: HttpRequest) -> HttpResponse:
    """The appendix 14.1 directory, filtered by region and capability."""
    require_permission(request.user, VIEW_UNITS_PERMISSION)
    regions = list(DetoxUnit.objects.order_by("region").values_list("region", flat=True).distinct())
    form = UnitFilterForm(request.GET or None, regions=regions)
    units = DetoxUnit.objects.all()
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        if form.cleaned_data["region"]:
            units = units.filter(region=form.cleaned_data["region"])
        wanted = {name: True for name in DetoxUnit.CAPABILITIES if form.cleaned_data[name]}
        units = units.filter(**wanted)
    labels = DetoxUnit.capability_labels()
    rows = [
        {"unit": unit, "capabilities": [(label, getattr(unit, name)) for name, label in labels]}
        for unit in (units if status == 200 else DetoxUnit.objects.none())
    ]
    context = {
        "form": form,
        "rows": rows,
        "unit_count": DetoxUnit.objects.count(),
        "edition": Edition.objects.first(),
    }
    return render(request, "guidelines/detox_units.html", context, status=status)
