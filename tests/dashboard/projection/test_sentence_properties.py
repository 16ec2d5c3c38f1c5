"""Property tests: the projection's sentences agree with the numbers its table prints (whole persons, million
kroner with one decimal), for any level, sign of change and rounding. Built on plain Projection values, no database."""
from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.projection import queries as projection
from dashboard.projection.scenario import Scenario
from sentence_numbers import number_before, numbers

users = st.floats(min_value=0, max_value=50_000, allow_nan=False)
costs = st.floats(min_value=0, max_value=5e9, allow_nan=False)


def make(values: dict[tuple[str, str, int], tuple[float, float]], scenario: Scenario = Scenario()):
    rows = pl.DataFrame(
        [{"scenario": sc, "service": sv, "year": y, "users": u, "cost": c, "missing": None, "cost_status": None}
         for (sc, sv, y), (u, c) in values.items()],
        schema={"scenario": pl.Utf8, "service": pl.Utf8, "year": pl.Int32, "users": pl.Float64,
                "cost": pl.Float64, "missing": pl.List(pl.Utf8), "cost_status": pl.Utf8})
    return projection.Projection(municipality="9001", name="Testby", population=pl.DataFrame(), rows=rows,
                                 base_year=2025, coverage_year=2024, group_name=None, scenario=scenario,
                                 is_demo=True)


def table_millions(kroner: float) -> float:
    return float(f"{kroner / 1e6:.1f}")


@settings(max_examples=300, deadline=None)
@given(users, users, costs, costs, costs, costs)
def test_cost_sentence_is_the_difference_of_the_printed_totals(u0, u1, h0, h1, l0, l1):
    p = make({("baseline", "home_care", 2025): (u0, h0), ("baseline", "home_care", 2035): (u1, h1),
              ("baseline", "long_term", 2025): (10, l0), ("baseline", "long_term", 2035): (10, l1)})
    text = projection.cost_takeaway(p)
    diff = table_millions(h1 + l1) - table_millions(h0 + l0)
    assert "øker med" not in text and "fram til" not in text
    if round(abs(diff)) == 0:
        assert "omtrent like store per år som i dag" in text
    else:
        assert number_before(text, "\u00a0mill.") == round(abs(diff))
        assert ("høyere" if diff > 0 else "lavere") in text
        assert "i 2035" in text and "per år enn i dag (i dagens kroner)." in text


@settings(max_examples=300, deadline=None)
@given(users, users, costs, costs)
def test_users_change_is_from_the_printed_whole_persons(u0, u1, c0, c1):
    p = make({("baseline", "home_care", 2025): (u0, c0), ("baseline", "home_care", 2035): (u1, c1),
              ("baseline", "long_term", 2025): (10, 0.0), ("baseline", "long_term", 2035): (10, 0.0)})
    text = projection.takeaway(p)
    now, then = round(u0), round(u1)
    if float(f"{u0:.0f}") == 0:
        assert text is None
        return
    now, then = float(f"{u0:.0f}"), float(f"{u1:.0f}")
    change = (then - now) / now * 100
    assert "helsetjenester i hjemmet" in text
    if round(abs(change)) == 0:
        assert "omtrent like mange" in text.split(", og")[0]
    else:
        assert number_before(text, "\u00a0% ") == round(abs(change))
        assert ("flere" if change > 0 else "færre") in text.split(", og")[0]


@settings(max_examples=300, deadline=None)
@given(users, users, costs, costs)
def test_scenario_sentence_is_the_difference_of_printed_places_and_millions(places_base, places_scen, cost_base,
                                                                           cost_scen):
    values = {}
    for sc, places, cost in (("baseline", places_base, cost_base), ("scenario", places_scen, cost_scen)):
        values[(sc, "long_term", 2035)] = (places, cost)
        values[(sc, "home_care", 2035)] = (100.0, 0.0)
        values[(sc, "long_term", 2025)] = (places, cost)
        values[(sc, "home_care", 2025)] = (100.0, 0.0)
    text = projection.scenario_takeaway(make(values, Scenario(home_instead_pct=10)))
    places = float(f"{places_scen:.0f}") - float(f"{places_base:.0f}")
    if places == 0:
        assert "like mange langtidsplasser" in text
    else:
        assert numbers(text.split(" i 2035 ")[1])[0] == abs(places)
        assert ("flere" if places > 0 else "færre") + " langtidsplasser" in text
    diff = table_millions(cost_scen) - table_millions(cost_base)
    if round(abs(diff)) == 0:
        assert "omtrent like store utgifter" in text
    else:
        assert number_before(text, "\u00a0mill.") == round(abs(diff))
        assert ("høyere" if diff > 0 else "lavere") + " per år" in text


@settings(max_examples=200, deadline=None)
@given(users, users, users, users)
def test_population_sentence_is_from_the_printed_counts(a0, b0, a1, b1):
    population = pl.DataFrame({"age_group": ["80-89", "90+", "80-89", "90+"], "age_order": [3, 4, 3, 4],
                               "year": [2025, 2025, 2040, 2040], "population": [a0, b0, a1, b1]})
    p = projection.Projection(municipality="9001", name="Testby", population=population, rows=pl.DataFrame(),
                              base_year=2025, coverage_year=2024, group_name=None, scenario=Scenario(), is_demo=True)
    text = projection.population_takeaway(p)
    first, last = float(f"{a0 + b0:.0f}"), float(f"{a1 + b1:.0f}")
    if first == 0:
        assert text is None
        return
    printed = numbers(text.split(": ")[1])
    assert printed[0] == first and printed[2] == last  # 1 234 i 2025, 1 567 i 2040
    change = (last - first) / first * 100
    if round(abs(change)) == 0:
        assert "omtrent like mange" in text
    else:
        assert number_before(text, "\u00a0% ") == round(abs(change))
        assert ("flere" if change > 0 else "færre") in text
