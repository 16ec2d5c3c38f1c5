"""The app's database access: read-only, reopened when the file is replaced, rebuilt when built by older code."""
from __future__ import annotations

import shutil

import duckdb

from dashboard.core import db


def changed_copy(source, path, *statements):
    """A copy of the built database with `statements` run on it: an older build, or the file a fetch swaps in."""
    shutil.copy(source, path)
    con = duckdb.connect(str(path))
    for statement in statements:
        con.execute(statement)
    con.close()
    return path


def test_database_built_by_older_code_is_rebuilt_keeping_own_data(built_db, tmp_path):
    path = tmp_path / "kostra.duckdb"
    shutil.copy(built_db, path)
    con = duckdb.connect(str(path))
    con.execute("UPDATE build_info SET value = 'old' WHERE key = 'code_fingerprint'")
    con.execute("DROP VIEW municipality_overview")  # what an older build would lack
    own = con.execute("SELECT count(*) FROM own_budget_line").fetchone()[0]
    con.close()
    db.ensure_database(path)
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT count(*) FROM municipality_overview").fetchone()[0] > 0
    assert con.execute("SELECT value FROM build_info WHERE key = 'code_fingerprint'").fetchone()[0] != "old"
    assert con.execute("SELECT count(*) FROM own_budget_line").fetchone()[0] == own
    con.close()


def test_a_database_that_cannot_be_read_just_now_is_not_rebuilt(built_db, tmp_path, monkeypatch, capsys):
    """A file held by a writer (DuckDB's lock) or a read error is not a file built by older code: rebuilding it would
    replace a live fetch with the embedded snapshot."""
    path = tmp_path / "kostra.duckdb"
    shutil.copy(built_db, path)
    before = path.read_bytes()
    real_connect = duckdb.connect

    def locked(*args, **kwargs):
        raise duckdb.IOException('Could not set lock on file "kostra.duckdb": Conflicting lock is held')

    monkeypatch.setattr(duckdb, "connect", locked)
    import pipelines.build
    monkeypatch.setattr(pipelines.build, "build", lambda *a, **k: (_ for _ in ()).throw(AssertionError("rebuilt")))
    db._rebuild_if_outdated(path)
    monkeypatch.setattr(duckdb, "connect", real_connect)
    assert path.read_bytes() == before
    assert "kunne ikke lese byggeinformasjonen" in capsys.readouterr().out


def test_a_database_without_build_info_is_rebuilt(built_db, tmp_path):
    path = changed_copy(built_db, tmp_path / "kostra.duckdb", "DROP TABLE build_info")
    db._rebuild_if_outdated(path)
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT count(*) FROM build_info").fetchone()[0] > 0
    con.close()


def test_current_database_is_left_alone(built_db, tmp_path):
    path = tmp_path / "kostra.duckdb"
    shutil.copy(built_db, path)
    before = path.read_bytes()
    db.ensure_database(path)
    assert path.read_bytes() == before


def test_missing_database_is_built_from_the_snapshot(tmp_path):
    path = tmp_path / "new.duckdb"
    db.ensure_database(path)
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT value FROM build_info WHERE key = 'is_demo'").fetchone()[0] == "true"
    con.close()


def test_per_database_caches_per_arguments_and_drops_everything_when_the_file_is_swapped(built_db, tmp_path,
                                                                                         monkeypatch):
    path = tmp_path / "kostra.duckdb"
    shutil.copy(built_db, path)
    monkeypatch.setenv("KOSTRA_DB", str(path))
    calls = []

    @db.per_database
    def count(table: str, ids: list[str]) -> int:
        calls.append((table, tuple(ids)))
        return db.connection().execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    regions = count("region", ["a", "b"])
    assert count("region", ["a", "b"]) == regions and len(calls) == 1  # a list counts by its items
    count("region", ["b", "a"])
    assert len(calls) == 2 and count.cache_len() == 2

    # a fetch or an import swaps the file (a new inode): every result is made again from the new file, and the old
    # file's results are dropped
    swapped = changed_copy(path, tmp_path / "new.duckdb", "DELETE FROM region WHERE code = (SELECT min(code) FROM region)")
    swapped.replace(path)
    assert count("region", ["a", "b"]) == regions - 1
    assert len(calls) == 3 and count.cache_len() == 1
