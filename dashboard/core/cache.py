"""One store for every cached result, bounded by bytes: least recently used entries go first, across all caches.

Why one store: a cache bounded by a count of entries is bounded in memory only by the sum of its worst entries,
which nobody knows, and ten such caches side by side hold what they hold whether anyone still asks for it. Here each
entry is counted by its real size (a polars frame by what it was measured to hold, a figure by the bytes of its
JSON, other values by what Python says they take) and the whole store stays under one budget (KOSTRA_CACHE_MB, 80 MB by
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


def _malloc_trim():
    """glibc's malloc_trim, or None elsewhere (musl, macOS)."""
    try:
        import ctypes
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_trim = _malloc_trim()


def give_back_memory() -> None:
    """Return memory freed by evicted entries to the system. glibc keeps freed memory in its heaps for reuse, and a
    server whose cache turns over all day then grows by what its heaps hold between uses (about as much again as
    the cache); trimming after every half-budget of evictions keeps the server's memory near what it uses."""
    if _trim is not None:
        _trim(0)


# What a polars frame made from a query's rows holds in memory, measured against its estimated_size() (which counts
# the cells alone) for the frames this app caches, from a 9-column table of 8 rows to a 13-column frame of 7 655:
# about three times the cells (Arrow buffers, string views, validity, the allocator's rounding) and some 600 bytes
# of bookkeeping per column. Counted by estimated_size() alone, a cache of small frames held 3-13 times its budget.
POLARS_CELL_FACTOR = 3
POLARS_COLUMN_BYTES = 600


def _polars_bytes(value: pl.DataFrame | pl.Series) -> int:
    columns = value.width if isinstance(value, pl.DataFrame) else 1
    return POLARS_CELL_FACTOR * value.estimated_size() + POLARS_COLUMN_BYTES * columns + sys.getsizeof(value)


def size_of(value, _seen: set[int] | None = None) -> int:
    """Bytes a cached value holds: polars frames and series by what they hold (_polars_bytes), bytes and text by
    their length, containers, dataclasses and objects by their parts, including what a cached_property has stored
    on the object since (each object counted once)."""
    seen = _seen if _seen is not None else set()
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, (pl.DataFrame, pl.Series)):
        return _polars_bytes(value)
    if isinstance(value, (str, bytes, bytearray, int, float, bool, type(None))):
        return sys.getsizeof(value)
    size = sys.getsizeof(value)
    if isinstance(value, (dict, Mapping)):
        for k, v in value.items():
            size += size_of(k, seen) + size_of(v, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            size += size_of(v, seen)
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        size += size_of(vars(value), seen)  # a dataclass's fields and what its cached properties stored
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            size += size_of(getattr(value, field.name), seen)
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
        self._evicted = 0  # bytes dropped since memory was last given back to the system
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
                self._evicted += dropped
            self._entries[key] = (value, size)
            self._bytes += size
            trim = self._evicted >= self.budget // 2
            if trim:
                self._evicted = 0
        if trim:
            give_back_memory()
        return True

    def drop(self, keep=lambda key: False) -> None:
        """Remove every entry whose key `keep` does not accept."""
        with self._lock:
            for key in [k for k in self._entries if not keep(k)]:
                dropped = self._entries.pop(key)[1]
                self._bytes -= dropped
                self._evicted += dropped

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


# the budget in two parts, one mechanism: finished results (the figures as they are sent, what pages read on every
# view) and a small working part for intermediates only other cached results are made from (settings.working_bytes)
results = ByteBudgetCache(settings.cache_bytes() - settings.working_bytes())
working = ByteBudgetCache(settings.working_bytes())
