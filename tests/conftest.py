"""Shared fixtures: one database built from the embedded snapshot per test session.

Tests never touch data/kostra.duckdb: KOSTRA_DB points at a session temp file, so a developer's
own database (with imported files) is never changed by running the tests.
"""
from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# `pytest --hypothesis-profile=thorough` (or `--hypothesis-examples=N`): every property test with 10 000 (N)
# examples, its own @settings overridden, to find what the few hundred in `make test` find only by chance; run it
# when a property or the code under it changes
settings.register_profile("thorough", max_examples=10_000, deadline=None)


def pytest_addoption(parser):
    parser.addoption("--hypothesis-examples", type=int, default=None,
                     help="run every property test with this many examples (overrides the tests' own settings)")


# The files that take longest in a full run, longest first (pytest --durations, December 2026). `make test`'s two
# workers take whole files in collection order (-n 2 --dist loadfile --no-loadscope-reorder): these go first, so a
# run does not end with one worker on a long file while the other has nothing left. Every other file follows in
# pytest's own order; a file missing here is only scheduled later, never left out.
SLOWEST_FILES = (
    "tests/audit/test_figure_audit.py",
    "tests/pipelines/test_db_lock.py",
    "tests/dashboard/figures/test_mixed_demo.py",
    "tests/browser/test_accessibility_browser.py",
    "tests/browser/test_hostile_names_browser.py",
    "tests/dashboard/core/test_db.py",
    "tests/browser/test_committee_browser.py",
    "tests/pipelines/test_fetch.py",
    "tests/browser/test_login_browser.py",
    "tests/browser/test_own_pages_browser.py",
    "tests/dashboard/kostra/test_missing_sums.py",
    "tests/pipelines/demo/test_snapshot.py",
    "tests/browser/test_publish_browser.py",
    "tests/pipelines/test_build.py",
    "tests/pipelines/test_offline.py",
    "tests/dashboard/publish/test_cli.py",
    "tests/browser/test_slides_fit_browser.py",
    "tests/dashboard/own/test_secondary_suppression.py",
    "tests/browser/test_cold_server.py",
    "tests/audit/test_sentence_audit.py",
    "tests/browser/test_analyst_pages_browser.py",
    "tests/sql/test_age_adjusted_split.py",
)


def _slowest_files_first(items) -> None:
    rank = {path: n for n, path in enumerate(SLOWEST_FILES)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))  # stable: a file's tests keep order


def pytest_collection_modifyitems(config, items):
    _slowest_files_first(items)
    examples = config.getoption("--hypothesis-examples")
    if examples is None and config.getoption("--hypothesis-profile", None) == "thorough":
        examples = 10_000
    if examples is None:
        return
    for item in items:
        test = getattr(item, "obj", None)
        own = getattr(test, "_hypothesis_internal_use_settings", None)
        if own is not None:
            test._hypothesis_internal_use_settings = settings(own, max_examples=examples, deadline=None)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """A database built from data/raw (the embedded snapshot), shared read-only by the session.

    Under pytest-xdist (`make test` runs two workers) it is built once per run, by the first worker to get there,
    and each worker reads its own copy: a test that opens it read-write (DuckDB's default) would otherwise lock the
    other worker out of the file."""
    from pipelines.build import build
    path = tmp_path_factory.mktemp("db") / "kostra.duckdb"
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        build(ROOT / "data" / "raw", path)
        return path
    shared = tmp_path_factory.getbasetemp().parent  # the run's folder, above each worker's own
    with open(shared / "built_db.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other worker waits here while the first one builds
        if not (shared / "kostra.duckdb").exists():  # build swaps a finished file into place: it exists only whole
            build(ROOT / "data" / "raw", shared / "kostra.duckdb")
    shutil.copy(shared / "kostra.duckdb", path)
    return path


@pytest.fixture
def db_env(built_db, monkeypatch) -> Path:
    """Point the app and the query layer at the session database."""
    monkeypatch.setenv("KOSTRA_DB", str(built_db))
    return built_db


@pytest.fixture
def db_copy(built_db, tmp_path, monkeypatch) -> Path:
    """A private, writable copy for tests that import or rebuild."""
    path = tmp_path / "kostra.duckdb"
    shutil.copy(built_db, path)
    monkeypatch.setenv("KOSTRA_DB", str(path))
    return path


@pytest.fixture(autouse=True)
def _never_the_developers_database(built_db, monkeypatch):
    """Every test reads the session database unless it asks for another; none touches data/kostra.duckdb."""
    monkeypatch.setenv("KOSTRA_DB", str(built_db))
