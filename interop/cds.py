"""CDS Hooks 2.0 at ``/cds-services``: discovery and ``patient-view``.

The caller authenticates with the CDS Hooks JWT: a bearer token signed by an issuer listed in
``CDS_HOOKS_ISSUERS`` (JWKS for RS256/ES256, a shared secret for HS256), whose ``aud`` is the
called service's URL, with ``exp`` and a ``jti`` that is refused if seen before (kept in the cache
until the token expires). A patient outside the issuer's units is a 403. The cards come from the
same engines as the result page (``scoring.selectors``); each call is access-logged under the
issuer's service account.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import jwt
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from clinical.advice import AdviceLine
from patients.access_log import access_log_record
from patients.models import AccessAction, Episode, EpisodeStatus, Patient
from scoring import selectors
from scoring.models import Assessment
from scoring.presentation import advice_lines

PATIENT_VIEW: Final = "avrusning-patient-view"
CRITICAL_KINDS: Final = frozenset({"escalate", "warning"})
SERVICE_ACCOUNT_PREFIX: Final = "cds-hooks:"


@dataclass(frozen=True)
class Caller:
    issuer: str
    units: frozenset[str]


class CdsRefused(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status


def _issuers() -> Mapping[str, Mapping[str, Any]]:
    return settings.CDS_HOOKS_ISSUERS


def authenticate(request: HttpRequest, audience: str, *, now: float) -> Caller:
    """The caller of this service, or ``CdsRefused(401)``."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise CdsRefused(401, "A CDS Hooks JWT is required.")
    token = header.removeprefix("Bearer ").strip()
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
        issuer = str(unverified.get("iss", ""))
        config = _issuers().get(issuer)
        if config is None:
            raise CdsRefused(401, "Unknown issuer.")
        if "secret" in config:
            key: Any = str(config["secret"])
            algorithms = ["HS256"]
        elif "jwks_url" in config:
            key = jwt.PyJWKClient(str(config["jwks_url"])).get_signing_key_from_jwt(token).key
            algorithms = ["RS256", "ES256"]
        else:
            raise CdsRefused(401, "The issuer has no key configured.")
        claims = jwt.decode(
            token,
            key,
            algorithms=algorithms,
            audience=audience,
            issuer=issuer,
            options={"require": ["iss", "aud", "exp", "jti"]},
        )
    except jwt.PyJWTError as error:
        raise CdsRefused(401, f"Invalid token: {error}") from None
    seconds = max(int(claims["exp"] - now), 0) + 60
    if not cache.add(f"cds-hooks-jti:{issuer}:{claims['jti']}", 1, timeout=seconds):
        raise CdsRefused(401, "This token was used before.")
    return Caller(issuer=issuer, units=frozenset(str(u) for u in config.get("units", [])))


def service_account(issuer: str) -> User:
    """The inactive account the access log names for an issuer's calls (no password, no login)."""
    username = (SERVICE_ACCOUNT_PREFIX + issuer)[:150]
    user, created = User.objects.get_or_create(username=username, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


# --- discovery --------------------------------------------------------------------------------


def _services() -> list[dict[str, Any]]:
    return [
        {
            "hook": "patient-view",
            "id": PATIENT_VIEW,
            "title": "Avrusning",
            "description": (
                "Overdue withdrawal scoring and the latest CIWA-Ar/COWS/SOWS advice for the "
                "open detox episode, with the guideline recommendations."
            ),
            "prefetch": {"patient": "Patient/{{context.patientId}}"},
        }
    ]


@login_not_required
@require_GET
def discovery(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"services": _services()})


# --- patient-view -------------------------------------------------------------------------------


def _source(request: HttpRequest, assessment: Assessment) -> dict[str, str]:
    return {
        "label": "Avrusning",
        "url": request.build_absolute_uri(reverse("assessment-detail", args=[assessment.pk])),
    }


def _line_cards(
    request: HttpRequest, assessment: Assessment, lines: Sequence[AdviceLine]
) -> list[dict[str, Any]]:
    cards = []
    for raw, shown in zip(lines, advice_lines(lines), strict=True):
        refs = ", ".join(shown.refs)
        cards.append(
            {
                "summary": shown.text[:140],
                "indicator": "critical" if raw.kind in CRITICAL_KINDS else "info",
                "detail": (
                    f"{shown.text}\n\n{gettext('Guideline')}: {refs}" if refs else shown.text
                ),
                "source": _source(request, assessment),
            }
        )
    return cards


def _open_episode(patient: Patient) -> Episode | None:
    return (
        patient.episodes.filter(status__in=[EpisodeStatus.ACTIVE, EpisodeStatus.PLANNED])
        .select_related("unit")
        .order_by("-created_at", "-pk")
        .first()
    )


def patient_view_cards(request: HttpRequest, episode: Episode) -> list[dict[str, Any]]:
    latest = (
        Assessment.objects.filter(episode=episode, kind="withdrawal", superseded_by__isnull=True)
        .select_related("episode__unit", "episode__patient")
        .order_by("-observed_at", "-pk")
        .first()
    )
    if latest is None:
        return []
    cards: list[dict[str, Any]] = []
    due, hours, _local = selectors.next_due_after(latest)
    if due < timezone.now():
        cards.append(
            {
                "summary": gettext("Scoring is overdue (every %(hours)s h).") % {"hours": hours},
                "indicator": "warning",
                "detail": gettext("The next score was due %(due)s.")
                % {"due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")},
                "source": _source(request, latest),
            }
        )
    if latest.instrument == "ciwa-ar":
        cards += _line_cards(request, latest, selectors.ciwa_advice_for(latest).lines)
    else:
        cards += _line_cards(request, latest, selectors.opioid_advice_for(latest).lines)
    return cards


def _patient_id(body: Mapping[str, Any]) -> int:
    context = body.get("context")
    if not isinstance(context, dict):
        raise CdsRefused(400, "context is required.")
    raw = str(context.get("patientId", ""))
    if not raw.isdigit():
        raise CdsRefused(404, "Unknown patient.")
    return int(raw)


@require_POST
def patient_view(request: HttpRequest) -> HttpResponse:
    audience = request.build_absolute_uri(reverse("cds-service", args=[PATIENT_VIEW]))
    try:
        caller = authenticate(request, audience, now=timezone.now().timestamp())
        try:
            body = json.loads(request.body)
        except ValueError:
            raise CdsRefused(400, "The body is not JSON.") from None
        if not isinstance(body, dict) or body.get("hook") != "patient-view":
            raise CdsRefused(400, "hook must be patient-view.")
        patient = Patient.objects.filter(pk=_patient_id(body)).select_related("unit").first()
        if patient is None:
            raise CdsRefused(404, "Unknown patient.")
        if patient.unit.code not in caller.units:
            raise CdsRefused(403, "This patient is outside the issuer's units.")
    except CdsRefused as refused:
        return JsonResponse({"error": refused.args[0]}, status=refused.status)
    episode = _open_episode(patient)
    cards = patient_view_cards(request, episode) if episode else []
    access_log_record(
        user=service_account(caller.issuer),
        patient=patient,
        action=AccessAction.VIEW,
        what=f"CDS Hooks patient-view ({caller.issuer})",
        request=request,
    )
    return JsonResponse({"cards": cards})


@login_not_required
@csrf_exempt
def service(request: HttpRequest, service_id: str) -> HttpResponse:
    if service_id == PATIENT_VIEW:
        return patient_view(request)
    return JsonResponse({"error": "Unknown service."}, status=404)
