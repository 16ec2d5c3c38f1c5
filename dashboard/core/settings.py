"""The server's limits, set by the operator in the environment (README, «Minne og CPU»).

Defaults fit a 2 GB virtual machine with two cores: 80 MB of cached results, each counted by what it holds (with
the imports, Streamlit and memory freed but not given back to the system, the server then stays under 500 MB),
DuckDB told to use at most 256 MB and one thread (left alone it takes up to 80 % of the machine's memory and a
thread per core), and polars one thread. Sessions already run side by side, one thread each: a second thread per
query made DuckDB's queries (the age-adjusted split, the all-municipality slices) cost 10–30 % more CPU in all for
the same wall time, and a figure's polars frames are a few hundred rows, so a pool of threads per small operation
cost more than the work.
"""
from __future__ import annotations

import os

CACHE_MB_ENV = "KOSTRA_CACHE_MB"
DUCKDB_MEMORY_ENV = "KOSTRA_DUCKDB_MEMORY"
DUCKDB_THREADS_ENV = "KOSTRA_DUCKDB_THREADS"
POLARS_THREADS_ENV = "KOSTRA_POLARS_THREADS"

DEFAULT_CACHE_MB = 80
DEFAULT_DUCKDB_MEMORY = "256MB"
DEFAULT_DUCKDB_THREADS = 1
DEFAULT_POLARS_THREADS = 1


def _positive_int(env: str, default: int) -> int:
    raw = os.environ.get(env, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{env} må være et helt tall, ikke «{raw}»") from None
    if value <= 0:
        raise ValueError(f"{env} må være større enn 0, ikke «{raw}»")
    return value


def cache_bytes() -> int:
    """The budget for all cached results together, in bytes."""
    return _positive_int(CACHE_MB_ENV, DEFAULT_CACHE_MB) * 1024 * 1024


def working_bytes() -> int:
    """The part of the budget for intermediate results (db.per_database(working=True)): a tenth, at least 1 MB.
    Enough for the intermediates of the pages being drawn at once (a municipality's age-adjusted split is about
    80 KB), so they serve each page's figures, while the rest of the budget keeps the finished figures."""
    return max(cache_bytes() // 10, min(1024 * 1024, cache_bytes() // 2))


def duckdb_memory_limit() -> str:
    """DuckDB's memory_limit for the app's read connection (DuckDB's own syntax: «256MB», «1GB»)."""
    return os.environ.get(DUCKDB_MEMORY_ENV, "").strip() or DEFAULT_DUCKDB_MEMORY


def duckdb_threads() -> int:
    return _positive_int(DUCKDB_THREADS_ENV, DEFAULT_DUCKDB_THREADS)


def polars_threads() -> int:
    return _positive_int(POLARS_THREADS_ENV, DEFAULT_POLARS_THREADS)


def limit_polars_threads() -> None:
    """Size polars' thread pool from the configuration. Polars reads POLARS_MAX_THREADS once, when it is first
    imported, so app.py calls this before anything imports it; an operator's own POLARS_MAX_THREADS wins."""
    os.environ.setdefault("POLARS_MAX_THREADS", str(polars_threads()))
