"""The permission matrix: every URL pattern × every actor → the status each must get.

``ROUTES`` classifies each named URL pattern of the resolver (``test_permission_matrix`` fails on
any pattern missing here, so a new URL cannot ship without a row). A row says how to build the
URL's arguments from the cast, the status each actor gets for GET, and for POST where the view
accepts it, and whether a successful GET shows unit A's patient (``patient_data``: the access log
must record it, ``test_access_log_coverage``).

Statuses: pages send the anonymous visitor to the login page (``LOGIN``), the API answers 401.
Unit B's staff asking for unit A's records get 404 (the record does not exist for them) or 403
(their role may not do this at all), never 200 with unit A's data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from rest_framework.views import APIView

from guidelines.models import DetoxUnit
from tests.scoring.factories import items_for
from tests.security.conftest import (
    ADMINISTRATOR_A,
    ANONYMOUS,
    CLINICIAN_A,
    CLINICIAN_B,
    NURSE_A,
    NURSE_B,
    Cast,
)

LOGIN = "login"  # 302 to the login page

Expect = Mapping[str, int | str]

# URL patterns outside the matrix, and why.
EXCLUDED_NAMESPACES = {
    # Django's admin: is_staff plus model permissions, Django's own code. Its entry and the access
    # log's admin pages are tested in test_permission_matrix and test_access_log_coverage.
    "admin": "Django admin internals",
}
EXCLUDED_NAMES = {
    # i18n plumbing: sets the language cookie and redirects (tests/core/test_i18n.py).
    "set_language": "language switcher",
}


def page(**statuses: int | str) -> dict[str, int | str]:
    return {ANONYMOUS: LOGIN, **statuses}


def api(**statuses: int | str) -> dict[str, int | str]:
    return {ANONYMOUS: 401, **statuses}


def roles(
    nurse: int | str,
    clinician: int | str,
    administrator: int | str,
    nurse_b: int | str,
    clinician_b: int | str,
) -> dict[str, int | str]:
    return {
        NURSE_A: nurse,
        CLINICIAN_A: clinician,
        ADMINISTRATOR_A: administrator,
        NURSE_B: nurse_b,
        CLINICIAN_B: clinician_b,
    }


def everyone(status: int | str) -> dict[str, int | str]:
    return roles(status, status, status, status, status)


# Unit A's record: its nurse and clinician read it; administrators never see records; unit B's
# staff get 404.
RECORD = roles(200, 200, 403, 404, 404)
# Clinicians' work on unit A's record: nurses' role may not (403, before any lookup).
CLINICIAN_WORK = roles(403, 200, 403, 403, 404)
# A list of the user's own unit's records: unit B's staff see their own unit (and nothing of A).
UNIT_LIST = roles(200, 200, 403, 200, 200)
# Ward work (scores, doses) on unit A's record: nurses and clinicians; a form posted empty is 400.
WARD_FORM_POST = roles(400, 400, 403, 404, 404)


def _episode(cast: Cast) -> dict[str, Any]:
    return {"pk": cast.episode.pk}


def _patient(cast: Cast) -> dict[str, Any]:
    return {"pk": cast.patient.pk}


def _ward_episode(cast: Cast) -> dict[str, Any]:
    return {"episode_id": cast.episode.pk}


def _assessment(cast: Cast) -> dict[str, Any]:
    return {"assessment_id": cast.assessment.pk}


def _administration(cast: Cast) -> dict[str, Any]:
    return {"administration_id": cast.administration.pk}


def _planned_dose(cast: Cast) -> dict[str, Any]:
    return {"record_id": cast.planned_dose.pk}


def _care_plan(cast: Cast) -> dict[str, Any]:
    return {"pk": cast.care_plan.pk}


def _plan_line(cast: Cast) -> dict[str, Any]:
    from plans.models import PlanLine

    line = PlanLine.objects.filter(plan__episode=cast.episode).order_by("pk").first()
    assert line is not None, "the cast's accepted taper is a plan line"
    return {"pk": line.pk}


def _no_kwargs(cast: Cast) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Route:
    get: Expect
    post: Expect | None = None
    kwargs: Callable[[Cast], dict[str, Any]] = _no_kwargs
    post_data: Mapping[str, Any] = field(default_factory=dict)
    # A 200 to GET shows unit A's patient: the access log must record who saw it.
    patient_data: bool = False


ROUTES: dict[str, Route] = {
    # --- the project's own pages -------------------------------------------------------------
    "home": Route(get=page(**everyone(302))),
    "start-administrator": Route(get=page(**roles(403, 403, 200, 403, 403))),
    "healthz": Route(get={ANONYMOUS: 200, **everyone(200)}),
    "readyz": Route(get={ANONYMOUS: 200, **everyone(200)}),
    "login": Route(
        get={ANONYMOUS: 200, **everyone(302)},
        # An empty form is shown again with its errors; a logged-in user is sent on.
        post={ANONYMOUS: 200, **everyone(302)},
    ),
    "logout": Route(get=page(**everyone(405)), post={ANONYMOUS: LOGIN, **everyone(LOGIN)}),
    # One's own account (issue 12): the password (an empty form is shown again with its errors) and
    # one's API token (POST revokes it, if any, and comes back to the page).
    "password-change": Route(get=page(**everyone(200)), post=page(**everyone(200))),
    "api-token": Route(get=page(**everyone(200)), post=page(**everyone(302))),
    # --- the guideline: every role reads it, administrators edit it ----------------------------
    "guideline-home": Route(get=page(**everyone(200))),
    "grades": Route(get=page(**everyone(200))),
    "detox-units": Route(get=page(**everyone(200))),
    "recommendation-detail": Route(
        get=page(**everyone(200)), kwargs=lambda cast: {"ref": "8.4.3-2"}
    ),
    "recommendation-edit": Route(
        get=page(**roles(403, 403, 200, 403, 403)),
        post=page(**roles(403, 403, 400, 403, 403)),
        post_data={"text": ""},
        kwargs=lambda cast: {"ref": "8.4.3-2"},
    ),
    "recommendation-history": Route(
        get=page(**everyone(200)),
        post=page(**roles(403, 403, 400, 403, 403)),
        post_data={"history_id": ""},
        kwargs=lambda cast: {"ref": "8.4.3-2"},
    ),
    # --- patients, episodes, intake, treatment level, access log -------------------------------
    "patient-list": Route(get=page(**UNIT_LIST), patient_data=True),
    "patient-create": Route(
        get=page(**roles(403, 200, 403, 403, 200)),
        post=page(**roles(403, 200, 403, 403, 200)),
    ),
    "patient-national-id-check": Route(
        get=page(**roles(403, 200, 403, 403, 200)),
        post=page(**roles(403, 200, 403, 403, 200)),
        post_data={"national_id": "123"},
    ),
    "patient-detail": Route(get=page(**RECORD), kwargs=_patient, patient_data=True),
    "patient-edit": Route(
        get=page(**CLINICIAN_WORK),
        # Posted empty: 400 (no version, no fields; issue 12, lost updates).
        post=page(**roles(403, 400, 403, 403, 404)),
        kwargs=_patient,
        patient_data=True,
    ),
    "patient-contact-add": Route(
        get=page(**everyone(405)),
        post=page(**roles(403, 400, 403, 403, 404)),
        kwargs=_patient,
    ),
    "episode-create": Route(
        get=page(**CLINICIAN_WORK),
        post=page(**CLINICIAN_WORK),
        post_data={"unit": "0"},
        kwargs=_patient,
        patient_data=True,
    ),
    "episode-list": Route(get=page(**UNIT_LIST), patient_data=True),
    "episode-detail": Route(get=page(**RECORD), kwargs=_episode, patient_data=True),
    "episode-transition": Route(
        get=page(**CLINICIAN_WORK),
        post=page(**roles(403, 200, 403, 403, 404)),
        post_data={"at": "not a time"},
        kwargs=lambda cast: {"pk": cast.episode.pk, "action": "discharge"},
        patient_data=True,
    ),
    "intake-edit": Route(
        get=page(**RECORD),
        post=page(**roles(403, 400, 403, 404, 404)),
        kwargs=_episode,
        patient_data=True,
    ),
    "episode-decision": Route(
        get=page(**RECORD),
        post=page(**roles(403, 400, 403, 404, 404)),
        kwargs=_episode,
        patient_data=True,
    ),
    "episode-history": Route(get=page(**RECORD), kwargs=_episode, patient_data=True),
    "access-log": Route(get=page(**roles(403, 403, 200, 403, 403))),
    # --- the ward: board, scores, doses, screening ----------------------------------------------
    "ward-board": Route(get=page(**UNIT_LIST), patient_data=True),
    "ward-board-rows": Route(get=page(**UNIT_LIST), patient_data=True),
    "ward-handover": Route(get=page(**UNIT_LIST), patient_data=True),
    "episode-room-bed": Route(
        get=page(**RECORD), post=page(**WARD_FORM_POST), kwargs=_ward_episode, patient_data=True
    ),
    "episode-scores": Route(get=page(**RECORD), kwargs=_ward_episode, patient_data=True),
    "assessment-create": Route(
        get=page(**RECORD),
        post=page(**WARD_FORM_POST),
        kwargs=lambda cast: {"episode_id": cast.episode.pk, "code": "ciwa-ar"},
        patient_data=True,
    ),
    "episode-monitoring": Route(
        get=page(**everyone(405)), post=page(**WARD_FORM_POST), kwargs=_ward_episode
    ),
    "administration-create": Route(
        get=page(**RECORD), post=page(**WARD_FORM_POST), kwargs=_ward_episode, patient_data=True
    ),
    "screening-index": Route(get=page(**CLINICIAN_WORK), kwargs=_ward_episode, patient_data=True),
    "screening-create": Route(
        get=page(**CLINICIAN_WORK),
        post=page(**roles(403, 400, 403, 403, 404)),
        kwargs=lambda cast: {"episode_id": cast.episode.pk, "code": "audit"},
        patient_data=True,
    ),
    "assessment-detail": Route(get=page(**RECORD), kwargs=_assessment, patient_data=True),
    "assessment-correct": Route(
        get=page(**RECORD), post=page(**WARD_FORM_POST), kwargs=_assessment, patient_data=True
    ),
    "administration-correct": Route(
        get=page(**RECORD),
        post=page(**WARD_FORM_POST),
        kwargs=_administration,
        patient_data=True,
    ),
    "ward-medication": Route(get=page(**RECORD), kwargs=_ward_episode, patient_data=True),
    "ward-medication-record": Route(
        get=page(**everyone(405)), post=page(**WARD_FORM_POST), kwargs=_ward_episode
    ),
    "planned-dose-correct": Route(
        get=page(**RECORD), post=page(**WARD_FORM_POST), kwargs=_planned_dose, patient_data=True
    ),
    # --- the episode's plan: medication, taper, discharge, care plans ---------------------------
    "medication-plan": Route(
        get=page(**RECORD),
        post=page(**roles(403, 400, 403, 404, 404)),
        post_data={"form": "line"},
        kwargs=_episode,
        patient_data=True,
    ),
    "medication-plan-print": Route(get=page(**RECORD), kwargs=_episode, patient_data=True),
    "medication-plan-version": Route(
        get=page(**RECORD),
        kwargs=lambda cast: {"pk": cast.episode.pk, "version": cast.plan_version},
        patient_data=True,
    ),
    "discharge-checklist": Route(
        get=page(**RECORD),
        post=page(**roles(400, 400, 403, 404, 404)),
        post_data={"appointment_at": "not a time"},
        kwargs=_episode,
        patient_data=True,
    ),
    "care-plans": Route(
        get=page(**RECORD),
        post=page(**roles(403, 302, 403, 404, 404)),
        kwargs=_episode,
        patient_data=True,
    ),
    "care-plans-list": Route(get=page(**RECORD), kwargs=_episode, patient_data=True),
    "care-plan-download": Route(
        get=page(**RECORD),
        kwargs=lambda cast: {"care_plan_id": cast.care_plan.pk},
        patient_data=True,
    ),
    # --- API: the guideline and the scales (no patient data) ------------------------------------
    "api-recommendation-list": Route(get=api(**everyone(200))),
    "api-recommendation-detail": Route(
        get=api(**everyone(200)), kwargs=lambda cast: {"ref": "8.4.3-2"}
    ),
    "api-detox-unit-list": Route(get=api(**everyone(200))),
    "api-detox-unit-detail": Route(
        get=api(**everyone(200)),
        kwargs=lambda cast: {"slug": DetoxUnit.objects.order_by("slug").values_list("slug")[0][0]},
    ),
    "api-scale-list": Route(get=api(**everyone(200))),
    "api-scale-detail": Route(get=api(**everyone(200)), kwargs=lambda cast: {"code": "ciwa-ar"}),
    "api-scale-score": Route(
        get=api(**everyone(405)),
        post=api(**everyone(400)),
        kwargs=lambda cast: {"code": "ciwa-ar"},
    ),
    # Stateless bedside advice: any signed-in role, nothing stored (an empty body is a 400).
    "api-advice-ciwa-ar": Route(get=api(**everyone(405)), post=api(**everyone(400))),
    "api-advice-opioid": Route(
        get=api(**everyone(405)),
        post=api(**everyone(400)),
        kwargs=lambda cast: {"code": "cows"},
    ),
    "api-treatment-level": Route(
        get=api(**everyone(405)), post=api(**everyone(400)), post_data={"substances": "none"}
    ),
    "api-tapers": Route(get=api(**everyone(405)), post=api(**everyone(400))),
    # --- API: stored records ----------------------------------------------------------------------
    "api-patient-list": Route(
        get=api(**UNIT_LIST),
        post=api(**roles(403, 400, 403, 403, 400)),
        patient_data=True,
    ),
    "api-patient-detail": Route(get=api(**RECORD), kwargs=_patient, patient_data=True),
    "api-episode-list": Route(
        get=api(**UNIT_LIST),
        post=api(**roles(403, 400, 403, 403, 400)),
        patient_data=True,
    ),
    "api-episode-detail": Route(get=api(**RECORD), kwargs=_episode, patient_data=True),
    # --- FHIR R4 (interop) ------------------------------------------------------------------
    "fhir-metadata": Route(get={ANONYMOUS: 200, **everyone(200)}),
    "fhir-questionnaire-search": Route(get=api(**everyone(200))),
    "fhir-questionnaire": Route(get=api(**everyone(200)), kwargs=lambda cast: {"code": "ciwa-ar"}),
    # An empty body names no encounter, so unit B's staff get the 400 too.
    "fhir-questionnaireresponse-create": Route(
        get=api(**everyone(405)), post=api(**roles(400, 400, 403, 400, 400))
    ),
    "fhir-questionnaireresponse": Route(
        get=api(**RECORD), kwargs=lambda cast: {"pk": cast.assessment.pk}, patient_data=True
    ),
    "fhir-observation-search": Route(get=api(**UNIT_LIST)),
    "fhir-observation": Route(
        get=api(**RECORD), kwargs=lambda cast: {"pk": cast.assessment.pk}, patient_data=True
    ),
    "fhir-patient-search": Route(get=api(**UNIT_LIST)),
    "fhir-patient": Route(get=api(**RECORD), kwargs=_patient, patient_data=True),
    "fhir-encounter-search": Route(get=api(**UNIT_LIST)),
    "fhir-encounter": Route(get=api(**RECORD), kwargs=_episode, patient_data=True),
    "fhir-medicationadministration-search": Route(get=api(**UNIT_LIST)),
    "fhir-medicationrequest-search": Route(get=api(**UNIT_LIST)),
    "fhir-medicationrequest": Route(get=api(**RECORD), kwargs=_plan_line, patient_data=True),
    # CDS Hooks: the EHR's signed JWT, never a session or an API token.
    "cds-discovery": Route(get={ANONYMOUS: 200, **everyone(200)}),
    "cds-service": Route(
        get={ANONYMOUS: 405, **everyone(405)},
        post={ANONYMOUS: 401, **everyone(401)},
        kwargs=lambda cast: {"service_id": "avrusning-patient-view"},
    ),
    "fhir-medicationadministration": Route(
        get=api(**RECORD),
        kwargs=lambda cast: {"pk": cast.administration.pk},
        patient_data=True,
    ),
    "api-episode-assessments": Route(
        get=api(**RECORD), post=api(**WARD_FORM_POST), kwargs=_ward_episode, patient_data=True
    ),
    "api-assessment-detail": Route(get=api(**RECORD), kwargs=_assessment, patient_data=True),
    "api-assessment-corrections": Route(
        get=api(**everyone(405)), post=api(**WARD_FORM_POST), kwargs=_assessment
    ),
    "api-episode-medications": Route(
        get=api(**RECORD), post=api(**WARD_FORM_POST), kwargs=_ward_episode, patient_data=True
    ),
    "api-medication-corrections": Route(
        get=api(**everyone(405)), post=api(**WARD_FORM_POST), kwargs=_administration
    ),
    "api-episode-treatment-level": Route(get=api(**RECORD), kwargs=_episode, patient_data=True),
    "api-episode-care-plans": Route(
        get=api(**RECORD),
        post=api(**roles(403, 202, 403, 403, 404)),
        kwargs=_episode,
        patient_data=True,
    ),
    "api-care-plan-detail": Route(get=api(**RECORD), kwargs=_care_plan, patient_data=True),
    "api-care-plan-pdf": Route(get=api(**RECORD), kwargs=_care_plan, patient_data=True),
    "api-schema": Route(get=api(**everyone(200))),
    "api-docs": Route(get=api(**everyone(200))),
}


# --- writes with a valid body ------------------------------------------------------------------


def _items(total: int) -> dict[str, int]:
    return items_for("ciwa-ar", total)


@dataclass(frozen=True)
class Write:
    """An API call that stores a record of unit A's patient, with a body that is valid."""

    name: str
    actor: str  # who in unit A may make it
    payload: Callable[[Cast], dict[str, Any]]


VALID_WRITES = (
    Write(
        "api-episode-assessments",
        NURSE_A,
        lambda cast: {"instrument": "ciwa-ar", "items": _items(8)},
    ),
    Write(
        "api-assessment-corrections",
        NURSE_A,
        lambda cast: {"items": _items(14), "reason": "Typed into the wrong row"},
    ),
    Write(
        "api-episode-medications",
        NURSE_A,
        lambda cast: {"drug": "diazepam", "dose_mg": "10", "route": "oral"},
    ),
    Write(
        "api-medication-corrections",
        NURSE_A,
        lambda cast: {
            "drug": "diazepam",
            "dose_mg": "5",
            "route": "oral",
            "given_at": cast.administration.given_at.isoformat(),
            "reason": "5 mg, not 10",
        },
    ),
    Write("api-episode-list", CLINICIAN_A, lambda cast: {"patient": cast.patient.pk}),
    Write("api-episode-care-plans", CLINICIAN_A, lambda cast: {}),
)


# --- the resolver's URL patterns ----------------------------------------------------------------


def url_patterns() -> Iterator[tuple[str, str]]:
    """(name, route) of every URL pattern outside the excluded namespaces and names; a pattern
    without a name is given by its route, so it fails the classification too."""

    def walk(
        patterns: list[URLPattern | URLResolver], prefix: str, namespace: str | None
    ) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if inner in EXCLUDED_NAMESPACES:
                    continue
                yield from walk(pattern.url_patterns, route, inner)
            elif pattern.name not in EXCLUDED_NAMES:
                yield (pattern.name or route, route)

    yield from walk(get_resolver().url_patterns, "/", None)


# --- asking as an actor -------------------------------------------------------------------------


def url_of(name: str, cast: Cast) -> str:
    return reverse(name, kwargs=ROUTES[name].kwargs(cast))


def is_api(url: str) -> bool:
    view_class = getattr(resolve(url).func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


def request_as(
    client: Client,
    cast: Cast,
    actor: str,
    method: str,
    url: str,
    data: Mapping[str, Any] | None = None,
) -> Any:
    """One request as the actor: a session login for pages, the actor's token for the API (how
    a machine client calls it). The client is logged out first, so nothing carries over."""
    client.logout()
    headers: dict[str, str] = {}
    api_call = is_api(url)
    if actor != ANONYMOUS:
        if api_call:
            headers["Authorization"] = f"Token {cast.tokens[actor]}"
        else:
            client.force_login(cast.users[actor])
    if method == "GET":
        return client.get(url, headers=headers)
    if api_call:
        body = json.dumps(dict(data or {}))
        return client.post(url, body, content_type="application/json", headers=headers)
    return client.post(url, dict(data or {}), headers=headers)


def status_of(response: Any) -> int | str:
    """The status, with a redirect to the login page read as ``LOGIN``."""
    status: int = response.status_code
    if status == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return status
