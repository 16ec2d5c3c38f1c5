"""Chart builders: plain functions from tidy frames to plotly figures, testable without Streamlit.

Every figure carries its own title, units, source line and (for synthetic data) a visible
"Demodata" label, because politicians see charts lifted out of the app into meeting papers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

import orjson
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


def figure(data: list[dict], layout: dict | None = None) -> dict:
    """A figure as the dict plotly's Figure(...).to_dict() would give, made without a figure object: every value
    the builders here put in is ours and of a known type. Validating a chart cost 20–30 ms, and even an unvalidated
    plotly Figure (its trace objects, a deep copy of every list, the typed-array scan) cost more than the dict it
    turns back into (issue 27); the figure is kept and sent as this dict. Like plotly: a trace's `type` defaults to
    scatter, None at the top of a trace or the layout means unset, and the layout carries plotly's default
    template. tests/dashboard/figures/test_registry.py checks that every registered figure is the one plotly's
    validation would make."""
    traces = []
    for trace in data:
        plain = {k: v for k, v in trace.items() if v is not None and k != "type"}
        plain["type"] = trace.get("type") or "scatter"
        traces.append(plain)
    plain_layout = {k: v for k, v in (layout or {}).items() if v is not None}
    plain_layout.setdefault("template", default_template())
    return {"data": traces, "layout": plain_layout}


@lru_cache(maxsize=1)
def _template_json() -> bytes:
    return orjson.dumps(go.Figure(_validate=False).to_dict()["layout"]["template"])


def default_template() -> dict:
    """plotly's default template (what a Figure puts in its layout), a fresh copy for each figure."""
    return orjson.loads(_template_json())


def spec_of(fig) -> dict:
    """A figure's dict, as a copy the caller may change: from a dict (what the builders return) or a plotly
    Figure (made with plotly's API, or by a test)."""
    if isinstance(fig, dict):
        return orjson.loads(orjson.dumps(fig, option=orjson.OPT_SERIALIZE_NUMPY))
    return fig.to_dict()


def plotly_figure(fig) -> go.Figure:
    """A plotly Figure of a figure's dict, for the code that draws with plotly's object API (the published files,
    the own-data charts' finishing touches); never on the path of a page view."""
    return fig if isinstance(fig, go.Figure) else go.Figure(spec_of(fig), _validate=False)


def _merge(base: dict, update: dict) -> dict:
    """`update` laid over `base` key by key, nested dicts merged, as plotly's update_layout merges (lists replaced)."""
    out = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _axes(layout: dict, prefix: str) -> list[str]:
    """The layout's x (or y) axes: `xaxis` always (plotly draws it even when unset), and xaxis2… of subplots."""
    names = [k for k in layout if k.startswith(prefix) and k[len(prefix):].isdigit()]
    return [prefix] + sorted(names, key=lambda k: int(k[len(prefix):]))


def _update_axes(layout: dict, prefix: str, update: dict) -> None:
    for name in _axes(layout, prefix):
        layout[name] = _merge(layout.get(name) or {}, update)


def update_axes(fig: dict, prefix: str, **update) -> dict:
    """plotly's update_xaxes / update_yaxes (prefix «xaxis» or «yaxis») on a figure's dict; changes and returns it."""
    _update_axes(fig["layout"], prefix, update)
    return fig


def _finish(fig: go.Figure, text: ChartText, *, height: int = 500, bottom: int = 150) -> dict:
    """Title, subtitle, legend, source line and Demodata label on a figure made with plotly's own API (the own-data
    charts, which use make_subplots); builders with plain dicts call _finished directly."""
    spec = fig.to_dict()
    return _finished(spec["data"], spec["layout"], text, height=height, bottom=bottom)


LEFT = 90  # room for value tick labels up to «900 000 kr» and a one-line axis title


def _category_room(labels: list) -> int:
    """Left margin for horizontal bars: their category labels (at most 24 characters a line once for_screen has
    wrapped them) at about 7 px a character."""
    longest = max((len(str(v)) for v in labels), default=0)
    return max(LEFT, min(24, longest) * 7 + 16)


def _finished(data: list[dict], layout: dict, text: ChartText, *, height: int = 500, bottom: int = 150,
              left: int = LEFT) -> dict:
    """Title, subtitle, legend, source line and Demodata label. The space below the plot grows with the number of
    legend rows and source lines, so the source line never lands on the legend. Changes `data` and `layout`.

    `left` is the left margin the chart starts with. The screen figures let plotly widen a margin to fit its tick
    labels (automargin), but plotly does that by drawing the whole chart a second time: a margin that already fits
    them saves that (15–20 ms a chart in the browser, on every page load)."""
    _text_only(data, layout)
    title = f"<b>{plotly_text(text.title)}</b>"
    subtitle = _wrap(plotly_text(text.subtitle), 110) if text.subtitle else ""
    if text.subtitle:
        title += f"<br><span style='font-size:13px;color:#555'>{subtitle}</span>"
    top = 75 + (20 * (subtitle.count("<br>") + 1) if text.subtitle else 0)
    source = _wrap(plotly_text(text.source))
    names = [t["name"] for t in data if t.get("showlegend") is not False and t.get("name")]
    # fixed-width legend entries (a third of the width, half for long names) make the row count predictable
    per_row = LEGEND_PER_ROW if max((len(n) for n in names), default=0) <= 28 else 2
    legend_rows = math.ceil(len(names) / per_row) if layout.get("showlegend") is not False else 0
    needed = 56 + 22 * legend_rows + 16 * (source.count("<br>") + 1) + 12
    if needed > bottom:
        height += needed - bottom
        bottom = needed
    layout = _merge(layout, {
        "title": {"text": title, "x": 0.01, "xanchor": "left", "y": 0.98, "yanchor": "top"},
        "separators": fmt.plotly_separators(),
        "font": {"family": FONT, "size": 13, "color": "#222"},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "height": height,
        "margin": {"l": left, "r": 30, "t": top, "b": bottom},
        # legend a fixed distance below the tick labels, whatever the figure's height
        "legend": {"orientation": "h", "yanchor": "top", "y": -48 / max(height - top - bottom, 100),
                   "x": 0, "entrywidth": 1 / per_row - 0.01, "entrywidthmode": "fraction"},
        "hoverlabel": {"font": {"family": FONT}},
    })
    _update_axes(layout, "xaxis", {"showgrid": False, "linecolor": "#888", "ticks": "outside"})
    _update_axes(layout, "yaxis", {"gridcolor": "#E5E5E5", "zeroline": False})
    annotations = list(layout.get("annotations") or [])
    annotations.append({"text": source, "xref": "paper", "yref": "paper", "x": 0, "y": 0, "yshift": -bottom + 4,
                        "xanchor": "left", "yanchor": "bottom", "showarrow": False,
                        "font": {"size": 11, "color": "#555"}, "align": "left", "name": "source"})
    if text.is_demo:
        annotations.append({"text": "<b>DEMODATA</b> – syntetiske tall", "xref": "paper", "yref": "paper", "x": 1,
                            "y": 1.0, "yshift": 8, "xanchor": "right", "yanchor": "bottom", "showarrow": False,
                            "font": {"size": 12, "color": "#8A1C00"}, "bgcolor": "#FFE8D6",
                            "bordercolor": "#D55E00", "borderwidth": 1, "borderpad": 3, "name": "demodata"})
    layout["annotations"] = annotations
    return figure(data, layout)


_TRACE_TEXT = ("x", "y", "text", "hovertext")


def _escaped(value):
    if isinstance(value, str):
        return plotly_text(value)
    if isinstance(value, (list, tuple)):
        return [plotly_text(v) if isinstance(v, str) else v for v in value]
    return value


def _text_only(data: list[dict], layout: dict) -> None:
    """Every text from data in the figure as text: plotly reads `<a href>`, `<b>`, `<br>` in trace names, category
    labels, text and hover texts, so a unit name from a file could become a link in a legend or a hover box.
    Names, categories and texts are escaped here, once, as _finished draws the figure; our own markup lives only in
    templates, titles and annotations, and a name reaches a hover box as data (`%{y}`, `%{fullData.name}`),
    never spliced into a template, so `%{…}` in a name is never read as one. Category annotations (an annotation
    placed at a category) are escaped with their categories so they stay on the same bar."""
    for trace in data:
        if isinstance(trace.get("name"), str):
            trace["name"] = plotly_text(trace["name"])
        for attr in _TRACE_TEXT:
            if trace.get(attr) is not None:
                trace[attr] = _escaped(trace[attr])
    for ann in layout.get("annotations") or []:
        for attr in ("x", "y", "hovertext"):
            if isinstance(ann.get(attr), str):
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


def legend_items(fig) -> list[LegendItem]:
    """The entries plotly would show in the legend, for an HTML legend that wraps at any width (plotly's
    horizontal legend scrolls or cuts long entries such as «Lardal (0728, før sammenslåing)» on a phone)."""
    return legend_of(fig if isinstance(fig, dict) else fig.to_dict())


def legend_of(spec: dict) -> list[LegendItem]:
    """legend_items for a figure as its dict (what is sent), read without a figure object."""
    if (spec.get("layout") or {}).get("showlegend") is False:
        return []
    shown = [t for t in spec.get("data") or [] if t.get("showlegend") is not False and t.get("name")]
    if len(shown) == 1 and shown[0].get("showlegend") is None:
        return []  # plotly shows no legend for a single trace
    items = []
    for t in shown:
        kind = t.get("type") or "scatter"
        marker = t.get("marker") or {}
        if kind == "scatter" and "lines" in (t.get("mode") or "lines"):
            line = t.get("line") or {}
            items.append(LegendItem(plain_name(t["name"]), "line", line.get("color") or "#222",
                                    line.get("dash") or "solid", line.get("width") or 2))
        elif kind == "scatter":
            colour = marker.get("color") if isinstance(marker.get("color"), str) else None
            edge = (marker.get("line") or {}).get("color")
            if colour is None and isinstance(edge, str):
                colour = edge
            items.append(LegendItem(plain_name(t["name"]), "marker", colour or "#222"))
        else:
            colour = marker.get("color") if isinstance(marker.get("color"), str) else "#888"
            items.append(LegendItem(plain_name(t["name"]), "box", colour))
    return items


def _right_room(data: list[dict]) -> int:
    """Right margin of a screen figure: a little, or room for the symbol a horizontal bar shows outside its end."""
    outside = any(t.get("orientation") == "h" and t.get("textposition") == "outside" for t in data)
    return 28 if outside else 16


def for_screen(fig) -> dict:
    """The figure for a web view whose width the browser decides: title, subtitle, source line and Demodata label
    are shown as HTML around the chart (HTML wraps at any width; plotly titles and annotations do not, and the
    tool bar would cover an in-plot title), and the legend wraps onto as many rows as the width needs. The short
    DEMODATA label stays in the plot, so a PNG saved with the camera button still says the numbers are synthetic. The plot
    area keeps its height, so the legend's distance below the tick labels stays as _finish placed it.
    A new figure's dict (`fig`, a dict or a plotly Figure, is not changed)."""
    return figure(**_parts(screen_spec(spec_of(fig))))


def _parts(spec: dict) -> dict:
    return {"data": spec.get("data") or [], "layout": spec.get("layout") or {}}


def screen_spec(spec: dict) -> dict:
    """for_screen on a figure's dict, without a figure object: the screen variant of a finished figure is made
    from the dict the figure is kept as. Changes and returns `spec` (pass a copy to keep the original)."""
    spec.setdefault("data", [])
    spec.setdefault("layout", {})
    data, layout = spec["data"], spec["layout"]
    margin = layout.get("margin") or {}
    top, bottom = margin.get("t") or 0, margin.get("b") or 0
    height = layout.get("height") or 500
    freed = 0
    kept = []
    for ann in layout.get("annotations") or []:
        if ann.get("name") == "source":
            freed = 16 * ((ann.get("text") or "").count("<br>") + 1) + 8
        else:
            kept.append(ann)
    xaxis = layout.get("xaxis") or {}
    x_title = (xaxis.get("title") or {}).get("text")
    # the legend is HTML under the chart (legend_items): the margin keeps room for tick labels and axis titles only;
    # slanted category labels (the budget frame) keep the room their chart gave them
    if xaxis.get("tickangle") not in (None, "auto", 0):
        new_bottom = max(bottom - freed, 48)
    else:
        new_bottom = min(max(bottom - freed, 48), 80 if x_title else 52)
    new_top = min(top, SCREEN_TOP)
    layout["annotations"] = kept
    layout.pop("title", None)
    # entries as wide as their text, as many per row as fit the width the browser gives the chart
    layout.update(height=height - (top - new_top) - (bottom - new_bottom), showlegend=False,
                  margin={**margin, "t": new_top, "b": new_bottom, "r": _right_room(data)})
    _update_axes(layout, "xaxis", {"automargin": True})
    _update_axes(layout, "yaxis", {"automargin": True})  # tick labels never run past the chart's left edge
    # plotly does not wrap axis titles or category labels: long ones get line breaks so a phone-width chart
    # keeps them inside its box
    for name in ("xaxis", "yaxis"):
        axis_title = layout[name].get("title") or {}
        if axis_title.get("text") and len(axis_title["text"]) > 26 and "<br>" not in axis_title["text"]:
            layout[name]["title"] = {**axis_title, "text": _wrap(axis_title["text"], 26)}
    # every trace on a wrapped axis gets the same labels (the goal marks beside the bars too): a label wrapped on one
    # trace and not on another is two categories to plotly, two rows for one unit
    wrapped = {trace.get("yaxis", "y") for trace in data if trace.get("orientation") == "h"
               and any(isinstance(v, str) and len(v) > 24 for v in trace.get("y") or ())}
    for trace in data:
        if trace.get("yaxis", "y") in wrapped and trace.get("y") is not None:
            trace["y"] = [_wrap(v, 24) if isinstance(v, str) else v for v in trace["y"]]
    return spec


def fit_height(fig, height: int, *, font_size: int | None = None) -> dict:
    """A screen figure (see for_screen) at a fixed total height, for the embed view and the presentation: the
    legend stays a fixed distance below the tick labels, long category labels under the bars are wrapped and kept
    level, and a long list of category labels that cannot be read at this height is left out (the takeaway and the
    data table name them). The same as fit_height_spec, on a copy of a figure's dict or a plotly Figure."""
    return figure(**_parts(fit_height_spec(spec_of(fig), height, font_size=font_size)))


FIT_WIDTH = 800  # the width /vis and the presentation are drawn for (an 800×450 frame)


def _tick_font(layout: dict, axis: dict) -> float:
    return (axis.get("tickfont") or {}).get("size") or (layout.get("font") or {}).get("size") or 13


def _level_categories(spec: dict, width: int = FIT_WIDTH) -> None:
    """Category labels under vertical bars wrapped onto lines that fit one category's share of the width and kept
    level: plotly turns labels that overlap (or a chart slants them, as the budget frame does), and turned labels
    take the plot's height at 800×450. The margin below is what the wrapped lines need (about 0.6 em a character,
    plotly's 1.3 em a line). Changes `spec`."""
    layout = spec["layout"]
    for ref in sorted({t.get("xaxis", "x") for t in spec.get("data") or [] if t.get("orientation") != "h"}):
        name = "xaxis" + ref[1:]
        axis = layout.get(name) or {}
        if axis.get("type") == "date" or axis.get("tickmode") == "array" or axis.get("showticklabels") is False:
            continue
        categories: list[str] = []
        for trace in spec["data"]:
            if trace.get("xaxis", "x") == ref and trace.get("orientation") != "h":
                for value in trace.get("x") or ():
                    if isinstance(value, str) and value not in categories:
                        categories.append(value)
        if not categories:
            continue
        margin = layout.get("margin") or {}
        font = _tick_font(layout, axis)
        share = (width - (margin.get("l") or 0) - (margin.get("r") or 0)) / len(categories)
        chars = max(8, int(share / (0.6 * font)) - 1)
        slanted = axis.get("tickangle") not in (None, "auto", 0)
        if not slanted and all(len(c) <= chars for c in categories):
            continue
        ticks = [_level_wrap(c, chars) for c in categories]
        extra = {}
        if max(len(line) for t in ticks for line in t.split("<br>")) * 0.6 * font > share:
            # a word wider than its category's share (or 8 characters that are): a smaller font, and at the least
            # font long words broken with a hyphen and at most DENSE_LINES lines, so no label runs into the next
            # (the hover and the table have it whole)
            for size in range(int(font) - 1, DENSE_FONT - 1, -1):
                chars = int(share / (0.6 * size))
                if all(len(word) <= chars for c in categories for word in c.split()):
                    ticks = [_level_wrap(c, chars) for c in categories]
                    break
            else:
                size, chars = DENSE_FONT, max(4, int(share / (0.6 * DENSE_FONT)))
                ticks = [_dense_wrap(c, chars) for c in categories]
            font = size
            extra = {"tickfont": {**(axis.get("tickfont") or {}), "size": font}}
        lines = max(t.count("<br>") + 1 for t in ticks)
        layout[name] = {**axis, **extra, "tickangle": 0, "tickmode": "array", "tickvals": categories,
                        "ticktext": ticks}
        needed = 12 + math.ceil(1.3 * font * lines) + (28 if (axis.get("title") or {}).get("text") else 0)
        # slanted labels had a margin for their slant: the level lines need only their own
        layout["margin"] = {**margin, "b": needed if slanted else max(margin.get("b") or 0, needed)}


DENSE_FONT = 9   # px: the least tick font at 800 px wide
DENSE_LINES = 4


def _dense_wrap(label: str, width: int) -> str:
    """A category label for a share narrower than 8 characters: words longer than `width` broken with a hyphen
    (not inside an entity of the escaped plotly text), at most DENSE_LINES lines, the last ending in «…» when the
    label goes on."""
    import textwrap
    pieces = []
    for word in label.split():
        while len(word) > width and "&" not in word:
            pieces.append(word[:width - 1] + "-")
            word = word[width - 1:]
        pieces.append(word)
    lines = textwrap.wrap(" ".join(pieces), width, break_long_words=False, break_on_hyphens=False) or [label]
    if len(lines) > DENSE_LINES:
        lines = lines[:DENSE_LINES]
        if not lines[-1].endswith("…"):
            lines[-1] = lines[-1][:max(width - 1, 1)].rstrip("-") + "…"
    return "<br>".join(lines)


def _level_wrap(label: str, width: int) -> str:
    """A category label on lines of at most `width` characters, broken at spaces only (the label is already escaped
    plotly text: an entity is never split)."""
    import textwrap
    # an ellipsis stays on the line of the word before it (textwrap breaks at ASCII spaces only)
    glued = label.replace(" …", f"{fmt.NBSP}…")
    lines = textwrap.wrap(glued, width, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(line.replace(f"{fmt.NBSP}…", " …") for line in lines) or label


def fit_height_spec(spec: dict, height: int, *, font_size: int | None = None) -> dict:
    """fit_height on a screen figure's dict (see screen_spec), without a figure object. Changes and returns `spec`."""
    layout = spec.setdefault("layout", {})
    spec.setdefault("data", [])
    _level_categories(spec)
    margin = layout.get("margin") or {}
    top, bottom = margin.get("t") or 0, margin.get("b") or 0
    plot = max(height - top - bottom, 80)
    layout["height"] = top + bottom + plot
    if font_size:
        layout["font"] = _merge(layout.get("font") or {}, {"size": font_size})
    for trace in spec.get("data") or []:
        if trace.get("orientation") == "h" and trace.get("y") is not None and len(trace["y"]) * 11 > plot:
            _update_axes(layout, "yaxis", _dense_ticks(trace, plot))
            break
    return spec


TICK_ROOM = 13  # px a tick label of 11 px needs from the next one


def _dense_ticks(trace: dict, plot: float) -> dict:
    """The y axis of a ranking whose bars are too many for every name at this height: the highlighted bars (the
    chosen municipality first, then the comparisons) keep their names where these don't run into each other, so an
    embedded ranking still says which bar is whose; every other name is left out (the table names them). A bar
    chart without greyed-out bars (OTHER) says nothing by colour: all names are left out."""
    names, colours = list(trace["y"]), (trace.get("marker") or {}).get("color")
    if not isinstance(colours, list) or OTHER not in colours or len(colours) != len(names):
        return {"showticklabels": False}
    row = plot / len(names)
    order = ([i for i, c in enumerate(colours) if c == SELECTED]
             + [i for i, c in enumerate(colours) if c not in (SELECTED, OTHER)])
    kept: list[int] = []
    for i in order:
        if all(abs(i - j) * row >= TICK_ROOM for j in kept):
            kept.append(i)
    if not kept:
        return {"showticklabels": False}
    shown = [names[i] for i in sorted(kept)]
    return {"tickmode": "array", "tickvals": shown, "ticktext": shown}


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
               merger_years: tuple[tuple[int, str], ...] = ()) -> dict:
    """One line per series; gaps where SSB has a symbol, and the symbol shown at the foot of the chart.

    frame columns: series (label shown in legend), role, year, value, status.
    """
    if frame.is_empty():
        return _finished([], {"annotations": [{"text": "Ingen tall for dette utvalget", "xref": "paper",
                                               "yref": "paper", "x": 0.5, "y": 0.5, "showarrow": False,
                                               "font": {"size": 16}}]}, text)
    # the series and their rows read from the columns as lists: a chart's frame is a few dozen rows, and a polars
    # operation per step cost more than the work (issue 27)
    col = {c: frame[c].to_list() for c in ("series", "role", "year", "value", "status", "region_code", "main_line",
                                            "successor_code") if c in frame.columns}
    rows_of: dict = {}  # series -> its rows by year, the series in order of first appearance
    for i in sorted(range(frame.height), key=col["year"].__getitem__):
        rows_of.setdefault(col["series"][i], []).append(i)
    first_role = {}
    for s, r in zip(col["series"], col["role"]):
        first_role.setdefault(s, r)
    series_order = sorted(dict.fromkeys(col["series"]), key=lambda s: ROLE_ORDER.get(first_role[s], 9))
    comparison_index = 0
    symbol_rows = []
    years = sorted(set(col["year"]))
    traces = []
    colour_of: dict[str, str] = {}  # today's code -> its line colour, for the predecessor that gave it its name
    for series in series_order:
        rows = rows_of[series]
        role = first_role[series]
        style = style_for(role, comparison_index)
        if role == "comparison":
            comparison_index += 1
        if role in ("selected", "comparison") and "region_code" in col:
            colour_of[col["region_code"][rows[0]]] = style["color"]
        if role == "predecessor" and "main_line" in col and col["main_line"][rows[0]]:
            # the same municipality before a merger: its own colour, dotted, so the eye follows it across the break
            style = {**style, "color": colour_of.get(col["successor_code"][rows[0]], style["color"]), "dash": "dot"}
        part_years = [col["year"][i] for i in rows]
        values, statuses = [col["value"][i] for i in rows], [col["status"][i] for i in rows]
        traces.append({
            "type": "scatter", "x": part_years, "y": values, "name": series, "mode": "lines+markers",
            "line": {"color": style["color"], "width": style["width"], "dash": style["dash"]},
            "marker": {"size": 7 if role == "selected" else 5}, "connectgaps": False,
            "customdata": [_value_text(v, s, unit, decimals) for v, s in zip(values, statuses)],
            "hovertemplate": "%{x}: %{customdata}<extra>%{fullData.name}</extra>",
        })
        if role in ("selected", "comparison"):
            for y, v, s in zip(part_years, values, statuses):
                if v is None and s and s != ".":
                    symbol_rows.append((y, s, series, style["color"]))
    if symbol_rows:  # say what the marks at the foot of the chart mean, so they are not read as values
        shown = sorted({s for _, s, _, _ in symbol_rows})
        text = replace(text, source=text.source + ". Symboler: " + "; ".join(
            f"«{s}» {fmt.status_meaning(s).split(' (')[0].lower()}" for s in shown))
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
    layout = {"xaxis": {"tickmode": "array", "tickvals": years, "ticktext": [str(y) for y in years]},
              "yaxis": {**_axis_format(unit, decimals), "rangemode": "tozero" if unit in ("kr", "personer") else "normal"}}
    if annotations:
        layout["annotations"] = annotations
    if shapes:
        layout["shapes"] = shapes
    return _finished(traces, layout, text)


def _vline(x: float) -> dict:
    """A dashed reference line across the plot at x (what plotly's add_vline draws)."""
    return {"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
            "line": {"color": GROUP, "width": 2, "dash": "dash"}}


def ranking_bar(frame: pl.DataFrame, text: ChartText, *, unit: str, decimals: int, highlight: set[str],
                comparisons: set[str] = frozenset(), reference: tuple[str, float] | None = None) -> dict:
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
    values, statuses = data["value"].to_list(), data["status"].to_list()
    names = data["region_name"].to_list()
    trace = {
        "type": "bar", "x": [v if v is not None else 0 for v in values], "y": names, "orientation": "h",
        # a missing value shows SSB's symbol at the bar's place (never a bar of 0); its meaning is in the hover text,
        # the table and the source line; a whole sentence there would run past the chart on a phone
        "marker": {"color": colours}, "customdata": [_value_text(v, s, unit, decimals) for v, s in zip(values, statuses)],
        "text": [(s or "..") if v is None else "" for s, v in zip(statuses, values)],
        "textposition": "outside", "hovertemplate": "%{y}: %{customdata}<extra></extra>", "name": "",
    }
    layout = {"xaxis": _axis_format(unit, decimals), "yaxis": {"tickfont": {"size": 11}, "automargin": True}}
    if reference and reference[1] is not None:
        # the label reads away from the right edge when the line is in the right half, so it is never cut
        top = max([v for v in values if v is not None] + [reference[1]])
        layout["shapes"] = [_vline(reference[1])]
        layout["annotations"] = [{
            "x": reference[1], "y": 1, "yref": "paper",
            "text": f"{plotly_text(reference[0])}: {fmt.with_unit(reference[1], unit, decimals)}", "showarrow": False,
            "xanchor": "right" if reference[1] > top / 2 else "left", "yanchor": "bottom",
            "font": {"size": 11, "color": GROUP}}]
    return _finished([trace], layout, text, height=max(380, 22 * len(names) + 160), left=_category_room(names))


def scatter(frame: pl.DataFrame, text: ChartText, *, x_label: str, y_label: str, x_unit: str, y_unit: str,
            highlight: set[str], comparisons: set[str] = frozenset(), group_members: set[str] = frozenset(),
            x_decimals: int = 1, y_decimals: int = 0) -> dict:
    """All municipalities as points; the selection and its group drawn on top in fixed colours.

    frame columns: region_name, current_code, region_code, x_value, y_value.
    """
    data = frame.drop_nulls(["x_value", "y_value"])
    traces = []

    def layer(mask, name, colour, size, opacity, with_text=False):
        part = data.filter(mask)
        if part.is_empty():
            return
        names, xs, ys = part["region_name"].to_list(), part["x_value"].to_list(), part["y_value"].to_list()
        trace = {
            "type": "scatter", "x": xs, "y": ys, "mode": "markers+text" if with_text else "markers", "name": name,
            "marker": {"color": colour, "size": size, "opacity": opacity, "line": {"width": 1, "color": "white"}},
            "textposition": "top center",
            "customdata": [f"{plotly_text(n)}<br>{x_label}: {fmt.with_unit(x, x_unit, x_decimals)}<br>{y_label}: "
                           f"{fmt.with_unit(y, y_unit, y_decimals)}" for n, x, y in zip(names, xs, ys)],
            "hovertemplate": "%{customdata}<extra></extra>",
        }
        if with_text:
            trace["text"] = names
        traces.append(trace)

    codes = pl.col("current_code")
    layer(~codes.is_in(list(highlight | comparisons | group_members)), "Andre kommuner", OTHER, 7, 0.8)
    layer(codes.is_in(list(group_members - highlight - comparisons)), "Samme KOSTRA-gruppe", GROUP, 8, 0.8)
    layer(codes.is_in(list(comparisons - highlight)), "Sammenligningskommuner", COMPARISON[0], 11, 1.0, True)
    layer(codes.is_in(list(highlight)), "Valgt kommune", SELECTED, 15, 1.0, True)
    layout = {"xaxis": _axis_format(x_unit, x_decimals, title=x_label),
              "yaxis": _axis_format(y_unit, y_decimals, title=y_label)}
    # room for the tick labels and the two-line (wrapped) axis title: a narrower margin would be widened by plotly's
    # automargin, which draws all 350 points again
    return _finished(traces, layout, text, height=520, left=106)


def grouped_bar(frame: pl.DataFrame, text: ChartText, *, unit: str, decimals: int, x: str, colour_by: str,
                colours: dict[str, str] | None = None, stacked: bool = False) -> dict:
    """Bars for categories (x) per series (colour_by); used for shares and users by age group.

    frame columns: <x>, <colour_by>, value, status.
    """
    palette = colours or {}
    traces = []
    parts = frame.partition_by(colour_by, as_dict=True, maintain_order=True)
    for i, ((name,), part) in enumerate(parts.items()):
        values, statuses = part["value"].to_list(), part["status"].to_list()
        traces.append({
            "type": "bar", "x": part[x].to_list(), "y": values, "name": name,
            "marker": {"color": palette.get(name, COMPARISON[i % len(COMPARISON)])},
            "customdata": [_value_text(v, s, unit, decimals) for v, s in zip(values, statuses)],
            "hovertemplate": "%{x}: %{customdata}<extra>%{fullData.name}</extra>",
            "text": [(s or "..") if v is None else "" for s, v in zip(statuses, values)],
            "textposition": "outside",
        })
    layout = {"barmode": "stack" if stacked else "group", "yaxis": _axis_format(unit, decimals)}
    return _finished(traces, layout, text)


def waterfall(steps: list[tuple[str, float, str]], text: ChartText, *, unit: str, decimals: int = 0) -> dict:
    """Budget frame from last year's budget through each change to the corrected frame.

    steps: (label, amount, measure) with measure 'absolute' | 'relative' | 'total'.
    """
    amounts = [s[1] for s in steps]
    labels = [fmt.with_unit(a, unit, decimals) for a in amounts]
    trace = {
        "type": "waterfall", "x": [s[0] for s in steps], "y": amounts, "measure": [s[2] for s in steps],
        "text": labels, "textposition": "outside", "customdata": list(labels),
        "hovertemplate": "%{x}: %{customdata}<extra></extra>",
        "increasing": {"marker": {"color": SELECTED}}, "decreasing": {"marker": {"color": COMPARISON[0]}},
        "totals": {"marker": {"color": GROUP}}, "connector": {"line": {"color": "#999", "dash": "dot"}},
    }
    layout = {"yaxis": _axis_format(unit, decimals), "xaxis": {"tickangle": -30, "automargin": True}}
    return _finished([trace], layout, text, height=560, bottom=190)


def index_bar(frame: pl.DataFrame, text: ChartText) -> dict:
    """Each indicator as an index of the KOSTRA group (= 100): one glance at where the municipality stands.

    frame columns: indicator, value (index), status, own_text, group_text.
    """
    data = frame.reverse()
    values, statuses = data["value"].to_list(), data["status"].to_list()
    hover = [f"{i}: {o} (gruppen: {g})" + ("" if v is not None else f" – {s}: {fmt.status_meaning(s)}")
             for i, o, g, v, s in zip(data["indicator"], data["own_text"], data["group_text"], values, statuses)]
    trace = {
        "type": "bar", "x": [(v - 100) if v is not None else 0 for v in values], "base": 100,
        "y": data["indicator"].to_list(), "orientation": "h",
        "marker": {"color": [SELECTED if v is not None else OTHER for v in values]},
        "text": [fmt.number(v, 0) if v is not None else (s or "..") for v, s in zip(values, statuses)],
        "textposition": "outside", "customdata": hover, "hovertemplate": "%{customdata}<extra></extra>", "name": "",
    }
    known = [v for v in values if v is not None] or [100]
    span = max(abs(v - 100) for v in known) or 10
    # room for the value labels outside the bars at both ends, so they stay inside the chart on a phone
    layout = {"shapes": [_vline(100)],
              "xaxis": {"title": {"text": "Indeks, KOSTRA-gruppen = 100"}, "tickformat": ",.0f",
                        "range": [min(known + [100]) - span * 0.35, max(known + [100]) + span * 0.35]},
              "yaxis": {"automargin": True}}
    return _finished([trace], layout, text, height=max(380, 40 * len(values) + 200),
                     left=_category_room(trace["y"]))
