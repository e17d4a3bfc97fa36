"""System checks of the deployment (``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

_PROCESS_LOCAL = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.caches, deploy=True)
def shared_cache(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """The cache generations (``accounts.generations``) reach every server process only through a
    shared cache: without one, a role change, a deactivation or a new score reaches the other
    processes' remembered grants and ward board only as their entries expire."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in _PROCESS_LOCAL:
        return []
    return [
        Warning(
            "The default cache is each process's own memory (REDIS_URL is not set).",
            hint=(
                "Set REDIS_URL. Without a shared cache, run one server process: with several, "
                "a deactivation, a role change or a new score reaches the other processes only "
                f"after up to GRANTS_CACHE_SECONDS ({settings.GRANTS_CACHE_SECONDS} s)."
            ),
            id="avrusning.W001",
        )
    ]
