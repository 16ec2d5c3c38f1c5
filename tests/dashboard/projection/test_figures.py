"""The fremskriving- figures in the registry: built through figures.build_figure, scenario carried in their links."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import plotly.graph_objects as go
import pytest

from dashboard import figures
from dashboard.kostra.selection import Selection
from dashboard.projection.scenario import ProjectionSelection, Scenario

IDS = ["fremskriving-befolkning", "fremskriving-brukere", "fremskriving-kostnad"]


@pytest.fixture
def psel(db_env):
    return ProjectionSelection(Selection("3909", (), 2017, 2024), Scenario(-20, 10, True, 1.5))


@pytest.mark.parametrize("figure_id", IDS)
def test_registered_and_built_with_the_scenario(psel, figure_id):
    spec = figures.FIGURES[figure_id]
    assert spec.page == "fremskriving" and spec.domain == "projection"
    bundle = figures.build_figure(figure_id, psel)
    assert bundle.figure_id == figure_id and bundle.is_demo
    assert bundle.source.startswith("Kilde: SSB, tabell 14746") and "Egen beregning" in bundle.source
    assert bundle.takeaway and bundle.table.height > 0 and bundle.download.height > 0


def test_users_figure_draws_baseline_beside_scenario(psel):
    bundle = figures.build_figure("fremskriving-brukere", psel)
    assert len(go.Figure(bundle.fig).data) == 4
    assert "I scenarioet trenger Larvik" in bundle.takeaway
    plain = figures.build_figure("fremskriving-brukere", Selection("3909", (), 2017, 2024))
    assert len(go.Figure(plain.fig).data) == 2 and "I scenarioet" not in plain.takeaway  # a plain selection: today's coverage


def test_links_carry_the_scenario(psel):
    for url in (figures.embed_url("fremskriving-kostnad", psel), figures.page_url("fremskriving-kostnad", psel)):
        query = parse_qs(urlparse(url).query)
        assert query["kommune"] == ["3909"] and query["dekning80"] == ["-20"] and query["hjemme"] == ["10"]
        assert query["gruppe"] == ["1"] and query["kostvekst"] == ["1.5"]
    assert urlparse(figures.page_url("fremskriving-kostnad", psel)).path == "/fremskriving"
