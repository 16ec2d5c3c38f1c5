"""Read-only access to data/kostra.duckdb for the app.

The app never writes here (imports replace the file atomically), so a connection is opened
read-only and reopened when the file on disk is replaced (new inode or mtime). If the file is
missing, it is built once from the embedded snapshot; the app never touches the network.
"""
from __future__ import annotations

import contextvars
import functools
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Callable, Hashable, Iterator, TypeVar

import duckdb
import polars as pl

from pipelines.paths import SQL_DIR, default_db_path

_lock = threading.Lock()


class DatabaseUnavailable(RuntimeError):
    """Shown to users as a Norwegian message, never a traceback."""


_checked: dict[tuple, bool] = {}


def ensure_database(path: Path | None = None) -> Path:
    """The database file, built from the embedded snapshot if missing, rebuilt if made by older code."""
    return _ensured(path)[0]


def _ensured(path: Path | None = None) -> tuple[Path, tuple]:
    """ensure_database and the version of the file it found, from one look at the file: every cached look-up
    asks, dozens of times a page run."""
    path = Path(path or default_db_path())
    try:
        key = _stat_version(path)
    except FileNotFoundError:
        from pipelines.build import BuildError, build
        try:
            build(db_path=path)
        except BuildError as exc:
            raise DatabaseUnavailable(f"Databasen mangler og kunne ikke bygges fra øyeblikksbildet: {exc}") from exc
        return path, _stat_version(path)
    if key not in _checked:
        _checked[key] = True
        _rebuild_if_outdated(path)
        return path, _stat_version(path)  # a rebuild swaps the file
    return path, key


def _rebuild_if_outdated(path: Path) -> None:
    """Rebuild (atomically, keeping the municipality's own data) when the file was built by other code.

    The raw files it was built from are reused, so a live fetch stays live; if that fails, the old file is kept
    and the reason goes to the server log."""
    from pipelines.build import BuildError, build, code_fingerprint
    from pipelines.paths import RAW_DIR
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            info = dict(con.execute("SELECT key, value FROM build_info").fetchall())
    except duckdb.CatalogException:
        info = {}  # no build_info table: a file from before build_info existed
    except duckdb.Error as exc:
        # the file could not be read just now (held by a writer, a disk error): that says nothing about its age, and
        # a rebuild from the snapshot would replace a live fetch; leave it, and the reader reports what is wrong
        print(f"Advarsel: kunne ikke lese byggeinformasjonen i {path}: {exc}", flush=True)
        return
    if info.get("code_fingerprint") == code_fingerprint():
        return
    raw = Path(info.get("raw_dir") or RAW_DIR)
    if not (raw / "manifest.json").exists():
        raw = RAW_DIR
    try:
        build(raw, path)
        print(f"Bygde {path} på nytt fra {raw}: databasen var laget av en eldre versjon av dashbordet.", flush=True)
    except BuildError as exc:
        print(f"Advarsel: {path} er laget av en eldre versjon og kunne ikke bygges på nytt: {exc}", flush=True)


class _Open:
    """One opened database file: its connection, the version (file identity) it was opened at, and how many
    computations are reading from it right now (leases)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, version: tuple):
        self.con = con
        self.version = version
        self.leases = 0


_opened: dict = {"current": None}
_changed = threading.Condition(_lock)
_pinned: contextvars.ContextVar[_Open | None] = contextvars.ContextVar("kostra_pinned_database", default=None)
DRAIN_SECONDS = 30.0  # how long a swap waits for queries still reading the old file before it closes it anyway


def _stat_version(path: Path) -> tuple:
    stat = path.stat()
    return (str(path), stat.st_ino, stat.st_mtime_ns)


def _open(path: Path) -> _Open:
    """A read-only connection with the configured limits, and the version of exactly the file it opened (the file
    is stat'ed before and after opening: a swap in between opens it again)."""
    from dashboard.core import settings
    for _ in range(5):
        before = _stat_version(path)
        try:
            con = duckdb.connect(str(path), read_only=True)
            # SET, not connect(config=): a connection with another config to the same path (the rebuild check in
            # ensure_database) would then be refused
            con.execute(f"SET memory_limit = '{settings.duckdb_memory_limit()}'")
            con.execute(f"SET threads = {settings.duckdb_threads()}")
        except duckdb.Error as exc:
            raise DatabaseUnavailable(f"Kunne ikke åpne databasen {path}: {exc}") from exc
        if _stat_version(path) == before:
            return _Open(con, before)
        con.close()
    raise DatabaseUnavailable(f"Databasen {path} ble byttet ut mens den ble åpnet; prøv igjen om litt.")


def _acquire(path: Path | None = None) -> _Open:
    """A lease on the connection to the file in use now. When the file has been swapped, the old connection is
    closed only once the computations still reading it have finished (DuckDB hands a path's open database to every
    new connection to that path, so the old one must be closed before the new file can be read)."""
    path, version = _ensured(path)
    with _changed:
        deadline = None
        while True:
            current = _opened["current"]
            if current is not None and current.version == version:
                current.leases += 1
                return current
            if current is not None and current.leases > 0:
                import time
                deadline = deadline or time.monotonic() + DRAIN_SECONDS
                if _changed.wait(timeout=max(deadline - time.monotonic(), 0)) or time.monotonic() < deadline:
                    continue
            if current is not None:
                try:
                    current.con.close()
                except duckdb.Error:
                    pass
                _opened["current"] = None
            opened = _open(path)
            opened.leases = 1
            _opened["current"] = opened
            return opened


def _release(opened: _Open) -> None:
    with _changed:
        opened.leases -= 1
        if opened.leases <= 0:
            _changed.notify_all()


@contextmanager
def pinned(path: Path | None = None) -> Iterator[_Open]:
    """Every query inside reads the same file, and that file's version is the one the results are cached under:
    the version is captured together with the data. A swap meanwhile waits for this to finish before it closes the
    connection. Nested uses share the outermost pin."""
    held = _pinned.get()
    if held is not None and path is None:
        yield held
        return
    opened = _acquire(path)
    token = _pinned.set(opened)
    try:
        yield opened
    finally:
        _pinned.reset(token)
        _release(opened)


def connection(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor on the shared read-only connection (the pinned one inside `pinned`); for tests and one-off reads.
    query() holds a lease for its query; a bare cursor does not, so a swap may close it."""
    held = _pinned.get()
    if held is not None and path is None:
        return held.con.cursor()
    opened = _acquire(path)
    try:
        return opened.con.cursor()
    finally:
        _release(opened)


def database_version(path: Path | None = None) -> tuple:
    """Changes whenever the database file is replaced: use it as a cache key. Inside `pinned`, the version of the
    file being read."""
    held = _pinned.get()
    if held is not None and path is None:
        return held.version
    return _stat_version(ensure_database(path))


T = TypeVar("T")


def _hashable(value):
    """A cache key part for an argument: lists (indicator ids, comparisons) count by their items."""
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value


_store_version: dict = {"version": None}


def _note_version(version: tuple) -> bool:
    """Drop results of every other file the first time a new version is seen; False for an older file (a
    computation that started before a swap): its results are served to the session that asked, never stored."""
    from dashboard.core import cache
    with _lock:
        known = _store_version["version"]
        if known == version:
            return True
        if known is not None and known[0] == version[0] and version[2] < known[2]:
            return False
        _store_version["version"] = version
    for store in (cache.results, cache.working):
        store.drop(keep=lambda key: key[1] == version)
    return True


def _store(working: bool):
    from dashboard.core import cache
    return cache.working if working else cache.results


def per_database(fn: Callable[..., T] | None = None, *, name: str | None = None, working: bool = False):
    """Cache a function's results in the one byte-bounded store (dashboard.core.cache) under the version of the
    database file the results were read from, and the arguments (lists by their items). For results that depend
    only on the database and the arguments, so every session asks the database once per selection instead of once
    per run. When the file is swapped (a fetch, an import or a rebuild), results of the old file are dropped.

    `working=True` for an intermediate result that serves only to build results cached themselves (a
    municipality's split that its figures are made from): it is kept in the budget's small working part
    (cache.working), where it serves the page's other figures and the sessions running beside it, instead of taking
    the room of finished figures for as long as they are kept.

    The version is captured with the data (see `pinned`): a result computed from the old file while a swap happened
    is never stored under the new file's version. A computation whose connection was closed under it (a swap that
    waited longer than DRAIN_SECONDS) is run once more on the new file.

    The cached object is shared by every session: callers must not change it (polars frames, tuples, bytes and the
    app's frozen dataclasses cannot be changed; return copies of lists and dicts a caller might change)."""
    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        label = name or f"{fn.__module__}.{fn.__qualname__}"

        @functools.wraps(fn)
        def cached(*args, **kwargs):
            key_args = (tuple(_hashable(a) for a in args),
                        tuple(sorted((k, _hashable(v)) for k, v in kwargs.items())))
            return remember(label, key_args, lambda: fn(*args, **kwargs), working=working)

        def cache_clear() -> None:
            _store(working).drop(keep=lambda key: key[0] != label)

        cached.cache_clear = cache_clear  # type: ignore[attr-defined]
        cached.cache_len = lambda: _count(label, working)  # type: ignore[attr-defined]
        return cached
    return decorate(fn) if fn is not None else decorate


def _count(label: str, working: bool = False) -> int:
    return sum(1 for k in _store(working).keys() if k[0] == label)


def remember(label: str, key: Hashable, compute: Callable[[], T], *, working: bool = False) -> T:
    """The cached result of `compute()` for `label` and `key` under the version of the database file it reads
    (per_database, for a computation that is not one function's arguments; `working` as there). Run once more on
    the new file if the connection was closed under it."""
    results = _store(working)
    for attempt in (1, 2):
        try:
            with pinned() as opened:
                full_key = (label, opened.version, key)
                value = results.get(full_key, _MISS)
                if value is not _MISS:
                    return value
                value = compute()
                if _note_version(opened.version):
                    results.put(full_key, value)
                return value
        except duckdb.ConnectionException:
            if attempt == 2 or _pinned.get() is not None:
                raise
    raise AssertionError("unreachable")


_MISS = object()


@lru_cache(maxsize=None)
def sql(name: str) -> str:
    path = SQL_DIR / "queries" / f"{name}.sql"
    return path.read_text(encoding="utf-8")


def query(name: str, params: dict | None = None, path: Path | None = None) -> pl.DataFrame:
    """Run sql/queries/<name>.sql with named parameters ($name) and return a polars frame."""
    with pinned(path) as opened:
        cur = opened.con.cursor()
        try:
            cur.execute(sql(name), params or {})
            schema = _polars_schema(cur.description)
            if schema is None:  # a type without a plain Python value mapping: through Arrow, as DuckDB hands it over
                return compact(cur.pl())
            return pl.DataFrame(cur.fetchall(), schema=schema, orient="row")
        finally:
            cur.close()


# DuckDB's types as DuckDBPyConnection.pl() hands them to polars, for the types the app's queries return
_POLARS_TYPES = {"VARCHAR": pl.Utf8, "INTEGER": pl.Int32, "BIGINT": pl.Int64, "SMALLINT": pl.Int16,
                 "TINYINT": pl.Int8, "DOUBLE": pl.Float64, "FLOAT": pl.Float32, "BOOLEAN": pl.Boolean,
                 "DATE": pl.Date, "TIMESTAMP": pl.Datetime("us"), "VARCHAR[]": pl.List(pl.Utf8),
                 "INTEGER[]": pl.List(pl.Int32)}


def _polars_schema(description) -> dict | None:
    """The result's polars schema from the cursor's description, or None if a column has a type not mapped here.

    Why rows and not .pl(): .pl() hands over Arrow buffers made for whole 2 048-row vectors, which compact() then
    had to copy through Python values into frames of their own size anyway (a cache of small results held ten times
    what it was told); reading the rows makes that frame at once, at about the same cost (issue 27)."""
    schema = {}
    for column in description:
        dtype = _POLARS_TYPES.get(str(column[1]))
        if dtype is None:
            return None
        schema[column[0]] = dtype
    return schema


def compact(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame in buffers of its own size. DuckDB hands results over in Arrow buffers made for a whole vector
    (2 048 rows) per column, so a one-row result held 30–40 KB and a 357-row one about 140 KB where polars counts
    under 15 KB: a cache of thousands of them held ten times what it was told. A copy through Python values costs
    0.1–0.5 ms per query, paid only when a result is not cached."""
    return pl.DataFrame({c: frame.get_column(c).to_list() for c in frame.columns}, schema=frame.schema)
