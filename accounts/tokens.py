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
import time
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

KIND: Final = "tokens"
# At most this many accepted tokens per process; the memory is emptied when it is full.
_MAX_REMEMBERED: Final = 1000
# SHA-256 of the key -> (generation, when read (monotonic), token with its user as read).
_accepted: dict[str, tuple[str, float, Token]] = {}


def token_expires_at(token: Token) -> datetime:
    created: datetime = token.created
    return created + timedelta(days=settings.API_TOKEN_DAYS)


def token_expired(token: Token, *, now: datetime) -> bool:
    return now >= token_expires_at(token)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _remembered(digest: str, generation: str) -> Token | None:
    """A copy of the token and its user as read when accepted, if nothing changed since: each
    request gets objects of its own, so nothing a request sets on them reaches another one."""
    entry = _accepted.get(digest)
    if entry is None or entry[0] != generation:
        return None
    if time.monotonic() - entry[1] > settings.GRANTS_CACHE_SECONDS:
        return None
    token = copy.copy(entry[2])
    token.user = copy.copy(entry[2].user)
    return token


def _remember(digest: str, generation: str, token: Token) -> None:
    if len(_accepted) >= _MAX_REMEMBERED:
        _accepted.clear()
    pristine = copy.copy(token)
    pristine.user = copy.copy(token.user)
    _accepted[digest] = (generation, time.monotonic(), pristine)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication; a token older than ``API_TOKEN_DAYS`` is refused (401), like
    a revoked one. ``REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]``."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        digest = _digest(key)
        generation = generations.current(KIND)
        token = _remembered(digest, generation)
        if token is None:
            # Read at the generation seen before the query: a change committed in between
            # replaces it, so what is read here is never kept past that change.
            _user, token = super().authenticate_credentials(key)
            _remember(digest, generation, token)
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
