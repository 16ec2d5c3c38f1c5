"""Live fetch: check the catalogue against SSB per entry, download what passed, build, then swap in.

Order of events, and why:

1. **Verify each entry before writing.** Every catalogue table is looked up (`/tables/{id}`, metadata) and
   every indicator's contents code, label and filters compared with what SSB publishes now. KOSTRA tables
   change under us (variables renamed, tables ended); a silent change would put the wrong figure under a
   trusted label. A mismatch fails that entry only (or every entry of a missing/ended table): one wrong
   code must not cost a municipality all its real data. Failed entries keep their earlier rows (their
   raw files are carried over, marked `keep_only`), the manifest lists them (`failed_entries`), the build
   records each indicator's origin (`indicator_origin`), and pages say so. Exit code 3 = partly updated.
2. **Download into a fresh sibling directory** (`.<raw>-fetch-<pid>` next to the raw dir), manifest
   last, so a half-finished download is never mistaken for a complete snapshot and the old raw
   directory keeps matching the old database.
3. **Build from the new directory** (`build_and_swap`). The build is the last and strictest check of what
   came over the wire (JSON-stat decoding, KLASS shapes, every indicator present). `build()` writes a new
   database file and replaces the old one atomically, so a failure here leaves the old database
   and the old raw directory exactly as they were; we only delete our temporary directory.
4. **Swap the raw directory last.** Only a database that was built successfully earns its raw
   responses a place in `data/raw/`: old -> backup, new -> raw, delete backup. If a rename fails
   we rename the backup back and restore the previous database file (kept as a hard link before
   the build), so the raw directory and the database never disagree.

Waiting is bounded: each request gives up after `total_timeout` seconds, retries included, naming the
host and what it waited for. Progress goes line by line to logs and as a bar to a terminal.

Nothing here parses SQL or user input into queries; everything SSB-specific beyond the catalogue
is read from the live metadata (dimensions, which ones may be eliminated, the code lists).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import os
import re
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
from pipelines.raw_store import RawFile, RawStoreError, RawWriter, read_manifest, read_manifest_extra

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
    units: dict[str, dict] = field(default_factory=dict)  # ContentsCode: code -> {"base": "kr", "decimals": 0}


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
        units = category.get("unit") if isinstance(category.get("unit"), dict) else {}
        dims[dim_id] = Dimension(
            id=dim_id, codes=codes, labels={str(k): str(v) for k, v in labels.items()},
            elimination=bool(ext.get("elimination", False)),
            elimination_code=str(elim_code) if elim_code else None,
            units={str(k): v for k, v in units.items() if isinstance(v, dict)},
        )
    return dims


# a unit at the end of a label, as SSB's API writes it: «… (antall)», «… (prosent)», «… (kr)», «… (i 1000 kr)»
_UNIT_SUFFIX = re.compile(r"\s*\(\s*(?:i\s+)?(kroner|kr\.?|1\s?000\s*kr\.?|1\s?000\s*kroner|prosent|%|antall|personer|"
                          r"plasser|timer|promille|årsverk)\s*\)\s*$", re.IGNORECASE)
# Units as comparable quantities: a count is a count whatever it counts, but kr and 1000 kr, prosent and promille and
# antall are different quantities (a figure in the wrong one is off by a factor, or means something else).
_UNIT_KIND = {"kr": "kr", "kroner": "kr", "kr.": "kr", "1000 kr": "1000 kr", "1 000 kr": "1000 kr",
              "1000 kroner": "1000 kr", "1 000 kroner": "1000 kr", "1000 kr.": "1000 kr",
              "%": "prosent", "prosent": "prosent", "promille": "promille",
              "antall": "antall", "personer": "antall", "plasser": "antall", "brukere": "antall", "årsverk": "antall",
              "timer": "antall", "døgn": "antall", "oppholdsdøgn": "antall"}


def unit_kind(text: str | None) -> str | None:
    """«kr», «1000 kr», «prosent», «promille», «antall», or the text itself for a unit we do not know (compared as
    written); None for no unit."""
    if not text:
        return None
    key = " ".join(unicodedata.normalize("NFKC", str(text)).casefold().replace("\u00a0", " ").split())
    key = re.sub(r"^i\s+", "", key)
    return _UNIT_KIND.get(key, _UNIT_KIND.get(key.replace(" ", ""), key))


def label_unit(label: str) -> str | None:
    """The unit a label ends with («… (antall)» -> «antall»), or None."""
    match = _UNIT_SUFFIX.search(unicodedata.normalize("NFKC", label or ""))
    return unit_kind(match.group(1)) if match else None


def normalise_label(text: str) -> str:
    """Labels are compared ignoring case, spacing, punctuation, Unicode form and a trailing unit such as «(kr)» or
    «(antall)» (the unit is compared on its own: `unit_problems`); words, digits and «+» are meaning («80+» is not
    «80», «0-66» is not «066»), so any change in them is a change."""
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    text = _UNIT_SUFFIX.sub("", text)
    text = re.sub(r"(?<=\d)\s*[-–]\s*(?=\d)", "_", text)  # a range keeps its dash: «0-66» ≠ «066» (_ is a word char)
    text = re.sub(r"\+", " + ", text)
    return " ".join(re.sub(r"[^\w+]+", " ", text).split())


def unit_problems(ind: cat_mod.Indicator, dims: dict[str, Dimension], code: str) -> list[str]:
    """How SSB's unit for `code` (its label's suffix, the metadata's unit and decimals) differs from the entry's:
    Norwegian, one sentence per difference; empty when they agree or SSB says nothing."""
    contents = dims.get(CONTENTS_DIM)
    if contents is None:
        return []
    want = unit_kind(ind.unit)
    out = []
    suffix = label_unit(contents.labels.get(code, ""))
    if suffix is not None and suffix != want:
        out.append(f"navnet hos SSB slutter med «({suffix})»")
    meta = contents.units.get(code) or {}
    base = unit_kind(meta.get("base"))
    if base is not None and base != want:
        out.append(f"enheten i SSBs metadata er «{meta.get('base')}»")
    decimals = meta.get("decimals")
    if isinstance(decimals, int) and decimals != ind.decimals and base is not None and base == want:
        out.append(f"SSB oppgir {decimals} desimaler, katalogen {ind.decimals}")
    return out


def labelled(dims: dict[str, Dimension], label: str, ind: cat_mod.Indicator | None = None,
             taken: frozenset[str] = frozenset()) -> list[str]:
    """Contents codes whose label is the catalogue's label (after normalise_label); with `ind`, only those whose
    unit agrees with the entry's and that no other entry uses (`taken`)."""
    contents = dims.get(CONTENTS_DIM)
    if contents is None:
        return []
    key = normalise_label(label)
    found = [code for code in contents.codes if normalise_label(contents.labels.get(code, "")) == key]
    if ind is not None:
        found = [c for c in found if c not in taken and not unit_problems(ind, dims, c)]
    return found


def taken_codes(catalogue: cat_mod.Catalogue, table_id: str, ind: cat_mod.Indicator) -> frozenset[str]:
    """Codes of `table_id` other catalogue entries use with the same filters: a label match may never take them."""
    return frozenset(i.source.contents_code for i in catalogue.sourced()
                     if i.id != ind.id and i.source.table == table_id and i.source.filter_key == ind.source.filter_key)


# ---------------------------------------------------------------------------------------------
# verification


# What a finding means for its entry, as `catalogue check` prints it (Norwegian, short).
STATUS_TEXT = {
    "ok": "ok",
    "table_missing": "tabell mangler",
    "table_ended": "tabell avsluttet",
    "code_missing": "kode mangler",
    "label_changed": "navn endret",
    "dimension": "dimensjon endret",
    "unreadable": "metadata uleselig",
    "resolved": "funnet ved navn",
    "moved": "funnet i annen tabell",
    "ambiguous": "navnet er tvetydig",
    "unit_changed": "enhet endret",
    "not_found": "ikke funnet hos SSB",
}


@dataclass(frozen=True)
class Resolution:
    """An entry whose code is not in SSB's metadata, found by its label: where SSB has it now.

    `new_table` is set when SSB has it in a table the catalogue does not list (the fetch adds that table)."""

    indicator_id: str
    table_id: str
    contents_code: str
    contents_label: str
    catalogue_table: str
    catalogue_code: str
    new_table: cat_mod.Table | None = None

    @property
    def moved(self) -> bool:
        return self.table_id != self.catalogue_table

    def manifest_entry(self, on: dt.date) -> dict:
        return {"indicator": self.indicator_id, "table": self.table_id, "contents_code": self.contents_code,
                "contents_label": self.contents_label, "catalogue_table": self.catalogue_table,
                "catalogue_code": self.catalogue_code, "resolved_on": on.isoformat()}


@dataclass(frozen=True)
class Candidate:
    """A real SSB variable near an entry SSB no longer has under its code or label, for a person to choose from."""

    table_id: str
    code: str
    label: str
    unit: str
    years: str
    score: float
    same_table: bool

    def text(self) -> str:
        return f"tabell {self.table_id} {self.code} «{self.label}» ({self.unit or 'enhet ikke oppgitt'}, {self.years})"


@dataclass(frozen=True)
class Finding:
    """One mismatch between a catalogue entry and SSB's live metadata.

    `indicator_id` is None when the whole table is affected (missing, ended, a dimension gone):
    then every indicator of the table fails; otherwise only that indicator does.
    """

    table_id: str
    indicator_id: str | None
    status: str
    message: str
    suggestions: tuple[str, ...] = ()
    resolution: Resolution | None = None  # found by label: the entry is fetched from there, not failed
    candidates: tuple[Candidate, ...] = ()  # neither code nor label found: SSB's nearest variables, for a person


@dataclass
class TableCheck:
    """What verification learned about one table, reused to plan the download."""

    table: cat_mod.Table
    info: Fetched | None = None
    metadata: Fetched | None = None
    dimensions: dict[str, Dimension] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def info_doc(self) -> dict:
        return self.info.json() if self.info else {}

    @property
    def problems(self) -> list[str]:
        """What keeps entries from being fetched (resolutions by label are not problems: see `resolutions`)."""
        return list(dict.fromkeys(f.message for f in self.findings if f.resolution is None))

    @property
    def table_failed(self) -> bool:
        return any(f.indicator_id is None for f in self.findings)

    @property
    def resolutions(self) -> list[Resolution]:
        """Entries found by label whose entry has no other problem (an ambiguous or broken entry is never moved)."""
        failing = {f.indicator_id for f in self.findings if f.resolution is None}
        return [f.resolution for f in self.findings
                if f.resolution is not None and f.indicator_id not in failing
                and (not self.table_failed or f.resolution.moved)]

    def failed_indicators(self, catalogue: cat_mod.Catalogue) -> set[str]:
        """Entries of this table (in `catalogue`, which may be the resolved one) that cannot be fetched."""
        ids = {i.id for i in _indicators_of(catalogue, self.table.id)}
        if self.table_failed:
            return ids - {r.indicator_id for r in self.resolutions if r.moved}
        return {f.indicator_id for f in self.findings if f.indicator_id in ids and f.resolution is None}


def _indicators_of(catalogue: cat_mod.Catalogue, table_id: str) -> list[cat_mod.Indicator]:
    return [i for i in catalogue.sourced() if i.source.table == table_id]


def closest_contents(dims: dict[str, Dimension], label: str, *, n: int = 3) -> tuple[str, ...]:
    """Live contents codes whose label is closest to the catalogue's label (difflib ratio)."""
    contents = dims.get(CONTENTS_DIM)
    if contents is None:
        return ()
    by_label = {normalise_label(lab): code for code, lab in contents.labels.items()}
    close = difflib.get_close_matches(normalise_label(label), list(by_label), n=n, cutoff=0.45)
    return tuple(f"{by_label[c]} «{contents.labels[by_label[c]]}»" for c in close)


def similar_tables(client: SsbClient, table: cat_mod.Table, *, n: int = 3) -> tuple[str, ...]:
    """Tables from `/tables?query=` whose title matches ours, newest first; never fails the check."""
    words = [w for w in re.split(r"[^\w]+", table.title) if len(w) > 3 and not w.isdigit()][:4]
    try:
        found = client.search_tables(" ".join(words))
    except FetchError:
        return ()
    items = found.get("tables") if isinstance(found, dict) else None
    scored = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or item.get("id") == table.id or item.get("discontinued") is True:
            continue
        label = str(item.get("label", ""))
        ratio = difflib.SequenceMatcher(None, normalise_label(table.title), normalise_label(label)).ratio()
        scored.append((ratio, f"{item.get('id')} «{label}»"))
    return tuple(text for _, text in sorted(scored, reverse=True)[:n])


class Lookups:
    """SSB answers reused within one check of the catalogue: table searches and other tables' metadata."""

    def __init__(self, client: SsbClient) -> None:
        self.client = client
        self.searches: dict[str, list[dict]] = {}
        self.tables: dict[str, tuple[dict, dict[str, Dimension], dict] | None] = {}

    def search(self, query: str) -> list[dict]:
        if query not in self.searches:
            try:
                found = self.client.search_tables(query)
            except FetchError:
                found = {}
            items = found.get("tables") if isinstance(found, dict) else None
            self.searches[query] = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
        return self.searches[query]

    def table(self, table_id: str) -> tuple[dict, dict[str, Dimension], dict] | None:
        """(table info, dimensions, raw metadata) of another table, or None when SSB cannot give them."""
        if table_id not in self.tables:
            try:
                meta = self.client.metadata_fetched(table_id).json()
                self.tables[table_id] = ({}, parse_dimensions(meta), meta)
            except (FetchError, ValueError):
                self.tables[table_id] = None
        return self.tables[table_id]


def _search_words(text: str, n: int = 6) -> str:
    return " ".join([w for w in re.split(r"[^\w]+", text) if len(w) > 3 and not w.isdigit()][:n])


def _region_dim(dims: dict[str, Dimension], meta: dict) -> str | None:
    geo = (meta.get("role") or {}).get("geo") if isinstance(meta.get("role"), dict) else None
    for name in ("KOKkommuneregion0000", "Region", *(geo or [])):
        if name in dims:
            return name
    return None


def find_elsewhere(lookups: Lookups, catalogue: cat_mod.Catalogue, table: cat_mod.Table,
                   ind: cat_mod.Indicator) -> tuple[Resolution | None, tuple[str, ...]]:
    """The entry's label in another table, through `/tables?query=` with the label's words.

    Exactly one (table, code) with that label in a table that is not ended, whose dimensions the entry can select
    -> a Resolution; otherwise no resolution and the tables found as suggestions ("propose the table")."""
    src = ind.source
    found: list[tuple[dict, str, dict[str, Dimension], dict]] = []
    proposals: list[str] = []
    for item in lookups.search(_search_words(src.contents_label)):
        tid = str(item.get("id", ""))
        if not tid or tid == table.id:
            continue
        if item.get("discontinued") is True:
            proposals.append(f"tabell {tid} «{item.get('label', '')}» (avsluttet)")
            continue
        got = lookups.table(tid)
        if got is None:
            continue
        _, dims, meta = got
        for code in labelled(dims, src.contents_label, ind, taken_codes(catalogue, tid, ind)):
            found.append((item, code, dims, meta))
    for item, code, _, _ in found:
        proposals.insert(0, f"tabell {item.get('id')} «{item.get('label', '')}» har navnet under {code}")
    if len(found) != 1:
        return None, tuple(dict.fromkeys(proposals))
    item, code, dims, meta = found[0]
    tid = str(item["id"])
    region = _region_dim(dims, meta)
    selectable = region is not None and table.time_dim in dims and all(
        d.elimination or d.id in src.filters or d.id in (region, table.time_dim, CONTENTS_DIM) for d in dims.values())
    if not selectable:
        return None, tuple(dict.fromkeys(proposals))
    new_table = None
    if tid not in catalogue.tables:
        title = str(item.get("label") or tid)
        new_table = cat_mod.Table(id=tid, title=re.sub(rf"^{re.escape(tid)}:\s*", "", title), region_dim=region,
                                  time_dim=table.time_dim, first_year=table.first_year)
    elif catalogue.tables[tid].region_dim != region:
        return None, tuple(dict.fromkeys(proposals))
    return Resolution(ind.id, tid, code, dims[CONTENTS_DIM].labels.get(code, src.contents_label), table.id,
                      src.contents_code, new_table), tuple(dict.fromkeys(proposals))


def _moved_finding(table: cat_mod.Table, ind: cat_mod.Indicator, res: Resolution) -> Finding:
    return Finding(table.id, ind.id, "moved",
                   f"Indikator {ind.id}: {ind.source.contents_code} finnes ikke i tabell {table.id}; samme navn har "
                   f"{res.contents_code} i tabell {res.table_id}: brukes", resolution=res)


def check_table(client: SsbClient, catalogue: cat_mod.Catalogue, table: cat_mod.Table,
                lookups: Lookups | None = None) -> TableCheck:
    """One table against SSB: exists, not discontinued, dimensions, codes and labels, selections.

    A code that is not in the metadata is looked up by its label: in the table itself (one exact match after
    normalise_label resolves it), else through the table search in other tables. A 404 is a finding about the
    catalogue; any other failure means we could not check at all, so it propagates as FetchError.
    """
    lookups = lookups or Lookups(client)
    check = TableCheck(table)
    indicators = _indicators_of(catalogue, table.id)
    users = ", ".join(i.id for i in indicators) or "ingen indikatorer"
    where = f"Tabell {table.id} ({table.title})"

    def table_finding(status: str, message: str, suggest: bool = False) -> None:
        check.findings.append(Finding(table.id, None, status, message,
                                      similar_tables(client, table) if suggest else ()))

    def look_elsewhere() -> None:
        """The table is gone or ended: each entry's label in another table, if exactly one has it."""
        for ind in indicators:
            res, proposals = find_elsewhere(lookups, catalogue, table, ind)
            if res is not None:
                check.findings.append(_moved_finding(table, ind, res))
            elif proposals:
                check.findings.append(Finding(
                    table.id, ind.id, "table_ended",
                    f"Indikator {ind.id}: navnet «{ind.source.contents_label}» finnes ikke entydig i en annen tabell",
                    proposals))

    try:
        check.info = client.table_fetched(table.id)
    except FetchError as exc:
        if exc.status == 404:
            table_finding("table_missing", f"{where} finnes ikke hos SSB (HTTP 404); brukes av {users}", True)
            look_elsewhere()
            return check
        raise
    info = check.info_doc
    ended = info.get("discontinued") is True
    if ended:
        table_finding("table_ended", f"{where} er avsluttet hos SSB (discontinued); brukes av {users}", True)
    try:
        check.metadata = client.metadata_fetched(table.id)
    except FetchError as exc:
        if exc.status == 404:
            table_finding("table_missing", f"{where}: metadata finnes ikke hos SSB (HTTP 404); brukes av {users}")
            look_elsewhere()
            return check
        raise
    try:
        dims = check.dimensions = parse_dimensions(check.metadata.json())
    except ValueError as exc:
        table_finding("unreadable", f"{where}: metadata fra SSB kan ikke leses ({exc}). URL: {check.metadata.url}")
        return check
    if ended:
        look_elsewhere()
    for dim, role in ((table.region_dim, "region"), (table.time_dim, "tid"), (CONTENTS_DIM, "statistikkvariabel")):
        if dim not in dims:
            table_finding("dimension",
                          f"{where}: mangler dimensjonen {dim} ({role}); SSB har {', '.join(dims)}; brukes av {users}")
    if CONTENTS_DIM in dims and not ended:
        contents = dims[CONTENTS_DIM]
        for ind in indicators:
            src = ind.source
            if src.contents_code not in contents.codes:
                check.findings.append(_missing_code_finding(lookups, catalogue, table, ind, dims, info))
                continue
            live = contents.labels.get(src.contents_code, "")
            units = unit_problems(ind, dims, src.contents_code)
            if units:
                check.findings.append(_unit_finding(table.id, ind, src.contents_code, live, units))
                continue
            if normalise_label(live) != normalise_label(src.contents_label):
                check.findings.append(Finding(
                    table.id, ind.id, "label_changed",
                    f"Indikator {ind.id}: statistikkvariabel {src.contents_code} i tabell {table.id} heter nå "
                    f"«{live}» hos SSB, men katalogen sier «{src.contents_label}»",
                    tuple(c for c in closest_contents(dims, src.contents_label) if not c.startswith(src.contents_code)),
                    candidates=candidates(lookups, catalogue, table, ind, dims, info)))
    for ind in indicators:
        wanted = [(d, [c]) for d, c in ind.source.filters.items()] + list(ind.source.sum_over.items())
        for dim, codes in wanted:
            for message in _code_problems(f"Indikator {ind.id}", table.id, dims, dim, list(codes)):
                check.findings.append(Finding(table.id, ind.id, "dimension", message))
    for dim, codes in table.fixed.items():
        for message in _code_problems(where, table.id, dims, dim, list(codes)):
            table_finding("dimension", message)
    for group in _filter_groups(indicators):
        for dim in dims.values():
            if dim.id in (table.region_dim, table.time_dim, CONTENTS_DIM) or dim.elimination:
                continue
            if dim.id not in group and dim.id not in table.fixed:
                ids = ", ".join(i.id for i in group[None])
                message = (f"{where}: dimensjonen {dim.id} må velges hos SSB (kan ikke elimineres), men katalogen "
                           f"sier ikke hvilken verdi for {ids} (legg til «fixed» på tabellen eller «filters» på "
                           f"indikatoren)")
                for ind in group[None]:
                    check.findings.append(Finding(table.id, ind.id, "dimension", message))
    return check


def _unit_finding(table_id: str, ind: cat_mod.Indicator, code: str, live: str, units: list[str]) -> Finding:
    return Finding(table_id, ind.id, "unit_changed",
                   f"Indikator {ind.id}: statistikkvariabel {code} i tabell {table_id} («{live}») har en annen enhet "
                   f"enn katalogens «{ind.unit}» ({'; '.join(units)}). Tallene ville blitt vist i feil enhet eller "
                   f"skala, så de hentes ikke; rett enheten i katalogen hvis SSB har endret den")


def _years_of(dims: dict[str, Dimension], info: dict, time_dim: str = "Tid") -> str:
    first, last = info.get("firstPeriod"), info.get("lastPeriod")
    if not (first and last) and time_dim in dims and dims[time_dim].codes:
        first, last = dims[time_dim].codes[0], dims[time_dim].codes[-1]
    return f"{first}–{last}" if first and last else "år ukjent"


def _unit_of(dims: dict[str, Dimension], code: str) -> str:
    contents = dims.get(CONTENTS_DIM)
    if contents is None:
        return ""
    base = (contents.units.get(code) or {}).get("base")
    return str(base) if base else (label_unit(contents.labels.get(code, "")) or "")


def _ranked(dims: dict[str, Dimension], label: str, taken: frozenset[str], n: int) -> list[tuple[float, str]]:
    contents = dims.get(CONTENTS_DIM)
    if contents is None:
        return []
    key = normalise_label(label)
    words = set(key.split())
    scored = []
    for code in contents.codes:
        if code in taken:
            continue
        other = normalise_label(contents.labels.get(code, ""))
        ratio = difflib.SequenceMatcher(None, key, other).ratio()
        overlap = len(words & set(other.split())) / max(1, len(words))
        scored.append((round(0.5 * ratio + 0.5 * overlap, 3), code))
    return sorted(scored, key=lambda t: (-t[0], t[1]))[:n]


def candidates(lookups: Lookups, catalogue: cat_mod.Catalogue, table: cat_mod.Table, ind: cat_mod.Indicator,
               dims: dict[str, Dimension] | None, info: dict | None = None, *, n: int = 5) -> tuple[Candidate, ...]:
    """SSB's nearest real variables for an entry found neither by code nor by label, ranked: the entry's own table
    first, then tables SSB's search (`/tables?query=`) finds with the label's words. Each with code, label, unit and
    years, so a person can choose one (`catalogue choose`). Codes other entries use are left out."""
    label = ind.source.contents_label
    out: list[Candidate] = []
    if dims:
        for score, code in _ranked(dims, label, taken_codes(catalogue, table.id, ind), n):
            out.append(Candidate(table.id, code, dims[CONTENTS_DIM].labels.get(code, ""), _unit_of(dims, code),
                                 _years_of(dims, info or {}, table.time_dim), score, True))
    words = _search_words(label)
    items = lookups.search(words) or lookups.search(" ".join(sorted(words.split(), key=len, reverse=True)[:2]))
    others: list[Candidate] = []
    for item in items[:4]:
        tid = str(item.get("id", ""))
        if not tid or tid == table.id or item.get("discontinued") is True:
            continue
        got = lookups.table(tid)
        if got is None:
            continue
        _, other_dims, _ = got
        for score, code in _ranked(other_dims, label, taken_codes(catalogue, tid, ind), 3):
            others.append(Candidate(tid, code, other_dims[CONTENTS_DIM].labels.get(code, ""),
                                    _unit_of(other_dims, code), _years_of(other_dims, item), score, False))
    others.sort(key=lambda c: (-c.score, c.table_id, c.code))
    return tuple(out + others[:n])


def _missing_code_finding(lookups: Lookups, catalogue: cat_mod.Catalogue, table: cat_mod.Table,
                          ind: cat_mod.Indicator, dims: dict[str, Dimension], info: dict | None = None) -> Finding:
    """The code is not in the table: its label decides (one match here, else one match in another table)."""
    src = ind.source
    contents = dims[CONTENTS_DIM]
    same_label = labelled(dims, src.contents_label)
    matches = labelled(dims, src.contents_label, ind, taken_codes(catalogue, table.id, ind))
    if not matches and same_label:
        taken = [c for c in same_label if c in taken_codes(catalogue, table.id, ind)]
        if taken:
            return Finding(table.id, ind.id, "code_missing",
                           f"Indikator {ind.id}: statistikkvariabel {src.contents_code} finnes ikke i tabell "
                           f"{table.id}; navnet «{src.contents_label}» har {', '.join(taken)}, som en annen "
                           f"oppføring bruker: tas ikke", closest_contents(dims, src.contents_label))
        code = same_label[0]
        return _unit_finding(table.id, ind, code, contents.labels.get(code, ""), unit_problems(ind, dims, code))
    if len(matches) == 1:
        code = matches[0]
        res = Resolution(ind.id, table.id, code, contents.labels.get(code, src.contents_label), table.id,
                         src.contents_code)
        return Finding(table.id, ind.id, "resolved",
                       f"Indikator {ind.id}: {src.contents_code} finnes ikke; samme navn har {code}: brukes",
                       resolution=res)
    if len(matches) > 1:
        return Finding(table.id, ind.id, "ambiguous",
                       f"Indikator {ind.id}: statistikkvariabel {src.contents_code} finnes ikke i tabell {table.id}, "
                       f"og navnet «{src.contents_label}» har {len(matches)} koder der ({', '.join(matches)}); "
                       f"ingen velges",
                       tuple(f"{c} «{contents.labels.get(c, '')}»" for c in matches))
    res, proposals = find_elsewhere(lookups, catalogue, table, ind)
    if res is not None:
        return _moved_finding(table, ind, res)
    return Finding(table.id, ind.id, "code_missing",
                   f"Indikator {ind.id}: statistikkvariabel {src.contents_code} finnes ikke i tabell {table.id}, og "
                   f"navnet «{src.contents_label}» finnes ikke hos SSB: ikke funnet hos SSB, en person må velge "
                   f"variabel (`catalogue choose`)",
                   closest_contents(dims, src.contents_label) + proposals,
                   candidates=candidates(lookups, catalogue, table, ind, dims, info))


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
        key = tuple(sorted({*ind.source.filters, *ind.source.sum_over}))
        group = groups.setdefault(key, {None: []})
        group[None].append(ind)
        wanted = [(d, [c]) for d, c in ind.source.filters.items()] + list(ind.source.sum_over.items())
        for dim, selected in wanted:
            codes = group.setdefault(dim, [])
            codes.extend(c for c in selected if c not in codes)
    return list(groups.values())


def verify_catalogue(client: SsbClient, catalogue: cat_mod.Catalogue,
                     tables: Iterable[str] | None = None) -> list[str]:
    """Every mismatch between the catalogue and SSB's live metadata, as Norwegian sentences.

    Entries marked `verified = false` are checked exactly like the others: that is how they get
    verified.
    """
    ids = list(tables) if tables is not None else list(catalogue.tables)
    return list(dict.fromkeys(
        p for table_id in ids for p in check_table(client, catalogue, catalogue.tables[table_id]).problems))


# ---------------------------------------------------------------------------------------------
# download plan


@dataclass(frozen=True)
class Query:
    table_id: str
    selection: dict[str, Any]
    sizes: dict[str, int]


def plan_queries(check: TableCheck, catalogue: cat_mod.Catalogue, from_year: int, max_cells: int,
                 skip: set[str] | frozenset[str] = frozenset()) -> list[Query]:
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
    for group in _filter_groups([i for i in _indicators_of(catalogue, table.id) if i.id not in skip]):
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
        parts = [rest]
        if per_region > max_cells:  # one region alone is too big (07459's 106 one-year ages): split the longest list
            dim = max((d for d in rest if d != table.time_dim), key=lambda d: len(rest[d]))
            others = per_region // len(rest[dim])
            step = max(1, max_cells // max(1, others))
            parts = [{**rest, dim: rest[dim][k:k + step]} for k in range(0, len(rest[dim]), step)]
            per_region = others * min(step, len(rest[dim]))
        chunk = max(1, min(MAX_REGION_CODES_PER_QUERY, max_cells // per_region))
        for part in parts:
            for start in range(0, len(regions), chunk):
                queries.append(Query(table.id, {table.region_dim: regions[start:start + chunk], **part}, {}))
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


def _old_entries(old_raw: Path, why: str) -> list[RawFile]:
    try:
        return read_manifest(old_raw)
    except RawStoreError as exc:
        raise FetchFailed(f"{why}, men de kan ikke tas med fra {old_raw}: {exc}. Rådata og database er uendret.") from None


def _earlier_resolutions(raw_dir: Path, catalogue: cat_mod.Catalogue, checked: set[str],
                         failed: set[str]) -> dict[str, list]:
    """Resolutions of the previous fetch that still hold: for entries not checked now (their table was not asked
    for) and for entries that failed now and keep the rows the previous fetch got under the resolved code."""
    try:
        extra = read_manifest_extra(raw_dir)
    except RawStoreError:
        return {"resolved_entries": [], "extra_tables": []}
    entries = [e for e in extra.get("resolved_entries") or [] if isinstance(e, dict)
               and (e.get("catalogue_table") not in checked or e.get("indicator") in failed)]
    applied = cat_mod.applied_resolutions(catalogue, entries)
    entries = [e for e in entries if e.get("indicator") in applied]
    wanted_tables = {e.get("table") for e in entries}
    tables = [t for t in extra.get("extra_tables") or [] if isinstance(t, dict) and t.get("id") in wanted_tables]
    return {"resolved_entries": entries, "extra_tables": tables}


def _carry_over(old_raw: Path, new_raw: Path, writer: RawWriter, table_ids: set[str],
                keep_only: dict[str, list[list[str]]] | None = None, *, why: str | None = None) -> None:
    """The earlier responses of `table_ids`, copied unchanged from the current raw directory.

    Whole tables (not fetched now, or failed the check) keep every file; for a table whose check
    failed for some entries only (`keep_only[table] = [[contents_code, filter_key], ...]`) the old
    data files are kept under another name and the build reads only those entries' rows from them,
    so each row comes from exactly one fetch and keeps its `fetched_at`.
    """
    keep_only = keep_only or {}
    wanted = table_ids | set(keep_only)
    if not wanted:
        return
    entries = _old_entries(old_raw, why or "Noen tabeller hentes ikke nå")
    found = {e.table_id for e in entries if e.kind == "ssb_data"}
    missing = sorted(wanted - found)
    if missing:
        raise FetchFailed(
            f"Tabell {', '.join(missing)} hentes ikke nå og finnes ikke i {old_raw}, så tallene ville mangle. "
            f"Rådata og database er uendret.")
    for entry in entries:
        if not entry.kind.startswith("ssb"):
            continue
        if entry.table_id in table_ids:
            target = entry
        elif entry.table_id in keep_only and entry.kind == "ssb_data":
            keys = keep_only[entry.table_id]
            if entry.keep_only is not None:  # kept before: only what it already held
                keys = [k for k in keys if k in entry.keep_only]
            if not keys:
                continue
            name = entry.path.split("/")[-1]
            target = dataclasses.replace(entry, path=f"ssb/{entry.table_id}/kept-{name}", keep_only=keys)
        else:
            continue
        dest = new_raw / target.path
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(old_raw / entry.path, dest)
        writer.files.append(target)


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


EXIT_OK = 0
EXIT_FAILED = 1
EXIT_PARTLY_UPDATED = 3  # some entries failed the check and kept their earlier rows (see README)


class Reporter:
    """Progress for people and for logs: a rich progress bar on a terminal, and one plain line per step
    (which table, query i of n, every retry and why) when output goes to a file, cron or CI."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.live = console.is_terminal
        self.progress: Progress | None = None

    def __enter__(self) -> Reporter:
        if self.live:
            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), console=self.console, transient=False)
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def stage(self, description: str, total: int) -> Any:
        if self.progress is not None:
            return self.progress.add_task(description, total=total)
        self.line(f"{description} ({total} steg)")
        return description

    def step(self, task: Any, text: str) -> None:
        if self.progress is not None:
            self.progress.update(task, advance=1, description=text)
        else:
            self.line(text)

    def line(self, text: str) -> None:
        self.console.print(text, markup=False, highlight=False, soft_wrap=True)


@dataclass
class FetchOutcome:
    """What a fetch did: the build result (None when nothing changed) and the entries that failed."""

    result: Any
    findings: list[Finding]
    failed_indicators: list[str]
    unchanged: bool = False
    resolved: list[str] = field(default_factory=list)  # fetched under the code SSB has for the catalogue's label

    @property
    def exit_code(self) -> int:
        return EXIT_PARTLY_UPDATED if self.failed_indicators else EXIT_OK

    # BuildResult's fields, so callers that used the old return value keep working
    def __getattr__(self, name: str) -> Any:
        if name in ("result", "findings", "failed_indicators", "unchanged", "resolved"):
            raise AttributeError(name)
        return getattr(self.result, name)


def check_catalogue(ssb: SsbClient, catalogue: cat_mod.Catalogue, table_ids: Sequence[str],
                    reporter: Reporter | None = None) -> list[TableCheck]:
    """Every table's check (config first, so the limits are known); FetchError when SSB cannot be asked.

    A table an entry was found in by label (moved) is checked again with that entry as its own, so the download
    plan sees it (a table outside the catalogue is checked and added the same way)."""
    task = reporter.stage("Kontrollerer katalogen mot SSB", len(table_ids) + 1) if reporter else None
    ssb.config()
    if reporter:
        reporter.step(task, "Leste grensene i /config")
    lookups = Lookups(ssb)
    checks = []
    for n, table_id in enumerate(table_ids, 1):
        check = check_table(ssb, catalogue, catalogue.tables[table_id], lookups)
        checks.append(check)
        if reporter:
            failed = len(check.failed_indicators(catalogue))
            found = len(check.resolutions)
            verdict = ("ok" if not check.findings else
                       f"{failed} av {len(_indicators_of(catalogue, table_id))} feiler"
                       + (f", {found} funnet ved navn" if found else ""))
            reporter.step(task, f"Kontrollerte tabell {table_id} ({n} av {len(table_ids)}): {verdict}")
    resolutions = [r for c in checks for r in c.resolutions]
    targets = sorted({r.table_id for r in resolutions if r.moved})
    if targets:  # only the moves: the target's own entries are checked (and found by label) as written
        effective = resolve_catalogue(catalogue, [r for r in resolutions if r.moved])
        for tid in targets:
            again = check_table(ssb, effective, effective.tables[tid], lookups)
            checks = [again if c.table.id == tid else c for c in checks]
            if all(c.table.id != tid for c in checks):
                checks.append(again)
            if reporter:
                reporter.line(f"Kontrollerte tabell {tid} på nytt med oppføringene som ble funnet der ved navn")
    return checks


def resolve_catalogue(catalogue: cat_mod.Catalogue, resolutions: Iterable[Resolution],
                      on: dt.date | None = None) -> cat_mod.Catalogue:
    """The catalogue with each resolution applied (the shape the manifest records and the build applies)."""
    resolutions = list(resolutions)
    on = on or dt.date.today()
    return cat_mod.resolved(catalogue, [r.manifest_entry(on) for r in resolutions],
                            [dataclasses.asdict(r.new_table) for r in resolutions if r.new_table])


def changed_tables(ssb: SsbClient, raw_dir: Path, table_ids: Sequence[str]) -> list[str]:
    """Tables whose `updated` at SSB differs from the one in the manifest (or that the manifest lacks)."""
    try:
        entries = read_manifest(raw_dir)
    except RawStoreError:
        return list(table_ids)
    known = {e.table_id: e.updated for e in entries if e.kind == "ssb_table"}
    demo = {e.table_id for e in entries if e.kind.startswith("ssb") and e.is_demo}
    changed = []
    for table_id in table_ids:
        live = ssb.table(table_id).get("updated")
        if table_id in demo or known.get(table_id) != live:
            changed.append(table_id)
    return changed


def fetch_all(
    *, raw_dir: Path, db_path: Path, tables: Sequence[str] | None = None, from_year: int = 2015,
    console: Console | None = None, ssb: SsbClient | None = None, klass: KlassClient | None = None,
    today: dt.date | None = None, catalogue: cat_mod.Catalogue | None = None, if_updated: bool = False,
    total_timeout: float | None = None,
) -> FetchOutcome:
    """Check, download what passed into a new raw directory, build, swap in. Returns a FetchOutcome.

    Entries that fail the check keep their earlier rows (carried over from the current raw
    directory with their fetch date); the outcome lists them and its exit code says "partly updated".
    `ssb`, `klass`, `today` and `catalogue` exist for tests (loopback servers, a fixed date);
    the base URLs otherwise come from SSB_API_URL / KLASS_API_URL.
    """
    raw_dir, db_path = Path(raw_dir), Path(db_path)
    console = console or Console(stderr=True)
    catalogue = catalogue or cat_mod.load()
    today = today or dt.date.today()
    wanted = list(dict.fromkeys(tables)) if tables else list(catalogue.tables)
    unknown = [t for t in wanted if t not in catalogue.tables]
    if unknown:
        raise FetchFailed(f"Tabell {', '.join(unknown)} er ikke i katalogen (pipelines/catalogue.toml); "
                          f"kjente tabeller: {', '.join(catalogue.tables)}")
    reporter = Reporter(console)
    timeout_kw = {} if total_timeout is None else {"total_timeout": total_timeout}
    own_ssb, own_klass = ssb is None, klass is None
    ssb = ssb or SsbClient(notify=reporter.line, **timeout_kw)
    klass = klass or KlassClient(notify=reporter.line, **timeout_kw)
    for client in (ssb, klass):
        if client.notify is None:
            client.notify = reporter.line
        if total_timeout is not None:
            client.total_timeout = total_timeout
    work = raw_dir.with_name(f".{raw_dir.name}-fetch-{os.getpid()}")
    try:
        with reporter:
            if if_updated:
                try:
                    wanted = changed_tables(ssb, raw_dir, wanted)
                except FetchError as exc:
                    raise FetchFailed(f"Kunne ikke lese oppdateringstidene hos SSB, ingenting er endret: {exc}") from None
                if not wanted:
                    reporter.line("Ingen tabeller er oppdatert hos SSB siden forrige henting; databasen er uendret.")
                    return FetchOutcome(None, [], [], unchanged=True)
                reporter.line(f"Oppdatert hos SSB siden forrige henting: tabell {', '.join(wanted)}")
            # 1. verification, per entry: a drifted entry keeps its earlier rows, the others are fetched
            try:
                checks = check_catalogue(ssb, catalogue, wanted, reporter)
                max_cells = int(ssb.config()["maxDataCells"])
            except FetchError as exc:
                raise FetchFailed(f"Kunne ikke kontrollere katalogen mot SSB, ingenting er endret: {exc}") from None
            findings = [f for c in checks for f in c.findings]
            # entries found by label are fetched where SSB has them; the catalogue says where until `--write`
            found = [r for c in checks for r in c.resolutions]
            first = resolve_catalogue(catalogue, found, today)
            failed_set = {i for c in checks for i in c.failed_indicators(first)}
            failed_ids = sorted(failed_set)
            found = [r for r in found if r.indicator_id not in failed_set]
            checked = {c.table.id for c in checks}
            earlier = _earlier_resolutions(raw_dir, catalogue, checked, failed_set)
            entries = [r.manifest_entry(today) for r in found] + earlier["resolved_entries"]
            new_tables = [dataclasses.asdict(r.new_table) for r in found if r.new_table] + earlier["extra_tables"]
            effective = cat_mod.resolved(catalogue, entries, new_tables)
            fetch_checks = [c for c in checks if not c.table_failed and c.table.id in effective.tables
                            and any(i.id not in failed_set for i in _indicators_of(effective, c.table.id))]
            if not fetch_checks:
                raise FetchFailed(
                    "Ingen oppføringer i katalogen stemmer med SSBs metadata, så ingenting er hentet eller endret. "
                    "Rett pipelines/catalogue.toml (se `python -m pipelines catalogue check`):\n"
                    + "\n".join(f"- {p}" for c in checks for p in c.problems))
            for r in found:
                reporter.line(f"Funnet ved navn: {r.indicator_id} hentes som {r.contents_code} fra tabell {r.table_id} "
                              f"(katalogen sier {r.catalogue_code} i tabell {r.catalogue_table}; "
                              f"`catalogue check --write` retter katalogen)")
            queries = [q for c in fetch_checks
                       for q in plan_queries(c, effective, from_year, max_cells, skip=failed_set)]

            # 2. download into a fresh directory; what is not fetched comes from the current one
            if work.exists():
                shutil.rmtree(work)
            work.mkdir(parents=True)
            writer = RawWriter(work)
            fetched_ids = {c.table.id for c in fetch_checks}
            # a table no entry uses any more (all found elsewhere) is left out: nothing of it is shown
            whole = {t for t in effective.tables if t not in fetched_ids and _indicators_of(effective, t)}
            keep_only: dict[str, list[list[str]]] = {}
            for ind_id in failed_ids:
                src = effective.indicators[ind_id].source
                if src.table in fetched_ids:
                    keep_only.setdefault(src.table, []).extend([src.contents_code, k] for k in src.raw_keys)
            _carry_over(raw_dir, work, writer, whole, keep_only,
                        why="Noen tabeller hentes ikke nå" if not failed_ids else
                        f"{len(failed_ids)} oppføringer feilet kontrollen og skal beholde sine tidligere tall")
            carried_n = len(writer.files)
            task = reporter.stage("Henter tabeller fra SSB", len(queries))
            counters: dict[str, int] = {}
            try:
                for check in fetch_checks:
                    tid, updated = check.table.id, check.info_doc.get("updated")
                    writer.add(f"ssb/{tid}/table.json", check.info.body, kind="ssb_table", url=check.info.url,
                               is_demo=False, table_id=tid, updated=updated, fetched_at=_iso(check.info.fetched_at),
                               compress=False)
                    writer.add(f"ssb/{tid}/metadata.json", check.metadata.body, kind="ssb_metadata",
                               url=check.metadata.url, is_demo=False, table_id=tid, updated=updated,
                               fetched_at=_iso(check.metadata.fetched_at))
                per_table = {c.table.id: sum(q.table_id == c.table.id for q in queries) for c in fetch_checks}
                done: dict[str, int] = {}
                for query in queries:
                    check = next(c for c in fetch_checks if c.table.id == query.table_id)
                    done[query.table_id] = done.get(query.table_id, 0) + 1
                    for fetched in ssb.data(query.table_id, query.selection, sizes=query.sizes):
                        n = counters.get(query.table_id, 0)
                        counters[query.table_id] = n + 1
                        writer.add(f"ssb/{query.table_id}/data-{n:03d}.json", fetched.body, kind="ssb_data",
                                   url=fetched.url, is_demo=False, table_id=query.table_id,
                                   updated=check.info_doc.get("updated"), fetched_at=_iso(fetched.fetched_at),
                                   compress=True)
                    reporter.step(task, f"Hentet tabell {query.table_id}: spørring {done[query.table_id]} av "
                                        f"{per_table[query.table_id]}")
                _fetch_klass(klass, writer, checks, from_year, today, reporter)
            except FetchError as exc:
                raise FetchFailed(f"Hentingen stoppet, rådata og database er uendret: {exc}") from None
            failed_entries = [{"indicator": i, "table": effective.indicators[i].source.table,
                               "reason": "; ".join(dict.fromkeys(
                                   f.message for c in checks for f in c.findings if f.resolution is None
                                   and (f.indicator_id == i or (f.indicator_id is None and i in {
                                       x.id for x in _indicators_of(first, c.table.id)}))))}
                              for i in failed_ids]
            writer.write_manifest(snapshot="live", fetched_by="pipelines/fetch.py", from_year=from_year,
                                  ssb_api=ssb.base_url, klass_api=klass.base_url,
                                  tables=[c.table.id for c in fetch_checks], carried_over=sorted(whole),
                                  failed_entries=failed_entries, resolved_entries=entries, extra_tables=new_tables)

        # 3. build from the new directory and swap it in (both atomic; see build_and_swap)
        result = build_and_swap(work, raw_dir, db_path)
        fetched_n = len(writer.files) - carried_n
        console.print(f"Hentet {fetched_n} svar til {raw_dir} og bygde {result.db_path} "
                      f"({result.observations:,} observasjoner)".replace(",", " "))
        outcome = FetchOutcome(result, findings, failed_ids, resolved=[r.indicator_id for r in found])
        if failed_ids:
            console.print(f"Delvis oppdatert: {len(failed_ids)} indikatorer beholder sine tidligere tall "
                          f"(rett katalogen, se `python -m pipelines catalogue check`):")
            for c in checks:
                for message in c.problems:
                    console.print(f"- {message}", markup=False, highlight=False)
        return outcome
    except OSError as exc:
        raise FetchFailed(f"Kunne ikke skrive rådata i {work.parent}: {exc}; rådata og database er uendret") from None
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
        if own_ssb:
            ssb.close()
        if own_klass:
            klass.close()


def build_and_swap(work: Path, raw_dir: Path, db_path: Path):
    """Build the database from `work`, then move `work` into place as the raw directory.

    The one section that writes the database and data/raw/ (wrap it in the write lock): a failed
    build leaves both untouched; a failed rename puts the previous database file back.
    """
    from pipelines.build import BuildError, build
    from pipelines.db_lock import DatabaseBusy, write_lock

    kept_db = None
    try:
        with write_lock(db_path):  # build() takes it again (re-entrant): no import lands between build and swap
            kept_db = _keep_old_db(db_path)
            try:
                result = build(work, db_path, recorded_raw_dir=raw_dir)
            except BuildError as exc:
                raise FetchFailed(f"Dataene fra SSB/KLASS kunne ikke bygges, rådata og database er uendret: {exc}") from None
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
            return result
    except DatabaseBusy as exc:
        raise FetchFailed(f"{exc} Rådata og database er uendret.") from None
    finally:
        if kept_db is not None:
            kept_db.unlink(missing_ok=True)


def _fetch_klass(client: KlassClient, writer: RawWriter, checks: list[TableCheck], from_year: int,
                 today: dt.date, reporter: Reporter) -> None:
    """Changes first: their dates decide on which days the code lists are needed."""
    change = klass_change_request(from_year, today)
    fetched = client.get(change.path, change.params)
    _add_klass(writer, change, fetched)
    dates = klass_list_dates(from_year, today, _change_dates(fetched.json()))
    requests = klass_requests(dates, _group_years(checks, from_year, today))
    task = reporter.stage("Henter klassifikasjoner fra KLASS", len(requests) + 1)
    reporter.step(task, f"Hentet KLASS {change.name} (1 av {len(requests) + 1})")
    for n, request in enumerate(requests, 2):
        _add_klass(writer, request, client.get(request.path, request.params))
        reporter.step(task, f"Hentet KLASS {request.name} ({n} av {len(requests) + 1})")


def _add_klass(writer: RawWriter, request: KlassRequest, fetched: Fetched) -> RawFile:
    return writer.add(f"klass/{request.name}.json", fetched.body, kind="klass", url=fetched.url, is_demo=False,
                      name=request.name, fetched_at=_iso(fetched.fetched_at))
