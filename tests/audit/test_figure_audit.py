"""The figure audit: every registered figure for every municipality in the demo database (the municipality's own
figures: for every unit, and all units), checked by rules:

- one row per unit or municipality: on a categorical axis, no two category labels are the same text once the line
  breaks plotly draws (`<br>`) and runs of spaces are taken out — «Hjemmetjenesten sone<br>Nord» on the bars and
  «Hjemmetjenesten sone Nord» on the goal marks are two rows to plotly, one to a reader;
- in every form it is shown: as built, as the pages and published files draw it, and at 800×450 in /vis;
- every shown value has its label: a trace's hover label (`%{customdata}` when its template reads it, else its
  hover text or text) has one entry for each point, and none is empty where the point has a value;
- a readable plot area where it is embedded: at 800×450 (charts.fit_height at 450, and at the chart height /vis
  really gives it in its 800×450 frame, embed.EMBED_HEIGHT) the figure keeps the height it is given, its plot area
  (height less the top and bottom margins) is at least MIN_PLOT, and the category labels under vertical bars are
  level: no tickangle but 0, and labels plotly may turn (tickangle unset) fit their category's share of the width
  (about 0.6 em a character) — long ones are wrapped instead;
- the figure is what plotly's validation makes of it: the dict a builder made without validation equals the
  validated figure's dict, so nothing plotly would reject or change reaches a page, /vis or a published file.

Counts and time are printed (pytest -s); the counts are asserted to cover every figure and unit, and every
municipality with KOSTRA_AUDIT_ALL=1 (`make test` takes every 12th, the same each run: all 357 take minutes on the
2-core test box).
"""
from __future__ import annotations

import os
import re
import time

import plotly.graph_objects as go

from dashboard import figures
from dashboard.core import charts
from dashboard.core.figure import FigureSpec
from dashboard.kostra import queries as kostra_queries
from dashboard.own import queries as own_queries
from dashboard.own.selection import ALL_UNITS
from dashboard.publish import run
from dashboard.views import embed

STRIDE = 12
# the least plot area (px) a figure keeps at each height it is fitted to: at 450 a full frame, at EMBED_HEIGHT (the
# chart's share of /vis's 800×450 frame, under its title and takeaway) about half of it
MIN_PLOT = {450: 200, embed.EMBED_HEIGHT: 100}
CATEGORY_TRACES = {"bar", "waterfall", "scatter", "box", "funnel"}


def _label(value) -> str:
    return " ".join(re.sub(r"<br\s*/?>", " ", str(value), flags=re.IGNORECASE).split())


def _is_categorical(values) -> bool:
    return any(isinstance(v, str) for v in values or ())


def fit_problems(figure_id: str, fig: dict, height: int, width: int = charts.FIT_WIDTH) -> list[str]:
    """The rules for a figure fitted to `height` at `width` (see the module docstring)."""
    problems = []
    layout = fig.get("layout", {})
    margin = layout.get("margin") or {}
    top, bottom = margin.get("t") or 0, margin.get("b") or 0
    if layout.get("height") != height:
        problems.append(f"{figure_id} at {height}: {layout.get('height')} px high, not {height}")
    if height - top - bottom < MIN_PLOT[height]:
        problems.append(f"{figure_id} at {height}: plot area {height - top - bottom} px < {MIN_PLOT[height]}")
    categories: dict[str, list[str]] = {}
    for trace in fig.get("data", []):
        if trace.get("orientation") == "h" or not _is_categorical(trace.get("x")):
            continue
        ref = trace.get("xaxis", "x")
        categories.setdefault(ref, []).extend(v for v in trace["x"] if isinstance(v, str))
    for ref, names in categories.items():
        axis = layout.get("xaxis" + ref[1:]) or {}
        if axis.get("type") == "date" or axis.get("showticklabels") is False:
            continue
        angle = axis.get("tickangle")
        if angle not in (None, "auto", 0):
            problems.append(f"{figure_id} at {height}: category labels on {ref} turned {angle}°")
            continue
        shown = axis.get("ticktext") if axis.get("tickmode") == "array" else sorted(set(names))
        font = (axis.get("tickfont") or {}).get("size") or (layout.get("font") or {}).get("size") or 13
        share = (width - (margin.get("l") or 0) - (margin.get("r") or 0)) / max(len(set(names)), 1)
        if angle == 0:  # level labels fitted by us: every line within its category's share, or it runs into the next
            wide = [line for label in shown or () for line in re.split(r"<br\s*/?>", str(label))
                    if len(line) * 0.6 * font > share]
            if wide:
                problems.append(f"{figure_id} at {height}: level label line «{wide[0]}» is wider than its "
                                f"{share:.0f} px on {ref}")
            continue
        longest = max((len(line) for label in shown or () for line in re.split(r"<br\s*/?>", str(label))),
                      default=0)
        if longest * 0.6 * font > share:
            problems.append(f"{figure_id} at {height}: a {longest}-character label on {ref} does not fit its "
                            f"{share:.0f} px: plotly turns it")
    return problems


def figure_problems(figure_id: str, fig: dict, *, validate: bool = True) -> list[str]:
    problems = []
    layout = fig.get("layout", {})
    by_axis: dict[str, set[str]] = {}
    for trace in fig.get("data", []):
        if trace.get("type", "scatter") not in CATEGORY_TRACES:
            continue
        horizontal = trace.get("orientation") == "h"
        for axis in ("x", "y"):
            values = trace.get(axis)
            ref = trace.get(f"{axis}axis", axis)
            if not _is_categorical(values) or layout.get(f"{ref[0]}axis{ref[1:]}", {}).get("type") == "date":
                continue
            by_axis.setdefault(ref, set()).update(str(v) for v in values if v is not None)
        # every value shown has its label: the hover's (customdata when the template reads it, else text or
        # hovertext), one per point, none empty where the point has a value
        values = trace.get("x" if horizontal else "y") or []
        template = str(trace.get("hovertemplate") or "")
        key = "customdata" if "%{customdata" in template else "hovertext" if trace.get("hovertext") else "text"
        labels = trace.get(key)
        if labels is None or isinstance(labels, str) or trace.get("hoverinfo") == "skip":
            continue
        if len(labels) != len(values):
            problems.append(f"{figure_id}: {trace.get('name')!r} has {len(values)} values, {len(labels)} {key}")
            continue
        for value, label in zip(values, labels):
            if value is not None and (label is None or str(label).strip() == ""):
                problems.append(f"{figure_id}: {trace.get('name')!r} value {value} without its {key}")
    for axis, labels in by_axis.items():
        shown: dict[str, str] = {}
        for raw in labels:
            same = shown.setdefault(_label(raw), raw)
            if same != raw:
                problems.append(f"{figure_id}: {axis} has «{same}» and «{raw}» as two categories for one row")
    if validate and go.Figure(fig).to_dict() != fig:
        problems.append(f"{figure_id}: plotly's validation changes the figure")
    return problems


def _check(problems: list[str], figure_id: str, selection) -> None:
    """The figure as built, as the pages and published files show it (charts.for_screen, which wraps long category
    labels) and as /vis and the presentation show it at 800×450 (charts.fit_height)."""
    bundle = figures.build_figure(figure_id, selection)
    screen = go.Figure(charts.for_screen(bundle.fig))
    problems += figure_problems(figure_id, bundle.fig)
    problems += figure_problems(figure_id + " (skjerm)", screen.to_dict())
    # fit_height changes the figure through plotly's validated update_layout: its rows and labels are checked
    fitted = charts.fit_height(screen, 450)
    problems += figure_problems(figure_id + " (800×450)", fitted, validate=False)
    problems += fit_problems(figure_id, fitted, 450)
    # /vis and the presentation's cached path: the screen dict fitted to the chart's share of the 800×450 frame
    vis = charts.fit_height_spec(charts.screen_spec(bundle.fig), embed.EMBED_HEIGHT)
    problems += fit_problems(figure_id, vis, embed.EMBED_HEIGHT)


def test_every_figure_for_every_unit_is_one_row_per_unit_labelled_and_valid(audit_db, monkeypatch):
    monkeypatch.setenv("KOSTRA_DB", str(audit_db))
    started = time.perf_counter()
    own_specs: list[FigureSpec] = [s for s in figures.FIGURES.values() if s.domain == "own"]
    units = [ALL_UNITS, *own_queries.unit_names()]
    problems: list[str] = []
    count = 0
    for spec in own_specs:
        kind = run.OWN_KIND_BY_PAGE.get(spec.page, "budget")
        for unit in units:
            if kind == "goals" and unit == ALL_UNITS:
                continue
            _check(problems, spec.id, run.own_selection(kind, unit, None))
            count += 1
    print(f"\nfigure audit (own data): {count} figures, {len(own_specs)} ids × {len(units)} units, "
          f"{time.perf_counter() - started:.0f} s")
    assert problems == []
    assert count >= len(own_specs) * (len(units) - 1) and len(units) >= 6


def test_every_figure_for_every_municipality_is_one_row_per_municipality_labelled_and_valid(audit_db, monkeypatch):
    monkeypatch.setenv("KOSTRA_DB", str(audit_db))
    started = time.perf_counter()
    specs = [s.id for s in figures.FIGURES.values() if s.domain != "own"]
    every = sorted(kostra_queries.municipality_names())
    # all 357 take minutes on the 2-core test box (a build and a validation per figure): `make test` checks every
    # STRIDE-th municipality, the same ones every run (a result never depends on the day); KOSTRA_AUDIT_ALL=1 all
    codes = every if os.environ.get("KOSTRA_AUDIT_ALL") else every[::STRIDE]
    problems: list[str] = []
    count = 0
    for code in codes:
        _, selections, _ = run.resolve(specs, kommune=code)
        for figure_id in specs:
            _check(problems, figure_id, selections[figure_id])
            count += 1
        if len(problems) > 30:
            break
    print(f"\nfigure audit (municipalities): {count} figures, {len(specs)} ids × {len(codes)} municipalities, "
          f"{time.perf_counter() - started:.0f} s")
    assert problems == []
    assert count == len(specs) * len(codes) and len(every) >= 350 and len(codes) >= len(every) // STRIDE


def test_the_fit_rules_catch_turned_labels_and_a_squeezed_plot():
    """The rules fail on what they are for: the budget frame's step labels slanted -35° with the room they took
    (its /vis figure before the labels were wrapped), and labels plotly would turn."""
    names = ["Opprinnelig vedtatt … budsjettramme 2016", "128 Vedtatt styrking … vedtatte planer", "Korrigert netto"]
    slanted = {"data": [{"type": "waterfall", "x": names, "y": [1, 2, 3]}],
               "layout": {"height": 450, "margin": {"l": 90, "r": 16, "t": 36, "b": 230},
                          "xaxis": {"tickangle": -35}}}
    problems = fit_problems("budsjettramme", slanted, 450)
    assert any("turned -35°" in p for p in problems) and any("plot area 184 px < 200" in p for p in problems)
    crowded = {"data": [{"type": "bar", "x": [f"Kommune nummer {i} med langt navn" for i in range(8)], "y": [1] * 8}],
               "layout": {"height": 450, "margin": {"l": 90, "r": 16, "t": 36, "b": 52}}}
    assert any("plotly turns it" in p for p in fit_problems("x", crowded, 450))
    # fitted, the same figures keep their height and plot area, with level, wrapped labels
    for spec in (slanted, crowded):
        fitted = charts.fit_height_spec(spec, 450)
        assert fit_problems("x", fitted, 450) == []
        assert fitted["layout"]["xaxis"]["tickangle"] == 0 and "<br>" in fitted["layout"]["xaxis"]["ticktext"][0]
