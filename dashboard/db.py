"""Read-only access to data/kostra.duckdb for the app.

The app never writes here (imports replace the file atomically), so a connection is opened
read-only and reopened when the file on disk is replaced (new inode or mtime). If the file is
missing, it is built once from the embedded snapshot; the app never touches the network.
"""
from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl

from pipelines.paths import SQL_DIR, default_db_path

_lock = threading.Lock()
_state: dict = {"key": None, "con": None}


class DatabaseUnavailable(RuntimeError):
    """Shown to users as a Norwegian message, never a traceback."""


def ensure_database(path: Path | None = None) -> Path:
    path = Path(path or default_db_path())
    if not path.exists():
        from pipelines.build import BuildError, build
        try:
            build(db_path=path)
        except BuildError as exc:
            raise DatabaseUnavailable(f"Databasen mangler og kunne ikke bygges fra øyeblikksbildet: {exc}") from exc
    return path


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
