"""Request handling around every view: login, language, idle sessions, security headers, lockout.

What each measure is for, and what a deployment adds: ``docs/security.md``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    JsonResponse,
)
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.i18n import set_language
from django_htmx.http import HttpResponseClientRedirect
from rest_framework.views import APIView

API_PREFIX = "/api/"

# Sent by page elements that poll in the background (``hx-headers``), e.g. the ward board's
# 30-second refresh: such a request is not the user's activity and does not keep a session alive.
BACKGROUND_POLL_HEADER = "X-Background-Poll"


def is_background_poll(request: HttpRequest) -> bool:
    return request.headers.get(BACKGROUND_POLL_HEADER) == "1"


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's LoginRequiredMiddleware, except for DRF views and the language switcher.

    Pages redirect anonymous users to the login page; API views authenticate themselves (token or
    session) and answer 401/403, which machine clients expect instead of an HTML redirect. The
    language can be chosen before logging in: the switcher is on the login page too.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return None
        if view_func is set_language:
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(  # type: ignore[override]  # htmx's redirect is a 200, not a 302
        self, request: HttpRequest, view_func: Callable[..., Any]
    ) -> HttpResponseBase:
        """An htmx request (a poll, a fragment) whose session has ended takes the whole page to
        the login page, instead of swapping the login form into the fragment; after logging in
        the user comes back to the page they were on."""
        if not _is_htmx(request):
            return super().handle_no_permission(request, view_func)
        login = resolve_url(self.get_login_url(view_func))
        page = request.headers.get("HX-Current-URL", "")
        if not url_has_allowed_host_and_scheme(page, allowed_hosts={request.get_host()}):
            page = ""
        parts = urlsplit(page)
        back_to = parts.path + (f"?{parts.query}" if parts.query else "") if page else "/"
        target = redirect_to_login(back_to, login, self.get_redirect_field_name(view_func))
        return HttpResponseClientRedirect(target["Location"])


class NorwegianFirstLocaleMiddleware(LocaleMiddleware):
    """The UI is Norwegian bokmål unless the user chose English with the language switcher.

    Django's own middleware would follow the browser's Accept-Language header, so a ward tablet
    set up in English would show English; here only the explicit choice (the language cookie set
    by ``set_language``) changes the language.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        translation.activate(chosen if chosen in supported else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


# Where the idle clock's last move is kept in the session (seconds since the epoch).
ACTIVITY_SESSION_KEY = "_detox_active_at"


def activity_resolution() -> int:
    """How often, at most, a person's requests move the idle clock (seconds).

    ``SESSION_ACTIVITY_RESOLUTION``, but never more than a tenth of the idle limit: with
    ``SESSION_IDLE_MINUTES=1`` a clock that moved once a minute would log out a user who clicks
    every 20 seconds (issue 12, item 13); a tenth keeps the session's end within 90–100 % of the
    limit after the last request, whatever the limit.
    """
    return max(1, min(settings.SESSION_ACTIVITY_RESOLUTION, settings.SESSION_COOKIE_AGE // 10))


class IdleSessionMiddleware:
    """A logged-in session ends after ``SESSION_COOKIE_AGE`` seconds without user activity.

    A request a person makes saves the session, which moves its expiry (in the session store and
    in the cookie) to a full ``SESSION_COOKIE_AGE`` from now; but at most once every
    ``SESSION_ACTIVITY_RESOLUTION`` seconds (and never less often than ten times per idle limit,
    ``activity_resolution``), so a nurse working through the ward does not write the session on
    every page. A session therefore ends between ``SESSION_COOKIE_AGE`` minus the
    resolution and ``SESSION_COOKIE_AGE`` after the last thing its user did (29–30 minutes by
    default). Background polls (``X-Background-Poll: 1``) never move it: a ward tablet left on
    the self-refreshing board still logs out. This replaces ``SESSION_SAVE_EVERY_REQUEST``, which
    cannot tell the two apart and writes every request. Requests without a logged-in session
    (token clients, anonymous visitors) create no session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            moved = session.get(ACTIVITY_SESSION_KEY)
            # Checked here as well as by the session store's own expiry, so that the rule holds
            # whatever the store (a cache-backed store would expire by the cache's clock).
            if isinstance(moved, int) and time.time() - moved >= settings.SESSION_COOKIE_AGE:
                session.flush()
                request.user = AnonymousUser()
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Read after the view: a login has just filled the session, a logout has emptied it.
        if session is not None and not is_background_poll(request) and SESSION_KEY in session:
            now = int(time.time())
            moved = session.get(ACTIVITY_SESSION_KEY)
            if not isinstance(moved, int) or now - moved >= activity_resolution():
                session[ACTIVITY_SESSION_KEY] = now  # marks the session modified: it is saved
        return response


class SecurityHeadersMiddleware:
    """Headers Django has no setting for, on every response the application makes.

    - ``Permissions-Policy`` (``settings.PERMISSIONS_POLICY``): no camera, microphone,
      geolocation and the like for any page or anything it embeds.
    - ``Cache-Control: no-store`` where the view set no caching of its own: patient records must
      not stay in a shared tablet's browser cache, to be shown by the Back button after logout.
      Static files are served before this middleware (WhiteNoise) and keep their caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if "Cache-Control" not in response.headers:
            patch_cache_control(response, no_store=True)
        return response


class PasswordChangeRequiredMiddleware:
    """A user whose password was set by someone else (a one-time password, ``accounts.admin_audit``)
    can do nothing but change it, or log out: every page sends them to the password change, and
    the API (with the session) answers 403. The login puts the mark in the session, so no query
    is made on other requests.
    """

    ALLOWED = ("password-change", "logout", "set_language")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        from accounts.admin_audit import PASSWORD_CHANGE_SESSION_KEY

        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(PASSWORD_CHANGE_SESSION_KEY)
            and request.user.is_authenticated
            and request.path_info not in {reverse(name) for name in self.ALLOWED}
        ):
            target = reverse("password-change")
            if request.path_info.startswith(API_PREFIX):
                return JsonResponse(
                    {"detail": gettext("Change your password first: %(url)s") % {"url": target}},
                    status=403,
                )
            if _is_htmx(request):
                return HttpResponseClientRedirect(target)
            return redirect(target)
        return self.get_response(request)


# NUL cannot be stored in PostgreSQL text, and no identifier, slug or search of the application
# contains one: a request carrying it is refused before it reaches a view or the database.
NUL = "\x00"


class RejectNulMiddleware:
    """A NUL character in the path is a 404 (no URL has one); in a query parameter, a 400
    naming the parameter. Without this, ``/guidelines/r/a%00b/`` reached a lookup that PostgreSQL
    refuses with an error, and so a 500 (issue 12, item 7). Placed inside
    ``ApiNotFoundMiddleware``, so an API path's 404 is JSON like every other API answer; after
    the authentication middleware, so that the 404 page has its user.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if NUL in request.path_info:
            raise Http404(gettext("Not found."))
        for name, values in request.GET.lists():
            if NUL in name or any(NUL in value for value in values):
                message = gettext("The parameter “%(name)s” must not contain a NUL character.") % {
                    "name": name.replace(NUL, "")
                }
                if request.path_info.startswith(API_PREFIX):
                    # The API's one 400 body (core.exceptions).
                    error = {"field": name.replace(NUL, ""), "message": message, "code": "invalid"}
                    return JsonResponse({"errors": [error]}, status=400)
                return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class ApiNotFoundMiddleware:
    """An API path that matches no URL is a JSON 404, like every other API answer.

    Without this, ``/api/v1/episodes/abc/`` (no such route: the id is not a number) would get the
    HTML "page not found" meant for people. The API's own 404s (no such record) are JSON already.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        unmatched = getattr(request, "resolver_match", None) is None
        if response.status_code == 404 and unmatched and request.path_info.startswith(API_PREFIX):
            return JsonResponse({"detail": gettext("Not found.")}, status=404)
        return response


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponseBase | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page django-axes shows a locked-out login (``AXES_LOCKOUT_CALLABLE``): 429, how long
    to wait, and what to do; it does not say whether the username exists."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
