"""The projection scenario in the URL: round-trips, defaults, and hostile or out-of-range values."""
from __future__ import annotations

import pytest

from dashboard.projection.scenario import Scenario, parse


@pytest.mark.parametrize("scenario", [
    Scenario(),
    Scenario(-20, 10, True, 1.5),
    Scenario(50, 0, False, -3.0),
    Scenario(-50, 50, True, 5.0),
])
def test_round_trip(scenario):
    params = scenario.query_params()
    assert all(isinstance(v, str) for v in params.values())
    again = parse(params)
    assert again == scenario and again.notices == ()
    assert again.query_params() == params


def test_missing_keys_mean_the_baseline():
    assert parse({}) == Scenario() and parse({}).is_baseline
    assert not Scenario(home_instead_pct=5).is_baseline


def test_lists_and_norwegian_decimal_comma_are_read():
    assert parse({"kostvekst": ["0", "1,5"], "dekning80": "−20"}) == Scenario(-20, 0, False, 1.5)


@pytest.mark.parametrize("params, expected, fragment", [
    ({"dekning80": "<script>alert(1)</script>"}, Scenario(), "er ikke et tall"),
    ({"hjemme": "10; DROP TABLE observation"}, Scenario(), "er ikke et tall"),
    ({"dekning80": "-90"}, Scenario(coverage_80_change_pct=-50), "endret til -50"),
    ({"hjemme": "80"}, Scenario(home_instead_pct=50), "endret til 50"),
    ({"kostvekst": "12"}, Scenario(cost_growth_pct=5.0), "endret til 5"),
    ({"gruppe": "ja"}, Scenario(), "er ikke 0 eller 1"),
])
def test_hostile_or_out_of_range_values_are_corrected_and_explained(params, expected, fragment):
    scenario = parse(params)
    assert scenario == expected
    assert len(scenario.notices) == 1 and fragment in scenario.notices[0]
    assert "<script>" not in scenario.notices[0]


def test_sql_params_are_numbers_not_text():
    assert Scenario(-20, 10, True, 1.5).sql_params() == {
        "coverage_80_change_pct": -20.0, "home_instead_pct": 10.0, "use_group_coverage": True,
        "cost_growth_pct": 1.5}


def test_projection_selection_carries_both_in_its_link():
    from dashboard.kostra.selection import Selection
    from dashboard.projection.scenario import ProjectionSelection
    sel = ProjectionSelection(Selection("3909", ("3907",), 2017, 2024, notices=("a",)),
                              parse({"dekning80": "-20", "gruppe": "x"}))
    assert sel.municipality == "3909"
    assert sel.query_params() == {"kommune": "3909", "sammenlign": "3907", "fra": "2017", "til": "2024",
                                  "dekning80": "-20", "hjemme": "0", "gruppe": "0", "kostvekst": "0"}
    assert sel.notices[0] == "a" and "er ikke 0 eller 1" in sel.notices[1]
    assert parse(sel.query_params()) == sel.scenario


def test_fraction_for_a_whole_number_knob_is_rounded_with_a_notice():
    scenario = parse({"dekning80": "12.5", "hjemme": "7,4"})
    assert scenario == Scenario(coverage_80_change_pct=13, home_instead_pct=7)
    assert len(scenario.notices) == 2
    assert "dekning80=12.5 er rundet til 13" in scenario.notices[0] and "helt tall" in scenario.notices[0]
    assert "hjemme=7,4 er rundet til 7" in scenario.notices[1]
    assert parse({"dekning80": "-12.5"}).coverage_80_change_pct == -13  # half away from zero on both sides
    assert parse({"dekning80": "10.0"}) == Scenario(coverage_80_change_pct=10)  # a whole number: no notice
    assert parse({"dekning80": "10.0"}).notices == ()
    assert parse({"kostvekst": "1.25"}).cost_growth_pct == 1.25  # not a whole-number knob: kept


def test_strict_parsing_refuses_a_fraction_for_a_whole_number_knob():
    from dashboard.projection.scenario import ScenarioError
    with pytest.raises(ScenarioError, match=r"helt tall; dekning80=12\.5 har desimaler"):
        parse({"dekning80": "12.5"}, strict=True)
    assert parse({"dekning80": "12"}, strict=True) == Scenario(coverage_80_change_pct=12)


@pytest.mark.parametrize("raw", ["١٢", "１２", "1\u0662", "٣"])
def test_only_ascii_digits_are_numbers(raw):
    scenario = parse({"dekning80": raw})
    assert scenario == Scenario() and "er ikke et tall" in scenario.notices[0]
    from dashboard.projection.scenario import ScenarioError
    with pytest.raises(ScenarioError):
        parse({"hjemme": raw}, strict=True)
