"""Entry point: `streamlit run app.py`. Declares the pages; each page file stays thin."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

st.set_page_config(page_title="Pleie og omsorg – KOSTRA-dashbord", page_icon="📊", layout="wide")
# key figures that fit a laptop screen: the value shrinks with the window, and labels wrap instead of being cut
st.html("""<style>
[data-testid="stMetricValue"] { font-size: clamp(1.25rem, 2.3vw, 2.25rem); }
[data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div { white-space: normal; }
</style>""")

HERE = Path(__file__).parent
SECTIONS = {
    "KOSTRA-analyse": [
        ("pages/oversikt.py", "Oversikt", None),
        ("pages/kostnad-per-mottaker.py", "Kostnad per mottaker", "kostnad-per-mottaker"),
        ("pages/institusjon-vs-hjemme.py", "Institusjon vs. hjemme", "institusjon-vs-hjemme"),
        ("pages/brukere.py", "Brukere (IPLOS)", "brukere"),
        ("pages/fremskriving.py", "Fremskriving til 2040", "fremskriving"),
        ("pages/kilder.py", "Kilder og definisjoner", "kilder"),
    ],
    "Egne data (økonomi og personal)": [
        ("pages/budsjettavvik.py", "Budsjettavvik", "budsjettavvik"),
        ("pages/sykefravaer.py", "Sykefravær", "sykefravaer"),
        ("pages/enhetsrapport.py", "Enhetsrapport", "enhetsrapport"),
        ("pages/importer.py", "Importer egne data", "importer"),
    ],
}

pages = {}
for section, entries in SECTIONS.items():
    found = [
        st.Page(path, title=title, url_path=url, default=url is None) if url else st.Page(path, title=title, default=True)
        for path, title, url in entries
        if (HERE / path).exists()
    ]
    if found:
        pages[section] = found
st.navigation(pages).run()
