"""Sykefravær: sick leave per unit per month and rolling 12 months against each unit's goal, egenmeldt vs
legemeldt and short vs long term. Units too small to show (privacy) appear as ':'."""
import streamlit as st

from dashboard.core.text import markdown_text as md

from dashboard.own import queries as oq
from dashboard.own import ui as own_ui
from dashboard.views import page as ui
from dashboard.views.nav_guard import ensure_app_navigation

ensure_app_navigation()  # before anything renders: see dashboard/views/nav_guard.py

with ui.friendly_errors():
    own_ui.page_style()
    own_ui.demo_label("sick-leave")
    sel = own_ui.selection_sidebar("sick-leave", prefix="syk")
    st.title("Sykefravær")
    if sel.year is None:
        own_ui.no_data("sykefraværstall")
    else:
        names = oq.unit_names()
        who = "alle enheter" if sel.is_all else names.get(sel.unit, sel.unit)
        period = sel.period_label()
        source = oq.source_line("sick-leave")
        units = oq.sick_leave_units(sel.year, sel.to_month, sel.unit)
        if units.is_empty():
            st.info(f"Ingen sykefraværstall for {md(who)} i {period}.")
        else:
            st.caption(f"{md(who[:1].upper() + who[1:])}, {period}. Sykefravær = tapte dagsverk / avtalte dagsverk. "
                       f"Enheter med færre enn 5 ansatte vises som «:» av personvernhensyn.")
            over = units.filter(units["over_goal"])["unit_name"].to_list()
            if sel.is_all:
                c1, c2 = st.columns(2)
                c1.metric("Enheter over målet", f"{len(over)} av {units.height}", border=True)
                c2.metric("Enheter som vises som «:»", str((units["status"] == ":").sum()), border=True,
                          help="Færre enn 5 ansatte: tallene vises ikke av personvernhensyn.")
                if over:
                    st.warning("Over målet: " + ", ".join(md(n) for n in over) + ".")
            else:
                row = units.row(0, named=True)
                c1, c2, c3 = st.columns(3)
                c1.metric(f"Sykefravær {period}", oq.pct_text(row["sick_leave_pct"], row["status"], 2), border=True)
                c2.metric("Rullerende 12 måneder", oq.pct_text(row["rolling_12_pct"], row["status"], 2), border=True)
                c3.metric("Mål", oq.pct_text(row["goal_pct"], None, 1) if row["goal_pct"] is not None else "Mangler mål",
                          border=True)
                st.markdown(f"**Status:** {oq.STATUS_TEXT[row['goal_status']]}")

            st.subheader(f"Per enhet, {period}")
            tabled = oq.with_sick_leave_total(units, oq.sick_leave_total(sel.year, sel.to_month)) if sel.is_all \
                else units
            table = oq.sick_leave_table(tabled)
            own_ui.table_with_downloads(
                table, oq.sick_leave_download(tabled, sel.year, sel.to_month), key="units",
                title=f"Sykefravær per enhet {sel.period}",
                caption="Markerte rader er over målet. «:» = vises ikke av personvernhensyn; «Alle enheter» vises "
                        "som «:» når en enhet i summen gjør det (ellers kunne den regnes ut). " + source,
                styler=own_ui.highlight_rows(table, tabled["over_goal"].to_list()))
            ui.figure("sykefravaer-enheter", sel, key="bar")

            st.subheader("Måned for måned")
            measure = st.radio("Vis", ["Per måned", "Rullerende 12 måneder"], horizontal=True, key="syk_measure")
            ui.figure("sykefravaer-maaned" if measure == "Per måned" else "sykefravaer-rullerende", sel, key="trend")

            st.subheader("Egenmeldt og legemeldt, korttid og langtid")
            split = st.radio("Fordeling", ["Egenmeldt / legemeldt", "Korttid / langtid"], horizontal=True,
                             key="syk_split")
            ui.figure("sykefravaer-egenmeldt-legemeldt" if split.startswith("Egen") else "sykefravaer-korttid-langtid",
                      sel, key="split")
    st.subheader("Gå videre")
    own_ui.page_links(sel)
