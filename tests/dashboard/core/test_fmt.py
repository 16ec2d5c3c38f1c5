"""Norwegian number formats, and SSB's symbols shown instead of a number (never 0)."""
from __future__ import annotations

from datetime import date

import pytest

from dashboard.core import fmt

NB = "\u00a0"
MINUS = "\u2212"


def test_kroner_uses_no_break_space_as_thousands_separator():
    assert fmt.kroner(1234567) == f"1{NB}234{NB}567{NB}kr"
    assert " " not in fmt.kroner(1234567)


def test_percent_uses_decimal_comma():
    assert fmt.percent(44.7) == f"44,7{NB}%"
    assert fmt.percent(44.66) == f"44,7{NB}%"


def test_number_with_decimals_and_thousands():
    assert fmt.number(1234.5, 1) == f"1{NB}234,5"
    assert fmt.number(999, 0) == "999"


def test_negative_numbers_use_the_minus_sign():
    assert fmt.number(-1234.5, 1) == f"{MINUS}1{NB}234,5"
    assert fmt.kroner(-2500) == f"{MINUS}2{NB}500{NB}kr"
    assert "-" not in fmt.kroner(-2500)


@pytest.mark.parametrize("status", [":", "..", ".", "..."])
def test_missing_value_shows_the_symbol_never_zero(status):
    assert fmt.number(None, 0, status=status) == status
    assert fmt.with_unit(None, "kr", 0, status=status) == status
    assert "0" not in fmt.with_unit(None, "%", 1, status=status)


def test_missing_value_without_status_shows_two_dots():
    assert fmt.number(None) == ".."
    assert fmt.number(float("nan")) == ".."


def test_status_meanings_are_norwegian():
    assert fmt.status_meaning(":") == "Vises ikke av personvernhensyn"
    assert fmt.status_meaning("..").startswith("Tallgrunnlag mangler")
    assert fmt.status_meaning(None) == ""


def test_units_without_suffix_and_with_suffix():
    assert fmt.with_unit(1200, "personer") == f"1{NB}200"
    assert fmt.with_unit(2.5, "ganger", 1) == f"2,5{NB}ganger"


def test_signed_change():
    assert fmt.signed(1234, "kr") == f"+1{NB}234{NB}kr"
    assert fmt.signed(-2.3, "%", 1) == f"{MINUS}2,3{NB}prosentpoeng"
    assert fmt.signed(None, "kr") == ""


def test_norwegian_date():
    assert fmt.norwegian_date(date(2020, 9, 2)) == "02.09.2020"
    assert fmt.norwegian_date("2025-06-15T08:00:00Z") == "15.06.2025"
    assert fmt.norwegian_date(None) == ""


def test_plotly_separators_are_decimal_comma_then_no_break_space():
    assert fmt.plotly_separators() == "," + NB


def test_compact_kroner_for_key_figure_cards():
    from dashboard.core.fmt import NBSP, compact_kroner
    assert compact_kroner(90_845_200_000.0) == f"90,8{NBSP}mrd.{NBSP}kr"
    assert compact_kroner(-1_500_000_000) == f"\u22121,5{NBSP}mrd.{NBSP}kr"
    assert compact_kroner(229_400_000) == f"229,4{NBSP}mill.{NBSP}kr"
    assert compact_kroner(999_999) == f"999{NBSP}999{NBSP}kr"
    assert compact_kroner(None) == ".."


def test_a_value_that_rounds_to_zero_has_no_minus_sign():
    assert fmt.number(-0.3, 0) == "0" and fmt.number(-0.04, 1) == "0,0" and fmt.number(-0.6, 0) == "\u22121"
