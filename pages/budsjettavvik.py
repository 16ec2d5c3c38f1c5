"""Budsjettavvik: revised budget against accounts per unit and in total, the year-to-date trend, drill-down
sector -> unit -> art, and the budget frame waterfall per year of the economic plan."""
import streamlit as st

from dashboard.core.text import markdown_text as md

from dashboard.own import queries as oq
from dashboard.own import ui as own_ui
from dashboard.views import page as ui
from dashboard.views.nav_guard import ensure_app_navigation

ensure_app_navigation()  # before anything renders: see dashboard/views/nav_guard.py

with ui.friendly_errors():
    own_ui.page_style()
    own_ui.demo_label("budget")
    sel = own_ui.selection_sidebar("budget", prefix="bud")
    st.title("Budsjettavvik")
    if sel.year is None:
        own_ui.no_data("budsjett- og regnskapstall")
    else:
        scale = 1000 if st.sidebar.radio("Beløp i", ["kr", "1000 kr"], horizontal=True, key="bud_scale") == "1000 kr" \
            else 1
        names = oq.unit_names()
        who = "alle enheter" if sel.is_all else names.get(sel.unit, sel.unit)
        period = sel.period_label()
        source = oq.source_line("budget")
        units = oq.budget_units(sel.year, sel.to_month, sel.unit)
        if units.is_empty():
            st.info(f"Ingen budsjett- eller regnskapstall for {md(who)} i {period}.")
        else:
            total = oq.budget_total(units).row(0, named=True)
            st.caption(f"{who.capitalize() if sel.is_all else md(who)}, {period}. Avvik = revidert budsjett − regnskap: "
                       "positivt er mindreforbruk, negativt merforbruk. Økonomisk måloppnåelse = regnskap / revidert "
                       "budsjett.")
            if note := oq.accounts_note(total):
                st.info(md(note))
            c1, c2, c3, c4 = st.columns(4)
            c1.metric("Revidert budsjett", oq.compact_amount(total["revised_budget"]), border=True,
                      help=oq.amount_text(total["revised_budget"], 1))
            c2.metric("Regnskap", oq.compact_amount(total["accounts"]), border=True,
                      help=oq.amount_text(total["accounts"], 1))
            c3.metric(f"Avvik ({oq.deviation_label(total['deviation'])})", oq.compact_amount(total["deviation"]),
                      border=True, help=f"Revidert budsjett minus regnskap: {oq.deviation_text(total['deviation'])}.")
            c4.metric("Økonomisk måloppnåelse", oq.pct_text(total["attainment_pct"], None, 1), border=True,
                      help="Regnskap delt på revidert budsjett. Over 100 % betyr merforbruk.")

            st.subheader(f"Per enhet, {period}")
            table_frame = oq.with_total(units) if sel.is_all else units
            table = oq.budget_table(table_frame, scale=scale)
            own_ui.table_with_downloads(
                table, oq.budget_download(table_frame), key="units", title=f"Budsjettavvik per enhet {sel.period}",
                caption="Sortert med størst merforbruk først; rader med merforbruk er markert. " + source,
                styler=own_ui.highlight_rows(table, [d is not None and d < 0 for d in table_frame["deviation"]]))
            if sel.is_all:
                ui.figure("budsjettavvik-enheter", sel, key="deviation", scale=scale)

            st.subheader("Gjennom året")
            ui.figure("budsjett-maaned", sel, key="trend", scale=scale)

            st.subheader("Drill ned: sektor → enhet → art")
            sectors = oq.budget_sectors(sel.year, sel.to_month)
            st.markdown("**Sektorer**")
            own_ui.table_with_downloads(oq.budget_table(sectors, scale=scale, level="sector"),
                                        oq.budget_download(sectors, level="sector"), key="sectors",
                                        title=f"Budsjettavvik per sektor {sel.period}")
            sector_names = sectors["sector"].to_list()
            sector = st.selectbox("Velg sektor", sector_names, key="bud_drill_sector")
            sector_units = oq.budget_units(sel.year, sel.to_month, sector=sector)
            st.markdown(f"**Enheter i {md(sector)}**")
            own_ui.table_with_downloads(oq.budget_table(sector_units, scale=scale),
                                        oq.budget_download(sector_units), key="sector-units",
                                        title=f"Budsjettavvik {sector} {sel.period}")
            codes = sector_units["unit_code"].to_list()
            start = oq.default_drill_unit(sector_units, sel.unit)
            unit = st.selectbox("Velg enhet", codes, index=codes.index(start) if start in codes else 0,
                                format_func=lambda c: f"{names.get(c, c)} ({c})", key=f"bud_drill_unit_{sector}")
            arts = oq.budget_arts(sel.year, sel.to_month, unit)
            st.markdown(f"**Arter for {md(names.get(unit, unit))}** (tjeneste og art, størst merforbruk først)")
            own_ui.table_with_downloads(oq.budget_table(arts, scale=scale, level="art"),
                                        oq.budget_download(arts, level="art"), key="arts",
                                        title=f"Budsjettavvik per art {unit} {sel.period}")

    st.subheader("Budsjettramme")
    frame_names = oq.frame_names()
    if not frame_names:
        st.info("Ingen budsjettramme er importert ennå (filtype «budsjettramme» under «Importer egne data»).")
    else:
        if not oq.is_demo("budget"):
            own_ui.demo_label("budget-frame")
        frame_name = st.selectbox("Ramme", frame_names, key="bud_frame") if len(frame_names) > 1 else frame_names[0]
        years = oq.frame_years(frame_name)
        st.caption("Fra fjorårets vedtatte ramme gjennom hver endring (pris- og lønnsvekst, nye tiltak, innsparinger, "
                   "overføringer) til korrigert ramme, for hvert år i økonomiplanen. Tall i 1000 kr.")
        # one year at a time: drawing every year of the plan on each rerun would cost a chart per year
        year = st.radio("År i økonomiplanen", years, index=0, horizontal=True, key="bud_frame_year")
        ui.figure("budsjettramme", sel, key="frame", frame_name=frame_name, frame_year=year)
    st.subheader("Gå videre")
    own_ui.page_links(sel)
