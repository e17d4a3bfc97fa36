"""The care-plan document as a pipeline of plain functions:
``care_plan_context(episode)`` (a dict) → ``care_plan_html(context)`` (the template
``templates/reports/care_plan.html``) → ``html_to_pdf(html)`` (WeasyPrint, A4, with
``static/css/print.css``). ``care_plan_document`` runs the three in Norwegian and Oslo time, as a
worker must (it has no request and no user's language).

The document has every section the care plan needs: patient and episode, intake summary,
treatment level with its reasons and any override, medication plan with the taper calendar,
monitoring plan, score trends (``scoring.charts`` SVG) with their tables, discharge plan with
overdose prevention, an appendix with the full text and grade of every recommendation cited
anywhere in it, and signature fields. Nothing random goes into it: given the same records and the
same ``now`` it is the same document (the golden-image test relies on that).
"""

from __future__ import annotations

import logging
import mimetypes
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.db.models import BooleanField
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from clinical.schedule import OSLO
from core.formatting import local_date, local_datetime
from guidelines.citations import Citation, citation_dicts
from patients.level_presentation import level_label, present_proposal, referral_label
from patients.models import Episode, Intake, SubstanceUse, WithdrawalComplication
from patients.selectors import age_on
from plans import presentation, selectors
from plans.models import PlanLineKind, PlanLineStatus
from scoring.models import CIWA_AR_CODE, Assessment
from scoring.presentation import chart_for
from scoring.selectors import episode_trends, monitored_scale, next_due_after

if TYPE_CHECKING:
    from plans.models import CarePlan

logger = logging.getLogger(__name__)


class RefusedURLError(ValueError):
    """The care-plan renderer was asked for a resource outside the app's static files."""


TEMPLATE: Final = "reports/care_plan.html"
STYLESHEET: Final = "css/print.css"
DOCUMENT_LANGUAGE: Final = "nb"
# The intake facts the summary lists, in this order (labels are the model's verbose names).
INTAKE_FACTS: Final = (
    "overdose_count",
    "pregnant",
    "in_lar",
    "liver_failure",
    "somatic_comorbidity",
    "psychiatric_comorbidity",
    "breath_alcohol_permille",
    "allergies",
    "regular_medicines",
    "patient_preference",
)
SUBSTANCE_FACTS: Final = (
    "description",
    "dependent",
    "last_week_frequency",
    "last_week_amount",
    "route",
    "injecting",
    "continuous_use_days",
)


# --- Small helpers ----------------------------------------------------------------------------


def ref_sort_key(ref: str) -> tuple[tuple[int, int | str], ...]:
    """Guideline order: ``6.2.2-B1`` after ``6.2.2-2``, ``10.3-2`` after ``9.4-1``."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|[A-Z]+", ref)
    )


def moment_text(moment: datetime | None) -> str:
    if moment is None:
        return "–"
    return local_datetime(moment)


def yes_no(value: bool | None) -> str:
    if value is None:
        return gettext("not recorded")
    return gettext("yes") if value else gettext("no")


def person(user: User | None) -> str:
    if user is None:
        return "–"
    return user.get_full_name() or user.get_username()


def _value_text(instance: Intake | SubstanceUse, name: str) -> str:
    value = getattr(instance, name)
    model_field = instance._meta.get_field(name)
    if isinstance(value, bool) or (value is None and isinstance(model_field, BooleanField)):
        return yes_no(value)
    if value is None or value == "":
        return gettext("not recorded")
    if getattr(model_field, "choices", None):
        return str(getattr(instance, f"get_{name}_display")())
    return presentation.number_text(value) if not isinstance(value, str) else value


def _label(model: type[Intake] | type[SubstanceUse], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


# --- Sections ---------------------------------------------------------------------------------


def header_context(
    episode: Episode, *, care_plan: CarePlan | None, now: datetime
) -> dict[str, Any]:
    patient = episode.patient
    today = timezone.localtime(now, OSLO).date()
    return {
        "patient_name": patient.full_name,
        "national_id": patient.national_id,
        "birth_date": local_date(patient.birth_date),
        "age": age_on(patient.birth_date, today),
        "unit": episode.unit.name,
        "status": str(episode.get_status_display()),
        "setting": str(episode.get_setting_display()),
        "admitted_at": moment_text(episode.admitted_at),
        "discharged_at": moment_text(episode.discharged_at),
        "responsible_clinician": person(episode.responsible_clinician),
        "version": care_plan.version if care_plan else 1,
        "requested_by": person(care_plan.requested_by) if care_plan else "–",
        "generated_at": moment_text(now),
        "edition": care_plan.guideline_edition
        if care_plan
        else selectors.guideline_edition_label(),
    }


def intake_context(episode: Episode) -> dict[str, Any]:
    intake = Intake.objects.filter(episode=episode).prefetch_related("substances").first()
    if intake is None:
        return {"recorded": False}
    order = list(SubstanceUse._meta.get_field("substance").choices or [])
    codes = [code for code, _label in order]
    rows = sorted(intake.substances.all(), key=lambda row: codes.index(row.substance))
    complications = intake.previous_withdrawal_complications
    if complications is None:
        complication_text = gettext("not recorded")
    elif not complications:
        complication_text = gettext("none")
    else:
        complication_text = ", ".join(
            str(WithdrawalComplication(code).label) for code in complications
        )
    return {
        "recorded": True,
        "updated_at": moment_text(intake.updated_at),
        "substance_columns": [_label(SubstanceUse, name) for name in SUBSTANCE_FACTS],
        "substances": [
            {
                "label": str(row.get_substance_display()),
                "values": [_value_text(row, name) for name in SUBSTANCE_FACTS],
            }
            for row in rows
        ],
        "facts": [
            (_label(Intake, "previous_withdrawal_complications"), complication_text),
            *((_label(Intake, name), _value_text(intake, name)) for name in INTAKE_FACTS),
        ],
    }


def level_context(episode: Episode) -> dict[str, Any]:
    decision = episode.level_decisions.select_related("decided_by").first()
    if decision is None:
        return {"decided": False, "refs": []}
    substances = [row.get("substance") for row in decision.level_input.get("substances", [])]
    presented = present_proposal(decision.proposal, substances=[str(s) for s in substances])
    refs = [ref for item in [*presented["reasons"], *presented["cautions"]] for ref in item["refs"]]
    return {
        "decided": True,
        "accepted": decision.accepted,
        "proposed": level_label(decision.proposed_level or None),
        "proposed_referral": referral_label(decision.proposed_acute_referral or None),
        "chosen": level_label(decision.chosen_level),
        "chosen_referral": referral_label(decision.chosen_acute_referral or None),
        "reason": decision.reason,
        "decided_by": person(decision.decided_by),
        "decided_at": moment_text(decision.decided_at),
        "reasons": presented["reasons"],
        "cautions": presented["cautions"],
        "refs": refs,
    }


def medication_context(episode: Episode) -> dict[str, Any]:
    kept, removed = selectors.regimen_lines(episode)
    tapers = selectors.current_tapers(episode)
    removed_tapers = [
        {
            "label": str(presentation.TAPER_REGIMEN_LABELS.get(line.source.get("regimen", ""), "")),
            "reason": line.reason,
        }
        for line in selectors.plan_lines(episode)
        if line.kind == PlanLineKind.TAPER and line.status == PlanLineStatus.REMOVED
    ]
    plan = selectors.medication_plan(episode)
    refs = [ref for line in [*kept, *removed] for ref in line.refs]
    refs += [ref for taper in tapers for ref in taper.refs]
    return {
        "version": plan.version if plan else 0,
        "lines": kept,
        "removed": removed,
        "tapers": tapers,
        "removed_tapers": removed_tapers,
        "refs": refs,
    }


def monitoring_context(episode: Episode) -> dict[str, Any]:
    """Which scale, how often and why: 8.4.6-2 for CIWA-Ar, the unit's choice for COWS/SOWS."""
    code, suggested = monitored_scale(episode)
    if code is None:
        return {"scale": None, "refs": []}
    latest = (
        Assessment.objects.current()
        .withdrawal()
        .filter(episode=episode, instrument=code)
        .select_related("episode__unit")
        .order_by("-observed_at", "-id")
        .first()
    )
    if code == CIWA_AR_CODE:
        rule = gettext(
            "CIWA-Ar under 10: score every 4 hours; 10 or more: every hour. The guideline says "
            '"over 10"; exactly 10 is scored hourly (a local resolution).'
        )
        refs = ["8.4.6-2", "8.4.6-1"]
        local = False
    else:
        rule = gettext(
            "Every %(hours)s hours: a local choice of the unit, as the guideline gives no "
            "interval for COWS or SOWS."
        ) % {"hours": episode.unit.opioid_scale_interval_hours}
        refs = []
        local = True
    context: dict[str, Any] = {
        "scale": code.upper(),
        "suggested": suggested,
        "rule": rule,
        "local": local,
        "refs": refs,
        "latest": None,
    }
    if latest is not None:
        due, hours, _local = next_due_after(latest)
        context["latest"] = {
            "total": latest.total,
            "band": latest.band_label,
            "at": moment_text(latest.observed_at),
            "next_due": moment_text(due),
            "hours": hours,
        }
    return context


def trends_context(episode: Episode) -> list[dict[str, Any]]:
    trends = []
    for trend in episode_trends(episode):
        chart = chart_for(trend, chart_id=f"trend-{trend.instrument.code}")
        chart["rows"] = [
            {"at": moment_text(point.observed_at), "total": point.total, "band": point.band_label}
            for point in trend.points
        ]
        chart["dose_rows"] = [
            {
                "at": moment_text(dose.given_at),
                "drug": dose.drug_label,
                "mg": presentation.number_text(dose.dose_mg),
                "route": str(dose.get_route_display()),
            }
            for dose in trend.doses
        ]
        trends.append(chart)
    return trends


def appendix(refs: Iterable[str]) -> list[Citation]:
    """Every cited recommendation, in guideline order, with its grade and full text.

    A reason that points at a whole section (background text such as "9.3") is not a
    recommendation and is not listed.
    """
    found = [citation for citation in citation_dicts(refs) if citation["exists"]]
    return sorted(found, key=lambda c: ref_sort_key(c["ref"]))


def care_plan_context(
    episode: Episode, *, care_plan: CarePlan | None = None, now: datetime
) -> dict[str, Any]:
    """Everything the care-plan template shows, as plain data (translated in the active
    language; ``care_plan_document`` makes that Norwegian)."""
    header = header_context(episode, care_plan=care_plan, now=now)
    level = level_context(episode)
    medication = medication_context(episode)
    monitoring = monitoring_context(episode)
    discharge = selectors.discharge_view(episode, now=now)
    refs = [*level["refs"], *medication["refs"], *monitoring["refs"], *discharge.refs]
    return {
        "header": header,
        "intake": intake_context(episode),
        "level": level,
        "medication": medication,
        "monitoring": monitoring,
        "trends": trends_context(episode),
        "discharge": discharge,
        "appendix": appendix(refs),
    }


# --- HTML and PDF -----------------------------------------------------------------------------


def care_plan_html(context: Mapping[str, Any]) -> str:
    return render_to_string(TEMPLATE, dict(context))


def stylesheet_path() -> str:
    found = finders.find(STYLESHEET)
    if not isinstance(found, str):
        raise LookupError(f"static file {STYLESHEET} not found")
    return found


def static_roots() -> list[Path]:
    """The directories the app's own static files come from (resolved, symlinks followed)."""
    roots = [Path(str(root)) for root in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(str(settings.STATIC_ROOT)))
    return [root.resolve() for root in roots if root.is_dir()]


def static_base_url() -> str:
    """The document's base URL: a relative ``src`` or ``href`` means a file of the app's static
    directory, and nothing else."""
    roots = static_roots()
    return roots[0].as_uri() + "/" if roots else "file:///nonexistent-static/"


def static_file_for(url: str) -> Path | None:
    """The file a ``file:`` URL names if it lies inside a static root (after resolving ``..`` and
    symlinks), else None."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(url2pathname(parts.path)).resolve()
    for root in static_roots():
        if path.is_relative_to(root) and path.is_file():
            return path
    return None


def make_url_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves only the app's static files and ``data:`` URLs.

    Anything else (http, https, ftp, ``file:`` outside the static roots, ``..`` tricks) is
    refused and logged, so that no text of the record can make the renderer read a local file or
    reach the network. WeasyPrint leaves a refused resource out and goes on with the document.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            path = static_file_for(url)
            if path is None:
                logger.warning("Care-plan PDF: refused to fetch %r", url[:500])
                raise RefusedURLError(f"refused: {url[:500]!r}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), {"Content-Type": content_type}
            )

    return StaticOnlyFetcher(allowed_protocols=("data",), allow_redirects=False)


def html_to_pdf(html: str) -> bytes:
    """A4 PDF from the HTML, with the print stylesheet (fonts: DejaVu Sans, installed).

    Every resource goes through ``make_url_fetcher()``: static files and ``data:`` URLs only.
    """
    from weasyprint import (  # imported here: loading Pango is slow and the web rarely needs it
        CSS,
        HTML,
    )

    fetcher = make_url_fetcher()
    pdf = HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(filename=stylesheet_path(), url_fetcher=fetcher)]
    )
    if not isinstance(pdf, bytes):
        raise TypeError("WeasyPrint returned no bytes")
    return pdf


def care_plan_document(
    episode: Episode, *, care_plan: CarePlan | None = None, now: datetime
) -> bytes:
    """The care plan as PDF bytes, in Norwegian and Oslo time whoever asks for it."""
    with translation.override(DOCUMENT_LANGUAGE), timezone.override(OSLO):
        html = care_plan_html(care_plan_context(episode, care_plan=care_plan, now=now))
    return html_to_pdf(html)
