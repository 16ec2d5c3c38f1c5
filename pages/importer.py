"""Importer egne data: upload a budget/accounts, sick-leave, unit-goal or budget-frame file; see every problem
(nothing is written) or a preview and what will be added or replaced; import on confirm."""
import hashlib

import streamlit as st

from dashboard.core.text import markdown_text as md

from dashboard.own import ui as own_ui
from dashboard.own import upload as own_import
from dashboard.views import door
from dashboard.views import page as ui
from dashboard.views.nav_guard import ensure_app_navigation
from pipelines.own_data import DatabaseBusy, ImportRejected

ensure_app_navigation()  # before anything renders: see dashboard/views/nav_guard.py

with ui.friendly_errors():
    st.title("Importer egne data")
    st.markdown("Last opp en eksport fra regnskaps- eller personalsystemet (CSV med semikolon eller komma som skilletegn, eller XLSX). "
                "Filen kontrolleres først: har den feil, vises alle med rad og kolonne, og **ingenting lagres**. "
                "Ellers ser du hva som legges til eller erstattes før du bekrefter. En ny fil for samme periode "
                "erstatter bare den perioden; samme fil to ganger endrer ingenting.")
    kind = st.radio("Filtype", own_import.KINDS, format_func=own_import.kind_label, horizontal=True, key="imp_kind")
    uploaded = st.file_uploader("Fil (CSV eller XLSX)", type=["csv", "xlsx", "txt"], key="imp_file")
    c1, c2 = st.columns(2)
    sheet = c1.text_input("Ark i XLSX-filen (valgfritt)", key="imp_sheet", help="Tomt: første ark.")
    amount_unit = c2.selectbox("Beløpsenhet", list(own_import.AMOUNT_UNITS), key="imp_amount_unit",
                               help="«fra filen»: enheten leses fra overskriftene («Regnskap (1000 kr)») eller tittelen.")
    with st.expander("Kolonnekart (valgfritt) – når overskriftene i filen har andre navn"):
        mapping_text = st.text_area("Kolonnekart som JSON", key="imp_mapping", height=90,
                                    placeholder='{"Regnskap": "Faktisk beløp", "Ansvar": "Kostnadssted"}')

    if st.session_state.get("imp_message"):
        st.success(md(st.session_state["imp_message"]))
    if uploaded is not None:
        data = uploaded.getvalue()
        cache_key = (hashlib.sha256(data).hexdigest(), uploaded.name, kind, sheet, amount_unit, mapping_text)
        if st.session_state.get("imp_parsed_key") != cache_key:
            st.session_state["imp_parsed"] = own_import.parse_upload(kind, data, uploaded.name, sheet=sheet,
                                                                     amount_unit=amount_unit, mapping_text=mapping_text)
            st.session_state["imp_parsed_key"] = cache_key
            st.session_state.pop("imp_message", None)
        parsed = st.session_state["imp_parsed"]
        st.subheader(f"«{md(parsed.file_name)}» som {own_import.kind_label(kind)}")
        for warning in parsed.warnings:
            st.warning(md(warning))
        if not parsed.ok:
            n = len(parsed.problems)
            st.error(f"Filen har {n} problem{'er' if n != 1 else ''} og ble ikke importert. Ingenting er lagret. "
                     "Rett filen og last den opp på nytt.")
            problems = own_import.problems_table(parsed)
            own_ui.table_with_downloads(problems, problems, key="problems", title=f"Problemer i {parsed.file_name}")
        else:
            st.caption(md(own_import.file_summary(parsed)))
            st.markdown(f"**Forhåndsvisning** (de første {own_import.PREVIEW_ROWS} radene slik de lagres)")
            st.dataframe(own_import.preview_table(parsed).to_pandas(), hide_index=True, key="table-preview")
            the_plan = own_import.plan(parsed)
            st.markdown("**Dette skjer ved import**")
            st.info(md(own_import.plan_summary(the_plan)))
            for warning in the_plan.warnings:
                st.warning(md(warning))
            own_ui.table_with_downloads(own_import.plan_table(the_plan), own_import.plan_table(the_plan), key="plan",
                                        title=f"Importplan {parsed.file_name}")
            if st.button("Importer", type="primary", key="imp_go", disabled=the_plan.already_imported):
                try:
                    result = own_import.run_import(parsed, author=door.author())
                except ImportRejected as exc:
                    st.error(md(str(exc)))
                except DatabaseBusy as exc:
                    st.error(md(str(exc)))
                else:
                    st.session_state["imp_message"] = own_import.result_message(result)
                    st.rerun()
    st.subheader("Siste importer")
    st.dataframe(own_import.recent_imports().to_pandas(), hide_index=True, key="table-imports")
    st.subheader("Gå videre")
    own_ui.page_links()
