"""Streamlit building blocks every page shares: friendly errors, notices, the demo label, a registered figure drawn
with its table, downloads and «Del / bygg inn». Pages stay thin: selection -> query -> chart -> show.
"""
from __future__ import annotations

import re
import traceback
from contextlib import contextmanager
from urllib.parse import urlsplit

import polars as pl
import streamlit as st

from dashboard import figures
from dashboard.core import charts, downloads
from dashboard.core.db import DatabaseUnavailable
from dashboard.core.html_parts import alt_text, figure_foot_html, figure_head_html
from dashboard.core.text import markdown_text
from dashboard.kostra import queries


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


def show_notices(notices: tuple[str, ...] | list[str]) -> None:
    """Every correction of the URL in one box: one line each, not a stack of warnings. A notice echoes what was in
    the URL, so it is shown as text (Markdown-escaped), never as a link or markup."""
    if len(notices) == 1:
        st.warning(markdown_text(notices[0]))
    elif notices:
        st.warning("\n".join(f"- {markdown_text(n)}" for n in notices))


def _file_stem(title: str) -> str:
    stem = re.sub(r"[^0-9A-Za-zæøåÆØÅ]+", "-", title).strip("-").lower()
    return stem[:60] or "data"


def figure(figure_id: str, sel, *, key: str, **options) -> figures.FigureBundle:
    """Draw one registered figure (dashboard/figures/registry.py) for the selection: the pages, /vis and /presentasjon all
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
    # st.html, not st.markdown: Markdown would read links and emphasis in a name even inside escaped HTML
    st.html(figure_head_html(bundle))
    legend = charts.legend_items(bundle.fig)
    st.plotly_chart(charts.for_screen(bundle.fig), key=f"chart-{key}", config=plotly_config(bundle.title), theme=None,
                    alt=alt_text(bundle))
    st.html(figure_foot_html(bundle, legend))
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
