"""Chart builders for the managers' pages (own budget, accounts and sick leave), testable without Streamlit.

They reuse dashboard.core.charts for layout, palette, source line and the DEMODATA label, so a manager's chart
lifted into meeting papers looks like the analysts' charts. Colour meaning is fixed: the strong vermillion
marks what needs attention (merforbruk, sick leave over goal); blue is within budget / goal.
"""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.core import charts, fmt
from dashboard.core.charts import COMPARISON, GROUP, OTHER, SELECTED, ChartText
from dashboard.own.selection import MONTHS

ATTENTION = SELECTED      # merforbruk, over goal
WITHIN = COMPARISON[0]    # mindreforbruk, within goal
NBSP = fmt.NBSP


def _empty(fig: go.Figure, text: ChartText, message: str = "Ingen tall for dette utvalget") -> dict:
    fig.add_annotation(text=message, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False, font={"size": 16})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return charts._finish(fig, text)


def _legend_below(fig: dict, gap_px: int = 48) -> dict:
    """Put the legend below the tick labels: dashboard.core.charts places it for year axes, but month names and
    percent ticks on the short plots here would be hidden under it."""
    layout = fig["layout"]
    margin = layout.get("margin") or {}
    plot_height = (layout.get("height") or 500) - (margin.get("t") or 0) - (margin.get("b") or 0)
    layout["legend"] = {**(layout.get("legend") or {}), "y": -gap_px / max(plot_height, 100)}
    return fig


def _money(value: float | None, scale: int) -> str:
    """Kroner in full, or thousands without a suffix when the chart title says «1000 kr»."""
    if value is None:
        return "Mangler tall"
    return fmt.number(value / 1000, 0) if scale == 1000 else fmt.kroner(value)


def deviation_bar(frame: pl.DataFrame, text: ChartText, *, scale: int = 1, name_col: str = "unit_name") -> dict:
    """Avvik (revidert budsjett − regnskap) per unit as horizontal bars, largest merforbruk at the top.

    frame columns: <name_col>, deviation, deviation_label, attainment_pct (as from own_queries.budget_units).
    """
    fig = go.Figure()
    data = frame.filter(pl.col("deviation").is_not_null())
    if data.is_empty():
        return _empty(fig, text)
    data = data.sort("deviation", descending=True)  # plotly draws the first bar at the bottom
    values = [v / scale for v in data["deviation"].to_list()]
    colours = [ATTENTION if v < 0 else WITHIN for v in values]
    hover = [f"{lbl} {_money(abs(v) * scale, scale)} · måloppnåelse {fmt.percent(a, 1)}"
             for lbl, v, a in zip(data["deviation_label"].to_list(), values, data["attainment_pct"].to_list())]
    fig.add_trace(go.Bar(
        x=values, y=data[name_col].to_list(), orientation="h", marker={"color": colours},
        text=[_money(v * scale, scale) for v in values], textposition="outside", cliponaxis=False,
        customdata=hover, hovertemplate="%{y}: %{customdata}<extra></extra>", name="",
    ))
    fig.add_vline(x=0, line={"color": "#555", "width": 1})
    span = max(abs(v) for v in values) or 1
    fig.update_xaxes(range=[-span * 1.45, span * 1.45], tickformat=",.0f",
                     title={"text": "← merforbruk · mindreforbruk →<br>" + ("(1000 kr)" if scale == 1000 else "(kr)"),
                            "font": {"size": 11}})
    fig.update_yaxes(automargin=True)
    return charts._finish(fig, text, height=max(360, 46 * data.height + 200))


def budget_trend(frame: pl.DataFrame, text: ChartText, *, scale: int = 1) -> dict:
    """Month by month: revised budget and accounts (bars, top) and the year-to-date accumulated lines (bottom).

    frame columns: month, revised_budget, accounts, ytd_budget, ytd_accounts.
    """
    if frame.is_empty():
        return _empty(go.Figure(), text, "Ingen månedstall for dette utvalget")
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.09, row_heights=[0.4, 0.6],
                        subplot_titles=("Per måned", "Hittil i år (akkumulert)"))
    months = [MONTHS[m - 1][:3] for m in frame["month"].to_list()]

    def scaled(col: str) -> list:
        return [None if v is None else v / scale for v in frame[col].to_list()]

    def hover(col: str) -> list[str]:
        return [_money(v, scale) for v in frame[col].to_list()]

    fig.add_trace(go.Bar(x=months, y=scaled("revised_budget"), name="Revidert budsjett", marker={"color": OTHER},
                         customdata=hover("revised_budget"), hovertemplate="%{x}: %{customdata}<extra>Budsjett</extra>",
                         legendgroup="b"), row=1, col=1)
    fig.add_trace(go.Bar(x=months, y=scaled("accounts"), name="Regnskap", marker={"color": WITHIN},
                         customdata=hover("accounts"), hovertemplate="%{x}: %{customdata}<extra>Regnskap</extra>",
                         legendgroup="a"), row=1, col=1)
    fig.add_trace(go.Scatter(x=months, y=scaled("ytd_budget"), name="Budsjett hittil i år", mode="lines+markers",
                             line={"color": GROUP, "width": 3, "dash": "dash"}, customdata=hover("ytd_budget"),
                             hovertemplate="%{x}: %{customdata}<extra>Budsjett hittil i år</extra>"), row=2, col=1)
    fig.add_trace(go.Scatter(x=months, y=scaled("ytd_accounts"), name="Regnskap hittil i år", mode="lines+markers",
                             line={"color": ATTENTION, "width": 4}, customdata=hover("ytd_accounts"),
                             hovertemplate="%{x}: %{customdata}<extra>Regnskap hittil i år</extra>"), row=2, col=1)
    fig.update_layout(barmode="group")
    fig.update_yaxes(tickformat=",.0f", ticksuffix="" if scale == 1000 else f"{NBSP}kr", rangemode="tozero",
                     title={"text": "1000 kr" if scale == 1000 else None, "font": {"size": 12}})
    for ann in fig.layout.annotations:
        ann.update(font={"size": 12, "color": "#444"}, x=0, xanchor="left")
    return _legend_below(charts._finish(fig, text, height=620, bottom=150), gap_px=36)


def frame_waterfall(steps: list[tuple[str, float, str]], text: ChartText) -> dict:
    """The budget frame walk with dashboard.core.charts.waterfall; amounts in 1000 kr (the unit is in the title, so
    the bar labels stay short)."""
    if not steps:
        return _empty(go.Figure(), text, "Ingen budsjettramme for dette året")
    fig = charts.plotly_figure(charts.waterfall(steps, text, unit="", decimals=0))
    fig.update_layout(showlegend=False, height=640, margin={"b": 250})
    fig.update_traces(textfont={"size": 11}, cliponaxis=False)
    fig.update_xaxes(tickangle=-35, tickfont={"size": 11})
    for ann in fig.layout.annotations:  # keep the source line below the slanted labels
        if ann.name == "source":
            ann.update(yshift=-246)
    return fig.to_dict()


def sick_leave_bar(frame: pl.DataFrame, text: ChartText) -> dict:
    """Sick leave per unit for the period against each unit's goal; units over goal in the strong colour and
    suppressed units shown as ':' (never a bar or 0).

    frame columns: unit_name, sick_leave_pct, goal_pct, status, over_goal.
    """
    fig = go.Figure()
    if frame.is_empty():
        return _empty(fig, text)
    data = frame.reverse()  # first row (highest) at the top
    names = data["unit_name"].to_list()
    values = data["sick_leave_pct"].to_list()
    statuses = data["status"].to_list()
    colours = [ATTENTION if over else WITHIN for over in data["over_goal"].to_list()]
    labels = [":" if s == ":" else (fmt.percent(v, 2) if v is not None else "Mangler tall")
              for v, s in zip(values, statuses)]
    hover = [f"{lbl}" + (" – vises ikke av personvernhensyn (færre enn 5 ansatte)" if s == ":" else "")
             for lbl, s in zip(labels, statuses)]
    fig.add_trace(go.Bar(
        x=[v if v is not None else 0 for v in values], y=names, orientation="h", marker={"color": colours},
        text=labels, textposition="outside", cliponaxis=False, name="Sykefravær",
        customdata=hover, hovertemplate="%{y}: %{customdata}<extra></extra>", showlegend=False,
    ))
    goals = data["goal_pct"].to_list()
    fig.add_trace(go.Scatter(
        x=goals, y=names, mode="markers", name="Mål",
        marker={"symbol": "line-ns", "size": 26, "line": {"width": 4, "color": "#222"}},
        customdata=[fmt.percent(g, 1) if g is not None else "mangler" for g in goals],
        hovertemplate="%{y}: mål %{customdata}<extra></extra>",
    ))
    for name, colour, label in ((None, ATTENTION, "Over målet"), (None, WITHIN, "Innenfor målet")):
        fig.add_trace(go.Bar(x=[None], y=[None], marker={"color": colour}, name=label, showlegend=True,
                             hoverinfo="skip"))
    top = max([v for v in values if v is not None] + [g for g in goals if g is not None] + [1])
    fig.update_xaxes(range=[0, top * 1.5], ticksuffix=f"{NBSP}%", tickformat=",.0f")
    fig.update_yaxes(automargin=True)
    return _legend_below(charts._finish(fig, text, height=max(360, 46 * data.height + 200)))


def sick_leave_trend(frame: pl.DataFrame, text: ChartText, *, measure: str = "sick_leave_pct",
                     single_unit: bool = False) -> dict:
    """Sick leave per month (or rolling 12 months) per unit; one unit also gets its goal as a dashed line.

    frame columns: unit_name, month, sick_leave_pct, rolling_12_pct, goal_pct, status.
    Suppressed months have no point; the unit's line is replaced by a ':' note in the legend.
    """
    fig = go.Figure()
    if frame.is_empty():
        return _empty(fig, text)
    months_all = sorted(set(frame["month"].to_list()))
    order = list(dict.fromkeys(frame["unit_name"].to_list()))
    for i, name in enumerate(order):
        part = frame.filter(pl.col("unit_name") == name).sort("month")
        suppressed = all(s == ":" for s in part["status"].to_list())
        months = [MONTHS[m - 1][:3] for m in part["month"].to_list()]
        values = part[measure].to_list()
        colour = COMPARISON[i % len(COMPARISON)] if not single_unit else ATTENTION
        if suppressed:
            colour = OTHER
        label = f"{name} (:) – vises ikke" if suppressed else name
        fig.add_trace(go.Scatter(
            x=months, y=values, name=label, mode="lines+markers", line={"color": colour, "width": 3},
            connectgaps=False,
            customdata=[":" if s == ":" else (fmt.percent(v, 2) if v is not None else "Mangler tall")
                        for v, s in zip(values, part["status"].to_list())],
            hovertemplate="%{x}: %{customdata}<extra>%{fullData.name}</extra>",
        ))
        if single_unit:
            if measure == "sick_leave_pct":
                rolling = part["rolling_12_pct"].to_list()
                fig.add_trace(go.Scatter(
                    x=months, y=rolling, name="Rullerende 12 måneder", mode="lines",
                    line={"color": GROUP, "width": 3, "dash": "dot"},
                    customdata=[fmt.percent(v, 2) if v is not None else "Mangler tall" for v in rolling],
                    hovertemplate="%{x}: %{customdata}<extra>Rullerende 12 måneder</extra>"))
            goals = part["goal_pct"].to_list()
            if any(g is not None for g in goals):
                fig.add_trace(go.Scatter(
                    x=months, y=goals, name="Mål", mode="lines", line={"color": "#222", "width": 2, "dash": "dash"},
                    customdata=[fmt.percent(g, 1) if g is not None else "mangler" for g in goals],
                    hovertemplate="%{x}: mål %{customdata}<extra></extra>"))
            if suppressed:
                fig.add_annotation(text="<b>:</b> Vises ikke av personvernhensyn (færre enn 5 ansatte)",
                                   xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False, font={"size": 15})
    fig.update_xaxes(categoryorder="array", categoryarray=[MONTHS[m - 1][:3] for m in months_all])
    fig.update_yaxes(ticksuffix=f"{NBSP}%", tickformat=",.1f", rangemode="tozero")
    return _legend_below(charts._finish(fig, text, height=500))


def sick_leave_split(frame: pl.DataFrame, text: ChartText, *, split: str = "certification") -> dict:
    """Stacked bars per unit: egenmeldt vs legemeldt, or short vs long term (percent of agreed working days).

    frame columns: unit_name, status, self_certified_pct, doctor_certified_pct, short_term_pct, long_term_pct.
    """
    fig = go.Figure()
    if frame.is_empty():
        return _empty(fig, text)
    parts = ([("self_certified_pct", "Egenmeldt", COMPARISON[4]), ("doctor_certified_pct", "Legemeldt", COMPARISON[0])]
             if split == "certification" else
             [("short_term_pct", "Korttid (1–16 dager)", COMPARISON[3]), ("long_term_pct", "Langtid (over 16 dager)",
                                                                        ATTENTION)])
    data = frame.reverse()
    names = data["unit_name"].to_list()
    statuses = data["status"].to_list()
    for col, label, colour in parts:
        values = data[col].to_list()
        fig.add_trace(go.Bar(
            x=values, y=names, orientation="h", name=label, marker={"color": colour},
            customdata=[":" if s == ":" else (fmt.percent(v, 2) if v is not None else "Mangler tall")
                        for v, s in zip(values, statuses)],
            hovertemplate="%{y}: %{customdata}<extra>%{fullData.name}</extra>",
        ))
    for name, status in zip(names, statuses):
        if status == ":":
            fig.add_annotation(x=0, y=name, text="<b>:</b> vises ikke", showarrow=False, xanchor="left",
                               font={"size": 12, "color": "#555"})
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(ticksuffix=f"{NBSP}%", tickformat=",.1f")
    fig.update_yaxes(automargin=True)
    return _legend_below(charts._finish(fig, text, height=max(340, 42 * data.height + 200)))
