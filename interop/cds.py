"""CDS Hooks 2.0 at ``/cds-services``: discovery, ``patient-view`` and ``order-select``.

The caller authenticates with the CDS Hooks JWT: a bearer token signed by an issuer listed in
``CDS_HOOKS_ISSUERS`` (JWKS for RS256/ES256, a shared secret for HS256), whose ``aud`` is the
called service's URL, with ``exp`` and a ``jti`` that is refused if seen before (kept in the cache
until the token expires). A patient outside the issuer's units is a 403. The cards come from the
same engines as the pages (``interop.patient_view``, ``interop.order_select``); each call is
access-logged under the issuer's service account. A ``patientId`` this server does not store is
answered from ``prefetch`` alone (``interop.stateless``): no stored record is read, so no unit
applies, and the log names the caller's patient id.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import jwt
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db.models import Case, Value, When
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from interop import order_select, patient_view, stateless
from interop.resources import IDENTIFIER_SYSTEMS, instrument_system
from patients.access_log import access_log_record
from patients.models import AccessAction, Episode, EpisodeStatus, Patient

PATIENT_VIEW: Final = "avrusning-patient-view"
ORDER_SELECT: Final = "avrusning-order-select"
HOOKS: Final[Mapping[str, str]] = {PATIENT_VIEW: "patient-view", ORDER_SELECT: "order-select"}
SERVICE_ACCOUNT_PREFIX: Final = "cds-hooks:"


@dataclass(frozen=True)
class Caller:
    issuer: str
    units: frozenset[str]


@functools.lru_cache(maxsize=32)
def _jwks_client(url: str) -> jwt.PyJWKClient:
    """One client per issuer's JWKS address, per process: PyJWT keeps the fetched key set for
    five minutes (and fetches again for a key id it does not know), so a call does not wait on
    the EHR's key server each time; a key server that does not answer fails the call in 5 s."""
    return jwt.PyJWKClient(url, cache_jwk_set=True, lifespan=300, timeout=5)


class CdsRefused(Exception):
    def __init__(
        self,
        status: int,
        text: str,
        *,
        caller: Caller | None = None,
        patient: Patient | None = None,
        about: str = "",
    ) -> None:
        super().__init__(text)
        self.status = status
        # An authenticated caller refused: the attempt is access-logged, on the patient's log
        # when the call was about a stored patient, else naming the id it was about.
        self.caller = caller
        self.patient = patient
        self.about = about


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
            try:
                client = _jwks_client(str(config["jwks_url"]))
                key = client.get_signing_key_from_jwt(token).key
            except (OSError, ValueError) as error:
                # The key server answered with something that is not a key set, or reset.
                raise CdsRefused(401, f"The issuer's keys could not be read: {error}") from None
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


def prefetch_templates(request: HttpRequest) -> dict[str, str]:
    """What the services read from the record; only ``patient`` is needed for a stored patient."""
    system = instrument_system(request.build_absolute_uri("/fhir/R4/"))
    scores = ",".join(f"{system}|{code}" for code in stateless.WITHDRAWAL_INSTRUMENTS)
    loinc, pregnancy = stateless.PREGNANCY_STATUS
    return {
        "patient": "Patient/{{context.patientId}}",
        "pregnancy": (
            f"Observation?patient={{{{context.patientId}}}}&code={loinc}|{pregnancy}"
            "&_sort=-date&_count=1"
        ),
        "withdrawalScore": (
            f"Observation?patient={{{{context.patientId}}}}&code={scores}&_sort=-date&_count=1"
        ),
    }


def _services(request: HttpRequest) -> list[dict[str, Any]]:
    prefetch = prefetch_templates(request)
    return [
        {
            "hook": "patient-view",
            "id": PATIENT_VIEW,
            "title": "Avrusning",
            "description": (
                "The proposed treatment level, overdue withdrawal scoring, the latest "
                "CIWA-Ar/COWS/SOWS advice and the open discharge and overdose-prevention items "
                "for the open detox episode, with the guideline recommendations."
            ),
            "prefetch": prefetch,
        },
        {
            "hook": "order-select",
            "id": ORDER_SELECT,
            "title": "Avrusning: benzodiazepine and opioid orders",
            "description": (
                "Checks each selected draft benzodiazepine or opioid MedicationRequest against "
                "the detox guideline's safety rules (drowsiness, pregnancy, start-dose bounds, "
                "sedative cautions); other drugs are not checked."
            ),
            "prefetch": prefetch,
        },
    ]


@login_not_required
@require_GET
def discovery(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"services": _services(request)})


# --- one call ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    caller: Caller
    hook: str
    context: Mapping[str, Any]
    patient: Patient | None = None  # stored here
    episode: Episode | None = None  # the stored patient's open episode, if any
    external: stateless.ExternalPatient | None = None  # known from prefetch only
    prefetch: Mapping[str, Any] = field(default_factory=dict)


def _json_body(request: HttpRequest, hook: str) -> dict[str, Any]:
    try:
        body = json.loads(request.body)
    except ValueError:
        raise CdsRefused(400, "The body is not JSON.") from None
    if not isinstance(body, dict) or body.get("hook") != hook:
        raise CdsRefused(400, f"hook must be {hook}.")
    if not isinstance(body.get("context"), dict):
        raise CdsRefused(400, "context is required.")
    if not isinstance(body.get("prefetch") or {}, dict):
        raise CdsRefused(400, "prefetch must be an object.")
    return body


def _same_person(patient: Patient, prefetch: Mapping[str, Any]) -> None:
    """A prefetched Patient carrying a fødselsnummer or D-number must carry the stored patient's:
    the record's patient ids and this server's could otherwise name two people. (An H-number is
    local to whoever assigned it, so the record's may differ and proves nothing.)"""
    raw = prefetch.get("patient")
    identifiers = raw.get("identifier") if isinstance(raw, dict) else None
    ours = set(IDENTIFIER_SYSTEMS.values())
    for identifier in identifiers if isinstance(identifiers, list) else []:
        if (
            isinstance(identifier, dict)
            and identifier.get("system") in ours
            and identifier.get("value") != patient.national_id
        ):
            raise CdsRefused(409, "The prefetched Patient is not the stored patient.")


def _call(request: HttpRequest, service_id: str) -> Call:
    hook = HOOKS[service_id]
    audience = request.build_absolute_uri(reverse("cds-service", args=[service_id]))
    now = timezone.now()
    caller = authenticate(request, audience, now=now.timestamp())
    body = _json_body(request, hook)
    context, prefetch = body["context"], body.get("prefetch") or {}
    raw = str(context.get("patientId", ""))
    patient = None
    if raw.isdigit():
        patient = Patient.objects.filter(pk=int(raw)).select_related("unit").first()
    if patient is not None:
        episode = _open_episode(patient)
        # As the pages: the cards are the open episode's (its scores, intake, checklist), and an
        # episode's pages are scoped by the episode's unit, which may differ from the patient's
        # (a patient registered in one unit admitted in another). Without an open episode only
        # the patient's own facts are read, scoped as the patient page by the patient's unit.
        unit = episode.unit if episode is not None else patient.unit
        if unit.code not in caller.units:
            raise CdsRefused(
                403,
                "This patient's open episode is outside the issuer's units.",
                caller=caller,
                patient=patient,
            )
        try:
            _same_person(patient, prefetch)
        except CdsRefused as refused:
            # Whose record the caller meant is not known: not on the stored patient's log.
            raise CdsRefused(
                refused.status, refused.args[0], caller=caller, about=f"Patient/{patient.pk}"
            ) from None
        return Call(caller, hook, context, patient=patient, episode=episode, prefetch=prefetch)
    if not raw or "patient" not in prefetch:
        raise CdsRefused(404, "Unknown patient, and no Patient in prefetch.")
    try:
        external = stateless.prefetched_patient(
            prefetch,
            raw,
            instrument_system=instrument_system(request.build_absolute_uri("/fhir/R4/")),
            today=stateless.oslo_today(now),
        )
    except stateless.PrefetchError as error:
        raise CdsRefused(400, str(error)) from None
    return Call(caller, hook, context, external=external, prefetch=prefetch)


def _log(request: HttpRequest, call: Call) -> None:
    if call.patient is not None:
        what = f"CDS Hooks {call.hook} ({call.caller.issuer})"
    else:
        external = call.external.id if call.external else ""
        what = f"CDS Hooks {call.hook}, stateless, Patient/{external[:64]} ({call.caller.issuer})"
    access_log_record(
        user=service_account(call.caller.issuer),
        patient=call.patient,
        action=AccessAction.VIEW,
        what=what,
        request=request,
    )


def _open_episode(patient: Patient) -> Episode | None:
    """The stay the patient is in (active) before one only planned; the newest of either."""
    return (
        patient.episodes.filter(status__in=[EpisodeStatus.ACTIVE, EpisodeStatus.PLANNED])
        .select_related("unit", "patient")
        .annotate(
            planned_only=Case(When(status=EpisodeStatus.ACTIVE, then=Value(0)), default=Value(1))
        )
        .order_by("planned_only", "-created_at", "-pk")
        .first()
    )


# --- the hooks -----------------------------------------------------------------------------------


def _patient_view(request: HttpRequest, call: Call) -> list[dict[str, Any]]:
    if call.external is not None:
        return patient_view.stateless_cards(request, call.external)
    episode = call.episode
    return patient_view.patient_view_cards(request, episode) if episode else []


def _order_select(request: HttpRequest, call: Call) -> list[dict[str, Any]]:
    try:
        orders = order_select.selected_orders(call.context)
    except order_select.OrderInputError as error:
        raise CdsRefused(400, str(error)) from None
    if call.external is not None:
        facts = order_select.external_facts(call.external)
        return order_select.order_cards(
            request, orders, facts, unchecked=order_select.STATELESS_UNCHECKED
        )
    patient: Patient = call.patient  # type: ignore[assignment]  # _call sets one of the two
    episode = call.episode
    facts = (
        order_select.stored_facts(episode, timezone.now())
        if episode
        else order_select.patient_facts(patient, timezone.now())
    )
    return order_select.order_cards(request, orders, facts)


_HANDLERS: Final = {PATIENT_VIEW: _patient_view, ORDER_SELECT: _order_select}


@login_not_required
@csrf_exempt
@require_POST
def service(request: HttpRequest, service_id: str) -> HttpResponse:
    handler = _HANDLERS.get(service_id)
    if handler is None:
        return JsonResponse({"error": "Unknown service."}, status=404)
    try:
        call = _call(request, service_id)
        cards = handler(request, call)
    except CdsRefused as refused:
        if refused.caller is not None and (refused.patient is not None or refused.about):
            about = f" {refused.about}" if refused.about else ""
            access_log_record(
                user=service_account(refused.caller.issuer),
                patient=refused.patient,
                action=AccessAction.DENIED,
                what=(
                    f"CDS Hooks {HOOKS[service_id]}{about} ({refused.caller.issuer}): "
                    f"{refused.args[0]}"
                )[:200],
                request=request,
            )
        return JsonResponse({"error": refused.args[0]}, status=refused.status)
    _log(request, call)
    return JsonResponse({"cards": cards})
