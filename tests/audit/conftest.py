"""The audits' database, shared by the sentence and the figure audit (both only read it)."""
from __future__ import annotations

import shutil

import duckdb
import pytest


@pytest.fixture(scope="session")
def audit_db(built_db, tmp_path_factory):
    """A copy of the session database with age_adjusted_inputs stored as a table (the same rows): the pages' own
    queries, without the view recomputed for each of the audits' thousands of age-adjusted and other queries."""
    path = tmp_path_factory.mktemp("audit") / "kostra.duckdb"
    shutil.copy(built_db, path)
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE age_adjusted_inputs_stored AS SELECT * FROM age_adjusted_inputs")
        con.execute("DROP VIEW age_adjusted_inputs")
        con.execute("ALTER TABLE age_adjusted_inputs_stored RENAME TO age_adjusted_inputs")
    return path
