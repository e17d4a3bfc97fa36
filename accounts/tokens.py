"""API tokens for machine clients: DRF's tokens, which expire ``API_TOKEN_DAYS`` after they were
made (issue 12, item 15). How a client gets one and how it is revoked: docs/security.md.

Each process remembers the tokens it has accepted (keyed by the SHA-256 of the key, never the key
itself) with their user, under the ``tokens`` generation (``accounts.generations``): so a client's
next call costs one cache read instead of a query. Any change to a token or a user (a token
revoked or replaced, an account deactivated, changed or deleted) replaces the generation, and the
next request of every process reads the database again; an entry older than
``GRANTS_CACHE_SECONDS`` is read again whatever the generation says (a change made while Redis
refused writes). Expiry is checked on every request from the token's creation time.
"""

from __future__ import annotations

import copy
import hashlib
from datetime import datetime, timedelta
from typing import Any, Final

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token, TokenProxy
from rest_framework.exceptions import AuthenticationFailed

from accounts import generations
from accounts.remembered import Remembered

KIND: Final = "tokens"


def _copy_token(token: Token) -> Token:
    copied = copy.copy(token)
    copied.user = copy.copy(token.user)
    return copied


# SHA-256 of the key -> the token with its user, as read when accepted.
_accepted: Remembered[Token] = Remembered(KIND, _copy_token)


def token_expires_at(token: Token) -> datetime:
    created: datetime = token.created
    return created + timedelta(days=settings.API_TOKEN_DAYS)


def token_expired(token: Token, *, now: datetime) -> bool:
    return now >= token_expires_at(token)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication; a token older than ``API_TOKEN_DAYS`` is refused (401), like
    a revoked one. ``REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]``."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        digest = _digest(key)
        generation = _accepted.generation()
        token = _accepted.get(digest, generation)
        if token is None:
            # Read at the generation seen before the query: a change committed in between
            # replaces it, so what is read here is never kept past that change.
            _user, token = super().authenticate_credentials(key)
            _accepted.put(digest, generation, token)
        if token_expired(token, now=timezone.now()):
            raise AuthenticationFailed(_("Token expired; ask for a new one."))
        return token.user, token


def _changed(sender: type[Model], **kwargs: Any) -> None:
    generations.replace(KIND)


def connect_signals() -> None:
    """A token saved or deleted (revoked, replaced), or a user saved or deleted (deactivated),
    starts a new generation: every process reads its tokens from the database again. The admin
    deletes tokens as ``TokenProxy`` rows, whose signals name the proxy."""
    for model in (Token, TokenProxy, get_user_model()):
        post_save.connect(_changed, sender=model, dispatch_uid=f"tokens-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"tokens-del-{model.__name__}")
