"""What a database file holds, for `python -m pipelines status` and the sources page."""
from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.paths import SQL_DIR


class StatusError(RuntimeError):
    pass


def database_status(db_path: Path) -> dict:
    db_path = Path(db_path)
    if not db_path.exists():
        raise StatusError(f"Fant ikke databasen {db_path}. Kjør `python -m pipelines build` først.")
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as exc:
        raise StatusError(f"Kunne ikke åpne {db_path}: {exc}") from exc
    try:
        info = dict(con.execute("SELECT key, value FROM build_info").fetchall())
        tables = con.execute((SQL_DIR / "queries" / "source_tables_summary.sql").read_text()).fetchall()
        cols = [d[0] for d in con.description]
        own = {}
        for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'own\\_%' ESCAPE '\\' ORDER BY 1").fetchall():
            own[name] = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # name from duckdb_tables()
        return {
            "built_at": info.get("built_at"),
            "is_demo": info.get("is_demo") == "true",
            "tables": [dict(zip(cols, r)) for r in tables],
            "regions": con.execute("SELECT count(*) FROM region").fetchone()[0],
            "region_changes": con.execute("SELECT count(*) FROM region_change").fetchone()[0],
            "derived": con.execute("SELECT count(*) FROM derived_value").fetchone()[0],
            "own_data": own,
            "stale": con.execute(
                "SELECT indicator_id, reason FROM indicator_origin WHERE stale ORDER BY indicator_id").fetchall(),
        }
    except duckdb.Error as exc:
        raise StatusError(f"{db_path} ser ikke ut som en database bygget av dette prosjektet: {exc}") from exc
    finally:
        con.close()
