"""The projection's arithmetic on a tiny known dataset (tests/fixtures/projection/tiny.json), with hand-computed
expected values, and what the page says where a figure is missing or suppressed."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboard.core import db
from dashboard.kostra import queries
from dashboard.projection import queries as projection
from dashboard.projection.scenario import Scenario

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "projection"
_spec = importlib.util.spec_from_file_location("tiny_db", FIXTURES / "tiny_db.py")
tiny_db = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tiny_db)


@pytest.fixture(scope="module")
def tiny_path(tmp_path_factory) -> Path:
    return tiny_db.build_tiny(tmp_path_factory.mktemp("tiny") / "tiny.duckdb")


@pytest.fixture
def tiny(tiny_path, monkeypatch) -> Path:
    monkeypatch.setenv("KOSTRA_DB", str(tiny_path))
    return tiny_path


def value(rows: pl.DataFrame, scenario: str, service: str, year: int, column: str = "users"):
    part = rows.filter((pl.col("scenario") == scenario) & (pl.col("service") == service) & (pl.col("year") == year))
    assert part.height == 1
    return part[column][0]


# Testby 9001, coverage 2024 (users / population 1.1.2025 per age group):
#   home care  0-66: 10/1000 = 0.01, 67-79: 20/200 = 0.1, 80-89: 30/100 = 0.3, 90+: 10/20 = 0.5
#   long-term  0-66:  1/1000 = 0.001, 67-79: 2/200 = 0.01, 80-89: 10/100 = 0.1, 90+: 6/20 = 0.3
# population 2035: 1000, 300, 200, 50; unit costs 200 000 kr (home), 1 000 000 kr (place)

def test_population_is_summed_into_age_groups(tiny):
    pop = projection.population("9001", 2040)
    row = pop.filter((pl.col("year") == 2035)).sort("age_order")
    assert row["age_group"].to_list() == ["0-66", "67-79", "80-89", "90+"]
    assert row["population"].to_list() == [1000, 300, 200, 50]
    assert set(pop["year"].to_list()) == {2025, 2030, 2035}  # to_year cuts 2045 off
    assert pop["base_year"].unique().to_list() == [2025]


def test_baseline_today_and_2035(tiny):
    rows = projection.scenario_rows("9001", Scenario())
    assert value(rows, "baseline", "home_care", 2025) == pytest.approx(70)      # 10 + 20 + 30 + 10
    assert value(rows, "baseline", "long_term", 2025) == pytest.approx(19)      # 1 + 2 + 10 + 6
    assert value(rows, "baseline", "home_care", 2035) == pytest.approx(125)     # 10 + 30 + 60 + 25
    assert value(rows, "baseline", "long_term", 2035) == pytest.approx(39)      # 1 + 3 + 20 + 15
    assert value(rows, "baseline", "home_care", 2035, "cost") == pytest.approx(25_000_000)  # 125 × 200 000
    assert value(rows, "baseline", "long_term", 2035, "cost") == pytest.approx(39_000_000)  # 39 × 1 000 000
    # with every control at zero the scenario is the baseline
    assert value(rows, "scenario", "home_care", 2035) == pytest.approx(125)


def test_coverage_80_plus_change(tiny):
    rows = projection.scenario_rows("9001", Scenario(coverage_80_change_pct=-10))
    assert value(rows, "scenario", "home_care", 2035) == pytest.approx(116.5)   # 10 + 30 + 54 + 22.5
    assert value(rows, "scenario", "long_term", 2035) == pytest.approx(35.5)    # 1 + 3 + 18 + 13.5
    assert value(rows, "baseline", "home_care", 2035) == pytest.approx(125)     # baseline drawn beside, unchanged


def test_share_of_residents_served_at_home(tiny):
    rows = projection.scenario_rows("9001", Scenario(home_instead_pct=10))
    assert value(rows, "scenario", "long_term", 2035) == pytest.approx(35.1)    # 39 × 0.9
    assert value(rows, "scenario", "home_care", 2035) == pytest.approx(128.9)   # 125 + 3.9
    assert value(rows, "scenario", "long_term", 2035, "cost") == pytest.approx(35_100_000)
    assert value(rows, "scenario", "home_care", 2035, "cost") == pytest.approx(25_780_000)


def test_kostra_group_coverage_instead_of_own(tiny):
    # group: users 40, 40, 40, 20 over population 2000, 400, 200, 50 (9001 + 9002) = 0.02, 0.1, 0.2, 0.4
    rows = projection.scenario_rows("9001", Scenario(use_group_coverage=True))
    assert value(rows, "scenario", "home_care", 2035) == pytest.approx(110)     # 20 + 30 + 40 + 20
    assert value(rows, "scenario", "long_term", 2035) == pytest.approx(39)      # group 2, 4, 20, 15 → same rates


def test_unit_cost_growth_counts_from_the_year_the_unit_cost_is_from(tiny):
    # the unit cost is the coverage year's (2024): the base year 2025 already carries one year of growth
    rows = projection.scenario_rows("9001", Scenario(cost_growth_pct=2.0))
    assert value(rows, "scenario", "home_care", 2035, "cost") == pytest.approx(25_000_000 * 1.02 ** 11)
    assert value(rows, "scenario", "home_care", 2025, "cost") == pytest.approx(14_000_000 * 1.02)
    assert value(rows, "baseline", "home_care", 2035, "cost") == pytest.approx(25_000_000)


def test_scenarios_combine_in_the_documented_order(tiny):
    # group coverage, then 80+ −10 %, then 10 % of residents at home
    rows = projection.scenario_rows("9001", Scenario(-10, 10, True, 0.0))
    long_term = 1 + 3 + 200 * 0.1 * 0.9 + 50 * 0.3 * 0.9      # 35.5
    home = 20 + 30 + 200 * 0.2 * 0.9 + 50 * 0.4 * 0.9         # 104
    assert value(rows, "scenario", "long_term", 2035) == pytest.approx(long_term * 0.9)
    assert value(rows, "scenario", "home_care", 2035) == pytest.approx(home + long_term * 0.1)


def test_takeaway_sentence(tiny):
    p = projection.project("9001", Scenario())
    # home care 70 → 125 (+78.6 %); cost (14 + 19) → (25 + 39) million kr: +31 million
    assert projection.takeaway(p) == (
            "Med dagens dekningsgrad får Testby 79\u00a0% flere mottakere av helsetjenester i hjemmet i 2035 enn i "
        "dag, og utgiftene til helsetjenester i hjemmet og langtidsplasser er da 31\u00a0mill.\u00a0kr høyere per "
        "år enn i dag (i dagens kroner).")
    assert projection.scenario_takeaway(p) is None


def test_scenario_takeaway(tiny):
    p = projection.project("9001", Scenario(home_instead_pct=10))
    # 2035: places 39 → 35.1 (3.9 fewer); cost 64 → 60.88 million kr
    assert projection.scenario_takeaway(p) == (
        "I scenarioet trenger Testby i 2035 4 færre langtidsplasser og utgifter 3\u00a0mill.\u00a0kr lavere per år "
        "(helsetjenester i hjemmet +1\u00a0mill.\u00a0kr, langtidsplasser \u22124\u00a0mill.\u00a0kr) enn med "
        "dagens dekningsgrad.")  # the two services move different ways: each is named, and they add up to −3


def test_suppressed_count_is_explained_not_drawn_as_zero(tiny):
    p = projection.project("9002", Scenario())
    assert value(p.rows, "baseline", "home_care", 2035) is None
    assert value(p.rows, "baseline", "home_care", 2035, "missing").to_list() == ["90+|:|users"]
    texts = projection.missing_explanations(p)
    home = next(t for t in texts if "mottakere av helsetjenester i hjemmet" in t)
    assert "Skjulby" in home and "90 år og over («:»: vises ikke av personvernhensyn)" in home
    # names the count that is missing: the users of 2024, not the population
    assert "antall mottakere av helsetjenester i hjemmet 31.12.2024 mangler for 90 år og over" in home
    frame = projection.users_frame(p)
    home_line = frame.filter(pl.col("series").str.starts_with("Mottakere av helsetjenester i hjemmet"))
    assert home_line["value"].null_count() == home_line.height      # a gap, never 0
    assert set(home_line["status"].to_list()) == {":"}
    assert projection.takeaway(p) is None


def test_missing_unit_cost_is_explained(tiny):
    p = projection.project("9002", Scenario())
    assert value(p.rows, "baseline", "long_term", 2035) == pytest.approx(1 + 2.4 + 14 + 12)  # 240×.01, 140×.1, 40×.3
    assert value(p.rows, "baseline", "long_term", 2035, "cost") is None
    assert any("kostnad per institusjonsplass for 2024 mangler («..»" in t for t in projection.missing_explanations(p))
    cost = projection.cost_frame(p)
    assert cost["value"].null_count() == cost.height and cost["status"].drop_nulls().len() == cost.height


def test_group_coverage_suppressed_member_not_summed(tiny):
    cov = projection.coverage("9002")
    own = cov.filter((pl.col("role") == "selected") & (pl.col("service") == "home_care") & (pl.col("age_group") == "90+"))
    assert own["coverage"][0] is None and own["status"][0] == ":"
    group = cov.filter((pl.col("role") == "group") & (pl.col("service") == "home_care") & (pl.col("age_group") == "90+"))
    assert group["coverage"][0] == pytest.approx(20 / 50)


def test_projection_years_do_not_extend_the_year_slider(tiny):
    assert queries._year_range() == (2024, 2024)


def test_figures_have_tables_and_our_calculation_label(tiny):
    p = projection.project("9001", Scenario(coverage_80_change_pct=-20))
    for fig in (projection.population_figure(p), projection.users_figure(p), projection.cost_figure(p)):
        assert fig.table.height > 0 and fig.download.height > 0
        assert "Egen beregning på SSBs tall" in go.Figure(fig.fig).layout.annotations[0].text
    assert "hovedalternativet (MMMM), publisert 12.06.2025" in projection.source_line(p)
    users = projection.users_figure(p)
    assert {t.name for t in go.Figure(users.fig).data} == {
        "Mottakere av helsetjenester i hjemmet – dagens dekningsgrad", "Mottakere av helsetjenester i hjemmet – scenario",
        "Langtidsplasser i institusjon – dagens dekningsgrad", "Langtidsplasser i institusjon – scenario"}
    colours = {t.name: (t.line.color, t.line.dash) for t in go.Figure(users.fig).data}
    assert len(set(colours.values())) == 4  # each line its own style: services apart, baseline dashed beside
    assert colours["Mottakere av helsetjenester i hjemmet – dagens dekningsgrad"][1] == "dash"
    cost = projection.cost_figure(p)
    assert go.Figure(cost.fig).layout.yaxis.rangemode == "tozero"


def test_coverage_table_shows_the_symbol_not_zero(tiny):
    table = projection.coverage_table(projection.project("9002", Scenario()))
    row = table.filter((pl.col("Aldersgruppe") == "90 år og over") & pl.col("Tjeneste").str.starts_with("Hjemme"))
    assert row["Region"].to_list() == ["Skjulby", "KOSTRA-gruppe 99"]
    assert row["Brukere"].to_list() == [":", "20"] and row["Dekningsgrad"].to_list() == [":", "40,00\u00a0%"]


def test_municipality_without_projection_says_so(tiny):
    p = projection.project("9003", Scenario())
    assert not p.has_data and p.rows.is_empty()
    assert projection.missing_explanations(p) == [
        "Befolkningsframskrivingen (SSB tabell 14746) har ingen tall for Utenby, så behovet kan ikke framskrives."]
    assert projection.takeaway(p) is None and projection.scenario_takeaway(p) is None


def test_population_and_cost_takeaways(tiny):
    p = projection.project("9001", Scenario())
    # 80+: 100 + 20 = 120 in 2025, 200 + 50 = 250 in 2035 (+108 %)
    assert projection.population_takeaway(p) == (
        "Innbyggere 80 år og over i Testby: 120 i 2025, 250 i 2035 (108\u00a0% flere).")
    assert projection.cost_takeaway(p) == (
        "Med dagens dekningsgrad er utgiftene til helsetjenester i hjemmet og langtidsplasser i Testby i 2035 "
        "31\u00a0mill.\u00a0kr høyere per år enn i dag (i dagens kroner).")
    assert projection.cost_takeaway(projection.project("9002", Scenario())) is None


def test_cached_population_figure_is_fresh_each_time(tiny):
    p = projection.project("9001", Scenario())
    first = projection.cached_population_figure(p)
    first.fig["layout"]["height"] = 123  # what the screen helpers do to a figure's dict in place
    second = projection.cached_population_figure(p)
    assert second.fig is not first.fig and second.fig["layout"]["height"] != 123
    assert second.fig["data"] == projection.population_figure(p).fig["data"]


# ------------------------------------------------------------------ issue 16: the projection with real tables


@pytest.fixture(scope="module")
def spring_path(tmp_path_factory) -> Path:
    """A projection edition (base year 2025) that came before the user counts for 2024: the latest counts are for
    2023, when Testby still had its old code 8001 (renumbered to 9001 since)."""
    return tiny_db.build_tiny(tmp_path_factory.mktemp("spring") / "tiny.duckdb", users_year=2023,
                              renumbered={"8001": "9001"})


def test_a_new_projection_edition_uses_the_latest_published_users(spring_path, monkeypatch):
    monkeypatch.setenv("KOSTRA_DB", str(spring_path))
    cov = projection.coverage("9001")
    assert set(cov["coverage_year"].to_list()) == {2023}
    own = cov.filter((pl.col("role") == "selected") & (pl.col("service") == "home_care"))
    assert own.filter(pl.col("age_group") == "80-89")["coverage"][0] == pytest.approx(30 / 100)
    # the group's members follow the renumbering 8001 -> 9001 through region_lineage
    group = cov.filter((pl.col("role") == "group") & (pl.col("service") == "home_care") & (pl.col("age_group") == "90+"))
    assert group["coverage"][0] == pytest.approx(20 / 50)
    p = projection.project("9001", Scenario())
    assert (p.coverage_year, p.population_year) == (2023, 2025)
    assert value(p.rows, "baseline", "home_care", 2025) is not None, "the page is not emptied by a new edition"
    fig = projection.users_figure(p)
    assert "dagens dekningsgrad (2023)" in fig.subtitle
    assert "(2023, innbyggere 1.1.2025)" in projection.source_line(p)


def test_a_group_with_a_member_missing_has_no_sum_and_says_so(tmp_path, monkeypatch):
    path = tiny_db.build_tiny(tmp_path / "tiny.duckdb", extra_members=("9003",))  # 9003: not in the projection
    monkeypatch.setenv("KOSTRA_DB", str(path))
    cov = projection.coverage("9001")
    group = cov.filter(pl.col("role") == "group")
    assert group.height and group["population"].null_count() == group.height
    assert set(group["status"].to_list()) == {".."} and group["coverage"].null_count() == group.height
    p = projection.project("9001", Scenario(use_group_coverage=True))
    scen = p.rows.filter(pl.col("scenario") == "scenario")
    assert scen["users"].null_count() == scen.height, "never a partial sum"
    sentences = " ".join(projection.missing_explanations(p))
    assert "dekningsgraden i KOSTRA-gruppe 99 for 2024 mangler" in sentences, "a sentence says why"


def test_demo_user_counts_make_the_users_and_cost_figures_demo(tmp_path, monkeypatch):
    path = tiny_db.build_tiny(tmp_path / "tiny.duckdb", demo_users=True)
    monkeypatch.setenv("KOSTRA_DB", str(path))
    p = projection.project("9001", Scenario())
    assert p.is_demo is False  # the projected population is real
    assert p.users_is_demo and p.cost_is_demo
    assert projection.users_figure(p).download["Datagrunnlag"].unique().to_list() == ["Demodata"]


def test_cached_population_figure_survives_another_session_clearing_the_cache(tiny, monkeypatch):
    """Another session may clear the shared cache between storing a figure and reading it back: the figure built
    in this call is returned all the same (a second lookup raised KeyError)."""
    from dashboard.core import cache

    def stored_then_cleared(*args, **kwargs):  # stored, then cleared by a concurrent session before it is read
        cache.working.clear()
        return True

    monkeypatch.setattr(cache.working, "put", stored_then_cleared)  # the figure is kept in the working part
    p = projection.project("9001", Scenario())
    figure = projection.cached_population_figure(p)
    assert figure.fig["data"] == projection.population_figure(p).fig["data"]


def _frames_alike(kept: pl.DataFrame, live: pl.DataFrame) -> bool:
    """The same rows in the same order; floating-point sums to the last bit (the stored rows were summed in one
    query for every municipality)."""
    if kept.schema != live.schema or kept.height != live.height:
        return False
    floats = [c for c, t in live.schema.items() if t == pl.Float64]
    if not kept.drop(floats).equals(live.drop(floats)):
        return False
    return all(kept[c].is_null().equals(live[c].is_null())
               and ((kept[c] - live[c]).abs() <= live[c].abs() * 1e-12).all(ignore_nulls=True) for c in floats)


@pytest.mark.parametrize("to_year", [projection.HORIZON, 2030])
def test_the_baseline_is_read_from_the_store_and_equals_the_projection_computed_now(db_env, monkeypatch, to_year):
    """Every municipality's page opens in the baseline scenario, stored at build; any other scenario is computed
    when asked. The stored rows are the rows the scenario query gives for no change, up to any horizon."""
    asked = []
    real_query = db.query
    monkeypatch.setattr(db, "query", lambda name, params=None, **k: asked.append(name) or real_query(name, params, **k))
    for municipality in ("3909", "0301", "5001", "1508", "4601"):
        kept = projection.scenario_rows(municipality, Scenario(), to_year)
        live = real_query("projection_scenario", {"municipality": municipality, "to_year": to_year,
                                                  **Scenario().sql_params()})
        assert kept.height > 0 and _frames_alike(kept, live)
    assert set(asked) == {"projection_baseline_stored"}
    projection.scenario_rows("3909", Scenario(home_instead_pct=10))
    assert asked[-1] == "projection_scenario"


def test_the_stored_baseline_on_the_tiny_dataset_is_the_hand_computed_one(tiny, monkeypatch):
    asked = []
    real_query = db.query
    monkeypatch.setattr(db, "query", lambda name, params=None, **k: asked.append(name) or real_query(name, params, **k))
    rows = projection.scenario_rows("9001", Scenario())
    assert asked == ["projection_baseline_stored"]
    # home care 2035: 1000 x 0.01 + 300 x 0.1 + 200 x 0.3 + 50 x 0.5 = 125 users
    assert value(rows, "baseline", "home_care", 2035) == pytest.approx(125)
    live = real_query("projection_scenario", {"municipality": "9001", "to_year": projection.HORIZON,
                                              **Scenario().sql_params()})
    assert _frames_alike(rows, live)


def test_the_page_texts_are_kept_and_the_projection_only_in_the_working_part(tiny, monkeypatch):
    from dashboard.core import cache
    projection.page_texts.cache_clear()
    texts = projection.page_texts("9001", Scenario())
    p = projection.project("9001", Scenario())
    assert (texts.name, texts.has_data, texts.coverage_year) == (p.name, p.has_data, p.coverage_year)
    assert texts.source == projection.source_line(p) and texts.method == projection.method_text(p)
    assert texts.missing == tuple(projection.missing_explanations(p))
    assert any(key[0].endswith(".project") for key in cache.working.keys())
    assert not any(key[0].endswith(".project") for key in cache.results.keys())
    cache.working.clear()  # a later view reads the texts without the projection
    monkeypatch.setattr(projection, "scenario_rows", lambda *a, **k: (_ for _ in ()).throw(AssertionError("rebuilt")))
    assert projection.page_texts("9001", Scenario()) is texts
