"""Streamlit blocks for the age-adjusted page (/aldersjustert): municipality, reference and year in the sidebar and the
URL (`kommune`, `referanse`, `aar`), and the page's own notes around the registered figures.

The URL is the truth, as on the other pages: every control is set from it on each run, and every change is written
back to it, so a copied link reproduces the exact comparison.
"""
from __future__ import annotations

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


def demo_notice(c: aq.Comparison) -> None:
    """The Demodata label when any input of this comparison is demo, also in a database with real SSB figures
    (the inhabitants by age group keep demo rows until `fetch` has found SSB's codes)."""
    if c.is_demo and not queries.database_is_demo():
        st.html(f"<div data-testid='demo-label' style='{ui.DEMO_STYLE}'><b>Demodata</b> – noen av tallene i denne "
                "sammenligningen er syntetiske, ikke SSBs. Se «Kilder og definisjoner».</div>")


def later_missing(c: aq.Comparison) -> list[str]:
    """Why the years after the chosen one cannot be split (the page opens on the latest year with a complete split,
    so a newer year whose inputs SSB has not published yet is named, not silently skipped)."""
    later = [y for y in aq.years() if y > c.year and not aq.has_complete_split(c, y)]
    return [f"{year}: {text}" for year in later for text in sentences.missing_sentences(c, year=year)]


def page(sel: AgeAdjustedSelection, *, draw) -> None:
    """The page under the title: what is missing, the five figures, and the method. `draw(figure_id, sel, key=…)`
    draws a registered figure (dashboard/views/page.figure: the registry sits above the domains)."""
    c = aq.compare(sel)
    demo_notice(c)
    st.caption(markdown_text(aq.source_line(c) + "." + aq.member_sums_note(c) + " Se metoden under figurene."))
    st.info("Aldersjustert sammenligning av modellerte utgifter (brukere × kostnad per bruker) – ikke "
            "inntektssystemets kostnadsnøkkel og ikke regnskapet. Rekkefølgen er demografi, dekningsgrad, "
            "enhetskostnad; se metoden nederst.")
    for text in sentences.missing_sentences(c):
        st.warning(markdown_text(text))
    for text in later_missing(c):
        st.info(markdown_text(text))
    service = st.segmented_control("Fossefall for", list(WATERFALLS), default="total", key="a_tjeneste",
                                   format_func=aq.SERVICE_LABELS.get, help="I alt, eller én av de to tjenestene.")
    draw(WATERFALLS[service or "total"], sel, key="aldersjustert-fossefall")
    for figure_id in OTHER_FIGURES:
        draw(figure_id, sel, key=figure_id)
    st.markdown(sentences.method_text(c))

