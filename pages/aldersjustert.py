"""Aldersjustert sammenligning: why our modelled care spending differs from a reference's, split into demography,
coverage and unit cost (issue 18)."""
import streamlit as st

from dashboard.age_adjusted import ui as age_adjusted_ui
from dashboard.kostra import ui as kostra_ui
from dashboard.views import page as ui
from dashboard.views.nav_guard import ensure_app_navigation

ensure_app_navigation()  # before anything renders: see dashboard/views/nav_guard.py

with ui.friendly_errors():
    kostra_ui.demo_label()
    sel = age_adjusted_ui.sidebar()
    st.title(age_adjusted_ui.page_texts(sel).title)
    age_adjusted_ui.page(sel, draw=ui.figure)
