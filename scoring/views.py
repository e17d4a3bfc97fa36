"""Ward pages: the board, score entry and result, an episode's scores and doses, screening.

Thin adapters: fetch and authorize (``patients.selectors`` / ``scoring.selectors``, 404 outside
the user's unit, 403 without the permission), parse the form, call one service, render. Every
read of a patient's record is written to the access log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinical.advice import OLANZAPINE_MAX_MG
from clinical.instruments import INSTRUMENTS, Instrument
from clinical.opioid_advice import OPIOID_SCALES
from clinical.scoring import score
from patients.access_log import access_log_record, access_log_record_many
from patients.models import AccessAction, Episode
from patients.selectors import get_episode_for_user
from scoring import permissions, presentation, selectors
from scoring.checks import (
    InvalidInput,
)
from scoring.forms import (
    AdministrationCorrectionForm,
    AdministrationForm,
    AssessmentCorrectionForm,
    AssessmentForm,
    MonitoringForm,
    PlannedDoseCorrectionForm,
    PlannedDoseForm,
    new_submission_key,
)
from scoring.models import Assessment
from scoring.planned_doses import planned_dose_correct, planned_dose_record
from scoring.presentation import (
    advice_lines,
    chart_for,
    interval_words,
    item_rows,
    note_lines,
)
from scoring.services import (
    AlreadyRecorded,
    assessment_correct,
    assessment_record,
    medication_administration_correct,
    medication_administration_record,
    monitoring_choose,
)

VIEW = permissions.VIEW_ASSESSMENT
ADD = permissions.ADD_ASSESSMENT
ADD_SCREENING = permissions.ADD_SCREENING
ADD_DOSE = permissions.ADD_ADMINISTRATION
CHOOSE_SCALE = permissions.ADD_MONITORING_CHOICE


def _require(request: HttpRequest, *perms: str) -> User:
    user = request.user
    if not isinstance(user, User) or not all(user.has_perm(perm) for perm in perms):
        raise PermissionDenied
    return user


def _log_view(request: HttpRequest, user: User, episode: Episode, what: str) -> None:
    access_log_record(
        user=user, patient=episode.patient, action=AccessAction.VIEW, what=what, request=request
    )


def _instrument(code: str, kind: str) -> Instrument:
    instrument = INSTRUMENTS.get(code)
    if instrument is None or instrument.kind != kind:
        raise Http404
    return instrument


def _now_local_minute() -> datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


_Stored = TypeVar("_Stored")


def _corrected(form: Any, correct: Callable[..., _Stored], **values: Any) -> _Stored | None:
    """Run a correction service with the form's reason, now; its input problems go onto the
    form's fields (and None is returned), else the stored correction."""
    try:
        return correct(**values, reason=form.cleaned_data["reason"], now=timezone.now())
    except InvalidInput as invalid:
        form.add_service_errors(invalid.errors)
        return None


# --- the ward board ------------------------------------------------------------------------------


def _board_context(request: HttpRequest) -> dict[str, Any]:
    """The unit's board at now, written to the access log (the page and its 30 s refresh show the
    same names and scores, so both are logged the same way)."""
    user = _require(request, VIEW)
    now = timezone.now()
    rows = selectors.ward_board(user, now=now)
    access_log_record_many(
        user=user,
        patients=[row.episode.patient for row in rows],
        action=AccessAction.VIEW,
        what="ward board",
        request=request,
    )
    # The navigation's overdue badge reuses this count instead of asking again.
    request.overdue_count = sum(1 for row in rows if row.status == "overdue")  # type: ignore[attr-defined]
    return {"rows": presentation.board_lines(rows, now), "now": now}


@require_GET
def ward_board(request: HttpRequest) -> HttpResponse:
    """The unit's inpatients, overdue first; the rows refresh themselves every 30 s (htmx)."""
    return render(request, "scoring/ward_board.html", _board_context(request))


@require_GET
def ward_board_rows(request: HttpRequest) -> HttpResponse:
    """The 30 s refresh: the rows, and the navigation's overdue badge out of band (htmx), so the
    badge never disagrees with the rows under it."""
    return render(request, "scoring/_board_rows.html", {**_board_context(request), "refresh": True})


# --- score entry and result ----------------------------------------------------------------------


def _assessment_form_page(
    request: HttpRequest,
    *,
    episode: Episode,
    instrument: Instrument,
    form: AssessmentForm,
    template: str,
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    context = {
        "episode": episode,
        "patient": episode.patient,
        "instrument": instrument,
        "form": form,
        "items": item_rows(instrument, form),
        "skippable": bool(instrument.skip_rules),
        **(extra or {}),
    }
    return render(request, template, context, status=400 if form.errors else 200)


def _record(
    request: HttpRequest, user: User, episode: Episode, instrument: Instrument
) -> tuple[AssessmentForm, Assessment | None]:
    form = AssessmentForm(request.POST, instrument=instrument)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    try:
        assessment = assessment_record(
            episode=episode,
            instrument=instrument.code,
            items=_answered(form),
            observed_at=data.get("observed_at"),
            breath_alcohol=data.get("breath_alcohol_permille"),
            drowsy=bool(data.get("drowsy")),
            current_delirium=bool(data.get("current_delirium")),
            user=user,
            now=timezone.now(),
        )
    except InvalidInput as invalid:
        form.add_service_errors(invalid.errors)
        return form, None
    return form, assessment


def _answered(form: AssessmentForm) -> dict[str, object]:
    """The items the user answered; the service names the ones left out."""
    return {
        key: form.cleaned_data[key]
        for key in form.instrument.item_keys
        if form.cleaned_data.get(key) not in (None, "")
    }


@require_http_methods(["GET", "POST"])
def assessment_create(request: HttpRequest, episode_id: int, code: str) -> HttpResponseBase:
    """Tablet-first entry of a withdrawal score (CIWA-Ar, COWS, SOWS)."""
    return _entry(request, episode_id, code, permission=ADD, kind="withdrawal", what="score entry")


def _entry(
    request: HttpRequest, episode_id: int, code: str, *, permission: str, kind: str, what: str
) -> HttpResponseBase:
    """Show or store a new score of one instrument of ``kind``; a stored score shows its result."""
    user = _require(request, permission)
    episode = get_episode_for_user(user, episode_id)
    instrument = _instrument(code, kind)
    if request.method == "POST":
        form, assessment = _record(request, user, episode, instrument)
        if assessment is not None:
            return redirect("assessment-detail", assessment_id=assessment.pk)
    else:
        form = AssessmentForm(instrument=instrument, initial={"observed_at": _now_local_minute()})
        _log_view(request, user, episode, f"{what} ({instrument.code})")
    return _assessment_form_page(
        request,
        episode=episode,
        instrument=instrument,
        form=form,
        template="scoring/assessment_form.html",
    )


# The dose the advice names, to prefill the dose form (the nurse confirms or changes it).
_ADVICE_DOSES: dict[str, dict[str, Any]] = {
    "diazepam_hourly": {"drug": "diazepam", "dose_mg": 10, "route": "oral"},
    "diazepam_continue_hourly": {"drug": "diazepam", "dose_mg": 10, "route": "oral"},
    "diazepam_qid": {"drug": "diazepam", "dose_mg": 10, "route": "oral"},
    "olanzapine": {"drug": "olanzapine", "dose_mg": 10, "route": "im"},
    # 8.4.5-2 names no route for the DT diazepam; the nurse chooses it.
    "delirium_tremens_diazepam": {"drug": "diazepam", "dose_mg": 10},
}


def _proposed_dose(codes: Iterable[str]) -> dict[str, Any]:
    for code in codes:
        if code in _ADVICE_DOSES:
            return _ADVICE_DOSES[code]
    return {}


@require_GET
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The result of one score: band, next due time, and the guideline's advice with citations."""
    user = _require(request, VIEW)
    assessment = selectors.get_result_for_user(user, assessment_id)
    episode = assessment.episode
    instrument = INSTRUMENTS[assessment.instrument]
    versions = selectors.versions_of(assessment)
    result = score(
        assessment.instrument,
        assessment.items,
        sex=assessment.sex or None,
        local_interval_hours=episode.unit.opioid_scale_interval_hours,
    )
    context: dict[str, Any] = {
        "assessment": assessment,
        "episode": episode,
        "patient": episode.patient,
        "instrument": instrument,
        "band_label": assessment.band_label,
        "versions": versions,
        # The version that corrected this one (None for the current version), read off the chain.
        "corrected_by": versions[versions.index(assessment) + 1]
        if versions[-1] != assessment
        else None,
        "notes": note_lines(result.notes),
        "treatment_tier": result.treatment_tier,
        "treatment_tier_refs": result.treatment_tier_refs,
    }
    if instrument.kind == "withdrawal":
        due, hours, local = selectors.next_due_after(assessment)
        context.update(
            next_due=due,
            interval_hours=hours,
            interval_words=interval_words(hours),
            interval_local_choice=local,
            interval_refs=result.monitoring_interval_refs,
        )
        initial: dict[str, Any] = {
            "assessment": assessment.pk,
            "submission_key": new_submission_key(),
        }
        # The latest score's advice stands at now, counting every dose given since the score
        # (issue 14: after a dose the advice and totals follow at once); a corrected version's
        # advice stays as it stood when it was observed.
        # Read once: whether a newer score exists, and the earlier ones the CIWA-Ar advice
        # counts (a corrected version's advice stands as it was, whatever is newer).
        scores = (
            selectors.current_scores(episode.pk, assessment.instrument)
            if context["corrected_by"] is None
            else None
        )
        newer = scores is not None and selectors.newer_score_exists(assessment, scores)
        # An older score (a newer one exists) keeps its advice as it stood.
        at = timezone.now() if scores is not None and not newer else None
        if assessment.instrument == "ciwa-ar":
            advice = selectors.ciwa_advice_for(
                assessment,
                at=at,
                earlier=None if scores is None else selectors.earlier_scores(assessment, scores),
            )
            context.update(advice=advice, advice_lines=advice_lines(advice.lines), advice_at=at)
            if any(code.startswith("thiamine") for code in advice.codes):
                # The advice speaks of thiamine: say what the plan and today's record say.
                context["thiamine"] = selectors.thiamine_status(episode, timezone.localdate())
            if at is not None and not getattr(assessment, "has_administrations", True):
                # Proposed only on the current score's page (an older or corrected score's advice
                # is as it stood, not what to give now), and until a dose answers it.
                initial.update(_proposed_dose(advice.codes))
        elif assessment.instrument in OPIOID_SCALES:
            # Chapter 10 (10.5-1, 12-7): the same bedside support as CIWA-Ar, without doses the
            # guideline does not give.
            opioid = selectors.opioid_advice_for(assessment, at=at)
            context.update(advice=opioid, advice_lines=advice_lines(opioid.lines))
        context["dose_form"] = AdministrationForm(initial=initial)
    _log_view(request, user, episode, f"assessment {assessment.pk}")
    return render(request, "scoring/assessment_detail.html", context)


@require_http_methods(["GET", "POST"])
def assessment_correct_view(request: HttpRequest, assessment_id: int) -> HttpResponseBase:
    """Correct a stored score: a new version with a reason; the original stays visible."""
    user = _require(request, ADD)
    original = selectors.get_assessment_for_user(user, assessment_id)
    if original.kind == "screening":
        _require(request, ADD_SCREENING)
    instrument = INSTRUMENTS[original.instrument]
    if request.method == "POST":
        form = AssessmentCorrectionForm(request.POST, instrument=instrument)
        if form.is_valid():
            data = form.cleaned_data
            correction = _corrected(
                form,
                assessment_correct,
                original=original,
                items=_answered(form),
                observed_at=data["observed_at"],
                breath_alcohol=data.get("breath_alcohol_permille"),
                drowsy=bool(data.get("drowsy")),
                current_delirium=bool(data.get("current_delirium")),
                user=user,
            )
            if correction is not None:
                return redirect("assessment-detail", assessment_id=correction.pk)
    else:
        initial: dict[str, Any] = dict(original.items)
        initial.update(
            observed_at=timezone.localtime(original.observed_at),
            breath_alcohol_permille=original.breath_alcohol_permille,
            drowsy=original.drowsy,
            current_delirium=original.current_delirium,
        )
        form = AssessmentCorrectionForm(instrument=instrument, initial=initial)
        _log_view(request, user, original.episode, f"score correction ({original.instrument})")
    return _assessment_form_page(
        request,
        episode=original.episode,
        instrument=instrument,
        form=form,
        template="scoring/assessment_correct.html",
        extra={"original": original},
    )


# --- an episode's scores, doses and monitoring scale ---------------------------------------------


def _grouped_versions(records: Iterable[Any]) -> list[Any]:
    """Current versions, each with ``earlier_versions`` (what it replaced, newest first).

    Each earlier version gets ``replaced_by``: the version that corrected it, whose reason and
    author say why and by whom.
    """
    by_pk = {record.pk: record for record in records}
    replaced = {record.supersedes_id for record in by_pk.values()}
    current = []
    for record in by_pk.values():
        if record.pk in replaced:
            continue
        earlier = []
        newer = record
        while newer.supersedes_id is not None and newer.supersedes_id in by_pk:
            older = by_pk[newer.supersedes_id]
            older.replaced_by = newer
            earlier.append(older)
            newer = older
        record.earlier_versions = earlier
        current.append(record)
    return current


LINK_CHOICES = 8


@require_GET
def episode_scores(request: HttpRequest, episode_id: int) -> HttpResponse:
    """Trend chart and table per scale, every score and dose with their corrections."""
    user = _require(request, VIEW)
    episode = get_episode_for_user(user, episode_id)
    assessments = list(selectors.episode_assessments(episode))
    administrations = list(selectors.episode_administrations(episode))
    scale, suggested = selectors.monitored_scale(episode)
    trends = selectors.episode_trends(episode)
    # Current versions, newest observation first, each with the versions it replaced.
    withdrawal = _grouped_versions(a for a in assessments if a.kind == "withdrawal")
    context = {
        "episode": episode,
        "patient": episode.patient,
        "charts": [chart_for(trend, chart_id=f"trend-{trend.instrument.code}") for trend in trends],
        "withdrawal": withdrawal,
        "screening": _grouped_versions(a for a in assessments if a.kind == "screening"),
        "administrations": _grouped_versions(administrations),
        "scale": INSTRUMENTS[scale] if scale else None,
        "scale_suggested": suggested,
        "scales": [i for i in INSTRUMENTS.values() if i.kind == "withdrawal"],
        "monitoring_form": MonitoringForm(initial={"instrument": scale}),
        "dose_form": AdministrationForm(
            initial={"given_at": _now_local_minute(), "submission_key": new_submission_key()}
        ),
        # The dose form links to a recent current score, the newest preselected.
        "link_choices": withdrawal[:LINK_CHOICES],
        "can_screen": user.has_perm(ADD_SCREENING),
    }
    _log_view(request, user, episode, "scores and doses")
    return render(request, "scoring/episode_scores.html", context)


@require_POST
def monitoring_set(request: HttpRequest, episode_id: int) -> HttpResponseBase:
    user = _require(request, CHOOSE_SCALE)
    episode = get_episode_for_user(user, episode_id)
    form = MonitoringForm(request.POST)
    if form.is_valid():
        try:
            monitoring_choose(
                episode=episode,
                instrument=form.cleaned_data["instrument"],
                user=user,
                now=timezone.now(),
            )
        except InvalidInput as invalid:
            form.add_service_errors(invalid.errors)
        else:
            return redirect(_safe_next(request, reverse("episode-scores", args=[episode.pk])))
    return render(
        request,
        "scoring/monitoring_form.html",
        {"episode": episode, "patient": episode.patient, "form": form},
        status=400,
    )


def _dose_values(form: AdministrationForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "drug": data["drug"],
        "drug_other": data.get("drug_other") or "",
        "dose_mg": data["dose_mg"],
        "route": data["route"],
    }


@require_http_methods(["GET", "POST"])
def administration_create(request: HttpRequest, episode_id: int) -> HttpResponseBase:
    """Record a dose given, optionally linked to the score it answered."""
    user = _require(request, ADD_DOSE)
    episode = get_episode_for_user(user, episode_id)
    fallback = reverse("episode-scores", args=[episode.pk])
    if request.method == "POST":
        form = AdministrationForm(request.POST)
        if form.is_valid():
            linked = _linked_assessment(user, episode, form.cleaned_data.get("assessment"))
            try:
                given = medication_administration_record(
                    episode=episode,
                    **_dose_values(form),
                    given_at=form.cleaned_data.get("given_at"),
                    assessment=linked,
                    user=user,
                    now=timezone.now(),
                    submission_key=form.cleaned_data.get("submission_key") or "",
                )
            except InvalidInput as invalid:
                form.add_service_errors(invalid.errors)
            except AlreadyRecorded as already:
                # Nothing stored; the page the nurse came from says so plainly.
                messages.warning(request, already.message)
                return redirect(_safe_next(request, fallback))
            else:
                messages.success(
                    request,
                    gettext("Dose registered: %(drug)s %(dose)s mg, given %(time)s.")
                    % {
                        "drug": given.drug_label,
                        "dose": formats.localize(given.dose_mg.normalize()),
                        "time": dateformat.format(
                            timezone.localtime(given.given_at), gettext("H:i")
                        ),
                    },
                )
                return redirect(_safe_next(request, fallback))
    else:
        form = AdministrationForm(
            initial={
                "given_at": _now_local_minute(),
                "assessment": request.GET.get("assessment"),
                "submission_key": new_submission_key(),
            }
        )
        _log_view(request, user, episode, "dose entry")
    return render(
        request,
        "scoring/administration_form.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "form": form,
            "next": _safe_next(request, fallback),
        },
        status=400 if form.errors else 200,
    )


def _linked_assessment(user: User, episode: Episode, pk: int | None) -> Assessment | None:
    if not pk:
        return None
    assessment = selectors.get_assessment_for_user(user, pk)
    if assessment.episode_id != episode.pk:
        raise Http404
    return assessment


@require_http_methods(["GET", "POST"])
def administration_correct_view(request: HttpRequest, administration_id: int) -> HttpResponseBase:
    user = _require(request, ADD_DOSE)
    original = selectors.get_administration_for_user(user, administration_id)
    episode = original.episode
    if request.method == "POST":
        form = AdministrationCorrectionForm(request.POST)
        if form.is_valid():
            corrected = _corrected(
                form,
                medication_administration_correct,
                original=original,
                **_dose_values(form),
                given_at=form.cleaned_data["given_at"],
                entered_in_error=bool(form.cleaned_data.get("entered_in_error")),
                user=user,
            )
            if corrected is not None:
                # Back where the nurse came from (the medication view links here with ?next=).
                return redirect(_safe_next(request, reverse("episode-scores", args=[episode.pk])))
    else:
        form = AdministrationCorrectionForm(
            initial={
                "drug": original.drug,
                "drug_other": original.drug_other,
                "dose_mg": original.dose_mg,
                "route": original.route,
                "given_at": timezone.localtime(original.given_at),
            }
        )
        _log_view(request, user, episode, "dose correction")
    return render(
        request,
        "scoring/administration_correct.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "form": form,
            "original": original,
            "next": _safe_next(request, ""),
        },
        status=400 if form.errors else 200,
    )


# --- the medication administration view (issue 14) -----------------------------------------------

VIEW_MEDICATION = (permissions.VIEW_PLANNED_DOSE, permissions.VIEW_ADMINISTRATION)


def _medication_page(
    request: HttpRequest,
    user: User,
    episode: Episode,
    *,
    form: PlannedDoseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    day = selectors.medication_day(episode, timezone.localdate(now), now)
    return render(
        request,
        "scoring/medication.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "day": day,
            "form": form,
            "failed_slot": form["slot"].value() if form is not None else "",
            "now": now,
            "olanzapine_max_mg": OLANZAPINE_MAX_MG,
        },
        status=status,
    )


@require_GET
def ward_medication(request: HttpRequest, episode_id: int) -> HttpResponse:
    """What the accepted plan says is due today, each given or not given, the doses given today,
    and the cumulative diazepam and olanzapine in the current escalation."""
    user = _require(request, *VIEW_MEDICATION)
    episode = get_episode_for_user(user, episode_id)
    _log_view(request, user, episode, "medication administration")
    return _medication_page(request, user, episode)


@require_POST
def ward_medication_record(request: HttpRequest, episode_id: int) -> HttpResponseBase:
    """Mark one of today's planned doses given, or not given with the reason."""
    user = _require(request, permissions.ADD_PLANNED_DOSE, *VIEW_MEDICATION)
    episode = get_episode_for_user(user, episode_id)
    form = PlannedDoseForm(request.POST)
    if form.is_valid():
        now = timezone.now()
        given = form.cleaned_data["given"] == "yes"
        try:
            record = planned_dose_record(
                episode=episode,
                due_date=timezone.localdate(now),
                slot=form.cleaned_data["slot"],
                given=given,
                reason=form.cleaned_data.get("reason_not_given") or "",
                dose_mg=form.cleaned_data.get("dose_mg"),
                user=user,
                now=now,
            )
        except InvalidInput as invalid:
            form.add_service_errors(invalid.errors)
        else:
            text = (
                gettext("%(drug)s %(dose)s registered as given.")
                if given
                else gettext("%(drug)s %(dose)s registered as not given.")
            )
            messages.success(request, text % {"drug": record.drug, "dose": record.dose})
            return redirect("ward-medication", episode_id=episode.pk)
    return _medication_page(request, user, episode, form=form, status=400)


@require_http_methods(["GET", "POST"])
def planned_dose_correct_view(request: HttpRequest, record_id: int) -> HttpResponseBase:
    """Correct a given / not-given registration: a new version with a reason; the original stays."""
    user = _require(request, permissions.ADD_PLANNED_DOSE, *VIEW_MEDICATION)
    original = selectors.get_planned_dose_record_for_user(user, record_id)
    episode = original.episode
    if request.method == "POST":
        form = PlannedDoseCorrectionForm(request.POST)
        if form.is_valid():
            try:
                planned_dose_correct(
                    original=original,
                    given=form.cleaned_data["given"] == "yes",
                    reason_not_given=form.cleaned_data.get("reason_not_given") or "",
                    recorded_at=form.cleaned_data["recorded_at"],
                    reason=form.cleaned_data["reason"],
                    dose_mg=form.cleaned_data.get("dose_mg"),
                    user=user,
                    now=timezone.now(),
                )
            except InvalidInput as invalid:
                form.add_service_errors(invalid.errors)
            else:
                messages.success(request, gettext("The correction is saved."))
                return redirect("ward-medication", episode_id=episode.pk)
    else:
        form = PlannedDoseCorrectionForm(
            initial={
                "given": "yes" if original.given else "no",
                "reason_not_given": original.reason_not_given,
                "dose_mg": original.dose_mg,
                "recorded_at": timezone.localtime(original.recorded_at),
            }
        )
        _log_view(request, user, episode, f"planned dose correction {original.pk}")
    return render(
        request,
        "scoring/planned_dose_correct.html",
        {"episode": episode, "patient": episode.patient, "form": form, "original": original},
        status=400 if form.errors else 200,
    )


# --- screening at intake -------------------------------------------------------------------------


SCREENING_CODES = ("audit", "dudit", "fast", "cage", "tweak")


@require_GET
def screening_index(request: HttpRequest, episode_id: int) -> HttpResponse:
    """The screening instruments for the episode, with the latest result of each."""
    user = _require(request, VIEW, ADD_SCREENING)
    episode = get_episode_for_user(user, episode_id)
    pregnant = getattr(getattr(episode, "intake", None), "pregnant", None)
    rows = []
    for code in SCREENING_CODES:
        latest = selectors.latest_screening(episode, code)
        rows.append(
            {
                "instrument": INSTRUMENTS[code],
                "latest": latest,
                "band_label": latest.band_label if latest else "",
            }
        )
    _log_view(request, user, episode, "screening")
    return render(
        request,
        "scoring/screening_index.html",
        {"episode": episode, "patient": episode.patient, "rows": rows, "pregnant": pregnant},
    )


@require_http_methods(["GET", "POST"])
def screening_create(request: HttpRequest, episode_id: int, code: str) -> HttpResponseBase:
    """Fill in AUDIT, DUDIT, FAST, CAGE or TWEAK for the episode (clinicians, at intake)."""
    return _entry(
        request,
        episode_id,
        code,
        permission=ADD_SCREENING,
        kind="screening",
        what="screening entry",
    )
