"""Start pages per role, and the health check."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.access import has_role, user_role
from accounts.roles import ADMINISTRATOR
from detox.celery import app as celery_app

logger = logging.getLogger(__name__)


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


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database unreachable")
        return "unreachable"
    return "ok"


def _broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # kombu raises many transport-specific errors; any of them means "down"
        logger.warning("health check: broker unreachable", exc_info=True)
        return "unreachable"
    return "ok"


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers (the broker's state is reported, not required); else 503."""
    database = _database_status()
    body = {"database": database, "broker": _broker_status()}
    return JsonResponse(body, status=200 if database == "ok" else 503)
