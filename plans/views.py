"""Pages of the episode's plan, mounted at ``/plans/``: the medication plan (proposals, taper,
versions, a print view), the discharge checklist, and the care-plan PDFs.

Thin adapters: fetch-and-authorize through ``plans.selectors`` (403 for a role without the
permission, 404 for another unit's episode), a form, a service, and the access log for every read
(the services log the writes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from clinical.tapers import TaperInputError, taper_plan
from patients.access_log import access_log_record
from patients.concurrency import (
    StaleEditError,
    form_labels,
    stale_form,
)
from patients.models import AccessAction, Episode
from plans import history, presentation, selectors, services
from plans.forms import (
    ACCEPT,
    ADJUST,
    REMOVE,
    DischargeForm,
    LineDecisionForm,
    TaperForm,
    discharge_initial,
)
from plans.models import CarePlan, CarePlanError, CarePlanStatus, PlanLineKind
from plans.permissions import (
    ADD_CARE_PLAN,
    CHANGE_DISCHARGE,
    CHANGE_PLAN,
    VIEW_CARE_PLAN,
    VIEW_DISCHARGE,
    VIEW_PLAN,
)
from plans.tasks import generate_care_plan


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _log_view(request: HttpRequest, episode: Episode, what: str) -> None:
    access_log_record(
        user=_user(request),
        patient=episode.patient,
        action=AccessAction.VIEW,
        what=what,
        request=request,
    )


def _base(episode: Episode, current: str, user: User) -> dict[str, Any]:
    return {
        "episode": episode,
        "patient": episode.patient,
        "plan_tab": current,
        "can_view_plan": user.has_perm(VIEW_PLAN),
        "can_view_discharge": user.has_perm(VIEW_DISCHARGE),
        "can_view_care_plans": user.has_perm(VIEW_CARE_PLAN),
    }


# --- Medication plan --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def medication_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Proposals from the regimens and the taper engine; accept, adjust or remove each; the
    taper form with a preview of its calendar; the plan's versions."""
    user = _user(request)
    episode = selectors.get_episode_for(user, pk, permission=VIEW_PLAN)
    can_change = user.has_perm(CHANGE_PLAN) and episode.is_open
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    intake_use = selectors.intake_use(episode)
    taper_form = TaperForm(initial=_taper_initial(episode), intake_use=intake_use)
    line_form: LineDecisionForm | None = None
    preview = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("form")
        if action == "line":
            result = _decide_line(request, user, episode)
            if isinstance(result, HttpResponse):
                return result
            line_form = result
            status = 400
        elif action in ("taper_preview", "taper_accept"):
            taper_form = TaperForm(request.POST, intake_use=intake_use)
            result_taper = _taper(
                request, user, episode, taper_form, accept=action == "taper_accept"
            )
            if isinstance(result_taper, HttpResponse):
                return result_taper
            preview = result_taper
            status = 200 if taper_form.is_valid() and not taper_form.errors else 400
        else:
            raise Http404
    _log_view(request, episode, "medication plan")
    today = timezone.localdate()
    return render(
        request,
        "plans/medication_plan.html",
        {
            **_base(episode, "medication", user),
            "groups": selectors.medication_proposals(episode),
            "notices": selectors.proposal_notices(episode),
            "tapers": selectors.current_tapers(episode, check_tables=can_change),
            "taper_form": taper_form,
            "preview": preview,
            "line_form": line_form,
            "line_form_code": line_form.data.get("code", "") if line_form else "",
            "versions": selectors.plan_versions(episode),
            "plan": selectors.medication_plan(episode),
            "can_change": can_change,
            "todays": selectors.todays_doses(episode, today),
            "today": today,
        },
        status=status,
    )


def _taper_initial(episode: Episode) -> dict[str, Any]:
    initial = selectors.taper_initial(episode)
    for name in ("opioid_dependent", "pregnant"):
        value = initial.get(name)
        initial[name] = "" if value is None else ("true" if value else "false")
    initial["start_date"] = timezone.localdate()
    return initial


def _decide_line(
    request: HttpRequest, user: User, episode: Episode
) -> HttpResponse | LineDecisionForm:
    form = LineDecisionForm(request.POST)
    if not form.is_valid():
        return form
    code = form.cleaned_data["code"]
    line = next((line for line in selectors.plan_lines(episode) if line.code == code), None)
    proposal = selectors.proposal_by_code(episode, code) or (line.source if line else None)
    if proposal is None:
        form.add_error(None, gettext("This proposal is no longer made: reload the page."))
        return form
    kind = PlanLineKind(line.kind) if line is not None else PlanLineKind.REGIMEN
    action = form.cleaned_data["action"]
    try:
        if action == ACCEPT:
            services.medication_plan_line_accept(
                episode=episode, proposal=proposal, user=user, kind=kind, request=request
            )
        elif action == ADJUST:
            services.medication_plan_line_adjust(
                episode=episode,
                proposal=proposal,
                adjusted={name: form.cleaned_data[name] for name in ("dose", "schedule", "note")},
                reason=form.cleaned_data["reason"],
                user=user,
                kind=kind,
                request=request,
            )
        else:
            services.medication_plan_line_remove(
                episode=episode,
                proposal=proposal,
                reason=form.cleaned_data["reason"],
                user=user,
                kind=kind,
                request=request,
            )
    except ValidationError as error:
        _form_errors(form, error)
        return form
    done = {
        ACCEPT: gettext("Accepted into the plan."),
        ADJUST: gettext("Adjusted in the plan."),
        REMOVE: gettext("Removed from the plan."),
    }
    messages.success(request, done[action])
    return redirect(f"{request.path}#line-{code}")


def _form_errors(form: Any, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


def _taper(
    request: HttpRequest, user: User, episode: Episode, form: TaperForm, *, accept: bool
) -> HttpResponse | presentation.TaperView | None:
    if not form.is_valid():
        return None
    data = form.request_data()
    try:
        computed = taper_plan(data)
    except TaperInputError as error:
        form.add_engine_errors(services.taper_errors(error))
        return None
    view = presentation.taper_view_of(computed.to_dict(), doses_per_day=data["doses_per_day"])
    if not accept:
        return view
    try:
        services.taper_schedule_accept(
            episode=episode,
            request_data=data,
            user=user,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except ValidationError as error:
        form.add_engine_errors(error)
        return view
    messages.success(request, gettext("The taper is accepted into the plan."))
    return redirect(f"{request.path}#tapers")


@require_GET
def medication_plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan as it stands, for printing (the browser's print, with print CSS)."""
    user = _user(request)
    episode = selectors.get_episode_for(user, pk, permission=VIEW_PLAN)
    kept, removed = selectors.regimen_lines(episode)
    _log_view(request, episode, "medication plan (print)")
    return render(
        request,
        "plans/medication_plan_print.html",
        {
            **_base(episode, "medication", user),
            "lines": kept,
            "removed": removed,
            "tapers": selectors.current_tapers(episode),
            "plan": selectors.medication_plan(episode),
            "printed_at": timezone.now(),
        },
    )


@require_GET
def medication_plan_version(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    """An earlier version of the plan, as it stood after that change: its lines and taper
    calendars exactly as stored then (``plans.history``), never recomputed."""
    user = _user(request)
    episode = selectors.get_episode_for(user, pk, permission=VIEW_PLAN)
    found = next((v for v in selectors.plan_versions(episode) if v.version == version), None)
    if found is None:
        raise Http404
    _log_view(request, episode, "medication plan version")
    tapers, unreadable = history.version_tapers(found)
    return render(
        request,
        "plans/medication_plan_version.html",
        {
            **_base(episode, "medication", user),
            "version": found,
            "snapshot_lines": history.version_lines(found),
            "snapshot_tapers": tapers,
            "unreadable_tapers": unreadable,
        },
    )


# --- Discharge --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def discharge_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """The checklist, with the overdose-prevention set when it applies and the warnings."""
    user = _user(request)
    episode = selectors.get_episode_for(user, pk, permission=VIEW_DISCHARGE)
    can_change = user.has_perm(CHANGE_DISCHARGE)
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    now = timezone.now()
    view = selectors.discharge_view(episode, now=now)
    stored = {item.code: (item.done, item.note) for item in view.items}
    form = DischargeForm(request.POST or None, initial=discharge_initial(stored, view.checklist))
    if request.method == "POST" and form.is_valid():
        # Items that do not apply to this patient are not on the page: keep what is stored.
        shown = {item.code for item in view.items}
        stored_all = _stored_items(view)
        done = {
            code: value if code in shown else stored_all.get(code, (False, ""))[0]
            for code, value in form.done().items()
        }
        notes = {
            code: value if code in shown else stored_all.get(code, (False, ""))[1]
            for code, value in form.notes_by_item().items()
        }
        try:
            services.discharge_checklist_update(
                episode=episode,
                user=user,
                done=done,
                notes=notes,
                appointment_at=form.cleaned_data["appointment_at"],
                appointment_contact=form.cleaned_data["appointment_contact"],
                appointment_place=form.cleaned_data["appointment_place"],
                unplanned_discharge=form.cleaned_data["unplanned_discharge"],
                general_notes=form.cleaned_data["notes"],
                reason=form.cleaned_data["reason"],
                planned_discharge_at=form.cleaned_data["planned_discharge_at"],
                request=request,
                base_version=form.cleaned_data["version"],
            )
        except StaleEditError as error:
            form = stale_form(DischargeForm, request.POST, error, _checklist_labels)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, gettext("The discharge checklist is saved."))
            return redirect("discharge-checklist", pk=episode.pk)
    _log_view(request, episode, "discharge checklist")
    rows = [
        {
            "item": item,
            "done": form[f"done_{item.code}"],
            "note": form[f"note_{item.code}"],
        }
        for item in view.items
    ]
    return render(
        request,
        "plans/discharge_checklist.html",
        {
            **_base(episode, "discharge", user),
            "view": view,
            "form": form,
            "rows": rows,
            "can_change": can_change,
        },
        status=400 if request.method == "POST" else 200,
    )


def _checklist_labels(form: DischargeForm) -> Callable[[str], tuple[str, Any]]:
    """Field labels as the checklist shows them; an item's note is named with its item."""
    labels = form_labels(form)

    def label(name: str) -> tuple[str, Any]:
        if name.startswith("note_"):
            item, _choices = labels(f"done_{name.removeprefix('note_')}")
            return f"{item} – {labels(name)[0]}", None
        return labels(name)

    return label


def _stored_items(view: presentation.DischargeView) -> dict[str, tuple[bool, str]]:
    if view.checklist is None:
        return {}
    return {item.code: (item.done, item.note) for item in view.checklist.items.all()}


# --- Care plans -------------------------------------------------------------------------------


def _care_plan_context(request: HttpRequest, user: User, episode: Episode) -> dict[str, Any]:
    care_plans = list(selectors.episode_care_plans(episode))
    return {
        **_base(episode, "care_plans", user),
        "care_plans": care_plans,
        "polling": any(plan.status == CarePlanStatus.PENDING for plan in care_plans),
        "can_request": user.has_perm(ADD_CARE_PLAN),
    }


@require_http_methods(["GET", "POST"])
def care_plans(request: HttpRequest, pk: int) -> HttpResponse:
    """Request a care plan; the list of versions updates itself while one is being made."""
    user = _user(request)
    episode = selectors.get_episode_for(user, pk, permission=VIEW_CARE_PLAN)
    if request.method == "POST":
        if not user.has_perm(ADD_CARE_PLAN):
            raise PermissionDenied
        care_plan = services.care_plan_request(
            episode=episode, user=user, task=generate_care_plan, request=request
        )
        _care_plan_requested_message(request, care_plan)
        return redirect("care-plans", pk=episode.pk)
    _log_view(request, episode, "care plans")
    return render(request, "plans/care_plans.html", _care_plan_context(request, user, episode))


def _care_plan_requested_message(request: HttpRequest, care_plan: CarePlan) -> None:
    # The task was queued when the request's transaction committed: the row says how that went.
    care_plan.refresh_from_db(fields=["error_code"])
    values = {"version": care_plan.version}
    if care_plan.error_code == CarePlanError.QUEUE_UNREACHABLE:
        messages.warning(
            request,
            gettext(
                "Care plan version %(version)s is waiting: the job queue cannot be reached just "
                "now. It will be made by itself when the queue is back; you need not ask again."
            )
            % values,
        )
        return
    messages.info(request, gettext("Care plan version %(version)s is being made.") % values)


@require_GET
def care_plans_list(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the list of versions alone, polled every 2 s while a care plan is pending.

    Not written to the access log: the page that polls was logged when it was opened, and the
    fragment shows the care plans' statuses only, nothing of the patient's record.
    """
    user = _user(request)
    episode = selectors.get_episode_for(user, pk, permission=VIEW_CARE_PLAN)
    return render(request, "plans/_care_plan_list.html", _care_plan_context(request, user, episode))


@require_GET
def care_plan_download(request: HttpRequest, care_plan_id: int) -> HttpResponse | FileResponse:
    """The PDF, for staff of the episode's unit; 404 while it is not ready, 410 with a page that
    says so when its file is missing from the file store."""
    user = _user(request)
    care_plan = selectors.get_care_plan_for_user(user, care_plan_id)
    if care_plan.status != CarePlanStatus.READY:
        raise Http404
    pdf = None if care_plan.file_missing else selectors.care_plan_file(care_plan)
    if pdf is None:
        context = {
            "episode": care_plan.episode,
            "care_plan": care_plan,
            "can_request": user.has_perm(ADD_CARE_PLAN),
        }
        return render(request, "plans/care_plan_missing.html", context, status=410)
    access_log_record(
        user=user,
        patient=care_plan.episode.patient,
        action=AccessAction.EXPORT,
        what="care plan PDF",
        request=request,
    )
    return FileResponse(
        pdf,
        content_type="application/pdf",
        as_attachment=True,
        filename=f"behandlingsplan-v{care_plan.version}.pdf",
    )
