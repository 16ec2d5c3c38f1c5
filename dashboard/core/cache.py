"""One store for every cached result, bounded by bytes: least recently used entries go first, across all caches.

Why one store: a cache bounded by a count of entries is bounded in memory only by the sum of its worst entries,
which nobody knows, and ten such caches side by side hold what they hold whether anyone still asks for it. Here each
entry is counted by its real size (a polars frame by estimated_size(), a figure by the bytes of its JSON, other
values by what Python says they take) and the whole store stays under one budget (KOSTRA_CACHE_MB, 32 MB by
default), so the memory a server holds for its users is known and says nothing about how many they are.

The store knows nothing of databases: dashboard.core.db.per_database puts the database version the data was read
from into every key.
"""
from __future__ import annotations

import dataclasses
import sys
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Hashable

import polars as pl

from dashboard.core import settings

_MISSING = object()


def size_of(value, _seen: set[int] | None = None) -> int:
    """Bytes a cached value holds: polars frames and series by estimated_size(), bytes and text by their length,
    containers and dataclasses by their parts (each object counted once)."""
    seen = _seen if _seen is not None else set()
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, (pl.DataFrame, pl.Series)):
        return value.estimated_size() + sys.getsizeof(value)
    if isinstance(value, (str, bytes, bytearray, int, float, bool, type(None))):
        return sys.getsizeof(value)
    size = sys.getsizeof(value)
    if isinstance(value, (dict, Mapping)):
        for k, v in value.items():
            size += size_of(k, seen) + size_of(v, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            size += size_of(v, seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            size += size_of(getattr(value, field.name), seen)
    elif hasattr(value, "__dict__"):
        size += size_of(vars(value), seen)
    elif hasattr(value, "__slots__"):
        for name in value.__slots__:
            size += size_of(getattr(value, name, None), seen)
    return size


class ByteBudgetCache:
    """A least-recently-used map whose values together stay under `budget` bytes. Thread-safe: every look-up and
    store holds one lock, so a session never finds a key another session is removing (a look-up is one step)."""

    def __init__(self, budget: int):
        self.budget = budget
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, default=None):
        with self._lock:
            entry = self._entries.get(key, _MISSING)
            if entry is _MISSING:
                return default
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value, size: int | None = None) -> bool:
        """Store `value` (sized by size_of unless given); False if it alone is larger than the whole budget."""
        size = size_of(value) if size is None else size
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            if size > self.budget:
                return False
            while self._entries and self._bytes + size > self.budget:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped
            self._entries[key] = (value, size)
            self._bytes += size
            return True

    def drop(self, keep=lambda key: False) -> None:
        """Remove every entry whose key `keep` does not accept."""
        with self._lock:
            for key in [k for k in self._entries if not keep(k)]:
                self._bytes -= self._entries.pop(key)[1]

    def clear(self) -> None:
        self.drop()

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def keys(self) -> list:
        with self._lock:
            return list(self._entries)


results = ByteBudgetCache(settings.cache_bytes())
