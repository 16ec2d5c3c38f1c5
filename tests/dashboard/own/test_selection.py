"""URL selection for the managers' pages (`enhet`, `periode`): hostile input gives a short Norwegian notice and a
sensible default, never an exception."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.own.selection import ALL_UNITS, OwnSelection, clean, parse

UNITS = {"3110": "Hjemmetjenesten sone Nord", "3210": "Solheim sykehjem", "HS-A": "Hjemmesykepleien A"}
YEARS = [2023, 2024, 2025]


def sel(params, **kw):
    return parse(params, units=UNITS, years=YEARS, **kw)


def test_defaults_without_params():
    s = sel({})
    assert (s.unit, s.year, s.month, s.notices) == (ALL_UNITS, 2025, None, ())
    assert s.query_params() == {"enhet": "alle", "periode": "2025"}
    assert s.to_month == 12 and s.period_label() == "2025"


def test_default_year_to_date_when_latest_year_is_incomplete():
    s = sel({}, default_year=2025, default_month=6)
    assert (s.year, s.month, s.period) == (2025, 6, "2025-06")
    assert s.period_label() == "januar–juni 2025"


def test_valid_unit_and_year_to_date():
    s = sel({"enhet": "3210", "periode": "2024-06"})
    assert (s.unit, s.year, s.month, s.notices) == ("3210", 2024, 6, ())
    assert s.query_params() == {"enhet": "3210", "periode": "2024-06"}


def test_month_twelve_is_the_whole_year_and_single_digit_month_is_accepted():
    assert sel({"periode": "2024-12"}).period == "2024"
    assert sel({"periode": "2024-3"}).period == "2024-03"


def test_unit_code_is_matched_case_insensitively_and_list_values_use_the_last():
    assert sel({"enhet": "hs-a"}).unit == "HS-A"
    assert sel({"enhet": ["3110", "3210"]}).unit == "3210"


@pytest.mark.parametrize("raw", ["9999", "ukjent", "3110x"])
def test_unknown_unit(raw):
    s = sel({"enhet": raw})
    assert s.unit == ALL_UNITS
    assert len(s.notices) == 1 and "Fant ingen enhet" in s.notices[0] and "alle enheter" in s.notices[0]


@pytest.mark.parametrize("raw", ["<script>alert(1)</script>", "3110' OR '1'='1", "3110; DROP TABLE own_unit;--",
                                 "../../etc/passwd", "a" * 500, "\x00\x1b[31m", "💣"])
def test_hostile_unit_is_refused_with_a_safe_echo(raw):
    s = sel({"enhet": raw})
    assert s.unit == ALL_UNITS
    assert len(s.notices) == 1
    notice = s.notices[0]
    assert "<" not in notice and ">" not in notice and "\x00" not in notice and "\x1b" not in notice
    assert len(notice) < 160


@pytest.mark.parametrize("raw, expected_year, text", [
    ("abc", 2025, "er ikke en periode"),
    ("<script>", 2025, "er ikke en periode"),
    ("2025-06'; DROP TABLE x;--", 2025, "er ikke en periode"),
    ("2025-13", 2025, "Måned 13 finnes ikke"),
    ("2024-00", 2024, "Måned 0 finnes ikke"),
    ("1899", 2023, "bare egne tall for 2023–2025"),
    ("2999-05", 2025, "bare egne tall for 2023–2025"),
    ("20255", 2025, "er ikke en periode"),
    ("-2025", 2025, "er ikke en periode"),
    ("٢٠٢٤-٠٦", 2025, "er ikke en periode"),  # Arabic-Indic digits: \d would read them as 2024-06
])
def test_hostile_or_impossible_period(raw, expected_year, text):
    s = sel({"periode": raw})
    assert s.year == expected_year
    assert s.month is None
    assert len(s.notices) == 1 and text in s.notices[0]
    assert "<" not in s.notices[0]


def test_year_in_a_gap_picks_the_nearest_year():
    s = parse({"periode": "2021"}, units=UNITS, years=[2019, 2022, 2025])
    assert s.year == 2022 and "viser 2022" in s.notices[0]


def test_scorecard_needs_one_unit():
    s = sel({"enhet": "alle"}, allow_all=False)
    assert s.unit == "3110" and "én enhet" in s.notices[0]
    assert sel({}, allow_all=False).unit == "3110"
    assert sel({"enhet": "<b>"}, allow_all=False).unit == "3110"
    assert sel({}, allow_all=False, default_unit="3210").unit == "3210"


def test_no_own_data_at_all():
    s = parse({"enhet": "3110", "periode": "2025"}, units={}, years=[])
    assert s.year is None and s.unit == ALL_UNITS
    assert s.query_params() == {"enhet": "alle"}
    assert s.period_label() == ""


def test_clean_strips_markup_and_cuts():
    assert clean("<b>x</b>") == "bx/b"
    assert clean("x" * 100).endswith("…") and len(clean("x" * 100)) == 41


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["enhet", "periode", "annet"]),
                       st.one_of(st.text(max_size=60), st.lists(st.text(max_size=20), max_size=3))))
def test_any_input_gives_a_valid_selection(params):
    s = sel(params)
    assert s.unit == ALL_UNITS or s.unit in UNITS
    assert s.year in YEARS
    assert s.month is None or 1 <= s.month <= 11
    assert all(isinstance(n, str) and "<" not in n and len(n) < 300 for n in s.notices)
    again = sel(s.query_params())
    assert again == s and again.notices == ()


def test_selection_round_trips_through_query_params():
    s = OwnSelection("3110", 2024, 6)
    assert sel(s.query_params()) == s
