"""Entry point: `streamlit run app.py`. Declares the pages; each page file stays thin."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from dashboard.core import settings

settings.limit_polars_threads()  # before anything imports polars (it sizes its thread pool once, at import)

import streamlit as st  # noqa: E402

from dashboard.core.html_parts import FIGURE_CSS  # noqa: E402
from dashboard.views import door, menu  # noqa: E402
from dashboard.views.warm import freeze_imported_modules  # noqa: E402

freeze_imported_modules()  # once per process: the collector Streamlit runs after each session skips the modules
st.set_page_config(page_title="Pleie og omsorg – KOSTRA-dashbord", page_icon="📊", layout="wide")
# key figures that fit a laptop screen: the value shrinks with the window, and labels wrap instead of being cut
st.html("""<style>
[data-testid="stMetricValue"] { font-size: clamp(1.25rem, 2.3vw, 2.25rem); }
[data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div { white-space: normal; }
/* WCAG AA contrast (4.5:1, checked by axe in tests/browser/test_accessibility_browser.py) where Streamlit's theme
   falls short: captions (grey at 60 % opacity, 3.9:1), white on the theme's vermillion in multiselect chips
   (3.9:1) and the vermillion slider value on grey (3.6:1) */
[data-testid="stCaptionContainer"] { color: #595959 !important; opacity: 1 !important; }
[data-testid="stMultiSelectTagsContainer"] [data-tag] { background-color: #A84A00 !important; }
[data-testid="stSliderThumbValue"], [data-testid="stSliderThumbValue"] p { color: #A14700 !important; }
</style>""" + FIGURE_CSS)

HERE = Path(__file__).parent
SECTIONS = {
    "KOSTRA-analyse": [
        ("pages/oversikt.py", "Oversikt", None),
        ("pages/kostnad-per-mottaker.py", "Kostnad per mottaker", "kostnad-per-mottaker"),
        ("pages/institusjon-vs-hjemme.py", "Institusjon vs. hjemme", "institusjon-vs-hjemme"),
        ("pages/brukere.py", "Brukere (IPLOS)", "brukere"),
        ("pages/fremskriving.py", "Fremskriving til 2040", "fremskriving"),
        ("pages/aldersjustert.py", "Aldersjustert sammenligning", "aldersjustert"),
        ("pages/kilder.py", "Kilder og definisjoner", "kilder"),
    ],
    "Egne data (økonomi og personal)": [
        ("pages/budsjettavvik.py", "Budsjettavvik", "budsjettavvik"),
        ("pages/sykefravaer.py", "Sykefravær", "sykefravaer"),
        ("pages/enhetsrapport.py", "Enhetsrapport", "enhetsrapport"),
        ("pages/importer.py", "Importer egne data", "importer"),
    ],
}

# one figure per link and the presentation: no menu, no sidebar (see pages/vis.py)
BARE_PAGES = [("pages/vis.py", "Figur", "vis"), ("pages/presentasjon.py", "Presentasjon", "presentasjon")]


def _bare_view() -> bool:
    """Is this run for /vis or /presentasjon? Decided before st.navigation, which draws the menu."""
    try:
        path = urlsplit(st.context.url or "").path.rstrip("/")
    except Exception:  # noqa: BLE001 - no browser context (AppTest)
        path = ""
    if path:
        return path.rsplit("/", 1)[-1] in {url for _, _, url in BARE_PAGES}
    return "figur" in st.query_params or "figurer" in st.query_params


# The door (dashboard/views/door.py): a page this visitor may not open is replaced by a refusal with the same address,
# so its file never runs (none of its queries do), and it leaves the menu.
who = door.visitor()
pages, hidden = {}, [url for _, _, url in BARE_PAGES]
refused = []
for section, entries in SECTIONS.items():
    found = []
    for path, title, url in entries:
        if not menu.exists(HERE / path):
            continue
        if door.may_open_page(url, who):
            found.append(menu.page(path, title=title, url_path=url, default=url is None))
        else:
            refused.append(st.Page(door.refusal_page(title), title=title, url_path=url or "oversikt",
                                   default=url is None))
            hidden.append(url or "oversikt")
    if found:
        pages[section] = found
bare = [menu.page(path, title=title, url_path=url) for path, title, url in BARE_PAGES if menu.exists(HERE / path)]
if bare or refused:
    pages[""] = refused + bare  # reachable by URL; hidden from the menu below
st.html("<style>" + ", ".join(f'[data-testid="stSidebarNav"] li:has(a[href$="/{url}"])' for url in hidden)
        + " { display: none; }</style>")
# expanded: every page in the menu (Streamlit folds a long menu behind «View more», hiding the managers' pages)
bare_view = _bare_view()
nav = st.navigation(pages, position="hidden" if bare_view else "sidebar", expanded=True)
if not bare_view:
    door.account_box(who)
door.follow_target(who)
if not bare_view and door.page_requirement(nav.url_path) != door.PUBLIC:
    door.local_notice()  # local mode: one line saying the own data here is open to whoever uses this machine
nav.run()
