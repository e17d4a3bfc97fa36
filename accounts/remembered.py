"""Rows a process remembers between requests, under a cache generation (``accounts.generations``).

For what every request reads and almost never changes: the user behind a session or an API
token. An entry is used only while its kind's generation is the one it was read under (any change
replaces the generation, in every process) and for at most ``GRANTS_CACHE_SECONDS`` (a change made
while Redis refused writes, or by raw SQL). While Redis is unreachable the generation cannot be
read, a new one is made up on every call, and nothing remembered is ever used. Each read returns a
copy, so nothing a request sets on its objects reaches another request.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Final, Generic, TypeVar

from django.conf import settings

from accounts import generations

T = TypeVar("T")

# At most this many entries per kind and process; the memory is emptied when it is full.
MAX_ENTRIES: Final = 1000


class Remembered(Generic[T]):
    """Per-process memory of one kind of row, by key, under the kind's generation."""

    def __init__(self, kind: str, copier: Callable[[T], T] = copy.copy) -> None:
        self.kind = kind
        self._copy = copier
        self._entries: dict[str, tuple[str, float, T]] = {}

    def generation(self) -> str:
        return generations.current(self.kind)

    def get(self, key: str, generation: str) -> T | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] != generation:
            return None
        if time.monotonic() - entry[1] > settings.GRANTS_CACHE_SECONDS:
            return None
        return self._copy(entry[2])

    def put(self, key: str, generation: str, value: T) -> None:
        """Remember ``value`` as read under ``generation`` (read before the value was)."""
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (generation, time.monotonic(), self._copy(value))

    def forget_all(self) -> None:
        self._entries.clear()
