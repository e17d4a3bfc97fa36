"""Cache generations: one token per kind of shared data, replaced whenever that data changes.

Data that every request reads but that changes rarely (who may do what, the guideline's
recommendations, the ward's board) is cached across requests and processes under its kind's current
*generation*. A change replaces the generation, so every process stops using what it cached
before, on its next read; nothing has to find and delete old entries. The token is random rather
than a counter: a generation lost from the cache (evicted, flushed) is replaced by a new one, and
an entry cached under an old token can never be read again.

"Every process" holds where the default cache is shared (Redis: ``REDIS_URL``, as in every
deployment the project ships). Without it the cache is each process's own memory: right for the
embedded default's single process; several server processes without Redis would each keep their
own generation, and a change made in one would reach the others only as their entries expire
(``GRANTS_CACHE_SECONDS``). ``core.checks`` warns of that on ``check --deploy``.

A change made inside a transaction cannot be seen by other connections until it commits, so the
shared generation is replaced once per kind, when the transaction commits (after its row locks
are released: a slow or hung Redis never holds a clinical save's locks). Until then this
connection reads under a token of its own, replaced at every change, so its own reads inside the
transaction see its own writes. A rollback drops the private token with the commit callback that
carries it; nothing changed, so the shared generation stands.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Final

from django.core.cache import cache
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

_KEY: Final = "detox:generation:{kind}"
# On the connection: {kind: [(private token, its commit callback, the transaction's "written"
# flag), ...]}, oldest first; one entry per change, each registered at the savepoint level of its
# change, all of one transaction sharing one flag.
_PENDING: Final = "_detox_pending_generations"

_Entry = tuple[str, Callable[[], None], list[bool]]


def key(kind: str) -> str:
    return _KEY.format(kind=kind)


def _pending(connection: BaseDatabaseWrapper) -> dict[str, list[_Entry]]:
    pending: dict[str, list[_Entry]] | None = getattr(connection, _PENDING, None)
    if pending is None:
        pending = {}
        setattr(connection, _PENDING, pending)
    return pending


def _scheduled(connection: BaseDatabaseWrapper) -> set[int]:
    """The ids of the callbacks still to run when this connection's transaction commits (a
    rollback, of the transaction or of the savepoint one was registered in, discards it)."""
    if not connection.in_atomic_block:
        return set()
    return {id(entry[1]) for entry in connection.run_on_commit}


def _private(kind: str) -> str | None:
    """This connection's own token for the kind, while its transaction has changed the kind: the
    newest change not undone by a savepoint's rollback."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    entries = _pending(connection).get(kind)
    if not entries:
        return None
    scheduled = _scheduled(connection)
    for token, callback, _written in reversed(entries):
        if id(callback) in scheduled:
            return token
    return None


def current(kind: str) -> str:
    """The kind's generation (one cache read); a new one if the cache has none."""
    private = _private(kind)
    if private is not None:
        return private
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
    """Everything cached under the kind's current generation is stale, in every process: at once
    outside a transaction; inside one, for this connection at once and for every process when it
    commits (one cache write per kind and transaction)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _replace(kind)
        return
    pending = _pending(connection)
    scheduled = _scheduled(connection)
    entries = [entry for entry in pending.get(kind, []) if id(entry[1]) in scheduled]
    # One shared write per transaction: the first of its callbacks to run writes, the rest
    # (changes made in savepoints since) find it done.
    written = entries[0][2] if entries else [False]

    def at_commit() -> None:
        pending.pop(kind, None)
        if not written[0]:
            _replace(kind)
            written[0] = True  # only once written: a failed write is tried by the next callback

    entries.append((secrets.token_hex(8), at_commit, written))
    pending[kind] = entries
    # Robust: the data has committed; a cache that fails here is logged, never the request's
    # error, and the other callbacks still run (entries also live GRANTS_CACHE_SECONDS at most).
    transaction.on_commit(at_commit, robust=True)
