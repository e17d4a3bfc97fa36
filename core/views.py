"""Start pages per role, and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.access import has_role, user_role
from accounts.roles import ADMINISTRATOR
from core import health


def home(request: HttpRequest) -> HttpResponse:
    role = user_role(request.user)
    if role is None:
        return render(request, "core/no_role.html", status=403)
    return redirect(role.start_url_name)


def _start_page(request: HttpRequest, role_code: str, template: str) -> HttpResponse:
    if not has_role(request.user, role_code):
        raise PermissionDenied
    return render(request, template)


def start_administrator(request: HttpRequest) -> HttpResponse:
    return _start_page(request, ADMINISTRATOR, "core/start_administrator.html")


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
