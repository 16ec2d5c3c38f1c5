"""Brukere: IPLOS-based users of care services by service type and age, and as a share of the population."""
import streamlit as st

from dashboard.kostra import ui as kostra_ui
from dashboard.views import page as ui
from dashboard.views.nav_guard import ensure_app_navigation

ensure_app_navigation()  # before anything renders: see dashboard/views/nav_guard.py

with ui.friendly_errors():
    kostra_ui.demo_label()
    sel = kostra_ui.selection_sidebar()
    st.title("Brukere av omsorgstjenester (IPLOS)")
    st.caption("Tall fra IPLOS/KPR slik SSB publiserer dem i KOSTRA. Små tall skjules av personvernhensyn (:).")
    ui.figure("mottakere-andel-befolkning", sel, key="share")
    ui.figure("brukere-tjeneste", sel, key="services")
    ui.figure("brukere-alder", sel, key="age")
    ui.figure("dekning-80-pluss", sel, key="cov80")
    st.subheader("Bistandsbehov og timeinnsats (IPLOS)")
    ui.figure("timer-helsetjenester-hjemme", sel, key="hours")
    ui.figure("omfattende-behov-80-pluss", sel, key="extensive80")
    ui.figure("hoy-timeinnsats", sel, key="intensity")
    st.subheader("Bemanning")
    ui.figure("arsverk-per-bruker", sel, key="man_years")
    ui.figure("andel-helseutdanning", sel, key="health_education")
