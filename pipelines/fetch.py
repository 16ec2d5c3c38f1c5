"""Live fetch: check the catalogue against SSB, download every response, build, then swap in.

Order of events, and why:

1. **Verify before writing.** Every catalogue table is looked up (`/tables/{id}`, metadata) and
   every indicator's contents code and label compared with what SSB publishes now. KOSTRA tables
   change under us (variables renamed, tables ended); a silent change would put the wrong figure
   under a trusted label. Any mismatch stops the fetch before a single byte is written.
2. **Download into a fresh sibling directory** (`.<raw>-fetch-<pid>` next to the raw dir), manifest
   last, so a half-finished download is never mistaken for a complete snapshot and the old raw
   directory keeps matching the old database.
3. **Build from the new directory.** The build is the last and strictest check of what came over
   the wire (JSON-stat decoding, KLASS shapes, every indicator present). `build()` writes a new
   database file and replaces the old one atomically, so a failure here leaves the old database
   and the old raw directory exactly as they were; we only delete our temporary directory.
4. **Swap the raw directory last.** Only a database that was built successfully earns its raw
   responses a place in `data/raw/`: old -> backup, new -> raw, delete backup. If a rename fails
   we rename the backup back and restore the previous database file (kept as a hard link before
   the build), so the raw directory and the database never disagree.

Nothing here parses SQL or user input into queries; everything SSB-specific beyond the catalogue
is read from the live metadata (dimensions, which ones may be eliminated, the code lists).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipelines import catalogue as cat_mod
from pipelines.http_client import FetchError, Fetched, KlassClient, SsbClient
from pipelines.raw_store import RawFile, RawStoreError, RawWriter, read_manifest

MUNICIPALITIES, COUNTIES, KOSTRA_GROUPS = "131", "104", "112"
KLASS_LANGUAGE = "nb"
CONTENTS_DIM = "ContentsCode"
# Explicit region lists are only used when a table must be split; keep each URL well under the
# 8 KB request-line limit common in front of .NET services (about 7 characters per code).
MAX_REGION_CODES_PER_QUERY = 400


class FetchFailed(RuntimeError):
    """The fetch stopped; the message (Norwegian) says which table/URL and what. Nothing was changed."""


# ---------------------------------------------------------------------------------------------
# KLASS: the one list of requests a live fetch makes (file names are what pipelines/klass.py reads)


@dataclass(frozen=True)
class KlassRequest:
    name: str  # file stem under klass/, e.g. '131_codesAt_2024-01-01'
    path: str  # relative to the KLASS base URL
    params: dict[str, str]


def klass_change_request(from_year: int, today: dt.date) -> KlassRequest:
    start, end = f"{from_year}-01-01", today.isoformat()
    return KlassRequest(
        f"{MUNICIPALITIES}_changes_{start}_{end}",
        f"classifications/{MUNICIPALITIES}/changes.json",
        {"from": start, "to": end, "language": KLASS_LANGUAGE},
    )


def klass_list_dates(from_year: int, today: dt.date, change_dates: Iterable[dt.date]) -> list[dt.date]:
    """Municipality/county lists are needed on the first day, on every change date and now.

    Codes only change on those dates, so this is the smallest set of snapshots that still tells
    klass.py when each code was valid.
    """
    first = dt.date(from_year, 1, 1)
    dates = {first, dt.date(today.year, 1, 1)}
    dates.update(d for d in change_dates if first <= d <= today)
    return sorted(dates)


def klass_requests(list_dates: Sequence[dt.date], group_years: Iterable[int]) -> list[KlassRequest]:
    """codesAt for 131 and 104 on `list_dates`; 112 codes and its correspondence to 131 per year."""
    requests: list[KlassRequest] = []
    for cls in (MUNICIPALITIES, COUNTIES):
        for day in list_dates:
            iso = day.isoformat()
            requests.append(KlassRequest(
                f"{cls}_codesAt_{iso}", f"classifications/{cls}/codesAt.json",
                {"date": iso, "language": KLASS_LANGUAGE},
            ))
    for year in group_years:
        iso = f"{year}-01-01"
        requests.append(KlassRequest(
            f"{KOSTRA_GROUPS}_codesAt_{iso}", f"classifications/{KOSTRA_GROUPS}/codesAt.json",
            {"date": iso, "language": KLASS_LANGUAGE},
        ))
        requests.append(KlassRequest(
            f"{KOSTRA_GROUPS}_correspondsAt_{MUNICIPALITIES}_{iso}",
            f"classifications/{KOSTRA_GROUPS}/correspondsAt.json",
            {"targetClassificationId": MUNICIPALITIES, "date": iso, "language": KLASS_LANGUAGE},
        ))
    return requests


def _change_dates(body: Any) -> set[dt.date]:
    dates: set[dt.date] = set()
    items = body.get("codeChanges") if isinstance(body, dict) else None
    for item in items if isinstance(items, list) else []:
        when = item.get("changeOccurred") if isinstance(item, dict) else None
        try:
            dates.add(dt.date.fromisoformat(str(when)[:10]))
        except ValueError:
            continue  # klass.py reports malformed items with the file name during the build
    return dates


# ---------------------------------------------------------------------------------------------
# SSB metadata


@dataclass(frozen=True)
class Dimension:
    id: str
    codes: tuple[str, ...]
    labels: dict[str, str]
    elimination: bool
    elimination_code: str | None


def parse_dimensions(meta: Any) -> dict[str, Dimension]:
    """Dimensions of a PxWebApi v2 metadata document (JSON-stat 2.0), in the document's order."""
    if not isinstance(meta, dict) or not isinstance(meta.get("dimension"), dict):
        raise ValueError("metadata mangler «dimension»")
    ids = meta.get("id") if isinstance(meta.get("id"), list) else list(meta["dimension"])
    dims: dict[str, Dimension] = {}
    for dim_id in ids:
        obj = meta["dimension"].get(dim_id)
        if not isinstance(obj, dict) or not isinstance(obj.get("category"), dict):
            raise ValueError(f"dimensjonen {dim_id} mangler «category»")
        category = obj["category"]
        index = category.get("index")
        labels = category.get("label") if isinstance(category.get("label"), dict) else {}
        if isinstance(index, dict):
            codes = tuple(sorted(index, key=lambda c: index[c]))
        elif isinstance(index, list):
            codes = tuple(str(c) for c in index)
        else:  # a single-category dimension may carry only labels
            codes = tuple(labels)
        ext = obj.get("extension") if isinstance(obj.get("extension"), dict) else {}
        elim_code = ext.get("eliminationValueCode")
        dims[dim_id] = Dimension(
            id=dim_id, codes=codes, labels={str(k): str(v) for k, v in labels.items()},
            elimination=bool(ext.get("elimination", False)),
            elimination_code=str(elim_code) if elim_code else None,
        )
    return dims


def normalise_label(text: str) -> str:
    """Labels are compared ignoring case, spacing and Unicode form; any other change is a change."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


# ---------------------------------------------------------------------------------------------
# verification


@dataclass
class TableCheck:
    """What verification learned about one table, reused to plan the download."""

    table: cat_mod.Table
    info: Fetched | None = None
    metadata: Fetched | None = None
    dimensions: dict[str, Dimension] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def info_doc(self) -> dict:
        return self.info.json() if self.info else {}


def _indicators_of(catalogue: cat_mod.Catalogue, table_id: str) -> list[cat_mod.Indicator]:
    return [i for i in catalogue.sourced() if i.source.table == table_id]


def check_table(client: SsbClient, catalogue: cat_mod.Catalogue, table: cat_mod.Table) -> TableCheck:
    """One table against SSB: exists, not discontinued, dimensions, codes and labels, selections.

    A 404 is a finding about the catalogue; any other failure means we could not check at all,
    so it propagates as FetchError.
    """
    check = TableCheck(table)
    indicators = _indicators_of(catalogue, table.id)
    users = ", ".join(i.id for i in indicators) or "ingen indikatorer"
    where = f"Tabell {table.id} ({table.title})"
    try:
        check.info = client.table_fetched(table.id)
    except FetchError as exc:
        if exc.status == 404:
            check.problems.append(f"{where} finnes ikke hos SSB (HTTP 404); brukes av {users}")
            return check
        raise
    info = check.info_doc
    if info.get("discontinued") is True:
        check.problems.append(f"{where} er avsluttet hos SSB (discontinued); brukes av {users}")
    try:
        check.metadata = client.metadata_fetched(table.id)
    except FetchError as exc:
        if exc.status == 404:
            check.problems.append(f"{where}: metadata finnes ikke hos SSB (HTTP 404); brukes av {users}")
            return check
        raise
    try:
        dims = check.dimensions = parse_dimensions(check.metadata.json())
    except ValueError as exc:
        check.problems.append(f"{where}: metadata fra SSB kan ikke leses ({exc}). URL: {check.metadata.url}")
        return check
    for dim, role in ((table.region_dim, "region"), (table.time_dim, "tid"), (CONTENTS_DIM, "statistikkvariabel")):
        if dim not in dims:
            check.problems.append(
                f"{where}: mangler dimensjonen {dim} ({role}); SSB har {', '.join(dims)}; brukes av {users}")
    if CONTENTS_DIM in dims:
        contents = dims[CONTENTS_DIM]
        for ind in indicators:
            src = ind.source
            if src.contents_code not in contents.codes:
                check.problems.append(
                    f"Indikator {ind.id}: statistikkvariabel {src.contents_code} finnes ikke i tabell {table.id}")
                continue
            live = contents.labels.get(src.contents_code, "")
            if normalise_label(live) != normalise_label(src.contents_label):
                check.problems.append(
                    f"Indikator {ind.id}: statistikkvariabel {src.contents_code} i tabell {table.id} heter nå "
                    f"«{live}» hos SSB, men katalogen sier «{src.contents_label}»")
    for ind in indicators:
        for dim, code in ind.source.filters.items():
            check.problems.extend(_code_problems(f"Indikator {ind.id}", table.id, dims, dim, [code]))
    for dim, codes in table.fixed.items():
        check.problems.extend(_code_problems(where, table.id, dims, dim, list(codes)))
    for group in _filter_groups(indicators):
        for dim in dims.values():
            if dim.id in (table.region_dim, table.time_dim, CONTENTS_DIM) or dim.elimination:
                continue
            if dim.id not in group and dim.id not in table.fixed:
                ids = ", ".join(i.id for i in group[None])
                check.problems.append(
                    f"{where}: dimensjonen {dim.id} må velges hos SSB (kan ikke elimineres), men katalogen sier "
                    f"ikke hvilken verdi for {ids} (legg til «fixed» på tabellen eller «filters» på indikatoren)")
    return check


def _code_problems(who: str, table_id: str, dims: dict[str, Dimension], dim: str, codes: list[str]) -> list[str]:
    if dim not in dims:
        return [f"{who}: dimensjonen {dim} finnes ikke i tabell {table_id}"]
    return [f"{who}: verdien {code} finnes ikke i dimensjonen {dim} i tabell {table_id}"
            for code in codes if code not in dims[dim].codes]


def _filter_groups(indicators: list[cat_mod.Indicator]) -> list[dict]:
    """Indicators that filter on the same dimensions can share one query; others cannot.

    (An eliminated dimension is summed by SSB and absent from the answer, a selected one is
    present, so 'all of D' and 'D = x' need separate queries.) Each group maps dimension -> codes
    and None -> its indicators.
    """
    groups: dict[tuple[str, ...], dict] = {}
    for ind in indicators:
        key = tuple(sorted(ind.source.filters))
        group = groups.setdefault(key, {None: []})
        group[None].append(ind)
        for dim, code in ind.source.filters.items():
            codes = group.setdefault(dim, [])
            if code not in codes:
                codes.append(code)
    return list(groups.values())


def verify_catalogue(client: SsbClient, catalogue: cat_mod.Catalogue,
                     tables: Iterable[str] | None = None) -> list[str]:
    """Every mismatch between the catalogue and SSB's live metadata, as Norwegian sentences.

    Entries marked `verified = false` are checked exactly like the others: that is how they get
    verified.
    """
    ids = list(tables) if tables is not None else list(catalogue.tables)
    return [p for table_id in ids for p in check_table(client, catalogue, catalogue.tables[table_id]).problems]


# ---------------------------------------------------------------------------------------------
# download plan


@dataclass(frozen=True)
class Query:
    table_id: str
    selection: dict[str, Any]
    sizes: dict[str, int]


def plan_queries(check: TableCheck, catalogue: cat_mod.Catalogue, from_year: int, max_cells: int) -> list[Query]:
    """Selections for one table: all regions, the catalogue's codes, years from `from_year`.

    Region is `*` (short URL, same as SSB's own examples) with its size as a hint, unless the
    query is too big; then explicit region lists from the metadata, so the split is by region and
    each part is a complete slice of the table.
    """
    table, dims = check.table, check.dimensions
    years = tuple(y for y in dims[table.time_dim].codes if _year(y) is not None and _year(y) >= from_year)
    if not years:
        last = dims[table.time_dim].codes[-1] if dims[table.time_dim].codes else "ingen"
        raise FetchFailed(f"Tabell {table.id} har ingen år fra og med {from_year} hos SSB (siste år: {last})")
    regions = dims[table.region_dim].codes
    queries: list[Query] = []
    for group in _filter_groups(_indicators_of(catalogue, table.id)):
        contents = tuple(dict.fromkeys(i.source.contents_code for i in group[None]))
        rest: dict[str, Any] = {CONTENTS_DIM: contents}
        for dim, codes in table.fixed.items():
            rest[dim] = tuple(dict.fromkeys([*group.get(dim, []), *codes]))
        for dim, codes in group.items():
            if dim is not None and dim not in rest:
                rest[dim] = tuple(codes)
        rest[table.time_dim] = years
        per_region = 1
        for codes in rest.values():
            per_region *= len(codes)
        if per_region * len(regions) <= max_cells:
            queries.append(Query(table.id, {table.region_dim: "*", **rest}, {table.region_dim: len(regions)}))
            continue
        chunk = max(1, min(MAX_REGION_CODES_PER_QUERY, max_cells // per_region))
        for start in range(0, len(regions), chunk):
            queries.append(Query(table.id, {table.region_dim: regions[start:start + chunk], **rest}, {}))
    return queries


def _year(code: str) -> int | None:
    return int(code[:4]) if code[:4].isdigit() else None


# ---------------------------------------------------------------------------------------------
# the fetch


def _iso(when: dt.datetime) -> str:
    return when.replace(microsecond=0).isoformat()


def _group_years(checks: list[TableCheck], from_year: int, today: dt.date) -> range:
    """KOSTRA-group membership for every year the KOSTRA tables have (not beyond this year)."""
    lasts = [_year(str(c.info_doc.get("lastPeriod", ""))) for c in checks if c.table.region_dim.startswith("KOK")]
    last = max((y for y in lasts if y is not None), default=today.year - 1)
    return range(from_year, min(last, today.year) + 1)


def _carry_over(old_raw: Path, new_raw: Path, writer: RawWriter, table_ids: set[str]) -> None:
    """With --tables, the other tables' responses come from the current raw directory unchanged."""
    try:
        entries = read_manifest(old_raw)
    except RawStoreError as exc:
        raise FetchFailed(
            f"Bare noen tabeller skal hentes, men de andre kan ikke tas med fra {old_raw}: {exc}. "
            f"Hent alle tabellene (uten --tables).") from None
    found = {e.table_id for e in entries if e.kind == "ssb_data"}
    missing = sorted(table_ids - found)
    if missing:
        raise FetchFailed(
            f"Tabell {', '.join(missing)} er ikke med i --tables og finnes ikke i {old_raw}. "
            f"Hent alle tabellene (uten --tables).")
    for entry in entries:
        if entry.table_id in table_ids and entry.kind.startswith("ssb"):
            target = new_raw / entry.path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(old_raw / entry.path, target)
            writer.files.append(entry)


def _swap_in(new_raw: Path, raw_dir: Path) -> None:
    """old -> backup, new -> raw, drop backup; undo the first rename if the second fails."""
    backup = raw_dir.with_name(f".{raw_dir.name}-old-{os.getpid()}")
    if backup.exists():
        shutil.rmtree(backup)
    had_old = raw_dir.exists()
    if had_old:
        os.replace(raw_dir, backup)
    try:
        os.replace(new_raw, raw_dir)
    except OSError:
        if had_old:
            os.replace(backup, raw_dir)
        raise
    if had_old:
        shutil.rmtree(backup, ignore_errors=True)


def _keep_old_db(db_path: Path) -> Path | None:
    """A second name for the current database file, so it can be put back after a failed swap.

    build() replaces the file by rename, so the hard link keeps the old inode alive at no cost.
    """
    if not db_path.exists():
        return None
    keep = db_path.with_name(f".{db_path.name}.before-fetch-{os.getpid()}")
    keep.unlink(missing_ok=True)
    try:
        os.link(db_path, keep)
    except OSError:
        shutil.copy2(db_path, keep)
    return keep


def fetch_all(
    *, raw_dir: Path, db_path: Path, tables: Sequence[str] | None = None, from_year: int = 2015,
    console: Console | None = None, ssb: SsbClient | None = None, klass: KlassClient | None = None,
    today: dt.date | None = None, catalogue: cat_mod.Catalogue | None = None,
):
    """Verify, download into a new raw directory, build, swap in. Returns the BuildResult.

    `ssb`, `klass`, `today` and `catalogue` exist for tests (loopback servers, a fixed date);
    the base URLs otherwise come from SSB_API_URL / KLASS_API_URL.
    """
    from pipelines.build import BuildError, build
    from pipelines.db_lock import DatabaseBusy, write_lock

    raw_dir, db_path = Path(raw_dir), Path(db_path)
    console = console or Console(stderr=True)
    catalogue = catalogue or cat_mod.load()
    today = today or dt.date.today()
    wanted = list(dict.fromkeys(tables)) if tables else list(catalogue.tables)
    unknown = [t for t in wanted if t not in catalogue.tables]
    if unknown:
        raise FetchFailed(f"Tabell {', '.join(unknown)} er ikke i katalogen (pipelines/catalogue.toml); "
                          f"kjente tabeller: {', '.join(catalogue.tables)}")
    own_ssb, own_klass = ssb is None, klass is None
    ssb = ssb or SsbClient()
    klass = klass or KlassClient()
    work = raw_dir.with_name(f".{raw_dir.name}-fetch-{os.getpid()}")
    kept_db: Path | None = None
    held = contextlib.ExitStack()  # the database's write lock, from keeping the old file to the swap
    try:
        progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=console, transient=False)
        with progress:
            # 1. verification: nothing is written until every table checks out
            task = progress.add_task("Kontrollerer katalogen mot SSB", total=len(wanted) + 1)
            try:
                max_cells = int(ssb.config()["maxDataCells"])
                progress.advance(task)
                checks = []
                for table_id in wanted:
                    checks.append(check_table(ssb, catalogue, catalogue.tables[table_id]))
                    progress.advance(task)
            except FetchError as exc:
                raise FetchFailed(f"Kunne ikke kontrollere katalogen mot SSB, ingenting er endret: {exc}") from None
            problems = [p for c in checks for p in c.problems]
            if problems:
                raise FetchFailed(
                    "Katalogen stemmer ikke med SSBs metadata, så ingenting er hentet eller endret. "
                    "Rett pipelines/catalogue.toml:\n" + "\n".join(f"- {p}" for p in problems))
            queries = [q for c in checks for q in plan_queries(c, catalogue, from_year, max_cells)]

            # 2. download into a fresh directory
            if work.exists():
                shutil.rmtree(work)
            work.mkdir(parents=True)
            writer = RawWriter(work)
            others = set(catalogue.tables) - set(wanted)
            if others:
                _carry_over(raw_dir, work, writer, others)
            task = progress.add_task("Henter tabeller fra SSB", total=len(queries))
            counters: dict[str, int] = {}
            try:
                for check in checks:
                    tid, updated = check.table.id, check.info_doc.get("updated")
                    writer.add(f"ssb/{tid}/table.json", check.info.body, kind="ssb_table", url=check.info.url,
                               is_demo=False, table_id=tid, updated=updated, fetched_at=_iso(check.info.fetched_at),
                               compress=False)
                    writer.add(f"ssb/{tid}/metadata.json", check.metadata.body, kind="ssb_metadata",
                               url=check.metadata.url, is_demo=False, table_id=tid, updated=updated,
                               fetched_at=_iso(check.metadata.fetched_at))
                for query in queries:
                    check = next(c for c in checks if c.table.id == query.table_id)
                    for fetched in ssb.data(query.table_id, query.selection, sizes=query.sizes):
                        n = counters.get(query.table_id, 0)
                        counters[query.table_id] = n + 1
                        writer.add(f"ssb/{query.table_id}/data-{n:03d}.json", fetched.body, kind="ssb_data",
                                   url=fetched.url, is_demo=False, table_id=query.table_id,
                                   updated=check.info_doc.get("updated"), fetched_at=_iso(fetched.fetched_at),
                                   compress=True)
                    progress.advance(task)
                _fetch_klass(klass, writer, checks, from_year, today, progress)
            except FetchError as exc:
                raise FetchFailed(f"Hentingen stoppet, rådata og database er uendret: {exc}") from None
            writer.write_manifest(snapshot="live", fetched_by="pipelines/fetch.py", from_year=from_year,
                                  ssb_api=ssb.base_url, klass_api=klass.base_url,
                                  tables=wanted, carried_over=sorted(others))

        # 3. build from the new directory (atomic for the database)
        try:  # one writer at a time (pipelines/db_lock.py); build() takes the same lock again
            held.enter_context(write_lock(db_path))
        except DatabaseBusy as exc:
            raise FetchFailed(f"{exc} Rådata og database er uendret.") from None
        kept_db = _keep_old_db(db_path)
        try:
            result = build(work, db_path, recorded_raw_dir=raw_dir)
        except BuildError as exc:
            raise FetchFailed(f"Dataene fra SSB/KLASS kunne ikke bygges, rådata og database er uendret: {exc}") from None

        # 4. only a successful build earns the new raw responses their place
        try:
            _swap_in(work, raw_dir)
        except OSError as exc:
            if kept_db is not None:
                os.replace(kept_db, db_path)
                kept_db = None
            else:
                db_path.unlink(missing_ok=True)
            raise FetchFailed(f"Kunne ikke flytte de nye rådataene til {raw_dir} ({exc}); "
                              f"rådata og database er satt tilbake som før") from None
        console.print(f"Hentet {len(writer.files)} svar til {raw_dir} og bygde {result.db_path} "
                      f"({result.observations:,} observasjoner)".replace(",", " "))
        return result
    except OSError as exc:
        raise FetchFailed(f"Kunne ikke skrive rådata i {work.parent}: {exc}; rådata og database er uendret") from None
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
        if kept_db is not None:
            kept_db.unlink(missing_ok=True)
        if own_ssb:
            ssb.close()
        if own_klass:
            klass.close()
        held.close()


def _fetch_klass(client: KlassClient, writer: RawWriter, checks: list[TableCheck], from_year: int,
                 today: dt.date, progress: Progress) -> None:
    """Changes first: their dates decide on which days the code lists are needed."""
    change = klass_change_request(from_year, today)
    fetched = client.get(change.path, change.params)
    _add_klass(writer, change, fetched)
    dates = klass_list_dates(from_year, today, _change_dates(fetched.json()))
    requests = klass_requests(dates, _group_years(checks, from_year, today))
    task = progress.add_task("Henter klassifikasjoner fra KLASS", total=len(requests) + 1)
    progress.advance(task)
    for request in requests:
        _add_klass(writer, request, client.get(request.path, request.params))
        progress.advance(task)


def _add_klass(writer: RawWriter, request: KlassRequest, fetched: Fetched) -> RawFile:
    return writer.add(f"klass/{request.name}.json", fetched.body, kind="klass", url=fetched.url, is_demo=False,
                      name=request.name, fetched_at=_iso(fetched.fetched_at))
