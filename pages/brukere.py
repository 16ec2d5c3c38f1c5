"""Brukere: IPLOS-based users of care services by service type and age, and as a share of the population."""
import streamlit as st

from dashboard import queries, ui
from dashboard.nav_guard import ensure_app_navigation

ensure_app_navigation()  # before anything renders: see dashboard/nav_guard.py

with ui.friendly_errors():
    ui.demo_label()
    sel = ui.selection_sidebar()
    name = queries.municipality_names().get(sel.municipality, sel.municipality)
    st.title("Brukere av omsorgstjenester (IPLOS)")
    st.caption("Tall fra IPLOS/KPR slik SSB publiserer dem i KOSTRA. Små tall skjules av personvernhensyn (:).")
    ui.indicator_trend("home_care_recipients_share_of_population", sel, key="share",
                       title=f"Mottakere av hjemmetjenester i prosent av befolkningen – {name}")
    ui.users_by_service_chart(sel, key="services")
    ui.age_chart(sel, key="age")
    ui.indicator_trend("home_care_coverage_80_plus", sel, key="cov80",
                       title=f"Andel innbyggere 80 år og over som mottar hjemmetjenester – {name}")
