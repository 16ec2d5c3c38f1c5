"""Streamlit building blocks every page shares that need the figure registry: a registered figure drawn with its
table, downloads and «Del / bygg inn» (each through the access door, dashboard/views/door.py). The blocks that need
neither registry nor domain (errors, notices, CSV/XLSX buttons) are in dashboard/blocks.py and reached here too.
Pages stay thin: selection -> query -> chart -> show. Knows no domain.
"""
from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from dashboard import figures
from dashboard.blocks import (  # noqa: F401 - the shared blocks, reached by the pages as ui.<block>
    DEMO_STYLE, PLOTLY_CONFIG, _file_stem, base_url, blank_nulls, demo_box, download_buttons, expander_on_demand,
    friendly_errors, plotly_config, show_notices)
from dashboard.core import charts
from dashboard.core.html_parts import alt_text, figure_foot_html, figure_head_html
from dashboard.figures import prepared
from dashboard.views import door


def figure(figure_id: str, sel, *, key: str, **options) -> figures.FigureBundle | None:
    """Draw one registered figure (dashboard/figures/registry.py) for the selection: the pages, /vis and /presentasjon all
    draw a chart through the registry, so it has one implementation. A figure this visitor may not see is refused
    by the door before it is built (None). The figure comes from the shared cache as the JSON that is sent
    (dashboard/figures/prepared.py); the returned bundle has its texts, not its figure or tables."""
    if not door.may_see_figure(figure_id):
        door.refuse("Denne figuren", figure=True)
        return None
    ready = prepared.prepare(figure_id, sel, **options)
    show_bundle(ready.bundle, sel, key=key, foot=ready.foot_html, screen=ready.sendable(), tables=ready.with_tables)
    return ready.bundle


def show_bundle(bundle: figures.FigureBundle, sel, *, key: str, share: bool = True,
                foot: str | None = None, screen: go.Figure | None = None,
                tables: Callable[[], figures.FigureBundle] | None = None) -> None:
    """Title and takeaway, the chart, its source line, its data as a table with CSV/XLSX, and «Del / bygg inn».

    `foot`, `screen` and `tables` come from prepared.prepare() (the HTML under the chart, the screen figure as its
    dict, the bundle with its packed tables); without them they are made here from the bundle itself.
    The table and the downloads are sent only once «Tall bak figuren» is opened (opening it reruns the page, from
    the cached figure): most sessions never open it, and a table costs as much to send as its chart."""
    # st.html, not st.markdown: Markdown would read links and emphasis in a name even inside escaped HTML
    st.html(figure_head_html(bundle))
    if foot is None:
        foot = figure_foot_html(bundle, charts.legend_items(bundle.fig))
    if screen is None:
        screen = prepared.SentFigure(charts.for_screen(bundle.fig))
    st.plotly_chart(screen, key=f"chart-{key}", config=plotly_config(bundle.title), theme=None, alt=alt_text(bundle))
    st.html(foot)
    table = expander_on_demand("Tall bak figuren", key=f"open-table-{key}")
    if table is not None:
        with table:
            full = tables() if tables is not None else bundle
            st.dataframe(blank_nulls(full.table).to_pandas(), hide_index=True, key=f"table-{key}")
            download_buttons(full.download, key=key, title=bundle.title)
    if share:
        share_box(bundle, sel, key=key)


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


