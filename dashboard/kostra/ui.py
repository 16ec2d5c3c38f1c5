"""Streamlit part of the KOSTRA pages: the analyst's selection in the sidebar and the URL, links between the
analysts' pages and the group profile. Shared page blocks (notices, downloads) are in dashboard/blocks.py; a registered figure is drawn by
dashboard/views/page.py.
"""
from __future__ import annotations

import streamlit as st

from dashboard.core.text import markdown_text
from dashboard.kostra import queries
from dashboard.kostra.selection import Selection, parse
from dashboard.blocks import demo_box, page_link, show_notices

ANALYST_PAGES = [
    ("pages/oversikt.py", "Oversikt"),
    ("pages/kostnad-per-mottaker.py", "Kostnad per mottaker"),
    ("pages/institusjon-vs-hjemme.py", "Institusjon vs. hjemme"),
    ("pages/brukere.py", "Brukere (IPLOS)"),
    ("pages/kilder.py", "Kilder og definisjoner"),
]



SELECTION_KEYS = ("kommune", "sammenlign", "fra", "til")


def default_municipality(names: dict[str, str]) -> str:
    return next((c for c, n in names.items() if n == "Larvik"), next(iter(names)))


def kostra_selection(params: dict) -> Selection:
    """The selection a URL's parameters name, corrected as the pages correct it (old codes, hostile input)."""
    names = queries.municipality_names()
    first, last = queries.year_range()
    return parse(params, resolve=queries.resolve_code, names=names, default_municipality=default_municipality(names),
                 default_comparisons=queries.default_comparisons, first_year=first, last_year=last)


def selection_sidebar() -> Selection:
    """Read the selection from the URL, show it in the sidebar, and write every change back to the URL."""
    names = queries.municipality_names()
    first, last = queries.year_range()
    params = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    if not any(k in params for k in SELECTION_KEYS) and "_last_selection" in st.session_state:
        # Switching page in the navigation menu drops the query string; carry the selection over instead of
        # falling back to the defaults. A URL that names a selection always wins.
        params = dict(st.session_state["_last_selection"])
    sel = kostra_selection(params)
    st.session_state["_last_selection"] = sel.query_params()
    wanted = sel.query_params()
    current = {k: st.query_params.get(k) for k in st.query_params.keys()}
    if current != wanted:
        st.query_params.from_dict(wanted)
    # The URL is the truth. Widget ids differ per page, so after a page switch the sidebar widgets would start
    # from their first option while the page shows the URL's selection; they are therefore set from the URL on
    # every run. After a widget change its callback has already written the URL, so the user's choice stands.
    st.session_state["w_kommune"] = sel.municipality
    st.session_state["w_sammenlign"] = [c for c in sel.comparisons if c in names]
    st.session_state["w_years"] = (sel.from_year, sel.to_year)

    def changed() -> None:
        muni = st.session_state["w_kommune"]
        comps = [c for c in st.session_state["w_sammenlign"] if c != muni][:5]
        if muni != sel.municipality and set(comps) == set(queries.default_comparisons(sel.municipality)) - {muni}:
            # the comparisons were the old municipality's defaults, not the user's choice: follow the new one
            comps = queries.default_comparisons(muni)
        a, b = st.session_state["w_years"]
        new = Selection(muni, tuple(comps), int(a), int(b))
        st.query_params.from_dict(new.query_params())
        st.session_state["_last_selection"] = new.query_params()

    codes = list(names)
    label = queries.municipality_labels().__getitem__  # every option is a code of `names`
    with st.sidebar:
        st.selectbox("Kommune", codes, key="w_kommune", format_func=label, on_change=changed,
                     placeholder="Velg kommune",
                     help="Søk på navn eller kommunenummer.")
        st.multiselect("Sammenlign med (høyst 5)", codes, key="w_sammenlign", max_selections=5,
                       placeholder="Velg kommuner",
                       format_func=label, on_change=changed,
                       help="Standard: de største kommunene i samme KOSTRA-gruppe.")
        st.slider("År", min_value=first, max_value=last, key="w_years", on_change=changed)
        st.caption("Utvalget ligger i adressen – kopier lenken for å dele nøyaktig denne visningen.")
    show_notices(sel.notices)
    return sel


def page_links(sel: Selection) -> None:
    cols = st.columns(len(ANALYST_PAGES))
    for col, (path, label) in zip(cols, ANALYST_PAGES):
        with col:
            page_link(path, label=label, query_params=sel.query_params())


def has_group_profile(sel: Selection) -> bool:
    """Can the municipality be drawn against its KOSTRA group as an index (`profil-gruppe`)? A note instead when it
    has no group that year."""
    group = queries.group_of(sel.municipality, sel.to_year)[1]
    if group is None:
        name = queries.municipality_names().get(sel.municipality, sel.municipality)
        st.info(f"{markdown_text(name)} er ikke med i noen KOSTRA-gruppe i {sel.to_year}, så det er ingen gruppe å sammenligne med.")
        return False
    return True


def demo_label() -> None:
    """The KOSTRA pages' Demodata label, when the database holds the built-in synthetic snapshot."""
    if queries.database_is_demo():
        demo_box("<b>Demodata</b> – tallene i dette dashbordet er syntetiske (laget for demonstrasjon), ikke SSBs "
                 "publiserte tall. Se «Kilder og definisjoner».")
