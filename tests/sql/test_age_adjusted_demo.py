"""The age-adjusted split on the database built from the embedded snapshot: complete where the inputs are, demo
everywhere (the snapshot is synthetic), and exact for every municipality and reference."""
from __future__ import annotations

import duckdb
import polars as pl
import pytest

from pipelines.paths import SQL_DIR

SPLIT = (SQL_DIR / "queries" / "age_adjusted_split.sql").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def con(built_db):
    with duckdb.connect(str(built_db), read_only=True) as con:
        yield con


@pytest.mark.parametrize("reference", ["EAKUO", "group", "3907"])
def test_larvik_is_split_exactly_every_year_since_the_merger(con, reference):
    got = con.execute(SPLIT, {"municipality": "3909", "reference": reference, "from_year": 2016}).pl()
    assert got["year"].min() == 2016 and got.height == 9 * (7 + 2 + 1)  # age groups, services, total per year and got["is_demo"].all()
    complete = got.filter(pl.col("year") >= 2018)  # Larvik (0712) exists with today's borders from 2018
    assert complete["gap"].null_count() == 0
    residual = complete["demography"] + complete["coverage"] + complete["unit_cost"] - complete["gap"]
    assert residual.abs().max() < 0.5
    before = got.filter(pl.col("year") < 2018)
    assert before["gap"].null_count() == before.height
    assert all(any(m.endswith("|.") for m in ms) for ms in before["gap_missing"])  # SSB's '.': did not exist


def test_every_municipality_is_split_exactly_in_the_latest_year(con):
    codes = [r[0] for r in con.execute(
        "SELECT DISTINCT region_code FROM age_adjusted_inputs WHERE region_kind = 'municipality' ORDER BY 1").fetchall()]
    assert len(codes) > 300
    complete = 0
    for code in codes[::7]:
        row = con.execute(SPLIT, {"municipality": code, "reference": "EAKUO", "from_year": 2024}).pl() \
            .filter(pl.col("level") == "total").to_dicts()[0]
        if row["gap"] is None:
            assert row["gap_missing"]  # never missing without a reason
            continue
        complete += 1
        assert abs(row["demography"] + row["coverage"] + row["unit_cost"] - row["gap"]) < 0.5
    assert complete > len(codes[::7]) // 2


def test_the_age_group_rows_have_every_age_group_of_both_services(con):
    got = con.execute(SPLIT, {"municipality": "3909", "reference": "EAKUO", "from_year": 2016}).pl()
    got = got.filter((pl.col("level") == "age_group") & (pl.col("year") == 2024))
    assert got.select("service", "age_group").rows() == [
        ("home_care", "0-66"), ("home_care", "67-79"), ("home_care", "80+"),
        ("long_term", "0-66"), ("long_term", "67-79"), ("long_term", "80-89"), ("long_term", "90+")]
    assert got["reference_name"].unique().to_list() == ["Landet uten Oslo"]
    assert (got["own_coverage"] - got["own_users"] / got["own_population"]).abs().max() < 1e-12
    assert got.filter(pl.col("service") == "home_care")["own_share"].sum() == pytest.approx(1.0)
