"""`referanse` and `aar` in the URL: round-trips, defaults, old codes, and hostile or out-of-range values."""
from __future__ import annotations

import pytest

from dashboard.age_adjusted.selection import COUNTRY, GROUP, AgeAdjustedError, AgeAdjustedSelection, parse
from dashboard.kostra.selection import Resolution, Selection

NAMES = {"3909": "Larvik", "4003": "Skien", "3905": "Tønsberg"}
YEARS = [2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024]
BASE = Selection("3909", ("4003",), 2017, 2024)


def resolve(code: str) -> Resolution | None:
    return {"0806": Resolution("0806", ("4003",), "Skien", "renumber")}.get(code)


def read(params, *, strict=False) -> AgeAdjustedSelection:
    return parse(params, selection=BASE, names=NAMES, resolve=resolve, years=YEARS, strict=strict)


def test_defaults_are_the_country_without_oslo_and_the_latest_year():
    sel = read({})
    assert (sel.reference, sel.year, sel.notices) == (COUNTRY, 2024, ())
    assert sel.query_params() == {**BASE.query_params(), "referanse": "landet-uten-oslo", "aar": "2024"}


@pytest.mark.parametrize("reference, year", [(COUNTRY, 2024), (GROUP, 2019), ("4003", 2016), ("3905", 2021)])
def test_round_trip(reference, year):
    sel = AgeAdjustedSelection(BASE, reference, year)
    again = read(sel.query_params())
    assert (again.reference, again.year, again.notices) == (reference, year, ())
    assert again.query_params() == sel.query_params()


def test_words_for_the_aggregates_are_read_in_any_case():
    assert read({"referanse": "GRUPPE"}).reference == GROUP
    assert read({"referanse": ["4003", "landet"]}).reference == COUNTRY  # the last value counts, as on the pages


def test_an_old_municipality_code_is_today_s_with_a_notice():
    sel = read({"referanse": "0806"})
    assert sel.reference == "4003" and "i dag 4003 Skien" in sel.notices[0]


@pytest.mark.parametrize("params, reference, year, fragment", [
    ({"referanse": "<script>alert(1)</script>"}, COUNTRY, 2024, "er ikke en referanse"),
    ({"referanse": "9999"}, COUNTRY, 2024, "Fant ingen kommune med nummer 9999"),
    ({"referanse": "3909"}, COUNTRY, 2024, "kan ikke sammenlignes med seg selv"),
    ({"aar": "1999"}, COUNTRY, 2016, "ikke 1999; viser 2016"),
    ({"aar": "2031"}, COUNTRY, 2024, "ikke 2031; viser 2024"),
    ({"aar": "20x4'; DROP TABLE x"}, COUNTRY, 2024, "er ikke et årstall"),
])
def test_hostile_or_out_of_range_values_are_corrected_and_explained(params, reference, year, fragment):
    sel = read(params)
    assert (sel.reference, sel.year) == (reference, year)
    assert len(sel.notices) == 1 and fragment in sel.notices[0]
    assert "<script>" not in sel.notices[0]


def test_strict_refuses_instead_of_correcting():
    with pytest.raises(AgeAdjustedError, match="seg selv"):
        read({"referanse": "3909"}, strict=True)
    with pytest.raises(AgeAdjustedError, match="ikke 2031"):
        read({"aar": "2031"}, strict=True)
    assert read({"referanse": "gruppe", "aar": "2020"}, strict=True).year == 2020


def test_notices_include_the_kostra_selection_s():
    base = Selection("3909", (), 2017, 2024, notices=("Kommunenummer 0712 er i dag 3909",))
    sel = parse({"aar": "1990"}, selection=base, names=NAMES, resolve=resolve, years=YEARS)
    assert sel.notices[0].startswith("Kommunenummer 0712") and "1990" in sel.notices[1]


@pytest.mark.parametrize("raw", ["٢٠٢٢", "２０２２", "20２2"])
def test_only_ascii_digits_are_a_year_or_a_code(raw):
    """`\\d` takes Arabic-Indic and full-width digits: never a year or a reference."""
    sel = read({"aar": [raw], "referanse": [raw.replace("2022", "4003").replace("٢٠٢٢", "٤٠٠٣")]})
    assert (sel.year, sel.reference) == (2024, COUNTRY) and len(sel.notices) == 2
    with pytest.raises(AgeAdjustedError):
        read({"aar": [raw]}, strict=True)
