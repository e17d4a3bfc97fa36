"""The liveness probe answers whatever Host header it is sent.

A container healthcheck, a load balancer or an orchestrator asks ``/healthz`` by an address that is
rarely in ``ALLOWED_HOSTS`` (``localhost``, the container's IP). Django refuses an unknown host
with 400 in ``CommonMiddleware`` (``request.get_host()``), so the probe would fail on a correctly
configured site. This middleware, first in ``MIDDLEWARE``, sends exactly the path ``/healthz``
to its view before any host check. The probe reveals only "database ok / broker state"; every
other path, ``/readyz`` included, keeps the host check.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import resolve

HEALTHZ_PATH = "/healthz"


class HealthzAnyHostMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info != HEALTHZ_PATH:
            return self.get_response(request)
        match = resolve(HEALTHZ_PATH)
        response: HttpResponseBase = match.func(request, *match.args, **match.kwargs)
        # The later middleware is skipped, so the headers that matter for a JSON body are set here.
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"
        )
        return response
