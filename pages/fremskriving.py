"""Fremskriving: SSB's population projection × today's coverage → users, places and kroner to 2040, with scenarios."""
import streamlit as st

from dashboard.core.text import markdown_text as md

from dashboard.projection import queries as projection
from dashboard.projection import ui as projection_ui
from dashboard.kostra import ui as kostra_ui
from dashboard.views import page as ui
from dashboard.views.nav_guard import ensure_app_navigation

ensure_app_navigation()  # before anything renders: see dashboard/views/nav_guard.py

with ui.friendly_errors():
    kostra_ui.demo_label()
    sel = projection_ui.sidebar()
    texts = projection.page_texts(sel.municipality, sel.scenario)
    st.title(f"Fremskriving til {projection.HORIZON} – {md(texts.name)}")
    st.caption(md(texts.source + ". Se metoden under figurene."))
    for text in texts.missing:
        st.warning(md(text))
    if texts.has_data:
        ui.figure("fremskriving-befolkning", sel, key="proj-pop")
        ui.figure("fremskriving-brukere", sel, key="proj-users")
        ui.figure("fremskriving-kostnad", sel, key="proj-cost")
    st.markdown(texts.method)
    box = ui.expander_on_demand(f"Dekningsgrad i {texts.coverage_year}: grunnlaget for framskrivingen",
                                key="proj-coverage-open") if texts.has_data else None
    if box is not None:
        with box:
            p = projection.project(sel.municipality, sel.scenario)
            st.dataframe(ui.blank_nulls(projection.coverage_table(p)).to_pandas(), hide_index=True, key="proj-coverage")
