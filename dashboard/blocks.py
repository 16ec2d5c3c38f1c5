"""Streamlit blocks every page shares that know no domain and no figure registry: friendly errors, notices, the
Demodata box's style, on-demand expanders, CSV/XLSX buttons. They sit below the domains (a domain's ui draws with
them); dashboard/views/page.py adds what needs the figure registry (a registered figure, «Del / bygg inn»).
"""
from __future__ import annotations

import re
import traceback
from contextlib import contextmanager
from urllib.parse import urlsplit

import polars as pl
import streamlit as st

from dashboard.core import downloads
from dashboard.core.db import DatabaseUnavailable
from dashboard.core.text import markdown_text


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


def demo_box(text_html: str) -> None:
    """A Demodata label. st.html, not st.markdown with HTML: the browser then needs no Markdown-with-HTML parser
    (a 190 KB script every page otherwise loads for this one box before its charts)."""
    st.html(f"<div data-testid='demo-label' style='{DEMO_STYLE}'>{text_html}</div>")


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


PLOTLY_CONFIG = {"displaylogo": False, "locale": "no"}


def plotly_config(title: str) -> dict:
    # the camera button saves a sharp PNG named after the chart, ready for meeting papers and slides
    return {**PLOTLY_CONFIG, "toImageButtonOptions": {"format": "png", "filename": _file_stem(title), "scale": 2}}


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


def page_link(page: str, **kwargs) -> None:
    """st.page_link, left out when the page is not this visitor's to open: the access door
    (dashboard/views/door.py) registers a refused page as a refusal with the same address, not as its file."""
    from streamlit.errors import StreamlitPageNotFoundError
    try:
        st.page_link(page, **kwargs)
    except StreamlitPageNotFoundError:
        pass
