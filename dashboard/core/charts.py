"""Chart builders: plain functions from tidy frames to plotly figures, testable without Streamlit.

Every figure carries its own title, units, source line and (for synthetic data) a visible
"Demodata" label, because politicians see charts lifted out of the app into meeting papers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import plotly.graph_objects as go
import polars as pl

from dashboard.core import fmt
from dashboard.core.text import plotly_text

# Okabe–Ito, a colour-blind-safe palette. The selected municipality is always the strong vermillion;
# the KOSTRA group and the country are always the same neutral greys.
SELECTED = "#D55E00"
COMPARISON = ["#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
GROUP = "#4D4D4D"
COUNTRY = "#9A9A9A"
OTHER = "#C9C9C9"
FONT = "Source Sans Pro, Arial, sans-serif"

ROLE_ORDER = {"selected": 0, "comparison": 1, "group": 2, "country": 3, "predecessor": 4}


@dataclass(frozen=True)
class ChartText:
    title: str
    source: str
    is_demo: bool
    subtitle: str | None = None


def _value_text(value, status, unit: str, decimals: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        meaning = fmt.status_meaning(status)
        return f"{status or '..'} – {meaning}" if meaning else (status or "..")
    return fmt.with_unit(value, unit, decimals)


LEGEND_PER_ROW = 3  # legend entries per row at a laptop-width chart; more rows get more room below the plot


def _finish(fig: go.Figure, text: ChartText, *, height: int = 500, bottom: int = 150) -> go.Figure:
    """Title, subtitle, legend, source line and Demodata label. The space below the plot grows with the number of
    legend rows and source lines, so the source line never lands on the legend."""
    import math
    _text_only(fig)
    title = f"<b>{plotly_text(text.title)}</b>"
    subtitle = _wrap(plotly_text(text.subtitle), 110) if text.subtitle else ""
    if text.subtitle:
        title += f"<br><span style='font-size:13px;color:#555'>{subtitle}</span>"
    top = 75 + (20 * (subtitle.count("<br>") + 1) if text.subtitle else 0)
    source = _wrap(plotly_text(text.source))
    names = [t.name for t in fig.data if t.showlegend is not False and t.name]
    # fixed-width legend entries (a third of the width, half for long names) make the row count predictable
    per_row = LEGEND_PER_ROW if max((len(n) for n in names), default=0) <= 28 else 2
    legend_rows = math.ceil(len(names) / per_row) if fig.layout.showlegend is not False else 0
    needed = 56 + 22 * legend_rows + 16 * (source.count("<br>") + 1) + 12
    if needed > bottom:
        height += needed - bottom
        bottom = needed
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "y": 0.98, "yanchor": "top"},
        separators=fmt.plotly_separators(),
        font={"family": FONT, "size": 13, "color": "#222"},
        plot_bgcolor="white",
        paper_bgcolor="white",
        height=height,
        margin={"l": 70, "r": 30, "t": top, "b": bottom},
        # legend a fixed distance below the tick labels, whatever the figure's height
        legend={"orientation": "h", "yanchor": "top", "y": -48 / max(height - top - bottom, 100),
                "x": 0, "title": None, "entrywidth": 1 / per_row - 0.01, "entrywidthmode": "fraction"},
        hoverlabel={"font_family": FONT},
    )
    fig.update_xaxes(showgrid=False, linecolor="#888", ticks="outside")
    fig.update_yaxes(gridcolor="#E5E5E5", zeroline=False)
    fig.add_annotation(text=source, xref="paper", yref="paper", x=0, y=0, yshift=-bottom + 4,
                       xanchor="left", yanchor="bottom", showarrow=False, font={"size": 11, "color": "#555"},
                       align="left", name="source")
    if text.is_demo:
        fig.add_annotation(text="<b>DEMODATA</b> – syntetiske tall", xref="paper", yref="paper", x=1, y=1.0,
                           yshift=8, xanchor="right", yanchor="bottom", showarrow=False,
                           font={"size": 12, "color": "#8A1C00"}, bgcolor="#FFE8D6", bordercolor="#D55E00",
                           borderwidth=1, borderpad=3, name="demodata")
    return fig


_TRACE_TEXT = ("x", "y", "text", "hovertext")


def _escaped(value):
    if isinstance(value, str):
        return plotly_text(value)
    if isinstance(value, (list, tuple)):
        return [plotly_text(v) if isinstance(v, str) else v for v in value]
    return value


def _text_only(fig: go.Figure) -> None:
    """Every text from data in the figure as text: plotly reads `<a href>`, `<b>`, `<br>` in trace names, category
    labels, text and hover texts, so a unit name from a file could become a link in a legend or a hover box.
    Names, categories and texts are escaped here, once, as _finish draws the figure; our own markup lives only in
    templates, titles and annotations, and a name reaches a hover box as data (`%{y}`, `%{fullData.name}`),
    never spliced into a template, so `%{…}` in a name is never read as one. Category annotations (an annotation
    placed at a category) are escaped with their categories so they stay on the same bar."""
    for trace in fig.data:
        if isinstance(trace.name, str):
            trace.name = plotly_text(trace.name)
        for attr in _TRACE_TEXT:
            try:
                value = trace[attr]
            except (KeyError, ValueError):
                continue
            if value is not None:
                trace[attr] = _escaped(value)
    for ann in fig.layout.annotations:
        for attr in ("x", "y", "hovertext"):
            if isinstance(ann[attr], str):
                ann[attr] = plotly_text(ann[attr])


def plain_name(name: str) -> str:
    """A trace name as the reader sees it (for the HTML legend, which escapes it itself)."""
    import html
    return html.unescape(name)


SCREEN_TOP = 36  # room above the plot for subplot titles and labels at the plot's top edge


@dataclass(frozen=True)
class LegendItem:
    name: str
    kind: str          # "line" | "marker" | "box"
    colour: str
    dash: str = "solid"
    width: float = 2


def legend_items(fig: go.Figure) -> list[LegendItem]:
    """The entries plotly would show in the legend, for an HTML legend that wraps at any width (plotly's
    horizontal legend scrolls or cuts long entries such as «Lardal (0728, før sammenslåing)» on a phone)."""
    if fig.layout.showlegend is False:
        return []
    shown = [t for t in fig.data if t.showlegend is not False and t.name]
    if len(shown) == 1 and shown[0].showlegend is None:
        return []  # plotly shows no legend for a single trace
    items = []
    for t in shown:
        if t.type == "scatter" and "lines" in (t.mode or "lines"):
            items.append(LegendItem(plain_name(t.name), "line", t.line.color or "#222", t.line.dash or "solid",
                                    t.line.width or 2))
        elif t.type == "scatter":
            colour = t.marker.color if isinstance(t.marker.color, str) else None
            if colour is None and t.marker.line is not None and isinstance(t.marker.line.color, str):
                colour = t.marker.line.color
            items.append(LegendItem(plain_name(t.name), "marker", colour or "#222"))
        else:
            colour = t.marker.color if isinstance(getattr(t.marker, "color", None), str) else "#888"
            items.append(LegendItem(plain_name(t.name), "box", colour))
    return items


def for_screen(fig: go.Figure) -> go.Figure:
    """The figure for a web view whose width the browser decides: title, subtitle, source line and Demodata label
    are shown as HTML around the chart (HTML wraps at any width; plotly titles and annotations do not, and the
    tool bar would cover an in-plot title), and the legend wraps onto as many rows as the width needs. The short
    DEMODATA label stays in the plot, so a PNG saved with the camera button still says the numbers are synthetic. The plot
    area keeps its height, so the legend's distance below the tick labels stays as _finish placed it.
    Changes the figure in place (a copy of a large figure costs more than building it) and returns it."""
    layout = fig.layout
    top = layout.margin.t or 0
    bottom = layout.margin.b or 0
    height = layout.height or 500
    freed = 0
    kept = []
    for ann in layout.annotations:
        if ann.name == "source":
            freed = 16 * ((ann.text or "").count("<br>") + 1) + 8
        else:
            kept.append(ann)
    # the legend is HTML under the chart (legend_items): the margin keeps room for tick labels and axis titles only;
    # slanted category labels (the budget frame) keep the room their chart gave them
    if layout.xaxis.tickangle not in (None, "auto", 0):
        new_bottom = max(bottom - freed, 48)
    else:
        new_bottom = min(max(bottom - freed, 48), 72 if layout.xaxis.title.text else 52)
    new_top = min(top, SCREEN_TOP)
    fig.layout.annotations = kept  # assigned: update_layout would merge the lists item by item
    # entries as wide as their text, as many per row as fit the width the browser gives the chart
    fig.update_layout(title=None, height=height - (top - new_top) - (bottom - new_bottom), showlegend=False,
                      margin={"t": new_top, "b": new_bottom, "r": 16})
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)  # tick labels never run past the chart's left edge
    # plotly does not wrap axis titles or category labels: long ones get line breaks so a phone-width chart
    # keeps them inside its box
    for axis in (layout.xaxis, layout.yaxis):
        if axis.title.text and len(axis.title.text) > 26 and "<br>" not in axis.title.text:
            axis.title.text = _wrap(axis.title.text, 26)
    for trace in fig.data:
        if getattr(trace, "orientation", None) == "h" and trace.y is not None:
            labels = list(trace.y)
            if any(isinstance(v, str) and len(v) > 24 for v in labels):
                trace.y = [_wrap(v, 24) if isinstance(v, str) else v for v in labels]
    return fig


def fit_height(fig: go.Figure, height: int, *, font_size: int | None = None) -> go.Figure:
    """A screen figure (see for_screen) at a fixed total height, for the embed view and the presentation: the
    legend stays a fixed distance below the tick labels, and a long list of category labels that cannot be read at
    this height is left out (the takeaway and the data table name them)."""
    layout = fig.layout
    top, bottom = layout.margin.t or 0, layout.margin.b or 0
    plot = max(height - top - bottom, 80)
    update = {"height": top + bottom + plot}
    if font_size:
        update["font"] = {"size": font_size}
    fig.update_layout(**update)
    for trace in fig.data:
        if getattr(trace, "orientation", None) == "h" and trace.y is not None and len(trace.y) * 11 > plot:
            fig.update_yaxes(showticklabels=False)
            break
    return fig


def _wrap(line: str, width: int = 120) -> str:
    """Long source lines break onto several lines instead of running off the figure."""
    import textwrap
    return "<br>".join(textwrap.wrap(line, width)) or line


# the value axis names its unit where the tick labels do not (kr and % are on every tick): /vis hides the subtitle
# to fit 800×450, and «600,0» on an axis says nothing without «mill. kr»
UNIT_TITLES = {"mill. kr": "Mill. kr", "personer": "Antall personer", "plasser": "Antall plasser",
               "ganger": "Ganger", "1000 kr": "1000 kr"}


def _axis_format(unit: str, decimals: int, *, title: str | None = None) -> dict:
    suffix = {"kr": " kr", "%": " %"}.get(unit, "")
    out = {"ticksuffix": suffix.replace(" ", fmt.NBSP), "tickformat": f",.{min(decimals, 1)}f"}
    title = title or UNIT_TITLES.get(unit)
    if title:
        out["title"] = {"text": title, "font": {"size": 12}}
    return out


def style_for(role: str, index: int) -> dict:
    if role == "selected":
        return {"color": SELECTED, "width": 4, "dash": "solid"}
    if role == "comparison":
        return {"color": COMPARISON[index % len(COMPARISON)], "width": 2, "dash": "solid"}
    if role == "group":
        return {"color": GROUP, "width": 3, "dash": "dash"}
    if role == "country":
        return {"color": COUNTRY, "width": 3, "dash": "dot"}
    return {"color": OTHER, "width": 2, "dash": "longdashdot"}


def line_chart(frame: pl.DataFrame, text: ChartText, *, unit: str, decimals: int,
               break_year: int | None = None, break_label: str | None = None,
               merger_years: tuple[tuple[int, str], ...] = ()) -> go.Figure:
    """One line per series; gaps where SSB has a symbol, and the symbol shown at the foot of the chart.

    frame columns: series (label shown in legend), role, year, value, status.
    """
    fig = go.Figure()
    if frame.is_empty():
        fig.add_annotation(text="Ingen tall for dette utvalget", xref="paper", yref="paper", x=0.5, y=0.5,
                           showarrow=False, font={"size": 16})
        return _finish(fig, text)
    series_order = (frame.group_by("series", maintain_order=True)
                    .agg(pl.col("role").first()).with_columns(
                        pl.col("role").replace_strict(ROLE_ORDER, default=9).alias("order"))
                    .sort("order", maintain_order=True))
    comparison_index = 0
    symbol_rows = []
    years = sorted(frame["year"].unique().to_list())
    traces = []  # added in one go: plotly deep-copies the figure's data on every add_trace
    colour_of: dict[str, str] = {}  # today's code -> its line colour, for the predecessor that gave it its name
    for row in series_order.iter_rows(named=True):
        part = frame.filter(pl.col("series") == row["series"]).sort("year")
        role = row["role"]
        style = style_for(role, comparison_index)
        if role == "comparison":
            comparison_index += 1
        if role in ("selected", "comparison") and "region_code" in part.columns:
            colour_of[part["region_code"][0]] = style["color"]
        if role == "predecessor" and "main_line" in part.columns and part["main_line"][0]:
            # the same municipality before a merger: its own colour, dotted, so the eye follows it across the break
            style = {**style, "color": colour_of.get(part["successor_code"][0], style["color"]), "dash": "dot"}
        hover = [_value_text(v, s, unit, decimals) for v, s in zip(part["value"].to_list(), part["status"].to_list())]
        traces.append(go.Scatter(
            x=part["year"].to_list(), y=part["value"].to_list(), name=row["series"], mode="lines+markers",
            line={"color": style["color"], "width": style["width"], "dash": style["dash"]},
            marker={"size": 7 if role == "selected" else 5}, connectgaps=False,
            customdata=hover, hovertemplate="%{x}: %{customdata}<extra>%{fullData.name}</extra>",
        ))
        if role in ("selected", "comparison"):
            for y, v, s in zip(part["year"].to_list(), part["value"].to_list(), part["status"].to_list()):
                if v is None and s and s != ".":
                    symbol_rows.append((y, s, row["series"], style["color"]))
    fig.add_traces(traces)
    if symbol_rows:  # say what the marks at the foot of the chart mean, so they are not read as values
        shown = sorted({s for _, s, _, _ in symbol_rows})
        text = replace(text, source=text.source + ". Symboler: " + "; ".join(
            f"«{s}» {fmt.status_meaning(s).split(' (')[0].lower()}" for s in shown))
    # annotations and lines are collected and set once: each add_annotation/add_vline copies the figure's lists
    annotations = [
        {"x": year, "y": 0, "yref": "paper", "text": f"<b>{status}</b>", "showarrow": False,
         "yshift": 6 + 12 * (i % 3), "font": {"color": colour, "size": 13},
         "hovertext": f"{series} {year}: {status} = {fmt.status_meaning(status)}"}
        for i, (year, status, series, colour) in enumerate(symbol_rows[:40])]
    shapes = []
    breaks = [(break_year, break_label or "Brudd")] if break_year else []
    # a municipality merger: today's series starts where the predecessors' lines end
    breaks += [(y - 1, f"{kind} {y}") for y, kind in merger_years]
    for i, (year, label) in enumerate(sorted(set(breaks))):
        if years and years[0] <= year < years[-1]:
            shapes.append({"type": "line", "x0": year + 0.5, "x1": year + 0.5, "xref": "x", "y0": 0, "y1": 1,
                           "yref": "y domain", "line": {"color": "#777", "width": 1, "dash": "dot"}})
            # the label reads away from the chart's right edge when the break is in the right half
            right_half = year + 0.5 > (years[0] + years[-1]) / 2
            annotations.append({"x": year + 0.5, "y": 1, "yref": "paper", "yshift": -16 * i, "text": label,
                                "showarrow": False, "xanchor": "right" if right_half else "left",
                                "yanchor": "top", "font": {"size": 11, "color": "#555"}})
    if annotations or shapes:
        fig.update_layout(annotations=annotations, shapes=shapes)
    fig.update_xaxes(tickmode="array", tickvals=years, ticktext=[str(y) for y in years])
    fig.update_yaxes(**_axis_format(unit, decimals), rangemode="tozero" if unit in ("kr", "personer") else "normal")
    return _finish(fig, text)


def ranking_bar(frame: pl.DataFrame, text: ChartText, *, unit: str, decimals: int, highlight: set[str],
                comparisons: set[str] = frozenset(), reference: tuple[str, float] | None = None) -> go.Figure:
    """Horizontal bars, one per municipality in the group; the selected municipality in the strong colour.

    frame columns: region_name, current_code, value, status.
    """
    data = frame.sort("value", descending=False, nulls_last=False)
    colours = []
    for code in data["current_code"].to_list():
        if code in highlight:
            colours.append(SELECTED)
        elif code in comparisons:
            colours.append(COMPARISON[0])
        else:
            colours.append(OTHER)
    labels = [_value_text(v, s, unit, decimals) for v, s in zip(data["value"].to_list(), data["status"].to_list())]
    names = data["region_name"].to_list()
    fig = go.Figure(go.Bar(
        x=[v if v is not None else 0 for v in data["value"].to_list()], y=names, orientation="h",
        # a missing value shows SSB's symbol at the bar's place (never a bar of 0); its meaning is in the hover text,
        # the table and the source line; a whole sentence there would run past the chart on a phone
        marker={"color": colours}, customdata=labels, text=[(s or "..") if v is None else "" for s, v in
                                                             zip(data["status"].to_list(), data["value"].to_list())],
        textposition="outside", hovertemplate="%{y}: %{customdata}<extra></extra>", name="",
    ))
    if reference and reference[1] is not None:
        fig.add_vline(x=reference[1], line={"color": GROUP, "width": 2, "dash": "dash"})
        # the label reads away from the right edge when the line is in the right half, so it is never cut
        top = max([v for v in data["value"].to_list() if v is not None] + [reference[1]])
        fig.add_annotation(x=reference[1], y=1, yref="paper", text=f"{plotly_text(reference[0])}: {fmt.with_unit(reference[1], unit, decimals)}",
                           showarrow=False, xanchor="right" if reference[1] > top / 2 else "left", yanchor="bottom",
                           font={"size": 11, "color": GROUP})
    fig.update_xaxes(**_axis_format(unit, decimals))
    fig.update_yaxes(tickfont={"size": 11}, automargin=True)
    height = max(380, 22 * len(names) + 160)
    return _finish(fig, text, height=height)


def scatter(frame: pl.DataFrame, text: ChartText, *, x_label: str, y_label: str, x_unit: str, y_unit: str,
            highlight: set[str], comparisons: set[str] = frozenset(), group_members: set[str] = frozenset(),
            x_decimals: int = 1, y_decimals: int = 0) -> go.Figure:
    """All municipalities as points; the selection and its group drawn on top in fixed colours.

    frame columns: region_name, current_code, region_code, x_value, y_value.
    """
    data = frame.drop_nulls(["x_value", "y_value"])

    def layer(mask, name, colour, size, opacity, with_text=False):
        part = data.filter(mask)
        if part.is_empty():
            return
        hover = [f"{plotly_text(n)}<br>{x_label}: {fmt.with_unit(x, x_unit, x_decimals)}<br>{y_label}: "
                 f"{fmt.with_unit(y, y_unit, y_decimals)}"
                 for n, x, y in zip(part["region_name"], part["x_value"], part["y_value"])]
        fig.add_trace(go.Scatter(
            x=part["x_value"].to_list(), y=part["y_value"].to_list(), mode="markers+text" if with_text else "markers",
            name=name, marker={"color": colour, "size": size, "opacity": opacity, "line": {"width": 1, "color": "white"}},
            text=part["region_name"].to_list() if with_text else None, textposition="top center",
            customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        ))

    fig = go.Figure()
    codes = pl.col("current_code")
    layer(~codes.is_in(list(highlight | comparisons | group_members)), "Andre kommuner", OTHER, 7, 0.8)
    layer(codes.is_in(list(group_members - highlight - comparisons)), "Samme KOSTRA-gruppe", GROUP, 8, 0.8)
    layer(codes.is_in(list(comparisons - highlight)), "Sammenligningskommuner", COMPARISON[0], 11, 1.0, True)
    layer(codes.is_in(list(highlight)), "Valgt kommune", SELECTED, 15, 1.0, True)
    fig.update_xaxes(**_axis_format(x_unit, x_decimals, title=x_label))
    fig.update_yaxes(**_axis_format(y_unit, y_decimals, title=y_label))
    return _finish(fig, text, height=520)


def grouped_bar(frame: pl.DataFrame, text: ChartText, *, unit: str, decimals: int, x: str, colour_by: str,
                colours: dict[str, str] | None = None, stacked: bool = False) -> go.Figure:
    """Bars for categories (x) per series (colour_by); used for shares and users by age group.

    frame columns: <x>, <colour_by>, value, status.
    """
    fig = go.Figure()
    series = list(dict.fromkeys(frame[colour_by].to_list()))
    palette = colours or {}
    for i, name in enumerate(series):
        part = frame.filter(pl.col(colour_by) == name)
        hover = [_value_text(v, s, unit, decimals) for v, s in zip(part["value"].to_list(), part["status"].to_list())]
        fig.add_trace(go.Bar(
            x=part[x].to_list(), y=part["value"].to_list(), name=name,
            marker={"color": palette.get(name, COMPARISON[i % len(COMPARISON)])},
            customdata=hover, hovertemplate="%{x}: %{customdata}<extra>%{fullData.name}</extra>",
            text=[(s or "..") if v is None else "" for s, v in zip(part["status"].to_list(), part["value"].to_list())],
            textposition="outside",
        ))
    fig.update_layout(barmode="stack" if stacked else "group")
    fig.update_yaxes(**_axis_format(unit, decimals))
    return _finish(fig, text)


def waterfall(steps: list[tuple[str, float, str]], text: ChartText, *, unit: str, decimals: int = 0) -> go.Figure:
    """Budget frame from last year's budget through each change to the corrected frame.

    steps: (label, amount, measure) with measure 'absolute' | 'relative' | 'total'.
    """
    labels = [s[0] for s in steps]
    amounts = [s[1] for s in steps]
    fig = go.Figure(go.Waterfall(
        x=labels, y=amounts, measure=[s[2] for s in steps],
        text=[fmt.with_unit(a, unit, decimals) for a in amounts], textposition="outside",
        customdata=[fmt.with_unit(a, unit, decimals) for a in amounts],
        hovertemplate="%{x}: %{customdata}<extra></extra>",
        increasing={"marker": {"color": SELECTED}}, decreasing={"marker": {"color": COMPARISON[0]}},
        totals={"marker": {"color": GROUP}}, connector={"line": {"color": "#999", "dash": "dot"}},
    ))
    fig.update_yaxes(**_axis_format(unit, decimals))
    fig.update_xaxes(tickangle=-30, automargin=True)
    return _finish(fig, text, height=560, bottom=190)


def index_bar(frame: pl.DataFrame, text: ChartText) -> go.Figure:
    """Each indicator as an index of the KOSTRA group (= 100): one glance at where the municipality stands.

    frame columns: indicator, value (index), status, own_text, group_text.
    """
    data = frame.reverse()
    values = data["value"].to_list()
    hover = [f"{i}: {o} (gruppen: {g})" + ("" if v is not None else f" – {s}: {fmt.status_meaning(s)}")
             for i, o, g, v, s in zip(data["indicator"], data["own_text"], data["group_text"], values, data["status"])]
    fig = go.Figure(go.Bar(
        x=[(v - 100) if v is not None else 0 for v in values], base=100, y=data["indicator"].to_list(),
        orientation="h", marker={"color": [SELECTED if v is not None else OTHER for v in values]},
        text=[fmt.number(v, 0) if v is not None else (s or "..") for v, s in zip(values, data["status"])],
        textposition="outside", customdata=hover, hovertemplate="%{customdata}<extra></extra>", name="",
    ))
    fig.add_vline(x=100, line={"color": GROUP, "width": 2, "dash": "dash"})
    known = [v for v in values if v is not None] or [100]
    span = max(abs(v - 100) for v in known) or 10
    # room for the value labels outside the bars at both ends, so they stay inside the chart on a phone
    fig.update_xaxes(title="Indeks, KOSTRA-gruppen = 100", tickformat=",.0f",
                     range=[min(known + [100]) - span * 0.35, max(known + [100]) + span * 0.35])
    fig.update_yaxes(automargin=True)
    return _finish(fig, text, height=max(380, 40 * len(values) + 200))
