"""Planning and writing imports into the DuckDB file without ever exposing a half-written database.

The app keeps read-only connections open and a rejected or crashed import must leave the file
byte-identical, so writes go to a copy in the same directory, are checkpointed, and the copy is
renamed over the original in one os.replace. The shared write lock (pipelines/db_lock.py) serialises imports,
builds and fetches.
Every statement lives in sql/own/<name>.sql, one per operation for all four kinds: the kind's table, columns and
slice keys are filled in from OWN_TABLES, a fixed list in this module, and never from a file or a user.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl

from pipelines.db_lock import DatabaseBusy, write_lock
from pipelines.paths import SQL_DIR

from .model import ImportPlan, ImportRejected, ImportResult, ParseResult, PeriodChange

SCHEMA_FILES = (SQL_DIR / "schema_own.sql", SQL_DIR / "views" / "own_sick_leave_display.sql")
OWN_SQL_DIR = SQL_DIR / "own"
# what users call each kind of data, for messages
KIND_LABELS = {"budget": "budsjett og regnskap", "sick-leave": "sykefravær", "goals": "enhetsmål",
               "budget-frame": "budsjettramme"}

@dataclass(frozen=True)
class OwnTable:
    """Where one kind of own data is stored and which stored rows an incoming row replaces."""
    name: str
    columns: tuple[str, ...]        # what insert_rows.sql writes besides batch_id and is_demo
    slice_keys: tuple[str, ...]     # a stored row is replaced when equal to a slice on these...
    open_keys: tuple[str, ...] = ()  # ...and on these unless either side is null (a budget line for the whole year)

    @property
    def keys(self) -> list[str]:
        return [*self.slice_keys, *self.open_keys]

    def slice_match(self) -> str:
        """The SQL predicate between a slice `s` and a stored row `t`."""
        exact = [f"s.{k} = t.{k}" for k in self.slice_keys]
        open_ = [f"(s.{k} IS NULL OR t.{k} IS NULL OR s.{k} = t.{k})" for k in self.open_keys]
        return " AND ".join(exact + open_)


OWN_TABLES = {
    "budget": OwnTable("own_budget_line",
                       ("unit_code", "unit_name", "sector", "service_code", "service_name", "art_code", "art_name",
                        "year", "period", "original_budget", "budget_changes", "revised_budget", "accounts"),
                       slice_keys=("year",), open_keys=("period",)),
    "sick-leave": OwnTable("own_sick_leave",
                           ("unit_code", "unit_name", "year", "month", "sick_days", "self_certified_days",
                            "doctor_certified_days", "short_term_days", "long_term_days", "agreed_work_days",
                            "sick_leave_pct", "employees", "goal_pct"),
                           slice_keys=("year", "month")),
    "goals": OwnTable("own_unit_goal",
                      ("unit_code", "unit_name", "year", "indicator", "goal", "result", "higher_is_better", "unit",
                       "comment"),
                      slice_keys=("unit_code", "year")),
    "budget-frame": OwnTable("own_budget_frame",
                             ("frame_name", "year", "line_no", "ref_no", "description", "category", "amount"),
                             slice_keys=("frame_name",)),
}
TABLES = {kind: table.name for kind, table in OWN_TABLES.items()}
UNIT_KINDS = ("budget", "sick-leave", "goals")


# How long an import waits for another writer (a rebuild, a fetch, another import) before saying so.
IMPORT_LOCK_TIMEOUT = 60.0


def default_db_path() -> Path:
    from pipelines.paths import default_db_path as project_default

    return project_default()


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for path in SCHEMA_FILES:
        con.execute(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _sql(name: str) -> str:
    """The statement in sql/own/<name>.sql, read once per process (imports run many statements)."""
    return (OWN_SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def _kind_sql(name: str, kind: str) -> str:
    """sql/own/<name>.sql for one kind: its table, columns and slice predicate from OWN_TABLES (an unknown kind is a
    KeyError, so nothing from outside this module ever reaches the statement)."""
    table = OWN_TABLES[kind]
    return (_sql(name).replace("{table}", table.name).replace("{columns}", ", ".join(table.columns))
            .replace("{slice_match}", table.slice_match()))


def _has_own_tables(con) -> bool:
    return con.execute(_sql("own_tables_exist")).fetchone()[0] > 0


# ---------------------------------------------------------------- planning

def _scope(kind: str, rows: pl.DataFrame) -> pl.DataFrame:
    """The slices the file covers, with how many of its rows fall in each (labels come from `_label`).

    Which stored rows a slice replaces is in sql/own/delete_scope.sql with OWN_TABLES' keys. Budget: a whole-year slice
    replaces the year; a month replaces that month and the year's year-level rows, so a year never holds both
    grains. Sick leave: the month. Goals: the unit's year (unit managers send their own scorecard).
    Budget frame: the whole frame.
    """
    keys = OWN_TABLES[kind].keys
    aggs = [pl.len().alias("new_rows")]
    if kind == "goals":
        aggs.append(pl.col("unit_name").drop_nulls().first())
    return rows.group_by(keys).agg(aggs).sort(keys, nulls_last=False)


def _label(kind: str, rec: dict) -> str:
    if kind == "budget":
        return f"{rec['year']}-{rec['period']:02d}" if rec["period"] else f"{rec['year']} (hele året)"
    if kind == "sick-leave":
        return f"{rec['year']}-{rec['month']:02d}"
    if kind == "goals":
        name = f" {rec['unit_name']}" if rec.get("unit_name") and rec["unit_name"] != rec["unit_code"] else ""
        return f"{rec['unit_code']}{name} {rec['year']}"
    return rec["frame_name"]


def resolve_units(con, parsed: ParseResult) -> pl.DataFrame:
    """Fill a missing unit code from the unit register by name (case-insensitive), else use the name."""
    rows = parsed.rows
    if parsed.kind not in UNIT_KINDS or rows.height == 0:
        return rows
    lookup: dict[str, str] = {}
    if con is not None and _has_own_tables(con):
        pairs = con.execute(_sql("unit_name_lookup")).fetchall()
        lookup = {k: c for k, c, n in pairs if n == 1}
    if rows["unit_code"].null_count() == 0:
        return rows
    names = rows["unit_name"].str.strip_chars().str.to_lowercase()
    found = names.replace_strict(lookup, default=None, return_dtype=pl.String)
    return rows.with_columns(pl.coalesce(pl.col("unit_code"), found, pl.col("unit_name")).alias("unit_code"))


def _previous_batch(con, parsed: ParseResult) -> int | None:
    """An earlier batch of the very same file and options whose rows are all still in place."""
    hits = con.execute(
        _sql("batches_of_file"),
        {"kind": parsed.kind, "sha256": parsed.sha256, "options": options_json(parsed)},
    ).fetchall()
    count_batch_rows = _kind_sql("count_batch_rows", parsed.kind)
    for batch_id, n in hits:
        still = con.execute(count_batch_rows, {"batch_id": batch_id}).fetchone()[0]
        if still == n and n == parsed.rows.height:
            return batch_id
    return None


def options_json(parsed: ParseResult) -> str:
    return json.dumps({**parsed.options, "is_demo": parsed.is_demo}, sort_keys=True, ensure_ascii=False, default=str)


def plan_on(con, parsed: ParseResult, rows: pl.DataFrame | None = None) -> ImportPlan:
    """The plan against an open connection (None or a database without own tables = empty database)."""
    if not parsed.ok:
        raise ImportRejected(parsed.problems, parsed.file_name)
    kind = parsed.kind
    if rows is None:
        rows = resolve_units(con, parsed)
    scope = _scope(kind, rows)
    empty = con is None or not _has_own_tables(con)
    previous = None if empty else _previous_batch(con, parsed)
    periods: list[PeriodChange] = []
    to_replace = demo = 0
    new_units: list[str] = []
    warnings: list[str] = []
    if not empty:
        con.register("_own_scope", scope.to_arrow())
        try:
            existing = con.execute(_kind_sql("scope_existing", kind), {"is_demo": parsed.is_demo}).pl()
            to_replace = con.execute(_kind_sql("count_replaced", kind), {"is_demo": parsed.is_demo}).fetchone()[0]
            if kind == "budget" and "accounts" not in parsed.columns:
                losing = con.execute(_sql("count_accounts_replaced"),
                                     {"is_demo": parsed.is_demo}).fetchone()[0]
                if losing:
                    warnings.append(
                        f"{losing} rader som erstattes har regnskap i dag. Filen har ingen regnskapskolonne, så "
                        "disse periodene får budsjett uten regnskap. Importer heller en fil med både budsjett og "
                        "regnskap hvis regnskapet skal beholdes.")
        finally:
            con.unregister("_own_scope")
        if not parsed.is_demo:
            demo = con.execute(_kind_sql("count_demo", kind)).fetchone()[0]
        for rec in existing.iter_rows(named=True):
            periods.append(PeriodChange(_label(kind, rec), rec["new_rows"], rec["existing_rows"]))
        if kind in UNIT_KINDS:
            register = {r[0] for r in con.execute(_sql("unit_codes"), {"is_demo": parsed.is_demo}).fetchall()}
            if register:
                units = rows.select("unit_code", "unit_name").unique(subset="unit_code").sort("unit_code")
                for code, name in units.iter_rows():
                    if code not in register:
                        new_units.append(f"{code} {name}" if name and name != code else code)
                if new_units:
                    shown = ", ".join(new_units[:15]) + (" …" if len(new_units) > 15 else "")
                    warnings.append(f"{len(new_units)} enhet(er) finnes ikke i tidligere importer og blir lagt til: {shown}.")
    else:
        for rec in scope.iter_rows(named=True):
            periods.append(PeriodChange(_label(kind, rec), rec["new_rows"], 0))
    if demo:
        warnings.append(f"Demodata for {KIND_LABELS[kind]} ({demo} rader) fjernes, siden dette er en ekte import.")
    return ImportPlan(
        kind=kind, file_name=parsed.file_name, already_imported=previous is not None, previous_batch_id=previous,
        rows_to_insert=rows.height, rows_to_replace=to_replace, demo_rows_to_remove=demo, periods=periods,
        new_units=new_units, warnings=warnings,
    )


def plan(db_path, parsed: ParseResult) -> ImportPlan:
    """What importing `parsed` into the database at db_path would add and replace (read-only)."""
    db_path = Path(db_path)
    if not parsed.ok:
        raise ImportRejected(parsed.problems, parsed.file_name)
    if not db_path.exists():
        return plan_on(None, parsed)
    with _read_only(db_path) as con:
        return plan_on(con, parsed)


@contextlib.contextmanager
def _read_only(db_path: Path):
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as exc:
        raise DatabaseBusy(f"Fikk ikke åpnet databasen «{db_path}» for lesing: den er i bruk eller skadet.") from exc
    try:
        yield con
    finally:
        con.close()


# ---------------------------------------------------------------- writing

def machine_author() -> dict[str, str | None]:
    """The author of an import without a login (local mode, the command line): the machine's user."""
    import getpass
    try:
        name = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment
        name = None
    return {"sub": None, "email": None, "name": name}


def write_on(con, parsed: ParseResult, author: dict | None = None) -> tuple[int, ImportPlan]:
    """Delete the slices the file covers (and demo rows when the file is real), insert, record the batch and who
    imported it (`author`: sub, email, name; None for the built-in demo files).

    Runs on the caller's connection and transaction: import_parsed uses a copy of the file,
    the build uses its new database (import_demo).
    """
    ensure_schema(con)
    rows = resolve_units(con, parsed)
    the_plan = plan_on(con, parsed, rows)
    kind = parsed.kind
    batch_id = con.execute(_sql("next_batch_id")).fetchone()[0]
    scope = _scope(kind, rows)
    con.register("_own_scope", scope.to_arrow())
    con.register("_own_rows", rows.to_arrow())
    try:
        replaced = con.execute(_kind_sql("delete_scope", kind)).fetchone()[0]
        if not parsed.is_demo:
            replaced += con.execute(_kind_sql("delete_demo", kind)).fetchone()[0]
        con.execute(_kind_sql("insert_rows", kind), {"batch_id": batch_id, "is_demo": parsed.is_demo})
    finally:
        con.unregister("_own_scope")
        con.unregister("_own_rows")
    con.execute(_sql("insert_batch"), {
        "batch_id": batch_id, "kind": kind, "file_name": parsed.file_name, "sha256": parsed.sha256,
        "options": options_json(parsed), "imported_at": dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        "rows": rows.height, "replaced_rows": replaced, "is_demo": parsed.is_demo, "amount_unit": parsed.amount_unit,
        "imported_by_sub": (author or {}).get("sub"), "imported_by_email": (author or {}).get("email"),
        "imported_by_name": (author or {}).get("name"),
    })
    rebuild_unit_register(con)
    return batch_id, the_plan


def rebuild_unit_register(con) -> None:
    """own_unit from the fact tables: a derived table, so it can never disagree with them."""
    con.execute(_sql("clear_unit_register"))
    con.execute(_sql("rebuild_unit_register"))


def import_parsed(db_path, parsed: ParseResult, *, lock_timeout: float | None = IMPORT_LOCK_TIMEOUT,
                  author: dict | None = None) -> ImportResult:
    """Write an already parsed file (the /importer page parses first to show the plan).

    Holds the database's single write lock (pipelines/db_lock.py) from reading the file to the swap, so a rebuild
    or fetch never swaps in a file without this import; raises DatabaseBusy when another writer keeps it longer
    than lock_timeout seconds."""
    db_path = Path(db_path)
    if not parsed.ok:
        raise ImportRejected(parsed.problems, parsed.file_name)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    if Path(f"{db_path}.wal").exists():
        raise DatabaseBusy(
            f"Databasen «{db_path.name}» har en ventende loggfil (.wal): et annet program skriver til den eller "
            "ble avbrutt. Lukk det og prøv igjen."
        )
    with write_lock(db_path, timeout=lock_timeout):
        before = plan(db_path, parsed)
        if before.already_imported:
            return ImportResult("unchanged", before.previous_batch_id, before, parsed)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp-import", dir=db_path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            if db_path.exists():
                shutil.copyfile(db_path, tmp)
            else:
                tmp.unlink()
            con = duckdb.connect(str(tmp))
            try:
                con.begin()
                batch_id, the_plan = write_on(con, parsed, author if author is not None else machine_author())
                con.commit()
                con.checkpoint()
            finally:
                con.close()
            os.replace(tmp, db_path)
        finally:
            for leftover in (tmp, Path(f"{tmp}.wal")):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
    return ImportResult("imported", batch_id, the_plan, parsed)
