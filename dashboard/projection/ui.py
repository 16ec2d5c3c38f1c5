"""Streamlit blocks for the projection page (/fremskriving): municipality and scenario in the sidebar and the URL.

The URL is the truth, as on the other pages: every control is set from it on each run, and every change is written
back to it, so a copied link reproduces the exact scenario.
"""
from __future__ import annotations

import streamlit as st

from dashboard.kostra import queries
from dashboard.kostra import ui as kostra_ui
from dashboard.kostra.selection import Selection, parse
from dashboard.projection.scenario import (
    COST_GROWTH,
    COVERAGE_80,
    HOME_INSTEAD,
    SCENARIO_KEYS,
    ProjectionSelection,
    Scenario,
)
from dashboard.projection.scenario import parse as parse_scenario
from dashboard import blocks as ui


def sidebar() -> ProjectionSelection:
    names = queries.municipality_names()
    first, last = queries.year_range()
    default = kostra_ui.default_municipality(names)
    params = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    if not any(k in params for k in kostra_ui.SELECTION_KEYS) and "_last_selection" in st.session_state:
        params = {**st.session_state["_last_selection"], **params}  # carried over from the page we came from
    sel = parse(params, resolve=queries.resolve_code, names=names, default_municipality=default,
                default_comparisons=queries.default_comparisons, first_year=first, last_year=last)
    if not any(k in params for k in SCENARIO_KEYS) and "_last_scenario" in st.session_state:
        params = {**st.session_state["_last_scenario"], **params}  # back from another page: the scenario as left
    scen = parse_scenario(params)
    st.session_state["_last_selection"] = sel.query_params()
    st.session_state["_last_scenario"] = scen.query_params()
    wanted = {**sel.query_params(), **scen.query_params()}
    current = {k: st.query_params.get(k) for k in st.query_params.keys()}
    if current != wanted:
        st.query_params.from_dict(wanted)
    st.session_state["p_kommune"] = sel.municipality
    st.session_state["p_dekning80"] = scen.coverage_80_change_pct
    st.session_state["p_hjemme"] = scen.home_instead_pct
    st.session_state["p_gruppe"] = scen.use_group_coverage
    st.session_state["p_kostvekst"] = scen.cost_growth_pct

    def changed() -> None:
        muni = st.session_state["p_kommune"]
        comps = sel.comparisons if muni == sel.municipality else tuple(queries.default_comparisons(muni))
        new_sel = Selection(muni, comps, sel.from_year, sel.to_year)
        new_scen = Scenario(int(st.session_state["p_dekning80"]), int(st.session_state["p_hjemme"]),
                            bool(st.session_state["p_gruppe"]), float(st.session_state["p_kostvekst"]))
        st.query_params.from_dict({**new_sel.query_params(), **new_scen.query_params()})
        st.session_state["_last_selection"] = new_sel.query_params()
        st.session_state["_last_scenario"] = new_scen.query_params()

    def reset() -> None:
        st.query_params.from_dict({**sel.query_params(), **Scenario().query_params()})
        st.session_state["_last_scenario"] = Scenario().query_params()

    codes = list(names)
    with st.sidebar:
        st.selectbox("Kommune", codes, key="p_kommune", format_func=queries.municipality_labels().__getitem__,
                     on_change=changed, help="Søk på navn eller kommunenummer.")
        st.subheader("Scenario")
        st.slider("Dekningsgrad 80 år og over, endring (%)", COVERAGE_80[1], COVERAGE_80[2], step=COVERAGE_80[3],
                  key="p_dekning80", on_change=changed,
                  help="Negativ: færre brukere per innbygger 80+ (hverdagsmestring, velferdsteknologi).")
        st.slider("Andel langtidsbeboere som får tjenester hjemme i stedet (%)", HOME_INSTEAD[1], HOME_INSTEAD[2],
                  step=HOME_INSTEAD[3], key="p_hjemme", on_change=changed)
        st.toggle("KOSTRA-gruppens dekningsgrad i stedet for egen", key="p_gruppe", on_change=changed,
                  help="«Hvis vi var som gruppen vår»: gruppens brukere per innbygger i hver aldersgruppe.")
        st.slider("Vekst i enhetskostnad per år, utover prisvekst (%)", COST_GROWTH[1], COST_GROWTH[2],
                  step=COST_GROWTH[3], key="p_kostvekst", on_change=changed, format="%.1f")
        st.button("Tilbake til dagens dekningsgrad", on_click=reset, key="p_reset")
        st.caption("Kommune og scenario ligger i adressen – kopier lenken for å dele nøyaktig denne visningen.")
    chosen = ProjectionSelection(sel, scen)
    ui.show_notices(chosen.notices)
    return chosen

