"""The demo population projection (pipelines/demo/projection.py) in the built database: SSB's shape (single ages as
their own cells), marked demo, every municipality, base year right after the last KOSTRA year, and kept out of the
other pages' indicators and year range."""
from __future__ import annotations

import gzip

import duckdb
import orjson
import pytest

from pipelines.demo import projection as projection_demo
from pipelines.paths import RAW_DIR, SQL_DIR


@pytest.fixture(scope="module")
def con(built_db):
    with duckdb.connect(str(built_db), read_only=True) as c:
        yield c


def test_raw_file_is_jsonstat_with_single_ages_and_marked_demo():
    doc = orjson.loads(gzip.decompress((RAW_DIR / "ssb" / "14746" / "data-000.json.gz").read_bytes()))
    assert doc["id"] == ["Region", "Alder", "ContentsCode", "Tid"]
    assert list(doc["dimension"]["Alder"]["category"]["index"]) == projection_demo.AGES
    assert doc["dimension"]["Alder"]["category"]["label"]["105+"] == "105 år eller eldre"
    assert doc["label"].startswith("DEMODATA") and doc["extension"]["kostra_dashboard"]["demo"] is True
    n = 1
    for size in doc["size"]:
        n *= size
    assert len(doc["value"]) == n


def test_projection_covers_every_municipality_to_2045(con):
    base, last, munis, groups = con.execute("""
        SELECT min(year), max(year), count(DISTINCT region_code), count(DISTINCT age_group)
        FROM projected_population""").fetchone()
    last_kostra = con.execute("SELECT max(year) FROM observation WHERE table_id = '12209'").fetchone()[0]
    assert base == last_kostra + 1 and last == projection_demo.HORIZON >= 2040
    assert munis >= 350 and groups == 4
    assert con.execute("SELECT bool_and(is_demo) FROM projected_population").fetchone()[0] is True


def test_the_elderly_grow_and_the_sum_matches_todays_population(con):
    grow = con.execute("""
        SELECT sum(population) FILTER (WHERE year = 2040) / sum(population) FILTER (WHERE year = 2025)
        FROM projected_population WHERE age_group = '80-89'""").fetchone()[0]
    assert grow > 1.2  # the post-war cohorts reach 80
    total, population = con.execute("""
        SELECT sum(p.population), any_value(s.value) FROM projected_population p
        JOIN municipality_series s ON s.current_code = p.region_code AND s.indicator_id = 'population' AND s.year = 2024
        WHERE p.region_code = '3909' AND p.year = 2025""").fetchone()
    assert abs(total - population) / population < 0.01


def test_projection_is_not_an_indicator_value_and_not_in_the_year_range(con):
    assert con.execute("SELECT count(*) FROM indicator_values WHERE indicator_id = 'projected_population'"
                       ).fetchone()[0] == 0
    sql = (SQL_DIR / "queries" / "year_range.sql").read_text(encoding="utf-8")
    assert con.execute(sql).fetchone()[1] == 2024
