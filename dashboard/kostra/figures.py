"""The KOSTRA figures (cost, shares, users, ranking, profile) as (FigureSpec, builder) pairs for the registry.

A builder turns a Selection (`kommune`, `sammenlign`, `fra`, `til`) into a FigureBundle: title, subtitle, the plotly
figure from dashboard/core/charts.py, a takeaway sentence, the source line, the Demodata flag, and the chart's data
as a display table and a numeric download table.
"""
from __future__ import annotations

from typing import Callable

import polars as pl

from dashboard.core import charts, db, fmt
from dashboard.core.figure import FigureBundle, FigureSpec
from dashboard.core.figure import bundle as _bundle
from dashboard.kostra import queries
from dashboard.kostra import sentences as takeaway
from dashboard.kostra.selection import Selection

# ---------------------------------------------------------------- helpers

def _is_demo(frame: pl.DataFrame) -> bool:
    if not frame.is_empty() and "is_demo" in frame.columns:
        return bool(frame["is_demo"].any())
    return queries.database_is_demo()


def _name(code: str) -> str:
    return queries.municipality_names().get(code, code)


@db.per_database
def kostra_source(indicator_ids: list[str]) -> str:
    """queries.source_line plus which KOSTRA edition the latest year is (unrevised in March, revised in June)."""
    line = queries.source_line(indicator_ids)
    src = queries.sources()
    wanted = set(indicator_ids)
    # own calculations: the editions of the tables they use
    for ind in reversed(queries.effective_catalogue().formulas()):
        if ind.id in wanted:
            wanted |= set(ind.formula.inputs)
    rows = src.filter(pl.col("id").is_in(list(wanted)) & pl.col("source_table").is_not_null())
    editions = list(dict.fromkeys(queries.edition(u, y) for u, y in zip(rows["updated"].to_list(),
                                                                         rows["last_year"].to_list())))
    editions = [e for e in editions if e]
    return line + (". " + "; ".join(editions) if editions else "")



def _first_row(frame: pl.DataFrame, role: str, year: int) -> int | None:
    """The index of the role's first row for the year. A look through the columns as lists: a comparison frame is
    a few dozen rows, and a polars filter per question cost more than the question (issue 27)."""
    for i, (r, y) in enumerate(zip(frame["role"].to_list(), frame["year"].to_list())):
        if r == role and y == year:
            return i
    return None


def _reason_at(frame: pl.DataFrame, role: str, year: int) -> str | None:
    """Why the role's sum is missing that year (queries.with_missing_reasons's column), else None."""
    i = _first_row(frame, role, year) if "reason" in frame.columns else None
    return frame["reason"][i] if i is not None else None


def _value_at(frame: pl.DataFrame, role: str, year: int) -> tuple[float | None, str | None]:
    i = _first_row(frame, role, year)
    if i is None:
        return None, ".."
    return frame["value"][i], frame["status"][i]


# ---------------------------------------------------------------- KOSTRA figures

def _trend(figure_id: str, indicator_id: str, title: str | None = None) -> Callable[[Selection], FigureBundle]:
    """The standard comparison line chart for one indicator: municipality, comparisons, group and country."""
    def build(sel: Selection, **_) -> FigureBundle:
        info = queries.indicators()[indicator_id]
        frame = queries.with_missing_reasons(queries.comparison_series(
            [indicator_id], sel.municipality, list(sel.comparisons), sel.from_year, sel.to_year,
            aggregates=("group", "EAKUO")))
        name = _name(sel.municipality)
        full_title = (title or "{label}, {name} og sammenligning").format(name=name, label=info.short_label)
        unit_text = {"kr": "kroner", "%": "prosent", "ganger": "antall ganger"}.get(info.unit, info.unit)
        subtitle = (f"{info.label} ({unit_text}), {sel.from_year}–{sel.to_year}. "
                    f"{queries.group_labels(sel.municipality, sel.from_year, sel.to_year)}")
        source = ". ".join(n for n in (kostra_source([indicator_id]), queries.missing_sum_note(frame)) if n)
        text = charts.ChartText(title=full_title, subtitle=subtitle, source=source, is_demo=_is_demo(frame))
        fig = charts.line_chart(frame, text, unit=info.unit, decimals=info.decimals,
                                break_year=queries.KOSTRA_BREAK_YEAR, break_label=queries.KOSTRA_BREAK_LABEL,
                                merger_years=queries.merger_years(frame))
        value, status = _value_at(frame, "selected", sel.to_year)
        group_value, group_status = _value_at(frame, "group", sel.to_year)
        group_name = queries.group_of(sel.municipality, sel.to_year)[1]
        sentence = takeaway.compare_to_group(
            name=name, year=sel.to_year, value=value, status=status, unit=info.unit, decimals=info.decimals,
            group_name=group_name, group_value=group_value, group_status=group_status, label=info.short_label,
            indicator_id=indicator_id,
            group_reason=_reason_at(frame, "group", sel.to_year))
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
        group_value = ov["group_value"][0] if not ov.is_empty() else None
        reference = (group_name, group_value) if group_value is not None else None
        title = f"{info.short_label} i {group_name}, {sel.to_year}"
        if reference:
            subtitle = f"{info.label}. {name} er uthevet; stiplet linje er gruppens tall."
        else:  # no dashed line to point at: say why the group's figure is missing
            reason = queries.sum_reason(indicator_id, group_code, sel.to_year)
            subtitle = (f"{info.label}. {name} er uthevet. Gruppens tall mangler («..»)"
                        + (f": {reason.rstrip('.')}." if reason else "."))
        text = charts.ChartText(title=title, subtitle=subtitle, source=source, is_demo=_is_demo(frame))
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



# ---------------------------------------------------------------- the registry

def _trend_entry(figure_id: str, name: str, page: str, indicator_id: str,
                 title: str) -> tuple[FigureSpec, Callable[..., FigureBundle]]:
    """A registry entry for a standard comparison line chart (_trend) of one indicator."""
    return FigureSpec(figure_id, name, page, "kostra"), _trend(figure_id, indicator_id, title)


SHARE_TITLE = "{label} av netto driftsutgifter til pleie og omsorg – {name}"

FIGURES: list[tuple[FigureSpec, Callable[..., FigureBundle]]] = [
    _trend_entry("kostnad-hjemme", "Kostnad per mottaker av hjemmetjenester over tid", "kostnad-per-mottaker",
                 "home_care_cost_per_recipient", "Kostnad per mottaker av hjemmetjenester – {name}"),
    _trend_entry("kostnad-institusjon", "Kostnad per institusjonsplass over tid", "kostnad-per-mottaker",
                 "institution_cost_per_place", "Kostnad per institusjonsplass – {name}"),
    (FigureSpec("rangering-gruppe", "Kostnad per mottaker av hjemmetjenester: rangering i KOSTRA-gruppen",
                "kostnad-per-mottaker", "kostra"),
     _ranking("rangering-gruppe", "home_care_cost_per_recipient")),
    (FigureSpec("rangering-gruppe-institusjon", "Kostnad per institusjonsplass: rangering i KOSTRA-gruppen",
                "kostnad-per-mottaker", "kostra"),
     _ranking("rangering-gruppe-institusjon", "institution_cost_per_place")),
    _trend_entry("forhold-institusjon-hjemme", "Institusjonsplass mot hjemmetjenestemottaker (forholdstall)",
                 "institusjon-vs-hjemme", "institution_to_home_cost_ratio",
                 "Hvor mange hjemmetjenestemottakere koster én institusjonsplass? – {name}"),
    (FigureSpec("fordeling-utgifter", "Fordeling av netto driftsutgifter til pleie og omsorg",
                "institusjon-vs-hjemme", "kostra"), _shares),
    *(_trend_entry(figure_id, name, "institusjon-vs-hjemme", indicator_id, SHARE_TITLE)
      for figure_id, name, indicator_id in (
          ("andel-f254", "Andel til hjemmetjenester (f254) over tid", "home_care_share_of_care_net_expenditure"),
          ("andel-f253", "Andel til institusjoner (f253) over tid", "institution_share_of_care_net_expenditure"),
          ("andel-f261", "Andel til institusjonslokaler (f261) over tid", "premises_share_of_care_net_expenditure"),
          ("andel-f234", "Andel til aktivisering og støttetjenester (f234) over tid",
           "activity_share_of_care_net_expenditure"))),
    (FigureSpec("alle-kommuner", "Alle kommuner: andel til hjemmetjenester og kostnad per mottaker",
                "institusjon-vs-hjemme", "kostra"), _scatter),
    _trend_entry("mottakere-andel-befolkning", "Mottakere av hjemmetjenester i prosent av befolkningen", "brukere",
                 "home_care_recipients_share_of_population",
                 "Mottakere av hjemmetjenester i prosent av befolkningen – {name}"),
    (FigureSpec("brukere-tjeneste", "Brukere per tjenestetype over tid", "brukere", "kostra"), _users_by_service),
    (FigureSpec("brukere-alder", "Brukere av helsetjenester i hjemmet etter alder", "brukere", "kostra"), _age),
    _trend_entry("dekning-80-pluss", "Andel 80 år og over som mottar hjemmetjenester", "brukere",
                 "home_care_coverage_80_plus", "Andel innbyggere 80 år og over som mottar hjemmetjenester – {name}"),
    (FigureSpec("profil-gruppe", "Kommunen sammenlignet med KOSTRA-gruppen (indeks)", "", "kostra"), _profile),
    # issue 23: figures analysts ask for, from codes with evidence
    _trend_entry("kostnad-oppholdsdogn", "Utgifter per oppholdsdøgn i institusjon over tid", "kostnad-per-mottaker",
                 "institution_cost_per_day", "Utgifter per oppholdsdøgn i institusjon – {name}"),
    _trend_entry("timer-helsetjenester-hjemme", "Tildelte timer i uken, helsetjenester i hjemmet", "brukere",
                 "home_health_hours_per_week",
                 "Gjennomsnittlig antall tildelte timer i uken, helsetjenester i hjemmet – {name}"),
    _trend_entry("omfattende-behov-80-pluss", "Hjemmetjenestebrukere 80 år og over med omfattende bistandsbehov",
                 "brukere", "extensive_needs_share_80_plus",
                 "Andel hjemmetjenestebrukere 80 år og over med omfattende bistandsbehov – {name}"),
    _trend_entry("hoy-timeinnsats", "Hjemmeboende med høy timeinnsats", "brukere", "high_intensity_share",
                 "Hjemmeboende med høy timeinnsats, andel av hjemmetjenestemottakerne – {name}"),
    _trend_entry("arsverk-per-bruker", "Årsverk per bruker av omsorgstjenester", "brukere", "man_years_per_user",
                 "Årsverk per bruker av omsorgstjenester – {name}"),
    _trend_entry("andel-helseutdanning", "Andel brukerrettede årsverk med helseutdanning", "brukere",
                 "health_education_share",
                 "Andel brukerrettede årsverk i omsorgstjenesten med helseutdanning – {name}"),
    _trend_entry("andel-private-plasser", "Andel private institusjonsplasser", "kostnad-per-mottaker",
                 "private_institution_places_share", "Andel private institusjonsplasser – {name}"),
]

# the pages' radio buttons choose an indicator; these say which figure draws it
SHARE_FIGURES = {"home_care_share_of_care_net_expenditure": "andel-f254",
                 "institution_share_of_care_net_expenditure": "andel-f253",
                 "premises_share_of_care_net_expenditure": "andel-f261",
                 "activity_share_of_care_net_expenditure": "andel-f234"}
RANKING_FIGURES = {"home_care_cost_per_recipient": "rangering-gruppe",
                   "institution_cost_per_place": "rangering-gruppe-institusjon"}

