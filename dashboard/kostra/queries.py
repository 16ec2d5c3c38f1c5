"""Query functions: run the SQL files in sql/queries/ with parameters and shape tidy frames for charts.

Pages call these and nothing else for data, so every figure on screen can be tested against the
database without Streamlit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Mapping

import polars as pl

from dashboard.core import db, fmt, frames
from dashboard.kostra.selection import Resolution

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


@db.per_database
def _indicators() -> dict[str, IndicatorInfo]:
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
    return _indicators()


@db.per_database
def _municipalities() -> pl.DataFrame:
    return db.query("municipalities")


def municipalities() -> pl.DataFrame:
    """Today's municipalities: code, name, population, group_code, group_name."""
    return _municipalities()


@db.per_database
def municipality_names() -> Mapping[str, str]:
    """code -> name of today's municipalities, read-only: made once per database file (every chart and the sidebar
    read it, several times per run), shared by all sessions."""
    frame = municipalities()
    return MappingProxyType(dict(zip(frame["code"].to_list(), frame["name"].to_list())))


@db.per_database
def municipality_labels() -> Mapping[str, str]:
    """code -> «Larvik (3909)», as the sidebar lists them: Streamlit formats every option of the municipality lists
    on every run (some 700 labels a run), so they are made once per database file."""
    return MappingProxyType({code: f"{name} ({code})" for code, name in municipality_names().items()})


@db.per_database
def _year_range() -> tuple[int, int]:
    row = db.query("year_range").row(0)
    return int(row[0]), int(row[1])


def year_range() -> tuple[int, int]:
    return _year_range()


@db.per_database
def _build_info() -> dict[str, str]:
    return dict(db.query("build_info").iter_rows())


def build_info() -> dict[str, str]:
    return _build_info()


def database_is_demo() -> bool:
    return build_info().get("is_demo") == "true"


@db.per_database
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
    return list(_default_comparisons(code, limit))


@db.per_database
def _default_comparisons(code: str, limit: int) -> tuple[str, ...]:
    frame = municipalities()
    own = frame.filter(pl.col("code") == code)
    if own.is_empty() or own["group_code"][0] is None:
        return ()
    peers = (frame.filter((pl.col("group_code") == own["group_code"][0]) & (pl.col("code") != code))
             .sort("population", descending=True, nulls_last=True))
    return tuple(peers["code"].head(limit).to_list())


@db.per_database
def _group_membership() -> pl.DataFrame:
    """Every municipality's KOSTRA group per year (sql/queries/group_membership_all.sql): one query for all."""
    return db.query("group_membership_all")


def _membership(municipality: str, from_year: int, to_year: int) -> pl.DataFrame:
    """group_membership.sql's rows for one municipality: year, group_code, group_name, by year."""
    return (_group_membership()
            .filter((pl.col("current_code") == municipality) & pl.col("year").is_between(from_year, to_year))
            .sort("year").select("year", "group_code", "group_name"))


def group_of(code: str, year: int) -> tuple[str | None, str | None]:
    """The KOSTRA group the municipality belonged to that year (a look-up in every municipality's membership)."""
    return _groups_by_year().get((code, year), (None, None))


@db.per_database
def _groups_by_year() -> Mapping[tuple[str, int], tuple[str | None, str | None]]:
    """(today's code, year) -> (group code, group name), made once per database file: every KOSTRA figure asks for
    the chosen municipality's group, and a filter of the membership frame per question cost more than the answer.
    The first row of a (code, year) wins, as the frame's first row did."""
    groups: dict[tuple[str, int], tuple[str | None, str | None]] = {}
    frame = _group_membership().sort("year", maintain_order=True)
    for code, year, group_code, group_name in frame.select(
            "current_code", "year", "group_code", "group_name").iter_rows():
        groups.setdefault((code, int(year)), (group_code, group_name))
    return MappingProxyType(groups)


@db.per_database
def _overview_of_all(year: int, indicator_ids: tuple[str, ...]) -> pl.DataFrame:
    return db.query("overview_all", {"indicator_ids": list(indicator_ids), "year": year})


def overview(code: str, year: int, indicator_ids: list[str]) -> pl.DataFrame:
    """sql/queries/overview.sql's rows for one municipality, sliced from every municipality's rows of that year (one
    query, cached), in the order of `indicator_ids`."""
    position = {ind: n for n, ind in reversed(list(enumerate(indicator_ids)))}
    return (_overview_of_all(year, tuple(indicator_ids)).filter(pl.col("current_code") == code)
            .sort(pl.col("indicator_id").replace_strict(position, return_dtype=pl.Int64)).drop("current_code"))


def comparison_series(indicator_ids: list[str], municipality: str, comparisons: list[str], from_year: int,
                      to_year: int, *, include_predecessors: bool = True,
                      aggregates: tuple[str, ...] = ("group", "EAKUO", "EAK")) -> pl.DataFrame:
    """Series for the selection, its comparisons, its KOSTRA group (per year) and the country, in one tidy frame.

    columns: indicator_id, series, role, region_code, year, value, status, is_demo, is_own_calculation,
             successor_code, main_line (for predecessors)
    """
    # Sliced from every municipality's rows of these indicators (one query, cached on the byte budget): a query per
    # municipality cost ~12 ms of server CPU on every cold chart, a slice of the cached frame well under 1 ms.
    # Predecessors: all of the chosen municipality's, and for comparisons only the one that gave it its name
    # (all of theirs would drown the chart). The rows and their order are those of sql/queries/comparison_series.sql.
    countries = [a for a in aggregates if a.startswith("E")]
    everyone = _series_of_all(tuple(indicator_ids), tuple(countries))
    # the owners' rows taken by their positions, picked with the columns' own comparisons and the few dozen kept put
    # in order in Python: a lazy query over the cached frame cost 1–2 ms of CPU a call, most of it polars' thread
    # pool and comparing every municipality's rows (dashboard/core/frames.py)
    rows = everyone.rows_of([municipality, *comparisons, *([None] if countries else [])])
    owner, part, role = rows["owner"], rows["part"], rows["role"]
    own, theirs = owner == municipality, frames.any_of(owner, comparisons)
    wanted = (part == 1) & (own | theirs)
    if "group" in aggregates:
        wanted = wanted | ((role == "group") & own)
    if countries:
        wanted = wanted | (role == "country")
    if include_predecessors:
        wanted = wanted | ((part == 3) & (own | (rows["main_line"] & theirs)))
    kept = frames.where(rows, wanted & rows["year"].is_between(from_year, to_year))
    parts, owners = kept["part"].to_list(), kept["owner"].to_list()
    roles = [r if p != 1 else ("selected" if o == municipality else "comparison")
             for p, o, r in zip(parts, owners, kept["role"].to_list())]
    keys = list(zip(parts, kept["indicator_id"].to_list(), kept["region_code"].to_list(), kept["year"].to_list()))
    order = pl.Series("order", sorted(range(len(keys)), key=keys.__getitem__), dtype=pl.UInt32)
    columns = [pl.Series("role", roles, dtype=pl.Utf8) if name == "role" else kept[name].cast(SERIES_SCHEMA[name])
               for name in SERIES_COLUMNS]
    return pl.DataFrame(columns)[order]


SERIES_COLUMNS = ["indicator_id", "series", "role", "region_code", "year", "value", "status", "is_demo",
                  "is_own_calculation", "successor_code", "main_line"]
SERIES_SCHEMA = {"indicator_id": pl.Utf8, "series": pl.Utf8, "role": pl.Utf8, "region_code": pl.Utf8,
                 "year": pl.Int32, "value": pl.Float64, "status": pl.Utf8, "is_demo": pl.Boolean,
                 "is_own_calculation": pl.Boolean, "successor_code": pl.Utf8, "main_line": pl.Boolean}


@dataclass(frozen=True)
class SeriesOfAll:
    """Every municipality's comparison rows for some indicators, sorted by owner (the country's rows, owner null,
    first), and where each owner's rows are: a municipality's rows are taken by their positions, not found by
    comparing every row."""
    frame: pl.DataFrame
    positions: Mapping[str | None, tuple[int, int]]  # owner -> (first row, number of rows)

    def rows_of(self, owners: list[str | None]) -> pl.DataFrame:
        """The rows of these owners (each once), in the frame's order."""
        spans = sorted({self.positions[o] for o in owners if o in self.positions})
        if not spans:
            return self.frame.clear()
        at = pl.Series("at", [i for start, length in spans for i in range(start, start + length)], dtype=pl.UInt32)
        return self.frame[at]


@db.per_database
def _series_of_all(indicator_ids: tuple[str, ...], countries: tuple[str, ...]) -> SeriesOfAll:
    """Every municipality's comparison rows for these indicators (sql/queries/comparison_series_all.sql), with the
    long repeated texts as categoricals (a third of the frame's size in the cache), sorted by owner."""
    frame = db.query("comparison_series_all", {"indicator_ids": list(indicator_ids),
                                                "countries": list(countries) or [""]})
    frame = (frame.with_columns(pl.col("indicator_id").cast(pl.Categorical), pl.col("series").cast(pl.Categorical))
             .sort("owner", nulls_last=False, maintain_order=True))
    positions: dict[str | None, tuple[int, int]] = {}
    for i, owner in enumerate(frame["owner"].to_list()):
        start, length = positions.get(owner, (i, 0))
        positions[owner] = (start, length + 1)
    return SeriesOfAll(frame, MappingProxyType(positions))


def merger_years(frame: pl.DataFrame) -> tuple[tuple[int, str], ...]:
    """(first year after the change, 'Sammenslåing' or 'Deling') for today's municipality, read off the
    predecessors' lines in a series frame (their labels say which kind of change it was)."""
    roles = frame["role"].to_list()
    if "predecessor" not in roles:
        return ()
    # each predecessor's last year and its label, read in Python: a few dozen rows (a filter and a group_by in
    # polars cost more than the work, dashboard/core/frames.py)
    last: dict[str, tuple[int, str]] = {}
    for role, code, year, series in zip(roles, frame["region_code"].to_list(), frame["year"].to_list(),
                                        frame["series"].to_list()):
        if role == "predecessor":
            latest, label = last.get(code, (year, series))
            last[code] = (max(latest, year), label)  # the first row's label, as group_by(...).first() took it
    return tuple(sorted({(int(year) + 1, "Deling" if "før deling" in label else "Sammenslåing")
                         for year, label in last.values()}))


@db.per_database
def group_labels(municipality: str, from_year: int, to_year: int) -> str:
    """'KOSTRA-gruppe 13 (til 2019), KOSTRA-gruppe 8 (fra 2020)' for chart subtitles."""
    frame = _membership(municipality, from_year, to_year).select(pl.col("group_name").alias("region_name"), "year")
    if frame.is_empty():
        return "KOSTRA-gruppe: ukjent"
    spans = frame.group_by("region_name").agg(pl.col("year").min().alias("a"), pl.col("year").max().alias("b")).sort("a")
    return ", ".join(f"{r['region_name']} ({r['a']}–{r['b']})" for r in spans.iter_rows(named=True))


@db.per_database
def group_ranking(indicator_id: str, group_code: str, year: int) -> pl.DataFrame:
    """Cached: a group's ranking is the same for each of its members (a group is a few dozen municipalities)."""
    return db.query("group_ranking", {"indicator_id": indicator_id, "group_code": group_code, "year": year})


@db.per_database
def all_municipalities(x_indicator: str, y_indicator: str, year: int) -> pl.DataFrame:
    """Cached: the same for every municipality's scatter (the own municipality is only highlighted)."""
    return db.query("all_municipalities_year", {"x_indicator": x_indicator, "y_indicator": y_indicator, "year": year})


@db.per_database
def _sources() -> pl.DataFrame:
    return db.query("sources")


def sources() -> pl.DataFrame:
    """Cached per database file: every chart's source line reads it, several times per page run."""
    return _sources()


@db.per_database
def source_line(indicator_ids: list[str]) -> str:
    """'Kilde: SSB, tabell 12209 (oppdatert 15.06.2025). Egen beregning: …' for the foot of a chart."""
    infos = indicators()
    formulas = {i.id: i.formula.inputs for i in effective_catalogue().formulas()}
    standing_in = set(stand_ins().filter(~pl.col("ssb_figure"))["indicator_id"].to_list())
    src = sources()
    tables = {}
    own = []

    def add(ind: str) -> None:
        info = infos.get(ind)
        if info is None:
            return
        if info.source_table:
            row = src.filter(pl.col("id") == ind)
            updated = row["updated"][0] if not row.is_empty() else None
            tables[info.source_table] = fmt.norwegian_date(updated)
        label = info.short_label + (" (fra regnskapet, i stedet for SSBs eget tall, som ikke er bekreftet mot SSB)"
                                    if ind in standing_in else "")
        if info.own_calculation and label not in own:
            own.append(label)
        for input_id in formulas.get(ind, ()):  # an own calculation names the SSB tables it is made from
            add(input_id)

    for ind in indicator_ids:
        add(ind)
    parts = [f"tabell {t} (oppdatert {d})" for t, d in sorted(tables.items())]
    text = "Kilde: SSB, " + ", ".join(parts) if parts else "Kilde: SSB"
    if own:
        text += ". Egen beregning: " + "; ".join(own)
    notes = [n for n in (stale_note(indicator_ids), resolved_note(indicator_ids)) if n]
    return ". ".join([text, *notes])


def found_by_label() -> frozenset[str]:
    """Indicators the latest fetch found at SSB by their label (the database's record of it)."""
    frame = sources()
    return frozenset(frame.filter(pl.col("resolved_code").is_not_null())["id"].to_list())


def shown_as_ours() -> frozenset[str]:
    """SSB figures the build replaced by our own calculation (the database's `indicator` says own_calculation for an
    entry the catalogue sources from SSB): unconfirmed codes, and confirmed ones the latest fetch's check failed."""
    from pipelines import catalogue
    cat = catalogue.load()
    infos = indicators()
    return frozenset(own.stands_in_for for own in cat.indicators.values()
                     if own.stands_in_for in infos and infos[own.stands_in_for].own_calculation)


def effective_catalogue():
    """The catalogue as the build applied it: SSB figures without a confirmed code replaced by our own calculation."""
    from pipelines import catalogue
    return catalogue.with_stand_ins(catalogue.load(), found_by_label(), failed=shown_as_ours())


@db.per_database
def stand_ins() -> pl.DataFrame:
    """SSB figures the catalogue has our own calculation for (`stands_in_for`), and which of the two the pages show:
    SSB's once a live check has confirmed its code, ours until then or when the latest fetch failed it (the choice the
    build made, read from the database; the rule is pipelines.catalogue.with_stand_ins).
    columns: indicator_id, figure, ssb_figure (bool), shown, ssb_source, method"""
    from pipelines import catalogue
    cat = catalogue.load()
    ours = shown_as_ours()
    rows = []
    for own in cat.indicators.values():
        if own.stands_in_for is None or own.stands_in_for not in cat.indicators:
            continue
        target = cat.indicators[own.stands_in_for]
        found = target.id in found_by_label()
        shown_ssb = target.id not in ours  # what the build applied
        why = ("" if shown_ssb else ": ikke funnet hos SSB ved siste henting"
               if catalogue.ssb_figure_confirmed(cat, target.id) else ": ikke bekreftet mot SSB")
        rows.append({
            "indicator_id": target.id, "figure": target.short_label, "ssb_figure": shown_ssb,
            "shown": ("SSBs eget tall" + (" (funnet ved navn ved siste henting)" if found else "")) if shown_ssb
            else "Egen beregning fra regnskapet",
            "ssb_source": f"tabell {target.source.table}, {target.source.contents_code} "
                          f"«{target.source.contents_label}»" + why,
            "method": own.definition,
        })
    schema = {"indicator_id": pl.Utf8, "figure": pl.Utf8, "ssb_figure": pl.Boolean, "shown": pl.Utf8,
              "ssb_source": pl.Utf8, "method": pl.Utf8}
    return pl.DataFrame(rows, schema=schema)


def stand_ins_table() -> pl.DataFrame:
    """/kilder: for each figure with an own calculation from the accounts, which one is shown and how ours is made."""
    return stand_ins().select(pl.col("figure").alias("Indikator"), pl.col("shown").alias("Vises"),
                              pl.col("ssb_source").alias("SSBs eget tall"),
                              pl.col("method").alias("Egen beregning (metode)"))


def code_lineage(row: dict) -> str:
    """How the figure's SSB code was found: by label in the latest fetch (code, label, date; what the catalogue says),
    confirmed live, seen in public evidence, or still a guess."""
    if row.get("resolved_code"):
        return (f"Funnet ved navn {fmt.norwegian_date(row.get('resolved_on'))}: {row['resolved_code']} "
                f"«{row.get('resolved_label') or ''}» i tabell {row.get('source_table')} (katalogen sier "
                f"{row.get('catalogue_code')} i tabell {row.get('catalogue_table')})")
    if row.get("own_calculation"):
        return ""
    if row.get("basis") == "chosen":
        return f"Valgt av en person blant SSBs variabler: {(row.get('evidence') or '').rstrip('.')}"
    if row.get("checked_on"):
        how = row.get("evidence") or ""
        found = f" ({how.rstrip('.')})" if how.startswith("Funnet ved navnet") else ""
        return f"Bekreftet mot SSB {fmt.norwegian_date(row['checked_on'])}{found}"
    if row.get("basis") == "guess":
        return "Gjettet kode, ikke bekreftet mot SSB"
    if row.get("basis") == "evidence":
        return "Sett i SSBs svar eller definisjoner, ikke bekreftet live"
    return ""


def resolved_note(indicator_ids: list[str]) -> str:
    """'Funnet ved navn (se Kilder): X (SSBs kode KOS…)' for figures the latest fetch found under another code (or
    table) than the catalogue's, by the catalogue's label; '' when none."""
    src = sources()
    if "resolved_code" not in src.columns:
        return ""
    rows = src.filter(pl.col("id").is_in(indicator_ids) & pl.col("resolved_code").is_not_null())
    if rows.is_empty():
        return ""
    parts = [f"{r['short_label']} (SSBs kode {r['resolved_code']}, tabell {r['source_table']})"
             for r in rows.iter_rows(named=True)]
    return "Funnet ved navn ved siste henting (se Kilder): " + "; ".join(parts)


def resolved_indicators() -> pl.DataFrame:
    """Indicators the latest fetch found by the catalogue's label under another code or table.
    columns: Indikator, Katalogen sier, SSB har, SSBs navn, Funnet"""
    frame = sources()
    if "resolved_code" not in frame.columns:
        return pl.DataFrame()
    frame = frame.filter(pl.col("resolved_code").is_not_null())
    return frame.select(
        pl.col("short_label").alias("Indikator"),
        pl.col("catalogue_code").alias("Katalogen sier"),
        (pl.col("resolved_code") + pl.lit(" i tabell ") + pl.col("source_table")).alias("SSB har"),
        pl.col("resolved_label").alias("SSBs navn"),
        pl.col("resolved_on").map_elements(fmt.norwegian_date, return_dtype=pl.Utf8).alias("Funnet"),
    )


def origin_text(is_demo, fetched_at) -> str:
    """Where an indicator's rows come from: demo, or the date of the fetch that got them."""
    if is_demo:
        return "demodata"
    return f"hentet fra SSB {fmt.norwegian_date(fetched_at)}" if fetched_at is not None else "ukjent"


def stale_note(indicator_ids: list[str]) -> str:
    """'Ikke oppdatert ved siste henting: X (tall fra demodata)' for indicators whose catalogue entry failed the
    latest fetch's check and kept earlier rows; '' when all are current. Never a silent mix."""
    src = sources()
    if "stale" not in src.columns:
        return ""
    rows = src.filter(pl.col("id").is_in(indicator_ids) & pl.col("stale"))
    if rows.is_empty():
        return ""
    missing = rows.filter(pl.col("not_found")) if "not_found" in rows.columns else rows.clear()
    kept = rows.filter(~pl.col("id").is_in(missing["id"].to_list()))
    notes = []
    if not missing.is_empty():
        notes.append(NOT_FOUND + " (se Kilder): " + "; ".join(
            f"{r['short_label']} – {r['stale_reason'] or 'ingen grunn oppgitt'}" for r in missing.iter_rows(named=True)))
    if not kept.is_empty():
        notes.append("Ikke oppdatert ved siste henting (se Kilder): " + "; ".join(
            f"{r['short_label']} ({origin_text(r['origin_is_demo'], r['origin_fetched_at'])})"
            for r in kept.iter_rows(named=True)))
    return ". ".join(notes)


NOT_FOUND = "Ikke funnet hos SSB"  # a live database's figure whose entry SSB has under neither code nor label


def display_table(frame: pl.DataFrame, *, unit: str, decimals: int, index: str = "series",
                  columns: str = "year") -> pl.DataFrame:
    """Wide table for st.dataframe and downloads: one row per series, one column per year, Norwegian text cells
    with SSB's symbols where a value is missing."""
    if frame.is_empty():
        return pl.DataFrame({"Serie": []})
    # the cells' texts and the rows' order made in Python: a figure's frame is a few dozen rows, and a polars
    # operation per step (or a Python function per row through map_elements) cost more than the work (issue 27)
    texts = [fmt.number(v, decimals, status=s) for v, s in zip(frame["value"].to_list(), frame["status"].to_list())]
    keys, heads = frame[index].to_list(), frame[columns].to_list()
    rows = range(frame.height)
    if "role" in frame.columns:  # the chosen municipality first, then comparisons, group, country, predecessors
        order = {"selected": 0, "comparison": 1, "group": 2, "country": 3, "predecessor": 4}
        rank = [order.get(r, 9) for r in frame["role"].to_list()]
        rows = sorted(rows, key=rank.__getitem__)  # stable: equal roles keep their order
    if None in heads:  # a missing column value: polars names that column, as it always has
        ordered = frame.select(index, columns).with_columns(pl.Series("text", texts, dtype=pl.Utf8))[list(rows)]
        return ordered.pivot(values="text", index=index, on=columns, aggregate_function="first",
                             sort_columns=True).rename({index: "Serie"})
    # polars' pivot (first value per cell, rows in order of appearance, columns sorted by value), in Python
    cells: dict = {}
    for i in rows:
        cells.setdefault(keys[i], {}).setdefault(heads[i], texts[i])
    columns_sorted = sorted(set(heads))
    data = {"Serie": list(cells), **{str(h): [cells[k].get(h) for k in cells] for h in columns_sorted}}
    return pl.DataFrame(data, schema={"Serie": frame.schema[index], **{str(h): pl.Utf8 for h in columns_sorted}})


@db.per_database
def missing_sums(indicator_ids: list[str] | None = None, region_codes: list[str] | None = None) -> pl.DataFrame:
    """Group and country sums the build stored as missing because a member has no figure, with the build's reason
    (sql/queries/missing_sums.sql); empty lists mean all. columns: indicator_id, short_label, region_code,
    region_name, year, status, reason"""
    return db.query("missing_sums", {"indicator_ids": list(indicator_ids or []),
                                     "region_codes": list(region_codes or [])})


def with_missing_reasons(frame: pl.DataFrame) -> pl.DataFrame:
    """The comparison frame with a `reason` column: why a group's or the country's sum is missing (else null)."""
    if frame.is_empty() or "region_code" not in frame.columns or not frame["value"].null_count():
        return frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("reason"))
    gaps = frames.where(frame, frame["value"].is_null() & frames.any_of(frame["role"], ["group", "country"]))
    if gaps.is_empty():
        return frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("reason"))
    reasons = missing_sums(sorted(set(gaps["indicator_id"].to_list())),
                           sorted(set(gaps["region_code"].to_list())))
    reasons = reasons.select("indicator_id", "region_code", "year", "reason")
    return frame.join(reasons, on=["indicator_id", "region_code", "year"], how="left")


def sum_reason(indicator_id: str, region_code: str | None, year: int) -> str | None:
    """Why a group's or the country's figure is missing, as the build stored it; None when it is not a missing sum."""
    if not region_code:
        return None
    rows = missing_sums([indicator_id], [region_code]).filter(pl.col("year") == year)
    return rows["reason"][0] if not rows.is_empty() else None


def missing_sum_note(frame: pl.DataFrame) -> str:
    """'Vises som «..» (se Kilder): KOSTRA-gruppe 13 2024 – Summen mangler: 1 av 2 kommuner …' for the source line
    of a figure whose group or country value is a missing sum; '' when none."""
    if "reason" not in frame.columns or frame["reason"].null_count() == frame.height:
        return ""
    rows = frame.filter(pl.col("reason").is_not_null()).unique(["series", "year", "reason"], maintain_order=True)
    if rows.is_empty():
        return ""
    return "Vises som «..» (se Kilder): " + "; ".join(
        f"{r['series']} {r['year']} – {r['reason']}" for r in rows.sort("series", "year").iter_rows(named=True))


def missing_sums_table(region_codes: list[str] | None = None) -> pl.DataFrame:
    """For /kilder: sums shown as «..» and why. columns: Indikator, Område, År, Hvorfor"""
    frame = missing_sums([], list(region_codes or []))
    return frame.select(
        pl.col("short_label").alias("Indikator"),
        pl.col("region_name").alias("Område"),
        pl.col("year").alias("År"),
        pl.col("reason").alias("Hvorfor"),
    )


def long_table(frame: pl.DataFrame, *, unit: str, decimals: int) -> pl.DataFrame:
    """Long, numeric table for downloads (Norwegian headers, symbol kept in its own column)."""
    if frame.is_empty():
        return pl.DataFrame({"Serie": [], "År": [], "Verdi": [], "Symbol": [], "Forklaring": []})
    # made column by column (series operations, no query each) and the symbols' meanings looked up in Python: a few
    # dozen rows, for which map_elements and a query per step cost more than the work (issue 27)
    meanings = [fmt.status_meaning(s) if s is not None else None for s in frame["status"].to_list()]
    if "reason" in frame.columns:
        meanings = [r if r is not None else m for r, m in zip(frame["reason"].to_list(), meanings)]
    return pl.DataFrame([
        frame["series"].alias("Serie"),
        frame["year"].alias("År"),
        frame["value"].round(decimals).alias(f"Verdi ({unit})" if unit else "Verdi"),
        frame["status"].alias("Symbol"),
        pl.Series("Forklaring", meanings, dtype=pl.Utf8),
        pl.Series("Datagrunnlag", ["Demodata" if d else "SSB" for d in frame["is_demo"].to_list()], dtype=pl.Utf8),
    ])


@db.per_database
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



@db.per_database
def overview_cards(municipality: str, year: int, indicator_ids: list[str]) -> pl.DataFrame:
    """One row per key figure with Norwegian text ready for st.metric and the table under it."""
    frame = overview(municipality, year, indicator_ids)
    infos = indicators()
    rows = []
    for r in frame.iter_rows(named=True):
        info = infos[r["indicator_id"]]
        change = None
        if r["value"] is not None and r["previous_value"] is not None:
            change = fmt.signed(r["value"] - r["previous_value"], info.unit, info.decimals)
            # st.metric reads the direction from a leading ASCII minus
            change = f"{change.replace(chr(0x2212), '-', 1)} fra {year - 1}"
        if info.kind != "ratio":
            rank = "antall, ikke rangert"  # a count ranks by size, which says nothing about the service
        elif r["rank"] is not None:
            rank = f"nr. {r['rank']} av {r['ranked_count']} i gruppen"
        else:
            rank = "ikke rangert"
        help_text = info.definition + (" (Egen beregning.)" if info.own_calculation else "")
        if r["value"] is None:
            help_text += f" Symbol {r['status']}: {fmt.status_meaning(r['status'])}."
        group_text = (fmt.with_unit(r["group_value"], info.unit, info.decimals, status=r["group_status"])
                      if r["group_code"] else "ingen KOSTRA-gruppe")
        country_text = fmt.with_unit(r["country_value"], info.unit, info.decimals, status=r["country_status"])
        # a sum with a member missing says why next to its «..» (the card's caption and the table)
        if r["group_code"] and r["group_value"] is None:
            group_text = _with_reason(group_text, sum_reason(r["indicator_id"], r["group_code"], year))
        if r["country_value"] is None:
            country_text = _with_reason(country_text, sum_reason(r["indicator_id"], COUNTRY_CODE, year))
        rows.append({
            "Indikator": info.short_label,
            "Verdi": fmt.with_unit(r["value"], info.unit, info.decimals, status=r["status"]),
            "Endring": change,
            "Gruppeverdi": group_text,
            "Landsverdi": country_text,
            "Rang": rank,
            "Gruppe": r["group_name"],
            "Retning": info.higher_is_better,
            "Hjelp": help_text,
        })
    return pl.DataFrame(rows, schema={"Indikator": pl.Utf8, "Verdi": pl.Utf8, "Endring": pl.Utf8,
                                      "Gruppeverdi": pl.Utf8, "Landsverdi": pl.Utf8, "Rang": pl.Utf8,
                                      "Gruppe": pl.Utf8, "Retning": pl.Boolean, "Hjelp": pl.Utf8})


COUNTRY_CODE = "EAKUO"  # the overview's country column: landet uten Oslo (sql/views/40_municipality_overview.sql)


def _with_reason(text: str, reason: str | None) -> str:
    return f"{text} ({reason})" if reason else text


def ranking_table(frame: pl.DataFrame, *, unit: str, decimals: int) -> pl.DataFrame:
    texts = pl.Series("_text", [fmt.with_unit(v, unit, decimals, status=s) for v, s in
                                zip(frame["value"].to_list(), frame["status"].to_list())], dtype=pl.Utf8)
    return frame.with_columns(texts).select(
        pl.col("rank").alias("Rang"),
        pl.col("region_name").alias("Kommune"),
        pl.col("region_code").alias("Kommunenr."),
        pl.col("_text").alias("Verdi"),
        pl.col("value").alias(f"Tall ({unit})"),
        pl.col("status").alias("Symbol"),
    ).sort("Rang", nulls_last=True)


SHARE_INDICATORS = [
    "home_care_share_of_care_net_expenditure",
    "institution_share_of_care_net_expenditure",
    "premises_share_of_care_net_expenditure",
    "activity_share_of_care_net_expenditure",
]


def shares_for_year(municipality: str, comparisons: list[str], year: int) -> pl.DataFrame:
    """Shares of net care expenditure per function for the selection, comparisons, group and country in one year.

    columns: series, role, indicator_id, function (label), year, value, status, is_demo
    """
    frame = comparison_series(SHARE_INDICATORS, municipality, comparisons, year, year, include_predecessors=False,
                              aggregates=("group", "EAKUO"))
    labels = {i: indicators()[i].short_label for i in SHARE_INDICATORS}
    order = {"selected": 0, "comparison": 1, "group": 2, "country": 3}
    return (frame.with_columns(pl.col("indicator_id").replace_strict(labels).alias("function"),
                               pl.col("role").replace_strict(order, default=9).alias("_o"))
            .sort("_o", "series").drop("_o"))


def scatter_table(frame: pl.DataFrame, *, x_label: str, y_label: str) -> pl.DataFrame:
    return frame.select(
        pl.col("region_name").alias("Kommune"),
        pl.col("region_code").alias("Kommunenr."),
        pl.col("group_code").alias("KOSTRA-gruppe"),
        pl.col("x_value").alias(f"{x_label} (%)"),
        pl.col("x_status").alias("Symbol x"),
        pl.col("y_value").alias(f"{y_label} (kr)"),
        pl.col("y_status").alias("Symbol y"),
    )


SERVICE_INDICATORS = [
    "home_care_recipients",
    "institution_long_term_residents",
    "institution_short_term_residents",
    "housing_24h_residents",
]
# users of home services by age: SSB table 11645 (12292 has no 67-79 group); 0-66 is our sum of 0-49 and 50-66
AGE_INDICATORS = ["home_care_users_age_0_66", "home_care_users_age_67_79", "home_care_users_age_80_89",
                  "home_care_users_age_90_plus"]


def users_by_service(municipality: str, from_year: int, to_year: int) -> pl.DataFrame:
    """The municipality's users per service type over time; series = service name.

    columns: series, role, indicator_id, year, value, status, is_demo
    """
    frame = comparison_series(SERVICE_INDICATORS, municipality, [], from_year, to_year, include_predecessors=False,
                              aggregates=())
    labels = {i: indicators()[i].service or indicators()[i].short_label for i in SERVICE_INDICATORS}
    return frame.with_columns(pl.col("indicator_id").replace_strict(labels).alias("series"),
                              pl.lit("comparison").alias("role"))


def age_distribution(municipality: str, comparisons: list[str], year: int) -> pl.DataFrame:
    """Share of home-care recipients in each age group, per region (our calculation from SSB's counts).

    columns: series, role, age_group, year, value (%), status, is_demo
    """
    frame = comparison_series(AGE_INDICATORS, municipality, comparisons, year, year, include_predecessors=False,
                              aggregates=("group", "EAKUO"))
    if frame.is_empty():
        return frame.with_columns(pl.lit(None, pl.Utf8).alias("age_group"))
    ages = {i: indicators()[i].age_group for i in AGE_INDICATORS}
    order = {"selected": 0, "comparison": 1, "group": 2, "country": 3}
    age_order = {i: n for n, i in enumerate(AGE_INDICATORS)}  # youngest first, in legend and stack
    # a share needs every age group's count: one hidden group (:) hides the others' shares too
    total = pl.when(pl.col("value").null_count().over("series") == 0).then(pl.col("value").sum().over("series"))
    return (frame.lazy()
            .with_columns(total.alias("total"))
            .with_columns(
                (pl.col("value") / pl.col("total") * 100).alias("value"),
                pl.when(pl.col("total").is_null()).then(pl.coalesce(pl.col("status"), pl.lit(":")))
                .otherwise(pl.col("status")).alias("status"),
                pl.col("indicator_id").replace_strict(ages).alias("age_group"),
                pl.col("role").replace_strict(order, default=9).alias("_o"),
                pl.col("indicator_id").replace_strict(age_order, default=9).alias("_a"))
            .sort("_a", "_o", "series", maintain_order=True).drop("_o", "_a", "total")
            .collect())


def sources_intro(info: dict[str, str]) -> str:
    built = fmt.norwegian_date(info.get("built_at"))
    if info.get("is_demo") == "true":
        return (f"Databasen ble bygget {built} fra **det innebygde øyeblikksbildet**. SSB-tabellene i det er "
                "**demodata**: svarene har nøyaktig SSBs format (JSON-stat 2.0), men tallene er syntetiske. "
                "Kommunenumre og -navn er ekte (KLASS); inndelingen i KOSTRA-grupper er syntetisk. "
                "Hent ekte tall med `python -m pipelines fetch` når maskinen har nett.")
    return f"Databasen ble bygget {built} fra svar hentet fra SSB og KLASS."


def edition(updated, last_year: int | None) -> str:
    """KOSTRA's two editions: unrevised figures on 15 March, revised on 15 June. The API does not flag them;
    the table's `updated` time tells which one we have."""
    if updated is None or last_year is None:
        return ""
    published = updated.date() if hasattr(updated, "date") else updated
    kind = "ureviderte" if published < date(last_year + 1, 6, 15) else "reviderte"
    return f"Tall for {last_year} er {kind}, publisert {fmt.norwegian_date(published)}"


def projection_edition(updated) -> str:
    """A population projection is not a KOSTRA edition: its last year is in the future, and it is published once."""
    return f"Befolkningsframskriving, publisert {fmt.norwegian_date(updated)}"


def sources_table() -> pl.DataFrame:
    frame = sources()
    editions = [projection_edition(u) if g == "projection" else edition(u, y)
                for u, y, g in zip(frame["updated"].to_list(), frame["last_year"].to_list(),
                                   frame["indicator_group"].to_list())]
    frame = frame.with_columns(pl.Series("edition", editions, dtype=pl.Utf8))
    return frame.select(
        pl.col("short_label").alias("Indikator"),
        pl.when(pl.col("own_calculation")).then(pl.lit("Egen beregning: ") + pl.col("formula"))
        .otherwise(pl.lit("SSB tabell ") + pl.col("source_table")).alias("Kilde"),
        pl.col("contents_code").alias("Statistikkvariabel"),
        pl.col("contents_label").alias("SSBs navn på variabelen"),
        pl.col("unit").alias("Enhet"),
        pl.col("definition").alias("Definisjon"),
        pl.col("updated").map_elements(fmt.norwegian_date, return_dtype=pl.Utf8).alias("Oppdatert hos SSB"),
        pl.col("edition").alias("Utgave"),
        pl.col("fetched_at").map_elements(fmt.norwegian_date, return_dtype=pl.Utf8).alias("Hentet"),
        pl.when(pl.col("is_demo")).then(pl.lit("Demodata")).otherwise(pl.lit("Ekte")).alias("Data"),
        pl.struct("origin_is_demo", "origin_fetched_at", "stale", "stale_reason", "not_found").map_elements(
            lambda r: (f"{NOT_FOUND}: {r['stale_reason']}" if r["not_found"] else
                       origin_text(r["origin_is_demo"], r["origin_fetched_at"]).capitalize()
                       + (f" – ikke oppdatert ved siste henting: {r['stale_reason']}" if r["stale"] else "")),
            return_dtype=pl.Utf8).alias("Opphav"),
        pl.when(pl.col("verified")).then(pl.lit("ja")).otherwise(pl.lit("ikke verifisert mot SSB ennå"))
        .alias("Kode verifisert"),
        pl.struct(*[c for c in LINEAGE_COLUMNS if c in frame.columns]).map_elements(
            code_lineage, return_dtype=pl.Utf8).alias("Koden"),
    )


LINEAGE_COLUMNS = ("resolved_code", "resolved_label", "resolved_on", "catalogue_code", "catalogue_table",
                   "source_table",
                   "own_calculation", "checked_on", "basis", "evidence")


def table_editions() -> pl.DataFrame:
    """One row per SSB table: its title, SSB's update time, and whether the figures are SSB's unrevised (15 March)
    or revised (15 June) edition. columns: Tabell, Tittel, Oppdatert hos SSB, Utgave, Hentet, Data"""
    frame = db.query("source_tables_summary")
    projections = {i.source_table for i in indicators().values() if i.group == "projection"}
    editions = [projection_edition(u) if t in projections else edition(u, y) for t, u, y in
                zip(frame["table_id"].to_list(), frame["updated_date"].to_list(), frame["last_year"].to_list())]
    return frame.with_columns(pl.Series("edition", editions, dtype=pl.Utf8)).select(
        pl.col("table_id").alias("Tabell"),
        pl.col("title").alias("Tittel"),
        pl.col("updated").alias("Oppdatert hos SSB"),
        pl.col("edition").alias("Utgave"),
        pl.col("fetched_at").alias("Hentet"),
        pl.when(pl.col("is_demo")).then(pl.lit("Demodata")).otherwise(pl.lit("Ekte")).alias("Data"),
    )


def stale_indicators() -> pl.DataFrame:
    """Indicators the latest fetch could not update (catalogue entry failed the check). columns: Indikator, Opphav, Hvorfor"""
    frame = sources().filter(pl.col("stale"))
    return frame.select(
        pl.col("short_label").alias("Indikator"),
        pl.struct("origin_is_demo", "origin_fetched_at", "not_found").map_elements(
            lambda r: (f"ingen tall ({NOT_FOUND.lower()})" if r["not_found"] else
                       origin_text(r["origin_is_demo"], r["origin_fetched_at"])), return_dtype=pl.Utf8).alias("Tallene er"),
        pl.col("stale_reason").alias("Hvorfor"),
    )


def source_notes() -> dict[str, list[str]]:
    frame = sources().filter(pl.col("source_table").is_not_null()).unique("source_table", maintain_order=True)
    return {r["source_table"]: list(r["notes"] or []) for r in frame.iter_rows(named=True)}


def symbol_table() -> pl.DataFrame:
    return pl.DataFrame({"Symbol": list(fmt.STATUS_MEANING), "Betydning": list(fmt.STATUS_MEANING.values())})


def overview_index(municipality: str, year: int, indicator_ids: list[str]) -> pl.DataFrame:
    """The municipality's figure as an index of its KOSTRA group's (group = 100). Our calculation, for a one-glance
    profile chart. columns: indicator, value (index), status, own_text, group_text, is_demo"""
    frame = overview(municipality, year, indicator_ids)
    infos = indicators()
    rows = []
    for r in frame.iter_rows(named=True):
        info = infos[r["indicator_id"]]
        if info.kind != "ratio":
            continue  # counts depend on size; an index against a group total says nothing
        ok = r["value"] is not None and r["group_value"] not in (None, 0)
        rows.append({
            "indicator": info.short_label,
            "value": r["value"] / r["group_value"] * 100 if ok else None,
            "status": None if ok else (r["status"] or r["group_status"] or ".."),
            "own_text": fmt.with_unit(r["value"], info.unit, info.decimals, status=r["status"]),
            "group_text": fmt.with_unit(r["group_value"], info.unit, info.decimals, status=r["group_status"]),
            "is_demo": bool(r["is_demo"]),
        })
    return pl.DataFrame(rows, schema={"indicator": pl.Utf8, "value": pl.Float64, "status": pl.Utf8,
                                      "own_text": pl.Utf8, "group_text": pl.Utf8, "is_demo": pl.Boolean})
