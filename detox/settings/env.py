"""Strict reading of environment variables.

django-environ reads the values; these wrappers refuse values they do not understand, so that a typo
such as ``DEBUG=ture`` stops the process instead of silently meaning ``False``.
"""

from __future__ import annotations

from urllib.parse import quote

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, *, default: bool) -> bool:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of {sorted(_TRUE | _FALSE - {''})}"
    )


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_positive_int(name: str, *, default: int) -> int:
    """A whole number of at least 1 (minutes, a count); anything else stops the process."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip()
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number of at least 1")
    return int(value)


def require_secret_key(*, debug: bool, secret_key: str) -> None:
    """Refuse to start a non-debug process without a real secret key."""
    if not debug and not secret_key:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")


def database_url(default: str) -> str:
    """``DATABASE_URL``, or one built from ``POSTGRES_HOST``/``PORT``/``DB``/``USER``/``PASSWORD``.

    Built from parts, the user name and password are percent-encoded, so a generated password with
    ``@ : / # ? %`` in it works (pasted raw into ``DATABASE_URL`` it would break the URL). Setting
    ``DATABASE_URL`` and ``POSTGRES_HOST`` together is refused: one would be silently ignored.
    """
    url = env.str("DATABASE_URL", default="")
    host = env.str("POSTGRES_HOST", default="")
    if url and host:
        raise ImproperlyConfigured("Set DATABASE_URL or POSTGRES_HOST (and parts), not both.")
    if not host:
        return url or default
    port = env.str("POSTGRES_PORT", default="5432").strip()
    if not (port.isascii() and port.isdigit()):
        raise ImproperlyConfigured(f"POSTGRES_PORT={port!r} is not a port number")
    name = env.str("POSTGRES_DB", default="")
    user = env.str("POSTGRES_USER", default="")
    if not name or not user:
        raise ImproperlyConfigured("POSTGRES_HOST needs POSTGRES_DB and POSTGRES_USER too.")
    password = env.str("POSTGRES_PASSWORD", default="")
    credentials = quote(user, safe="")
    if password:
        credentials += ":" + quote(password, safe="")
    return f"postgres://{credentials}@{host}:{port}/{quote(name, safe='')}"
