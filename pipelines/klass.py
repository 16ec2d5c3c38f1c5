"""KLASS responses (municipalities 131, counties 104, KOSTRA groups 112) -> region tables.

KOSTRA tables mix today's and historical municipality codes in one region dimension, so the
dashboard needs three things from KLASS: every code with its name and validity (`load_regions`),
the code changes between them (`load_changes`, `current_code`, `lineage`), and which KOSTRA group a
municipality belonged to in a given year (`load_group_membership`). Everything here is a pure
function of the recorded response bodies in one directory, so a live fetch and the embedded
snapshot are read the same way.

Files are named after the request they record (see `data/raw/klass/index.json` for the URLs):

    {cls}_codesAt_{date}.json                  GET /classifications/{cls}/codesAt.json?date={date}
    {cls}_changes_{from}_{to}.json             GET /classifications/{cls}/changes.json?from=..&to=..
    {src}_correspondsAt_{tgt}_{date}.json      GET /classifications/{src}/correspondsAt.json
                                                   ?targetClassificationId={tgt}&date={date}

Any of them may be gzip-compressed (`.json.gz`). A top-level `_kostra_dashboard` object is ours, not
KLASS's: `{"demo": true}` marks synthetic content that the build must label as demo data.

Validity follows KLASS: `valid_from` is the first day a code is valid, `valid_to` the first day it
is no longer valid (exclusive), null when still valid. `valid_from` is null when the code already
existed before everything the files record (it is in the earliest snapshot and no change created it).
"""
from __future__ import annotations

import datetime as dt
import gzip
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import orjson
import polars as pl

MUNICIPALITIES = "131"
COUNTIES = "104"
KOSTRA_GROUPS = "112"

COUNTRY_REGIONS = (("EAK", "Landet"), ("EAKUO", "Landet uten Oslo"))
OUR_KEY = "_kostra_dashboard"

_DATE = r"\d{4}-\d{2}-\d{2}"
_CODES_AT = re.compile(rf"^(?P<cls>\d+)_codesAt_(?P<date>{_DATE})\.json(?:\.gz)?$")
_CHANGES = re.compile(rf"^(?P<cls>\d+)_changes_(?P<start>{_DATE})_(?P<end>{_DATE})\.json(?:\.gz)?$")
_CORRESPONDS_AT = re.compile(
    rf"^(?P<cls>\d+)_correspondsAt_(?P<target>\d+)_(?P<date>{_DATE})\.json(?:\.gz)?$"
)

REGION_SCHEMA = {
    "code": pl.Utf8,
    "name": pl.Utf8,
    "kind": pl.Utf8,
    "valid_from": pl.Date,
    "valid_to": pl.Date,
}
CHANGE_SCHEMA = {
    "old_code": pl.Utf8,
    "old_name": pl.Utf8,
    "new_code": pl.Utf8,
    "new_name": pl.Utf8,
    "change_date": pl.Date,
}
MEMBERSHIP_SCHEMA = {
    "year": pl.Int32,
    "group_code": pl.Utf8,
    "group_name": pl.Utf8,
    "municipality_code": pl.Utf8,
    "is_demo": pl.Boolean,
}
LINEAGE_SCHEMA = {"code": pl.Utf8, "current_code": pl.Utf8, "via_kind": pl.Utf8}

# When a path mixes kinds, the label says the strongest thing that happened to the series.
_KIND_RANK = {"unchanged": 0, "rename": 1, "renumber": 2, "merge": 3, "split": 4}


class KlassError(ValueError):
    """A KLASS file is missing, unreadable or not in the shape KLASS sends; the message names the file."""


@dataclass(frozen=True)
class _Snapshot:
    date: dt.date
    frame: pl.DataFrame  # code, name


# --------------------------------------------------------------------------------------------
# reading single files


def _read_json(path: Path) -> dict:
    try:
        raw = path.read_bytes()
        if path.name.endswith(".gz"):
            raw = gzip.decompress(raw)
        body = orjson.loads(raw)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise KlassError(f"KLASS-filen {path.name} kan ikke leses: {exc}") from exc
    except orjson.JSONDecodeError as exc:
        raise KlassError(f"KLASS-filen {path.name} er ikke gyldig JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise KlassError(f"KLASS-filen {path.name}: forventet et JSON-objekt øverst, fikk {type(body).__name__}")
    return body


def _items(body: dict, key: str, source: str) -> list[dict]:
    items = body.get(key)
    if not isinstance(items, list):
        raise KlassError(f"KLASS-filen {source}: mangler listen «{key}»")
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise KlassError(f"KLASS-filen {source}: element {i} i «{key}» er ikke et objekt")
    return items


def _text(item: dict, field: str, source: str, i: int, *, required: bool) -> str | None:
    value = item.get(field)
    if value is None or value == "":
        if required:
            raise KlassError(f"KLASS-filen {source}: element {i} mangler feltet «{field}»")
        return None
    if not isinstance(value, str):
        raise KlassError(f"KLASS-filen {source}: feltet «{field}» i element {i} er ikke tekst: {value!r}")
    return value


def _date(value: str | None, source: str, i: int, field: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise KlassError(f"KLASS-filen {source}: «{field}» i element {i} er ikke en dato: {value!r}") from exc


def _is_demo(body: dict, source: str) -> bool:
    ours = body.get(OUR_KEY)
    if ours is None:
        return False
    if not isinstance(ours, dict) or not isinstance(ours.get("demo", False), bool):
        raise KlassError(f"KLASS-filen {source}: «{OUR_KEY}» må være et objekt med «demo» true/false")
    return ours.get("demo", False)


def parse_codes(body: dict, source: str) -> pl.DataFrame:
    """Body of codesAt.json -> code, name (one row per code)."""
    rows = []
    for i, item in enumerate(_items(body, "codes", source)):
        rows.append(
            {
                "code": _text(item, "code", source, i, required=True),
                "name": _text(item, "name", source, i, required=True),
            }
        )
    frame = pl.DataFrame(rows, schema={"code": pl.Utf8, "name": pl.Utf8})
    dupes = frame.filter(pl.col("code").is_duplicated())["code"].unique().sort().to_list()
    if dupes:
        raise KlassError(f"KLASS-filen {source}: samme kode flere ganger: {', '.join(dupes[:5])}")
    return frame


def parse_changes(body: dict, source: str) -> pl.DataFrame:
    """Body of changes.json -> one row per code change; old or new code is null when KLASS says a
    code only started or only ceased."""
    rows = []
    for i, item in enumerate(_items(body, "codeChanges", source)):
        old_code = _text(item, "oldCode", source, i, required=False)
        new_code = _text(item, "newCode", source, i, required=False)
        if old_code is None and new_code is None:
            raise KlassError(f"KLASS-filen {source}: element {i} har verken «oldCode» eller «newCode»")
        changed = _date(_text(item, "changeOccurred", source, i, required=True), source, i, "changeOccurred")
        rows.append(
            {
                "old_code": old_code,
                "old_name": _text(item, "oldName", source, i, required=False),
                "new_code": new_code,
                "new_name": _text(item, "newName", source, i, required=False),
                "change_date": changed,
            }
        )
    return pl.DataFrame(rows, schema=CHANGE_SCHEMA)


def parse_correspondence(body: dict, source: str) -> pl.DataFrame:
    """Body of correspondsAt.json -> source_code, source_name, target_code, target_name."""
    rows = []
    for i, item in enumerate(_items(body, "correspondenceItems", source)):
        rows.append(
            {
                "source_code": _text(item, "sourceCode", source, i, required=True),
                "source_name": _text(item, "sourceName", source, i, required=False),
                "target_code": _text(item, "targetCode", source, i, required=True),
                "target_name": _text(item, "targetName", source, i, required=False),
            }
        )
    return pl.DataFrame(
        rows,
        schema={"source_code": pl.Utf8, "source_name": pl.Utf8, "target_code": pl.Utf8, "target_name": pl.Utf8},
    )


# --------------------------------------------------------------------------------------------
# finding files


def _files(klass_dir: Path, pattern: re.Pattern[str]) -> list[tuple[re.Match[str], Path]]:
    if not klass_dir.is_dir():
        raise KlassError(f"Fant ikke KLASS-mappen {klass_dir}")
    found = []
    for path in sorted(klass_dir.iterdir()):
        match = pattern.match(path.name)
        if match:
            found.append((match, path))
    return found


def _snapshots(klass_dir: Path, classification: str) -> list[_Snapshot]:
    snapshots = []
    for match, path in _files(klass_dir, _CODES_AT):
        if match["cls"] != classification:
            continue
        body = _read_json(path)
        _is_demo(body, path.name)  # validates our flag; membership reads it from the correspondence files
        snapshots.append(_Snapshot(dt.date.fromisoformat(match["date"]), parse_codes(body, path.name)))
    return sorted(snapshots, key=lambda s: s.date)


def _raw_changes(klass_dir: Path) -> pl.DataFrame:
    frames = [
        parse_changes(_read_json(path), path.name)
        for match, path in _files(klass_dir, _CHANGES)
        if match["cls"] == MUNICIPALITIES
    ]
    if not frames:
        return pl.DataFrame(schema=CHANGE_SCHEMA)
    return pl.concat(frames).unique(maintain_order=True)


# --------------------------------------------------------------------------------------------
# changes and lineage


def load_changes(klass_dir: Path) -> pl.DataFrame:
    """Municipality code changes with a kind, so the build can chain renumberings into one series
    and mark breaks where municipalities merged or split."""
    return classify_changes(_raw_changes(Path(klass_dir)))


def classify_changes(raw: pl.DataFrame) -> pl.DataFrame:
    """Adds change_year and kind to parsed changes; rows without both codes carry no lineage and are dropped."""
    links = raw.drop_nulls(["old_code", "new_code"]).unique(
        ["old_code", "new_code", "change_date"], maintain_order=True
    )
    n_new = pl.col("new_code").n_unique().over(["change_date", "old_code"])
    n_old = pl.col("old_code").n_unique().over(["change_date", "new_code"])
    kind = (
        pl.when(n_new > 1)
        .then(pl.lit("split"))
        .when(n_old > 1)
        .then(pl.lit("merge"))
        .when(pl.col("old_code") == pl.col("new_code"))
        .then(pl.lit("rename"))
        .otherwise(pl.lit("renumber"))
    )
    return (
        links.with_columns(pl.col("change_date").dt.year().cast(pl.Int32).alias("change_year"), kind.alias("kind"))
        .select("old_code", "old_name", "new_code", "new_name", "change_date", "change_year", "kind")
        .sort("change_date", "old_code", "new_code")
    )


def current_code(code: str, changes: pl.DataFrame, *, as_of_year: int | None = None) -> list[str]:
    """The code(s) a historical municipality code has today (or in `as_of_year`), following renumberings,
    mergers and splits in date order. A code with no later change maps to itself."""
    steps = changes.filter(pl.col("old_code") != pl.col("new_code"))
    if as_of_year is not None:
        steps = steps.filter(pl.col("change_year") <= as_of_year)
    successors: dict[str, list[tuple[dt.date, str]]] = {}
    for old, new, when in steps.select("old_code", "new_code", "change_date").iter_rows():
        successors.setdefault(old, []).append((when, new))

    result: set[str] = set()
    frontier = [(code, dt.date.min)]
    seen: set[tuple[str, dt.date]] = set()
    while frontier:
        current, since = frontier.pop()
        if (current, since) in seen:
            continue
        seen.add((current, since))
        later = [(when, new) for when, new in successors.get(current, []) if when > since]
        if not later:
            result.add(current)
            continue
        first = min(when for when, _ in later)
        frontier.extend((new, when) for when, new in later if when == first)
    return sorted(result)


def lineage(changes: pl.DataFrame, codes: Iterable[str] | None = None) -> pl.DataFrame:
    """Every code in `changes` (plus `codes`) -> its current code(s) and the strongest kind of change on
    the way ('unchanged' when it is today's code). One row per (code, current_code)."""
    steps = (
        changes.filter(pl.col("old_code") != pl.col("new_code"))
        .select(
            pl.col("old_code").alias("at"),
            pl.col("new_code").alias("next"),
            pl.col("change_date").alias("step_date"),
            pl.col("kind").replace_strict(_KIND_RANK, return_dtype=pl.Int8).alias("step_rank"),
        )
    )
    known = pl.concat([changes["old_code"], changes["new_code"], pl.Series(list(codes or []), dtype=pl.Utf8)])
    paths = pl.DataFrame({"code": known.unique().sort()}).with_columns(
        pl.col("code").alias("at"),
        pl.lit(None, dtype=pl.Date).alias("since"),
        pl.lit(0, dtype=pl.Int8).alias("rank"),
    )
    for _ in range(64):  # each round moves every path one change forward; real chains are a few steps long
        joined = paths.join(steps, on="at", how="left").filter(
            pl.col("next").is_null() | pl.col("since").is_null() | (pl.col("step_date") > pl.col("since"))
        )
        first = pl.col("step_date").min().over(["code", "at", "since"])
        moving = joined.filter(pl.col("next").is_not_null() & (pl.col("step_date") == first))
        movers = moving.select("code", "at", "since").unique()
        stay = paths.join(movers, on=["code", "at", "since"], how="anti", nulls_equal=True)
        if moving.is_empty():
            break
        advanced = moving.select(
            "code",
            pl.col("next").alias("at"),
            pl.col("step_date").alias("since"),
            pl.max_horizontal("rank", "step_rank").alias("rank"),
        )
        paths = pl.concat([stay, advanced]).unique()
    else:  # pragma: no cover - only a cyclic change list gets here
        raise KlassError("Kodeendringene i KLASS danner en sløyfe; kan ikke finne gjeldende kode")
    names = {rank: kind for kind, rank in _KIND_RANK.items()}
    return (
        paths.group_by("code", "at")
        .agg(pl.col("rank").max())
        .select(
            "code",
            pl.col("at").alias("current_code"),
            pl.col("rank").replace_strict(names, return_dtype=pl.Utf8).alias("via_kind"),
        )
        .sort("code", "current_code")
    )


# --------------------------------------------------------------------------------------------
# regions


def _validity(
    snapshots: list[_Snapshot], raw_changes: pl.DataFrame | None = None
) -> dict[str, tuple[dt.date | None, dt.date | None]]:
    """Validity per code from snapshot presence, sharpened by change dates where KLASS has them."""
    created: dict[str, dt.date] = {}
    ceased: dict[str, dt.date] = {}
    if raw_changes is not None and not raw_changes.is_empty():
        for when, group in raw_changes.group_by("change_date"):
            olds = set(group["old_code"].drop_nulls())
            news = set(group["new_code"].drop_nulls())
            for code in news - olds:
                created[code] = min(created.get(code, when[0]), when[0])
            for code in olds - news:
                ceased[code] = min(ceased.get(code, when[0]), when[0])

    present = {s.date: set(s.frame["code"]) for s in snapshots}
    dates = sorted(present)
    codes = set().union(*present.values(), created, ceased)
    validity = {}
    for code in codes:
        seen_on = [d for d in dates if code in present[d]]
        start = created.get(code)
        if start is None and seen_on and seen_on[0] != dates[0]:
            start = seen_on[0]
        end = ceased.get(code)
        if end is None and seen_on:
            after = [d for d in dates if d > seen_on[-1]]
            end = after[0] if after else None
        validity[code] = (start, end)
    return validity


def _latest_names(snapshots: list[_Snapshot]) -> dict[str, str]:
    names: dict[str, str] = {}
    for snapshot in snapshots:  # oldest first, so later names win
        names.update(zip(snapshot.frame["code"], snapshot.frame["name"]))
    return names


def _group_code(code: str) -> str:
    """KLASS 112 may give bare group numbers; KOSTRA tables call the groups EKGnn."""
    return f"EKG{int(code):02d}" if code.isdigit() else code


def _group_code_expr(column: str) -> pl.Expr:
    col = pl.col(column)
    return pl.when(col.str.contains(r"^\d+$")).then(pl.lit("EKG") + col.str.zfill(2)).otherwise(col)


def _region_rows(validity: dict, names: dict[str, str], kind: str) -> list[dict]:
    return [
        {"code": code, "name": names.get(code, code), "kind": kind, "valid_from": start, "valid_to": end}
        for code, (start, end) in validity.items()
    ]


def _municipality_names(klass_dir: Path, snapshots: list[_Snapshot], raw_changes: pl.DataFrame) -> dict[str, str]:
    """Latest name per code: snapshots win, then change records, then group correspondences (the only
    place a code that vanished before the first snapshot may be named)."""
    names: dict[str, str] = {}
    for match, path in _files(klass_dir, _CORRESPONDS_AT):
        if match["target"] == MUNICIPALITIES:
            corr = parse_correspondence(_read_json(path), path.name)
            names.update((c, n) for c, n in corr.select("target_code", "target_name").iter_rows() if n)
    pairs = raw_changes.select("old_code", "old_name", "new_code", "new_name")
    for old, old_name, new, new_name in pairs.iter_rows():
        if old and old_name:
            names.setdefault(old, old_name)
        if new and new_name:
            names[new] = new_name
    names.update(_latest_names(snapshots))
    return names


def load_regions(klass_dir: Path) -> pl.DataFrame:
    """One row per region code the dashboard can meet in a KOSTRA table: municipalities (today's and
    historical), counties (plain and as EKAnn), KOSTRA groups and the country codes."""
    klass_dir = Path(klass_dir)
    municipal = _snapshots(klass_dir, MUNICIPALITIES)
    if not municipal:
        raise KlassError(f"Fant ingen kommunefiler (131_codesAt_*.json) i {klass_dir}")
    raw_changes = _raw_changes(klass_dir)
    names = _municipality_names(klass_dir, municipal, raw_changes)
    validity = {code: (None, None) for code in names} | _validity(municipal, raw_changes)
    rows = _region_rows(validity, names, "municipality")

    counties = _snapshots(klass_dir, COUNTIES)
    county_validity = _validity(counties)
    county_names = _latest_names(counties)
    rows += _region_rows(county_validity, county_names, "county")
    rows += _region_rows(
        {f"EKA{code}": span for code, span in county_validity.items()},
        {f"EKA{code}": name for code, name in county_names.items()},
        "county",
    )

    groups = [
        _Snapshot(s.date, s.frame.with_columns(_group_code_expr("code").alias("code")))
        for s in _snapshots(klass_dir, KOSTRA_GROUPS)
    ]
    rows += _region_rows(_validity(groups), _latest_names(groups), "kostra_group")
    rows += _region_rows({code: (None, None) for code, _ in COUNTRY_REGIONS}, dict(COUNTRY_REGIONS), "country")

    regions = pl.DataFrame(rows, schema=REGION_SCHEMA)
    clashes = regions.filter(pl.col("code").is_duplicated())["code"].unique().sort().to_list()
    if clashes:
        raise KlassError(
            f"KLASS-filene i {klass_dir}: samme regionkode i flere klassifikasjoner: {', '.join(clashes[:5])}"
        )
    return regions.sort("kind", "code")


# --------------------------------------------------------------------------------------------
# KOSTRA groups


def load_group_membership(klass_dir: Path) -> pl.DataFrame:
    """Which KOSTRA group each municipality belonged to, per year (from correspondsAt 112 -> 131 on
    1 January of that year). is_demo carries our demo flag so synthetic groupings stay labelled."""
    klass_dir = Path(klass_dir)
    frames = []
    for match, path in _files(klass_dir, _CORRESPONDS_AT):
        if match["cls"] != KOSTRA_GROUPS or match["target"] != MUNICIPALITIES:
            continue
        body = _read_json(path)
        corr = parse_correspondence(body, path.name)
        year = dt.date.fromisoformat(match["date"]).year
        frame = corr.select(
            pl.lit(year, dtype=pl.Int32).alias("year"),
            _group_code_expr("source_code").alias("group_code"),
            pl.col("source_name").alias("group_name"),
            pl.col("target_code").alias("municipality_code"),
            pl.lit(_is_demo(body, path.name)).alias("is_demo"),
        )
        doubled = frame.filter(pl.col("municipality_code").is_duplicated())["municipality_code"].unique().sort()
        if len(doubled):
            raise KlassError(
                f"KLASS-filen {path.name}: kommune i flere KOSTRA-grupper samme år: {', '.join(doubled.to_list()[:5])}"
            )
        frames.append(frame)
    if not frames:
        return pl.DataFrame(schema=MEMBERSHIP_SCHEMA)
    membership = pl.concat(frames)
    group_names = {
        _group_code(code): name for snap in _snapshots(klass_dir, KOSTRA_GROUPS) for code, name in snap.frame.iter_rows()
    }
    if group_names:  # correspondsAt may leave sourceName out; codesAt has it
        membership = membership.with_columns(
            pl.col("group_name").fill_null(pl.col("group_code").replace_strict(group_names, default=None))
        )
    return membership.sort("year", "group_code", "municipality_code")
