"""age_adjusted_inputs (sql/views/70_age_adjusted_inputs.sql) on a small database made here with the build's own
steps (schema, catalogue, views, member sums and formulas): where each input comes from and how it is combined."""
from __future__ import annotations

import duckdb
import polars as pl
import pytest

from pipelines import build as build_mod
from pipelines import catalogue as cat_mod
from pipelines.paths import SQL_DIR

CATALOGUE = cat_mod.load()

# one municipality-year: inhabitants, users and unit costs
LARVIK = {
    "population_age_0_66": 40_000, "population_age_67_79": 5_000, "population_age_80_89": 1_800,
    "population_age_90_plus": 450,
    "home_care_recipients": 1_700, "home_care_recipients_0_66": 650, "home_care_recipients_80_plus": 700,
    "long_term_residents_age_0_49": 3, "long_term_residents_age_50_66": 9, "long_term_residents_age_67_79": 40,
    "long_term_residents_age_80_89": 120, "long_term_residents_age_90_plus": 95,
    "home_care_cost_per_recipient": 260_000, "institution_cost_per_place": 1_300_000,
}
PORSGRUNN = {k: round(v * 0.8) for k, v in LARVIK.items()}
KOSTRA_TABLES = {"12292", "12209"}  # SSB publishes KOSTRA-group and country figures; 11645 has none


def _source(indicator_id: str):
    return CATALOGUE.indicators[indicator_id].source


def _small_database() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))
    con.execute((SQL_DIR / "schema_own.sql").read_text(encoding="utf-8"))  # the views include own data's
    con.execute("""
        INSERT INTO region VALUES ('3805', 'Larvik', 'municipality', '2020-01-01', '2024-01-01'),
            ('3909', 'Larvik', 'municipality', '2024-01-01', NULL), ('4001', 'Porsgrunn', 'municipality', NULL, NULL),
            ('EKG13', 'KOSTRA-gruppe 13', 'kostra_group', NULL, NULL), ('EAKUO', 'Landet uten Oslo', 'country', NULL, NULL),
            ('EAK', 'Landet', 'country', NULL, NULL);
        INSERT INTO region_lineage VALUES ('3805', '3909', 'renumber', true), ('3909', '3909', 'self', true),
            ('4001', '4001', 'self', true);
        INSERT INTO kostra_group_membership VALUES (2024, 'EKG13', 'KOSTRA-gruppe 13', '3909', true),
            (2024, 'EKG13', 'KOSTRA-gruppe 13', '4001', true), (2023, 'EKG13', 'KOSTRA-gruppe 13', '3805', true);
    """)
    build_mod._load_catalogue(con, CATALOGUE)
    rows = []

    def add(region, year, values, status=None):
        for ind, value in values.items():
            src = _source(ind)
            rows.append((src.table, src.contents_code, src.filter_key, region, year,
                         None if status else float(value), status, True))

    add("3805", 2023, LARVIK)
    add("3909", 2023, LARVIK, status=".")   # SSB: the code did not exist that year
    add("3909", 2024, {k: v * 1.1 for k, v in LARVIK.items()})
    add("3805", 2024, LARVIK, status=".")
    add("4001", 2024, {k: v for k, v in PORSGRUNN.items() if k != "long_term_residents_age_90_plus"})
    add("4001", 2024, {"long_term_residents_age_90_plus": 0}, status=":")  # suppressed: fewer than five
    group = {k: v * 3 for k, v in LARVIK.items() if _source(k).table in KOSTRA_TABLES}
    add("EKG13", 2024, group)
    add("EAKUO", 2024, {k: v * 90 for k, v in group.items()})
    con.executemany("INSERT INTO observation VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    build_mod.create_views(con)
    build_mod._derive(con, CATALOGUE)
    return con


@pytest.fixture(scope="module")
def con():
    return _small_database()


@pytest.fixture(scope="module")
def stored():
    """The small database as the build leaves it: the views' results stored (sql/derive/materialise_views.sql)."""
    con = _small_database()
    build_mod.run_sql_file(con, SQL_DIR / "derive" / "materialise_views.sql")
    return con


def inputs(con, region, year) -> dict[tuple[str, str], dict]:
    frame = con.execute("SELECT * FROM age_adjusted_inputs WHERE region_code = ? AND year = ?", [region, year]).pl()
    return {(r["service"], r["age_group"]): r for r in frame.to_dicts()}


def test_one_row_per_service_and_age_group_under_todays_code_across_the_renumbering(con):
    rows = inputs(con, "3909", 2023)  # published as 3805 in 2023
    assert sorted(rows) == [("home_care", "0-66"), ("home_care", "67-79"), ("home_care", "80+"),
                            ("long_term", "0-66"), ("long_term", "67-79"), ("long_term", "80-89"),
                            ("long_term", "90+")]
    assert rows[("long_term", "80-89")]["users"] == 120
    assert rows[("home_care", "0-66")]["unit_cost"] == 260_000
    assert rows[("long_term", "0-66")]["unit_cost"] == 1_300_000
    assert inputs(con, "3805", 2023) == {}  # old codes only through today's


def test_home_services_67_79_is_the_rest_and_80_plus_inhabitants_the_sum_of_80_89_and_90_plus(con):
    rows = inputs(con, "3909", 2023)
    rest = rows[("home_care", "67-79")]
    assert rest["users"] == 1_700 - 650 - 700 and rest["users_own_calculation"]
    assert rows[("home_care", "80+")]["population"] == 1_800 + 450
    assert rows[("long_term", "90+")]["population"] == 450
    assert rows[("long_term", "0-66")]["users"] == 3 + 9  # our sum of SSB's 00-49 and 50-66
    assert all(r["region_population"] == 40_000 + 5_000 + 1_800 + 450 for r in rows.values())


def test_groups_use_ssbs_own_figures_where_the_table_has_them_and_member_sums_otherwise(con):
    group = inputs(con, "EKG13", 2024)
    assert group[("home_care", "0-66")]["users"] == 650 * 3  # 12292: SSB's group figure
    assert not group[("home_care", "0-66")]["users_own_calculation"]
    assert group[("home_care", "0-66")]["unit_cost"] == 260_000 * 3  # 12209: SSB's group figure
    member_sum = group[("long_term", "80-89")]
    assert member_sum["users"] == pytest.approx(120 * 1.1 + PORSGRUNN["long_term_residents_age_80_89"])
    assert member_sum["users_own_calculation"] and member_sum["region_kind"] == "kostra_group"


def test_a_suppressed_member_leaves_the_group_sum_missing_never_a_partial_sum(con):
    assert inputs(con, "4001", 2024)[("long_term", "90+")]["users_status"] == ":"
    group = inputs(con, "EKG13", 2024)[("long_term", "90+")]
    assert group["users"] is None and group["users_status"] == ".."


def test_the_split_runs_on_the_built_views(con):
    sql = (SQL_DIR / "queries" / "age_adjusted_split.sql").read_text(encoding="utf-8")
    got = con.execute(sql, {"municipality": "3909", "reference": "group", "from_year": 2016}).pl()
    got = got.filter(pl.col("level") != "age_group")
    home = got.filter((pl.col("year") == 2024) & (pl.col("service") == "home_care")).to_dicts()[0]
    assert home["reference_code"] == "EKG13"
    assert abs(home["demography"] + home["coverage"] + home["unit_cost"] - home["gap"]) < 0.5
    long_term = got.filter((pl.col("year") == 2024) & (pl.col("service") == "long_term")).to_dicts()[0]
    assert long_term["gap"] is None and "long_term|reference|users|90+|.." in long_term["coverage_missing"]
    assert long_term["demography"] is None  # the reference's coverage 90+ is missing
    assert long_term["reference_member_sums"]


def _rows_alike(live: list[tuple], kept: list[tuple]) -> bool:
    """The same rows in the same order; sums of floating-point terms to the last bit of a 17-digit krone amount
    (the stored split sums its age groups in another order)."""
    return len(live) == len(kept) and all(
        x == y or (isinstance(x, float) and isinstance(y, float) and x == pytest.approx(y, rel=1e-12))
        for a, b in zip(live, kept) for x, y in zip(a, b))


@pytest.mark.parametrize("municipality", ["3909", "4001"])
@pytest.mark.parametrize("reference", ["EAKUO", "EAK", "group"])
def test_the_stored_split_is_the_split_computed_when_asked(stored, municipality, reference):
    params = {"municipality": municipality, "reference": reference, "from_year": 2016}
    live = stored.execute((SQL_DIR / "queries" / "age_adjusted_split.sql").read_text(encoding="utf-8"), params)
    live_rows, live_columns = live.fetchall(), [d[0] for d in live.description]
    kept = stored.execute((SQL_DIR / "queries" / "age_adjusted_split_stored.sql").read_text(encoding="utf-8"),
                          params)
    kept_rows, kept_columns = kept.fetchall(), [d[0] for d in kept.description]
    assert live_rows, "the split has rows for this municipality"
    assert kept_columns == live_columns
    assert _rows_alike(live_rows, kept_rows)


def test_the_split_is_stored_for_every_municipality_and_the_references_all_of_them_have(stored):
    kept = set(stored.execute("SELECT DISTINCT municipality, reference FROM age_adjusted_split_store").fetchall())
    assert kept == {(m, r) for m in ("3909", "4001") for r in ("EAKUO", "EAK", "group")}
