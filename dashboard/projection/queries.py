"""Tomorrow's demand: SSB's population projection × today's coverage → users, places and kroner (page /fremskriving).

The arithmetic lives in SQL (sql/views/5x-60, sql/queries/projection_*.sql); this module runs those queries, shapes
their rows for the chart functions and tables, and writes the sentences the page shows: the takeaway, and what
cannot be computed and why (a missing or suppressed count is explained, never drawn as zero).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import polars as pl

from dashboard.core import db, fmt
from dashboard.core.sentences import balanced, shown
from dashboard.kostra import queries
from dashboard.projection.scenario import Scenario

HORIZON = 2040
TAKEAWAY_YEAR = 2035
AGE_LABELS = {"0-66": "0–66 år", "67-79": "67–79 år", "80-89": "80–89 år", "90+": "90 år og over"}
# home_care counts users of home *health* services (IPLOS tenestetype 15, SSB table 11645): named for what it counts,
# since recipients of practical help only are not in it
SERVICE_LABELS = {"home_care": "Mottakere av helsetjenester i hjemmet", "long_term": "Langtidsplasser i institusjon"}
SERVICE_WORDS = {"home_care": "mottakere av helsetjenester i hjemmet", "long_term": "langtidsbeboere i institusjon"}
# what made a projected count NULL (the third part of an item in the scenario query's `missing` list)
MISSING_WHAT = {"projection": "befolkningsframskrivingen for {year}", "population": "innbyggertallet 1.1.{base}",
                "users": "antall {service} 31.12.{coverage}", "group": "dekningsgraden i {group} for {coverage}"}
SCENARIO_LABELS = {"baseline": "dagens dekningsgrad", "scenario": "scenario"}
USER_INDICATORS = {"home_care": "home_care_users_age", "long_term": "long_term_residents_age"}
PROJECTION_TABLE = "14746"
ALTERNATIVE = "hovedalternativet (MMMM)"


@dataclass(frozen=True)
class Projection:
    """One municipality's projection under one scenario, ready for the page."""
    municipality: str
    name: str
    population: pl.DataFrame  # age_group, age_order, year, population, status, is_demo (67+ only)
    rows: pl.DataFrame        # scenario, service, year, users, missing, cost, cost_status, ... (from SQL)
    base_year: int | None
    coverage_year: int | None
    group_name: str | None
    scenario: Scenario
    is_demo: bool  # the projected population (the population figure is made from it alone)
    users_is_demo: bool = False  # population or the coverage used (users, group coverage) is demo
    cost_is_demo: bool = False  # users_is_demo, or the unit cost is demo
    population_year: int | None = None  # the 1 January whose population is the coverage's denominator

    @property
    def has_data(self) -> bool:
        return self.base_year is not None

    @cached_property
    def cells(self) -> dict[tuple[str, str, int], dict]:
        """(scenario, service, year) -> row: one pass over the rows instead of a filter per sentence."""
        return {(r["scenario"], r["service"], r["year"]): r for r in self.rows.iter_rows(named=True)}


def population(municipality: str, to_year: int = HORIZON) -> pl.DataFrame:
    return db.query("projection_population", {"municipality": municipality, "to_year": to_year})


def scenario_rows(municipality: str, scenario: Scenario, to_year: int = HORIZON) -> pl.DataFrame:
    """The projection's rows; the baseline scenario, which every municipality's page opens with, is stored at build
    (about 1 ms against some 6 ms of CPU spent planning the scenario query)."""
    if scenario.is_baseline:
        return db.query("projection_baseline_stored", {"municipality": municipality, "to_year": to_year})
    return db.query("projection_scenario", {"municipality": municipality, "to_year": to_year,
                                            **scenario.sql_params()})


def coverage(municipality: str) -> pl.DataFrame:
    return db.query("projection_coverage", {"municipality": municipality})


@db.per_database(working=True)  # what each scenario's projection is made from; the page keeps texts and figures
def _population_cached(municipality: str, to_year: int) -> pl.DataFrame:
    return population(municipality, to_year)


@dataclass(frozen=True)
class PageTexts:
    """What /fremskriving writes around its figures for one municipality and scenario."""
    name: str
    has_data: bool
    coverage_year: int | None
    source: str
    missing: tuple[str, ...]
    method: str


@db.per_database
def page_texts(municipality: str, scenario: Scenario) -> PageTexts:
    """The page's texts, kept per municipality, scenario and database file: a few KB, where the projection they
    are written from holds about 30 KB and is needed again only to build figures that are not cached (it is kept in
    the working part of the budget)."""
    p = project(municipality, scenario)
    return PageTexts(name=p.name, has_data=p.has_data, coverage_year=p.coverage_year, source=source_line(p),
                     missing=tuple(missing_explanations(p)), method=method_text(p))


@db.per_database(working=True)  # the page keeps its texts (page_texts) and figures: this serves building them
def project(municipality: str, scenario: Scenario, to_year: int = HORIZON) -> Projection:
    """The whole projection for the page: population (cached per database file) and both scenarios.

    Kept per municipality and scenario for the database file: the page and its three registered figures
    (dashboard/projection/figures.py) ask for the same projection in one run, and every session that opens the same
    link asks for it again."""
    pop = _population_cached(municipality, to_year)
    rows = scenario_rows(municipality, scenario, to_year)
    name = queries.municipality_names().get(municipality, municipality)
    base = int(pop["base_year"][0]) if not pop.is_empty() else None
    pop_demo = bool(pop["is_demo"].any()) if not pop.is_empty() else queries.database_is_demo()
    # a figure is demo when any row it is made from is: population, coverage (own or group) and unit cost
    users_demo = pop_demo or (bool(rows["is_demo"].any()) if not rows.is_empty() else False)
    cost_demo = users_demo or (bool(rows["cost_is_demo"].any()) if "cost_is_demo" in rows.columns
                               and not rows.is_empty() else False)
    covered = rows["coverage_year"].drop_nulls() if not rows.is_empty() else None
    coverage_year = int(covered.min()) if covered is not None and covered.len() else ((base - 1) if base else None)
    return Projection(
        municipality=municipality, name=name, population=pop.filter(pl.col("age_order") >= 2), rows=rows,
        base_year=base, coverage_year=coverage_year,
        group_name=rows["group_name"].drop_nulls().first() if not rows.is_empty() else None,
        scenario=scenario, is_demo=pop_demo, users_is_demo=users_demo, cost_is_demo=cost_demo,
        population_year=(max(coverage_year + 1, base) if coverage_year and base else base))


# ---------------------------------------------------------------------------------------------- what is missing

def _age_text(code: str) -> str:
    return AGE_LABELS.get(code, code)


def _meaning(status: str) -> str:
    """SSB's meaning of a symbol, short and in lower case for the middle of a sentence."""
    return (fmt.status_meaning(status).split(" (")[0] or "mangler").lower()


def missing_explanations(p: Projection) -> list[str]:
    """One sentence per service that cannot be projected, naming the age group and SSB's symbol."""
    if not p.has_data:
        return [f"Befolkningsframskrivingen (SSB tabell {PROJECTION_TABLE}) har ingen tall for {p.name}, så "
                "behovet kan ikke framskrives."]
    out = []
    first_missing: dict[tuple[str, str], dict] = {}
    cost_missing: dict[str, str] = {}
    for (scenario, service, _), row in sorted(p.cells.items(), key=lambda kv: kv[0][2]):
        if row["users"] is None:
            first_missing.setdefault((service, scenario), row)
        elif row["cost"] is None:
            cost_missing.setdefault(service, row["cost_status"] or "..")
    for service in ("home_care", "long_term"):
        for scenario in ("baseline", "scenario"):
            row = first_missing.get((service, scenario))
            if row is None or (scenario == "scenario" and p.scenario.is_baseline):
                continue
            by_cause: dict[tuple[str, str], list[str]] = {}
            for item in row["missing"] or []:
                age, status, what = (item.split("|") + ["", ""])[:3]
                by_cause.setdefault((what or "users", status or ".."), []).append(_age_text(age))
            reasons = [f"{missing_count(p, what, service, row['year'])} mangler for "
                       f"{'alle aldersgrupper' if len(ages) == 4 else ', '.join(ages)} («{status}»: "
                       f"{_meaning(status)})" for (what, status), ages in by_cause.items()]
            text = (f"Kan ikke beregne {SERVICE_WORDS[service]} for {p.name}"
                    + (" i scenarioet" if scenario == "scenario" else "")
                    + f" fra {row['year']}: " + "; ".join(reasons)
                    + ". En sum uten denne aldersgruppen ville sett ut som et lavere behov, så tallet vises ikke.")
            out.append(text)
            if scenario == "baseline":
                break  # the scenario lacks the same age group; one sentence is enough
    for service, status in cost_missing.items():
        cost_name = ("kostnad per mottaker av hjemmetjenester" if service == "home_care"
                     else "kostnad per institusjonsplass")
        out.append(f"Kan ikke beregne utgiftene til {SERVICE_WORDS[service]}: {cost_name} for {p.coverage_year} "
                   f"mangler («{status}»: {_meaning(status)}).")
    return out


def missing_count(p: Projection, what: str, service: str, year: int) -> str:
    """The count whose absence stops the projection, in words: the projected population of that year, the
    population or the users the coverage divides, or the KOSTRA group's coverage (never a guess at either)."""
    template = MISSING_WHAT.get(what, MISSING_WHAT["users"])
    return template.format(year=year, base=p.base_year, coverage=p.coverage_year, service=SERVICE_WORDS[service],
                           group=p.group_name or "KOSTRA-gruppen")


# ---------------------------------------------------------------------------------------------- takeaway

def _value(p: Projection, scenario: str, service: str, year: int, column: str) -> float | None:
    row = p.cells.get((scenario, service, year))
    return None if row is None else row[column]


def _total_cost(p: Projection, scenario: str, year: int) -> float | None:
    a, b = _value(p, scenario, "home_care", year, "cost"), _value(p, scenario, "long_term", year, "cost")
    return None if a is None or b is None else a + b


def millions(value: float) -> str:
    return f"{fmt.number(abs(value) / 1e6, 0)}{fmt.NBSP}mill.{fmt.NBSP}kr"


COST_DECIMALS = 1  # the cost chart and table show million kroner with one decimal


def cost_difference(then: float, now: float) -> float:
    """then − now in kroner, from the million-kroner values the chart and table print (one decimal)."""
    return (shown(then / 1e6, COST_DECIMALS) - shown(now / 1e6, COST_DECIMALS)) * 1e6


def cost_change_text(diff: float, when: str) -> str:
    """«i 2035 66 mill. kr høyere per år enn i dag»: a level in one year against today's, never «øker med … per
    år», which a reader multiplies by the number of years."""
    if shown(abs(diff) / 1e6, 0) == 0:
        return f"{when} omtrent like store per år som i dag"
    return f"{when} {millions(diff)} {'høyere' if diff > 0 else 'lavere'} per år enn i dag"


COST_WORDS = {"home_care": "helsetjenester i hjemmet", "long_term": "langtidsplasser"}


def _service_costs(p: Projection, scenarios: tuple[str, str], years: tuple[int, int], diff: float) -> str:
    """«helsetjenester i hjemmet +80 mill. kr, langtidsplasser −14 mill. kr» when the two services' costs move
    different ways, so «høyere» is never said of a service that gets cheaper (and a shift from places to home is
    seen as one); '' when they move the same way. The two amounts add up to the printed total `diff`."""
    (new_scenario, old_scenario), (new_year, old_year) = scenarios, years
    moves = {}
    for service in COST_WORDS:
        new = _value(p, new_scenario, service, new_year, "cost")
        old = _value(p, old_scenario, service, old_year, "cost")
        if new is None or old is None:
            return ""
        moves[service] = cost_difference(new, old)
    if not (min(moves.values()) < 0 < max(moves.values())):
        return ""
    printed = balanced(moves, shown(diff / 1e6, 0) * 1e6, 1e6)
    return ", ".join(f"{COST_WORDS[s]} {'+' if v > 0 else '−' if v < 0 else ''}{millions(v)}"
                     for s, v in printed.items())


def _change_pct(then: float, now: float) -> float | None:
    """Per cent change between two counts as printed (whole persons); None from zero."""
    now, then = shown(now, 0), shown(then, 0)
    return None if now == 0 else (then - now) / now * 100


def _more(change: float, noun: str) -> str:
    """«35 % flere mottakere», «omtrent like mange mottakere» when the rounded change is 0."""
    if shown(abs(change), 0) == 0:
        return f"omtrent like mange {noun}".strip()
    return f"{fmt.number(abs(change), 0)}{fmt.NBSP}% {'flere' if change > 0 else 'færre'} {noun}".strip()


def takeaway(p: Projection, year: int = TAKEAWAY_YEAR) -> str | None:
    """«Med dagens dekningsgrad får Larvik 35 % flere mottakere av helsetjenester i hjemmet i 2035 enn i dag, og
    … er utgiftene i 2035 160 mill. kr høyere per år enn i dag (i dagens kroner).» None when the numbers it needs
    are missing. Changes are computed from the values the table shows (whole persons, million kroner)."""
    if not p.has_data:
        return None
    year = min(year, int(p.rows["year"].max())) if not p.rows.is_empty() else year
    now = _value(p, "baseline", "home_care", p.base_year, "users")
    then = _value(p, "baseline", "home_care", year, "users")
    if now is None or then is None:
        return None
    change = _change_pct(then, now)
    if change is None:
        return None
    text = f"Med dagens dekningsgrad får {p.name} {_more(change, SERVICE_WORDS['home_care'])} i {year} enn i dag"
    cost_now, cost_then = _total_cost(p, "baseline", p.base_year), _total_cost(p, "baseline", year)
    if cost_now is not None and cost_then is not None:
        diff = cost_difference(cost_then, cost_now)
        split = _service_costs(p, ("baseline", "baseline"), (year, p.base_year), diff)
        text += (", og utgiftene til helsetjenester i hjemmet og langtidsplasser er " + cost_change_text(diff, "da")
                 + f" (i dagens kroner{'; ' + split if split else ''})")
    return text + "."


def scenario_takeaway(p: Projection, year: int = TAKEAWAY_YEAR) -> str | None:
    """How far the scenario lands from the baseline in the takeaway year (None for the baseline itself)."""
    if not p.has_data or p.scenario.is_baseline or p.rows.is_empty():
        return None
    year = min(year, int(p.rows["year"].max()))
    base, scen = _total_cost(p, "baseline", year), _total_cost(p, "scenario", year)
    places_base = _value(p, "baseline", "long_term", year, "users")
    places_scen = _value(p, "scenario", "long_term", year, "users")
    parts = []
    if places_base is not None and places_scen is not None:
        diff = shown(places_scen, 0) - shown(places_base, 0)  # the whole places the table shows
        parts.append("like mange langtidsplasser" if diff == 0 else
                     f"{fmt.number(abs(diff), 0)} {'flere' if diff > 0 else 'færre'} langtidsplasser")
    if base is not None and scen is not None:
        diff = cost_difference(scen, base)
        parts.append(("omtrent like store utgifter" if shown(abs(diff) / 1e6, 0) == 0 else
                      f"utgifter {millions(diff)} {'høyere' if diff > 0 else 'lavere'} per år")
                     + (f" ({split})" if (split := _service_costs(p, ("scenario", "baseline"), (year, year), diff))
                        else ""))
    if not parts:
        return None
    return f"I scenarioet trenger {p.name} i {year} " + " og ".join(parts) + " enn med dagens dekningsgrad."


# ---------------------------------------------------------------------------------------------- frames for charts

def population_frame(p: Projection) -> pl.DataFrame:
    """columns for charts.grouped_bar: year (text), age_group (label), value, status."""
    return p.population.select(
        pl.col("year").cast(pl.Utf8), pl.col("age_group").replace_strict(AGE_LABELS).alias("age_group"),
        pl.col("population").alias("value"), "status", "is_demo")


def _series(p: Projection, services: tuple[str, ...], column: str, scale: float = 1.0) -> pl.DataFrame:
    """columns for charts.line_chart: series, role, year, value, status, is_demo. The role picks the line style
    (see _ROLES): the scenario strong, the baseline beside it dashed grey; the baseline alone strong."""
    rows = p.rows.filter(pl.col("service").is_in(services))
    if p.scenario.is_baseline:
        rows = rows.filter(pl.col("scenario") == "baseline")
    status = (pl.when(pl.col(column).is_null())
              .then(pl.col("cost_status") if column == "cost" else pl.lit(None, pl.Utf8)).otherwise(None))
    if column == "users":  # the first missing age group's symbol (':' suppressed, '..' missing)
        status = pl.when(pl.col("users").is_null()).then(
            pl.col("missing").list.first().str.split("|").list.get(1)).otherwise(None)
    names = {s: SERVICE_LABELS[s] if len(services) > 1 else "Utgifter" for s in services}
    roles = pl.Series("_role", [_ROLES[(service == "long_term", scenario == "baseline" and not p.scenario.is_baseline)]
                                for service, scenario in zip(rows["service"].to_list(), rows["scenario"].to_list())],
                      dtype=pl.Utf8)
    return rows.with_columns(roles).select(
        (pl.col("service").replace_strict(names) + pl.lit(" – ")
         + pl.col("scenario").replace_strict(SCENARIO_LABELS)).alias("series"),
        pl.col("_role").alias("role"),
        "year", (pl.col(column) / scale).alias("value"), status.alias("status"),
        pl.col("is_demo"),
    ).sort("series", "year")


# line styles (dashboard/charts.style_for) by (places?, baseline beside a scenario?): the scenario in strong colours,
# the baseline beside it dashed grey; home services vermillion, places blue; today's coverage alone in strong colours
_ROLES = {(False, False): "selected", (False, True): "group", (True, False): "comparison", (True, True): "country"}


def users_frame(p: Projection) -> pl.DataFrame:
    return _series(p, ("home_care", "long_term"), "users")


def cost_frame(p: Projection) -> pl.DataFrame:
    """Total expenditure (home services + long-term places) per year, million kroner; NULL if either is missing,
    with the symbol of what is missing (a suppressed count, a missing unit cost)."""
    if p.rows.is_empty():
        return _empty_series()
    why = (pl.when(pl.col("users").is_null()).then(pl.col("missing").list.first().str.split("|").list.get(1))
           .when(pl.col("cost").is_null()).then(pl.col("cost_status")))
    rows = (p.rows.with_columns(why.alias("_why"))
            .group_by("scenario", "year", maintain_order=True).agg(
                pl.when(pl.col("cost").null_count() == 0).then(pl.col("cost").sum()).alias("cost"),
                pl.col("_why").drop_nulls().first().fill_null("..").alias("cost_status"),
                pl.col("cost_is_demo").any().alias("is_demo"))
            .with_columns(pl.lit("total").alias("service")))
    return _series(replace(p, rows=rows), ("total",), "cost", scale=1e6)


def _empty_series() -> pl.DataFrame:
    return pl.DataFrame(schema={"series": pl.Utf8, "role": pl.Utf8, "year": pl.Int32, "value": pl.Float64,
                                "status": pl.Utf8, "is_demo": pl.Boolean})


def table(frame: pl.DataFrame, *, index: str, columns: str, unit: str, decimals: int) -> pl.DataFrame:
    """Wide display table (one row per series, one column per year) in Norwegian text, symbols where missing."""
    return queries.display_table(frame.rename({index: "series"}) if index != "series" else frame,
                                 unit=unit, decimals=decimals, columns=columns)


def download(frame: pl.DataFrame, *, index: str, unit: str, decimals: int) -> pl.DataFrame:
    """Long numeric table for CSV/XLSX (same columns as the other pages' downloads)."""
    frame = frame.rename({index: "series"}) if index != "series" else frame
    return queries.long_table(frame.with_columns(pl.col("year").cast(pl.Int32)), unit=unit, decimals=decimals)


def source_line(p: Projection) -> str:
    """Our calculation on SSB's figures, naming the projection alternative and its publication date."""
    src = queries.sources()
    updated = {r["source_table"]: fmt.norwegian_date(r["updated"]) for r in src.iter_rows(named=True)
               if r["source_table"]}
    tables = [f"tabell {PROJECTION_TABLE} (befolkningsframskriving, {ALTERNATIVE}, publisert "
              f"{updated.get(PROJECTION_TABLE, 'ukjent dato')})"]
    infos = queries.indicators()
    used = [infos[i].source_table for i in INPUT_INDICATORS if i in infos and infos[i].source_table]
    for t in dict.fromkeys(used):  # the tables the users and unit costs come from (as the catalogue or fetch says)
        if t in updated and t != PROJECTION_TABLE:
            tables.append(f"tabell {t} (oppdatert {updated[t]})")
    years = ""
    if p.coverage_year:
        years = f" ({p.coverage_year}" + (f", innbyggere 1.1.{p.population_year}"
                                          if p.population_year and p.population_year != p.coverage_year + 1
                                          else "") + ")"
    return ("Kilde: SSB, " + ", ".join(tables) + ". Egen beregning på SSBs tall: framskrevet folkemengde × dagens "
            "dekningsgrad" + years + " × dagens enhetskostnad")


# the catalogue entries the projection multiplies with the projected population
INPUT_INDICATORS = ("home_care_users_age_80_89", "long_term_residents_age_80_89", "home_care_cost_per_recipient",
                    "institution_cost_per_place")


def method_text(p: Projection) -> str:
    """The method and its assumptions in plain Norwegian, under the charts."""
    cy = p.coverage_year or "siste år"
    by = p.base_year or "grunnåret"
    return f"""
**Slik er tallene regnet ut (egen beregning på SSBs tall)**

1. **Befolkningen framover** er SSBs befolkningsframskriving ({ALTERNATIVE}: middels fruktbarhet, levealder,
   flytting og innvandring), tabell {PROJECTION_TABLE}, summert til aldersgruppene 0–66, 67–79, 80–89 og 90 år og
   over. Framskrivingens første år ({by}) er befolkningen den starter fra, og brukes som «i dag».
2. **Dagens dekningsgrad** per aldersgruppe er antall brukere 31.12.{cy} (SSB tabell 11645: brukere av
   helsetjenester i hjemmet, tjenestetype 15, og beboere med langtidsopphold i institusjon, tjenestetype 21) delt på
   innbyggerne i samme aldersgruppe 1.1.{p.population_year or by}. {cy} er siste år med publiserte brukertall, høyst
   året før framskrivingen starter (kommer en ny framskriving før brukertallene, brukes året før; befolkningen er da
   framskrivingens første år). SSB publiserer 0–66 år som to grupper (0–49 og 50–66); de er lagt sammen. Brukere som
   bare får praktisk bistand er ikke med: figurene, tabellene og setningene sier derfor «helsetjenester i hjemmet»,
   ikke alle hjemmetjenester. KOSTRA-gruppens dekningsgrad er gruppens brukere delt på medlemmenes innbyggere
   (kommuner som har fått nytt nummer siden, følges); mangler ett medlem, mangler gruppens tall.
3. **Framskrevne brukere** = framskrevet befolkning × dagens dekningsgrad, for hver aldersgruppe og hvert år.
   Langtidsbeboere tilsvarer **plasser som trengs** (én plass per beboer, uten ledige plasser).
4. **Utgifter** = framskrevne brukere × dagens korrigerte brutto driftsutgifter per mottaker av hjemmetjenester
   eller per kommunal institusjonsplass ({cy}), i **dagens kroner** (uten prisvekst). Det er driftsutgifter før
   inntekter som egenandeler, ikke netto utgifter, og kostnaden per mottaker er et snitt for alle mottakere av
   hjemmetjenester (også praktisk bistand).

**Forutsetninger:** Dekningsgrad og enhetskostnad per aldersgruppe er som i {cy} (hvis ikke scenarioet endrer dem),
og framskrivingen treffer. Kostnaden per bruker er et gjennomsnitt for alle aldre. Korttidsopphold og boliger med
heldøgns bemanning er ikke med.

**Scenarioet** endrer, i denne rekkefølgen: KOSTRA-gruppens dekningsgrad i stedet for kommunens egen; dekningsgraden
for 80 år og over med en prosent (det hverdagsmestring og velferdsteknologi sikter mot); en andel av
langtidsbeboerne får tjenester hjemme i stedet (de regnes som gjennomsnittlige hjemmetjenestemottakere, som trolig
undervurderer kostnaden); og enhetskostnadene vokser med en fast prosent per år utover prisveksten, regnet fra
{cy}, året enhetskostnaden er fra (grunnåret {by} har alt ett års vekst).
Referansebanen med dagens dekningsgrad vises alltid ved siden av.
"""


# ---------------------------------------------------------------------------------------------- figures

@dataclass(frozen=True)
class Figure:
    """A chart with its table (text alternative) and numeric download; the same for the page and committee mode."""
    title: str
    subtitle: str
    fig: object
    table: pl.DataFrame
    download: pl.DataFrame


def _text(p: Projection, title: str, subtitle: str, is_demo: bool | None = None):
    from dashboard.core.charts import ChartText
    return ChartText(title=title, subtitle=subtitle, source=source_line(p),
                     is_demo=p.is_demo if is_demo is None else is_demo)


def population_figure(p: Projection) -> Figure:
    from dashboard.core import charts
    frame = population_frame(p)
    last = int(p.population["year"].max()) if not p.population.is_empty() else HORIZON
    title = f"Innbyggere 67 år og over i {p.name}, {p.base_year or ''}–{last}"
    subtitle = f"Framskrevet folkemengde 1. januar etter aldersgruppe, SSBs {ALTERNATIVE}. Antall personer."
    # the strong vermillion belongs to the chosen municipality on the other pages: not used for an age group here
    colours = dict(zip(AGE_LABELS.values(), ["#BBBBBB", charts.COMPARISON[4], charts.COMPARISON[0],
                                             charts.COMPARISON[3]]))
    fig = charts.grouped_bar(frame, _text(p, title, subtitle), unit="personer", decimals=0, x="year",
                             colour_by="age_group", colours=colours, stacked=True)
    return Figure(title, subtitle, fig,
                  table(frame, index="age_group", columns="year", unit="personer", decimals=0),
                  download(frame, index="age_group", unit="personer", decimals=0))


def cached_population_figure(p: Projection) -> Figure:
    """The population chart does not depend on the scenario: built once per municipality and database file and
    kept as its JSON in the shared cache (db.remember); every call gets a fresh dict of it, so the screen helpers
    that change a figure in place never touch the stored one. One look-up in the cache's lock: another session
    clearing it cannot break this one."""
    import orjson
    key = (p.municipality, p.base_year, p.population.height, p.is_demo)

    def build() -> tuple[bytes, Figure]:
        built = population_figure(p)
        return orjson.dumps(built.fig), replace(built, fig=None)

    stored, built = db.remember("projection.population_figure", key, build, working=True)  # prepared ones kept
    return replace(built, fig=orjson.loads(stored))


def users_figure(p: Projection) -> Figure:
    from dashboard.core import charts
    frame = users_frame(p)
    title = f"Mottakere av helsetjenester i hjemmet og langtidsplasser som trengs i {p.name}"
    subtitle = (f"Framskrevet antall brukere per år med dagens dekningsgrad ({p.coverage_year})"
                + ("" if p.scenario.is_baseline else " og i scenarioet") + ". Antall personer.")
    fig = charts.line_chart(frame, _text(p, title, subtitle, p.users_is_demo), unit="personer", decimals=0)
    return Figure(title, subtitle, fig, table(frame, index="series", columns="year", unit="personer", decimals=0),
                  download(frame, index="series", unit="personer", decimals=0))


def cost_figure(p: Projection) -> Figure:
    from dashboard.core import charts
    frame = cost_frame(p)
    title = f"Utgifter til helsetjenester i hjemmet og langtidsplasser i {p.name}"
    subtitle = (f"Framskrevne brukere × dagens korrigerte brutto driftsutgifter per bruker ({p.coverage_year}). "
                "Millioner kroner per år, i dagens kroner"
                + ("" if p.scenario.is_baseline or not p.scenario.cost_growth_pct
                   else f" (scenarioet med {fmt.number(p.scenario.cost_growth_pct, 1)} % kostnadsvekst per år)")
                + ".")
    fig = charts.line_chart(frame, _text(p, title, subtitle, p.cost_is_demo), unit="mill. kr", decimals=1)
    charts.update_axes(fig, "yaxis", rangemode="tozero")  # kroner from zero, as the other pages draw amounts
    return Figure(title, subtitle, fig, table(frame, index="series", columns="year", unit="mill. kr", decimals=1),
                  download(frame, index="series", unit="mill. kr", decimals=1))


# ---------------------------------------------------------------------------------------------- coverage table

@db.per_database
def _coverage_table(municipality: str) -> pl.DataFrame:
    frame = coverage(municipality)
    if frame.is_empty():
        return pl.DataFrame({"Tjeneste": [], "Aldersgruppe": []})
    name = queries.municipality_names().get(municipality, municipality)
    services = {"home_care": "Hjemmetjenester (helsetjenester i hjemmet)", "long_term": "Langtidsopphold i institusjon"}
    rows = []
    for r in frame.iter_rows(named=True):
        rows.append({
            "Region": name if r["role"] == "selected" else r["region_code"],
            "Tjeneste": services[r["service"]],
            "Aldersgruppe": AGE_LABELS.get(r["age_group"], r["age_group"]),
            "Brukere": fmt.number(r["users"], 0, status=r["users_status"]),
            "Innbyggere": fmt.number(r["population"], 0, status=r["population_status"]),
            "Dekningsgrad": (fmt.percent(r["coverage"] * 100, 2) if r["coverage"] is not None
                             else (r["status"] or "..")),
        })
    return pl.DataFrame(rows)


def coverage_table(p: Projection) -> pl.DataFrame:
    """Today's coverage per age group for the municipality and its KOSTRA group: the numbers the projection uses."""
    table = _coverage_table(p.municipality)
    if p.group_name and "Region" in table.columns:
        table = table.with_columns(pl.when(pl.col("Region").str.starts_with("EKG")).then(pl.lit(p.group_name))
                                   .otherwise(pl.col("Region")).alias("Region"))
    return table


def population_takeaway(p: Projection) -> str | None:
    """«Innbyggere 80 år og over i Larvik: 2 378 i 2025, 3 012 i 2040 (27 % flere).» None without the numbers."""
    if not p.has_data or p.population.is_empty():
        return None
    old = p.population.filter(pl.col("age_order") >= 3).group_by("year").agg(
        pl.when(pl.col("population").null_count() == 0).then(pl.col("population").sum()).alias("n")).sort("year")
    first, last = old.row(0, named=True), old.row(-1, named=True)
    if first["n"] is None or last["n"] is None:
        return None
    change = _change_pct(last["n"], first["n"])
    if change is None:
        return None
    return (f"Innbyggere 80 år og over i {p.name}: {fmt.number(first['n'])} i {first['year']}, "
            f"{fmt.number(last['n'])} i {last['year']} ({_more(change, '')}).")


def cost_takeaway(p: Projection, year: int = TAKEAWAY_YEAR) -> str | None:
    """«Med dagens dekningsgrad er utgiftene til helsetjenester i hjemmet og langtidsplasser i Larvik i 2035
    66 mill. kr høyere per år enn i dag (i dagens kroner).» The difference of the two printed values."""
    if not p.has_data or p.rows.is_empty():
        return None
    year = min(year, int(p.rows["year"].max()))
    now, then = _total_cost(p, "baseline", p.base_year), _total_cost(p, "baseline", year)
    if now is None or then is None:
        return None
    return (f"Med dagens dekningsgrad er utgiftene til helsetjenester i hjemmet og langtidsplasser i {p.name} "
            f"{cost_change_text(cost_difference(then, now), f'i {year}')} (i dagens kroner).")
