"""The plan API, mounted at ``/api/v1/``: stateless tapers and asynchronous care-plan PDFs.

- ``POST /api/v1/tapers/``: a taper schedule from drug, dose, setting and start date (nothing is
  stored); a 400 names every bad field.
- ``POST /api/v1/episodes/{id}/care-plans/``: 202 with the new care plan's id and status URL; the
  PDF is made by a worker. ``GET`` lists the episode's care plans.
- ``GET /api/v1/care-plans/{id}/``: ``pending``, ``ready`` or ``failed`` (with the reason).
- ``GET /api/v1/care-plans/{id}/pdf/``: the PDF once ready (409 before).

Same rules as the pages: another unit's episode is a 404, a role without the permission a 403
(clinicians request care plans; nurses and clinicians of the unit read and download them).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinical.examples import BENZODIAZEPINE_TAPER_EXAMPLE
from clinical.tapers import taper_plan
from core.exceptions import InputRejected, entry
from core.openapi import BAD_REQUEST
from core.parsers import DepthLimitedJSONParser
from guidelines.citations import citation_dicts
from patients.api import ModelPermissions, api_user, log_one
from patients.models import AccessAction
from patients.selectors import get_episode_for_user
from plans import presentation, selectors, services
from plans.models import CARE_PLAN_MISSING, CarePlan, CarePlanStatus
from plans.serializers import (
    CarePlanCreatedSerializer,
    CarePlanSerializer,
    TaperRequestSerializer,
    TaperResponseSerializer,
    missing_message,
)
from plans.taper_dates import request_start_date_error
from plans.tasks import generate_care_plan

TAPER_EXAMPLE = {**BENZODIAZEPINE_TAPER_EXAMPLE, "start_mg_per_day": None, "days": None}


class TaperView(APIView):
    """A taper schedule for the request; nothing is stored."""

    parser_classes = [DepthLimitedJSONParser]  # JSON only, nesting limited (core.parsers)
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=TaperRequestSerializer,
        responses={200: TaperResponseSerializer, 400: BAD_REQUEST},
        examples=[OpenApiExample("Alprazolam 2 mg a day to oxazepam", value=TAPER_EXAMPLE)],
    )
    def post(self, request: Request) -> Response:
        late = request_start_date_error(request.data, today=timezone.localdate())
        if late:
            raise InputRejected([entry("start_date", late)])
        # Bad input is a TaperInputError, answered with the one 400 body (core.exceptions).
        plan = taper_plan(request.data)
        body = plan.to_dict()
        for warning in body["warnings"]:
            warning["text"] = presentation.message_text(warning["message"], warning["params"])
        refs = [*body["refs"], *(ref for w in body["warnings"] for ref in w["refs"])]
        body["citations"] = citation_dicts(refs)
        return Response(body)


class EpisodeCarePlansView(APIView):
    """Request a new care-plan PDF for the episode (202), or list its care plans."""

    model = CarePlan
    permission_classes = [IsAuthenticated, ModelPermissions]
    pagination_class = PageNumberPagination

    @extend_schema(request=None, responses={202: CarePlanCreatedSerializer})
    def post(self, request: Request, pk: int) -> Response:
        user = api_user(request)
        episode = get_episode_for_user(user, pk)
        care_plan = services.care_plan_request(
            episode=episode, user=user, task=generate_care_plan, request=request._request
        )
        status_url = CarePlanSerializer(care_plan, context={"request": request}).data["status_url"]
        care_plan.refresh_from_db(fields=["status"])
        body = {
            "id": care_plan.pk,
            "version": care_plan.version,
            "status": care_plan.status,
            "status_url": status_url,
        }
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": status_url})

    @extend_schema(responses=CarePlanSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        episode = get_episode_for_user(api_user(request), pk)
        paginator = self.pagination_class()
        care_plans = selectors.episode_care_plans(episode).order_by("-version")
        page = paginator.paginate_queryset(care_plans, request, view=self) or []
        log_one(request, episode.patient, AccessAction.VIEW, "care plans")
        data = CarePlanSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


class CarePlanDetailView(APIView):
    """A care plan's status: ``pending``, ``ready`` (with ``pdf_url``) or ``failed`` (``error``)."""

    model = CarePlan
    permission_classes = [IsAuthenticated, ModelPermissions]

    @extend_schema(responses=CarePlanSerializer)
    def get(self, request: Request, pk: int) -> Response:
        care_plan = selectors.get_care_plan_for_user(api_user(request), pk)
        log_one(request, care_plan.episode.patient, AccessAction.VIEW, "care plan status")
        return Response(CarePlanSerializer(care_plan, context={"request": request}).data)


class PdfRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf``; error bodies are still JSON text."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        return json.dumps(data, default=str).encode()


class CarePlanPdfView(APIView):
    """The care plan's PDF, once it is ready."""

    model = CarePlan
    permission_classes = [IsAuthenticated, ModelPermissions]
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            409: OpenApiResponse(description="Not ready: pending or failed (see the status)."),
            404: OpenApiResponse(description="No such care plan in the user's units."),
            410: OpenApiResponse(
                description="Ready, but its PDF file is missing from the file store "
                "(status `missing`): request a new version."
            ),
        }
    )
    def get(self, request: Request, pk: int) -> Response | FileResponse:
        user = api_user(request)
        care_plan = selectors.get_care_plan_for_user(user, pk)
        if care_plan.status != CarePlanStatus.READY:
            body = {
                "detail": gettext("The care plan is not ready: it is %(status)s.")
                % {"status": care_plan.get_status_display()},
                "status": care_plan.status,
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        pdf = None if care_plan.file_missing else selectors.care_plan_file(care_plan)
        if pdf is None:
            body = {"detail": str(missing_message(care_plan)), "status": CARE_PLAN_MISSING}
            return Response(body, status=status.HTTP_410_GONE)
        log_one(request, care_plan.episode.patient, AccessAction.EXPORT, "care plan PDF")
        return FileResponse(
            pdf,
            content_type="application/pdf",
            as_attachment=True,
            filename=f"care-plan-{care_plan.pk}-v{care_plan.version}.pdf",
        )
