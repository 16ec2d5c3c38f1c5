"""selection.parse: every hostile or historical URL gives a valid selection plus a Norwegian notice."""
from __future__ import annotations

import pytest

from dashboard.kostra.selection import MAX_COMPARISONS, Resolution, Selection, parse

NAMES = {"3909": "Larvik", "3907": "Sandefjord", "4203": "Arendal", "1579": "Hustadvika", "3201": "Bærum",
         "3301": "Drammen", "4204": "Kristiansand", "3203": "Asker", "3205": "Lillestrøm", "5001": "Trondheim"}
HISTORY = {
    "0712": Resolution("0712", ("3909",), "Larvik", "renumber"),
    "3805": Resolution("3805", ("3909",), "Larvik", "renumber"),
    "1548": Resolution("1548", ("1579",), "Fræna", "merge"),
}


def fake_resolve(code: str) -> Resolution | None:
    if code in HISTORY:
        return HISTORY[code]
    if code in NAMES:
        return Resolution(code, (code,), NAMES[code], "self")
    return None


def run(params: dict) -> Selection:
    return parse(params, resolve=fake_resolve, names=NAMES, default_municipality="3909",
                 default_comparisons=lambda code: ["3201", "4204", code, "3301"], first_year=2015, last_year=2024)


def test_empty_params_give_defaults_without_notices():
    sel = run({})
    assert sel == Selection("3909", ("3201", "4204", "3301"), 2017, 2024)
    assert sel.notices == ()


def test_valid_selection_is_kept_exactly():
    sel = run({"kommune": ["4203"], "sammenlign": ["3907,3201"], "fra": ["2016"], "til": ["2023"]})
    assert (sel.municipality, sel.comparisons, sel.from_year, sel.to_year) == ("4203", ("3907", "3201"), 2016, 2023)
    assert sel.notices == ()


@pytest.mark.parametrize("hostile", [
    "9999", "abcd", "<script>alert(1)</script>", "3805'; DROP TABLE region;--", "38 05", "", "03805", "-1",
    "١٢٣٤",  # Arabic-Indic digits: \d would accept them, a municipality code must not
])
def test_hostile_municipality_falls_back_to_default_with_notice(hostile):
    sel = run({"kommune": hostile})
    assert sel.municipality == "3909"
    if hostile:
        assert sel.notices, "a rejected code must be explained"
        assert any("Viser Larvik i stedet" in n for n in sel.notices)
    for notice in sel.notices:
        assert "<" not in notice and ">" not in notice
        assert len(notice) < 200


def test_script_tag_is_not_echoed_as_markup():
    sel = run({"kommune": "<script>alert(1)</script>"})
    assert "er ikke et kommunenummer" in sel.notices[0]
    assert "<script>" not in " ".join(sel.notices)


def test_sql_fragment_is_rejected_before_reaching_the_resolver():
    seen = []

    def spy(code):
        seen.append(code)
        return fake_resolve(code)

    sel = parse({"kommune": "3805'; DROP TABLE region;--"}, resolve=spy, names=NAMES, default_municipality="3909",
                default_comparisons=lambda c: [], first_year=2015, last_year=2024)
    assert seen == []
    assert sel.municipality == "3909"


def test_renumbered_code_0712_shows_larvik_with_notice():
    sel = run({"kommune": "0712"})
    assert sel.municipality == "3909"
    assert sel.notices == ("Kommunenummer 0712 (Larvik) er i dag 3909 Larvik; viser Larvik.",)


def test_merged_code_1548_shows_hustadvika_with_merge_notice():
    sel = run({"kommune": "1548"})
    assert sel.municipality == "1579"
    assert "1548 Fræna ble slått sammen" in sel.notices[0]
    assert "1579 Hustadvika" in sel.notices[0]


def test_historical_comparison_codes_resolve_and_duplicates_drop():
    sel = run({"kommune": "4203", "sammenlign": "0712,3805,3909,4203"})
    assert sel.comparisons == ("3909",)
    assert sum("0712" in n for n in sel.notices) == 1


def test_unknown_and_garbage_comparisons_are_dropped_with_notice():
    sel = run({"kommune": "3909", "sammenlign": "3201,9999,abc,<b>x</b>"})
    assert sel.comparisons == ("3201",)
    assert any("9999" in n for n in sel.notices)
    assert any("abc" in n for n in sel.notices)


def test_too_many_comparisons_are_cut_with_notice():
    sel = run({"kommune": "3909", "sammenlign": ",".join(["3907", "4203", "1579", "3201", "3301", "4204", "3203"])})
    assert len(sel.comparisons) == MAX_COMPARISONS
    assert sel.comparisons == ("3907", "4203", "1579", "3201", "3301")
    assert any("høyst 5" in n for n in sel.notices)


def test_explicitly_empty_comparisons_stay_empty_and_survive_the_url_round_trip():
    sel = run({"kommune": "3909", "sammenlign": ""})
    assert sel.comparisons == ()
    again = run(sel.query_params())
    assert again == sel


def test_reversed_years_are_swapped_with_notice():
    sel = run({"fra": "2023", "til": "2016"})
    assert (sel.from_year, sel.to_year) == (2016, 2023)
    assert any("byttet om" in n for n in sel.notices)


@pytest.mark.parametrize("params, expected", [
    ({"fra": "1990", "til": "2024"}, (2015, 2024)),
    ({"fra": "2016", "til": "2099"}, (2016, 2024)),
    ({"fra": "0000", "til": "9999"}, (2015, 2024)),
])
def test_out_of_range_years_are_clamped_with_notice(params, expected):
    sel = run(params)
    assert (sel.from_year, sel.to_year) == expected
    assert any("Det finnes bare tall for 2015–2024" in n for n in sel.notices)


@pytest.mark.parametrize("raw", ["20a6", "2016.5", "<script>", "1 000", "'; --"])
def test_non_numeric_years_use_default_with_notice(raw):
    sel = run({"fra": raw})
    assert sel.from_year == 2017
    assert any("er ikke et årstall (fra)" in n for n in sel.notices)


def test_repeated_parameter_uses_the_last_value():
    assert run({"kommune": ["4203", "3907"]}).municipality == "3907"


def test_query_params_round_trip_reproduces_the_selection():
    sel = run({"kommune": "4203", "sammenlign": "3907,3201", "fra": "2016", "til": "2023"})
    assert sel.query_params() == {"kommune": "4203", "sammenlign": "3907,3201", "fra": "2016", "til": "2023"}
    assert run(sel.query_params()) == sel


def test_real_database_resolves_historical_codes(db_env):
    from dashboard.kostra import queries
    names = queries.municipality_names()
    common = dict(resolve=queries.resolve_code, names=names, default_municipality="3909",
                  default_comparisons=queries.default_comparisons, first_year=2015, last_year=2024)
    larvik = parse({"kommune": "0712"}, **common)
    assert larvik.municipality == "3909"
    assert "0712" in larvik.notices[0] and "Larvik" in larvik.notices[0]
    hustadvika = parse({"kommune": "1548"}, **common)
    assert hustadvika.municipality == "1579"
    assert "slått sammen" in hustadvika.notices[0]
    assert parse({"kommune": "9999"}, **common).municipality == "3909"
