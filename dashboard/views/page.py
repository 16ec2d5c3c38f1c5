"""Streamlit building blocks shared by the pages: selection in the sidebar and URL, notices, chart + table
+ downloads, the demo label. Pages stay thin: selection -> query -> chart -> show.
"""
from __future__ import annotations

import re
import traceback
from contextlib import contextmanager
from urllib.parse import urlsplit

import polars as pl
import streamlit as st

from dashboard import charts, downloads, figures, queries
from dashboard.html_parts import alt_text, figure_foot_html, figure_head_html
from dashboard.db import DatabaseUnavailable
from dashboard.selection import Selection, parse

ANALYST_PAGES = [
    ("pages/oversikt.py", "Oversikt"),
    ("pages/kostnad-per-mottaker.py", "Kostnad per mottaker"),
    ("pages/institusjon-vs-hjemme.py", "Institusjon vs. hjemme"),
    ("pages/brukere.py", "Brukere (IPLOS)"),
    ("pages/kilder.py", "Kilder og definisjoner"),
]


@contextmanager
def friendly_errors():
    """No tracebacks for users: a short Norwegian message, details only in the server log."""
    try:
        yield
    except DatabaseUnavailable as exc:
        st.error(str(exc))
    except Exception as exc:  # noqa: BLE001 - last line of defence for the UI
        traceback.print_exc()
        st.error("Noe gikk galt under visningen av denne siden. Prøv et annet utvalg, eller meld fra om feilen. "
                 f"({type(exc).__name__})")


def demo_label() -> None:
    if queries.database_is_demo():
        st.markdown(
            "<div data-testid='demo-label' style='background:#FFE8D6;border:1px solid #D55E00;color:#8A1C00;"
            "padding:6px 10px;border-radius:4px;margin-bottom:8px'><b>Demodata</b> – tallene i dette dashbordet er "
            "syntetiske (laget for demonstrasjon), ikke SSBs publiserte tall. Se «Kilder og definisjoner».</div>",
            unsafe_allow_html=True)


SELECTION_KEYS = ("kommune", "sammenlign", "fra", "til")


def _label(code: str, names: dict[str, str]) -> str:
    return f"{names.get(code, code)} ({code})"


def default_municipality(names: dict[str, str]) -> str:
    return next((c for c, n in names.items() if n == "Larvik"), next(iter(names)))


def kostra_selection(params: dict) -> Selection:
    """The selection a URL's parameters name, corrected as the pages correct it (old codes, hostile input)."""
    names = queries.municipality_names()
    first, last = queries.year_range()
    return parse(params, resolve=queries.resolve_code, names=names, default_municipality=default_municipality(names),
                 default_comparisons=queries.default_comparisons, first_year=first, last_year=last)


def selection_sidebar() -> Selection:
    """Read the selection from the URL, show it in the sidebar, and write every change back to the URL."""
    names = queries.municipality_names()
    first, last = queries.year_range()
    params = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    if not any(k in params for k in SELECTION_KEYS) and "_last_selection" in st.session_state:
        # Switching page in the navigation menu drops the query string; carry the selection over instead of
        # falling back to the defaults. A URL that names a selection always wins.
        params = dict(st.session_state["_last_selection"])
    sel = kostra_selection(params)
    st.session_state["_last_selection"] = sel.query_params()
    wanted = sel.query_params()
    current = {k: st.query_params.get(k) for k in st.query_params.keys()}
    if current != wanted:
        st.query_params.from_dict(wanted)
    # The URL is the truth. Widget ids differ per page, so after a page switch the sidebar widgets would start
    # from their first option while the page shows the URL's selection; they are therefore set from the URL on
    # every run. After a widget change its callback has already written the URL, so the user's choice stands.
    st.session_state["w_kommune"] = sel.municipality
    st.session_state["w_sammenlign"] = [c for c in sel.comparisons if c in names]
    st.session_state["w_years"] = (sel.from_year, sel.to_year)

    def changed() -> None:
        muni = st.session_state["w_kommune"]
        comps = [c for c in st.session_state["w_sammenlign"] if c != muni][:5]
        if muni != sel.municipality and set(comps) == set(queries.default_comparisons(sel.municipality)) - {muni}:
            # the comparisons were the old municipality's defaults, not the user's choice: follow the new one
            comps = queries.default_comparisons(muni)
        a, b = st.session_state["w_years"]
        new = Selection(muni, tuple(comps), int(a), int(b))
        st.query_params.from_dict(new.query_params())
        st.session_state["_last_selection"] = new.query_params()

    codes = list(names)
    with st.sidebar:
        st.selectbox("Kommune", codes, key="w_kommune", format_func=lambda c: _label(c, names), on_change=changed,
                     placeholder="Velg kommune",
                     help="Søk på navn eller kommunenummer.")
        st.multiselect("Sammenlign med (høyst 5)", codes, key="w_sammenlign", max_selections=5,
                       placeholder="Velg kommuner",
                       format_func=lambda c: _label(c, names), on_change=changed,
                       help="Standard: de største kommunene i samme KOSTRA-gruppe.")
        st.slider("År", min_value=first, max_value=last, key="w_years", on_change=changed)
        st.caption("Utvalget ligger i adressen – kopier lenken for å dele nøyaktig denne visningen.")
    show_notices(sel.notices)
    return sel


def show_notices(notices: tuple[str, ...] | list[str]) -> None:
    """Every correction of the URL in one box: one line each, not a stack of warnings."""
    if len(notices) == 1:
        st.warning(notices[0])
    elif notices:
        st.warning("\n".join(f"- {n}" for n in notices))


def page_links(sel: Selection) -> None:
    cols = st.columns(len(ANALYST_PAGES))
    for col, (path, label) in zip(cols, ANALYST_PAGES):
        with col:
            st.page_link(path, label=label, query_params=sel.query_params())


def _file_stem(title: str) -> str:
    stem = re.sub(r"[^0-9A-Za-zæøåÆØÅ]+", "-", title).strip("-").lower()
    return stem[:60] or "data"


def figure(figure_id: str, sel, *, key: str, **options) -> figures.FigureBundle:
    """Draw one registered figure (dashboard/figures.py) for the selection: the pages, /vis and /presentasjon all
    draw a chart through the registry, so it has one implementation."""
    bundle = figures.build_figure(figure_id, sel, **options)
    show_bundle(bundle, sel, key=key)
    return bundle


PLOTLY_CONFIG = {"displaylogo": False, "locale": "no"}


def plotly_config(title: str) -> dict:
    # the camera button saves a sharp PNG named after the chart, ready for meeting papers and slides
    return {**PLOTLY_CONFIG, "toImageButtonOptions": {"format": "png", "filename": _file_stem(title), "scale": 2}}


def show_bundle(bundle: figures.FigureBundle, sel, *, key: str, share: bool = True) -> None:
    """Title and takeaway, the chart, its source line, its data as a table with CSV/XLSX, and «Del / bygg inn»."""
    st.markdown(figure_head_html(bundle), unsafe_allow_html=True)
    legend = charts.legend_items(bundle.fig)
    st.plotly_chart(charts.for_screen(bundle.fig), key=f"chart-{key}", config=plotly_config(bundle.title), theme=None,
                    alt=alt_text(bundle))
    st.markdown(figure_foot_html(bundle, legend), unsafe_allow_html=True)
    with st.expander("Tall bak figuren", expanded=False):
        st.dataframe(blank_nulls(bundle.table).to_pandas(), hide_index=True, key=f"table-{key}")
        download_buttons(bundle.download, key=key, title=bundle.title)
    if share:
        share_box(bundle, sel, key=key)


def base_url() -> str:
    """Scheme and host the user reached the app on, so copied links work outside the app."""
    try:
        url = st.context.url
    except Exception:  # noqa: BLE001 - outside a browser session (tests)
        url = None
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


PRESENTATION_KEY = "_presentation"


def _add_to_presentation(figure_id: str, params: dict[str, str]) -> None:
    chosen = st.session_state.setdefault(PRESENTATION_KEY, {"ids": [], "params": {}})
    if figure_id not in chosen["ids"]:
        chosen["ids"].append(figure_id)
    chosen["params"].update(params)


def share_box(bundle: figures.FigureBundle, sel, *, key: str) -> None:
    """«Del / bygg inn»: the page link, the embed link and an <iframe> snippet (each with a copy button), and
    «Legg til i presentasjon», which collects figure ids for /presentasjon."""
    base = base_url()
    embed = figures.embed_url(bundle.figure_id, sel, base=base)
    with st.popover("Del / bygg inn", icon=":material/share:", key=f"share-{key}"):
        st.markdown("**Lenke til siden** med dette utvalget")
        st.code(figures.page_url(bundle.figure_id, sel, base=base), language=None, wrap_lines=True)
        st.markdown("**Lenke til bare denne figuren** (for e-post, møtepapirer og prosjektor)")
        st.code(embed, language=None, wrap_lines=True)
        st.markdown("**HTML for å bygge inn** på en nettside eller i et møtedokument")
        st.code(figures.iframe_snippet(embed, bundle.title), language="html", wrap_lines=True)
        st.button("Legg til i presentasjon", key=f"present-{key}", icon=":material/slideshow:",
                  on_click=_add_to_presentation, args=(bundle.figure_id, figures.selection_params(
                      bundle.figure_id, sel)))
        chosen = st.session_state.get(PRESENTATION_KEY)
        if chosen and chosen["ids"]:
            link = figures.presentation_url(chosen["ids"], chosen["params"], base=base)
            st.markdown(f"**Presentasjon** ({len(chosen['ids'])} figurer): én figur per skjerm")
            st.code(link, language=None, wrap_lines=True)
            st.page_link("pages/presentasjon.py", label="Åpne presentasjonen", icon=":material/open_in_new:",
                         query_params={"figurer": ",".join(chosen["ids"]), **chosen["params"]})
            st.button("Tøm presentasjonen", key=f"present-clear-{key}", on_click=st.session_state.pop,
                      args=(PRESENTATION_KEY, None))


def blank_nulls(table: pl.DataFrame) -> pl.DataFrame:
    """Empty text cells instead of Python's None (a year a series has no row for, a field an indicator lacks)."""
    return table.with_columns(pl.col(pl.Utf8).fill_null(""))


def download_buttons(download: pl.DataFrame, *, key: str, title: str, columns: list[int] | None = None) -> None:
    """CSV and XLSX buttons; the files are made when clicked, not on every run (an XLSX per table would add
    ~10 ms to each rerun)."""
    stem = _file_stem(title)
    c1, c2, *_ = st.columns(columns or [1, 1])
    c1.download_button("Last ned CSV", lambda: downloads.csv_bytes(download), file_name=f"{stem}.csv",
                       mime="text/csv", key=f"csv-{key}")
    c2.download_button("Last ned Excel (XLSX)", lambda: downloads.xlsx_bytes(download, title=title),
                       file_name=f"{stem}.xlsx", key=f"xlsx-{key}",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def overview_profile(sel: Selection, *, key: str) -> None:
    """The municipality against its KOSTRA group as an index; a note instead when it has no group that year."""
    group = queries.group_of(sel.municipality, sel.to_year)[1]
    if group is None:
        name = queries.municipality_names().get(sel.municipality, sel.municipality)
        st.info(f"{name} er ikke med i noen KOSTRA-gruppe i {sel.to_year}, så det er ingen gruppe å sammenligne med.")
        return
    figure("profil-gruppe", sel, key=key)
