"""The figure registry: every chart the pages draw has a stable id and one builder.

A builder turns a selection into a FigureBundle (title, subtitle, the plotly figure from dashboard.charts /
dashboard.own_charts, a takeaway sentence, the source line, the Demodata flag, and the chart's data as a display
table and a numeric download table). The pages, the embed view (/vis), the presentation (/presentasjon) and the
publish command all draw through build_figure, so a chart has one implementation wherever it appears.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote, urlencode

import plotly.graph_objects as go
import polars as pl

from dashboard import charts, fmt, own_charts, takeaway
from dashboard import own_queries as oq
from dashboard import queries
from dashboard.own_selection import MONTHS, OwnSelection
from dashboard.selection import Selection


class UnknownFigure(ValueError):
    """A figure id that is not in the registry (a stale or mistyped link)."""


@dataclass(frozen=True)
class FigureBundle:
    figure_id: str
    title: str                 # large plain-language Norwegian title
    subtitle: str              # what is measured, unit, years
    fig: go.Figure             # the titled figure from the pages' chart functions
    takeaway: str | None       # one sentence computed from the data
    source: str                # "Kilde: SSB, tabell … (oppdatert …). Tall for 2024 er reviderte …"
    is_demo: bool
    table: pl.DataFrame        # display table (text cells): the chart's text alternative
    download: pl.DataFrame     # numeric long table for CSV/XLSX


@dataclass(frozen=True)
class FigureSpec:
    id: str       # stable, used in links: "kostnad-hjemme"
    label: str    # Norwegian short description for menus
    page: str     # url path of the full page
    domain: str   # "kostra" (dashboard.selection.Selection), "own" (dashboard.own_selection.OwnSelection) or
                  # "projection" (dashboard.scenario.ProjectionSelection: municipality + scenario)


# ---------------------------------------------------------------- helpers

def _is_demo(frame: pl.DataFrame) -> bool:
    if not frame.is_empty() and "is_demo" in frame.columns:
        return bool(frame["is_demo"].any())
    return queries.database_is_demo()


def _name(code: str) -> str:
    return queries.municipality_names().get(code, code)


def kostra_source(indicator_ids: list[str]) -> str:
    """queries.source_line plus which KOSTRA edition the latest year is (unrevised in March, revised in June)."""
    line = queries.source_line(indicator_ids)
    src = queries.sources()
    wanted = set(indicator_ids)
    from pipelines import catalogue
    for ind in reversed(catalogue.load().formulas()):  # own calculations: the editions of the tables they use
        if ind.id in wanted:
            wanted |= set(ind.formula.inputs)
    rows = src.filter(pl.col("id").is_in(list(wanted)) & pl.col("source_table").is_not_null())
    editions = list(dict.fromkeys(queries.edition(u, y) for u, y in zip(rows["updated"].to_list(),
                                                                         rows["last_year"].to_list())))
    editions = [e for e in editions if e]
    return line + (". " + "; ".join(editions) if editions else "")


def _bundle(figure_id: str, text: charts.ChartText, fig: go.Figure, table: pl.DataFrame, download: pl.DataFrame,
            sentence: str | None) -> FigureBundle:
    return FigureBundle(figure_id=figure_id, title=text.title, subtitle=text.subtitle or "", fig=fig,
                        takeaway=sentence, source=text.source, is_demo=text.is_demo, table=table, download=download)


def _value_at(frame: pl.DataFrame, role: str, year: int) -> tuple[float | None, str | None]:
    rows = frame.filter((pl.col("role") == role) & (pl.col("year") == year))
    if rows.is_empty():
        return None, ".."
    return rows["value"][0], rows["status"][0]


# ---------------------------------------------------------------- KOSTRA figures

def _trend(figure_id: str, indicator_id: str, title: str | None = None) -> Callable[[Selection], FigureBundle]:
    """The standard comparison line chart for one indicator: municipality, comparisons, group and country."""
    def build(sel: Selection, **_) -> FigureBundle:
        info = queries.indicators()[indicator_id]
        frame = queries.comparison_series([indicator_id], sel.municipality, list(sel.comparisons), sel.from_year,
                                          sel.to_year, aggregates=("group", "EAKUO"))
        name = _name(sel.municipality)
        full_title = (title or "{label}, {name} og sammenligning").format(name=name, label=info.short_label)
        unit_text = {"kr": "kroner", "%": "prosent", "ganger": "antall ganger"}.get(info.unit, info.unit)
        subtitle = (f"{info.label} ({unit_text}), {sel.from_year}–{sel.to_year}. "
                    f"{queries.group_labels(sel.municipality, sel.from_year, sel.to_year)}")
        text = charts.ChartText(title=full_title, subtitle=subtitle, source=kostra_source([indicator_id]),
                                is_demo=_is_demo(frame))
        fig = charts.line_chart(frame, text, unit=info.unit, decimals=info.decimals,
                                break_year=queries.KOSTRA_BREAK_YEAR, break_label=queries.KOSTRA_BREAK_LABEL,
                                merger_years=queries.merger_years(frame))
        value, status = _value_at(frame, "selected", sel.to_year)
        group_value, group_status = _value_at(frame, "group", sel.to_year)
        group_name = queries.group_of(sel.municipality, sel.to_year)[1]
        sentence = takeaway.compare_to_group(
            name=name, year=sel.to_year, value=value, status=status, unit=info.unit, decimals=info.decimals,
            group_name=group_name, group_value=group_value, group_status=group_status, label=info.short_label,
            indicator_id=indicator_id)
        return _bundle(figure_id, text, fig, queries.display_table(frame, unit=info.unit, decimals=info.decimals),
                       queries.long_table(frame, unit=info.unit, decimals=info.decimals), sentence)
    return build


def _ranking(figure_id: str, indicator_id: str) -> Callable[[Selection], FigureBundle]:
    """All municipalities in the selection's KOSTRA group for the last year, own municipality highlighted."""
    def build(sel: Selection, **_) -> FigureBundle:
        info = queries.indicators()[indicator_id]
        name = _name(sel.municipality)
        group_code, group_name = queries.group_of(sel.municipality, sel.to_year)
        source = kostra_source([indicator_id])
        if not group_code:
            title = f"{info.short_label} i KOSTRA-gruppen, {sel.to_year}"
            text = charts.ChartText(title=title, subtitle=f"{name} er ikke med i noen KOSTRA-gruppe i {sel.to_year}.",
                                    source=source, is_demo=queries.database_is_demo())
            empty = pl.DataFrame({"Kommune": []}, schema={"Kommune": pl.Utf8})
            fig = charts.ranking_bar(pl.DataFrame(schema={"region_name": pl.Utf8, "current_code": pl.Utf8,
                                                          "value": pl.Float64, "status": pl.Utf8}),
                                     text, unit=info.unit, decimals=info.decimals, highlight={sel.municipality})
            return _bundle(figure_id, text, fig, empty, empty,
                           takeaway.rank_in_group(name=name, year=sel.to_year, rank=None, count=0,
                                                  label=info.short_label, group_name=None))
        frame = queries.group_ranking(indicator_id, group_code, sel.to_year)
        ov = queries.overview(sel.municipality, sel.to_year, [indicator_id])
        reference = (group_name, ov["group_value"][0]) if not ov.is_empty() else None
        title = f"{info.short_label} i {group_name}, {sel.to_year}"
        text = charts.ChartText(title=title, subtitle=f"{info.label}. {name} er uthevet; stiplet linje er "
                                "gruppens tall.", source=source, is_demo=_is_demo(frame))
        fig = charts.ranking_bar(frame, text, unit=info.unit, decimals=info.decimals, highlight={sel.municipality},
                                 comparisons=set(sel.comparisons), reference=reference)
        table = queries.ranking_table(frame, unit=info.unit, decimals=info.decimals)
        own = frame.filter(pl.col("current_code") == sel.municipality)
        ranked = frame.filter(pl.col("value").is_not_null()).sort("value", descending=True)
        codes = ranked["current_code"].to_list()
        rank = codes.index(sel.municipality) + 1 if sel.municipality in codes else None
        sentence = takeaway.rank_in_group(name=name, year=sel.to_year, rank=rank, count=len(codes),
                                          label=info.short_label, group_name=group_name,
                                          status=own["status"][0] if not own.is_empty() else "..")
        return _bundle(figure_id, text, fig, table, table, sentence)
    return build


def _shares(sel: Selection, **_) -> FigureBundle:
    frame = queries.shares_for_year(sel.municipality, list(sel.comparisons), sel.to_year)
    title = f"Fordeling av netto driftsutgifter til pleie og omsorg {sel.to_year}"
    colours = dict(zip(frame["function"].unique(maintain_order=True).to_list(),
                       [charts.COMPARISON[0], charts.COMPARISON[1], charts.COMPARISON[3], charts.GROUP]))
    text = charts.ChartText(title=title, subtitle="Prosent av netto driftsutgifter til funksjon 234, 253, 254 og 261",
                            source=kostra_source(queries.SHARE_INDICATORS), is_demo=_is_demo(frame))
    fig = charts.grouped_bar(frame, text, unit="%", decimals=1, x="series", colour_by="function", colours=colours,
                             stacked=True)
    table = queries.display_table(frame, unit="%", decimals=1, index="series", columns="function")
    download = queries.long_table(frame.with_columns(
        (frame["series"] + " – " + frame["function"]).alias("series")), unit="%", decimals=1)
    own = frame.filter(pl.col("role") == "selected")
    sentence = takeaway.largest_part(name=_name(sel.municipality), year=sel.to_year,
                                     parts=dict(zip(own["function"].to_list(), own["value"].to_list())),
                                     whole="netto driftsutgifter til pleie og omsorg")
    return _bundle("fordeling-utgifter", text, fig, table, download, sentence)


def _scatter(sel: Selection, **_) -> FigureBundle:
    x_id, y_id = "home_care_share_of_care_net_expenditure", "home_care_cost_per_recipient"
    infos = queries.indicators()
    frame = queries.all_municipalities(x_id, y_id, sel.to_year)
    group_code, group_name = queries.group_of(sel.municipality, sel.to_year)
    members = set(frame.filter(frame["group_code"] == group_code)["current_code"].to_list()) if group_code else set()
    title = f"Alle kommuner {sel.to_year}: andel til hjemmetjenester og kostnad per mottaker"
    text = charts.ChartText(
        title=title, subtitle=f"Hvert punkt er en kommune. Mørk grå: {group_name or 'samme KOSTRA-gruppe'}.",
        source=kostra_source([x_id, y_id]), is_demo=_is_demo(frame))
    fig = charts.scatter(frame, text, x_label=infos[x_id].short_label, y_label=infos[y_id].short_label,
                         x_unit="%", y_unit="kr", highlight={sel.municipality}, comparisons=set(sel.comparisons),
                         group_members=members)
    table = queries.scatter_table(frame, x_label=infos[x_id].short_label, y_label=infos[y_id].short_label)
    own = frame.filter(pl.col("current_code") == sel.municipality)
    sentence = None
    if not own.is_empty():
        x, y = own["x_value"][0], own["y_value"][0]
        if x is not None and y is not None:
            sentence = (f"{_name(sel.municipality)} brukte {fmt.percent(x, 1)} av netto driftsutgifter til pleie "
                        f"og omsorg på hjemmetjenester og {fmt.kroner(y)} per mottaker i {sel.to_year}.")
    return _bundle("alle-kommuner", text, fig, table, table, sentence)


def _users_by_service(sel: Selection, **_) -> FigureBundle:
    frame = queries.users_by_service(sel.municipality, sel.from_year, sel.to_year)
    name = _name(sel.municipality)
    title = f"Brukere per tjenestetype i {name}, {sel.from_year}–{sel.to_year}"
    text = charts.ChartText(title=title, subtitle="Antall personer per 31.12",
                            source=kostra_source(queries.SERVICE_INDICATORS), is_demo=_is_demo(frame))
    fig = charts.line_chart(frame, text, unit="personer", decimals=0)
    home = frame.filter(pl.col("indicator_id") == "home_care_recipients")
    first = home.filter(pl.col("year") == sel.from_year)
    last = home.filter(pl.col("year") == sel.to_year)
    sentence = takeaway.change_over_time(
        name=name, label="Mottakere av hjemmetjenester", first_year=sel.from_year,
        first=first["value"][0] if not first.is_empty() else None, last_year=sel.to_year,
        last=last["value"][0] if not last.is_empty() else None, unit="personer", decimals=0,
        last_status=last["status"][0] if not last.is_empty() else "..")
    return _bundle("brukere-tjeneste", text, fig, queries.display_table(frame, unit="personer", decimals=0),
                   queries.long_table(frame, unit="personer", decimals=0), sentence)


def _age(sel: Selection, **_) -> FigureBundle:
    frame = queries.age_distribution(sel.municipality, list(sel.comparisons), sel.to_year)
    title = f"Brukere av helsetjenester i hjemmet etter alder {sel.to_year}"
    # the strong colour is kept for the chosen municipality alone
    colours = {"0–66 år": charts.COMPARISON[0], "67–79 år": charts.COMPARISON[1], "80–89 år": charts.COMPARISON[2],
               "90 år og over": charts.COMPARISON[3], "80 år og over": charts.COMPARISON[3]}
    text = charts.ChartText(title=title, subtitle="Prosent av alle brukere av helsetjenester i hjemmet i regionen "
                            "(egen beregning på SSBs antall)",
                            source=kostra_source(queries.AGE_INDICATORS) + ". Egen beregning: andeler",
                            is_demo=_is_demo(frame))
    fig = charts.grouped_bar(frame, text, unit="%", decimals=1, x="series", colour_by="age_group", colours=colours,
                             stacked=True)
    table = queries.display_table(frame, unit="%", decimals=1, index="series", columns="age_group")
    download = queries.long_table(frame.with_columns((frame["series"] + " – " + frame["age_group"]).alias("series")),
                                  unit="%", decimals=1)
    own = frame.filter(pl.col("role") == "selected") if not frame.is_empty() else frame
    sentence = takeaway.largest_part(name=_name(sel.municipality), year=sel.to_year,
                                     parts=dict(zip(own["age_group"].to_list(), own["value"].to_list()))
                                     if not own.is_empty() else {},
                                     whole="brukerne av helsetjenester i hjemmet")
    return _bundle("brukere-alder", text, fig, table, download, sentence)


PROFILE_INDICATORS = [
    "home_care_cost_per_recipient", "institution_cost_per_place", "institution_to_home_cost_ratio",
    "home_care_share_of_care_net_expenditure", "institution_share_of_care_net_expenditure",
    "care_net_expenditure_per_inhabitant", "home_care_coverage_80_plus", "home_care_recipients",
    "institution_long_term_residents",
]


def _profile(sel: Selection, **_) -> FigureBundle:
    name = _name(sel.municipality)
    group = queries.group_of(sel.municipality, sel.to_year)[1]
    frame = queries.overview_index(sel.municipality, sel.to_year, PROFILE_INDICATORS)
    title = f"{name} sammenlignet med {group or 'KOSTRA-gruppen'}, {sel.to_year} (gruppen = 100)"
    text = charts.ChartText(title=title, subtitle="Over 100: høyere enn gruppen. Egen beregning på SSBs tall.",
                            source=kostra_source(PROFILE_INDICATORS), is_demo=_is_demo(frame))
    fig = charts.index_bar(frame, text)
    table = frame.select(pl.col("indicator").alias("Indikator"), pl.col("own_text").alias(name),
                         pl.col("group_text").alias(group or "KOSTRA-gruppen"),
                         pl.col("value").round(1).alias("Indeks (gruppen = 100)"), pl.col("status").alias("Symbol"))
    known = [v for v in frame["value"].to_list() if v is not None]
    if group is None:
        sentence = f"{name} er ikke med i noen KOSTRA-gruppe i {sel.to_year}, så det er ingen gruppe å sammenligne med."
    elif known:
        above = sum(1 for v in known if v > 100)
        sentence = f"{name} lå over {group} på {above} av {len(known)} indikatorer i {sel.to_year}."
    else:
        sentence = None
    return _bundle("profil-gruppe", text, fig, table, table, sentence)


# ---------------------------------------------------------------- own-data figures

def _own_empty(figure_id: str, title: str, kind: str, message: str) -> FigureBundle:
    text = charts.ChartText(title=title, subtitle="", source=oq.source_line(kind), is_demo=oq.is_demo(kind))
    fig = own_charts._empty(go.Figure(), text, message)
    empty = pl.DataFrame({"Melding": [message]})
    return _bundle(figure_id, text, fig, empty, empty, None)


def _period_text(sel: OwnSelection) -> tuple[str, str]:
    names = oq.unit_names()
    who = "alle enheter" if sel.is_all else names.get(sel.unit, sel.unit)
    return who, sel.period_label()


def _budget_units(sel: OwnSelection, *, scale: int = 1, **_) -> FigureBundle:
    who, period = _period_text(sel)
    unit_text = "1000 kr" if scale == 1000 else "kr"
    title = f"Avvik fra revidert budsjett per enhet, {period} ({unit_text})"
    if sel.year is None:
        return _own_empty("budsjettavvik-enheter", "Avvik fra revidert budsjett per enhet", "budget",
                          "Ingen budsjett- eller regnskapstall er importert ennå")
    units = oq.budget_units(sel.year, sel.to_month, sel.unit)
    text = charts.ChartText(title=title, subtitle="Oransje er merforbruk, blått mindreforbruk",
                            source=oq.source_line("budget"), is_demo=oq.is_demo("budget"))
    fig = own_charts.deviation_bar(units, text, scale=scale)
    table = oq.budget_table(units, scale=scale)
    over = units.filter(pl.col("deviation").is_not_null() & (pl.col("deviation") < 0)).height
    known = units.filter(pl.col("deviation").is_not_null()).height
    sentence = takeaway.units_over(count_over=over, total=known, what="hadde merforbruk", period=period)
    if known:
        total = oq.budget_total(units).row(0, named=True)
        sentence += f" Samlet avvik: {oq.deviation_text(total['deviation'])}."
    return _bundle("budsjettavvik-enheter", text, fig, table, oq.budget_download(units), sentence)


def _budget_months(sel: OwnSelection, *, scale: int = 1, **_) -> FigureBundle:
    who, period = _period_text(sel)
    if sel.year is None:
        return _own_empty("budsjett-maaned", "Revidert budsjett og regnskap per måned", "budget",
                          "Ingen budsjett- eller regnskapstall er importert ennå")
    monthly = oq.budget_monthly(sel.year, sel.to_month, sel.unit)
    title = f"Revidert budsjett og regnskap per måned og hittil i år, {who}, {period} " \
            f"({'1000 kr' if scale == 1000 else 'kr'})"
    text = charts.ChartText(title=title, subtitle="Søyler: per måned. Linjer: hittil i år (akkumulert)",
                            source=oq.source_line("budget"), is_demo=oq.is_demo("budget"))
    fig = own_charts.budget_trend(monthly, text, scale=scale)
    sentence = None
    if not monthly.is_empty():
        last = monthly.sort("month").row(-1, named=True)
        if last["ytd_budget"] is not None and last["ytd_accounts"] is not None:
            sentence = (f"Hittil i år ({period}) er regnskapet for {who} {oq.amount_text(last['ytd_accounts'])} "
                        f"mot et revidert budsjett på {oq.amount_text(last['ytd_budget'])}.")
    return _bundle("budsjett-maaned", text, fig, oq.monthly_table(monthly, scale=scale),
                   oq.monthly_download(monthly, sel.year), sentence)


def _budget_frame(sel: OwnSelection, *, frame_name: str | None = None, frame_year: int | None = None,
                  **_) -> FigureBundle:
    names = oq.frame_names()
    if not names:
        return _own_empty("budsjettramme", "Budsjettramme", "budget-frame",
                          "Ingen budsjettramme er importert ennå")
    frame_name = frame_name if frame_name in names else names[0]
    years = oq.frame_years(frame_name)
    year = frame_year if frame_year in years else years[0]
    title = f"Budsjettramme {frame_name}: {year} (1000 kr)"
    text = charts.ChartText(title=title, subtitle="Grått: ramme · oransje: økning · blått: reduksjon",
                            source=oq.source_line("budget-frame"), is_demo=oq.is_demo("budget-frame"))
    steps = oq.frame_steps(frame_name, year)
    fig = own_charts.frame_waterfall(steps, text)
    sentence = None
    if len(steps) >= 2 and steps[-1][2] == "total":
        start, end = steps[0][1], steps[-1][1]
        sentence = (f"Rammen for {frame_name} går fra {fmt.number(start, 0)} til {fmt.number(end, 0)} "
                    f"(1000 kr) i {year}.")
    return _bundle("budsjettramme", text, fig, oq.frame_table(frame_name, year), oq.frame_download(frame_name),
                   sentence)


def _sick_units(sel: OwnSelection, **_) -> FigureBundle:
    who, period = _period_text(sel)
    if sel.year is None:
        return _own_empty("sykefravaer-enheter", "Sykefravær per enhet mot mål", "sick-leave",
                          "Ingen sykefraværstall er importert ennå")
    units = oq.sick_leave_units(sel.year, sel.to_month, sel.unit)
    title = f"Sykefravær per enhet mot mål, {period} (prosent)"
    text = charts.ChartText(title=title, subtitle="Oransje: over målet · blått: innenfor målet · svart strek: "
                            "enhetens mål", source=oq.source_line("sick-leave"), is_demo=oq.is_demo("sick-leave"))
    fig = own_charts.sick_leave_bar(units, text)
    shown = units.filter(pl.col("status") != ":") if not units.is_empty() else units
    sentence = takeaway.units_over(count_over=int(units["over_goal"].sum()) if not units.is_empty() else 0,
                                   total=shown.height, what="var over målet for sykefravær", period=period)
    hidden = units.height - shown.height
    if hidden:
        sentence += f" {hidden} enhet{'er' if hidden > 1 else ''} vises som «:» (færre enn 5 ansatte)."
    return _bundle("sykefravaer-enheter", text, fig, oq.sick_leave_table(units),
                   oq.sick_leave_download(units, sel.year, sel.to_month), sentence)


def _sick_trend(figure_id: str, measure: str) -> Callable[[OwnSelection], FigureBundle]:
    def build(sel: OwnSelection, **_) -> FigureBundle:
        who, period = _period_text(sel)
        word = "per måned" if measure == "sick_leave_pct" else "rullerende 12 måneder"
        if sel.year is None:
            return _own_empty(figure_id, f"Sykefravær {word}", "sick-leave", "Ingen sykefraværstall er importert ennå")
        monthly = oq.sick_leave_monthly(sel.year, sel.to_month, sel.unit)
        title = f"Sykefravær {word}, {who}, {period} (prosent)"
        text = charts.ChartText(
            title=title, subtitle=("Tapte dagsverk i prosent av avtalte dagsverk hver måned" if measure ==
                                   "sick_leave_pct" else
                                   "Rullerende 12 måneder: de siste tolv månedene til og med måneden"),
            source=oq.source_line("sick-leave"), is_demo=oq.is_demo("sick-leave"))
        fig = own_charts.sick_leave_trend(monthly, text, measure=measure, single_unit=not sel.is_all)
        sentence = None
        if not monthly.is_empty():
            month = int(monthly["month"].max())
            rows = [(r["unit_name"], r[measure]) for r in monthly.filter(pl.col("month") == month).iter_rows(named=True)
                    if r["status"] != ":" and r[measure] is not None]
            sentence = takeaway.highest_unit(rows=rows, month=MONTHS[month - 1], year=sel.year, measure=word)
        return _bundle(figure_id, text, fig, oq.sick_leave_monthly_table(monthly),
                       oq.sick_leave_monthly_download(monthly), sentence)
    return build


def _sick_split(figure_id: str, split: str) -> Callable[[OwnSelection], FigureBundle]:
    def build(sel: OwnSelection, **_) -> FigureBundle:
        who, period = _period_text(sel)
        words = "egenmeldt og legemeldt" if split == "certification" else "korttid og langtid"
        if sel.year is None:
            return _own_empty(figure_id, f"Sykefravær fordelt på {words}", "sick-leave",
                              "Ingen sykefraværstall er importert ennå")
        units = oq.sick_leave_units(sel.year, sel.to_month, sel.unit)
        title = f"Sykefravær fordelt på {words}, {period} (prosent av avtalte dagsverk)"
        text = charts.ChartText(title=title, subtitle="", source=oq.source_line("sick-leave"),
                                is_demo=oq.is_demo("sick-leave"))
        fig = own_charts.sick_leave_split(units, text, split=split)
        return _bundle(figure_id, text, fig, oq.sick_leave_table(units),
                       oq.sick_leave_download(units, sel.year, sel.to_month), None)
    return build


# ---------------------------------------------------------------- the registry

_ENTRIES: list[tuple[FigureSpec, Callable[..., FigureBundle]]] = [
    (FigureSpec("kostnad-hjemme", "Kostnad per mottaker av hjemmetjenester over tid", "kostnad-per-mottaker",
                "kostra"),
     _trend("kostnad-hjemme", "home_care_cost_per_recipient", "Kostnad per mottaker av hjemmetjenester – {name}")),
    (FigureSpec("kostnad-institusjon", "Kostnad per institusjonsplass over tid", "kostnad-per-mottaker", "kostra"),
     _trend("kostnad-institusjon", "institution_cost_per_place", "Kostnad per institusjonsplass – {name}")),
    (FigureSpec("rangering-gruppe", "Kostnad per mottaker av hjemmetjenester: rangering i KOSTRA-gruppen",
                "kostnad-per-mottaker", "kostra"),
     _ranking("rangering-gruppe", "home_care_cost_per_recipient")),
    (FigureSpec("rangering-gruppe-institusjon", "Kostnad per institusjonsplass: rangering i KOSTRA-gruppen",
                "kostnad-per-mottaker", "kostra"),
     _ranking("rangering-gruppe-institusjon", "institution_cost_per_place")),
    (FigureSpec("forhold-institusjon-hjemme", "Institusjonsplass mot hjemmetjenestemottaker (forholdstall)",
                "institusjon-vs-hjemme", "kostra"),
     _trend("forhold-institusjon-hjemme", "institution_to_home_cost_ratio",
            "Hvor mange hjemmetjenestemottakere koster én institusjonsplass? – {name}")),
    (FigureSpec("fordeling-utgifter", "Fordeling av netto driftsutgifter til pleie og omsorg",
                "institusjon-vs-hjemme", "kostra"), _shares),
    (FigureSpec("andel-f254", "Andel til hjemmetjenester (f254) over tid", "institusjon-vs-hjemme", "kostra"),
     _trend("andel-f254", "home_care_share_of_care_net_expenditure",
            "{label} av netto driftsutgifter til pleie og omsorg – {name}")),
    (FigureSpec("andel-f253", "Andel til institusjoner (f253) over tid", "institusjon-vs-hjemme", "kostra"),
     _trend("andel-f253", "institution_share_of_care_net_expenditure",
            "{label} av netto driftsutgifter til pleie og omsorg – {name}")),
    (FigureSpec("andel-f261", "Andel til institusjonslokaler (f261) over tid", "institusjon-vs-hjemme", "kostra"),
     _trend("andel-f261", "premises_share_of_care_net_expenditure",
            "{label} av netto driftsutgifter til pleie og omsorg – {name}")),
    (FigureSpec("andel-f234", "Andel til aktivisering og støttetjenester (f234) over tid", "institusjon-vs-hjemme",
                "kostra"),
     _trend("andel-f234", "activity_share_of_care_net_expenditure",
            "{label} av netto driftsutgifter til pleie og omsorg – {name}")),
    (FigureSpec("alle-kommuner", "Alle kommuner: andel til hjemmetjenester og kostnad per mottaker",
                "institusjon-vs-hjemme", "kostra"), _scatter),
    (FigureSpec("mottakere-andel-befolkning", "Mottakere av hjemmetjenester i prosent av befolkningen", "brukere",
                "kostra"),
     _trend("mottakere-andel-befolkning", "home_care_recipients_share_of_population",
            "Mottakere av hjemmetjenester i prosent av befolkningen – {name}")),
    (FigureSpec("brukere-tjeneste", "Brukere per tjenestetype over tid", "brukere", "kostra"), _users_by_service),
    (FigureSpec("brukere-alder", "Brukere av helsetjenester i hjemmet etter alder", "brukere", "kostra"), _age),
    (FigureSpec("dekning-80-pluss", "Andel 80 år og over som mottar hjemmetjenester", "brukere", "kostra"),
     _trend("dekning-80-pluss", "home_care_coverage_80_plus",
            "Andel innbyggere 80 år og over som mottar hjemmetjenester – {name}")),
    (FigureSpec("profil-gruppe", "Kommunen sammenlignet med KOSTRA-gruppen (indeks)", "", "kostra"), _profile),
    (FigureSpec("budsjettavvik-enheter", "Avvik fra revidert budsjett per enhet", "budsjettavvik", "own"),
     _budget_units),
    (FigureSpec("budsjett-maaned", "Revidert budsjett og regnskap per måned og hittil i år", "budsjettavvik", "own"),
     _budget_months),
    (FigureSpec("budsjettramme", "Budsjettramme: fra fjorårets ramme til korrigert ramme", "budsjettavvik", "own"),
     _budget_frame),
    (FigureSpec("sykefravaer-enheter", "Sykefravær per enhet mot mål", "sykefravaer", "own"), _sick_units),
    (FigureSpec("sykefravaer-maaned", "Sykefravær per måned", "sykefravaer", "own"),
     _sick_trend("sykefravaer-maaned", "sick_leave_pct")),
    (FigureSpec("sykefravaer-rullerende", "Sykefravær rullerende 12 måneder", "sykefravaer", "own"),
     _sick_trend("sykefravaer-rullerende", "rolling_12_pct")),
    (FigureSpec("sykefravaer-egenmeldt-legemeldt", "Sykefravær fordelt på egenmeldt og legemeldt", "sykefravaer",
                "own"), _sick_split("sykefravaer-egenmeldt-legemeldt", "certification")),
    (FigureSpec("sykefravaer-korttid-langtid", "Sykefravær fordelt på korttid og langtid", "sykefravaer", "own"),
     _sick_split("sykefravaer-korttid-langtid", "duration")),
]

# the pages' radio buttons choose an indicator; these say which figure draws it
SHARE_FIGURES = {"home_care_share_of_care_net_expenditure": "andel-f254",
                 "institution_share_of_care_net_expenditure": "andel-f253",
                 "premises_share_of_care_net_expenditure": "andel-f261",
                 "activity_share_of_care_net_expenditure": "andel-f234"}
RANKING_FIGURES = {"home_care_cost_per_recipient": "rangering-gruppe",
                   "institution_cost_per_place": "rangering-gruppe-institusjon"}

FIGURES: dict[str, FigureSpec] = {spec.id: spec for spec, _ in _ENTRIES}
_BUILDERS: dict[str, Callable[..., FigureBundle]] = {spec.id: build for spec, build in _ENTRIES}


def register(spec: FigureSpec, build: Callable[..., FigureBundle]) -> None:
    """Add a figure from another module (e.g. the projection page's `fremskriving-…` figures)."""
    FIGURES[spec.id] = spec
    _BUILDERS[spec.id] = build


def spec(figure_id: str) -> FigureSpec:
    try:
        return FIGURES[figure_id]
    except (KeyError, TypeError):
        raise UnknownFigure(f"Ukjent figur: «{str(figure_id)[:40]}».") from None


def build_figure(figure_id: str, selection, **options) -> FigureBundle:
    """The bundle for one figure id and selection (Selection for "kostra" figures, OwnSelection for "own").

    options are the few page-level switches a chart has (e.g. scale=1000 for amounts in 1000 kr).
    Raises UnknownFigure for an id that is not in the registry.
    """
    spec(figure_id)
    return _BUILDERS[figure_id](selection, **options)


# ---------------------------------------------------------------- links

def selection_params(figure_id: str, selection) -> dict[str, str]:
    """The URL parameters that reproduce a figure's selection (kommune/sammenlign/fra/til or enhet/periode)."""
    return dict(selection.query_params()) if selection is not None else {}


def _query(params: dict[str, str]) -> str:
    return urlencode(params, quote_via=quote, safe=",")


def embed_url(figure_id, selection, base: str = "") -> str:
    """"/vis?figur=kostnad-hjemme&kommune=3909&sammenlign=…&fra=2017&til=2024&embed=true"."""
    spec(figure_id)
    params = {"figur": figure_id, **selection_params(figure_id, selection), "embed": "true"}
    return f"{base.rstrip('/')}/vis?{_query(params)}"


def page_url(figure_id, selection, base: str = "") -> str:
    """The full page the figure is drawn on, with the same selection."""
    path = spec(figure_id).page
    return f"{base.rstrip('/')}/{path}?{_query(selection_params(figure_id, selection))}"


def presentation_url(figure_ids: list[str], params: dict[str, str], base: str = "", side: int | None = None) -> str:
    """"/presentasjon?figurer=a,b,c&kommune=…&side=2"; params hold both selections' parameters as needed."""
    query = {"figurer": ",".join(figure_ids), **params}
    if side:
        query["side"] = str(side)
    return f"{base.rstrip('/')}/presentasjon?{_query(query)}"


def iframe_snippet(url: str, title: str, width: int = 800, height: int = 450) -> str:
    from html import escape
    return (f'<iframe src="{escape(url, quote=True)}" title="{escape(title, quote=True)}" width="{width}" '
            f'height="{height}" style="border:0" loading="lazy"></iframe>')


# the projection page's figures register themselves (fremskriving-…); imported last, after everything they use
from dashboard import projection_figures  # noqa: E402,F401
