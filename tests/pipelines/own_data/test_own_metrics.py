"""The managers' formulas with the seeds' own figures."""
from __future__ import annotations

import math

import pytest

from pipelines.own_data.metrics import (
    budget_deviation, deviation_label, deviation_pct, economic_goal_attainment, goal_status, sick_leave_pct,
)


def test_2016_report_mindreforbruk_and_goal_attainment():
    dev = budget_deviation(115_874, 113_236)
    assert dev == 2_638
    assert deviation_label(dev) == "mindreforbruk"
    assert round(economic_goal_attainment(115_874, 113_236), 1) == 97.7
    assert round(deviation_pct(115_874, 113_236), 2) == 2.28


def test_overrun_is_merforbruk_above_100_percent():
    # the 2022 report: 101 % with merforbruk 1 439 000 kr
    dev = budget_deviation(143_900_000, 145_339_000)
    assert dev == -1_439_000
    assert deviation_label(dev) == "merforbruk"
    assert round(economic_goal_attainment(143_900_000, 145_339_000)) == 101


@pytest.mark.parametrize("budget,accounts", [(None, 1.0), (1.0, None), (math.nan, 1.0)])
def test_missing_figures_give_none(budget, accounts):
    assert budget_deviation(budget, accounts) is None
    assert economic_goal_attainment(budget, accounts) is None
    assert deviation_label(budget_deviation(budget, accounts)) == "ingen data"


def test_zero_budget_has_no_attainment():
    assert economic_goal_attainment(0, 10) is None
    assert deviation_pct(0, 10) is None
    assert deviation_label(0.0) == "i balanse"


@pytest.mark.parametrize("goal,result,hib,status", [
    (8.5, 10.31, False, "not_met"),   # the 2016 sick leave
    (8.5, 8.5, False, "met"),
    (8.5, 7.9, False, "met"),
    (67, 66, True, "not_met"),        # stillingsstørrelse
    (75, 73.8, True, "not_met"),
    (4.5, 4.5, True, "met"),
    (4.5, None, True, "no_data"),     # survey not carried out
    (None, 4.0, True, "no_data"),
    (4.5, math.nan, True, "no_data"),
])
def test_goal_status(goal, result, hib, status):
    assert goal_status(goal, result, hib) == status


def test_sick_leave_pct():
    assert sick_leave_pct(82.48, 800) == pytest.approx(10.31)
    assert sick_leave_pct(1, 0) is None
