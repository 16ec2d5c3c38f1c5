"""Runs the age-adjusted queries (sql/queries/age_adjusted_*.sql) and shapes their rows for charts, tables and
downloads. The method itself is SQL (sql/views/70_age_adjusted_inputs.sql, 71_age_adjusted_pairs.sql); nothing here
recomputes a part, it only rounds and words what SQL returned.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import polars as pl

from dashboard.age_adjusted.selection import COUNTRY, GROUP, AgeAdjustedSelection
from dashboard.core import db, fmt
from dashboard.core.sentences import balanced  # noqa: F401 (the age-adjusted modules round with it as aq.balanced)
from dashboard.core.text import possessive
from dashboard.kostra import queries as kostra_queries

FIRST_YEAR = 2016
SERVICES = ("home_care", "long_term")
SERVICE_LABELS = {"home_care": "Hjemmetjenester", "long_term": "Langtidsopphold i institusjon", "total": "I alt"}
SERVICE_WORDS = {"home_care": "hjemmetjenester", "long_term": "langtidsopphold i institusjon",
                 "total": "hjemmetjenester og langtidsopphold"}
AGE_LABELS = {"0-66": "0–66 år", "67-79": "67–79 år", "80+": "80 år og over", "80-89": "80–89 år",
              "90+": "90 år og over"}
PARTS = ("demography", "coverage", "unit_cost")
PART_LABELS = {"demography": "Demografi", "coverage": "Dekningsgrad", "unit_cost": "Enhetskostnad"}
# every catalogue indicator the comparison reads, for the source line
INDICATORS = ["population_age_0_66", "population_age_67_79", "population_age_80_89", "population_age_90_plus",
              "home_care_recipients", "home_care_recipients_0_66", "home_care_recipients_80_plus",
              "long_term_residents_age_0_66", "long_term_residents_age_67_79", "long_term_residents_age_80_89",
              "long_term_residents_age_90_plus", "home_care_cost_per_recipient", "institution_cost_per_place"]


# ---------------------------------------------------------------------------------------------- queries

@db.per_database
def _years() -> tuple[int, ...]:
    return tuple(db.query("age_adjusted_years", {"from_year": FIRST_YEAR})["year"].to_list())


def years() -> list[int]:
    """The years the comparison has inputs for, from 2016 (cached per database file)."""
    return list(_years())


# the references whose split is stored for every municipality at build (sql/derive/materialise_views.sql)
STORED_REFERENCES = frozenset({COUNTRY, "EAK", GROUP})


@db.per_database(working=True)  # what the comparison and the figures are made from; they are cached themselves
def _split(municipality: str, reference: str) -> pl.DataFrame:
    # the stored split answers in about 3 ms; the method's query costs about 14, most of it DuckDB planning it
    name = "age_adjusted_split_stored" if reference in STORED_REFERENCES else "age_adjusted_split"
    return db.query(name, {"municipality": municipality, "reference": reference, "from_year": FIRST_YEAR})


def split(municipality: str, reference: str) -> pl.DataFrame:
    """Every year's split for one municipality and reference: rows per age group, per service and the total (one
    query for all the page shows). Cached per database file: changing the year on the page needs no query."""
    return _split(municipality, reference)


def coverage(municipality: str, reference: str, year: int) -> pl.DataFrame:
    """One year's rows per service and age group: our and the reference's inhabitants, shares, users, coverage."""
    rows = split(municipality, reference)
    return rows.filter((pl.col("level") == "age_group") & (pl.col("year") == year))


# ---------------------------------------------------------------------------------------------- the comparison

@dataclass(frozen=True)
class Comparison:
    """One municipality against one reference, every year, with the chosen year's coverage by age group."""
    municipality: str
    name: str
    reference: str              # COUNTRY, GROUP or a municipality's code (the selection's choice)
    year: int
    split: pl.DataFrame         # rows of age_adjusted_split per service and total, every year
    coverage: pl.DataFrame      # its rows per age group for `year`
    is_demo: bool

    @cached_property
    def cells(self) -> dict[tuple[int, str], dict]:
        return {(r["year"], r["service"]): r for r in self.split.iter_rows(named=True)}

    def row(self, service: str = "total", year: int | None = None) -> dict | None:
        return self.cells.get((year or self.year, service))

    @property
    def reference_name(self) -> str:
        """The reference as a sentence names it: «landet uten Oslo», «KOSTRA-gruppe 14», «Skien»."""
        row = self.row()
        if self.reference == COUNTRY:
            return "landet uten Oslo"
        if row and row["reference_name"]:
            return row["reference_name"]
        if self.reference == GROUP:
            return "KOSTRA-gruppen"
        return kostra_queries.municipality_names().get(self.reference, self.reference)

    @property
    def reference_title(self) -> str:
        """The reference at the start of a label: «Landet uten Oslo»."""
        text = self.reference_name
        return text[:1].upper() + text[1:]

    @property
    def has_split(self) -> bool:
        row = self.row()
        return row is not None and all(row[p] is not None for p in PARTS) and row["gap"] is not None


def compare(sel: AgeAdjustedSelection) -> Comparison:
    """The comparison for the page and its registered figures; the latest one is kept, since the page and its five
    figures ask for the same one in a run."""
    return comparison(sel.municipality, sel.reference, sel.year)


def comparison(municipality: str, reference: str, year: int) -> Comparison:
    """The comparison for one municipality, reference and year (compare's, without a selection)."""
    return _compare_latest(municipality, reference, year)


@db.per_database(working=True)  # the page keeps its texts (ui.page_texts) and figures: this serves building them
def _compare_latest(municipality: str, reference: str, year: int) -> Comparison:
    return comparison_of(municipality, reference, year, _split(municipality, reference))


def comparison_of(municipality: str, reference: str, year: int, every: pl.DataFrame) -> Comparison:
    """The Comparison made of age_adjusted_split's rows (`every`, all years) for the chosen year."""
    rows = every.filter(pl.col("level") != "age_group")
    cov = every.filter((pl.col("level") == "age_group") & (pl.col("year") == year))
    name = kostra_queries.municipality_names().get(municipality, municipality)
    is_demo = bool(rows["is_demo"].any()) if not rows.is_empty() else kostra_queries.database_is_demo()
    return Comparison(municipality, name, reference, year, rows, cov, is_demo)


# ---------------------------------------------------------------------------------------------- rounding

def million_step(*values: float) -> float:
    """Whole millions when the amounts are large, tenths for a small municipality's few millions."""
    return 1e6 if max((abs(v) for v in values), default=0) >= 10e6 else 1e5


def millions(value: float, step: float = 1e6) -> str:
    """«45 mill. kr», «−7 mill. kr», «2,4 mill. kr»."""
    return f"{fmt.number(value / 1e6, 0 if step >= 1e6 else 1)}{fmt.NBSP}mill.{fmt.NBSP}kr"


# ---------------------------------------------------------------------------------------------- frames and tables

def waterfall_steps(c: Comparison, service: str) -> list[tuple[str, float, str]]:
    """(label, million kroner, measure) from the reference's spending with our inhabitants through the three parts
    to our modelled spending; only the known bars when a part is missing (never a part drawn as zero)."""
    row = c.row(service)
    if row is None:
        return []
    start, end = _labels(c)
    if all(row[p] is not None for p in PARTS) and row["baseline"] is not None and row["modelled"] is not None:
        step = 1e5
        base, modelled = (round(row["baseline"] / step), round(row["modelled"] / step))
        # the end bar is the modelled spending rounded, the parts balanced to what the two printed ends leave
        parts = balanced({p: row[p] for p in PARTS}, (modelled - base) * step, step)
        return ([(start, base / 10, "absolute")]
                + [(PART_LABELS[p], round(parts[p] / step) / 10, "relative") for p in PARTS]
                + [(end, modelled / 10, "total")])
    known = [(start, row["baseline"]), (end, row["modelled"])]
    return [(label, round(value / 1e5) / 10, "absolute") for label, value in known if value is not None]


def _labels(c: Comparison) -> tuple[str, str]:
    return (f"{c.reference_title} med {possessive(c.name)} innbyggere",
            f"{possessive(c.name)} modellerte utgift")


def _kroner_split(c: Comparison, row: dict) -> list[tuple[str, float | None, str | None]]:
    """(step, kroner, SSB's symbol where missing): the parts rounded to the krone so that they add up to the gap."""
    complete = all(row[p] is not None for p in PARTS) and row["gap"] is not None
    ends = (_round(row["baseline"]), _round(row["modelled"]))
    # the gap printed is the printed end minus the printed start, and the parts add up to it
    gap = ends[1] - ends[0] if None not in ends and row["gap"] is not None else _round(row["gap"])
    rounded = (balanced({p: row[p] for p in PARTS}, gap, 1.0) if complete and gap is not None
               else {p: _round(row[p]) for p in PARTS})
    start, end = _labels(c)

    def cell(label: str, value: float | None, missing: list[str] | None) -> tuple[str, float | None, str | None]:
        return label, value, None if value is not None else _first_status(missing)
    return [cell(start, ends[0], row["gap_missing"]),
            *[cell(PART_LABELS[p], rounded[p], row[f"{p}_missing"]) for p in PARTS],
            cell("Avstand i alt", gap, row["gap_missing"]),
            cell(end, ends[1], row["gap_missing"])]


def waterfall_table(c: Comparison, service: str) -> pl.DataFrame:
    """The waterfall's numbers to the krone (the parts add up to the gap), with SSB's symbol where missing."""
    row = c.row(service)
    rows = _kroner_split(c, row) if row else []
    return pl.DataFrame({"Steg": [label for label, _, _ in rows],
                         "Beløp": [fmt.kroner(v) if v is not None else s for _, v, s in rows]},
                        schema={"Steg": pl.Utf8, "Beløp": pl.Utf8})


def _round(value: float | None) -> float | None:
    return None if value is None else float(round(value))


def waterfall_download(c: Comparison, service: str) -> pl.DataFrame:
    """Numeric, to the krone, one row per step: for CSV/XLSX."""
    row = c.row(service)
    rows = _kroner_split(c, row) if row else []
    n = len(rows)
    return pl.DataFrame({
        "Kommune": [c.name] * n, "Referanse": [c.reference_title] * n, "År": [c.year] * n,
        "Tjeneste": [SERVICE_LABELS[service]] * n, "Steg": [label for label, _, _ in rows],
        "Beløp (kr)": [v for _, v, _ in rows], "Symbol": [s for _, _, s in rows],
        "Forklaring": [fmt.status_meaning(s) if s else None for _, _, s in rows],
        "Datagrunnlag": ["Demodata" if c.is_demo else "SSB, egen beregning"] * n,
    }, schema_overrides={"År": pl.Int32, "Beløp (kr)": pl.Float64, "Symbol": pl.Utf8, "Forklaring": pl.Utf8})


def parts_frame(c: Comparison, service: str = "total") -> pl.DataFrame:
    """columns: series (part or «Avstand i alt»), year, value (million kroner), status, is_demo; one row per year."""
    rows = c.split.filter(pl.col("service") == service)
    out = []
    for r in rows.iter_rows(named=True):
        complete = all(r[p] is not None for p in PARTS) and r["gap"] is not None
        step = 1e5
        rounded = balanced({p: r[p] for p in PARTS}, r["gap"], step) if complete else {p: r[p] for p in PARTS}
        for p in PARTS:
            value = rounded[p]
            out.append((PART_LABELS[p], r["year"], None if value is None else value / 1e6,
                        None if value is not None else _first_status(r[f"{p}_missing"]), r["is_demo"]))
        gap = r["gap"]
        out.append(("Avstand i alt", r["year"], None if gap is None else round(gap / step) * step / 1e6,
                    None if gap is not None else _first_status(r["gap_missing"]), r["is_demo"]))
    return pl.DataFrame(out, schema={"series": pl.Utf8, "year": pl.Int32, "value": pl.Float64, "status": pl.Utf8,
                                     "is_demo": pl.Boolean}, orient="row")


def _first_status(missing: list[str] | None) -> str:
    """SSB's symbol of the first missing input ('..' when none is named)."""
    for item in missing or []:
        status = item.rsplit("|", 1)[-1]
        if status:
            return status
    return ".."


def parts_download(c: Comparison, service: str = "total") -> pl.DataFrame:
    """Every year's split to the krone (parts adding up to the gap), numeric, for CSV/XLSX."""
    rows = [(r["year"], label, value, status)
            for r in c.split.filter(pl.col("service") == service).iter_rows(named=True)
            for label, value, status in _kroner_split(c, r)]
    frame = pl.DataFrame(rows, schema={"År": pl.Int32, "Steg": pl.Utf8, "Beløp (kr)": pl.Float64, "Symbol": pl.Utf8},
                         orient="row")
    return frame.with_columns(
        pl.lit(c.name).alias("Kommune"), pl.lit(c.reference_title).alias("Referanse"),
        pl.lit(SERVICE_LABELS[service]).alias("Tjeneste"),
        pl.col("Symbol").map_elements(fmt.status_meaning, return_dtype=pl.Utf8).alias("Forklaring"),
        pl.lit("Demodata" if c.is_demo else "SSB, egen beregning").alias("Datagrunnlag")).select(
        "Kommune", "Referanse", "Tjeneste", "År", "Steg", "Beløp (kr)", "Symbol", "Forklaring", "Datagrunnlag")


def coverage_frame(c: Comparison) -> pl.DataFrame:
    """columns for charts.grouped_bar: group (service and age), region (ours / reference), value (%), status."""
    out = []
    for r in c.coverage.iter_rows(named=True):
        label = f"{'Hjemmetj.' if r['service'] == 'home_care' else 'Langtidsopph.'} {AGE_LABELS[r['age_group']]}"
        for who, name in (("own", c.name), ("reference", c.reference_title)):
            value = r[f"{who}_coverage"]
            status = None if value is not None else (r[f"{who}_users_status"] or r[f"{who}_population_status"] or "..")
            out.append((label, name, None if value is None else value * 100, status, r["is_demo"]))
    return pl.DataFrame(out, schema={"group": pl.Utf8, "region": pl.Utf8, "value": pl.Float64, "status": pl.Utf8,
                                     "is_demo": pl.Boolean}, orient="row")


def coverage_table(c: Comparison) -> pl.DataFrame:
    """By service and age group: inhabitants, share of the inhabitants, users and coverage, ours beside the
    reference's (the numbers behind the demography and coverage parts)."""
    rows = []
    for r in c.coverage.iter_rows(named=True):
        row = {"Tjeneste": SERVICE_LABELS[r["service"]], "Aldersgruppe": AGE_LABELS[r["age_group"]]}
        for who, name in (("own", c.name), ("reference", c.reference_title)):
            share, cov = r[f"{who}_share"], r[f"{who}_coverage"]
            row[f"Andel av innbyggerne, {name}"] = (fmt.percent(share * 100, 1) if share is not None
                                                    else r[f"{who}_population_status"] or "..")
            row[f"Brukere, {name}"] = fmt.number(r[f"{who}_users"], 0, status=r[f"{who}_users_status"])
            row[f"Dekningsgrad, {name}"] = (fmt.percent(cov * 100, 1) if cov is not None
                                            else r[f"{who}_users_status"] or r[f"{who}_population_status"] or "..")
        rows.append(row)
    if not rows:
        return pl.DataFrame({"Tjeneste": [], "Aldersgruppe": []}, schema={"Tjeneste": pl.Utf8, "Aldersgruppe": pl.Utf8})
    return pl.DataFrame(rows)


def coverage_download(c: Comparison) -> pl.DataFrame:
    """Numeric: inhabitants, users and coverage (%) per service and age group, ours and the reference's."""
    def pct(value: float | None) -> float | None:
        return None if value is None else value * 100
    rows = [(SERVICE_LABELS[r["service"]], AGE_LABELS[r["age_group"]], c.year,
             r["own_population"], r["own_users"], pct(r["own_coverage"]),
             r["reference_population"], r["reference_users"], pct(r["reference_coverage"]),
             "Demodata" if r["is_demo"] else "SSB")
            for r in c.coverage.iter_rows(named=True)]
    names = ["Tjeneste", "Aldersgruppe", "År", f"Innbyggere, {c.name}", f"Brukere, {c.name}",
             f"Dekningsgrad (%), {c.name}", f"Innbyggere, {c.reference_title}", f"Brukere, {c.reference_title}",
             f"Dekningsgrad (%), {c.reference_title}", "Datagrunnlag"]
    types = [pl.Utf8, pl.Utf8, pl.Int32] + [pl.Float64] * 6 + [pl.Utf8]
    return pl.DataFrame(rows, schema=dict(zip(names, types)), orient="row")


# ---------------------------------------------------------------------------------------------- source and method

def member_sums_note(c: Comparison) -> str:
    """« Langtidsbeboere etter alder for KOSTRA-gruppe 14 er summen av kommunene (egen beregning).» when the
    reference's long-term residents are our member sums (11645 has no KOSTRA groups or country), else ''."""
    row = c.row()
    if row is None or not row["reference_member_sums"]:
        return ""
    return (f" Langtidsbeboere etter alder for {c.reference_name} er summen av kommunene (egen beregning): SSB har "
            "ikke tabell 11645 for KOSTRA-grupper og landet.")



def has_complete_split(c: Comparison, year: int) -> bool:
    row = c.row("total", year)
    return row is not None and row["gap"] is not None and all(row[p] is not None for p in PARTS)


@db.per_database
def latest_complete_year(municipality: str, reference: str) -> int | None:
    """The latest year whose split is complete for this municipality and reference: the page opens there, since the
    newest year with inhabitants can lack SSB's users (11645, 12293) for a while and would show no split at all.
    Cached: every run of the page and of /vis reads it before anything else."""
    rows = split(municipality, reference).filter((pl.col("level") != "age_group") & (pl.col("service") == "total"))
    complete = [r["year"] for r in rows.iter_rows(named=True)
                if r["gap"] is not None and all(r[p] is not None for p in PARTS)]
    return max(complete) if complete else None


def reference_changes(c: Comparison) -> list[tuple[int, str, str]]:
    """(year, the reference before, the reference from that year) for each year the reference changed: a
    municipality's KOSTRA group can change between years, so a group reference over time is several groups."""
    names = sorted({(r["year"], r["reference_name"]) for r in c.split.iter_rows(named=True)
                    if r["service"] == "total" and r["reference_name"]})
    return [(year, old, new) for (_, old), (year, new) in zip(names, names[1:]) if old != new]


def source_line(c: Comparison) -> str:
    """SSB's tables with their update times, and that the split is our calculation (the same for every selection:
    made once per database file)."""
    return _source_line()


@db.per_database
def _source_line() -> str:
    own = ("Egen beregning: modellert utgift (innbyggere × dekningsgrad × enhetskostnad) og oppdelingen i demografi, "
           "dekningsgrad og enhetskostnad")
    line = kostra_queries.source_line(INDICATORS)
    if ". Egen beregning: " in line:  # the catalogue's own calculations (e.g. 0–66 år as a sum) after ours
        return line.replace(". Egen beregning: ", f". {own}; ", 1)
    return f"{line}. {own}"
