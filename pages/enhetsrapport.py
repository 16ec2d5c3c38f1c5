"""Enhetsrapport: one unit's scorecard for a year (each indicator's goal, result and status) with its budget
figures and sick leave, printable as one A4 page and downloadable as XLSX."""
import streamlit as st

from dashboard.core.text import markdown_text as md

from dashboard.core import downloads
from dashboard.own import queries as oq
from dashboard.own import ui as own_ui
from dashboard.views import page as ui
from dashboard.views.nav_guard import ensure_app_navigation

ensure_app_navigation()  # before anything renders: see dashboard/views/nav_guard.py

with ui.friendly_errors():
    own_ui.page_style(printable=True)
    sel = own_ui.selection_sidebar("goals", allow_all=False, prefix="rap")
    if sel.year is None or sel.is_all:
        st.title("Enhetsrapport")
        own_ui.no_data("enhetsmål")
    else:
        own_ui.demo_label()
        names = oq.unit_names()
        name = names.get(sel.unit, sel.unit)
        st.title(f"Enhetsrapport {sel.year}: {md(name)}")
        st.caption(f"Ansvar {md(sel.unit)}. Budsjett og sykefravær for {sel.period_label()}; mål og resultater for "
                   f"{sel.year}.")
        st.markdown("<p class='no-print' style='color:#555'><b>Skriv ut</b>: bruk nettleserens utskrift "
                    "(Ctrl+P / Cmd+P). Siden er tilpasset én A4-side; menyen og knappene skrives ikke ut.</p>",
                    unsafe_allow_html=True)

        figures = oq.unit_key_figures(sel.unit, sel.year, sel.to_month)
        st.subheader("Kostnadskontroll")
        if figures["has_budget"]:
            c1, c2, c3, c4 = st.columns(4)
            c1.metric("Revidert budsjett", figures["revised_budget_compact"], border=True,
                      help=figures["revised_budget_text"])
            c2.metric("Regnskap", figures["accounts_compact"], border=True, help=figures["accounts_text"])
            c3.metric(f"Avvik ({figures['deviation_label']})", figures["deviation_compact"], border=True,
                      help=figures["deviation_text"])
            c4.metric("Økonomisk måloppnåelse", figures["attainment_text"], border=True)
        else:
            st.info("Ingen budsjett- eller regnskapstall for enheten i perioden.")
        st.subheader("Nærvær")
        if figures["has_sick_leave"]:
            c1, c2, c3, c4 = st.columns(4)
            c1.metric("Sykefravær", figures["sick_leave_text"], border=True)
            c2.metric("Rullerende 12 måneder", figures["rolling_text"], border=True)
            c3.metric("Mål", figures["goal_text"], border=True)
            c4.metric("Status", figures["sick_status_text"], border=True)
            if figures["sick_status"] == ":":
                st.caption("«:» Sykefraværet vises ikke av personvernhensyn (færre enn 5 ansatte).")
        else:
            st.info("Ingen sykefraværstall for enheten i perioden.")

        st.subheader("Mål og resultater")
        card = oq.scorecard(sel.unit, sel.year)
        if card.is_empty():
            st.info(f"Ingen enhetsmål for {md(name)} i {sel.year}.")
        table = oq.scorecard_table(card)
        st.html(own_ui.scorecard_html(card))
        met = (card["status"] == "met").sum() if card.height else 0
        st.caption(f"{met} av {card.height} mål nådd. Nådd = resultatet er minst like godt som målet; "
                   "Mangler tall = mål eller resultat er ikke registrert. "
                   + md(" · ".join(oq.source_line(k) for k in ("goals", "budget", "sick-leave"))))
        title = f"Enhetsrapport {sel.year} {name}"
        sheets = {"Mål og resultater": oq.scorecard_download(card, sel.unit, sel.year),
                  "Nøkkeltall": oq.key_figures_download(figures, sel.unit, sel.year, sel.to_month)}
        note = "Demodata – fiktive tall" if oq.is_demo() else None
        c1, c2, _ = st.columns([1, 1, 3])
        c1.download_button("Last ned Excel (XLSX)", lambda: downloads.xlsx_workbook(sheets, title=title, note=note),
                           file_name=f"{ui._file_stem(title)}.xlsx", key="xlsx-scorecard",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        c2.download_button("Last ned CSV (mål)", lambda: downloads.csv_bytes(sheets["Mål og resultater"]),
                           file_name=f"{ui._file_stem(title)}.csv", mime="text/csv", key="csv-scorecard")
        with st.expander("Tabell"):
            st.dataframe(table.to_pandas(), hide_index=True, key="table-scorecard")
    st.markdown("<p class='no-print'><b>Gå videre</b></p>", unsafe_allow_html=True)
    own_ui.page_links(sel)
