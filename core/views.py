"""The health checks: /healthz (cheap, for load balancers) and /readyz (deep)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import health


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers (the broker's cached state is reported); else 503.

    One database round trip; the broker's state is at most ``health.BROKER_CHECK_SECONDS`` old
    (core/health.py). The deeper check is /readyz.
    """
    database = health.database_status()
    body = {"database": database, "broker": health.broker_probe.status()}
    return JsonResponse(body, status=200 if database == health.OK else 503)


@login_not_required
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the broker (unless tasks run eagerly) and the cache all answer now."""
    body = {
        "database": health.database_status(),
        "broker": health.broker_probe.refresh(),
        "cache": health.check_cache(),
    }
    ready = all(state in (health.OK, health.EAGER) for state in body.values())
    return JsonResponse(body, status=200 if ready else 503)
