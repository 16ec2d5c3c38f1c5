"""The one store for cached results: bounded by bytes across all caches, entries counted by their real size,
least recently used first; keys carry the database version the data was read from."""
from __future__ import annotations

import shutil
import threading

import duckdb
import polars as pl
import pytest

from dashboard.core import cache, db, settings


def test_the_byte_budget_holds_and_keeps_the_most_recently_used():
    store = cache.ByteBudgetCache(budget=3_000_000)
    frames = {}
    for i in range(60):  # each frame 80 KB of cells, counted ~240 KB: 60 of them are ~14 MB, five times the budget
        frame = pl.DataFrame({"value": list(range(i, i + 10_000))})
        frames[i] = frame
        store.put(("frames", i), frame)
        if i % 10 == 9:
            store.get(("frames", 3))  # used again and again: it stays although stored early
        assert store.bytes <= store.budget
    assert store.bytes <= 3_000_000
    kept = {key[1] for key in store.keys()}
    assert 3 in kept
    newest = max(kept - {3})
    assert newest == 59
    # the kept entries are the most recently used, in a run: none older than the oldest kept was kept
    assert kept - {3} == set(range(min(kept - {3}), 60))
    assert len(kept) < 60
    assert store.get(("frames", 0)) is None
    assert store.get(("frames", 59)) is frames[59]


def test_entries_are_counted_by_their_real_size():
    frame = pl.DataFrame({"value": list(range(100_000))})
    assert cache.size_of(frame) >= frame.estimated_size() >= 800_000
    assert cache.size_of(b"x" * 50_000) >= 50_000
    nested = {"a": [frame, frame], "b": ("text " * 1000,)}  # the same frame twice is counted once
    assert cache.size_of(frame) + 5000 <= cache.size_of(nested) < 2 * cache.size_of(frame)


def test_a_small_polars_frame_is_counted_by_what_it_holds_not_by_its_cells():
    """A frame of a few cells holds kilobytes (its columns' buffers and bookkeeping): counted by its cells, a cache of
    small frames held many times its budget."""
    table = pl.DataFrame({f"kolonne {i}": [f"{j} %" for j in range(8)] for i in range(9)})
    assert cache.size_of(table) >= table.estimated_size() * 3 + 9 * 600


def test_what_a_cached_property_stored_on_a_cached_object_is_counted():
    from dataclasses import dataclass
    from functools import cached_property

    @dataclass(frozen=True)
    class Rows:
        frame: pl.DataFrame

        @cached_property
        def cells(self) -> dict:
            return {i: row for i, row in enumerate(self.frame.iter_rows(named=True))}

    rows = Rows(pl.DataFrame({"value": list(range(1000)), "name": [f"kommune {i}" for i in range(1000)]}))
    before = cache.size_of(rows)
    assert len(rows.cells) == 1000
    assert cache.size_of(rows) >= before + 100_000  # a dict per row: well over 100 bytes each


def test_a_value_larger_than_the_budget_is_not_stored_and_evicts_nothing():
    store = cache.ByteBudgetCache(budget=10_000)
    store.put("small", b"x" * 1000)
    assert store.put("huge", b"x" * 20_000) is False
    assert store.get("small") is not None and store.get("huge") is None and store.bytes <= 10_000


def test_the_budget_is_set_in_the_environment(monkeypatch):
    monkeypatch.setenv(settings.CACHE_MB_ENV, "7")
    assert settings.cache_bytes() == 7 * 1024 * 1024
    monkeypatch.setenv(settings.CACHE_MB_ENV, "mye")
    with pytest.raises(ValueError, match="KOSTRA_CACHE_MB"):
        settings.cache_bytes()
    monkeypatch.delenv(settings.CACHE_MB_ENV)
    assert settings.cache_bytes() == settings.DEFAULT_CACHE_MB * 1024 * 1024 == 80 * 1024 * 1024


def test_every_per_database_cache_shares_the_one_budget(db_env, monkeypatch):
    """Results of different functions compete for the same bytes: filling one cache past the budget pushes out
    the other's least recently used entries, and the total stays under the budget."""
    monkeypatch.setattr(cache, "results", cache.ByteBudgetCache(budget=6_000_000))

    @db.per_database
    def first(i: int) -> pl.DataFrame:
        return pl.DataFrame({"v": list(range(i, i + 20_000))})  # 160 KB of cells, counted ~480 KB

    @db.per_database
    def second(i: int) -> pl.DataFrame:
        return pl.DataFrame({"v": list(range(i, i + 20_000))})

    for i in range(10):
        first(i)
    assert first.cache_len() == 10
    for i in range(30):
        second(i)
        assert cache.results.bytes <= 6_000_000
    assert first.cache_len() == 0 and 0 < second.cache_len() < 30
    assert second(29) is second(29)  # the most recent is still there


def test_the_app_read_connection_has_the_configured_limits(db_env, monkeypatch):
    monkeypatch.setenv(settings.DUCKDB_MEMORY_ENV, "300MB")
    monkeypatch.setenv(settings.DUCKDB_THREADS_ENV, "2")
    db._opened["current"] = None  # open afresh with these settings
    with db.pinned() as opened:
        limit = opened.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        threads = opened.con.execute("SELECT current_setting('threads')").fetchone()[0]
    assert threads == 2
    assert limit.replace(" ", "").upper() in ("286.1MIB", "300.0MB", "300MB")
    db._opened["current"] = None


def _swap(path, tmp_path, statement):
    new = tmp_path / "swap.duckdb"
    shutil.copy(path, new)
    con = duckdb.connect(str(new))
    con.execute(statement)
    con.close()
    new.replace(path)


def test_a_swap_lets_a_running_computation_finish_and_never_stores_it_under_the_new_version(built_db, tmp_path,
                                                                                           monkeypatch):
    """A computation that started on the old file reads the old file to its end (the swap waits for it before it
    closes the connection), and its result is not stored under the new file's version: the next caller gets the
    new file's numbers."""
    path = tmp_path / "kostra.duckdb"
    shutil.copy(built_db, path)
    monkeypatch.setenv("KOSTRA_DB", str(path))
    started, swapped = threading.Event(), threading.Event()
    results = {}

    @db.per_database
    def regions(wait: bool) -> tuple[int, int]:
        first = db.query("year_range").height  # any query: the connection is in use
        n1 = db.connection().execute("SELECT count(*) FROM region").fetchone()[0]
        if wait:
            started.set()
            swapped.wait(10)
        n2 = db.connection().execute("SELECT count(*) FROM region").fetchone()[0]
        return first, n1, n2

    before = db.connection().execute("SELECT count(*) FROM region").fetchone()[0]
    worker = threading.Thread(target=lambda: results.setdefault("old", regions(True)))
    worker.start()
    assert started.wait(10)
    _swap(path, tmp_path, "DELETE FROM region WHERE code = (SELECT min(code) FROM region)")
    # another session asks while the old computation still runs: it waits for it, then reads the new file
    reader = threading.Thread(target=lambda: results.setdefault("new", regions(False)))
    reader.start()
    swapped.set()
    worker.join(20)
    reader.join(20)
    assert results["old"][1:] == (before, before)  # not broken by the swap, one file throughout
    assert results["new"][1:] == (before - 1, before - 1)
    assert regions(False)[1] == before - 1  # the cache serves the new file's result
    assert all(key[1] == db.database_version() for key in cache.results.keys())


def test_a_computation_whose_connection_was_closed_under_it_is_run_again_once(built_db, tmp_path, monkeypatch):
    path = tmp_path / "kostra.duckdb"
    shutil.copy(built_db, path)
    monkeypatch.setenv("KOSTRA_DB", str(path))
    attempts = []

    @db.per_database
    def flaky() -> int:
        attempts.append(1)
        if len(attempts) == 1:  # what DuckDB raises on a connection closed by a swap that stopped waiting
            raise duckdb.ConnectionException("Connection Error: Connection already closed!")
        return db.connection().execute("SELECT count(*) FROM region").fetchone()[0]

    assert flaky() > 0 and len(attempts) == 2


def test_concurrent_lookups_and_clears_never_raise(db_env):
    """Sessions look up, store and clear the shared store at once (the age-adjusted figure cache raised KeyError
    when another session cleared it between two lookups)."""
    @db.per_database
    def square(i: int) -> int:
        return i * i

    errors = []

    def use():
        try:
            for n in range(2000):
                assert square(n % 50) == (n % 50) ** 2
        except Exception as exc:  # noqa: BLE001 - collected for the assert below
            errors.append(exc)

    def clear():
        for _ in range(300):
            square.cache_clear()

    threads = [threading.Thread(target=use) for _ in range(4)] + [threading.Thread(target=clear)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_memory_is_given_back_after_half_a_budget_of_evictions(monkeypatch):
    trims = []
    monkeypatch.setattr(cache, "_trim", lambda pad: trims.append(pad))
    store = cache.ByteBudgetCache(budget=100_000)
    for i in range(10):
        store.put(i, b"x" * 9_000)  # nothing evicted yet
    assert trims == []
    for i in range(10, 30):
        store.put(i, b"x" * 9_000)  # 20 evictions of ~9 KB: over half the budget, twice
    assert len(trims) >= 2 and store.bytes <= store.budget


def test_the_working_part_and_the_finished_results_share_the_one_budget(monkeypatch):
    monkeypatch.setenv(settings.CACHE_MB_ENV, "80")
    assert settings.working_bytes() == 8 * 1024 * 1024
    assert settings.cache_bytes() - settings.working_bytes() == 72 * 1024 * 1024
    monkeypatch.setenv(settings.CACHE_MB_ENV, "4")  # a small budget still leaves the finished results the most
    assert settings.working_bytes() == 1024 * 1024
    monkeypatch.delenv(settings.CACHE_MB_ENV)  # the stores were made at import, with the default
    assert cache.results.budget + cache.working.budget == settings.cache_bytes()
    assert cache.working.budget == settings.working_bytes() < cache.results.budget


def test_intermediates_are_kept_in_the_working_part_and_never_push_out_finished_results(db_env, monkeypatch):
    """An intermediate (a municipality's split that its figures are made from) is kept in the small working part:
    filling it past its budget drops older intermediates, never a finished result, and a swapped database file
    drops both parts' entries."""
    monkeypatch.setattr(cache, "results", cache.ByteBudgetCache(budget=3_000_000))
    monkeypatch.setattr(cache, "working", cache.ByteBudgetCache(budget=1_000_000))

    @db.per_database
    def finished(i: int) -> bytes:
        return b"f" * 100_000

    @db.per_database(working=True)
    def intermediate(i: int) -> pl.DataFrame:
        return pl.DataFrame({"v": list(range(i, i + 10_000))})  # 80 KB of cells, counted ~240 KB

    for i in range(10):
        finished(i)
    for i in range(20):
        intermediate(i)
        assert cache.working.bytes <= 1_000_000
    assert finished.cache_len() == 10  # all still there: 1 MB of 3
    assert 0 < intermediate.cache_len() < 20 and intermediate.cache_len() == len(cache.working)
    assert not any(key[0].endswith("intermediate") for key in cache.results.keys())
    assert intermediate(19) is intermediate(19)  # the most recent is kept
    db._note_version(("another file", 1, 2))
    assert len(cache.working) == 0 and len(cache.results) == 0
