"""Build from the embedded snapshot: coverage, demo flags, formulas, atomic swap, nothing lost."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import orjson
import pytest

from pipelines import catalogue as cat_mod
from pipelines.build import BuildError, build
from pipelines.raw_store import read_manifest

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
CORE = [
    "home_care_cost_per_recipient", "institution_cost_per_place", "home_care_share_of_care_net_expenditure",
    "institution_share_of_care_net_expenditure", "institution_to_home_cost_ratio", "home_care_recipients",
    "institution_long_term_residents",
]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def con(built_db):
    c = duckdb.connect(str(built_db), read_only=True)
    yield c
    c.close()


@pytest.mark.parametrize("indicator_id", CORE)
def test_core_indicator_covers_300_municipalities_for_5_years(con, indicator_id):
    n = con.execute("""
        SELECT count(*) FROM (
            SELECT region_code FROM indicator_values
            WHERE indicator_id = ? AND region_kind = 'municipality' AND value IS NOT NULL
            GROUP BY region_code HAVING count(DISTINCT year) >= 5)
    """, [indicator_id]).fetchone()[0]
    assert n >= 300


def _age_split(ind) -> bool:
    """11645 (users by service x age) has no KOSTRA groups of its own: the sums over members are tested below."""
    return "_age_" in ind.id


@pytest.mark.parametrize("indicator_id", [i.id for i in cat_mod.load().indicators.values()
                                          if not _age_split(i) and i.group != "projection"])
def test_every_indicator_has_groups_and_country(con, indicator_id):
    rows = con.execute("""
        SELECT region_code FROM indicator_values
        WHERE indicator_id = ? AND value IS NOT NULL AND region_kind IN ('kostra_group', 'country')
        GROUP BY region_code
    """, [indicator_id]).fetchall()
    codes = {r[0] for r in rows}
    assert {"EAK", "EAKUO"} <= codes
    assert len([c for c in codes if c.startswith("EKG")]) >= 10


def test_age_split_counts_are_summed_for_groups_and_country(con):
    rows = dict(con.execute("""
        SELECT indicator_id, count(DISTINCT region_code) FILTER (WHERE value IS NOT NULL) FROM indicator_values
        WHERE region_kind IN ('kostra_group', 'country') AND contains(indicator_id, '_age_') GROUP BY ALL""").fetchall())
    assert set(rows) == {i.id for i in cat_mod.load().indicators.values() if _age_split(i)}
    assert min(rows.values()) >= 12  # EAK, EAKUO and at least ten KOSTRA groups
    eak = con.execute("""
        SELECT s.value, a.value + b.value FROM indicator_values s
        JOIN indicator_values a ON a.indicator_id = 'home_care_users_age_0_49' AND a.region_code = s.region_code AND a.year = s.year
        JOIN indicator_values b ON b.indicator_id = 'home_care_users_age_50_66' AND b.region_code = s.region_code AND b.year = s.year
        WHERE s.indicator_id = 'home_care_users_age_0_66' AND s.region_code = 'EAK' AND s.year = 2024""").fetchone()
    assert eak[0] == eak[1] > 0  # 0-66 is our sum of SSB's 0-49 and 50-66


def test_demo_flag_on_every_row_and_in_build_info(con):
    assert con.execute("SELECT bool_and(is_demo) FROM indicator_values").fetchone()[0] is True
    assert con.execute("SELECT value FROM build_info WHERE key = 'is_demo'").fetchone()[0] == "true"
    assert con.execute("SELECT bool_and(is_demo) FROM source_table").fetchone()[0] is True


def test_formula_equals_its_inputs(con):
    rows = con.execute("""
        SELECT r.value, i.value, h.value FROM indicator_values r
        JOIN indicator_values i ON i.indicator_id = 'institution_cost_per_place' AND i.region_code = r.region_code AND i.year = r.year
        JOIN indicator_values h ON h.indicator_id = 'home_care_cost_per_recipient' AND h.region_code = r.region_code AND h.year = r.year
        WHERE r.indicator_id = 'institution_to_home_cost_ratio' AND r.value IS NOT NULL
    """).fetchall()
    assert len(rows) > 3000
    for ratio, inst, home in rows:
        assert ratio == pytest.approx(inst / home, rel=1e-12)


def test_formula_keeps_status_instead_of_zero(con):
    row = con.execute("""
        SELECT r.value, r.status, h.status FROM indicator_values r
        JOIN indicator_values h ON h.indicator_id = 'home_care_cost_per_recipient' AND h.region_code = r.region_code AND h.year = r.year
        WHERE r.indicator_id = 'institution_to_home_cost_ratio' AND h.status = '..' LIMIT 1
    """).fetchone()
    assert row is not None
    assert row[0] is None and row[1] == ".."


def test_status_markers_are_null_values_never_zero(con):
    counts = dict(con.execute(
        "SELECT status, count(*) FROM observation WHERE status IS NOT NULL GROUP BY 1").fetchall())
    assert {".", "..", ":"} <= set(counts)
    assert con.execute("SELECT count(*) FROM observation WHERE status IS NOT NULL AND value IS NOT NULL").fetchone()[0] == 0


def test_population_sums_for_groups_are_labelled_own_calculation(con):
    row = con.execute("""
        SELECT value, is_own_calculation, source FROM indicator_values
        WHERE indicator_id = 'population' AND region_code = 'EAK' AND year = 2024
    """).fetchone()
    total = con.execute("""
        SELECT sum(value) FROM indicator_values WHERE indicator_id = 'population' AND year = 2024 AND region_kind = 'municipality'
    """).fetchone()[0]
    assert row[1] is True and "Egen beregning" in row[2]
    assert row[0] == pytest.approx(total)


def test_larvik_is_one_series_across_renumberings(con):
    rows = con.execute("""
        SELECT year, published_code FROM municipality_series
        WHERE indicator_id = 'home_care_cost_per_recipient' AND current_code = '3909' AND value IS NOT NULL
        ORDER BY year
    """).fetchall()
    published = {year: code for year, code in rows}
    assert published[2019] == "0712" and published[2021] == "3805" and published[2024] == "3909"


def test_merger_predecessors_shown_separately(con):
    rows = con.execute("""
        SELECT DISTINCT predecessor_code FROM predecessor_series WHERE current_code = '1579'
    """).fetchall()
    assert {r[0] for r in rows} == {"1548", "1551"}


def test_source_files_recorded_with_sha(con):
    files = read_manifest(RAW)
    recorded = dict(con.execute("SELECT path, sha256 FROM source_file").fetchall())
    assert {f.path: f.sha256 for f in files} == recorded


def test_failed_build_leaves_database_byte_identical(tmp_path, built_db):
    db = tmp_path / "kostra.duckdb"
    shutil.copy(built_db, db)
    before = sha(db)
    broken = tmp_path / "raw"
    shutil.copytree(RAW, broken)
    target = next(p for p in (broken / "ssb" / "12209").iterdir() if p.name.startswith("data-"))
    target.write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(BuildError, match="12209"):
        build(broken, db)
    assert sha(db) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".kostra")] == []


def test_tampered_file_is_rejected_by_checksum(tmp_path):
    broken = tmp_path / "raw"
    shutil.copytree(RAW, broken)
    path = broken / "klass" / "131_codesAt_2024-01-01.json"
    doc = orjson.loads(path.read_bytes())
    doc["codes"][0]["name"] = "Tukla med"
    path.write_bytes(orjson.dumps(doc))
    with pytest.raises(BuildError, match="sha256"):
        build(broken, tmp_path / "x.duckdb")
    assert not (tmp_path / "x.duckdb").exists()


def test_missing_manifest_is_a_clear_error(tmp_path):
    with pytest.raises(BuildError, match="manifest"):
        build(tmp_path, tmp_path / "x.duckdb")


def test_reader_keeps_old_data_during_rebuild_and_sees_new_after(tmp_path, built_db):
    db = tmp_path / "kostra.duckdb"
    shutil.copy(built_db, db)
    reader = duckdb.connect(str(db), read_only=True)
    old_built = reader.execute("SELECT value FROM build_info WHERE key = 'built_at'").fetchone()[0]
    reader.execute("SELECT count(*) FROM observation").fetchone()
    build(RAW, db)
    # the open reader still sees a complete, consistent database (the old file)
    assert reader.execute("SELECT count(*) FROM observation").fetchone()[0] > 100_000
    assert reader.execute("SELECT value FROM build_info WHERE key = 'built_at'").fetchone()[0] == old_built
    reader.close()
    fresh = duckdb.connect(str(db), read_only=True)
    assert fresh.execute("SELECT count(*) FROM indicator_values").fetchone()[0] > 100_000
    fresh.close()


def test_rebuild_carries_over_own_data(tmp_path, built_db):
    db = tmp_path / "kostra.duckdb"
    shutil.copy(built_db, db)
    con = duckdb.connect(str(db))
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'own\\_%' ESCAPE '\\'").fetchall()]
    assert tables, "own-data tables exist after a build"
    counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    con.execute("DELETE FROM own_import_batch WHERE batch_id = (SELECT min(batch_id) FROM own_import_batch)")
    counts["own_import_batch"] -= 1
    con.close()
    build(RAW, db)
    con = duckdb.connect(str(db), read_only=True)
    after = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    con.close()
    assert after == counts


def test_a_predecessor_renumbered_before_its_merger_is_one_line_under_its_last_code(con):
    """1662 Klæbu became 5030 Klæbu in 2018 and was merged into 5001 Trondheim in 2020: one line «Klæbu (5030)» from
    2015 to 2019 with a merger in 2020, not a second line ending 2017 that marks a merger in 2018."""
    changes = dict(con.execute("SELECT old_code, kind FROM region_change WHERE old_code IN ('1662', '5030')")
                   .fetchall())
    assert changes == {"1662": "renumber", "5030": "merge"}
    rows = con.execute("""
        SELECT predecessor_code, predecessor_name, change_kind, min(year), max(year), count(*), count(DISTINCT year)
        FROM predecessor_series WHERE current_code = '5001' AND indicator_id = 'population' GROUP BY ALL
    """).fetchall()
    assert len(rows) == 1
    code, name, kind, first, last, n, years = rows[0]
    assert (code, name, kind, last) == ("5030", "Klæbu", "merge", 2019) and first < 2018 and n == years
    (old,) = con.execute("SELECT value FROM indicator_values WHERE indicator_id = 'population' AND region_code = "
                         "'1662' AND year = 2017").fetchone()
    (shown,) = con.execute("SELECT value FROM predecessor_series WHERE current_code = '5001' AND indicator_id = "
                           "'population' AND year = 2017").fetchone()
    assert shown == old is not None
