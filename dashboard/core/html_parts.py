"""HTML around a figure: title, subtitle and takeaway above it, legend and source line under it, and its data as
a table. Plain functions on a FigureBundle, without Streamlit, so the app's views and the static files can share
them: HTML wraps at any width, where plotly's in-figure titles and legends do not.
"""
from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import polars as pl

from dashboard.core.text import html_text, one_line

if TYPE_CHECKING:  # type hints only: app.py imports this module for FIGURE_CSS before any page runs
    from dashboard.core import charts
    from dashboard.core.figure import FigureBundle

# the style of the parts below; the app adds it once per page, a static file can put it in its <head>
FIGURE_CSS = """<style>
/* chart titles, subtitles and takeaways are HTML around the chart, so they wrap at every width */
.fig-head p, p.fig-source { margin: 0; overflow-wrap: anywhere; }
/* shown with st.html, which (unlike st.markdown) does not pull the next element up by the last paragraph's bottom
   margin: the block's gap spaces the elements, a margin would add to it */
.fig-head p:last-child, p.fig-source, p.fig-notice:last-child, p.fig-message { margin-bottom: 0 !important; }
.fig-title { font-size: 1.2rem; font-weight: 700; line-height: 1.3; color: #1a1a1a; }
.fig-sub { font-size: 0.92rem; line-height: 1.35; color: #474747; margin-top: 0.15rem !important; }
.fig-takeaway { font-size: 1.02rem; line-height: 1.4; color: #1a1a1a; margin-top: 0.35rem !important; }
p.fig-source { font-size: 0.82rem; line-height: 1.35; color: #4d4d4d; }
.fig-legend { display: flex; flex-wrap: wrap; gap: 0.15rem 1rem; font-size: 0.88rem; color: #1a1a1a;
              margin-bottom: 0.35rem; }
.fig-legend-item { display: inline-flex; align-items: center; gap: 0.35rem; overflow-wrap: anywhere; }
.fig-swatch { display: inline-block; flex: none; }
.fig-demo { background: #FFE8D6; border: 1px solid #D55E00; color: #8A1C00; font-weight: 700; padding: 0 4px;
            border-radius: 3px; white-space: nowrap; }
</style>"""


def figure_head_html(bundle: FigureBundle, *, level: str = "page") -> str:
    """Title, subtitle and takeaway as HTML above the chart: HTML wraps at any width, plotly titles do not."""
    parts = [f"<p class='fig-title' data-testid='chart-title'>{html_text(bundle.title)}</p>"]
    if bundle.subtitle:
        parts.append(f"<p class='fig-sub'>{html_text(bundle.subtitle)}</p>")
    if bundle.takeaway:
        parts.append(f"<p class='fig-takeaway' data-testid='chart-takeaway'>{html_text(bundle.takeaway)}</p>")
    return f"<div class='fig-head fig-{level}'>{''.join(parts)}</div>"


# plotly's dash names as (dash, gap) lengths in px at a 2 px line, drawn as a repeating gradient below
DASHES = {"dash": ((7, 4),), "dot": ((2, 3),), "longdash": ((12, 4),), "dashdot": ((7, 3), (2, 3)),
          "longdashdot": ((12, 3), (2, 3))}


def _line_swatch(colour: str, dash: str, width: float) -> str:
    """A short line in the trace's colour and dash as a styled span. Not SVG: Streamlit's st.html sanitiser removes
    <svg>, which left the app's legend as bare names with nothing to tell the lines apart."""
    pattern = DASHES.get(dash)
    if pattern:
        stops, at = [], 0
        for on, off in pattern:
            stops.append(f"{colour} {at}px {at + on}px, transparent {at + on}px {at + on + off}px")
            at += on + off
        paint = f"repeating-linear-gradient(to right, {', '.join(stops)})"
    else:
        paint = colour
    height = max(2, min(round(width), 4))
    return (f"<span class='fig-swatch' aria-hidden='true' style='width: 28px; height: {height}px; "
            f"background: {paint};'></span>")


def legend_html(items: list[charts.LegendItem]) -> str:
    """The chart's legend as HTML: entries wrap onto new lines at any width and are never cut."""
    if not items:
        return ""
    parts = []
    for item in items:
        colour = escape(item.colour)
        if item.kind == "line":
            swatch = _line_swatch(colour, item.dash, item.width)
        else:
            radius = "50%" if item.kind == "marker" else "0"
            swatch = (f"<span class='fig-swatch' aria-hidden='true' style='width: 12px; height: 12px; "
                      f"border-radius: {radius}; background: {colour};'></span>")
        parts.append(f"<span class='fig-legend-item'>{swatch}{html_text(item.name)}</span>")
    return f"<div class='fig-legend' data-testid='chart-legend'>{''.join(parts)}</div>"


def figure_foot_html(bundle: FigureBundle, legend: list[charts.LegendItem] | None = None) -> str:
    """The legend, then the source line (and a Demodata badge when the numbers are synthetic) under the chart."""
    demo = ("<span class='fig-demo' data-testid='chart-demo'>Demodata</span> " if bundle.is_demo else "")
    return legend_html(legend or []) + \
        f"<p class='fig-source' data-testid='chart-source'>{demo}{html_text(bundle.source)}</p>"


def alt_text(bundle: FigureBundle, where: str = "i tabellen «Tall bak figuren»") -> str:
    """What a screen reader says for the chart; the full numbers are in the table under it. Each part ends with one
    full stop, added only where it has none, so SSB's «..» and «.» in a title or takeaway are kept as they are."""
    parts = [one_line(p) for p in (bundle.title, bundle.takeaway or "", f"Tallene står {where}") if one_line(p)]
    return " ".join(p if p.endswith((".", "!", "?", ":")) else p + "." for p in parts)


def table_html(table: pl.DataFrame, caption: str, *, css_class: str = "fig-table") -> str:
    """The chart's data as an HTML table (text cells, SSB's symbols kept): the text alternative of the chart."""
    frame = table.with_columns(pl.col(pl.Utf8).fill_null(""))
    head = "".join(f"<th scope='col'>{html_text(c)}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{html_text('' if v is None else v)}</td>" for v in row) + "</tr>"
                   for row in frame.iter_rows())
    return (f"<table class='{css_class}' data-testid='chart-table'><caption>{html_text(caption)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


