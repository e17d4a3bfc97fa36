"""API tokens for machine clients: DRF's tokens, which expire ``API_TOKEN_DAYS`` after they were
made (issue 12, item 15). How a client gets one and how it is revoked: docs/security.md.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_expires_at(token: Token) -> datetime:
    created: datetime = token.created
    return created + timedelta(days=settings.API_TOKEN_DAYS)


def token_expired(token: Token, *, now: datetime) -> bool:
    return now >= token_expires_at(token)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication; a token older than ``API_TOKEN_DAYS`` is refused (401), like
    a revoked one. ``REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]``."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if token_expired(token, now=timezone.now()):
            raise AuthenticationFailed(_("Token expired; ask for a new one."))
        return user, token
