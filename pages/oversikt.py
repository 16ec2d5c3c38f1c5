"""Oversikt: the municipality's key care figures for the latest year against its KOSTRA group and the country."""
import streamlit as st

from dashboard.core.text import markdown_text as md

from dashboard.kostra import queries
from dashboard.kostra import ui as kostra_ui
from dashboard.views import page as ui
from dashboard.views.nav_guard import ensure_app_navigation

ensure_app_navigation()  # before anything renders: see dashboard/views/nav_guard.py

KEY_FIGURES = [
    "home_care_cost_per_recipient",
    "institution_cost_per_place",
    "institution_to_home_cost_ratio",
    "home_care_share_of_care_net_expenditure",
    "institution_share_of_care_net_expenditure",
    "care_net_expenditure_per_inhabitant",
    "home_care_coverage_80_plus",
    "home_care_recipients",
    "institution_long_term_residents",
]

with ui.friendly_errors():
    kostra_ui.demo_label()
    sel = kostra_ui.selection_sidebar()
    names = queries.municipality_names()
    year = sel.to_year
    st.title(f"Pleie og omsorg i {md(names.get(sel.municipality, sel.municipality))} {year}")
    table = queries.overview_cards(sel.municipality, year, KEY_FIGURES)
    if table.is_empty():
        st.info(f"Ingen tall for {md(names.get(sel.municipality, sel.municipality))} i {year}.")
    else:
        st.caption(f"Sammenlignet med {md(table['Gruppe'][0] or 'KOSTRA-gruppen')} og landet uten Oslo. "
                   f"Rangering innen gruppen: 1 = best der det er klart hva som er best, ellers høyest.")
        cols = st.columns(3)
        for i, card in enumerate(table.iter_rows(named=True)):
            with cols[i % 3]:
                st.metric(card["Indikator"], card["Verdi"], card["Endring"] or None,
                          delta_color="off" if card["Retning"] is None else ("normal" if card["Retning"] else "inverse"),
                          help=card["Hjelp"], border=True)
                st.caption(f"Gruppen: {card['Gruppeverdi']} · Landet u/Oslo: {card['Landsverdi']} · {card['Rang']}")
        box = ui.expander_on_demand("Tabell og nedlasting", key="overview-table-open")
        if box is not None:
            with box:
                st.dataframe(table.drop("Retning", "Hjelp").to_pandas(), hide_index=True)
        if kostra_ui.has_group_profile(sel):
            ui.figure("profil-gruppe", sel, key="profile")
    st.subheader("Gå videre")
    kostra_ui.page_links(sel)
