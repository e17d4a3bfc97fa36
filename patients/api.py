"""The stored records over the API: ``/api/v1/patients/`` and ``/api/v1/episodes/``.

Same rules as the pages: only the user's units' records (404 for others), permissions per role
(403), the access log for every read and write, services for every change.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ErrorDetail, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import CLINICIAN
from patients import access_log, services
from patients.access_log import access_log_record_many
from patients.models import AccessAction, Episode, EpisodeStatus, Patient
from patients.selectors import (
    PATIENT_QUERY_MAX_LENGTH,
    PATIENT_QUERY_MAX_TERMS,
    episodes_visible_to,
    get_episode_for_user,
    get_patient_for_user,
    patients_visible_to,
    search_patients,
    units_of,
)
from patients.serializers import (
    EpisodeCreateSerializer,
    EpisodeSerializer,
    PatientCreateSerializer,
    PatientSerializer,
)


def api_user(request: Request) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


class ModelPermissions(BasePermission):
    """The role's model permission for the method: ``view`` to read, ``add`` to create."""

    def has_permission(self, request: Request, view: Any) -> bool:
        model = view.model._meta
        action = "view" if request.method in ("GET", "HEAD", "OPTIONS") else "add"
        return bool(request.user.has_perm(f"{model.app_label}.{action}_{model.model_name}"))


def service_errors(error: DjangoValidationError) -> ValidationError:
    """A service's ValidationError as a DRF 400 naming the field."""
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


def log_list(request: Request, patients: list[Patient], what: str) -> None:
    access_log_record_many(
        user=api_user(request),
        patients={p.pk: p for p in patients}.values(),
        action=AccessAction.VIEW,
        what=what,
        request=request._request,
    )


def log_one(request: Request, patient: Patient, action: AccessAction, what: str) -> None:
    access_log.access_log_record(
        user=api_user(request), patient=patient, action=action, what=what, request=request._request
    )


def _paginated(
    request: Request, view: APIView, items: QuerySet[Any], serializer: Any
) -> tuple[Response, list[Any]]:
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(items, request, view=view) or []
    return paginator.get_paginated_response(serializer(page, many=True).data), list(page)


class PatientListCreateView(APIView):
    model = Patient
    # For the schema: GET answers a page of the list (see ``_paginated``).
    pagination_class = PageNumberPagination
    permission_classes = [IsAuthenticated, ModelPermissions]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description=(
                    "Name or national identity number: at most "
                    f"{PATIENT_QUERY_MAX_LENGTH} characters and {PATIENT_QUERY_MAX_TERMS} words."
                ),
            )
        ],
        responses=PatientSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        try:
            patients = search_patients(
                patients_visible_to(api_user(request)), request.query_params.get("q", "")
            ).order_by("family_name", "given_name", "pk")
        except DjangoValidationError as error:  # beyond the search's limits (400 naming q)
            raise ValidationError(error.message_dict) from None
        response, page = _paginated(request, self, patients, PatientSerializer)
        log_list(request, page, "patient list")
        return response

    @extend_schema(
        request=PatientCreateSerializer,
        responses={
            201: PatientSerializer,
            202: OpenApiResponse(description="Registered elsewhere: the access request is stored."),
        },
    )
    def post(self, request: Request) -> Response:
        user = api_user(request)
        units = units_of(user)
        serializer = PatientCreateSerializer(data=request.data, units=units)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        unit = data.get("unit")
        if unit is None:
            if units.count() != 1:
                raise ValidationError(
                    {"unit": [gettext("Required: you are staff of several units.")]}
                )
            unit = units.get()
        try:
            patient = services.patient_create(
                unit=unit,
                national_id=data["national_id"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                user=user,
                access_reason=data.get("access_reason", ""),
                request=request._request,
            )
        except services.RegistrationRefused as error:
            # Registered at another unit: nothing about the patient, only the way to ask.
            if data.get("access_reason", "").strip():
                detail = gettext(
                    "Your access request is logged and shown to the administrators; "
                    "nothing was registered."
                )
                return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)
            how = gettext("Send the registration again with access_reason to request access.")
            refused: dict[str, Any] = dict(error.message_dict)
            refused["access_reason"] = [ErrorDetail(how, code="access_request")]
            raise ValidationError(refused) from None
        except DjangoValidationError as error:
            raise service_errors(error) from None
        log_one(request, patient, AccessAction.CREATE, "patient")
        return Response(PatientSerializer(patient).data, status=status.HTTP_201_CREATED)


class PatientDetailView(APIView):
    model = Patient
    permission_classes = [IsAuthenticated, ModelPermissions]

    @extend_schema(responses=PatientSerializer)
    def get(self, request: Request, pk: int) -> Response:
        patient = get_patient_for_user(api_user(request), pk)
        log_one(request, patient, AccessAction.VIEW, "patient")
        return Response(PatientSerializer(patient).data)


class EpisodeListCreateView(APIView):
    model = Episode
    # For the schema: GET answers a page of the list (see ``_paginated``).
    pagination_class = PageNumberPagination
    permission_classes = [IsAuthenticated, ModelPermissions]

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=EpisodeStatus.values, description="Filter")
        ],
        responses=EpisodeSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        episodes = episodes_visible_to(api_user(request)).select_related("patient")
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in EpisodeStatus.values:
                allowed = ", ".join(EpisodeStatus.values)
                message = gettext("Not an allowed value. Allowed: %(allowed)s.")
                raise ValidationError({"status": [message % {"allowed": allowed}]})
            episodes = episodes.filter(status=wanted)
        response, page = _paginated(
            request, self, episodes.order_by("-created_at", "-pk"), EpisodeSerializer
        )
        log_list(request, [episode.patient for episode in page], "episode list")
        return response

    @extend_schema(request=EpisodeCreateSerializer, responses={201: EpisodeSerializer})
    def post(self, request: Request) -> Response:
        user = api_user(request)
        units = units_of(user)
        clinicians = User.objects.filter(groups__name=CLINICIAN, units__in=units).distinct()
        serializer = EpisodeCreateSerializer(
            data=request.data, patients=patients_visible_to(user), clinicians=clinicians
        )
        serializer.is_valid(raise_exception=True)
        patient = serializer.validated_data["patient"]
        episode = services.episode_create(
            patient=patient,
            user=user,
            responsible_clinician=serializer.validated_data.get("responsible_clinician"),
        )
        log_one(request, patient, AccessAction.CREATE, "episode")
        return Response(EpisodeSerializer(episode).data, status=status.HTTP_201_CREATED)


class EpisodeDetailView(APIView):
    model = Episode
    permission_classes = [IsAuthenticated, ModelPermissions]

    @extend_schema(responses=EpisodeSerializer)
    def get(self, request: Request, pk: int) -> Response:
        episode = get_episode_for_user(api_user(request), pk)
        log_one(request, episode.patient, AccessAction.VIEW, "episode")
        return Response(EpisodeSerializer(episode).data)
