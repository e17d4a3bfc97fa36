"""Cache generations: one token per kind of shared data, replaced whenever that data changes.

Data that every request reads but that changes rarely (who may do what, the guideline's
recommendations) is cached across requests and processes under its kind's current *generation*.
A change replaces the generation, so every process stops using what it cached before, on its next
read; nothing has to find and delete old entries. The token is random rather than a counter: a
generation lost from the cache (evicted, flushed) is replaced by a new one, and an entry cached
under an old token can never be read again.

A change made inside a transaction replaces the generation at once and again when the transaction
commits: a process reading between the two could otherwise cache the data as it was before the
commit under the new token.
"""

from __future__ import annotations

import secrets
from typing import Final

from django.core.cache import cache
from django.db import transaction

_KEY: Final = "detox:generation:{kind}"


def key(kind: str) -> str:
    return _KEY.format(kind=kind)


def current(kind: str) -> str:
    """The kind's generation (one cache read); a new one if the cache has none."""
    generation = cache.get(key(kind))
    if generation is None:
        generation = secrets.token_hex(8)
        # add: two processes starting a generation at once agree on one of them.
        if not cache.add(key(kind), generation, timeout=None):
            generation = cache.get(key(kind)) or generation
    return str(generation)


def _replace(kind: str) -> None:
    cache.set(key(kind), secrets.token_hex(8), timeout=None)


def replace(kind: str) -> None:
    """Everything cached under the kind's current generation is stale, in every process."""
    _replace(kind)
    transaction.on_commit(lambda: _replace(kind))
