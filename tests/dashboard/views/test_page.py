"""The pages' figures: built once per figure, selection and database file and kept as the JSON that is sent; the
screen figure and the bundle's titled figure are the ones the page drew before the cache."""
from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard import figures
from dashboard.core import charts, html_parts
from dashboard.figures import prepared
from dashboard.kostra import queries
from dashboard.kostra.selection import Selection
from dashboard.views import embed


def test_a_figure_is_built_once_per_selection_and_kept_as_json_not_figure_objects(db_env, monkeypatch):
    sel = Selection("3909", tuple(queries.default_comparisons("3909")), 2017, 2024)
    built = []
    original = prepared.build_figure

    def counting(figure_id, selection, **options):
        built.append((figure_id, selection))
        return original(figure_id, selection, **options)

    monkeypatch.setattr(prepared, "build_figure", counting)
    prepared.prepare.cache_clear()
    ready = prepared.prepare("kostnad-hjemme", sel)
    again = prepared.prepare("kostnad-hjemme", Selection(sel.municipality, sel.comparisons, sel.from_year,
                                                         sel.to_year, notices=("a notice is not part of the figure",)))
    assert again is ready and len(built) == 1
    other = prepared.prepare("kostnad-hjemme", Selection("4203", sel.comparisons, sel.from_year, sel.to_year))
    assert other is not ready and len(built) == 2
    # nothing in the cached entry is a plotly figure object: the figures are JSON bytes
    assert ready.bundle.fig is None and isinstance(ready.screen, bytes) and isinstance(ready.titled, bytes)
    # nor a polars frame: the tables are packed (a small frame holds far more memory than the budget counts)
    assert ready.bundle.table is None and ready.bundle.download is None and isinstance(ready.tables, bytes)
    fresh = original("kostnad-hjemme", sel)
    full = ready.full_bundle()
    assert full.fig == fresh.fig
    screen = ready.screen_dict()
    assert screen == charts.for_screen(fresh.fig)
    assert "title" not in screen["layout"] and go.Figure(full.fig).layout.title.text == go.Figure(fresh.fig).layout.title.text
    assert go.Figure(fresh.fig).layout.height > screen["layout"]["height"]
    assert [i.name for i in ready.legend] == [t.name for t in go.Figure(fresh.fig).data if t.showlegend is not False]


@pytest.mark.parametrize("figure_id", sorted(figures.FIGURES))
def test_the_cached_figures_are_the_ones_the_page_drew_before(db_env, figure_id):
    """What st.plotly_chart sends for the cached figure equals what it sent for the screen Figure object the page
    drew before (for_screen, then plotly's own to_dict), and the legend is the one read from the Figure object."""
    spec = figures.spec(figure_id)
    params = {"enhet": "alle", "periode": "2025"} if spec.domain == "own" else {"kommune": "3909"}
    sel = embed.selection_for(spec, {k: [v] for k, v in params.items()})
    prepared.prepare.cache_clear()
    ready = prepared.prepare(figure_id, sel)
    fresh = figures.build_figure(figure_id, sel)
    sent = pio.to_json(ready.sendable().to_dict(), validate=False)
    before = pio.to_json(charts.for_screen(fresh.fig), validate=False)
    assert json.loads(sent) == json.loads(before)
    assert list(ready.legend) == _legend_from_objects(go.Figure(fresh.fig))
    # the HTML under the chart is kept as it is sent: the legend read from the Figure object, then the source line
    assert ready.foot_html == html_parts.figure_foot_html(fresh, _legend_from_objects(go.Figure(fresh.fig)))
    with_tables = ready.with_tables()
    assert with_tables.table.equals(fresh.table) and with_tables.table.schema == fresh.table.schema
    assert with_tables.download.equals(fresh.download) and with_tables.download.schema == fresh.download.schema
    assert ready.bundle.takeaway == fresh.takeaway and ready.bundle.source == fresh.source


def _legend_from_objects(fig: go.Figure) -> list[charts.LegendItem]:
    """The legend as it was read from plotly's figure objects before figures were kept as dicts."""
    if fig.layout.showlegend is False:
        return []
    shown = [t for t in fig.data if t.showlegend is not False and t.name]
    if len(shown) == 1 and shown[0].showlegend is None:
        return []
    items = []
    for t in shown:
        if t.type == "scatter" and "lines" in (t.mode or "lines"):
            items.append(charts.LegendItem(charts.plain_name(t.name), "line", t.line.color or "#222",
                                           t.line.dash or "solid", t.line.width or 2))
        elif t.type == "scatter":
            colour = t.marker.color if isinstance(t.marker.color, str) else None
            if colour is None and t.marker.line is not None and isinstance(t.marker.line.color, str):
                colour = t.marker.line.color
            items.append(charts.LegendItem(charts.plain_name(t.name), "marker", colour or "#222"))
        else:
            colour = t.marker.color if isinstance(getattr(t.marker, "color", None), str) else "#888"
            items.append(charts.LegendItem(charts.plain_name(t.name), "box", colour))
    return items


def test_streamlit_sends_the_cached_json_as_it_is(db_env):
    """st.plotly_chart asks a figure object only for to_dict(): the SentFigure's dict goes out without a validation
    pass and without trace objects being made."""
    sel = Selection("3909", tuple(queries.default_comparisons("3909")), 2017, 2024)
    ready = prepared.prepare("kostnad-hjemme", sel)
    from plotly.tools import return_figure_from_figure_or_data
    sent = ready.sendable()
    assert return_figure_from_figure_or_data(sent, validate_figure=True) is sent.to_dict()
    assert pio.to_json(sent, validate=False).encode("utf-8") == ready.screen_json()
