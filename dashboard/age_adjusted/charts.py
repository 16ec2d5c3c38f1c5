"""The age-adjusted page's two own chart types, finished with dashboard.core.charts' shared title, legend, source line
and Demodata label: the split as a waterfall, and the three parts year by year as bars above and below zero with
the gap as a line.

The traces and layouts are plain dicts, finished by core.charts without plotly's validation, like its own charts."""
from __future__ import annotations

import textwrap

import polars as pl

from dashboard.core import charts, fmt
from dashboard.core.charts import ChartText
from dashboard.core.text import plotly_text

PART_COLOURS = {"Demografi": charts.COMPARISON[0], "Dekningsgrad": charts.COMPARISON[1],
                "Enhetskostnad": charts.COMPARISON[3]}
GAP = "Avstand i alt"
UNIT = "mill. kr"


def _axes(decimals: int) -> tuple[dict, dict]:
    """x and y axes as core.charts draws them (_finished adds the rest)."""
    return ({"showgrid": False, "linecolor": "#888", "ticks": "outside"},
            {"gridcolor": "#E5E5E5", "zeroline": True, "zerolinecolor": "#888", "tickformat": f",.{decimals}f"})


def _empty(text: ChartText, message: str) -> dict:
    return charts._finished([{"type": "bar", "x": [], "y": [], "name": message, "showlegend": False}],
                            {"annotations": [{"text": message, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
                                              "showarrow": False, "font": {"size": 15}}]}, text)


def split_waterfall(steps: list[tuple[str, float, str]], text: ChartText) -> dict:
    """From the reference's spending with our inhabitants through demography, coverage and unit cost to our modelled
    spending; million kroner (the unit is in the subtitle, so the labels stay short). Colours as
    core.charts.waterfall: increases in the strong colour, decreases blue, the two totals grey."""
    if not steps:
        return _empty(text, "Ingen tall for dette utvalget")
    labels = [fmt.number(a, 1) for _, a, _ in steps]
    trace = {
        "type": "waterfall", "name": "Millioner kroner", "x": [s[0] for s in steps], "y": [s[1] for s in steps],
        "measure": [s[2] for s in steps], "text": labels, "textposition": "outside", "cliponaxis": False,
        "textfont": {"size": 12}, "customdata": [f"{t}{fmt.NBSP}{UNIT}" for t in labels],
        "hovertemplate": "%{x}: %{customdata}<extra></extra>",
        "increasing": {"marker": {"color": charts.SELECTED}}, "decreasing": {"marker": {"color": charts.COMPARISON[0]}},
        "totals": {"marker": {"color": charts.GROUP}}, "connector": {"line": {"color": "#999", "dash": "dot"}},
    }
    xaxis, yaxis = _axes(1)
    # step names wrapped onto lines and kept level: turned 30° they took the plot's height at 800×450 (/vis)
    # (the categories are the names escaped, as _finished escapes the trace's x; the tick texts their wrapped lines)
    ticks = [_wrapped(s[0]) for s in steps]
    lines = max(t.count("<br>") + 1 for t in ticks)
    return charts._finished([trace], {"showlegend": False, "yaxis": yaxis,
                                      "xaxis": {**xaxis, "automargin": True, "tickangle": 0, "tickmode": "array",
                                                "tickvals": [plotly_text(s[0]) for s in steps], "ticktext": ticks}},
                            text, height=540, bottom=70 + 16 * lines)


def _wrapped(label: str, width: int = 16) -> str:
    """A long step name («Landet uten Oslo med Larviks innbyggere») on lines of about `width` characters, each
    escaped: a name from data is text, the line breaks are ours."""
    return "<br>".join(plotly_text(line) for line in textwrap.wrap(label, width)) or plotly_text(label)


def parts_over_time(frame: pl.DataFrame, text: ChartText, marks: dict[int, str] | None = None) -> dict:
    """The three parts as bars stacked above and below zero for each year, and the gap they add up to as a line.

    frame columns: series (part labels and «Avstand i alt»), year, value (million kroner), status. `marks`: the
    years the reference changed (a KOSTRA group), each marked with a dotted line and what it changed to."""
    if frame.is_empty():
        return _empty(text, "Ingen tall for dette utvalget")
    years = sorted(frame["year"].unique().to_list())
    by_series = {name: part.sort("year") for (name,), part in frame.group_by("series")}
    data = []

    def hover(part: pl.DataFrame) -> list[str]:
        return [charts._value_text(v, s, UNIT, 1) for v, s in zip(part["value"].to_list(), part["status"].to_list())]

    for name, colour in PART_COLOURS.items():
        part = by_series[name]
        data.append({"type": "bar", "x": part["year"].to_list(), "y": part["value"].to_list(), "name": name,
                     "marker": {"color": colour}, "customdata": hover(part),
                     "hovertemplate": "%{x}: %{customdata}<extra>" + name + "</extra>"})
    gap = by_series[GAP]
    data.append({"type": "scatter", "mode": "lines+markers", "x": gap["year"].to_list(), "y": gap["value"].to_list(),
                 "name": GAP, "line": {"color": "#111", "width": 3}, "marker": {"size": 8}, "connectgaps": False,
                 "customdata": hover(gap), "hovertemplate": "%{x}: %{customdata}<extra>" + GAP + "</extra>"})
    # a year without a split is marked with SSB's symbol at the zero line, never drawn as 0
    symbols = [{"x": y, "y": 0, "text": f"<b>{s or '..'}</b>", "showarrow": False, "yshift": 10,
              "font": {"size": 13, "color": "#444"}, "hovertext": f"{y}: {fmt.status_meaning(s or '..')}"}
             for y, v, s in zip(gap["year"].to_list(), gap["value"].to_list(), gap["status"].to_list()) if v is None]
    changes = [{"type": "line", "xref": "x", "yref": "paper", "x0": y - 0.5, "x1": y - 0.5, "y0": 0, "y1": 1,
                "line": {"color": "#666", "width": 1, "dash": "dot"}} for y in (marks or {})]
    for y, label in (marks or {}).items():
        symbols.append({"x": y - 0.5, "y": 1, "yref": "paper", "text": plotly_text(label), "showarrow": False,
                        "yanchor": "bottom", "font": {"size": 11, "color": "#444"}})
    xaxis, yaxis = _axes(0)
    return charts._finished(data, {"barmode": "relative", "annotations": symbols, **({"shapes": changes} if changes else {}),
                                   "xaxis": {**xaxis, "tickmode": "array", "tickvals": years,
                                             "ticktext": [str(y) for y in years]},
                                   "yaxis": yaxis}, text)
