"""Pages for patients, episodes, the intake, the treatment-level decision and the access log.

Thin adapters: fetch-and-authorize through ``patients.selectors`` (another unit's record is a
404), check the role's permission (403), call a service, and write the access log for every read
and write of a patient's records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import has_role
from accounts.roles import ADMINISTRATOR, CLINICIAN
from clinical import discharge
from clinical.identity import NationalIdError, parse_national_id
from clinical.levels import (
    LevelInput,
    LevelInputError,
    LevelProposal,
    evaluate_level,
    parse_level_input,
)
from clinical.workup import ecg_recommended
from core.forms import add_service_errors
from core.messages import render_message
from patients import extensions, permissions, services
from patients.access_log import access_log_record, access_log_record_many
from patients.concurrency import (
    StaleEditError,
    conflict_messages,
    form_labels,
    rebased,
    stale_form,
)
from patients.forms import (
    INTAKE_SECTIONS,
    AccessLogFilterForm,
    AmendmentReasonForm,
    ContactPersonForm,
    EpisodeCreateForm,
    EpisodeTransitionForm,
    IntakeForm,
    LevelDecisionForm,
    PatientCorrectionForm,
    PatientCreateForm,
    SubstanceFormSet,
    substance_initial,
)
from patients.level_presentation import (
    CAPABILITY_LABELS,
    detox_unit_requirements,
    present_proposal,
    proposal_digest,
    suitable_detox_units,
)
from patients.models import (
    AccessAction,
    AccessLogEntry,
    AccessRequest,
    Episode,
    EpisodeEventKind,
    EpisodeStatus,
    Intake,
    LevelDecision,
    NationalIdKind,
    Patient,
    Sex,
    SubstanceKind,
)
from patients.presentation import access_what_label, event_rows, item_labels
from patients.selectors import (
    age_on,
    episode_intake,
    episode_level_input,
    episodes_visible_to,
    get_episode_for_user,
    get_patient_for_user,
    patients_visible_to,
    screening_results,
    search_patients,
    units_of,
)

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _require(request: HttpRequest, permission: str) -> User:
    user = _user(request)
    if not user.has_perm(permission):
        raise PermissionDenied
    return user


def _log(request: HttpRequest, patient: Patient, action: AccessAction, what: str) -> None:
    access_log_record(
        user=_user(request), patient=patient, action=action, what=what, request=request
    )


def _log_many(request: HttpRequest, patients: Iterable[Patient], what: str) -> None:
    unique = {patient.pk: patient for patient in patients}
    access_log_record_many(
        user=_user(request),
        patients=unique.values(),
        action=AccessAction.VIEW,
        what=what,
        request=request,
    )


def _page(request: HttpRequest, items: QuerySet[Any]) -> Page[Any]:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


# --- Patients ---------------------------------------------------------------------------------


@require_GET
def patient_list(request: HttpRequest) -> HttpResponse:
    user = _require(request, permissions.VIEW_PATIENT)
    query = request.GET.get("q", "").strip()
    try:
        patients = search_patients(patients_visible_to(user).select_related("unit"), query)
    except ValidationError as error:  # beyond the search's limits: 400, nothing searched
        return render(
            request,
            "patients/patient_list.html",
            {
                "page": _page(request, Patient.objects.none()),
                "query": query[:200],
                "query_error": error.message_dict["q"][0],
                "query_string": "",
            },
            status=400,
        )
    page = _page(request, patients.order_by("family_name", "given_name", "pk"))
    _log_many(request, page.object_list, "patient list")
    return render(
        request,
        "patients/patient_list.html",
        {
            "page": page,
            "query": query,
            "query_string": urlencode({"q": query}) if query else "",
            "can_create": user.has_perm(permissions.ADD_PATIENT),
        },
    )


@require_http_methods(["GET", "POST"])
def patient_create(request: HttpRequest) -> HttpResponse:
    user = _require(request, permissions.ADD_PATIENT)
    units = units_of(user)
    if not units.exists():
        messages.error(request, gettext("You are not staff of any unit; ask an administrator."))
        return redirect("patient-list")
    form = PatientCreateForm(
        request.POST if request.method == "POST" else None,
        units=units,
        initial={"unit": units.first()},
    )
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            patient = services.patient_create(
                unit=data["unit"],
                national_id=data["national_id"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                user=user,
                access_reason=data["access_reason"],
                request=request,
            )
        except services.RegistrationRefused as error:
            # Registered at another unit: say only that, and offer an access request (logged).
            if data["access_reason"].strip():
                messages.info(
                    request,
                    gettext(
                        "Your access request is logged and shown to the administrators; "
                        "nothing was registered."
                    ),
                )
                return redirect("patient-list")
            add_service_errors(form, error)
            context["refused"] = True
        except ValidationError as error:
            add_service_errors(form, error)
            context["existing"] = getattr(error, "existing_patient", None)
        else:
            if data["contact_name"]:
                services.contact_person_add(
                    patient=patient,
                    user=user,
                    name=data["contact_name"],
                    relation=data["contact_relation"],
                    phone=data["contact_phone"],
                )
            _log(request, patient, AccessAction.CREATE, "patient")
            messages.success(request, gettext("The patient is registered."))
            return redirect("patient-detail", pk=patient.pk)
    return render(request, "patients/patient_form.html", context)


@require_http_methods(["GET", "POST"])
def national_id_check(request: HttpRequest) -> HttpResponse:
    """htmx: check a national identity number as it is typed and show what it says.

    Reads no records (it does not say whether the number is registered), so nothing is logged.
    """
    _require(request, permissions.ADD_PATIENT)
    value = (request.POST.get("national_id") or request.GET.get("national_id") or "").strip()
    context: dict[str, Any] = {"value": value}
    if value:
        try:
            parsed = parse_national_id(value, today=timezone.localdate())
        except NationalIdError as error:
            context["error"] = render_message(error.message, error.params)
        else:
            context.update(
                parsed=parsed,
                sex=Sex(parsed.sex).label,
                kind=NationalIdKind(parsed.kind).label,
            )
    return render(request, "patients/_national_id_check.html", context)


@require_GET
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require(request, permissions.VIEW_PATIENT)
    patient = get_patient_for_user(user, pk)
    return _patient_page(request, user, patient, ContactPersonForm())


def _patient_page(
    request: HttpRequest, user: User, patient: Patient, contact_form: ContactPersonForm
) -> HttpResponse:
    _log(request, patient, AccessAction.VIEW, "patient")
    episodes = patient.episodes.select_related("unit", "responsible_clinician").order_by(
        "-created_at"
    )
    return render(
        request,
        "patients/patient_detail.html",
        {
            "patient": patient,
            "age": age_on(patient.birth_date, timezone.localdate()),
            "episodes": episodes,
            "contacts": patient.contacts.all(),
            "contact_form": contact_form,
            "can_add_contact": user.has_perm(permissions.ADD_CONTACT_PERSON),
            "can_add_episode": user.has_perm(permissions.ADD_EPISODE),
            "can_edit": user.has_perm(permissions.CHANGE_PATIENT),
        },
        status=400 if contact_form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def patient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a patient's name or number; the history keeps the original, who and why."""
    user = _require(request, permissions.CHANGE_PATIENT)
    patient = get_patient_for_user(user, pk)
    form = PatientCorrectionForm(
        request.POST if request.method == "POST" else None,
        initial={
            "national_id": patient.national_id,
            "given_name": patient.given_name,
            "family_name": patient.family_name,
            "sex": patient.sex,
            "version": patient.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        base_version = data.pop("version")
        try:
            services.patient_update(patient=patient, user=user, base_version=base_version, **data)
        except StaleEditError as error:
            form = stale_form(PatientCorrectionForm, request.POST, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _log(request, patient, AccessAction.UPDATE, "patient")
            messages.success(request, gettext("The correction is saved."))
            return redirect("patient-detail", pk=patient.pk)
    _log(request, patient, AccessAction.VIEW, "patient")
    return render(
        request,
        "patients/patient_edit.html",
        {"form": form, "patient": patient},
        status=400 if form.errors else 200,
    )


@require_POST
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require(request, permissions.ADD_CONTACT_PERSON)
    patient = get_patient_for_user(user, pk)
    form = ContactPersonForm(request.POST)
    if not form.is_valid():
        return _patient_page(request, user, patient, form)
    services.contact_person_add(patient=patient, user=user, **form.cleaned_data)
    _log(request, patient, AccessAction.CREATE, "contact person")
    messages.success(request, gettext("The contact person is added."))
    return redirect("patient-detail", pk=patient.pk)


# --- Episodes ---------------------------------------------------------------------------------


@require_GET
def episode_list(request: HttpRequest) -> HttpResponse:
    user = _require(request, permissions.VIEW_EPISODE)
    status = request.GET.get("status", "open")
    episodes = episodes_visible_to(user).select_related("patient", "unit", "responsible_clinician")
    if status == "open":
        episodes = episodes.filter(status__in=[EpisodeStatus.PLANNED, EpisodeStatus.ACTIVE])
    elif status in EpisodeStatus.values:
        episodes = episodes.filter(status=status)
    else:
        status = "all"
    page = _page(request, episodes.order_by("-created_at", "-pk"))
    _log_many(request, [episode.patient for episode in page.object_list], "episode list")
    return render(
        request,
        "patients/episode_list.html",
        {"page": page, "status": status, "statuses": EpisodeStatus.choices},
    )


@require_http_methods(["GET", "POST"])
def episode_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require(request, permissions.ADD_EPISODE)
    patient = get_patient_for_user(user, pk)
    units = units_of(user)
    clinicians = (
        User.objects.filter(groups__name=CLINICIAN, units__in=units)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    form = EpisodeCreateForm(
        request.POST if request.method == "POST" else None,
        units=units,
        clinicians=clinicians,
        initial={"unit": patient.unit, "responsible_clinician": user},
    )
    if request.method == "POST" and form.is_valid():
        episode = services.episode_create(
            patient=patient,
            user=user,
            unit=form.cleaned_data["unit"],
            responsible_clinician=form.cleaned_data["responsible_clinician"],
        )
        _log(request, patient, AccessAction.CREATE, "episode")
        messages.success(request, gettext("The episode is planned. Take the intake next."))
        return redirect("episode-detail", pk=episode.pk)
    _log(request, patient, AccessAction.VIEW, "patient")
    return render(request, "patients/episode_form.html", {"form": form, "patient": patient})


@require_GET
def episode_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require(request, permissions.VIEW_EPISODE)
    episode = get_episode_for_user(user, pk)
    intake = Intake.objects.filter(episode=episode).first()
    decision = episode.level_decisions.select_related("decided_by").first()
    _log(request, episode.patient, AccessAction.VIEW, "episode")
    can_change = user.has_perm(permissions.CHANGE_EPISODE)
    today = timezone.localdate()
    # The nurse's view of today's doses from the medication plan (the Oslo date, not UTC's).
    todays = extensions.todays_doses(user, episode, today)
    return render(
        request,
        "patients/episode_detail.html",
        {
            "todays": todays,
            "today": today,
            "episode": episode,
            "patient": episode.patient,
            "intake": intake,
            "decision": decision,
            "can_start": can_change and episode.status == EpisodeStatus.PLANNED,
            "can_discharge": can_change and episode.status == EpisodeStatus.ACTIVE,
            "can_interrupt": can_change and episode.is_open,
            "can_edit_intake": user.has_perm(permissions.CHANGE_INTAKE),
            "can_decide": user.has_perm(permissions.ADD_LEVEL_DECISION) and episode.is_open,
        },
    )


TRANSITIONS = frozenset({"start", "discharge", "interrupt"})


@require_http_methods(["GET", "POST"])
def episode_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Start, discharge or interrupt: a confirmation page, then the service."""
    if action not in TRANSITIONS:
        raise Http404
    user = _require(request, permissions.CHANGE_EPISODE)
    episode = get_episode_for_user(user, pk)
    # Leaving with naloxone or the tolerance information not ticked needs a reason (13.1-9).
    open_set = (
        extensions.overdose_set_open(episode)
        if action != "start" and episode.status == EpisodeStatus.ACTIVE
        else ()
    )
    form = EpisodeTransitionForm(
        request.POST if request.method == "POST" else None,
        needs_reason=action == "interrupt",
        needs_override_reason=bool(open_set),
    )
    if request.method == "POST" and form.is_valid():
        at = form.cleaned_data["at"]
        override = form.cleaned_data.get("override_reason") or ""
        try:
            if action == "start":
                services.episode_start(episode=episode, user=user, admitted_at=at)
            elif action == "discharge":
                services.episode_discharge(
                    episode=episode, user=user, discharged_at=at, override_reason=override
                )
            else:
                services.episode_interrupt(
                    episode=episode,
                    user=user,
                    reason=form.cleaned_data["reason"],
                    at=at,
                    override_reason=override,
                )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                error = ValidationError(
                    {"at" if k.endswith("_at") else k: v for k, v in error.message_dict.items()}
                )
            add_service_errors(form, error)
        else:
            _log(request, episode.patient, AccessAction.UPDATE, f"episode {action}")
            messages.success(request, gettext("The episode is updated."))
            return redirect("episode-detail", pk=episode.pk)
    _log(request, episode.patient, AccessAction.VIEW, "episode")
    return render(
        request,
        "patients/episode_transition.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "form": form,
            "action": action,
            "open_set": item_labels(open_set),
            "risk_text": render_message(discharge.RISK_TEXT, discharge.TOLERANCE_PARAMS),
        },
    )


# --- Intake -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def intake_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The structured intake: a draft while the episode is planned, amendments after."""
    user = _require(request, permissions.VIEW_INTAKE)
    episode = get_episode_for_user(user, pk)
    can_edit = user.has_perm(permissions.CHANGE_INTAKE) and user.has_perm(permissions.ADD_INTAKE)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    intake = episode_intake(episode)
    amending = episode.status != EpisodeStatus.PLANNED
    data = request.POST if request.method == "POST" else None
    initial: dict[str, Any] = {}
    if intake is None and episode.patient.sex == "male":
        initial["pregnant"] = False
    initial["version"] = intake.version if intake is not None else 0
    form = IntakeForm(data, instance=intake or Intake(episode=episode), initial=initial)
    if episode.patient.sex == "male" and not (intake is not None and intake.pregnant is True):
        # Pregnancy is not asked of a man (sex from the identity number; correctable on the
        # patient's page if the register is wrong); the service records "not pregnant". A
        # "pregnant" on record from before a sex correction stays on the form, to be seen and
        # changed.
        for name in ("pregnant", "last_menstruation"):
            form.fields.pop(name, None)
    formset = SubstanceFormSet(
        data,
        prefix="substances",
        initial=substance_initial(list(intake.substances.all()) if intake else []),
    )
    reason_form = AmendmentReasonForm(data) if amending else None
    if not can_edit:
        every: list[BaseForm] = [form, *formset.forms]
        for each in every:
            for field in each.fields.values():
                field.disabled = True
    if request.method == "POST":
        valid = [form.is_valid(), formset.is_valid(), reason_form is None or reason_form.is_valid()]
        if all(valid) and _intake_store(request, user, episode, form, formset, reason_form):
            _log(request, episode.patient, AccessAction.UPDATE, "intake")
            if "decide" in request.POST:
                return redirect("episode-decision", pk=episode.pk)
            messages.success(request, gettext("The intake is saved."))
            return redirect("intake-edit", pk=episode.pk)
    _log(request, episode.patient, AccessAction.VIEW, "intake")
    age = age_on(episode.patient.birth_date, timezone.localdate())
    sections = [
        {
            "section": section,
            "fields": [form[name] for name in section.fields if name in form.fields],
        }
        for section in INTAKE_SECTIONS
    ]
    return render(
        request,
        "patients/intake_form.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "intake": intake,
            "form": form,
            "formset": formset,
            "reason_form": reason_form,
            "sections": sections,
            "amending": amending,
            "can_edit": can_edit,
            "ecg_recommended": ecg_recommended(age),
            "screening": screening_results(episode),
            "age": age,
        },
        status=400 if request.method == "POST" else 200,
    )


def _intake_store(
    request: HttpRequest,
    user: User,
    episode: Episode,
    form: IntakeForm,
    formset: Any,
    reason_form: AmendmentReasonForm | None,
) -> bool:
    fields, substances = form.intake_fields(), formset.in_use()
    base_version = form.cleaned_data["version"]
    try:
        if reason_form is None:
            services.intake_save(
                episode=episode,
                user=user,
                fields=fields,
                substances=substances,
                base_version=base_version,
            )
        else:
            services.intake_amend(
                episode=episode,
                user=user,
                reason=reason_form.cleaned_data["change_reason"],
                fields=fields,
                substances=substances,
                base_version=base_version,
            )
    except StaleEditError as error:
        _intake_conflict(request, error, form, formset)
        return False
    except ValidationError as error:
        _intake_errors(error, form, formset, reason_form)
        return False
    return True


def _intake_conflict(
    request: HttpRequest, error: StaleEditError, form: IntakeForm, formset: Any
) -> None:
    """Keep the editor's input, now based on the version saved meanwhile (saving again applies
    it on top), and say field by field what changed."""
    form.data = rebased(request.POST, error.version)
    form.full_clean()
    rows = {row.substance: row for row in formset.forms}
    labels = form_labels(form)

    def label(key: str) -> tuple[str, Mapping[str, str] | None]:
        if key == "previous_withdrawal_complications":
            return labels("complications")
        if not key.startswith("substances."):
            return labels(key)
        _prefix, code, *rest = key.split(".")
        row = rows.get(code)
        substance = str(SubstanceKind(code).label) if code in SubstanceKind.values else code
        if not rest or row is None:
            return substance, None
        text, choices = form_labels(row)(rest[0])
        return f"{substance} – {text}", choices

    for line in conflict_messages(error, label):
        form.add_error(None, line)


def _intake_errors(
    error: ValidationError, form: IntakeForm, formset: Any, reason_form: BaseForm | None
) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    rows = {row.substance: row for row in formset.forms}
    for key, messages_ in error.message_dict.items():
        if key.startswith("substances."):
            _prefix, code, *rest = key.split(".")
            row = rows.get(code)
            field = rest[0] if rest else None
            if row is not None and (field is None or field in row.fields):
                row.add_error(field, messages_)
                continue
        elif key == "previous_withdrawal_complications":
            form.add_error("complications", messages_)
            continue
        elif key == "reason" and reason_form is not None:
            reason_form.add_error("change_reason", messages_)
            continue
        form.add_error(key if key in form.fields else None, messages_)


# --- Treatment-level decision -----------------------------------------------------------------


def _proposal_for(episode: Episode) -> tuple[dict[str, Any], LevelInput | None]:
    """The engine's input for the episode, parsed (``None`` if the stored intake does not parse,
    which the intake form's own checks should make impossible)."""
    level_input = episode_level_input(episode)
    try:
        return level_input, parse_level_input(level_input)
    except LevelInputError:
        return level_input, None


def _proposal_context(inp: LevelInput | None, proposal: LevelProposal | None) -> dict[str, Any]:
    if inp is None or proposal is None:
        return {"proposal": None}
    substances = [use.substance for use in inp.substances]
    context: dict[str, Any] = {
        "proposal": present_proposal(proposal.to_dict(), substances=substances),
        "units": None,
    }
    if proposal.level == "inpatient" or proposal.acute_referral:
        requirements = detox_unit_requirements(inp, acute_referral=proposal.acute_referral)
        context["units"] = suitable_detox_units(requirements)
        context["unit_requirements"] = [str(CAPABILITY_LABELS[r]) for r in requirements]
    return context


@require_http_methods(["GET", "POST"])
def episode_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposal with its reasons and citations; the clinician accepts or overrides it."""
    user = _require(request, permissions.VIEW_LEVEL_DECISION)
    episode = get_episode_for_user(user, pk)
    can_decide = user.has_perm(permissions.ADD_LEVEL_DECISION) and episode.is_open
    if request.method == "POST" and not can_decide:
        raise PermissionDenied
    level_input, inp = _proposal_for(episode)
    proposal = evaluate_level(inp) if inp is not None else None
    digest = proposal_digest(proposal.to_dict()) if proposal else ""
    form = LevelDecisionForm(
        request.POST if request.method == "POST" else None,
        initial={"proposal_digest": digest, **_override_initial(proposal)},
    )
    if request.method == "POST" and proposal is not None and form.is_valid():
        if form.cleaned_data["proposal_digest"] != digest:
            messages.error(
                request, gettext("The proposal changed while you were reading it: read it again.")
            )
            return redirect("episode-decision", pk=episode.pk)
        accepted = form.cleaned_data["decision"] == LevelDecisionForm.ACCEPT
        try:
            services.level_decision_record(
                episode=episode,
                proposal=proposal,
                accepted=accepted,
                chosen_level=None if accepted else form.cleaned_data["chosen_level"],
                chosen_acute_referral=(
                    None if accepted else form.cleaned_data["chosen_acute_referral"]
                ),
                reason=form.cleaned_data["reason"],
                user=user,
                level_input=level_input,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _log(request, episode.patient, AccessAction.CREATE, "treatment-level decision")
            messages.success(request, gettext("The decision is recorded."))
            return redirect("episode-detail", pk=episode.pk)
    _log(request, episode.patient, AccessAction.VIEW, "treatment-level proposal")
    return render(
        request,
        "patients/episode_decision.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "has_intake": Intake.objects.filter(episode=episode).exists(),
            **_proposal_context(inp, proposal),
            "form": form,
            "digest": digest,
            "can_decide": can_decide,
            "override_open": request.method == "POST"
            or (proposal is not None and proposal.level is None),
            "decisions": episode.level_decisions.select_related("decided_by")[:5],
        },
        status=400 if request.method == "POST" else 200,
    )


def _override_initial(proposal: LevelProposal | None) -> dict[str, Any]:
    """The override form starts at the other level, keeping the proposed referral."""
    if proposal is None:
        return {}
    other = {"outpatient": "inpatient", "inpatient": "outpatient"}.get(proposal.level or "")
    return {"chosen_level": other, "chosen_acute_referral": proposal.acute_referral or ""}


# --- History ----------------------------------------------------------------------------------


@require_GET
def episode_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Status changes, intake saves and amendments (with reasons), and level decisions."""
    user = _require(request, permissions.VIEW_EPISODE_EVENT)
    episode = get_episode_for_user(user, pk)
    events = list(episode.events.select_related("by").order_by("-at", "-pk"))
    decisions = {
        decision.pk: decision
        for decision in LevelDecision.objects.filter(episode=episode).select_related("decided_by")
    }
    _log(request, episode.patient, AccessAction.VIEW, "episode history")
    return render(
        request,
        "patients/episode_history.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "rows": event_rows(events, decisions),
            "kinds": EpisodeEventKind,
        },
    )


# --- Access log -------------------------------------------------------------------------------


@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    """The access log, for administrators: filter by user, patient and date (Oslo dates)."""
    user = _require(request, permissions.VIEW_ACCESS_LOG)
    if not has_role(user, ADMINISTRATOR):
        raise PermissionDenied
    form = AccessLogFilterForm(request.GET or None)
    entries = AccessLogEntry.objects.select_related("user", "patient").order_by("-at", "-pk")
    if form.is_bound and form.is_valid():
        entries = _filter_log(entries, form.cleaned_data)
    page = _page(request, entries)
    for entry in page.object_list:
        entry.what_label = access_what_label(entry.what)
    filters = [(key, value) for key, value in request.GET.items() if key != "page" and value]
    # Staff of another unit who asked for a patient's record (issue 12): newest first.
    access_requests = AccessRequest.objects.select_related(
        "patient", "patient__unit", "requested_by", "unit"
    ).order_by("-at", "-pk")[:50]
    return render(
        request,
        "patients/access_log.html",
        {
            "form": form,
            "page": page,
            "filter_query": urlencode(filters),
            "access_requests": access_requests,
        },
    )


def _filter_log(
    entries: QuerySet[AccessLogEntry], data: dict[str, Any]
) -> QuerySet[AccessLogEntry]:
    if data["user"]:
        entries = entries.filter(user__username__iexact=data["user"].strip())
    if data["national_id"]:
        entries = entries.filter(patient__national_id="".join(data["national_id"].split()))
    zone = timezone.get_current_timezone()
    if data["date_from"]:
        entries = entries.filter(at__gte=datetime.combine(data["date_from"], time.min, zone))
    if data["date_to"]:
        # Up to the start of the next day, so the whole of the last day counts.
        end = datetime.combine(data["date_to"] + timedelta(days=1), time.min, zone)
        entries = entries.filter(at__lt=end)
    return entries
