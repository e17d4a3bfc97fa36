"""The treatment-level API: stateless evaluation, and evaluation of a stored episode's intake.

``POST /api/v1/treatment-level/`` takes the engine's input as JSON; ``GET
/api/v1/episodes/{id}/treatment-level/`` runs the same engine on the episode's intake. Both answer
with the level, the acute referral, and reasons and cautions citing the guideline (grade and text
from the guideline data).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinical.levels import LevelInput, evaluate_level, parse_level_input
from core.openapi import BAD_REQUEST
from core.parsers import DepthLimitedJSONParser
from patients.api import ModelPermissions, api_user, log_one
from patients.level_presentation import present_proposal
from patients.level_serializers import (
    EpisodeTreatmentLevelSerializer,
    TreatmentLevelRequestSerializer,
    TreatmentLevelResponseSerializer,
)
from patients.models import AccessAction, Intake
from patients.selectors import episode_level_input, get_episode_for_user


def _evaluate(inp: LevelInput) -> dict[str, Any]:
    proposal = evaluate_level(inp)
    return present_proposal(
        proposal.to_dict(), substances=[use.substance for use in inp.substances]
    )


class TreatmentLevelView(APIView):
    """Propose outpatient or inpatient detox, and any acute referral, for the facts given."""

    parser_classes = [DepthLimitedJSONParser]  # JSON only, nesting limited (core.parsers)
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=TreatmentLevelRequestSerializer,
        responses={200: TreatmentLevelResponseSerializer, 400: BAD_REQUEST},
        examples=[
            OpenApiExample(
                "Alcohol with earlier delirium tremens",
                value={
                    "substances": [{"substance": "alcohol", "dependent": True, "injecting": False}],
                    "previous_withdrawal_complications": ["delirium_tremens"],
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        # Bad input is a LevelInputError, answered with the one 400 body (core.exceptions).
        inp = parse_level_input(request.data)
        return Response(TreatmentLevelResponseSerializer(_evaluate(inp)).data)


class EpisodeTreatmentLevelView(APIView):
    """The same evaluation on the episode's stored intake (every fact unknown if none)."""

    model = Intake
    permission_classes = [IsAuthenticated, ModelPermissions]

    @extend_schema(responses={200: EpisodeTreatmentLevelSerializer})
    def get(self, request: Request, pk: int) -> Response:
        episode = get_episode_for_user(api_user(request), pk)
        level_input = episode_level_input(episode)
        log_one(request, episode.patient, AccessAction.VIEW, "treatment-level proposal")
        inp = parse_level_input(level_input)
        body = {"episode": episode.pk, "input": level_input, **_evaluate(inp)}
        return Response(EpisodeTreatmentLevelSerializer(body).data)
