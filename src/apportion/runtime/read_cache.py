"""Finished answers kept while the data they were computed from is unchanged.

An entry records the database's data revision (`Database.current_revision`) read *before* its value was built. Every
committed write transaction advances the revision, so a write that committed after that read (and so may or may not
be in the value) makes the entry stale at once, and an entry is only served while no write has committed since its
revision was read. That holds for any number of API processes, each with its own cache: they share the revision.

Entries are evicted least recently used first, beyond `max_bytes` in all.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from apportion.store.database import Database


class ReadCache:
    """Byte strings (rendered responses) by key, each valid at one data revision."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[str, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_build(self, db: Database, key: Hashable, build: Callable[[], bytes]) -> bytes:
        """The value kept for `key` if the data has not changed since it was built, else `build()` (kept for the
        next call). Exceptions from `build` propagate and keep nothing."""
        revision = db.current_revision()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == revision:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[1]
            self.misses += 1
        value = build()
        self._keep(key, revision, value)
        return value

    def _keep(self, key: Hashable, revision: str, value: bytes) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1])
            if len(value) > self.max_bytes:
                return
            self._entries[key] = (revision, value)
            self._bytes += len(value)
            while self._bytes > self.max_bytes:
                _key, (_revision, evicted) = self._entries.popitem(last=False)
                self._bytes -= len(evicted)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0
