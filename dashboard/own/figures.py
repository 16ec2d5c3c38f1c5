"""The managers' figures (own budget, accounts and sick leave) as (FigureSpec, builder) pairs for the registry.

A builder takes an OwnSelection (`enhet`, `periode`) and returns a FigureBundle drawn with dashboard/own/charts.py.
"""
from __future__ import annotations

from typing import Callable

import plotly.graph_objects as go
import polars as pl

from dashboard.core import charts, fmt
from dashboard.core.figure import FigureBundle, FigureSpec
from dashboard.core.figure import bundle as _bundle
from dashboard.core.sentences import shown
from dashboard.own import charts as own_charts
from dashboard.own import queries as oq
from dashboard.own import sentences as takeaway
from dashboard.own.selection import MONTHS, OwnSelection


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
    sentence = frame_sentence(frame_name, year, steps)
    return _bundle("budsjettramme", text, fig, oq.frame_table(frame_name, year), oq.frame_download(frame_name),
                   sentence)


def frame_sentence(frame_name: str, year: int, steps: list[tuple[str, float, str]]) -> str | None:
    """«Rammen for PO går fra 100 000 til 104 500 (1000 kr) i 2025: økninger på 6 000 og reduksjoner på 1 500.» The
    increases and reductions are the sums of the changes as the table prints them (whole 1000 kr), so start plus
    increases minus reductions is the printed end; a file whose end line is not that is told so."""
    if len(steps) < 2 or steps[-1][2] != "total":
        return None
    start, end = shown(steps[0][1], 0), shown(steps[-1][1], 0)
    changes = [shown(amount, 0) for _, amount, measure in steps[1:-1] if measure == "relative"]
    up, down = sum(c for c in changes if c > 0), -sum(c for c in changes if c < 0)
    text = f"Rammen for {frame_name} går fra {fmt.number(start, 0)} til {fmt.number(end, 0)} (1000 kr) i {year}"
    parts = [f"økninger på {fmt.number(up, 0)}" if up else "", f"reduksjoner på {fmt.number(down, 0)}" if down else ""]
    if any(parts):
        text += ": " + " og ".join(p for p in parts if p)
    if start + up - down != end:
        text += (f"; endringene summerer seg til {fmt.number(start + up - down, 0)}, ikke {fmt.number(end, 0)} – "
                 "sjekk linjene i filen")
    return text + "."


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
    tabled = oq.with_sick_leave_total(units, oq.sick_leave_total(sel.year, sel.to_month)) if sel.is_all else units
    return _bundle("sykefravaer-enheter", text, fig, oq.sick_leave_table(tabled),
                   oq.sick_leave_download(tabled, sel.year, sel.to_month), sentence)


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
        first, second = (("self_certified_pct", "doctor_certified_pct") if split == "certification"
                         else ("short_term_pct", "long_term_pct"))
        rows = [(r["unit_name"], r[first], r[second]) for r in units.iter_rows(named=True)
                if r["status"] != ":" and r[first] is not None and r[second] is not None]
        sentence = takeaway.split_takeaway(
            rows=rows, period=period,
            **({"first": "egenmeldt fravær", "second": "legemeldt fravær"} if split == "certification"
               else {"first": "korttidsfravær", "second": "langtidsfravær"}))
        return _bundle(figure_id, text, fig, oq.sick_leave_table(units),
                       oq.sick_leave_download(units, sel.year, sel.to_month), sentence)
    return build


FIGURES: list[tuple[FigureSpec, Callable[..., FigureBundle]]] = [
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

