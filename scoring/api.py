"""REST API for scales, stateless scoring, stored scores, corrections and doses (``/api/v1/``).

Thin adapters over ``clinical.scoring``, ``clinical.advice`` and ``scoring.services``. Bad input is
a 400 whose body names every field at fault, with the allowed values where there is a set:
``{"errors": [{"field": "items.tremor", "message": "...", "code": "...", "allowed": [0, 1]}]}``,
answered by ``core.exceptions`` (the views raise, they build no 400 body). Episodes
outside the user's unit are a 404; a role without the permission gets a 403.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.contrib.auth.models import User
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinical.advice import (
    Administration,
    AdviceContext,
    AdviceError,
    CiwaObservation,
    ciwa_advice,
)
from clinical.instruments import INSTRUMENTS, Instrument
from clinical.opioid_advice import OPIOID_SCALES, OpioidAdviceContext, opioid_advice
from clinical.scoring import DEFAULT_LOCAL_INTERVAL_HOURS, ScoreResult, ScoringError, score
from core.exceptions import BODY, InputRejected, entry, field_error_entry, validated
from core.openapi import BAD_REQUEST
from guidelines.citations import citation_dicts
from patients.access_log import access_log_record
from patients.models import AccessAction, Episode
from patients.selectors import get_episode_for_user
from scoring import presentation, selectors
from scoring.checks import (
    FieldProblem,
    InvalidInput,
)
from scoring.models import Assessment, MedicationAdministration
from scoring.permissions import (
    ADD_ADMINISTRATION,
    ADD_ASSESSMENT,
    ADD_SCREENING,
    VIEW_ADMINISTRATION,
    VIEW_ASSESSMENT,
)
from scoring.serializers import (
    AdministrationCorrectionSerializer,
    AdministrationCreateSerializer,
    AdministrationSerializer,
    AssessmentCorrectionSerializer,
    AssessmentCreateSerializer,
    AssessmentSerializer,
    CiwaAdviceRequestSerializer,
    CiwaAdviceResponseSerializer,
    OpioidAdviceRequestSerializer,
    OpioidAdviceResponseSerializer,
    ScaleSerializer,
    ScaleSummarySerializer,
    ScoreRequestSerializer,
    ScoreResponseSerializer,
    scale_definition,
    scale_summary,
)
from scoring.services import (
    AlreadyRecorded,
    assessment_correct,
    assessment_record,
    medication_administration_correct,
    medication_administration_record,
)

# --- helpers -------------------------------------------------------------------------------------


def _require(request: Request, *perms: str) -> User:
    user = request.user
    if not isinstance(user, User) or not all(user.has_perm(perm) for perm in perms):
        raise exceptions.PermissionDenied
    return user


def _instrument_or_404(code: str) -> Instrument:
    instrument = INSTRUMENTS.get(code)
    if instrument is None:
        raise exceptions.NotFound(
            gettext("Unknown scale %(code)s; known codes are %(known)s.")
            % {"code": code, "known": ", ".join(INSTRUMENTS)}
        )
    return instrument


def advice_dicts(lines: Iterable[presentation.DisplayLine]) -> list[dict[str, Any]]:
    """Display lines with their citations (grade, text, link), in one query for all refs."""
    lines = list(lines)
    citations = {c["ref"]: c for c in citation_dicts(ref for line in lines for ref in line.refs)}
    return [
        {
            "code": line.code,
            "text": line.text,
            "kind": line.kind,
            "refs": list(line.refs),
            "sections": list(line.sections),
            "resolution": line.resolution,
            "citations": [citations[ref] for ref in line.refs if ref in citations],
            "drug": line.drug,
            "mg": _number(line.mg),
        }
        for line in lines
    ]


def _number(value: Decimal | None) -> int | float | None:
    """An exact mg value as a JSON number (10, 2.5), or None."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _score_response(result: ScoreResult, advice: list[presentation.DisplayLine]) -> dict[str, Any]:
    return {
        "instrument": result.instrument,
        "total": result.total,
        "max_total": result.max_total,
        "band": {
            "code": result.band.code,
            "label": presentation.band_label(result.band),
            "lower": result.band.lower,
            "upper": result.band.upper,
            "derived": result.band.derived,
        },
        "positive": result.positive,
        "monitoring_interval_hours": result.monitoring_interval_hours,
        "monitoring_interval_local_choice": result.monitoring_interval_local_choice,
        "treatment_tier": result.treatment_tier,
        "skipped_items": list(result.skipped_items),
        "advice": advice_dicts(advice),
    }


# --- scales --------------------------------------------------------------------------------------


class ScaleListApi(APIView):
    """The rating scales: CIWA-Ar, COWS, SOWS, AUDIT, DUDIT, FAST, CAGE, TWEAK."""

    pagination_class = PageNumberPagination  # paginated like every list, for one client code path

    @extend_schema(responses=ScaleSummarySerializer(many=True), operation_id="scales_list")
    def get(self, request: Request) -> Response:
        rows = [
            scale_summary(i, request.build_absolute_uri(reverse("api-scale-detail", args=[code])))
            for code, i in INSTRUMENTS.items()
        ]
        paginator = self.pagination_class()
        page: list[dict[str, Any]] | None = paginator.paginate_queryset(
            rows,  # type: ignore[arg-type]  # a list paginates like a queryset
            request,
            view=self,
        )
        return paginator.get_paginated_response(page)


class ScaleDetailApi(APIView):
    """One scale's definition: items with allowed values and anchors (nb/en), bands, sources."""

    @extend_schema(responses={200: ScaleSerializer, 404: OpenApiTypes.OBJECT})
    def get(self, request: Request, code: str) -> Response:
        instrument = _instrument_or_404(code)
        url = request.build_absolute_uri(reverse("api-scale-detail", args=[code]))
        return Response(scale_definition(instrument, url))


class ScaleScoreApi(APIView):
    """Score a completed form without storing it: total, band, interval, tier and advice."""

    @extend_schema(
        request=ScoreRequestSerializer,
        responses={200: ScoreResponseSerializer, 400: BAD_REQUEST},
        description=(
            "Stateless. `sex` only where the instrument needs it (AUDIT, DUDIT). For CIWA-Ar the "
            "advice follows 8.4.6-3 and takes the optional history, breath alcohol and "
            "drowsiness into account; unknown history is advised on as unknown."
        ),
    )
    def post(self, request: Request, code: str) -> Response:
        instrument = _instrument_or_404(code)
        data = validated(ScoreRequestSerializer(data=request.data))
        result = score(
            instrument.code,
            data["items"],
            sex=data.get("sex"),
            local_interval_hours=data.get("local_interval_hours", DEFAULT_LOCAL_INTERVAL_HOURS),
        )
        lines = presentation.note_lines(result.notes)
        if instrument.code == "ciwa-ar":
            advice = ciwa_advice(
                AdviceContext(
                    score=result.total,
                    now=timezone.now(),
                    prior_withdrawal_seizures=data.get("prior_withdrawal_seizures"),
                    prior_delirium_tremens=data.get("prior_delirium_tremens"),
                    breath_alcohol_permille=data.get("breath_alcohol_permille"),
                    drowsy=data.get("drowsy"),
                )
            )
            lines = presentation.advice_lines(advice.lines) + lines
        return Response(_score_response(result, lines))


# --- stored assessments --------------------------------------------------------------------------


def _episode(request: Request, episode_id: int) -> Episode:
    return get_episode_for_user(request.user, episode_id)


_M = TypeVar("_M", bound=Model)


class EpisodeScopedApi(GenericAPIView[_M]):
    """For list views under ``episodes/<episode_id>/``: the episode, fetched and authorized once."""

    _episode_cache: Episode | None = None

    def episode(self) -> Episode:
        if self._episode_cache is None:
            self._episode_cache = _episode(self.request, self.kwargs["episode_id"])
        return self._episode_cache


def _log(request: Request, user: User, episode: Episode, action: str, what: str) -> None:
    access_log_record(
        user=user, patient=episode.patient, action=action, what=what, request=request._request
    )


def _assessments(episode: Episode) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(episode=episode)
        .select_related("entered_by", "superseded_by")
        .order_by("-observed_at", "-id")
    )


class EpisodeAssessmentsApi(EpisodeScopedApi[Assessment]):
    """The episode's stored scores, every version (corrections keep the original)."""

    serializer_class = AssessmentSerializer

    def get_queryset(self) -> QuerySet[Assessment]:
        rows = _assessments(self.episode())
        if code := self.request.query_params.get("instrument"):
            rows = rows.filter(instrument=code)
        if self.request.query_params.get("current") in {"1", "true", "yes"}:
            rows = rows.filter(superseded_by__isnull=True)
        return rows

    @extend_schema(
        responses=AssessmentSerializer(many=True),
        parameters=[
            OpenApiParameter("instrument", str, description="Only this scale, e.g. ciwa-ar"),
            OpenApiParameter("current", bool, description="Only versions not corrected"),
        ],
    )
    def get(self, request: Request, episode_id: int) -> Response:
        user = _require(request, VIEW_ASSESSMENT)
        episode = self.episode()
        page = self.paginate_queryset(self.get_queryset())
        _log(request, user, episode, AccessAction.VIEW, "assessments (API)")
        return self.get_paginated_response(AssessmentSerializer(page, many=True).data)

    @extend_schema(
        request=AssessmentCreateSerializer,
        responses={201: AssessmentSerializer, 400: BAD_REQUEST},
        description=(
            "Store a score. A resend of the same form (same instrument, observation time and "
            "values within two minutes) returns the row stored the first time."
        ),
    )
    def post(self, request: Request, episode_id: int) -> Response:
        user = _require(request, ADD_ASSESSMENT)
        # Fetch and authorize first: another unit's episode is a 404 whatever the body says.
        episode = self.episode()
        data = validated(AssessmentCreateSerializer(data=request.data))
        if INSTRUMENTS[data["instrument"]].kind == "screening":
            _require(request, ADD_SCREENING)
        assessment = assessment_record(
            episode=episode,
            instrument=data["instrument"],
            items=data["items"],
            observed_at=data.get("observed_at"),
            breath_alcohol=data.get("breath_alcohol_permille"),
            drowsy=data.get("drowsy", False),
            current_delirium=data.get("current_delirium", False),
            user=user,
            now=timezone.now(),
        )
        _log(request, user, episode, AccessAction.CREATE, f"assessment {assessment.pk} (API)")
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


class AssessmentDetailApi(GenericAPIView[Assessment]):
    serializer_class = AssessmentSerializer

    @extend_schema(responses=AssessmentSerializer)
    def get(self, request: Request, assessment_id: int) -> Response:
        user = _require(request, VIEW_ASSESSMENT)
        assessment = selectors.get_assessment_for_user(user, assessment_id)
        _log(request, user, assessment.episode, AccessAction.VIEW, f"assessment {assessment.pk}")
        return Response(AssessmentSerializer(assessment).data)


class AssessmentCorrectionsApi(GenericAPIView[Assessment]):
    """Correct a stored score: a new version with a reason; the original stays."""

    serializer_class = AssessmentSerializer

    @extend_schema(
        request=AssessmentCorrectionSerializer,
        responses={201: AssessmentSerializer, 400: BAD_REQUEST},
    )
    def post(self, request: Request, assessment_id: int) -> Response:
        user = _require(request, ADD_ASSESSMENT)
        original = selectors.get_assessment_for_user(user, assessment_id)
        if original.kind == "screening":
            _require(request, ADD_SCREENING)
        data = validated(AssessmentCorrectionSerializer(data=request.data))
        extra: dict[str, Any] = {}
        if "breath_alcohol_permille" in data:
            extra["breath_alcohol"] = data["breath_alcohol_permille"]
        correction = assessment_correct(
            original=original,
            items=data["items"],
            observed_at=data.get("observed_at") or original.observed_at,
            reason=data["reason"],
            drowsy=data.get("drowsy"),
            current_delirium=data.get("current_delirium"),
            user=user,
            now=timezone.now(),
            **extra,
        )
        _log(
            request,
            user,
            original.episode,
            AccessAction.UPDATE,
            f"assessment {original.pk} corrected (API)",
        )
        return Response(AssessmentSerializer(correction).data, status=status.HTTP_201_CREATED)


# --- medication administrations ------------------------------------------------------------------


def _linked(user: User, episode: Episode, pk: int | None) -> Assessment | None:
    if not pk:
        return None
    try:
        return selectors.assessments_visible_to(user).get(pk=pk, episode=episode)
    except Assessment.DoesNotExist:
        raise InvalidInput(
            [
                FieldProblem(
                    field="assessment",
                    message=gettext("No score %(id)s in this episode.") % {"id": pk},
                )
            ]
        ) from None


class EpisodeMedicationsApi(EpisodeScopedApi[MedicationAdministration]):
    """Doses given in the episode, every version (corrections keep the original)."""

    serializer_class = AdministrationSerializer

    def get_queryset(self) -> QuerySet[MedicationAdministration]:
        return (
            MedicationAdministration.objects.filter(episode=self.episode())
            .select_related("entered_by", "superseded_by")
            .order_by("-given_at", "-id")
        )

    @extend_schema(responses=AdministrationSerializer(many=True))
    def get(self, request: Request, episode_id: int) -> Response:
        user = _require(request, VIEW_ADMINISTRATION)
        episode = self.episode()
        page = self.paginate_queryset(self.get_queryset())
        _log(request, user, episode, AccessAction.VIEW, "medication administrations (API)")
        return self.get_paginated_response(AdministrationSerializer(page, many=True).data)

    @extend_schema(
        request=AdministrationCreateSerializer,
        responses={201: AdministrationSerializer, 400: BAD_REQUEST, 409: BAD_REQUEST},
    )
    def post(self, request: Request, episode_id: int) -> Response:
        user = _require(request, ADD_ADMINISTRATION)
        episode = self.episode()
        data = validated(AdministrationCreateSerializer(data=request.data))
        try:
            administration = medication_administration_record(
                episode=episode,
                drug=data["drug"],
                drug_other=data.get("drug_other", ""),
                dose_mg=data["dose_mg"],
                route=data["route"],
                given_at=data.get("given_at"),
                assessment=_linked(user, episode, data.get("assessment")),
                user=user,
                now=timezone.now(),
            )
        except AlreadyRecorded as already:
            # The same dose sent twice: nothing stored, said in the one error body's shape.
            problem = entry(BODY, already.message, code="already_recorded")
            problem["existing"] = already.earlier.pk
            return Response({"errors": [problem]}, status=status.HTTP_409_CONFLICT)
        _log(request, user, episode, AccessAction.CREATE, "medication administration (API)")
        return Response(
            AdministrationSerializer(administration).data, status=status.HTTP_201_CREATED
        )


class MedicationCorrectionsApi(GenericAPIView[MedicationAdministration]):
    serializer_class = AdministrationSerializer

    @extend_schema(
        request=AdministrationCorrectionSerializer,
        responses={201: AdministrationSerializer, 400: BAD_REQUEST},
    )
    def post(self, request: Request, administration_id: int) -> Response:
        user = _require(request, ADD_ADMINISTRATION)
        original = selectors.get_administration_for_user(user, administration_id)
        data = validated(AdministrationCorrectionSerializer(data=request.data))
        correction = medication_administration_correct(
            original=original,
            drug=data["drug"],
            drug_other=data.get("drug_other", ""),
            dose_mg=data["dose_mg"],
            route=data["route"],
            given_at=data["given_at"],
            reason=data["reason"],
            entered_in_error=data.get("entered_in_error", False),
            user=user,
            now=timezone.now(),
        )
        _log(request, user, original.episode, AccessAction.UPDATE, "medication corrected (API)")
        return Response(AdministrationSerializer(correction).data, status=status.HTTP_201_CREATED)


# --- stateless bedside advice (issue 11) ---------------------------------------------------------


def _advice_total(code: str, data: Mapping[str, Any]) -> tuple[int, str | None, list[FieldProblem]]:
    """The total from ``total`` or ``items`` (exactly one of them), its band, or the problems."""
    instrument = INSTRUMENTS[code]
    has_total, has_items = data.get("total") is not None, data.get("items") is not None
    if has_total == has_items:
        message = gettext("Give either total or items, not both.") if has_total else None
        return (
            0,
            None,
            [
                FieldProblem(
                    field="total",
                    message=message
                    or gettext("Give the total (0–%(max)s) or the items.")
                    % {"max": instrument.max_total},
                )
            ],
        )
    if has_total:
        total = int(data["total"])
        if total > instrument.max_total:
            return (
                0,
                None,
                [
                    FieldProblem(
                        field="total",
                        message=gettext("The total must be 0–%(max)s.")
                        % {"max": instrument.max_total},
                    )
                ],
            )
    else:
        try:
            total = score(code, data["items"]).total
        except ScoringError as error:
            # Reported with the other fields' problems (observed_at, doses) in one 400.
            return 0, None, [cast(FieldProblem, field_error_entry(e)) for e in error.field_errors]
    band = next((b for b in instrument.bands_for(None) if b.contains(total)), None)
    return total, band.code if band else None, []


def _advice_moments(
    data: Mapping[str, Any], now: datetime, scores_key: str | None
) -> tuple[datetime, list[FieldProblem]]:
    """``observed_at`` (default now) not in the future; doses and earlier scores not after it."""
    observed_at: datetime = data.get("observed_at") or now
    problems: list[FieldProblem] = []
    if observed_at > now:
        problems.append(
            FieldProblem(field="observed_at", message=gettext("The time is in the future."))
        )
    for index, dose in enumerate(data.get("doses") or []):
        if dose["given_at"] > observed_at:
            problems.append(
                FieldProblem(
                    field=f"doses[{index}].given_at",
                    message=gettext("A dose cannot be given after the score (observed_at)."),
                )
            )
    for index, earlier in enumerate(data.get(scores_key) or [] if scores_key else []):
        if earlier["observed_at"] > observed_at:
            problems.append(
                FieldProblem(
                    field=f"{scores_key}[{index}].observed_at",
                    message=gettext("An earlier score cannot be after the score (observed_at)."),
                )
            )
    return observed_at, problems


def _doses(data: Mapping[str, Any]) -> list[Administration]:
    return [
        Administration(d["drug"], d["mg"], d["route"], d["given_at"])
        for d in data.get("doses") or []
    ]


def _advice_error(error: AdviceError) -> InputRejected:
    """A context the engine refuses that the envelope let through (should not happen)."""
    field = str(error).split(" ", 1)[0]
    return InputRejected([FieldProblem(field=field, message=str(error))])


class CiwaAdviceApi(APIView):
    """Bedside CIWA-Ar advice, stateless: the same engine as the ward's result page."""

    @extend_schema(
        request=CiwaAdviceRequestSerializer,
        responses={200: CiwaAdviceResponseSerializer, 400: BAD_REQUEST},
        operation_id="advice_ciwa_ar",
        description=(
            "Stateless; nothing is stored and no patient is named. Give `total` (0–67) or `items`. "
            "Times are ISO 8601 with a time zone. Lines come escalations first, then warnings, "
            "doses and information; `text` is in the request's language; `resolution: true` marks "
            "the application's reading where the guideline is silent. A drowsy patient "
            "(`state.drowsy`) gets no dose line at all; `state.current_delirium` gets the delirium "
            "tremens protocol (8.4.5-2) instead of the CIWA-Ar table; only diazepam given under "
            "the hourly regimen counts toward 'no response after 50 mg'."
        ),
    )
    def post(self, request: Request) -> Response:
        data = validated(CiwaAdviceRequestSerializer(data=request.data))
        total, _band, problems = _advice_total("ciwa-ar", data)
        observed_at, more = _advice_moments(data, timezone.now(), "previous_scores")
        if problems or more:
            raise InputRejected(problems + more)
        history = data.get("history") or {}
        state = data.get("state") or {}
        try:
            advice = ciwa_advice(
                AdviceContext(
                    score=total,
                    now=observed_at,
                    prior_withdrawal_seizures=history.get("prior_seizures"),
                    prior_delirium_tremens=history.get("prior_delirium_tremens"),
                    prior_severe_withdrawal=history.get("prior_severe_withdrawal"),
                    breath_alcohol_permille=state.get("breath_alcohol_permille"),
                    drowsy=state.get("drowsy"),
                    current_delirium=state.get("current_delirium"),
                    delirium_risk=state.get("delirium_risk"),
                    administrations=_doses(data),
                    earlier_scores=[
                        CiwaObservation(s["total"], s["observed_at"])
                        for s in data.get("previous_scores") or []
                    ],
                    thiamine_given=data.get("thiamine_given"),
                    liver_failure=data.get("liver_failure"),
                    wernicke_suspected=data.get("wernicke_suspected"),
                    pregnant=data.get("pregnant"),
                    age_years=data.get("age_years"),
                    head_injury=data.get("head_injury"),
                    benzodiazepine_misuse=data.get("benzodiazepine_misuse"),
                )
            )
        except AdviceError as error:
            raise _advice_error(error) from error
        return Response(
            {
                "total": advice.score,
                "tier": advice.tier,
                "band": advice.band,
                "protocol": advice.protocol,
                "cumulative_diazepam_mg": _number(advice.cumulative_diazepam_mg),
                "hourly_diazepam_mg": _number(advice.hourly_diazepam_mg),
                "olanzapine_given_mg": _number(advice.olanzapine_given_mg),
                "hourly_escalation": advice.hourly_escalation,
                "monitoring_interval_hours": advice.monitoring_interval_hours,
                "next_score_due": advice.next_score_due.isoformat(),
                "lines": advice_dicts(presentation.advice_lines(advice.lines)),
            }
        )


class OpioidAdviceApi(APIView):
    """Bedside COWS/SOWS advice (chapter 10), stateless: the ward page's engine."""

    @extend_schema(
        request=OpioidAdviceRequestSerializer,
        responses={200: OpioidAdviceResponseSerializer, 400: BAD_REQUEST, 404: OpenApiTypes.OBJECT},
        operation_id="advice_opioid",
        description=(
            "`code` is cows or sows. Stateless; nothing is stored. Buprenorphine with naloxone "
            "first, clonidine or lofexidine second (10.5-1); the guideline gives no doses, and "
            "the advice gives none. Pregnant and not in LAR: stabilise on buprenorphine (12-7), "
            "no detox; in LAR: LAR medication is not tapered; drowsy: no medication line."
        ),
    )
    def post(self, request: Request, code: str) -> Response:
        if code not in OPIOID_SCALES:
            raise exceptions.NotFound(
                gettext("No advice for %(code)s; known scales are %(known)s.")
                % {"code": code, "known": ", ".join(OPIOID_SCALES)}
            )
        data = validated(OpioidAdviceRequestSerializer(data=request.data))
        total, band, problems = _advice_total(code, data)
        observed_at, more = _advice_moments(data, timezone.now(), None)
        if problems or more:
            raise InputRejected(problems + more)
        try:
            advice = opioid_advice(
                OpioidAdviceContext(
                    instrument=code,
                    score=total,
                    now=observed_at,
                    drowsy=(data.get("state") or {}).get("drowsy"),
                    pregnant=data.get("pregnant"),
                    in_lar=data.get("in_lar"),
                    age_years=data.get("age_years"),
                    head_injury=data.get("head_injury"),
                    benzodiazepine_misuse=data.get("benzodiazepine_misuse"),
                    administrations=_doses(data),
                )
            )
        except AdviceError as error:
            raise _advice_error(error) from error
        return Response(
            {
                "instrument": code,
                "total": total,
                "band": band,
                "protocol": advice.protocol,
                "buprenorphine_given_mg": _number(advice.buprenorphine_given_mg),
                "clonidine_given_mg": _number(advice.clonidine_given_mg),
                "lines": advice_dicts(presentation.advice_lines(advice.lines)),
            }
        )
