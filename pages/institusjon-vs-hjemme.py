"""Institusjon vs. hjemme: the cost ratio and how net care spending is split between home services and institutions."""
import streamlit as st

from dashboard.kostra import figures as kostra_figures
from dashboard.kostra import queries
from dashboard.kostra import ui as kostra_ui
from dashboard.views import page as ui
from dashboard.views.nav_guard import ensure_app_navigation

ensure_app_navigation()  # before anything renders: see dashboard/views/nav_guard.py

with ui.friendly_errors():
    kostra_ui.demo_label()
    sel = kostra_ui.selection_sidebar()
    st.title("Institusjon vs. hjemme")
    ui.figure("forhold-institusjon-hjemme", sel, key="ratio")
    st.caption("Egen beregning: kostnad per kommunal institusjonsplass delt på kostnad per mottaker av hjemmetjenester.")

    ui.figure("fordeling-utgifter", sel, key="shares")
    share = st.radio("Andel over tid", queries.SHARE_INDICATORS, horizontal=True, key="share_indicator",
                     format_func=lambda i: queries.indicators()[i].short_label)
    ui.figure(kostra_figures.SHARE_FIGURES[share], sel, key="share-trend")
    ui.figure("alle-kommuner", sel, key="scatter")
