"""AppTest for /fremskriving: renders with its three charts, scenario controls round-trip through the URL, and a
municipality with a suppressed count gets an explanation instead of a zero."""
from __future__ import annotations

import html
import importlib.util
import json
import re
from pathlib import Path

import pytest
from apptest_pages import blocks, open_on_demand, seen  # noqa: E402 (tests/pages/apptest_pages.py)
from apptest_pages import open_page as open_app_page  # noqa: E402
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGE = "pages/fremskriving.py"
_spec = importlib.util.spec_from_file_location("tiny_db", ROOT / "tests" / "fixtures" / "projection" / "tiny_db.py")
tiny_db = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tiny_db)


def open_page(params: dict[str, str] | None = None) -> AppTest:
    return open_app_page(PAGE, params)


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def chart_titles(at: AppTest) -> list[str]:
    """Chart titles are HTML above each chart (dashboard/ui.figure_head_html)."""
    return [html.unescape(m) for el in blocks(at) for m in re.findall(r"data-testid='chart-title'>(.*?)</p>", el.value)]


def test_default_view(db_env):
    at = open_page()
    assert_clean(at)
    assert len(at.get("plotly_chart")) == 3
    titles = chart_titles(at)
    assert any("Innbyggere 67 år og over i Larvik" in t for t in titles)
    assert any("langtidsplasser" in t for t in titles) and any("Utgifter" in t for t in titles)
    assert not at.dataframe  # the tables are sent when their expander is opened
    open_on_demand(at, prefixes=("open-table-", "proj-coverage-open"))
    assert len(at.dataframe) == 4  # a table under every chart, and today's coverage behind the projection
    coverage = at.dataframe[3].value
    assert set(coverage["Region"]) == {"Larvik", "KOSTRA-gruppe 14"} and coverage.shape[0] == 16
    md = "\n".join(m.value for m in blocks(at))
    assert "Med dagens dekningsgrad får Larvik" in md and "mill.\u00a0kr høyere per år enn i dag (i dagens kroner)" in md
    assert "Slik er tallene regnet ut" in md and "Forutsetninger" in md
    assert "demo-label" in md  # Demodata label on the page
    assert dict(at.query_params) == {"kommune": "3909", "sammenlign": "3201,4204,3301,3203,3205", "fra": "2017",
                                     "til": "2024", "dekning80": "0", "hjemme": "0", "gruppe": "0",
                                     "kostvekst": "0"}


def test_url_scenario_is_reproduced(db_env):
    params = {"kommune": "4203", "dekning80": "-20", "hjemme": "10", "gruppe": "1", "kostvekst": "1.5"}
    at = open_page(params)
    assert_clean(at)
    assert at.selectbox(key="p_kommune").value == "4203"
    assert at.slider(key="p_dekning80").value == -20
    assert at.slider(key="p_hjemme").value == 10
    assert at.toggle(key="p_gruppe").value is True
    assert at.slider(key="p_kostvekst").value == 1.5
    assert {k: v for k, v in dict(at.query_params).items() if k in params} == params
    assert any("I scenarioet trenger Arendal" in m.value for m in blocks(at))
    users = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert len(users["data"]) == 4  # baseline beside the scenario, for both services


def test_changing_a_control_updates_the_url(db_env):
    at = open_page()
    at.slider(key="p_dekning80").set_value(-30).run()
    assert_clean(at)
    assert dict(at.query_params)["dekning80"] == "-30"
    at.toggle(key="p_gruppe").set_value(True).run()
    assert dict(at.query_params)["gruppe"] == "1" and dict(at.query_params)["dekning80"] == "-30"
    at.button(key="p_reset").click().run()
    assert dict(at.query_params)["dekning80"] == "0" and dict(at.query_params)["gruppe"] == "0"


@pytest.mark.parametrize("params", [
    {"dekning80": "<script>alert(1)</script>"},
    {"hjemme": "'; DROP TABLE observation;--"},
    {"kostvekst": "99", "gruppe": "x"},
    {"kommune": "abcd"},
])
def test_hostile_url_gives_warning_not_error(db_env, params):
    at = open_page(params)
    assert_clean(at)
    assert at.warning and len(at.get("plotly_chart")) == 3


def test_suppressed_count_is_explained(tmp_path, monkeypatch):
    monkeypatch.setenv("KOSTRA_DB", str(tiny_db.build_tiny(tmp_path / "tiny.duckdb")))
    at = open_page({"kommune": "9002"})
    assert_clean(at)
    warnings = "\n".join(seen(w.value) for w in at.warning)
    assert "Kan ikke beregne mottakere av helsetjenester i hjemmet for Skjulby" in warnings
    assert "vises ikke av personvernhensyn" in warnings
    assert not any("Med dagens dekningsgrad" in m.value for m in blocks(at))  # no takeaway from a partial sum


def test_municipality_without_projection_gets_a_sentence_not_empty_charts(tmp_path, monkeypatch):
    monkeypatch.setenv("KOSTRA_DB", str(tiny_db.build_tiny(tmp_path / "tiny.duckdb")))
    at = open_page({"kommune": "9003"})
    assert_clean(at)
    assert len(at.get("plotly_chart")) == 0
    assert any("har ingen tall for Utenby" in w.value for w in at.warning)


def test_embed_view_reads_the_scenario_from_the_link(db_env):
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in {"figur": "fremskriving-brukere", "kommune": "3909", "dekning80": "-20", "hjemme": "10",
                       "embed": "true"}.items():
        at.query_params[key] = value
    at.switch_page("pages/vis.py")
    at.run()
    assert_clean(at)
    assert len(at.get("plotly_chart")) == 1
    assert len(json.loads(at.get("plotly_chart")[0].proto.spec)["data"]) == 4
    assert any("I scenarioet trenger Larvik" in m.value for m in blocks(at))


def test_presentation_shows_a_projection_slide_with_the_scenario(db_env):
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in {"figurer": "fremskriving-befolkning,fremskriving-brukere", "kommune": "3909",
                       "hjemme": "20", "side": "2"}.items():
        at.query_params[key] = value
    at.switch_page("pages/presentasjon.py")
    at.run()
    assert_clean(at)
    assert len(at.get("plotly_chart")) == 1
    assert any("I scenarioet trenger Larvik" in m.value for m in blocks(at))
    assert dict(at.query_params)["side"] == "2"


def test_scenario_survives_menu_navigation_that_drops_the_query_string(db_env):
    at = open_page({"kommune": "4203", "dekning80": "-20", "hjemme": "10"})
    at.switch_page("pages/kostnad-per-mottaker.py")
    at.query_params.clear()  # what Streamlit's navigation menu does on a page switch
    at.run()
    assert dict(at.query_params)["kommune"] == "4203"
    at.switch_page(PAGE)
    at.query_params.clear()
    at.run()
    assert_clean(at)
    params = dict(at.query_params)
    assert params["kommune"] == "4203" and params["dekning80"] == "-20" and params["hjemme"] == "10"


def test_a_fraction_for_a_whole_number_knob_is_rounded_with_a_note_on_the_page(db_env):
    at = open_page({"kommune": "3909", "dekning80": "12.5", "hjemme": "٥"})
    assert_clean(at)
    assert at.slider(key="p_dekning80").value == 13 and dict(at.query_params)["dekning80"] == "13"
    notes = "\n".join(seen(w.value) for w in at.warning)
    assert "dekning80=12.5 er rundet til 13" in notes  # said, not silently 12
    assert "«٥» er ikke et tall (hjemme" in notes  # an Arabic-Indic digit is not a number here
