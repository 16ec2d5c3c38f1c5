"""Query functions: run the SQL files in sql/queries/ with parameters and shape tidy frames for charts.

Pages call these and nothing else for data, so every figure on screen can be tested against the
database without Streamlit.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from dashboard import db, fmt
from dashboard.selection import Resolution

KOSTRA_BREAK_YEAR = 2019  # new KOSTRA grouping from 2020
KOSTRA_BREAK_LABEL = "Ny KOSTRA-gruppering fra 2020"


@dataclass(frozen=True)
class IndicatorInfo:
    id: str
    label: str
    short_label: str
    unit: str
    decimals: int
    kind: str
    group: str
    definition: str
    higher_is_better: bool | None
    own_calculation: bool
    service: str | None
    age_group: str | None
    source_table: str | None
    contents_code: str | None
    formula: str | None


def _cache_key() -> tuple:
    return db.database_version()


@lru_cache(maxsize=8)
def _indicators(version: tuple) -> dict[str, IndicatorInfo]:
    frame = db.query("indicators")
    out = {}
    for r in frame.iter_rows(named=True):
        out[r["id"]] = IndicatorInfo(
            id=r["id"], label=r["label"], short_label=r["short_label"], unit=r["unit"], decimals=r["decimals"],
            kind=r["kind"], group=r["indicator_group"], definition=r["definition"],
            higher_is_better=r["higher_is_better"], own_calculation=r["own_calculation"], service=r["service"],
            age_group=r["age_group"], source_table=r["source_table"], contents_code=r["contents_code"],
            formula=r["formula"])
    return out


def indicators() -> dict[str, IndicatorInfo]:
    return _indicators(_cache_key())


@lru_cache(maxsize=8)
def _municipalities(version: tuple) -> pl.DataFrame:
    return db.query("municipalities")


def municipalities() -> pl.DataFrame:
    """Today's municipalities: code, name, population, group_code, group_name."""
    return _municipalities(_cache_key())


def municipality_names() -> dict[str, str]:
    frame = municipalities()
    return dict(zip(frame["code"].to_list(), frame["name"].to_list()))


@lru_cache(maxsize=8)
def _year_range(version: tuple) -> tuple[int, int]:
    row = db.query("year_range").row(0)
    return int(row[0]), int(row[1])


def year_range() -> tuple[int, int]:
    return _year_range(_cache_key())


@lru_cache(maxsize=8)
def _build_info(version: tuple) -> dict[str, str]:
    return dict(db.query("build_info").iter_rows())


def build_info() -> dict[str, str]:
    return _build_info(_cache_key())


def database_is_demo() -> bool:
    return build_info().get("is_demo") == "true"


def resolve_code(code: str) -> Resolution | None:
    frame = db.query("resolve_code", {"code": code})
    if frame.is_empty():
        return None
    rows = frame.to_dicts()
    # prefer a pure renumbering chain, then the successor with the same name
    rows.sort(key=lambda r: (r["via_kind"] not in ("self", "renumber"), r["current_name"] != r["code_name"]))
    return Resolution(code=code, current_codes=tuple(r["current_code"] for r in rows),
                      code_name=rows[0]["code_name"], via_kind=rows[0]["via_kind"])


def default_comparisons(code: str, limit: int = 5) -> list[str]:
    """The largest municipalities in the same (latest) KOSTRA group."""
    frame = municipalities()
    own = frame.filter(pl.col("code") == code)
    if own.is_empty() or own["group_code"][0] is None:
        return []
    peers = (frame.filter((pl.col("group_code") == own["group_code"][0]) & (pl.col("code") != code))
             .sort("population", descending=True, nulls_last=True))
    return peers["code"].head(limit).to_list()


def group_of(code: str, year: int) -> tuple[str | None, str | None]:
    frame = db.query("overview", {"indicator_ids": ["population"], "municipality": code, "year": year})
    if frame.is_empty():
        return None, None
    return frame["group_code"][0], frame["group_name"][0]


def overview(code: str, year: int, indicator_ids: list[str]) -> pl.DataFrame:
    return db.query("overview", {"indicator_ids": indicator_ids, "municipality": code, "year": year})


def comparison_series(indicator_ids: list[str], municipality: str, comparisons: list[str], from_year: int,
                      to_year: int, *, include_predecessors: bool = True,
                      aggregates: tuple[str, ...] = ("group", "EAKUO", "EAK")) -> pl.DataFrame:
    """Series for the selection, its comparisons, its KOSTRA group (per year) and the country, in one tidy frame.

    columns: indicator_id, series, role, region_code, year, value, status, is_demo, is_own_calculation
    """
    params = {"indicator_ids": indicator_ids, "from_year": from_year, "to_year": to_year}
    munis = db.query("municipality_series", {**params, "municipalities": [municipality, *comparisons]})
    munis = munis.with_columns(
        pl.when(pl.col("region_code") == municipality).then(pl.lit("selected")).otherwise(pl.lit("comparison"))
        .alias("role"),
        pl.col("region_name").alias("series"))
    groups = db.query("group_series", {**params, "municipality": municipality})
    groups = groups.filter(
        (pl.lit("group" in aggregates) & (pl.col("region_kind") == "kostra_group"))
        | pl.col("region_code").is_in([a for a in aggregates if a.startswith("E")]))
    groups = groups.with_columns(
        pl.when(pl.col("region_kind") == "kostra_group").then(pl.lit("group")).otherwise(pl.lit("country")).alias("role"),
        pl.when(pl.col("region_kind") == "kostra_group").then(pl.lit("KOSTRA-gruppen"))
        .otherwise(pl.col("region_name")).alias("series"))
    cols = ["indicator_id", "series", "role", "region_code", "year", "value", "status", "is_demo", "is_own_calculation"]
    frames = [munis.select(cols), groups.select(cols)]
    if include_predecessors:
        pred = db.query("predecessor_series", {**params, "municipalities": [municipality, *comparisons]})
        if not pred.is_empty():
            pred = pred.with_columns(
                pl.lit("predecessor").alias("role"),
                (pl.col("region_name") + " (" + pl.col("region_code") + ", før sammenslåing)").alias("series"),
                pl.lit(False).alias("is_own_calculation"))
            frames.append(pred.select(cols))
    return pl.concat(frames, how="vertical_relaxed")


def group_labels(municipality: str, from_year: int, to_year: int) -> str:
    """'KOSTRA-gruppe 13 (til 2019), KOSTRA-gruppe 8 (fra 2020)' for chart subtitles."""
    frame = db.query("group_series", {"indicator_ids": ["population", "home_care_cost_per_recipient"],
                                      "municipality": municipality, "from_year": from_year, "to_year": to_year})
    frame = frame.filter(pl.col("region_kind") == "kostra_group").select("region_name", "year").unique()
    if frame.is_empty():
        return "KOSTRA-gruppe: ukjent"
    spans = frame.group_by("region_name").agg(pl.col("year").min().alias("a"), pl.col("year").max().alias("b")).sort("a")
    return ", ".join(f"{r['region_name']} ({r['a']}–{r['b']})" for r in spans.iter_rows(named=True))


def group_ranking(indicator_id: str, group_code: str, year: int) -> pl.DataFrame:
    return db.query("group_ranking", {"indicator_id": indicator_id, "group_code": group_code, "year": year})


def all_municipalities(x_indicator: str, y_indicator: str, year: int) -> pl.DataFrame:
    return db.query("all_municipalities_year", {"x_indicator": x_indicator, "y_indicator": y_indicator, "year": year})


def sources() -> pl.DataFrame:
    return db.query("sources")


def source_line(indicator_ids: list[str]) -> str:
    """'Kilde: SSB, tabell 12209 (oppdatert 15.06.2025). Egen beregning: …' for the foot of a chart."""
    infos = indicators()
    src = sources()
    tables = {}
    own = []
    for ind in indicator_ids:
        info = infos.get(ind)
        if info is None:
            continue
        if info.source_table:
            row = src.filter(pl.col("id") == ind)
            updated = row["updated"][0] if not row.is_empty() else None
            tables[info.source_table] = fmt.norwegian_date(updated)
        if info.own_calculation:
            own.append(info.short_label)
    parts = [f"tabell {t} (oppdatert {d})" for t, d in sorted(tables.items())]
    text = "Kilde: SSB, " + ", ".join(parts) if parts else "Kilde: SSB"
    if own:
        text += ". Egen beregning: " + "; ".join(own)
    return text


def display_table(frame: pl.DataFrame, *, unit: str, decimals: int, index: str = "series",
                  columns: str = "year") -> pl.DataFrame:
    """Wide table for st.dataframe and downloads: one row per series, one column per year, Norwegian text cells
    with SSB's symbols where a value is missing."""
    if frame.is_empty():
        return pl.DataFrame({"Serie": []})
    texts = frame.with_columns(
        pl.struct("value", "status").map_elements(
            lambda s: fmt.number(s["value"], decimals, status=s["status"]), return_dtype=pl.Utf8).alias("text"))
    wide = texts.pivot(values="text", index=index, on=columns, aggregate_function="first", sort_columns=True)
    return wide.rename({index: "Serie"})


def long_table(frame: pl.DataFrame, *, unit: str, decimals: int) -> pl.DataFrame:
    """Long, numeric table for downloads (Norwegian headers, symbol kept in its own column)."""
    if frame.is_empty():
        return pl.DataFrame({"Serie": [], "År": [], "Verdi": [], "Symbol": [], "Forklaring": []})
    return frame.select(
        pl.col("series").alias("Serie"),
        pl.col("year").alias("År"),
        pl.col("value").round(decimals).alias(f"Verdi ({unit})" if unit else "Verdi"),
        pl.col("status").alias("Symbol"),
        pl.col("status").map_elements(fmt.status_meaning, return_dtype=pl.Utf8).alias("Forklaring"),
        pl.when(pl.col("is_demo")).then(pl.lit("Demodata")).otherwise(pl.lit("SSB")).alias("Datagrunnlag"),
    )


def gap_in_kroner(municipality: str, year: int) -> dict | None:
    """What the gap to the group's cost per recipient amounts to: (own − group) × own recipients. Our calculation."""
    frame = overview(municipality, year, ["home_care_cost_per_recipient", "home_care_recipients",
                                          "institution_cost_per_place", "municipal_institution_places"])
    if frame.is_empty():
        return None
    rows = {r["indicator_id"]: r for r in frame.iter_rows(named=True)}
    out = {}
    for cost, volume in (("home_care_cost_per_recipient", "home_care_recipients"),
                         ("institution_cost_per_place", "municipal_institution_places")):
        c, v = rows.get(cost), rows.get(volume)
        if c and v and c["value"] is not None and c["group_value"] is not None and v["value"] is not None:
            out[cost] = {"own": c["value"], "group": c["group_value"], "volume": v["value"],
                         "gap": (c["value"] - c["group_value"]) * v["value"], "group_name": c["group_name"]}
    return out or None


def data_path() -> Path:
    return db.ensure_database()
