"""Where each role starts, and the user's own account: change the password (required after a
one-time password), and see or revoke one's API token (issue 12, items 3 and 15)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from accounts import admin_audit
from accounts.access import has_role, user_role
from accounts.roles import ADMINISTRATOR
from accounts.tokens import token_expired, token_expires_at


class PasswordChange(PasswordChangeView):
    """Django's password change (the old password, then the new one twice, with the validators);
    a one-time password set by an administrator is gone once the holder has chosen their own."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["required"] = bool(
            self.request.session.get(admin_audit.PASSWORD_CHANGE_SESSION_KEY)
        )
        return context

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        admin_audit.password_changed_by_holder(user=form.user, now=timezone.now())
        self.request.session.pop(admin_audit.PASSWORD_CHANGE_SESSION_KEY, None)
        messages.success(self.request, gettext("Your password has been changed."))
        return response


@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    """Whether the user holds an API token, since when and until when; POST revokes it. The key
    is never shown here: it was handed over once, when the token was made."""
    token = Token.objects.filter(user=request.user).first() if request.user.pk else None
    if request.method == "POST":
        if token is not None:
            admin_audit.token_revoke(actor=request.user, token=token, now=timezone.now())
            messages.success(request, gettext("Your API token has been revoked."))
        result: HttpResponseRedirect = redirect("api-token")
        return result
    now = timezone.now()
    return render(
        request,
        "registration/api_token.html",
        {
            "token": token,
            "expires_at": token_expires_at(token) if token else None,
            "expired": token_expired(token, now=now) if token else False,
        },
    )


def home(request: HttpRequest) -> HttpResponse:
    role = user_role(request.user)
    if role is None:
        return render(request, "accounts/no_role.html", status=403)
    return redirect(role.start_url_name)


def _start_page(request: HttpRequest, role_code: str, template: str) -> HttpResponse:
    if not has_role(request.user, role_code):
        raise PermissionDenied
    return render(request, template)


def start_administrator(request: HttpRequest) -> HttpResponse:
    return _start_page(request, ADMINISTRATOR, "accounts/start_administrator.html")
