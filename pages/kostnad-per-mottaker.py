"""Kostnad per mottaker: unit costs of home services and institutions over time, and the group ranking."""
import streamlit as st

from dashboard.core.text import markdown_text as md

from dashboard.core import fmt
from dashboard.kostra import figures as kostra_figures
from dashboard.kostra import queries
from dashboard.kostra import ui as kostra_ui
from dashboard.views import page as ui
from dashboard.views.nav_guard import ensure_app_navigation

ensure_app_navigation()  # before anything renders: see dashboard/views/nav_guard.py

with ui.friendly_errors():
    kostra_ui.demo_label()
    sel = kostra_ui.selection_sidebar()
    names = queries.municipality_names()
    name = names.get(sel.municipality, sel.municipality)
    st.title("Kostnad per mottaker")
    st.caption("Korrigerte brutto driftsutgifter per mottaker av hjemmetjenester og per kommunal institusjonsplass, "
               "utgifter per oppholdsdøgn i institusjon og andelen private institusjonsplasser.")

    ui.figure("kostnad-hjemme", sel, key="home")
    ui.figure("kostnad-institusjon", sel, key="inst")
    ui.figure("kostnad-oppholdsdogn", sel, key="inst_day")
    ui.figure("andel-private-plasser", sel, key="private_places")

    gap = queries.gap_in_kroner(sel.municipality, sel.to_year)
    if gap:
        st.subheader(f"Hva utgjør avstanden til KOSTRA-gruppen i {sel.to_year}?")
        for indicator_id, volume_word in (("home_care_cost_per_recipient", "mottakere"),
                                          ("institution_cost_per_place", "plasser")):
            g = gap.get(indicator_id)
            if not g:
                st.markdown(f"**{queries.indicators()[indicator_id].short_label}:** kan ikke beregnes for "
                            f"{sel.to_year}: tallet mangler for kommunen eller gruppen (se tabellen under figuren).")
                continue
            direction = "lavere" if g["gap"] > 0 else "høyere"
            st.markdown(
                f"**{queries.indicators()[indicator_id].short_label}:** {md(name)}: {fmt.kroner(g['own'])}, "
                f"{md(g['group_name'])}: {fmt.kroner(g['group'])}. Med gruppens kostnad ville utgiftene vært "
                f"**{fmt.kroner(abs(g['gap']))} {direction}** ({fmt.number(g['volume'])} {volume_word}).")
        st.caption("Egen beregning: (kommunens kostnad − gruppens kostnad) × kommunens antall mottakere/plasser.")

    st.subheader(f"Rangering i KOSTRA-gruppen {sel.to_year}")
    choice = st.radio("Indikator", ["home_care_cost_per_recipient", "institution_cost_per_place"], horizontal=True,
                      format_func=lambda i: queries.indicators()[i].short_label, key="rank_indicator")
    ui.figure(kostra_figures.RANKING_FIGURES[choice], sel, key="ranking")
