"""Read-only access to data/kostra.duckdb for the app.

The app never writes here (imports replace the file atomically), so a connection is opened
read-only and reopened when the file on disk is replaced (new inode or mtime). If the file is
missing, it is built once from the embedded snapshot; the app never touches the network.
"""
from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Callable, TypeVar

import duckdb
import polars as pl

from pipelines.paths import SQL_DIR, default_db_path

_lock = threading.Lock()
_state: dict = {"key": None, "con": None}


class DatabaseUnavailable(RuntimeError):
    """Shown to users as a Norwegian message, never a traceback."""


_checked: dict[tuple, bool] = {}


def ensure_database(path: Path | None = None) -> Path:
    """The database file, built from the embedded snapshot if missing, rebuilt if made by older code."""
    path = Path(path or default_db_path())
    if not path.exists():
        from pipelines.build import BuildError, build
        try:
            build(db_path=path)
        except BuildError as exc:
            raise DatabaseUnavailable(f"Databasen mangler og kunne ikke bygges fra øyeblikksbildet: {exc}") from exc
        return path
    stat = path.stat()
    key = (str(path), stat.st_ino, stat.st_mtime_ns)
    if key not in _checked:
        _checked[key] = True
        _rebuild_if_outdated(path)
    return path


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


def connection(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor on a shared read-only connection; reopened when the file is swapped."""
    path = ensure_database(path)
    stat = path.stat()
    key = (str(path), stat.st_ino, stat.st_mtime_ns)
    with _lock:
        if _state["key"] != key:
            if _state["con"] is not None:
                try:
                    _state["con"].close()
                except duckdb.Error:
                    pass
            try:
                _state["con"] = duckdb.connect(str(path), read_only=True)
            except duckdb.Error as exc:
                raise DatabaseUnavailable(f"Kunne ikke åpne databasen {path}: {exc}") from exc
            _state["key"] = key
        return _state["con"].cursor()


def database_version(path: Path | None = None) -> tuple:
    """Changes whenever the database file is replaced: use it as a cache key."""
    path = ensure_database(path)
    stat = path.stat()
    return (str(path), stat.st_ino, stat.st_mtime_ns)


T = TypeVar("T")


def _hashable(value):
    """A cache key part for an argument: lists (indicator ids, comparisons) count by their items."""
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value


def per_database(maxsize: int = 256) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Cache a function's results for the database file in use: keyed on the arguments (lists by their items) and
    dropped, all at once, when the file is swapped (a fetch, an import or a rebuild replaces it; see
    database_version). For results that depend only on the database and the arguments, so every session asks the
    database once per selection instead of once per run. Least recently used entries go beyond `maxsize`.

    The cached object is shared by every session: callers must not change it (polars frames, tuples and the app's
    frozen dataclasses cannot be changed; return copies of lists and dicts a caller might change)."""
    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        store: OrderedDict = OrderedDict()
        state = {"version": None}
        lock = threading.Lock()

        @functools.wraps(fn)
        def cached(*args, **kwargs):
            version = database_version()
            key = (tuple(_hashable(a) for a in args), tuple(sorted((k, _hashable(v)) for k, v in kwargs.items())))
            with lock:
                if state["version"] != version:
                    store.clear()
                    state["version"] = version
                elif key in store:
                    store.move_to_end(key)
                    return store[key]
            value = fn(*args, **kwargs)
            with lock:
                if state["version"] == version:  # not if the file was swapped while this was computed
                    store[key] = value
                    if len(store) > maxsize:
                        store.popitem(last=False)
            return value

        def cache_clear() -> None:
            with lock:
                store.clear()
                state["version"] = None

        cached.cache_clear = cache_clear  # type: ignore[attr-defined]
        cached.cache_len = lambda: len(store)  # type: ignore[attr-defined]
        return cached
    return decorate


@lru_cache(maxsize=None)
def sql(name: str) -> str:
    path = SQL_DIR / "queries" / f"{name}.sql"
    return path.read_text(encoding="utf-8")


def query(name: str, params: dict | None = None, path: Path | None = None) -> pl.DataFrame:
    """Run sql/queries/<name>.sql with named parameters ($name) and return a polars frame."""
    cur = connection(path)
    try:
        rel = cur.execute(sql(name), params or {})
        return rel.pl()
    finally:
        cur.close()
