"""Streamlit blocks for the age-adjusted page (/aldersjustert): municipality, reference and year in the sidebar and the
URL (`kommune`, `referanse`, `aar`), and the page's own notes around the registered figures.

The URL is the truth, as on the other pages: every control is set from it on each run, and every change is written
back to it, so a copied link reproduces the exact comparison.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard.age_adjusted import queries as aq
from dashboard.age_adjusted import sentences
from dashboard.age_adjusted.figures import selection_from_params
from dashboard.age_adjusted.selection import (
    AGE_ADJUSTED_KEYS,
    COUNTRY,
    GROUP,
    AgeAdjustedSelection,
)
from dashboard.core import db
from dashboard.core.text import markdown_text
from dashboard.kostra import queries
from dashboard.kostra import ui as kostra_ui
from dashboard.kostra.selection import Selection
from dashboard import blocks as ui

WATERFALLS = {"total": "aldersjustert-fossefall", "home_care": "aldersjustert-fossefall-hjemme",
              "long_term": "aldersjustert-fossefall-institusjon"}
OTHER_FIGURES = ("aldersjustert-dekning", "aldersjustert-over-tid")


def sidebar() -> AgeAdjustedSelection:
    names = queries.municipality_names()
    params = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    if not any(k in params for k in kostra_ui.SELECTION_KEYS) and "_last_selection" in st.session_state:
        params = {**st.session_state["_last_selection"], **params}  # carried over from the page we came from
    if not any(k in params for k in AGE_ADJUSTED_KEYS) and "_last_age_adjusted" in st.session_state:
        params = {**st.session_state["_last_age_adjusted"], **params}  # back from another page: as left
    sel = selection_from_params(params, kostra_ui.kostra_selection)
    st.session_state["_last_selection"] = sel.selection.query_params()
    st.session_state["_last_age_adjusted"] = {k: v for k, v in sel.query_params().items() if k in AGE_ADJUSTED_KEYS}
    wanted = sel.query_params()
    current = {k: st.query_params.get(k) for k in st.query_params.keys()}
    if current != wanted:
        st.query_params.from_dict(wanted)
    years = aq.years()
    st.session_state["a_kommune"] = sel.municipality
    st.session_state["a_referanse"] = sel.reference
    st.session_state["a_aar"] = sel.year

    def changed() -> None:
        muni = st.session_state["a_kommune"]
        reference = st.session_state["a_referanse"]
        if reference == muni:
            reference = COUNTRY
        comps = sel.selection.comparisons if muni == sel.municipality else tuple(queries.default_comparisons(muni))
        new = AgeAdjustedSelection(Selection(muni, comps, sel.selection.from_year, sel.selection.to_year),
                                   reference, int(st.session_state["a_aar"]))
        st.query_params.from_dict(new.query_params())
        st.session_state["_last_selection"] = new.selection.query_params()
        st.session_state["_last_age_adjusted"] = {k: v for k, v in new.query_params().items()
                                                  if k in AGE_ADJUSTED_KEYS}

    codes = list(names)
    references = [COUNTRY, GROUP, *[c for c in codes if c != sel.municipality]]
    municipality_label = queries.municipality_labels().__getitem__  # made once per database file
    labels = {COUNTRY: "Landet uten Oslo", GROUP: "KOSTRA-gruppen (samme år)"}
    with st.sidebar:
        st.selectbox("Kommune", codes, key="a_kommune", format_func=municipality_label,
                     on_change=changed, help="Søk på navn eller kommunenummer.")
        st.selectbox("Sammenlign med", references, key="a_referanse", on_change=changed,
                     format_func=lambda c: labels.get(c) or municipality_label(c),
                     help="Landet uten Oslo er standard; KOSTRA-gruppen er kommunens gruppe det valgte året; "
                          "eller én kommune.")
        st.selectbox("År", years[::-1] or [sel.year], key="a_aar", on_change=changed)
        st.caption("Kommune, referanse og år ligger i adressen – kopier lenken for å dele nøyaktig denne visningen.")
    ui.show_notices(sel.notices)
    return sel


def demo_label() -> None:
    """The Demodata label when any input of the comparison is demo, also in a database with real SSB figures
    (the inhabitants by age group keep demo rows until `fetch` has found SSB's codes)."""
    st.html(f"<div data-testid='demo-label' style='{ui.DEMO_STYLE}'><b>Demodata</b> – noen av tallene i denne "
            "sammenligningen er syntetiske, ikke SSBs. Se «Kilder og definisjoner».</div>")


def later_missing(c: aq.Comparison) -> list[str]:
    """Why the years after the chosen one cannot be split (the page opens on the latest year with a complete split,
    so a newer year whose inputs SSB has not published yet is named, not silently skipped)."""
    later = [y for y in aq.years() if y > c.year and not aq.has_complete_split(c, y)]
    return [f"{year}: {text}" for year in later for text in sentences.missing_sentences(c, year=year)]


@dataclass(frozen=True)
class PageTexts:
    """What the page writes around its figures for one comparison, as Markdown."""
    title: str
    is_demo: bool                 # some input is demo in a database with real SSB figures: the Demodata label
    caption: str
    missing: tuple[str, ...]      # what the chosen year's split lacks
    later: tuple[str, ...]        # why the later years cannot be split
    method: str


def page_texts(sel: AgeAdjustedSelection) -> PageTexts:
    return _page_texts(sel.municipality, sel.reference, sel.year)


@db.per_database
def _page_texts(municipality: str, reference: str, year: int) -> PageTexts:
    """The page's texts, kept per comparison and database file: a few KB, where the comparison they are written
    from holds 70–120 KB and is needed again only to build figures that are not cached (it is kept in the working
    part of the budget)."""
    c = aq.comparison(municipality, reference, year)
    return PageTexts(
        title=markdown_text(f"Hvorfor bruker {c.name} mer eller mindre? Aldersjustert sammenligning med "
                            f"{c.reference_name}, {c.year}"),
        is_demo=c.is_demo and not queries.database_is_demo(),
        caption=markdown_text(aq.source_line(c) + "." + aq.member_sums_note(c) + " Se metoden under figurene."),
        missing=tuple(markdown_text(t) for t in sentences.missing_sentences(c)),
        later=tuple(markdown_text(t) for t in later_missing(c)),
        method=sentences.method_text(c))


def page(sel: AgeAdjustedSelection, *, draw) -> None:
    """The page under the title: what is missing, the five figures, and the method. `draw(figure_id, sel, key=…)`
    draws a registered figure (dashboard/views/page.figure: the registry sits above the domains)."""
    texts = page_texts(sel)
    if texts.is_demo:
        demo_label()
    st.caption(texts.caption)
    st.info("Aldersjustert sammenligning av modellerte utgifter (brukere × kostnad per bruker) – ikke "
            "inntektssystemets kostnadsnøkkel og ikke regnskapet. Rekkefølgen er demografi, dekningsgrad, "
            "enhetskostnad; se metoden nederst.")
    for text in texts.missing:
        st.warning(text)
    for text in texts.later:
        st.info(text)
    service = st.segmented_control("Fossefall for", list(WATERFALLS), default="total", key="a_tjeneste",
                                   format_func=aq.SERVICE_LABELS.get, help="I alt, eller én av de to tjenestene.")
    draw(WATERFALLS[service or "total"], sel, key="aldersjustert-fossefall")
    for figure_id in OTHER_FIGURES:
        draw(figure_id, sel, key=figure_id)
    st.markdown(texts.method)

