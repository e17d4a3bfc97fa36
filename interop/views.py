"""FHIR R4 endpoints: thin adapters over the selectors, the scoring service and ``resources``.

Authenticated like the REST API (token or session, DRF); unit-scoped through the same selectors
as the pages (another unit's record is a 404); each read of a patient's record is access-logged.
Every answer is ``application/fhir+json``; every error an ``OperationOutcome``.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any, Final, Protocol
from urllib.parse import urlencode

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from clinical.instruments import INSTRUMENTS, Instrument
from core.messages import drug_name, render_message
from interop import resources
from interop.bedside import BREATH_ALCOHOL_DECIMALS, BedsideItem, bedside_items
from interop.bedside import BY_FIELD as BEDSIDE_BY_FIELD
from interop.taper_doses import TaperDose, doses_of, schedules_visible_to, taper_dose_for
from patients.access_log import access_log_record, access_log_record_many
from patients.models import AccessAction, Episode, NationalIdKind, Patient
from patients.permissions import VIEW_EPISODE, VIEW_PATIENT
from patients.selectors import (
    episodes_visible_to,
    get_episode_for_user,
    get_patient_for_user,
    patients_visible_to,
)
from plans.models import PlanLine, PlanLineStatus
from plans.permissions import VIEW_PLAN_LINE
from plans.presentation import number_text
from scoring import selectors as scoring_selectors
from scoring.checks import (
    InvalidInput,
)
from scoring.models import Assessment, MedicationAdministration, PlannedDoseRecord
from scoring.permissions import (
    ADD_ASSESSMENT,
    ADD_SCREENING,
    VIEW_ADMINISTRATION,
    VIEW_ASSESSMENT,
    VIEW_PLANNED_DOSE,
)
from scoring.presentation import band_label
from scoring.services import (
    assessment_record,
)

FHIR_JSON = "application/fhir+json"
DEFAULT_COUNT = 20
MAX_COUNT = 100


class FhirError(Exception):
    def __init__(self, status: int, code: str, text: str, expression: str | None = None) -> None:
        super().__init__(text)
        self.status = status
        self.issues: list[tuple[str, str, str | None]] = [(code, text, expression)]


def fhir_response(resource: Resource, status: int = 200, **headers: str) -> HttpResponse:
    response = HttpResponse(
        resource.model_dump_json(by_alias=True, exclude_none=True),
        status=status,
        content_type=FHIR_JSON,
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _outcome(status: int, issues: list[tuple[str, str, str | None]]) -> HttpResponse:
    return fhir_response(resources.operation_outcome(issues), status=status)


def base_url(request: Request) -> str:
    return request.build_absolute_uri("/fhir/R4/")


class FhirJSONRenderer(JSONRenderer):
    media_type = FHIR_JSON
    format = "fhir+json"


class FhirView(APIView):
    """DRF's authentication, FHIR's errors; answers whatever JSON the client accepts."""

    renderer_classes = (FhirJSONRenderer, JSONRenderer)
    # FHIR documents itself (metadata, docs/interoperability.md), not in the OpenAPI schema.
    schema = None

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[Any, str]:
        # The answer is always application/fhir+json (the views build it themselves).
        return (FhirJSONRenderer(), FHIR_JSON)

    def handle_exception(self, exc: Exception) -> HttpResponse:  # type: ignore[override]
        if isinstance(exc, FhirError):
            return _outcome(exc.status, exc.issues)
        if isinstance(exc, Http404 | exceptions.NotFound):
            return _outcome(404, [("not-found", gettext("Not found."), None)])
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            response = _outcome(401, [("login", str(exc.detail), None)])
            response["WWW-Authenticate"] = "Token"
            return response
        if isinstance(exc, exceptions.PermissionDenied):
            return _outcome(403, [("forbidden", str(exc.detail), None)])
        if isinstance(exc, exceptions.APIException):
            return _outcome(exc.status_code, [("processing", str(exc.detail), None)])
        raise exc

    def user(self, *perms: str) -> User:
        user = self.request.user
        if not isinstance(user, User) or not all(user.has_perm(p) for p in perms):
            raise exceptions.PermissionDenied
        return user


class Metadata(FhirView):
    permission_classes = (AllowAny,)

    def get(self, request: Request) -> HttpResponse:
        return fhir_response(resources.capability_statement(base_url(request), timezone.now()))


# --- search ---------------------------------------------------------------------------------


def _search_params(request: Request, kind: str) -> dict[str, str]:
    """The query's search parameters; anything not supported is a 400."""
    allowed = set(resources.SUPPORTED[kind][1]) | set(resources.PAGING_PARAMS)
    params: dict[str, str] = {}
    for name in request.query_params:
        if name not in allowed:
            raise FhirError(
                400,
                "not-supported",
                gettext("Unknown search parameter %(name)s for %(kind)s.")
                % {"name": name, "kind": kind},
            )
        params[name] = request.query_params[name]
    return params


def _int_param(params: dict[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise FhirError(
            400, "invalid", gettext("%(name)s must be a whole number.") % {"name": name}
        ) from None
    if value < 1:
        raise FhirError(400, "invalid", gettext("%(name)s must be at least 1.") % {"name": name})
    return value


class Rows(Protocol):
    """What a search pages: a queryset, or anything else that counts and slices."""

    def count(self) -> int: ...

    def __getitem__(self, part: slice, /) -> Any: ...


def _page(
    request: Request, kind: str, params: dict[str, str], rows: Rows
) -> tuple[list[Any], int, str, str | None]:
    count = min(_int_param(params, "_count", DEFAULT_COUNT), MAX_COUNT)
    page = _int_param(params, "_page", 1)
    total = rows.count()
    # Past the last page there is nothing to read (and an offset beyond the database's integers
    # would be a server error, not an empty page).
    chunk = list(rows[(page - 1) * count : page * count]) if (page - 1) * count < total else []
    url = f"{base_url(request)}{kind}"
    # Every value of every parameter, in order: a repeated one (date=ge…&date=le…) is one query,
    # and a link that kept only its last value would run another on the next page.
    kept = [
        (name, value)
        for name, values in request.query_params.lists()
        if name != "_page"
        for value in values
    ]
    self_url = f"{url}?{urlencode([*kept, ('_page', page)])}"
    next_url = f"{url}?{urlencode([*kept, ('_page', page + 1)])}" if page * count < total else None
    return chunk, total, self_url, next_url


class _Listed:
    """A built list paged like a queryset (``Rows``)."""

    def __init__(self, items: list[Any]) -> None:
        self.items = items

    def count(self) -> int:
        return len(self.items)

    def __getitem__(self, part: slice, /) -> Any:
        return self.items[part]


def _token(raw: str) -> tuple[str | None, str]:
    """A FHIR token: ``system|code`` → (system, code); ``|code`` → ("", code), explicitly no
    system; ``code`` → (None, code), any system."""
    if "|" not in raw:
        return None, raw
    system, code = raw.split("|", 1)
    return system, code


_IDENTIFIER_KIND_SYSTEMS: Final[dict[str, str]] = {
    **resources.IDENTIFIER_SYSTEMS,
    NationalIdKind.HNR: resources.LOCAL_H_NUMBER_SYSTEM,
}


def _reference_id(value: str, kind: str, param: str) -> int:
    """``Patient/12`` or ``12`` (or a full URL ending so) → 12."""
    tail = value.rstrip("/").split("/")
    if len(tail) >= 2 and tail[-2] != kind:
        raise FhirError(
            400,
            "invalid",
            gettext("%(param)s must refer to %(kind)s.") % {"param": param, "kind": kind},
        )
    try:
        return int(tail[-1])
    except ValueError:
        raise FhirError(
            400, "invalid", gettext("%(param)s is not a reference.") % {"param": param}
        ) from None


def _bundle(
    request: Request, kind: str, params: dict[str, str], rows: QuerySet[Any], build: Any
) -> HttpResponse:
    chunk, total, self_url, next_url = _page(request, kind, params, rows)
    built = [build(row) for row in chunk]
    return fhir_response(
        resources.searchset(
            built, total=total, self_url=self_url, next_url=next_url, base=base_url(request)
        )
    )


# --- Questionnaire ----------------------------------------------------------------------------


class QuestionnaireRead(FhirView):
    def get(self, request: Request, code: str) -> HttpResponse:
        instrument = INSTRUMENTS.get(code)
        if instrument is None:
            raise Http404
        return fhir_response(resources.questionnaire(base_url(request), instrument))


class QuestionnaireSearch(FhirView):
    def get(self, request: Request) -> HttpResponse:
        params = _search_params(request, "Questionnaire")
        base = base_url(request)
        found = [resources.questionnaire(base, i) for i in INSTRUMENTS.values()]
        if "url" in params:
            wanted = params["url"].split("|")[0]
            found = [q for q in found if q.url == wanted]
        chunk, total, self_url, next_url = _page(request, "Questionnaire", params, _Listed(found))
        return fhir_response(
            resources.searchset(chunk, total=total, self_url=self_url, next_url=next_url, base=base)
        )


# --- QuestionnaireResponse -> the ward's scoring service ------------------------------------


def _problem_expression(field: str) -> str:
    if field in BEDSIDE_BY_FIELD:
        field = f"items.{BEDSIDE_BY_FIELD[field].link_id}"
    if field.startswith("items."):
        return f"QuestionnaireResponse.item.where(linkId='{field.removeprefix('items.')}')"
    return f"QuestionnaireResponse.{field}"


def _answer_value(item: Any) -> object:
    answers = item.answer or []
    if len(answers) != 1:
        raise FhirError(
            422,
            "required",
            gettext("Item %(key)s needs exactly one answer.") % {"key": item.linkId},
            _problem_expression(f"items.{item.linkId}"),
        )
    answer = answers[0]
    if answer.valueCoding is not None and answer.valueCoding.code is not None:
        code = answer.valueCoding.code
        return int(code) if code.lstrip("-").isdigit() else code
    if answer.valueInteger is not None:
        return answer.valueInteger
    raise FhirError(
        422,
        "value",
        gettext("Item %(key)s: answer with valueCoding or valueInteger.") % {"key": item.linkId},
        _problem_expression(f"items.{item.linkId}"),
    )


def _bedside_value(question: BedsideItem, item: Any) -> object:
    """A bedside question's answer (``interop.bedside``): valueBoolean, or valueDecimal."""
    answers = item.answer or []
    value = None
    if len(answers) == 1:
        answer = answers[0]
        value = answer.valueBoolean if question.type == "boolean" else answer.valueDecimal
    if value is None:
        raise FhirError(
            422,
            "value",
            gettext("Item %(key)s needs exactly one answer, a %(type)s.")
            % {
                "key": item.linkId,
                "type": "valueBoolean" if question.type == "boolean" else "valueDecimal",
            },
            _problem_expression(f"items.{item.linkId}"),
        )
    if question.type == "boolean":
        return value
    # As the ward form: at most two decimals (the Questionnaire says so too); never rounded.
    exponent = Decimal(str(value)).as_tuple().exponent
    if isinstance(exponent, int) and exponent < -BREATH_ALCOHOL_DECIMALS:
        raise FhirError(
            422,
            "value",
            gettext("Item %(key)s has at most %(places)s decimals.")
            % {"key": item.linkId, "places": BREATH_ALCOHOL_DECIMALS},
            _problem_expression(f"items.{item.linkId}"),
        )
    return str(value)


def _answers(
    instrument: Instrument, qr: QuestionnaireResponse
) -> tuple[dict[str, object], dict[str, object]]:
    """The scale's answers (scored) and the bedside answers by the service's keyword. A yes/no
    bedside question left out is a 422: absent is not "no" (``interop.bedside``)."""
    bedside = {question.link_id: question for question in bedside_items(instrument)}
    items: dict[str, object] = {}
    extra: dict[str, object] = {}
    listed: list[Any] = list(qr.item or [])
    seen: set[str] = set()
    for item in listed:
        if item.linkId in seen:
            # Two answers to one question: which one the nurse meant is not for us to pick.
            raise FhirError(
                422,
                "duplicate",
                gettext("Item %(key)s is answered more than once.") % {"key": item.linkId},
                _problem_expression(f"items.{item.linkId}"),
            )
        seen.add(item.linkId)
        question = bedside.get(item.linkId)
        if question is None:
            items[item.linkId] = _answer_value(item)
        else:
            extra[question.keyword] = _bedside_value(question, item)
    missing = [q for q in bedside.values() if q.required and q.keyword not in extra]
    if missing:
        raise FhirError(
            422,
            "required",
            gettext(
                "Item %(key)s must be answered: a missing answer is not read as no, since the "
                "advice depends on it."
            )
            % {"key": missing[0].link_id},
            _problem_expression(f"items.{missing[0].link_id}"),
        )
    return items, extra


class QuestionnaireResponseCreate(FhirView):
    def post(self, request: Request) -> HttpResponse:
        self.user(ADD_ASSESSMENT)
        try:
            body = json.loads(request.body)
            qr = QuestionnaireResponse.model_validate(body)
        except (ValueError, ValidationError) as error:
            raise FhirError(400, "structure", str(error)[:500]) from None
        if qr.status != "completed":
            raise FhirError(
                422, "business-rule", gettext("Only a completed response is scored."), "status"
            )
        code = (qr.questionnaire or "").split("|")[0].rstrip("/").rsplit("/", 1)[-1]
        instrument = INSTRUMENTS.get(code)
        if instrument is None:
            raise FhirError(
                422,
                "not-found",
                gettext("Unknown questionnaire %(url)s.") % {"url": qr.questionnaire},
                "QuestionnaireResponse.questionnaire",
            )
        user = self.user(
            ADD_ASSESSMENT, *([ADD_SCREENING] if instrument.kind == "screening" else [])
        )
        if qr.encounter is None or not qr.encounter.reference:
            raise FhirError(
                422,
                "required",
                gettext("encounter is required."),
                "QuestionnaireResponse.encounter",
            )
        episode = get_episode_for_user(
            user, _reference_id(qr.encounter.reference, "Encounter", "encounter")
        )
        if (
            qr.subject is None
            or not qr.subject.reference
            or (_reference_id(qr.subject.reference, "Patient", "subject") != episode.patient_id)
        ):
            raise FhirError(
                422,
                "invalid",
                gettext("subject must be the encounter's patient."),
                "QuestionnaireResponse.subject",
            )
        items, bedside = _answers(instrument, qr)
        try:
            assessment = assessment_record(
                episode=episode,
                instrument=instrument.code,
                items=items,
                observed_at=qr.authored,
                breath_alcohol=bedside.get("breath_alcohol"),
                drowsy=bedside.get("drowsy") is True,
                current_delirium=bedside.get("current_delirium") is True,
                user=user,
                now=timezone.now(),
            )
        except InvalidInput as error:
            issues = [
                ("invalid", str(p.get("message", "")), _problem_expression(str(p.get("field", ""))))
                for p in error.errors
            ]
            return _outcome(422, issues)
        built = resources.questionnaire_response(base_url(request), assessment)
        location = f"{base_url(request)}QuestionnaireResponse/{assessment.pk}"
        return fhir_response(built, status=201, Location=location)


def _assessment(user: User, pk: int) -> Assessment:
    assessment = scoring_selectors.get_assessment_for_user(user, pk)
    return assessment


class QuestionnaireResponseRead(FhirView):
    def get(self, request: Request, pk: int) -> HttpResponse:
        user = self.user(VIEW_ASSESSMENT)
        assessment = _assessment(user, pk)
        _log(request, user, assessment.episode.patient, f"QuestionnaireResponse/{pk} (FHIR)")
        return fhir_response(resources.questionnaire_response(base_url(request), assessment))


# --- Observation ----------------------------------------------------------------------------


def _log(request: Request, user: User, patient: Patient, what: str) -> None:
    access_log_record(
        user=user, patient=patient, action=AccessAction.VIEW, what=what, request=request._request
    )


def _log_many(request: Request, user: User, patients: list[Patient], what: str) -> None:
    unique = list({p.pk: p for p in patients}.values())
    access_log_record_many(
        user=user, patients=unique, action=AccessAction.VIEW, what=what, request=request._request
    )


def _band_text(assessment: Assessment) -> str:
    instrument = INSTRUMENTS[assessment.instrument]
    for band in instrument.bands:
        if band.code == assessment.band:
            return band_label(band)
    return assessment.band


def _observation(base: str, assessment: Assessment) -> Resource:
    return resources.observation(base, assessment, _band_text(assessment))


class ObservationRead(FhirView):
    def get(self, request: Request, pk: int) -> HttpResponse:
        user = self.user(VIEW_ASSESSMENT)
        assessment = _assessment(user, pk)
        _log(request, user, assessment.episode.patient, f"Observation/{pk} (FHIR)")
        return fhir_response(_observation(base_url(request), assessment))


def _date_filter(rows: QuerySet[Assessment], value: str) -> QuerySet[Assessment]:
    from datetime import date, datetime, time, timedelta

    prefixes = ("eq", "ge", "le", "gt", "lt")
    prefix = value[:2] if value[:2] in prefixes else "eq"
    raw = value[2:] if value[:2] in prefixes else value
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            start = timezone.make_aware(datetime.combine(day, time.min))
            end = start + timedelta(days=1)
        else:
            start = datetime.fromisoformat(raw)
            if timezone.is_naive(start):
                start = timezone.make_aware(start)
            end = start + timedelta(seconds=1)
    except ValueError:
        raise FhirError(400, "invalid", gettext("date is not a FHIR date.")) from None
    if prefix == "eq":
        return rows.filter(observed_at__gte=start, observed_at__lt=end)
    if prefix == "ge":
        return rows.filter(observed_at__gte=start)
    if prefix == "gt":
        return rows.filter(observed_at__gte=end)
    if prefix == "le":
        return rows.filter(observed_at__lt=end)
    return rows.filter(observed_at__lt=start)


class ObservationSearch(FhirView):
    def get(self, request: Request) -> HttpResponse:
        user = self.user(VIEW_ASSESSMENT)
        params = _search_params(request, "Observation")
        rows = scoring_selectors.assessments_visible_to(user).select_related(
            "episode__patient", "superseded_by"
        )
        if "subject" in params:
            rows = rows.filter(
                episode__patient_id=_reference_id(params["subject"], "Patient", "subject")
            )
        if "encounter" in params:
            rows = rows.filter(
                episode_id=_reference_id(params["encounter"], "Encounter", "encounter")
            )
        if "code" in params:
            ours = resources.instrument_system(base_url(request))
            tokens = [_token(value) for value in params["code"].split(",")]
            # system|code must be this server's system; a bare code matches in any system.
            codes = [code for system, code in tokens if system in (None, ours)]
            rows = rows.filter(instrument__in=codes)
        for value in request.query_params.getlist("date"):
            rows = _date_filter(rows, value)
        rows = rows.order_by("-observed_at", "-id")
        base = base_url(request)
        chunk, total, self_url, next_url = _page(request, "Observation", params, rows)
        _log_many(request, user, [a.episode.patient for a in chunk], "Observation search (FHIR)")
        return fhir_response(
            resources.searchset(
                [_observation(base, a) for a in chunk],
                total=total,
                self_url=self_url,
                next_url=next_url,
                base=base,
            )
        )


# --- Patient and Encounter ------------------------------------------------------------------


class PatientRead(FhirView):
    def get(self, request: Request, pk: int) -> HttpResponse:
        user = self.user(VIEW_PATIENT)
        record = get_patient_for_user(user, pk)
        _log(request, user, record, f"Patient/{pk} (FHIR)")
        return fhir_response(resources.patient(record))


class PatientSearch(FhirView):
    def get(self, request: Request) -> HttpResponse:
        user = self.user(VIEW_PATIENT)
        params = _search_params(request, "Patient")
        rows = patients_visible_to(user).select_related("unit").order_by("pk")
        if "identifier" in params:
            system, value = _token(params["identifier"])
            rows = rows.filter(national_id=value)
            if system is not None:
                # system|value matches only a number of the kind the system names (the
                # fødselsnummer system never finds a D-number), an unknown system nothing.
                kinds = [k for k, known in _IDENTIFIER_KIND_SYSTEMS.items() if known == system]
                rows = rows.filter(national_id_kind__in=kinds)
        chunk, total, self_url, next_url = _page(request, "Patient", params, rows)
        _log_many(request, user, chunk, "Patient search (FHIR)")
        return fhir_response(
            resources.searchset(
                [resources.patient(p) for p in chunk],
                total=total,
                self_url=self_url,
                next_url=next_url,
                base=base_url(request),
            )
        )


class EncounterRead(FhirView):
    def get(self, request: Request, pk: int) -> HttpResponse:
        user = self.user(VIEW_EPISODE)
        record = get_episode_for_user(user, pk)
        _log(request, user, record.patient, f"Encounter/{pk} (FHIR)")
        return fhir_response(resources.encounter(record))


class EncounterSearch(FhirView):
    def get(self, request: Request) -> HttpResponse:
        user = self.user(VIEW_EPISODE)
        params = _search_params(request, "Encounter")
        rows: QuerySet[Episode] = (
            episodes_visible_to(user).select_related("patient", "unit").order_by("pk")
        )
        for name in ("subject", "patient"):
            if name in params:
                rows = rows.filter(patient_id=_reference_id(params[name], "Patient", name))
        chunk, total, self_url, next_url = _page(request, "Encounter", params, rows)
        _log_many(request, user, [e.patient for e in chunk], "Encounter search (FHIR)")
        return fhir_response(
            resources.searchset(
                [resources.encounter(e) for e in chunk],
                total=total,
                self_url=self_url,
                next_url=next_url,
                base=base_url(request),
            )
        )


# --- MedicationAdministration ---------------------------------------------------------------


def _drug_text(record: MedicationAdministration) -> str:
    return record.drug_other or str(record.get_drug_display())


# An id as this server writes them: ASCII digits, at most 18 (str.isdigit() also takes '²'
# and other digits int() refuses or reads as another id).
_ID: Final = re.compile(r"[0-9]{1,18}")


class MedicationAdministrationRead(FhirView):
    """A dose registered on the ward (``<id>``), or a planned dose answered given or not given on
    the medication view (``planned-<id>``)."""

    def get(self, request: Request, pk: str) -> HttpResponse:
        user = self.user(VIEW_ADMINISTRATION)
        if pk.startswith(resources.PLANNED_PREFIX):
            number = pk.removeprefix(resources.PLANNED_PREFIX)
            if not _ID.fullmatch(number) or not user.has_perm(VIEW_PLANNED_DOSE):
                raise Http404
            planned = scoring_selectors.get_planned_dose_record_for_user(user, int(number))
            _log(request, user, planned.episode.patient, f"MedicationAdministration/{pk} (FHIR)")
            return fhir_response(resources.planned_dose_administration(planned))
        if not _ID.fullmatch(pk):
            raise Http404
        record = scoring_selectors.get_administration_for_user(user, int(pk))
        _log(request, user, record.episode.patient, f"MedicationAdministration/{pk} (FHIR)")
        return fhir_response(resources.medication_administration(record, _drug_text(record)))


class _GivenThenPlanned:
    """The doses registered (newest first), then the planned doses answered (newest first): one
    list, each part paged in the database."""

    def __init__(self, given: QuerySet[Any], planned: QuerySet[Any]) -> None:
        self.given, self.planned = given, planned
        self._given_count = given.count()

    def count(self) -> int:
        return self._given_count + self.planned.count()

    def __getitem__(self, part: slice, /) -> list[Any]:
        start, stop = part.start or 0, part.stop
        rows: list[Any] = list(self.given[start:stop])
        if stop is None or stop > self._given_count:
            first = max(start - self._given_count, 0)
            last = None if stop is None else stop - self._given_count
            rows += list(self.planned[first:last])
        return rows


class MedicationAdministrationSearch(FhirView):
    def get(self, request: Request) -> HttpResponse:
        user = self.user(VIEW_ADMINISTRATION)
        params = _search_params(request, "MedicationAdministration")
        episodes = episodes_visible_to(user)
        given = (
            MedicationAdministration.objects.filter(episode__in=episodes)
            .select_related("episode__patient")
            .order_by("-given_at", "-id")
        )
        planned = (
            PlannedDoseRecord.objects.current()
            .filter(episode__in=episodes)
            .select_related("episode__patient", "superseded_by")
            .order_by("-recorded_at", "-id")
        )
        if not user.has_perm(VIEW_PLANNED_DOSE):
            planned = planned.none()
        for name in ("subject", "patient"):
            if name in params:
                patient_id = _reference_id(params[name], "Patient", name)
                given = given.filter(episode__patient_id=patient_id)
                planned = planned.filter(episode__patient_id=patient_id)
        if "context" in params:
            episode_id = _reference_id(params["context"], "Encounter", "context")
            given = given.filter(episode_id=episode_id)
            planned = planned.filter(episode_id=episode_id)
        rows = _GivenThenPlanned(given, planned)
        chunk, total, self_url, next_url = _page(request, "MedicationAdministration", params, rows)
        _log_many(
            request, user, [a.episode.patient for a in chunk], "MedicationAdministration search"
        )
        return fhir_response(
            resources.searchset(
                [
                    resources.planned_dose_administration(a)
                    if isinstance(a, PlannedDoseRecord)
                    else resources.medication_administration(a, _drug_text(a))
                    for a in chunk
                ],
                total=total,
                self_url=self_url,
                next_url=next_url,
                base=base_url(request),
            )
        )


# --- MedicationRequest (the plan's accepted lines) ------------------------------------------


def _plan_lines(user: User) -> QuerySet[PlanLine]:
    return (
        PlanLine.objects.filter(
            plan__episode__in=episodes_visible_to(user),
            status__in=[PlanLineStatus.ACCEPTED, PlanLineStatus.ADJUSTED],
        )
        .select_related("plan__episode__patient")
        .order_by("pk")
    )


def _request(line: PlanLine) -> Resource:
    source = line.source or {}
    drugs = source.get("drugs") or ([source["drug"]] if source.get("drug") else [])
    drug = ", ".join(str(d) for d in drugs) or str(source.get("code", line.code))
    message = source.get("message")
    params = source.get("params") or {}
    try:
        instruction = render_message(str(message), params) if message else ""
    except (KeyError, TypeError, ValueError):
        instruction = str(message)
    return resources.medication_request(line, drug, instruction)


def _taper_dose(request: Request, dose: TaperDose) -> Resource:
    drug = drug_name(dose.schedule.taper_drug)
    local = dose.at.strftime("%H:%M")
    instruction = f"{number_text(dose.mg)} mg {drug} {local}"
    if dose.tablets:
        instruction += f" ({dose.tablets})"
    return resources.taper_dose_request(base_url(request), dose, drug, instruction)


class MedicationRequestRead(FhirView):
    def get(self, request: Request, pk: str) -> HttpResponse:
        user = self.user(VIEW_PLAN_LINE)
        if not pk.isdigit():
            dose = taper_dose_for(user, pk)
            if dose is None:
                raise Http404
            _log(request, user, dose.patient, f"MedicationRequest/{pk} (FHIR)")
            return fhir_response(_taper_dose(request, dose))
        line = _plan_lines(user).filter(pk=int(pk)).first()
        if line is None:
            raise Http404
        _log(request, user, line.plan.episode.patient, f"MedicationRequest/{pk} (FHIR)")
        return fhir_response(_request(line))


class _LinesThenDoses:
    """The plan lines (a queryset, paged in the database), then the taper doses: one list."""

    def __init__(self, lines: QuerySet[PlanLine], doses: list[TaperDose]) -> None:
        self.lines, self.doses = lines, doses
        self._lines_count = lines.count()

    def count(self) -> int:
        return self._lines_count + len(self.doses)

    def __getitem__(self, part: slice) -> list[PlanLine | TaperDose]:
        start, stop = part.start or 0, part.stop
        found: list[PlanLine | TaperDose] = list(self.lines[start:stop])
        first, last = max(start - self._lines_count, 0), stop - self._lines_count
        if last > 0:
            found += self.doses[first:last]
        return found


class MedicationRequestSearch(FhirView):
    def get(self, request: Request) -> HttpResponse:
        user = self.user(VIEW_PLAN_LINE)
        params = _search_params(request, "MedicationRequest")
        rows = _plan_lines(user)
        schedules = schedules_visible_to(user)
        for name in ("subject", "patient"):
            if name in params:
                patient_id = _reference_id(params[name], "Patient", name)
                rows = rows.filter(plan__episode__patient_id=patient_id)
                schedules = schedules.filter(line__plan__episode__patient_id=patient_id)
        if "encounter" in params:
            episode_id = _reference_id(params["encounter"], "Encounter", "encounter")
            rows = rows.filter(plan__episode_id=episode_id)
            schedules = schedules.filter(line__plan__episode_id=episode_id)
        both = _LinesThenDoses(rows, [dose for s in schedules for dose in doses_of(s)])
        chunk, total, self_url, next_url = _page(request, "MedicationRequest", params, both)
        _log_many(
            request,
            user,
            [r.patient if isinstance(r, TaperDose) else r.plan.episode.patient for r in chunk],
            "MedicationRequest search",
        )
        return fhir_response(
            resources.searchset(
                [
                    _taper_dose(request, r) if isinstance(r, TaperDose) else _request(r)
                    for r in chunk
                ],
                total=total,
                self_url=self_url,
                next_url=next_url,
                base=base_url(request),
            )
        )
