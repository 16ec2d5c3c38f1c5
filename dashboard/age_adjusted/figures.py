"""The age-adjusted page's figures for the figure registry (dashboard/figures/registry.py).

They take an AgeAdjustedSelection (municipality, reference, year); a plain kostra Selection means landet uten Oslo and
the latest year. Its query_params carry `referanse` and `aar`, so share and embed links, the presentation and
`publish` reproduce the comparison.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

import orjson

from dashboard.age_adjusted import charts as aa_charts
from dashboard.age_adjusted import queries as aq
from dashboard.age_adjusted import sentences
from dashboard.age_adjusted.selection import COUNTRY, GROUP, YEAR_KEY, AgeAdjustedSelection
from dashboard.age_adjusted.selection import parse as parse_age_adjusted
from dashboard.core import charts, db, fmt
from dashboard.core.figure import FigureBundle, FigureSpec, bundle
from dashboard.core.text import possessive
from dashboard.kostra import queries as kostra_queries
from dashboard.kostra.selection import Selection, _first

DOMAIN = "age_adjusted"
PAGE = "aldersjustert"


def selection_from_params(params: dict, kostra_selection, *, strict: bool = False) -> AgeAdjustedSelection:
    """The figures' selection from URL parameters: the KOSTRA selection (as the pages read it) plus `referanse` and
    `aar`. /vis and /presentasjon pass kostra_ui.kostra_selection; `publish` its strict one and strict=True, so a bad
    value raises AgeAdjustedError instead of falling back with a notice."""
    sel = parse_age_adjusted(params, selection=kostra_selection(params), names=kostra_queries.municipality_names(),
                             resolve=kostra_queries.resolve_code, years=aq.years(), strict=strict)
    if not _first(params, YEAR_KEY):  # no year asked for: the latest with a complete split
        latest = aq.latest_complete_year(sel.municipality, sel.reference)
        if latest is not None and latest != sel.year:
            sel = replace(sel, year=latest)
    return sel


def _comparison(sel: AgeAdjustedSelection | Selection) -> aq.Comparison:
    if not isinstance(sel, AgeAdjustedSelection):
        years = aq.years()
        year = aq.latest_complete_year(sel.municipality, COUNTRY) or (years[-1] if years else 0)
        sel = AgeAdjustedSelection(sel, COUNTRY, year)
    return aq.compare(sel)


def _cached(key: tuple, build: Callable[[], FigureBundle]) -> FigureBundle:
    """A bundle built once per municipality, reference and database file, kept with its figure as its JSON in the
    shared cache (db.remember): every call gets a fresh dict of it, so the screen helpers that change a figure in
    place never touch the stored one. Only for the parts over time, which do not depend on the chosen year: a change
    of year finds no prepared figure for the new selection but redraws nothing here. One look-up in the cache's
    lock: another session clearing the cache cannot make this one fail."""
    def made() -> tuple[bytes, FigureBundle]:
        bundle = build()
        return orjson.dumps(bundle.fig), replace(bundle, fig=None)

    stored, bundle = db.remember("age_adjusted.figures", key, made, working=True)  # prepared figures are kept
    return replace(bundle, fig=orjson.loads(stored))


def _text(c: aq.Comparison, title: str, subtitle: str) -> charts.ChartText:
    return charts.ChartText(title=title, subtitle=subtitle, source=aq.source_line(c), is_demo=c.is_demo)


def _waterfall(figure_id: str, service: str):
    def build(sel, **_) -> FigureBundle:
        # no cache of its own: the figure is kept as it is sent (dashboard/figures/prepared.py) under the same
        # municipality, reference and year, and a second copy here only took room from other figures
        return _draw_waterfall(_comparison(sel))

    def _draw_waterfall(c: aq.Comparison) -> FigureBundle:
        what = "" if service == "total" else f": {aq.SERVICE_WORDS[service]}"
        title = f"Hvorfor {possessive(c.name)} utgift avviker fra {c.reference_name}{what}, {c.year}"
        subtitle = (f"Fra det {c.reference_name} bruker per innbygger, med {possessive(c.name)} innbyggere, "
                    f"til {possessive(c.name)} "
                    "modellerte utgift (brukere × korrigerte brutto driftsutgifter per bruker). Millioner kroner. "
                    "Aldersjustert sammenligning, ikke kostnadsnøkkelen; egen beregning.")
        text = _text(c, title, subtitle)
        fig = aa_charts.split_waterfall(aq.waterfall_steps(c, service), text)
        return bundle(figure_id, text, fig, aq.waterfall_table(c, service),
                      aq.waterfall_download(c, service), sentences.service_sentence(c, service))
    return build


def coverage(sel, **_) -> FigureBundle:
    return _draw_coverage(_comparison(sel))  # kept as it is sent, like the waterfalls


def _draw_coverage(c: aq.Comparison) -> FigureBundle:
    title = f"Dekningsgrad etter alder: {c.name} og {c.reference_name}, {c.year}"
    subtitle = ("Brukere i prosent av innbyggerne i aldersgruppen: mottakere av hjemmetjenester og beboere med "
                "langtidsopphold i institusjon. Egen beregning." + aq.member_sums_note(c))
    text = _text(c, title, subtitle)
    frame = aq.coverage_frame(c)
    colours = {c.name: charts.SELECTED, c.reference_title: charts.GROUP}
    fig = charts.grouped_bar(frame, text, unit="%", decimals=1, x="group", colour_by="region", colours=colours)
    return bundle("aldersjustert-dekning", text, fig, aq.coverage_table(c), aq.coverage_download(c),
                  _coverage_sentence(c))


def _coverage_sentence(c: aq.Comparison) -> str | None:
    """Where our coverage differs most from the reference's, in percentage points: the difference of the two shown
    percentages (18,4 % mot 13,1 % is 5,3 prosentpoeng, whatever the unrounded shares were)."""
    best = None
    for r in c.coverage.iter_rows(named=True):
        if r["own_coverage"] is None or r["reference_coverage"] is None:
            continue
        own, ref = round(r["own_coverage"] * 100, 1), round(r["reference_coverage"] * 100, 1)
        diff = round(own - ref, 1)
        if best is None or abs(diff) > abs(best[0]):
            best = (diff, own, ref, r)
    if best is None:
        missing = sentences.missing_sentences(c)
        return missing[0] if missing else None
    diff, own, ref, r = best
    service = "mottar hjemmetjenester" if r["service"] == "home_care" else "har langtidsopphold i institusjon"
    age = aq.AGE_LABELS[r["age_group"]]
    if diff == 0:
        return (f"{c.name} har like stor andel innbyggere {age} som {service} som {c.reference_name} "
                f"({fmt.percent(own, 1)} mot {fmt.percent(ref, 1)}) i {c.year}.")
    return (f"Størst forskjell: {c.name} har {fmt.number(abs(diff), 1)} prosentpoeng "
            f"{'flere' if diff > 0 else 'færre'} innbyggere {age} som {service} enn {c.reference_name} "
            f"({fmt.percent(own, 1)} mot {fmt.percent(ref, 1)}) i {c.year}.")


def over_time(sel, **_) -> FigureBundle:
    c = _comparison(sel)  # every year: the chosen year does not change this figure
    return _cached(("aldersjustert-over-tid", c.municipality, c.reference), lambda: _draw_over_time(c))


def _draw_over_time(c: aq.Comparison) -> FigureBundle:
    frame = aq.parts_frame(c, "total")
    first = int(frame["year"].min()) if not frame.is_empty() else aq.FIRST_YEAR
    last = int(frame["year"].max()) if not frame.is_empty() else c.year
    changes = aq.reference_changes(c)
    # the figure covers every year, so it never names one year's group for all of them
    reference = "KOSTRA-gruppen" if c.reference == GROUP else c.reference_name
    title = f"Demografi, dekningsgrad og enhetskostnad i {c.name} mot {reference}, {first}–{last}"
    subtitle = ("Avstanden i modellert utgift (hjemmetjenester og langtidsopphold) delt i tre; søylene summerer seg "
                "til linjen. Millioner kroner. Egen beregning.")
    if c.reference == GROUP:
        subtitle += " Referansen er kommunens KOSTRA-gruppe hvert år" + (
            ": " + "; ".join(f"fra {year} {new} (før {old})" for year, old, new in changes) if changes else "") + "."
    text = _text(c, title, subtitle)
    fig = aa_charts.parts_over_time(frame, text, marks={year: f"{old} → {new}" for year, old, new in changes})
    table = kostra_queries.display_table(frame, unit="mill. kr", decimals=1)
    return bundle("aldersjustert-over-tid", text, fig, table, aq.parts_download(c, "total"),
                  _over_time_sentence(c, frame))


def _over_time_sentence(c: aq.Comparison, frame) -> str | None:
    """How the gap moved from the first to the last year with a split, and which part moved most: every amount is
    printed, and the part's move is the difference of its two printed amounts. Each year's reference is named (a
    KOSTRA group can change), and a change of group is said, since it moves the parts by itself."""
    complete = sorted({y for y, v in zip(frame["year"].to_list(), frame["value"].to_list()) if v is not None}
                      & {r["year"] for r in c.split.iter_rows(named=True) if r["service"] == "total"
                         and r["gap"] is not None and all(r[p] is not None for p in aq.PARTS)})
    if len(complete) < 2:
        return sentences.service_sentence(c, "total")
    a, b = c.row("total", complete[0]), c.row("total", complete[-1])
    step = aq.million_step(a["gap"], b["gap"], *(a[p] for p in aq.PARTS), *(b[p] for p in aq.PARTS))
    shown = {}
    for row in (a, b):
        gap = round(row["gap"] / step) * step
        shown[row["year"]] = (gap, aq.balanced({p: row[p] for p in aq.PARTS}, gap, step))
    (gap_a, parts_a), (gap_b, parts_b) = shown[complete[0]], shown[complete[-1]]
    part = max(aq.PARTS, key=lambda p: abs(parts_b[p] - parts_a[p]))
    name_a, name_b = ((a["reference_name"], b["reference_name"]) if c.reference == GROUP
                      else (c.reference_name, c.reference_name))
    later = f"til {name_b} " if name_a != name_b else ""
    text = (f"Avstanden til {name_a} var {aq.millions(gap_a, step)} i {complete[0]} og {later}"
            f"{aq.millions(gap_b, step)} i {complete[-1]}; {aq.PART_LABELS[part].lower()} endret seg mest "
            f"(fra {aq.millions(parts_a[part], step)} til {aq.millions(parts_b[part], step)}).")
    changes = [(year, old, new) for year, old, new in aq.reference_changes(c) if complete[0] < year <= complete[-1]]
    if changes:
        text += (" Gruppen byttet " + " og ".join(f"i {year} ({old} → {new})" for year, old, new in changes)
                 + ", og det flytter delene i seg selv.")
    return text


FIGURES = [
    (FigureSpec("aldersjustert-fossefall", "Hvorfor utgiften avviker: demografi, dekningsgrad og enhetskostnad",
                PAGE, DOMAIN), _waterfall("aldersjustert-fossefall", "total")),
    (FigureSpec("aldersjustert-fossefall-hjemme", "Hvorfor utgiften til hjemmetjenester avviker", PAGE, DOMAIN),
     _waterfall("aldersjustert-fossefall-hjemme", "home_care")),
    (FigureSpec("aldersjustert-fossefall-institusjon", "Hvorfor utgiften til langtidsopphold i institusjon avviker",
                PAGE, DOMAIN), _waterfall("aldersjustert-fossefall-institusjon", "long_term")),
    (FigureSpec("aldersjustert-dekning", "Dekningsgrad etter aldersgruppe mot referansen", PAGE, DOMAIN), coverage),
    (FigureSpec("aldersjustert-over-tid", "Demografi, dekningsgrad og enhetskostnad over tid", PAGE, DOMAIN),
     over_time),
]
