"""Build data/kostra.duckdb from raw responses only (no network), into a new file swapped in atomically.

Why a new file: a reader with the old database open keeps seeing the old inode until it reopens,
and a build that fails half-way never touches the database users have. The municipality's own
data (budget, sick leave, goals) is carried over from the old file, so a rebuild loses nothing.
"""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl

from pipelines import catalogue as cat_mod
from pipelines import jsonstat, klass
from pipelines.db_lock import DEFAULT_TIMEOUT, DatabaseBusy, write_lock
from pipelines.paths import RAW_DIR, SQL_DIR, default_db_path
from pipelines.raw_store import RawFile, RawStoreError, read_body, read_manifest, read_manifest_extra

OWN_TABLE_PREFIX = "own_"


class BuildError(RuntimeError):
    """The build could not complete; the existing database is untouched."""


@dataclass(frozen=True)
class BuildResult:
    db_path: Path
    observations: int
    derived: int
    seconds: float
    is_demo: bool


def code_fingerprint() -> str:
    """A hash of everything that decides what a database built from the same raw files contains (the SQL, the
    catalogue and the build code). The app rebuilds a database whose fingerprint differs, so pulling new code
    never leaves users on a database without the views the pages now read."""
    digest = hashlib.sha256()
    files = sorted(SQL_DIR.rglob("*.sql")) + [cat_mod.catalogue_path(), Path(__file__), Path(klass.__file__)]
    for path in files:
        name = path.relative_to(SQL_DIR.parent).as_posix() if path.is_relative_to(SQL_DIR.parent) else path.name
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run_sql_file(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    con.execute(path.read_text(encoding="utf-8"))


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Views in sql/views/, in file-name order (files are numbered so dependencies come first)."""
    for path in sorted((SQL_DIR / "views").glob("*.sql")):
        run_sql_file(con, path)


def _load_klass(con: duckdb.DuckDBPyConnection, klass_dir: Path) -> bool:
    regions = klass.load_regions(klass_dir)
    changes = klass.load_changes(klass_dir)
    lineage = klass.lineage(changes)
    membership = klass.load_group_membership(klass_dir)
    con.register("regions_df", regions.select("code", "name", "kind", "valid_from", "valid_to").to_arrow())
    con.execute("INSERT INTO region SELECT * FROM regions_df")
    con.register("changes_df", changes.select(
        "old_code", "old_name", "new_code", "new_name", "change_date", "change_year", "kind").to_arrow())
    con.execute("INSERT INTO region_change SELECT * FROM changes_df")
    # a rename keeps the code and a renumbering keeps the municipality: both are one continuous series
    lineage = lineage.with_columns(pl.col("via_kind").replace({"unchanged": "self", "rename": "renumber"}))
    con.register("lineage_df", lineage.select("code", "current_code", "via_kind").to_arrow())
    con.execute("INSERT INTO region_lineage (code, current_code, via_kind) SELECT DISTINCT * FROM lineage_df")
    # every municipality code not touched by a change is its own current code
    con.execute("""
        INSERT INTO region_lineage (code, current_code, via_kind)
        SELECT code, code, 'self' FROM region
        WHERE kind = 'municipality' AND code NOT IN (SELECT code FROM region_lineage)
    """)
    run_sql_file(con, SQL_DIR / "derive" / "lineage_main_line.sql")
    con.register("membership_df", membership.select(
        "year", "group_code", "group_name", "municipality_code", "is_demo").to_arrow())
    con.execute("INSERT INTO kostra_group_membership SELECT * FROM membership_df")
    for name in ("regions_df", "changes_df", "lineage_df", "membership_df"):
        con.unregister(name)
    return bool(membership["is_demo"].any()) if membership.height else False


def _load_catalogue(con: duckdb.DuckDBPyConnection, catalogue: cat_mod.Catalogue) -> None:
    rows = []
    for order, ind in enumerate(catalogue.indicators.values()):
        src = ind.source
        formula = None
        if ind.formula:
            f = ind.formula
            formula = f"{f.op}({f.numerator}, {f.denominator})" + (f" * {f.scale:g}" if f.scale != 1 else "")
        verified = bool(src and src.verified and catalogue.tables[src.table].verified)
        rows.append((ind.id, ind.label, ind.short_label, ind.unit, ind.decimals, ind.kind, ind.group,
                     ind.definition, ind.higher_is_better, ind.own_calculation, ind.service, ind.age_group,
                     src.table if src else None, src.contents_code if src else None,
                     src.contents_label if src else None, src.filter_key if src else None, formula,
                     verified, order, src.basis if src else None, src.evidence or None if src else None,
                     src.checked if src else None))
    con.executemany("INSERT INTO indicator VALUES (" + ",".join(["?"] * 22) + ")", rows)


def _observations(table: cat_mod.Table, body: bytes, entry: RawFile) -> tuple[pl.DataFrame, jsonstat.JsonStatMeta]:
    try:
        frame, meta = jsonstat.decode(body, labels=False, name=entry.path)
    except jsonstat.JsonStatError as exc:
        raise BuildError(f"{entry.path} (tabell {table.id}): {exc}") from exc
    is_demo = bool(entry.is_demo or meta.is_demo)
    for dim in (table.region_dim, "ContentsCode", table.time_dim):
        if dim not in frame.columns:
            raise BuildError(f"{entry.path}: tabell {table.id} mangler dimensjonen {dim}")
    other = [c for c in frame.columns if c not in (table.region_dim, "ContentsCode", table.time_dim, "value", "status")]
    if other:
        key = pl.concat_str([pl.lit(f"{d}=") + pl.col(d) for d in sorted(other)], separator="|")
    else:
        key = pl.lit("")
    if entry.keep_only is not None:  # kept from an earlier fetch for entries that failed the latest check
        wanted = pl.lit(False)
        for code, fkey in entry.keep_only:
            wanted = wanted | ((pl.col("ContentsCode") == code) & (key == fkey))
        frame = frame.filter(wanted)
    years = frame[table.time_dim].cast(pl.Int32, strict=False)
    if years.null_count():
        raise BuildError(f"{entry.path}: tidsdimensjonen {table.time_dim} har verdier som ikke er årstall")
    out = frame.select(
        pl.lit(table.id).alias("table_id"),
        pl.col("ContentsCode").alias("contents_code"),
        key.alias("filter_key"),
        pl.col(table.region_dim).alias("region_code"),
        years.alias("year"),
        pl.col("value").cast(pl.Float64),
        pl.col("status"),
        pl.lit(is_demo).alias("is_demo"),
    )
    return out, meta


def _load_ssb(con, raw_dir: Path, files: list[RawFile], catalogue: cat_mod.Catalogue,
              origins: dict | None = None, stale: frozenset[str] = frozenset()) -> tuple[int, bool]:
    """Observations from every data file. `origins[(table, contents, filter_key)]` collects (is_demo, fetched_at)
    of the files that gave each entry rows."""
    any_demo = False
    origins = origins if origins is not None else {}
    for table in catalogue.tables.values():
        data_files = [f for f in files if f.kind == "ssb_data" and f.table_id == table.id]
        if not data_files and not any(i.source.table == table.id for i in catalogue.sourced()):
            continue  # a table no entry uses any more (its entries were found elsewhere): nothing to read
        if not data_files:
            raise BuildError(f"Rådata mangler for tabell {table.id} ({table.title}): ingen datafiler i manifestet")
        updated = max((f.updated for f in data_files if f.updated), default=None)
        fetched = max(f.fetched_at for f in data_files)
        notes: list[str] = []
        title = table.title
        table_demo = False
        for entry in data_files:
            body = read_body(raw_dir, entry)
            frame, meta = _observations(table, body, entry)
            table_demo = table_demo or bool(frame["is_demo"].any())
            for code, fkey in frame.select("contents_code", "filter_key").unique().iter_rows():
                origins.setdefault((table.id, code, fkey), set()).add((bool(entry.is_demo), entry.fetched_at))
            notes.extend(n for n in meta.notes if n not in notes)
            title = meta.label or title
            con.register("obs_df", frame.to_arrow())
            con.execute("INSERT INTO observation SELECT * FROM obs_df")
            con.unregister("obs_df")
        con.execute("INSERT INTO source_table VALUES (?, ?, ?, ?, ?, ?)",
                    [table.id, title, updated, fetched, table_demo, notes])
        any_demo = any_demo or table_demo
    # split responses may overlap; keep one row per cell
    dupes = con.execute("""
        SELECT count(*) - count(DISTINCT (table_id, contents_code, filter_key, region_code, year)) FROM observation
    """).fetchone()[0]
    if dupes:
        con.execute("""
            CREATE TEMP TABLE obs_dedup AS SELECT DISTINCT ON (table_id, contents_code, filter_key, region_code, year) *
            FROM observation ORDER BY table_id, contents_code, filter_key, region_code, year, value NULLS LAST;
            DELETE FROM observation; INSERT INTO observation SELECT * FROM obs_dedup; DROP TABLE obs_dedup;
        """)
    _sum_over_codes(con, catalogue, origins)
    # one scan for every entry's row count (one query per entry scanned the whole table each time)
    present = {(t, c, k) for t, c, k in con.execute(
        "SELECT DISTINCT table_id, contents_code, filter_key FROM observation").fetchall()}
    for ind in catalogue.sourced():
        if ind.id in stale:
            continue  # failed the latest fetch's check: its earlier rows (if any) are what there is, and it says so
        # a table with `fixed` dimensions keeps every fixed code as its own cell (filter_key 'Alder=067'),
        # so any of them counts
        src = ind.source
        if catalogue.tables[src.table].fixed:
            found = any(t == src.table and c == src.contents_code for t, c, _ in present)
        else:
            found = (src.table, src.contents_code, src.filter_key) in present
        if not found:
            raise BuildError(
                f"Indikator {ind.id}: fant ingen tall i tabell {ind.source.table} for statistikkvariabel "
                f"{ind.source.contents_code} {('med ' + ind.source.filter_key) if ind.source.filter_key else ''}".strip())
    return con.execute("SELECT count(*) FROM observation").fetchone()[0], any_demo


def _sum_over_codes(con, catalogue: cat_mod.Catalogue, origins: dict) -> None:
    """Entries with `sum_over` (07459's one-year ages into age groups): their rows are the sums of the codes SSB sent
    one by one. The one-by-one rows are dropped afterwards unless an entry uses them as they are (they would only
    make the file bigger); the sums inherit their origins."""
    sql = (SQL_DIR / "derive" / "sum_over_codes.sql").read_text(encoding="utf-8")
    summed = [i for i in catalogue.sourced() if i.source.sum_over]
    for ind in summed:
        src = ind.source
        con.execute(sql, {"table_id": src.table, "contents_code": src.contents_code, "filter_key": src.filter_key,
                          "member_keys": src.raw_keys})
        for key in src.raw_keys:
            origins.setdefault((src.table, src.contents_code, src.filter_key), set()).update(
                origins.get((src.table, src.contents_code, key), set()))
    used = {(i.source.table, i.source.contents_code, i.source.filter_key) for i in catalogue.sourced()}
    drop = {(i.source.table, i.source.contents_code, k) for i in summed for k in i.source.raw_keys} - used
    for table_id, code in {(t, c) for t, c, _ in drop}:
        keys = sorted(k for t, c, k in drop if (t, c) == (table_id, code))
        con.execute("DELETE FROM observation WHERE table_id = ? AND contents_code = ? AND list_contains(?, filter_key)",
                    [table_id, code, keys])


def _leave_out_demo_of_failed(con, catalogue: cat_mod.Catalogue, files: list[RawFile], origins: dict,
                             stale: frozenset[str]) -> set[str]:
    """In a database with SSB's real figures, an entry that failed the latest check and has only demo rows shows
    no figure at all («ikke funnet hos SSB», with the reason) rather than demo numbers posing as SSB's."""
    if not any(f.kind == "ssb_data" and not f.is_demo for f in files):
        return set()
    hidden = set()
    for ind in catalogue.sourced():
        src = ind.source
        key = (src.table, src.contents_code, src.filter_key)
        got = origins.get(key, set())
        if ind.id not in stale or (got and not all(demo for demo, _ in got)):
            continue
        con.execute("DELETE FROM observation WHERE table_id = ? AND contents_code = ? AND list_contains(?, filter_key)",
                    [src.table, src.contents_code, [src.filter_key, *src.raw_keys]])
        origins[key] = set()
        hidden.add(ind.id)
    return hidden


def _load_origins(con: duckdb.DuckDBPyConnection, catalogue: cat_mod.Catalogue, origins: dict,
                  failed_entries: list, resolutions: dict[str, dict] | None = None,
                  hidden: set[str] | frozenset[str] = frozenset()) -> None:
    """indicator_origin: demo or the fetch date of each indicator's rows, whether the latest fetch failed it, and
    for entries found by label the catalogue's code and what SSB has (code, label, table, date)."""
    failed = {e.get("indicator"): e.get("reason") for e in failed_entries if isinstance(e, dict)}
    resolutions = resolutions or {}
    rows: dict[str, tuple] = {}
    for ind in catalogue.sourced():
        got = origins.get((ind.source.table, ind.source.contents_code, ind.source.filter_key), set())
        is_demo = any(d for d, _ in got)
        dates = sorted(f for d, f in got if not d and f)
        r = resolutions.get(ind.id) or {}
        rows[ind.id] = (is_demo, dates[0] if dates else None, ind.id in failed, failed.get(ind.id),
                        r.get("catalogue_table"), r.get("catalogue_code"), r.get("table"), r.get("contents_code"),
                        r.get("contents_label"), r.get("resolved_on"), ind.id in hidden)
    for ind in catalogue.formulas():
        inputs = [rows[i] for i in ind.formula.inputs if i in rows]
        dates = sorted(r[1] for r in inputs if r[1])
        reasons = [r[3] for r in inputs if r[3]]
        rows[ind.id] = (any(r[0] for r in inputs), dates[0] if dates else None, any(r[2] for r in inputs),
                        "; ".join(dict.fromkeys(reasons)) or None, None, None, None, None, None, None,
                        any(r[10] for r in inputs))
    con.executemany("INSERT INTO indicator_origin VALUES (" + ", ".join(["?"] * 12) + ")",
                    [(k, *v) for k, v in rows.items()])


def _derive(con: duckdb.DuckDBPyConnection, catalogue: cat_mod.Catalogue) -> int:
    """Our own calculations: member sums for counts SSB publishes without groups, then formulas."""
    sums_sql = (SQL_DIR / "derive" / "sum_of_members.sql").read_text(encoding="utf-8")
    for ind in catalogue.sourced():
        if ind.aggregatable:
            con.execute(sums_sql, {"indicator_id": ind.id})
    formula_sql = (SQL_DIR / "derive" / "formula.sql").read_text(encoding="utf-8")
    for ind in catalogue.formulas():
        f = ind.formula
        op = {"divide": "/", "multiply": "*", "subtract": "-", "add": "+"}[f.op]
        # op comes from a closed set validated by the catalogue, never from user input
        con.execute(formula_sql.replace("{op}", op),
                    {"indicator_id": ind.id, "numerator": f.numerator, "denominator": f.denominator,
                     "scale": f.scale})
    return con.execute("SELECT count(*) FROM derived_value").fetchone()[0]


def _carry_over_own_data(con: duckdb.DuckDBPyConnection, old_db: Path) -> bool:
    """Copy own_* tables from the previous database file; returns False when there was nothing to copy."""
    if not old_db.exists():
        return False
    # ATTACH takes no parameters; the path is ours (not user input) and quoted as an SQL literal
    literal = "'" + str(old_db).replace("'", "''") + "'"
    con.execute(f"ATTACH {literal} AS old_db (READ_ONLY)")
    try:
        old_tables = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'old_db'").fetchall()}
        new_tables = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}
        own = sorted(t for t in old_tables & new_tables if t.startswith(OWN_TABLE_PREFIX))
        for t in own:
            cols = [r[0] for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND table_name = ?"
                " ORDER BY column_index", [t]).fetchall()]
            old_cols = {r[0] for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = 'old_db' AND table_name = ?",
                [t]).fetchall()}
            shared = [c for c in cols if c in old_cols]
            col_list = ", ".join(f'"{c}"' for c in shared)  # identifiers from the catalogue of the DB itself
            con.execute(f'INSERT INTO main."{t}" ({col_list}) SELECT {col_list} FROM old_db."{t}"')
        return bool(own)
    finally:
        con.execute("DETACH old_db")


def _import_own_demo(con: duckdb.DuckDBPyConnection) -> None:
    try:
        from pipelines import own_data
    except ImportError:
        return
    if hasattr(own_data, "import_demo"):
        own_data.import_demo(con)


def build(raw_dir: Path | None = None, db_path: Path | None = None, *, verify: bool = True,
          recorded_raw_dir: Path | None = None, lock_timeout: float | None = DEFAULT_TIMEOUT) -> BuildResult:
    """Build from `raw_dir`; `recorded_raw_dir` is where the raw files will live afterwards (fetch builds from a
    temp dir that is then renamed into place), recorded in build_info.

    The whole build holds the database's write lock (pipelines/db_lock.py): own data imported while the build
    waits is read from the old file, and no import can finish between that read and the swap and then be lost."""
    db_path = Path(db_path or default_db_path())
    db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with write_lock(db_path, timeout=lock_timeout):
            return _build_locked(Path(raw_dir or RAW_DIR), db_path, verify, recorded_raw_dir)
    except DatabaseBusy as exc:
        raise BuildError(f"{exc} En annen prosess skriver til {db_path}; databasen er uendret.") from None


def _build_locked(raw_dir: Path, db_path: Path, verify: bool, recorded_raw_dir: Path | None) -> BuildResult:
    started = time.perf_counter()
    tmp = db_path.with_name(f".{db_path.name}.build-{os.getpid()}")
    for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
        stale.unlink(missing_ok=True)
    try:
        files = read_manifest(raw_dir)
        extra = read_manifest_extra(raw_dir)
        written = cat_mod.load()
        # entries the fetch found by label: their rows are under SSB's code (and maybe another table)
        catalogue = cat_mod.resolved(written, extra.get("resolved_entries"), extra.get("extra_tables"))
        resolutions = cat_mod.applied_resolutions(written, extra.get("resolved_entries"))
        # SSB figures neither confirmed by a check nor found by label in this fetch, or failed by this fetch's check,
        # are shown as our own calculation where the catalogue has one (issue 23)
        as_written = catalogue
        failed_entries = extra.get("failed_entries") or []
        stale = frozenset(e.get("indicator") for e in failed_entries if isinstance(e, dict))
        catalogue = cat_mod.with_stand_ins(catalogue, found=set(resolutions), failed=stale - set(resolutions))
        con = duckdb.connect(str(tmp))
        try:
            run_sql_file(con, SQL_DIR / "schema.sql")
            own_schema = SQL_DIR / "schema_own.sql"
            if own_schema.exists():
                run_sql_file(con, own_schema)
            klass_demo = _load_klass(con, raw_dir / "klass")
            _load_catalogue(con, catalogue)
            for f in files:
                if verify:
                    read_body(raw_dir, f)  # checks sha256
                con.execute("INSERT INTO source_file VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            [f.path, f.kind, f.table_id, f.url, f.fetched_at, f.sha256, f.updated, f.is_demo])
            origins: dict = {}
            n_obs, ssb_demo = _load_ssb(con, raw_dir, files, catalogue, origins, stale)
            # also the demo rows of a failed SSB figure our calculation stands in for: nothing shows them, and they
            # must not make a live database say «Demodata»; only entries still shown as SSB's say «ikke funnet»
            hidden = _leave_out_demo_of_failed(con, as_written, files, origins, stale)
            hidden = {i for i in hidden if catalogue.indicators[i].source is not None}
            if hidden:  # what is left decides whether a table (and the database) still holds demo rows
                con.execute("UPDATE source_table SET is_demo = EXISTS (SELECT 1 FROM observation o "
                            "WHERE o.table_id = source_table.table_id AND o.is_demo)")
                ssb_demo = bool(con.execute("SELECT coalesce(bool_or(is_demo), false) FROM observation").fetchone()[0])
            _load_origins(con, catalogue, origins, failed_entries, resolutions, hidden)
            create_views(con)
            n_derived = _derive(con, catalogue)
            run_sql_file(con, SQL_DIR / "derive" / "materialise_views.sql")
            if not _carry_over_own_data(con, db_path):
                _import_own_demo(con)
            is_demo = ssb_demo or klass_demo
            info = {
                "built_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
                "raw_dir": str(recorded_raw_dir or raw_dir),
                "is_demo": str(is_demo).lower(),
                "ssb_is_demo": str(ssb_demo).lower(),
                "klass_is_demo": str(klass_demo).lower(),
                "catalogue_sha256": hashlib.sha256(cat_mod.catalogue_path().read_bytes()).hexdigest(),
                "observations": str(n_obs),
                "code_fingerprint": code_fingerprint(),
            }
            con.executemany("INSERT INTO build_info VALUES (?, ?)", list(info.items()))
            con.execute("CHECKPOINT")
        finally:
            con.close()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, db_path)
    except (BuildError, RawStoreError, klass.KlassError, cat_mod.CatalogueError, duckdb.Error, OSError) as exc:
        for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
            stale.unlink(missing_ok=True)
        if isinstance(exc, BuildError):
            raise
        raise BuildError(f"Byggingen feilet, databasen er uendret: {exc}") from exc
    except BaseException:
        for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
            stale.unlink(missing_ok=True)
        raise
    return BuildResult(db_path, n_obs, n_derived, time.perf_counter() - started, is_demo)
