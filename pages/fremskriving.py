"""Fremskriving: SSB's population projection × today's coverage → users, places and kroner to 2040, with scenarios."""
import streamlit as st

from dashboard import projection, projection_ui, ui
from dashboard.nav_guard import ensure_app_navigation

ensure_app_navigation()  # before anything renders: see dashboard/nav_guard.py

with ui.friendly_errors():
    ui.demo_label()
    sel, scenario = projection_ui.sidebar()
    p = projection.project(sel.municipality, scenario)
    st.title(f"Fremskriving til {projection.HORIZON} – {p.name}")
    st.caption(projection.source_line(p) + ". Se metoden under figurene.")
    for text in projection.missing_explanations(p):
        st.warning(text)
    for sentence in (projection.takeaway(p), projection.scenario_takeaway(p)):
        if sentence:
            st.markdown(f"**{sentence}**")
    if p.has_data:
        projection_ui.figure(projection.cached_population_figure(p), key="proj-pop")
        projection_ui.figure(projection.users_figure(p), key="proj-users")
        projection_ui.figure(projection.cost_figure(p), key="proj-cost")
    st.markdown(projection.method_text(p))
    if p.has_data:
        with st.expander(f"Dekningsgrad i {p.coverage_year}: grunnlaget for framskrivingen"):
            st.dataframe(ui.blank_nulls(projection.coverage_table(p)).to_pandas(), hide_index=True, key="proj-coverage")
