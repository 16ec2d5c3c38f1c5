"""Streamlit building blocks every page shares: friendly errors, notices, the demo label, a registered figure drawn
with its table, downloads and «Del / bygg inn». Pages stay thin: selection -> query -> chart -> show.
"""
from __future__ import annotations

import re
import traceback
from contextlib import contextmanager
from urllib.parse import urlsplit

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import figures
from dashboard.core import charts, db, downloads
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


DEMO_STYLE = ("background:#FFE8D6;border:1px solid #D55E00;color:#8A1C00;padding:6px 10px;border-radius:4px;"
              "margin-bottom:8px")


def demo_label() -> None:
    """The page's Demodata label. st.html, not st.markdown with HTML: the browser then needs no Markdown-with-HTML
    parser (a 190 KB script every page otherwise loads for this one box before its charts)."""
    if queries.database_is_demo():
        st.html(f"<div data-testid='demo-label' style='{DEMO_STYLE}'><b>Demodata</b> – tallene i dette dashbordet er "
                "syntetiske (laget for demonstrasjon), ikke SSBs publiserte tall. Se «Kilder og definisjoner».</div>")


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
    bundle, legend, screen = prepared(figure_id, sel, **options)
    show_bundle(bundle, sel, key=key, legend=legend, screen=screen)
    return bundle


@db.per_database(maxsize=128)
def prepared(figure_id: str, sel, **options) -> tuple[figures.FigureBundle, list[charts.LegendItem], go.Figure]:
    """The bundle, its legend and its screen figure, built once per figure, selection and options for the database
    file and shared by every session: a figure depends on nothing else, and building one costs 30–60 ms of server
    CPU where sending it costs about 2. Neither figure is changed after this (st.plotly_chart only reads a figure)."""
    bundle = figures.build_figure(figure_id, sel, **options)
    return bundle, charts.legend_items(bundle.fig), charts.for_screen(bundle.fig)


PLOTLY_CONFIG = {"displaylogo": False, "locale": "no"}


def plotly_config(title: str) -> dict:
    # the camera button saves a sharp PNG named after the chart, ready for meeting papers and slides
    return {**PLOTLY_CONFIG, "toImageButtonOptions": {"format": "png", "filename": _file_stem(title), "scale": 2}}


def show_bundle(bundle: figures.FigureBundle, sel, *, key: str, share: bool = True,
                legend: list[charts.LegendItem] | None = None, screen: go.Figure | None = None) -> None:
    """Title and takeaway, the chart, its source line, its data as a table with CSV/XLSX, and «Del / bygg inn».

    `legend` and `screen` come from prepared() (a screen figure nobody changes); without them they are made here.
    The table and the downloads are sent only once «Tall bak figuren» is opened (opening it reruns the page, from
    the cached figure): most sessions never open it, and a table costs as much to send as its chart."""
    # st.html, not st.markdown: Markdown would read links and emphasis in a name even inside escaped HTML
    st.html(figure_head_html(bundle))
    if screen is None:
        legend = charts.legend_items(bundle.fig)
        screen = charts.for_screen(bundle.fig)
    st.plotly_chart(screen, key=f"chart-{key}", config=plotly_config(bundle.title), theme=None, alt=alt_text(bundle))
    st.html(figure_foot_html(bundle, legend))
    table = expander_on_demand("Tall bak figuren", key=f"open-table-{key}")
    if table is not None:
        with table:
            st.dataframe(blank_nulls(bundle.table).to_pandas(), hide_index=True, key=f"table-{key}")
            download_buttons(bundle.download, key=key, title=bundle.title)
    if share:
        share_box(bundle, sel, key=key)


def expander_on_demand(label: str, *, key: str):
    """A closed expander whose contents are made and sent only once it is opened (opening it reruns the page): the
    expander while open, None while closed. For tables most sessions never look at."""
    box = st.expander(label, expanded=False, key=key, on_change="rerun")
    return box if box.open else None


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
    """One slide per figure, municipality and choices: the same figure for Larvik and for Sandefjord, or for 2019 and
    2024, is two slides, each with its own selection (figures.presentation_slides writes them as
    `figurer=id,id@3907,id~aar=2019`)."""
    chosen = st.session_state.get(PRESENTATION_KEY)
    if not isinstance(chosen, dict) or "slides" not in chosen:
        chosen = st.session_state[PRESENTATION_KEY] = {"slides": []}
    for i, (fid, old) in enumerate(chosen["slides"]):
        if fid == figure_id and all(old.get(k) == params.get(k) for k in ("kommune", *figures.SLIDE_KEYS)):
            chosen["slides"][i] = (fid, dict(params))  # the same slide again (its period may have changed)
            return
    chosen["slides"].append((figure_id, dict(params)))  # another municipality or other choices: a slide of its own


def share_box(bundle: figures.FigureBundle, sel, *, key: str) -> None:
    """«Del / bygg inn»: the page link, the embed link and an <iframe> snippet (each with a copy button), and
    «Legg til i presentasjon», which collects slides (figure and selection) for /presentasjon."""
    box = st.popover("Del / bygg inn", icon=":material/share:", key=f"share-{key}", on_change="rerun")
    if not box.open:  # the links are made and sent when the box is opened (that reruns the page)
        return
    base = base_url()
    embed = figures.embed_url(bundle.figure_id, sel, base=base)
    with box:
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
        if isinstance(chosen, dict) and chosen.get("slides"):
            tokens, params = figures.presentation_slides(chosen["slides"])
            link = figures.presentation_url(tokens, params, base=base)
            st.markdown(f"**Presentasjon** ({len(tokens)} figurer): én figur per skjerm")
            st.code(link, language=None, wrap_lines=True)
            st.page_link("pages/presentasjon.py", label="Åpne presentasjonen", icon=":material/open_in_new:",
                         query_params={"figurer": ",".join(tokens), **params})
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
