"""Kilder og definisjoner: where every number comes from, how fresh it is, and what is demo."""
import streamlit as st

from dashboard.core.text import markdown_text as md

from dashboard.kostra import queries
from dashboard.kostra import ui as kostra_ui
from dashboard.views import page as ui
from dashboard.views.nav_guard import ensure_app_navigation

ensure_app_navigation()  # before anything renders: see dashboard/views/nav_guard.py

with ui.friendly_errors():
    kostra_ui.demo_label()
    st.title("Kilder og definisjoner")
    info = queries.build_info()
    st.markdown(queries.sources_intro(info))
    stale = queries.stale_indicators()
    if not stale.is_empty():
        st.warning(f"{stale.height} indikatorer ble ikke oppdatert ved siste henting fordi katalogen ikke stemmer med "
                   "SSB lenger. De viser tallene fra en tidligere henting (eller demodata), merket i kildelinjen "
                   "under hver figur. Rett pipelines/catalogue.toml (se `python -m pipelines catalogue check`).")
        st.dataframe(stale.to_pandas(), hide_index=True, key="stale")
    resolved = queries.resolved_indicators()
    if not resolved.is_empty():
        st.info(f"{resolved.height} indikatorer ble funnet ved navn ved siste henting: koden i katalogen finnes ikke "
                "hos SSB, men SSB har en variabel med samme navn, og den ble hentet. Kjør "
                "`python -m pipelines catalogue check --write` for å rette katalogen.")
        st.dataframe(resolved.to_pandas(), hide_index=True, key="resolved")
    st.dataframe(ui.blank_nulls(queries.sources_table()).to_pandas(), hide_index=True, key="sources")
    st.subheader("Tabeller og utgave")
    st.caption("SSB publiserer ureviderte KOSTRA-tall 15. mars og reviderte tall 15. juni året etter. "
               "Tabellens oppdateringstid hos SSB viser hvilken utgave databasen har.")
    st.dataframe(ui.blank_nulls(queries.table_editions()).to_pandas(), hide_index=True, key="editions")
    st.subheader("Merknader fra SSB")
    for table_id, notes in queries.source_notes().items():
        st.markdown(f"**Tabell {table_id}**")
        for note in notes:
            st.markdown(f"- {md(note)}")
    missing = queries.missing_sums_table()
    if not missing.is_empty():
        st.subheader("Summer som mangler")
        st.caption("Der SSB ikke publiserer tall for KOSTRA-gruppen eller landet, summerer vi kommunene. Mangler én "
                   "kommune tall, vises summen som «..» (mangler), aldri som en delsum. Her står hvilke kommuner.")
        st.dataframe(missing.to_pandas(), hide_index=True, key="missing_sums")
    st.subheader("Symboler")
    st.dataframe(queries.symbol_table().to_pandas(), hide_index=True, key="symbols")
    st.subheader("Egne beregninger fra regnskapet")
    st.caption("Der SSBs eget tall ikke er bekreftet ved en sjekk mot SSB (`python -m pipelines catalogue check`), "
               "viser sidene vår egen beregning fra regnskapet (tabell 12367) og brukertallene (tabell 12292), merket "
               "«Egen beregning» i kildelinjen. Når SSBs kode er bekreftet, vises SSBs eget tall.")
    st.dataframe(queries.stand_ins_table().to_pandas(), hide_index=True, key="stand_ins")
