import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest

from pipelines import klass
from pipelines.klass import KlassError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "klass"
REAL = ROOT / "data" / "raw" / "klass"


@pytest.fixture(scope="module")
def changes() -> pl.DataFrame:
    return klass.load_changes(FIXTURES)


@pytest.fixture(scope="module")
def regions() -> pl.DataFrame:
    return klass.load_regions(FIXTURES)


@pytest.fixture(scope="module")
def real_changes() -> pl.DataFrame:
    return klass.load_changes(REAL)


def municipalities_valid_on(regions: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    return regions.filter(
        (pl.col("kind") == "municipality")
        & (pl.col("valid_from").is_null() | (pl.col("valid_from") <= day))
        & (pl.col("valid_to").is_null() | (pl.col("valid_to") > day))
    )


def kind_of(changes: pl.DataFrame, old: str, new: str) -> str:
    row = changes.filter((pl.col("old_code") == old) & (pl.col("new_code") == new))
    assert row.height == 1, (old, new)
    return row["kind"][0]


# ---- code chains -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "today"),
    [
        ("0712", ["3909"]),  # Larvik: renumbered 2020 and 2024
        ("3805", ["3909"]),
        ("0709", ["3909"]),  # Larvik before the 2018 merger with Lardal
        ("0805", ["4001"]),  # Porsgrunn
        ("0806", ["4003"]),  # Skien
        ("0704", ["3905"]),  # Tønsberg
        ("0716", ["3905"]),  # Re, merged into Tønsberg 2020
        ("0906", ["4203"]),  # Arendal
        ("1548", ["1579"]),  # Fræna -> Hustadvika
        ("1551", ["1579"]),  # Eide -> Hustadvika
        ("1103", ["1103"]),  # Stavanger keeps its code through the 2020 merger
        ("1141", ["1103"]),  # Finnøy
        ("1142", ["1103"]),  # Rennesøy
        ("5012", ["5055", "5056", "5059"]),  # Snillfjord split three ways in 2020
        ("1504", ["1508", "1580"]),  # old Ålesund: merged 2020, split again 2024
        ("3909", ["3909"]),  # today's code maps to itself
        ("0301", ["0301"]),  # never changed
    ],
)
def test_old_codes_resolve_to_todays_municipality(changes, old, today):
    assert klass.current_code(old, changes) == today


def test_as_of_year_stops_the_chain_in_that_year(changes):
    assert klass.current_code("0712", changes, as_of_year=2021) == ["3805"]
    assert klass.current_code("0709", changes, as_of_year=2019) == ["0712"]
    assert klass.current_code("1504", changes, as_of_year=2023) == ["1507"]


def test_change_kinds(changes):
    assert kind_of(changes, "0712", "3805") == "renumber"
    assert kind_of(changes, "3805", "3909") == "renumber"
    assert kind_of(changes, "1548", "1579") == "merge"
    assert kind_of(changes, "1141", "1103") == "merge"
    assert kind_of(changes, "0709", "0712") == "merge"
    assert kind_of(changes, "5012", "5056") == "split"
    assert kind_of(changes, "1507", "1580") == "split"
    # Halsa alone -> Heim, but Heim has several predecessors: that is a merger, not a renumbering
    assert kind_of(changes, "1571", "5055") == "merge"


def test_changes_carry_dates_years_and_names(changes):
    row = changes.filter((pl.col("old_code") == "0805") & (pl.col("new_code") == "3806")).row(0, named=True)
    assert row["change_date"] == dt.date(2020, 1, 1)
    assert row["change_year"] == 2020
    assert (row["old_name"], row["new_name"]) == ("Porsgrunn", "Porsgrunn")


def test_lineage_agrees_with_current_code(changes):
    table = klass.lineage(changes, codes=["0301"])
    for code in table["code"].unique().to_list():
        got = table.filter(pl.col("code") == code)["current_code"].sort().to_list()
        assert got == klass.current_code(code, changes), code
    via = {(c, t): k for c, t, k in table.iter_rows()}
    assert via[("0712", "3909")] == "renumber"
    assert via[("0709", "3909")] == "merge"
    assert via[("1504", "1580")] == "split"
    assert via[("3909", "3909")] == "unchanged"
    assert via[("0301", "0301")] == "unchanged"


# ---- regions ---------------------------------------------------------------------------------


def test_region_table_has_country_county_and_group_codes(regions):
    kinds = dict(zip(regions["code"], regions["kind"]))
    names = dict(zip(regions["code"], regions["name"]))
    assert kinds["EAK"] == kinds["EAKUO"] == "country"
    assert names["EAKUO"] == "Landet uten Oslo"
    assert kinds["EKA38"] == kinds["38"] == "county"
    assert names["EKA38"] == "Vestfold og Telemark"
    # bare KLASS group numbers become the EKGnn codes KOSTRA tables use
    assert kinds["EKG16"] == "kostra_group" and "16" not in kinds
    assert regions["code"].is_unique().all()


def test_region_validity_follows_changes_and_snapshots(regions):
    by_code = {r["code"]: r for r in regions.iter_rows(named=True)}
    assert (by_code["0712"]["valid_from"], by_code["0712"]["valid_to"]) == (dt.date(2018, 1, 1), dt.date(2020, 1, 1))
    assert (by_code["3805"]["valid_from"], by_code["3805"]["valid_to"]) == (dt.date(2020, 1, 1), dt.date(2024, 1, 1))
    assert (by_code["3909"]["valid_from"], by_code["3909"]["valid_to"]) == (dt.date(2024, 1, 1), None)
    assert (by_code["0301"]["valid_from"], by_code["0301"]["valid_to"]) == (None, None)
    # known only from the change list: named from it, ended by it
    assert by_code["0709"]["name"] == "Larvik"
    assert by_code["0709"]["valid_to"] == dt.date(2018, 1, 1)
    assert (by_code["EKA38"]["valid_from"], by_code["EKA38"]["valid_to"]) == (dt.date(2020, 1, 1), dt.date(2024, 1, 1))


def test_region_names_are_the_latest_klass_names(regions):
    names = dict(zip(regions["code"], regions["name"]))
    assert names["1579"] == "Hustadvika"
    assert names["1580"] == "Haram"
    assert names["39"] == "Vestfold"


# ---- KOSTRA groups ---------------------------------------------------------------------------


def test_group_membership_per_year_follows_the_grouping_of_that_year():
    members = klass.load_group_membership(FIXTURES)
    assert members.columns == ["year", "group_code", "group_name", "municipality_code", "is_demo"]
    larvik = members.filter(pl.col("municipality_code").is_in(["0712", "3805"])).sort("year")
    assert larvik.select("year", "group_code", "municipality_code").rows() == [
        (2019, "EKG13", "0712"),
        (2021, "EKG14", "3805"),
    ]
    assert larvik["group_name"].to_list() == ["KOSTRA-gruppe 13", "KOSTRA-gruppe 14"]
    # the demo flag is per file: the 2019 fixture is marked synthetic, the 2021 one is not
    assert larvik["is_demo"].to_list() == [True, False]


def test_municipality_in_two_groups_the_same_year_is_refused(tmp_path):
    shutil.copy(FIXTURES / "112_correspondsAt_131_2021-01-01.json", tmp_path)
    path = tmp_path / "112_correspondsAt_131_2021-01-01.json"
    text = path.read_text(encoding="utf-8").replace('"targetCode": "1103"', '"targetCode": "3805"')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KlassError, match="112_correspondsAt_131_2021-01-01.json"):
        klass.load_group_membership(tmp_path)


# ---- malformed input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "complaint"),
    [
        ("131_codesAt_2020-01-01.json", b"{not json", "ikke gyldig JSON"),
        ("131_codesAt_2020-01-01.json", b'{"items": []}', "codes"),
        ("131_codesAt_2020-01-01.json", b'{"codes": [{"name": "Larvik"}]}', "code"),
        ("131_codesAt_2020-01-01.json", b'{"codes": [{"code": 3805, "name": "Larvik"}]}', "ikke tekst"),
        (
            "131_changes_2015-01-01_2026-01-01.json",
            b'{"codeChanges": [{"oldCode": "0712", "newCode": "3805", "changeOccurred": "1. jan"}]}',
            "dato",
        ),
        ("131_changes_2015-01-01_2026-01-01.json", b'{"codeChanges": [{"changeOccurred": "2020-01-01"}]}', "oldCode"),
        ("112_correspondsAt_131_2021-01-01.json", b'{"correspondenceItems": [{"sourceCode": "14"}]}', "targetCode"),
        ("131_codesAt_2024-01-01.json.gz", b"not gzip", "kan ikke leses"),
    ],
)
def test_malformed_file_names_the_file(tmp_path, name, content, complaint):
    for fixture in FIXTURES.iterdir():
        shutil.copy(fixture, tmp_path)
    (tmp_path / name).write_bytes(content)
    with pytest.raises(KlassError) as caught:
        klass.load_regions(tmp_path)  # reads every kind of KLASS file
    assert name in str(caught.value)
    assert complaint in str(caught.value)


def test_missing_directory_is_a_klass_error(tmp_path):
    with pytest.raises(KlassError, match="finnes-ikke"):
        klass.load_regions(tmp_path / "finnes-ikke")


def test_gzipped_files_are_read(tmp_path):
    import gzip

    for fixture in FIXTURES.iterdir():
        (tmp_path / (fixture.name + ".gz")).write_bytes(gzip.compress(fixture.read_bytes()))
    assert klass.load_regions(tmp_path).equals(klass.load_regions(FIXTURES))


# ---- the embedded snapshot -------------------------------------------------------------------


def test_real_snapshot_counts_and_examples(real_changes):
    regions = klass.load_regions(REAL)
    assert municipalities_valid_on(regions, dt.date(2016, 6, 1)).height == 428
    assert municipalities_valid_on(regions, dt.date(2019, 6, 1)).height == 422
    assert municipalities_valid_on(regions, dt.date(2021, 1, 1)).height == 356
    assert municipalities_valid_on(regions, dt.date(2024, 6, 1)).height == 357
    examples = {
        "0712": ["3909"], "0805": ["4001"], "0806": ["4003"], "0704": ["3905"], "0906": ["4203"],
        "1548": ["1579"], "1551": ["1579"], "1141": ["1103"], "1142": ["1103"], "1601": ["5001"],
    }
    for old, today in examples.items():
        assert klass.current_code(old, real_changes) == today, old
    # every code KLASS ever gave ends in a municipality valid today
    today = set(municipalities_valid_on(regions, dt.date(2024, 6, 1))["code"])
    assert set(klass.lineage(real_changes)["current_code"]) <= today
    assert {"EAK", "EAKUO", "EKA38", "EKA39", "EKG13"} <= set(regions["code"])


def test_real_snapshot_groups_are_demo_and_cover_every_municipality_but_oslo():
    regions = klass.load_regions(REAL)
    members = klass.load_group_membership(REAL)
    assert members["is_demo"].all()
    assert sorted(members["year"].unique().to_list()) == list(range(2015, 2025))
    for year in (2015, 2019, 2020, 2024):
        valid = set(municipalities_valid_on(regions, dt.date(year, 1, 1))["code"]) - {"0301"}
        grouped = members.filter(pl.col("year") == year)["municipality_code"]
        assert set(grouped) == valid, year
    larvik = members.filter(pl.col("municipality_code").is_in(["0712", "3805"]))
    assert dict(zip(larvik["year"], larvik["group_code"]))[2019] == "EKG13"
