"""The app's database access: read-only, reopened when the file is replaced, rebuilt when built by older code."""
from __future__ import annotations

import shutil

import duckdb

from dashboard.core import db


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
