"""The bare views' prepared figures: the screen version is drawn from a copy, so the bundle the «Last ned» menu
publishes keeps the titled figure with its source line, full height and category labels."""
from __future__ import annotations

import plotly.graph_objects as go

import pytest

from dashboard import figures
from dashboard.core import charts
from dashboard.kostra import queries
from dashboard.kostra.selection import Selection
from dashboard.publish import files as publish
from dashboard.views import embed


@pytest.mark.parametrize("figure_id", ["rangering-gruppe", "kostnad-hjemme"])
def test_the_screen_figure_leaves_the_bundle_for_publishing(db_env, figure_id):
    sel = Selection("3909", tuple(queries.default_comparisons("3909")), 2017, 2024)
    fresh = figures.build_figure(figure_id, sel)
    ready = embed.prepared(figure_id, sel, height=embed.EMBED_HEIGHT)
    bundle, screen = ready.full_bundle(), ready.screen_dict()
    assert screen["layout"]["height"] < go.Figure(bundle.fig).layout.height == go.Figure(fresh.fig).layout.height
    assert screen == charts.fit_height(charts.for_screen(fresh.fig), embed.EMBED_HEIGHT)
    assert go.Figure(bundle.fig).layout.title.text == go.Figure(fresh.fig).layout.title.text
    assert go.Figure(bundle.fig).layout.yaxis.showticklabels == go.Figure(fresh.fig).layout.yaxis.showticklabels
    assert publish.source_line(bundle) == publish.source_line(fresh)
    assert len(go.Figure(bundle.fig).layout.annotations) == len(go.Figure(fresh.fig).layout.annotations)
    if figure_id == "rangering-gruppe":  # too many bars for every name at this height: Larvik's is kept
        assert "Larvik" in screen["layout"]["yaxis"]["tickvals"]
        assert len(screen["layout"]["yaxis"]["tickvals"]) < len(go.Figure(bundle.fig).data[0].y)
