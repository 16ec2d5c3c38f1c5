"""The figure registry: every id builds for a default selection, links round-trip, unknown ids are refused."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import orjson
import plotly.graph_objects as go
import polars as pl
import pytest

from dashboard import figures
from dashboard.core import charts
from dashboard.kostra import queries
from dashboard.kostra.selection import Selection
from dashboard.own.selection import OwnSelection


@pytest.fixture
def kostra_sel(db_env) -> Selection:
    return Selection("3909", tuple(queries.default_comparisons("3909")), 2017, 2024)


@pytest.fixture
def own_sel(db_env) -> OwnSelection:
    return OwnSelection("alle", 2025)


ISSUE_IDS = ["kostnad-hjemme", "kostnad-institusjon", "forhold-institusjon-hjemme", "andel-f254", "andel-f253",
             "andel-f261", "andel-f234", "fordeling-utgifter", "rangering-gruppe", "alle-kommuner", "brukere-tjeneste",
             "brukere-alder", "budsjettavvik-enheter", "sykefravaer-enheter"]


def test_the_issues_figure_ids_are_registered():
    assert set(ISSUE_IDS) <= set(figures.FIGURES)
    for fid, spec in figures.FIGURES.items():
        assert spec.id == fid and spec.domain in ("kostra", "own", "projection", "age_adjusted") and spec.label


@pytest.mark.parametrize("figure_id", sorted(figures.FIGURES))
def test_every_figure_builds_for_a_default_selection(figure_id, kostra_sel, own_sel):
    spec = figures.FIGURES[figure_id]
    bundle = figures.build_figure(figure_id, own_sel if spec.domain == "own" else kostra_sel)
    assert bundle.figure_id == figure_id
    assert bundle.title and isinstance(bundle.fig, dict) and len(bundle.fig["data"]) >= 1
    assert bundle.source.startswith("Kilde: ")
    assert bundle.is_demo  # the embedded snapshot and the own demo files are demo data
    assert isinstance(bundle.table, pl.DataFrame) and bundle.table.height >= 1
    assert isinstance(bundle.download, pl.DataFrame) and bundle.download.height >= 1
    # the figure carries its own title for static exports
    assert bundle.title in go.Figure(bundle.fig).layout.title.text


@pytest.mark.parametrize("figure_id", sorted(figures.FIGURES))
def test_every_figure_is_exactly_what_plotly_validation_makes_of_it(figure_id, kostra_sel, own_sel):
    """core.charts builds figures from dicts without plotly's validation (for speed): a misspelt property, a
    shorthand plotly only expands when validating (`title="…"`, `font_family=`) or a value of the wrong type would
    reach the browser as it is. Validating the figure again must change nothing, for the titled figure (files,
    presentation) and for the screen figure (pages, /vis)."""
    spec = figures.FIGURES[figure_id]
    bundle = figures.build_figure(figure_id, own_sel if spec.domain == "own" else kostra_sel)
    for raw in (bundle.fig, charts.for_screen(bundle.fig)):
        assert go.Figure(raw).to_dict() == raw


def test_the_screen_figure_leaves_the_titled_figure_as_it_was(kostra_sel):
    bundle = figures.build_figure("rangering-gruppe", kostra_sel)
    before = orjson.dumps(bundle.fig)
    screen = go.Figure(charts.for_screen(bundle.fig))
    assert orjson.dumps(bundle.fig) == before and bundle.title in go.Figure(bundle.fig).layout.title.text
    assert not screen.layout.title.text and screen.layout.height < go.Figure(bundle.fig).layout.height


def test_kostra_source_line_names_table_update_time_and_edition(kostra_sel):
    # «dekning-80-pluss» is SSB's figure from 12209 (kostnad-hjemme is our calculation until SSB's code is confirmed)
    bundle = figures.build_figure("dekning-80-pluss", kostra_sel)
    assert bundle.source.startswith("Kilde: SSB, tabell 12209 (oppdatert ")
    assert "Tall for 2024 er reviderte" in bundle.source or "Tall for 2024 er ureviderte" in bundle.source


def test_takeaway_is_computed_from_the_figures_data(kostra_sel):
    bundle = figures.build_figure("kostnad-hjemme", kostra_sel)
    row = queries.overview("3909", 2024, ["home_care_cost_per_recipient"]).row(0, named=True)
    from dashboard.core import fmt
    assert fmt.kroner(row["value"]) in bundle.takeaway and fmt.kroner(row["group_value"]) in bundle.takeaway
    assert bundle.takeaway.startswith("Larvik brukte ") and row["group_name"] in bundle.takeaway


def test_the_registry_draws_with_the_pages_chart_functions(kostra_sel):
    bundle = figures.build_figure("kostnad-hjemme", kostra_sel)
    names = [t.name for t in go.Figure(bundle.fig).data]
    assert names[0] == "Larvik" and "KOSTRA-gruppen" in names  # charts.line_chart's series order


def test_unknown_figure_raises(kostra_sel):
    with pytest.raises(figures.UnknownFigure):
        figures.build_figure("finnes-ikke", kostra_sel)
    with pytest.raises(ValueError):
        figures.embed_url("<script>", kostra_sel)


def test_embed_url_format_and_round_trip(kostra_sel):
    from dashboard.kostra import ui as kostra_ui
    url = figures.embed_url("kostnad-hjemme", kostra_sel)
    assert url.startswith("/vis?figur=kostnad-hjemme&kommune=3909&sammenlign=")
    assert url.endswith("&fra=2017&til=2024&embed=true")
    params = parse_qs(urlsplit(url).query, keep_blank_values=True)
    assert kostra_ui.kostra_selection(params) == kostra_sel
    assert figures.embed_url("kostnad-hjemme", kostra_sel, base="https://kommune.no/") \
        .startswith("https://kommune.no/vis?figur=")


def test_own_embed_url_takes_unit_and_period(db_env):
    from dashboard.own import ui as own_ui
    sel = OwnSelection("alle", 2025, 6)
    url = figures.embed_url("sykefravaer-enheter", sel)
    assert url == "/vis?figur=sykefravaer-enheter&enhet=alle&periode=2025-06&embed=true"
    params = parse_qs(urlsplit(url).query)
    assert own_ui.own_selection(params, "sick-leave") == sel


def test_page_and_presentation_urls(kostra_sel):
    assert figures.page_url("andel-f254", kostra_sel).startswith("/institusjon-vs-hjemme?kommune=3909&")
    url = figures.presentation_url(["kostnad-hjemme", "andel-f254"], {"kommune": "3909", "sammenlign": "3907,4203"},
                                   side=2)
    assert url == "/presentasjon?figurer=kostnad-hjemme,andel-f254&kommune=3909&sammenlign=3907,4203&side=2"


def test_iframe_snippet_escapes_and_sizes():
    snippet = figures.iframe_snippet('/vis?figur=a&kommune=3909', 'Tittel "med" <tegn>')
    assert snippet.startswith('<iframe src="/vis?figur=a&amp;kommune=3909"')
    assert 'width="800" height="450"' in snippet and "&lt;tegn&gt;" in snippet and "&quot;med&quot;" in snippet


def test_screen_figure_has_no_plotly_title_or_source_but_keeps_the_demo_label(kostra_sel):
    bundle = figures.build_figure("kostnad-hjemme", kostra_sel)
    legend = charts.legend_items(bundle.fig)
    assert [i.name for i in legend][:2] == ["Larvik", go.Figure(bundle.fig).data[1].name]
    fig = go.Figure(charts.for_screen(bundle.fig))
    assert not fig.layout.title.text and fig.layout.showlegend is False
    texts = [a.text for a in fig.layout.annotations]
    assert not any(t.startswith("Kilde:") for t in texts)
    assert any("DEMODATA" in t for t in texts)
    fitted = go.Figure(charts.fit_height(fig, 260))
    assert fitted.layout.height == 260


def test_readme_lists_every_figure_id():
    from pathlib import Path
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    missing = [fid for fid in figures.FIGURES if f"`{fid}`" not in readme]
    assert not missing, missing


# ---------------------------------------------------------------- issue 23

NEW_FIGURES = {"kostnad-oppholdsdogn": ("kostnad-per-mottaker", "12209"),
               "andel-private-plasser": ("kostnad-per-mottaker", "12209"),
               "timer-helsetjenester-hjemme": ("brukere", "12292"),
               "omfattende-behov-80-pluss": ("brukere", "12292"),
               "hoy-timeinnsats": ("brukere", "12292"),
               "arsverk-per-bruker": ("brukere", "12209"),
               "andel-helseutdanning": ("brukere", "12209")}


@pytest.mark.parametrize("figure_id", sorted(NEW_FIGURES))
def test_the_analysts_figures_are_registered_on_their_page_with_their_table(figure_id, kostra_sel):
    page, table = NEW_FIGURES[figure_id]
    assert figures.FIGURES[figure_id].page == page
    bundle = figures.build_figure(figure_id, kostra_sel)
    assert f"tabell {table} (oppdatert " in bundle.source
    assert bundle.takeaway and "Larvik" in bundle.takeaway


def test_the_stand_in_figures_say_they_are_our_calculation_from_the_accounts(kostra_sel):
    """SSB's cost per recipient and f25x shares have unconfirmed codes in the catalogue: the figures show our
    calculation from 12367 and 12292, and their source line says so."""
    for figure_id in ("kostnad-hjemme", "andel-f254", "andel-f253", "andel-f261", "andel-f234", "fordeling-utgifter"):
        source = figures.build_figure(figure_id, kostra_sel).source
        assert "tabell 12367" in source and "tabell 12209" not in source, figure_id
        assert "Egen beregning" in source and "i stedet for SSBs eget tall" in source, figure_id
    assert "tabell 12292" in figures.build_figure("kostnad-hjemme", kostra_sel).source
