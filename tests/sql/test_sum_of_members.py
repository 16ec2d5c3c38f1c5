"""sql/derive/sum_of_members.sql: a KOSTRA group's or the country's sum is the sum of every member of that year, or
missing with the reason when one member has no figure (a symbol or no row at all), never a partial sum."""
from __future__ import annotations

import duckdb
import pytest

from pipelines import build as build_mod
from pipelines import catalogue as cat_mod
from pipelines.paths import SQL_DIR

CATALOGUE = cat_mod.load()
SRC = CATALOGUE.indicators["population"].source


def _db(rows: list[tuple[str, int, float | None, str | None]]):
    con = duckdb.connect()
    con.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))
    con.execute((SQL_DIR / "schema_own.sql").read_text(encoding="utf-8"))
    con.execute("""
        INSERT INTO region VALUES ('3909', 'Larvik', 'municipality', '2024-01-01', NULL),
            ('4001', 'Porsgrunn', 'municipality', '2024-01-01', NULL),
            ('0301', 'Oslo', 'municipality', NULL, NULL),
            ('40', 'Telemark', 'county', '2024-01-01', NULL),
            ('EKG13', 'KOSTRA-gruppe 13', 'kostra_group', NULL, NULL),
            ('EAK', 'Landet', 'country', NULL, NULL), ('EAKUO', 'Landet uten Oslo', 'country', NULL, NULL);
        INSERT INTO kostra_group_membership VALUES (2024, 'EKG13', 'KOSTRA-gruppe 13', '3909', false),
            (2024, 'EKG13', 'KOSTRA-gruppe 13', '4001', false), (2024, 'EKG18', 'Oslo', '0301', false);
    """)
    build_mod._load_catalogue(con, CATALOGUE)
    con.executemany("INSERT INTO observation VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [(SRC.table, SRC.contents_code, SRC.filter_key, region, year, value, status, False)
                     for region, year, value, status in rows])
    build_mod.create_views(con)
    con.execute((SQL_DIR / "derive" / "sum_of_members.sql").read_text(encoding="utf-8"),
                {"indicator_id": "population"})
    return con


def _sums(con) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in con.execute(
        "SELECT region_code, value, status, reason FROM derived_value WHERE year = 2024").fetchall()}


def test_complete_members_are_summed_and_a_county_is_never_added():
    con = _db([("3909", 2024, 48_000.0, None), ("4001", 2024, 37_000.0, None), ("0301", 2024, 700_000.0, None),
               ("40", 2024, 999_999.0, None)])
    sums = _sums(con)
    assert sums["EKG13"] == (85_000.0, None, None)
    assert sums["EAK"] == (785_000.0, None, None)
    assert sums["EAKUO"] == (85_000.0, None, None)


def test_a_suppressed_member_makes_the_sum_missing_with_the_reason():
    con = _db([("3909", 2024, 48_000.0, None), ("4001", 2024, None, ":"), ("0301", 2024, 700_000.0, None)])
    value, status, reason = _sums(con)["EKG13"]
    assert value is None and status == ".."
    assert "1 av 2 kommuner" in reason and "4001 «:»" in reason
    assert _sums(con)["EAK"][0] is None and _sums(con)["EAKUO"][0] is None


def test_a_member_without_any_row_makes_the_sum_missing_not_smaller():
    """The inner join used to drop 4001 and show 48 000 as the group's whole."""
    con = _db([("3909", 2024, 48_000.0, None), ("0301", 2024, 700_000.0, None)])
    value, status, reason = _sums(con)["EKG13"]
    assert value is None and status == ".."
    assert "4001 (ingen tall)" in reason
    eak = _sums(con)["EAK"]
    assert eak[0] is None and "4001" in eak[2]


def test_the_reason_reaches_indicator_values_as_a_missing_value_never_zero():
    con = _db([("3909", 2024, 48_000.0, None)])
    row = con.execute("SELECT value, status FROM indicator_values WHERE indicator_id = 'population' "
                      "AND region_code = 'EKG13' AND year = 2024").fetchone()
    assert row == (None, "..")
