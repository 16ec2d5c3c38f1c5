"""Streamlit building blocks for the managers' pages: unit/period selection in the sidebar and URL, the
own-data Demodata label, tables with CSV/XLSX downloads, and the print style of the unit scorecard.
Pages stay thin: selection -> own_queries -> own_charts -> show.
"""
from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.core.text import markdown_text

from dashboard.own import queries as own_queries
from dashboard.own.selection import ALL_UNITS, MONTHS, OwnSelection, parse
from dashboard import blocks as ui

OWN_PAGES = [
    ("pages/budsjettavvik.py", "Budsjettavvik"),
    ("pages/sykefravaer.py", "Sykefravær"),
    ("pages/enhetsrapport.py", "Enhetsrapport"),
    ("pages/importer.py", "Importer egne data"),
]
_LAST = "_own_last_selection"

# Key-figure values scale with the window (four cards to a row must hold «−90,8 mrd. kr» at 1280 px) and may
# wrap at a space rather than be cut with an ellipsis.
METRIC_CSS = """
<style>
[data-testid="stMetricValue"] { font-size: clamp(1.05rem, 1.6vw, 1.8rem); }
[data-testid="stMetricValue"] > div { white-space: normal; overflow: visible; text-overflow: clip; }
</style>
"""

PRINT_CSS = """
<style>
@media print {
  @page { size: A4 portrait; margin: 12mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stSidebarCollapsedControl"], [data-testid="stExpander"], [data-testid="stDownloadButton"],
  [data-testid="stPageLink"], .no-print, footer { display: none !important; }
  .stMainBlockContainer, [data-testid="stMainBlockContainer"], .block-container {
    padding: 0 !important; max-width: 100% !important; }
  body { font-size: 10.5pt; }
  h1 { font-size: 18pt !important; } h2, h3 { font-size: 13pt !important; }
  [data-testid="stMetricValue"] { font-size: 15pt !important; }
  table { page-break-inside: avoid; }
}
.scorecard table { width: 100%; border-collapse: collapse; font-size: 0.95rem; }
.scorecard th, .scorecard td { border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: left; }
.scorecard td.num { text-align: right; white-space: nowrap; }
.status-met { color: #005a32; font-weight: 600; }
.status-not_met { color: #8A1C00; font-weight: 600; }
.status-no_data, .status-suppressed { color: #555; font-style: italic; }
</style>
"""


def demo_label(kind: str | None = None) -> None:
    """The visible Demodata label when what this page shows comes from the labelled demo files."""
    if own_queries.is_demo(kind):
        st.html(
            f"<div data-testid='demo-label' style='{ui.DEMO_STYLE}'><b>Demodata</b> – tallene på denne siden kommer "
            "fra fiktive demofiler (data/own/), ikke fra kommunens regnskap eller personalsystem. "
            "Last opp egne filer under «Importer egne data».</div>")


def no_data(kind_text: str) -> None:
    st.info(f"Det finnes ingen {kind_text} i databasen ennå. Last opp en fil under «Importer egne data».")
    ui.page_link("pages/importer.py", label="Importer egne data", icon="📥")


def _unit_label(code: str, names: dict[str, str]) -> str:
    return "Alle enheter" if code == ALL_UNITS else f"{names.get(code, code)} ({code})"


def _month_label(month: int) -> str:
    return "desember (hele året)" if month == 12 else MONTHS[month - 1]


def own_selection(params: dict, kind: str, *, allow_all: bool = True) -> OwnSelection:
    """The unit and period a URL's parameters name, corrected as the pages correct them."""
    years = own_queries.years(kind)
    default_year = years[-1] if years else None
    last = own_queries.last_month(kind, default_year) if default_year else None
    return parse(params, units=own_queries.unit_names(), years=years, default_year=default_year,
                 default_month=last if last and last < 12 else None, allow_all=allow_all)


def selection_sidebar(kind: str, *, allow_all: bool = True, prefix: str) -> OwnSelection:
    """Read `enhet` and `periode` from the URL (or the last selection on another manager page), show them in the
    sidebar, and write every change back to the URL."""
    names = own_queries.unit_names()
    years = own_queries.years(kind)
    default_year = years[-1] if years else None
    last = own_queries.last_month(kind, default_year) if default_year else None
    default_month = last if last and last < 12 else None
    url = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    remembered = dict(st.session_state.get(_LAST, {}))
    if not allow_all and remembered.get("enhet") == ALL_UNITS:
        remembered.pop("enhet")
    params = {**remembered, **url}
    sel = parse(params, units=names, years=years, default_year=default_year, default_month=default_month,
                allow_all=allow_all)
    wanted = sel.query_params()
    current = {k: st.query_params.get(k) for k in st.query_params.keys()}
    if current != wanted:
        st.query_params.from_dict(wanted)
    st.session_state[_LAST] = wanted
    signature = (prefix, tuple(sorted(wanted.items())))
    k_unit, k_year, k_month = f"{prefix}_enhet", f"{prefix}_aar", f"{prefix}_maaned"
    if st.session_state.get(f"{prefix}_signature") != signature:
        st.session_state[k_unit] = sel.unit
        st.session_state[k_year] = sel.year
        st.session_state[k_month] = sel.to_month
        st.session_state[f"{prefix}_signature"] = signature

    def changed() -> None:
        month = int(st.session_state[k_month])
        new = OwnSelection(st.session_state[k_unit], st.session_state[k_year], None if month == 12 else month)
        st.query_params.from_dict(new.query_params())
        st.session_state[_LAST] = new.query_params()
        st.session_state[f"{prefix}_signature"] = (prefix, tuple(sorted(new.query_params().items())))

    options = ([ALL_UNITS] if allow_all else []) + list(names)
    with st.sidebar:
        if options:
            st.selectbox("Enhet", options, key=k_unit, format_func=lambda c: _unit_label(c, names), on_change=changed,
                         help="Ansvar/enhet i kommunens egne filer.")
        if years:
            st.selectbox("År", sorted(years, reverse=True), key=k_year, on_change=changed)
            st.selectbox("Til og med måned", list(range(1, 13)), key=k_month, format_func=_month_label,
                         on_change=changed, help="Velg en måned for å se året hittil (f.eks. januar–juni).")
        st.caption("Utvalget ligger i adressen – kopier lenken for å dele nøyaktig denne visningen.")
    ui.show_notices(sel.notices)
    return sel


def table_with_downloads(table: pl.DataFrame, download: pl.DataFrame, *, key: str, title: str,
                         caption: str | None = None, height: int | None = None, styler=None) -> None:
    """A table on screen (Norwegian text), downloadable as CSV and XLSX (numbers stay numbers)."""
    data = styler if styler is not None else table.to_pandas()
    kwargs = {"height": height} if height else {}
    st.dataframe(data, hide_index=True, key=f"table-{key}", **kwargs)
    if caption:
        st.caption(markdown_text(caption))  # it ends with the source line, which names the imported file
    download_buttons(download, key=key, title=title)


def download_buttons(download: pl.DataFrame, *, key: str, title: str) -> None:
    ui.download_buttons(download, key=key, title=title, columns=[1, 1, 3])


def highlight_rows(table: pl.DataFrame, flags: list[bool], colour: str = "#FFE8D6"):
    """A pandas Styler that shades the rows that need attention (over goal, merforbruk)."""
    frame = table.to_pandas()

    def shade(row):
        return [f"background-color: {colour}" if flags[row.name] else "" for _ in row]

    return frame.style.apply(shade, axis=1)


def page_links(sel: OwnSelection | None = None) -> None:
    """Links to the other manager pages that keep the selection (the last one when the page has none)."""
    params = sel.query_params() if sel is not None else dict(st.session_state.get(_LAST, {}))
    cols = st.columns(len(OWN_PAGES))
    for col, (path, label) in zip(cols, OWN_PAGES):
        with col:
            ui.page_link(path, label=label, query_params=params or None)


def page_style(*, printable: bool = False) -> None:
    """Smaller key-figure values (kroner amounts must fit four to a row) and, for the scorecard, the A4 print style."""
    st.markdown(METRIC_CSS + (PRINT_CSS if printable else ""), unsafe_allow_html=True)


def scorecard_html(card: pl.DataFrame) -> str:
    """The scorecard as a compact HTML table (prints well on A4). Texts from the files are escaped."""
    from dashboard.core.text import html_text as escape
    from dashboard.own import queries as own_queries
    table = own_queries.scorecard_table(card)
    head = "".join(f"<th>{escape(c)}</th>" for c in ("Indikator", "Mål", "Resultat", "Status", "Kommentar"))
    rows = []
    for status, r in zip(card["status"].to_list(), table.iter_rows(named=True)):
        rows.append(
            f"<tr><td>{escape(r['Indikator'])}</td><td class='num'>{escape(r['Mål'])}</td>"
            f"<td class='num'>{escape(r['Resultat'])}</td><td class='status-{escape(status)}'>{escape(r['Status'])}</td>"
            f"<td>{escape(r['Kommentar'])}</td></tr>")
    return f"<div class='scorecard' data-testid='scorecard'><table><thead><tr>{head}</tr></thead>" \
           f"<tbody>{''.join(rows)}</tbody></table></div>"
