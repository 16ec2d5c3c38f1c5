"""The figure audit: every registered figure for every municipality in the demo database (the municipality's own
figures: for every unit, and all units), checked by rules:

- one row per unit or municipality: on a categorical axis, no two category labels are the same text once the line
  breaks plotly draws (`<br>`) and runs of spaces are taken out — «Hjemmetjenesten sone<br>Nord» on the bars and
  «Hjemmetjenesten sone Nord» on the goal marks are two rows to plotly, one to a reader;
- in every form it is shown: as built, as the pages and published files draw it, and at 800×450 in /vis;
- every shown value has its label: a trace's hover label (`%{customdata}` when its template reads it, else its
  hover text or text) has one entry for each point, and none is empty where the point has a value;
- the figure is what plotly's validation makes of it: the dict a builder made without validation equals the
  validated figure's dict, so nothing plotly would reject or change reaches a page, /vis or a published file.

Counts and time are printed (pytest -s); the counts are asserted to cover every figure and unit, and every
municipality with KOSTRA_AUDIT_ALL=1 (`make test` takes every 12th, the same each run: all 357 take minutes on the
2-core test box).
"""
from __future__ import annotations

import os
import re
import shutil
import time

import duckdb
import plotly.graph_objects as go
import pytest

from dashboard import figures
from dashboard.core import charts
from dashboard.core.figure import FigureSpec
from dashboard.kostra import queries as kostra_queries
from dashboard.own import queries as own_queries
from dashboard.own.selection import ALL_UNITS
from dashboard.publish import run

STRIDE = 12
CATEGORY_TRACES = {"bar", "waterfall", "scatter", "box", "funnel"}


def _label(value) -> str:
    return " ".join(re.sub(r"<br\s*/?>", " ", str(value), flags=re.IGNORECASE).split())


def _is_categorical(values) -> bool:
    return any(isinstance(v, str) for v in values or ())


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


@pytest.fixture(scope="module")
def audit_db(built_db, tmp_path_factory):
    """A copy with age_adjusted_inputs stored as a table (same rows): the figures' own queries, without the view
    recomputed for each of the ~1 800 age-adjusted and other queries."""
    path = tmp_path_factory.mktemp("figure-audit") / "kostra.duckdb"
    shutil.copy(built_db, path)
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE age_adjusted_inputs_stored AS SELECT * FROM age_adjusted_inputs")
        con.execute("DROP VIEW age_adjusted_inputs")
        con.execute("ALTER TABLE age_adjusted_inputs_stored RENAME TO age_adjusted_inputs")
    return path


def _check(problems: list[str], figure_id: str, selection) -> None:
    """The figure as built, as the pages and published files show it (charts.for_screen, which wraps long category
    labels) and as /vis and the presentation show it at 800×450 (charts.fit_height)."""
    bundle = figures.build_figure(figure_id, selection)
    screen = charts.for_screen(bundle.fig)
    problems += figure_problems(figure_id, bundle.fig.to_dict())
    problems += figure_problems(figure_id + " (skjerm)", screen.to_dict())
    # fit_height changes the figure through plotly's validated update_layout: its rows and labels are checked
    problems += figure_problems(figure_id + " (800×450)", charts.fit_height(screen, 450).to_dict(), validate=False)


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
