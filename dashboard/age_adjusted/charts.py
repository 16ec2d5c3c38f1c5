"""The age-adjusted page's two own chart types, drawn with dashboard.core.charts' primitives and finish: the split as
a waterfall, and the three parts year by year as bars above and below zero with the gap as a line."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.core import charts, fmt
from dashboard.core.charts import ChartText

PART_COLOURS = {"Demografi": charts.COMPARISON[0], "Dekningsgrad": charts.COMPARISON[1],
                "Enhetskostnad": charts.COMPARISON[3]}
GAP = "Avstand i alt"


def _empty(text: ChartText, message: str) -> go.Figure:
    fig = go.Figure(go.Bar(x=[], y=[], name=message, showlegend=False))
    fig.add_annotation(text=message, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False, font={"size": 15})
    return charts._finish(fig, text)


def split_waterfall(steps: list[tuple[str, float, str]], text: ChartText) -> go.Figure:
    """From the reference's spending with our inhabitants through demography, coverage and unit cost to our modelled
    spending; million kroner (the unit is in the subtitle, so the labels stay short)."""
    if not steps:
        return _empty(text, "Ingen tall for dette utvalget")
    fig = charts.waterfall(steps, text, unit="", decimals=1)
    fig.update_traces(name="Million kroner", textfont={"size": 12}, cliponaxis=False)
    fig.update_layout(showlegend=False)
    fig.update_xaxes(tickangle=0)
    return fig


def parts_over_time(frame: pl.DataFrame, text: ChartText) -> go.Figure:
    """The three parts as bars stacked above and below zero for each year, and the gap they add up to as a line.

    frame columns: series (part labels and «Avstand i alt»), year, value (million kroner), status."""
    if frame.is_empty():
        return _empty(text, "Ingen tall for dette utvalget")
    years = sorted(frame["year"].unique().to_list())
    traces = []
    for name, colour in PART_COLOURS.items():
        part = frame.filter(pl.col("series") == name).sort("year")
        hover = [charts._value_text(v, s, "mill. kr", 1) for v, s in zip(part["value"].to_list(), part["status"].to_list())]
        traces.append(go.Bar(x=part["year"].to_list(), y=part["value"].to_list(), name=name,
                             marker={"color": colour}, customdata=hover,
                             hovertemplate="%{x}: %{customdata}<extra>" + name + "</extra>"))
    gap = frame.filter(pl.col("series") == GAP).sort("year")
    hover = [charts._value_text(v, s, "mill. kr", 1) for v, s in zip(gap["value"].to_list(), gap["status"].to_list())]
    traces.append(go.Scatter(x=gap["year"].to_list(), y=gap["value"].to_list(), name=GAP, mode="lines+markers",
                             line={"color": "#111", "width": 3}, marker={"size": 8}, connectgaps=False,
                             customdata=hover, hovertemplate="%{x}: %{customdata}<extra>" + GAP + "</extra>"))
    fig = go.Figure(traces)
    missing = [(y, s) for y, v, s in zip(gap["year"].to_list(), gap["value"].to_list(), gap["status"].to_list())
               if v is None]
    if missing:  # a year without a split is marked with SSB's symbol at the zero line, never drawn as 0
        fig.update_layout(annotations=[{"x": y, "y": 0, "text": f"<b>{s or '..'}</b>", "showarrow": False,
                                        "yshift": 10, "font": {"size": 13, "color": "#444"},
                                        "hovertext": f"{y}: {fmt.status_meaning(s or '..')}"} for y, s in missing])
    fig.update_layout(barmode="relative")
    fig.update_xaxes(tickmode="array", tickvals=years, ticktext=[str(y) for y in years])
    fig.update_yaxes(tickformat=",.0f", zeroline=True, zerolinecolor="#888")
    return charts._finish(fig, text)
