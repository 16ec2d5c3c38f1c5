"""`pipelines.fetch` against a fake SSB and KLASS on 127.0.0.1 serving recorded-style responses.

The fake answers data queries the way PxWebApi v2 does: it cuts the requested cells out of the
recorded full table (tests/fixtures/fetch/data/), refuses unknown codes and missing selections, and
enforces `maxDataCells`. Failure tests hash every file under the raw directory and the database
before and after: "nothing changed" means byte-identical.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import os
import re
import shutil
from pathlib import Path
from typing import Callable

import duckdb
import orjson
import polars as pl
import pytest
from pytest_httpserver import HTTPServer
from rich.console import Console
from werkzeug import Request, Response

from pipelines import catalogue as cat_mod
from pipelines import fetch as fetch_mod
from pipelines import jsonstat, klass
from pipelines.fetch import (
    FetchFailed, check_table, fetch_all, klass_list_dates, klass_requests, normalise_label, verify_catalogue,
)
from pipelines.http_client import KlassClient, SsbClient
from pipelines.raw_store import read_body, read_manifest

from ssb_standin import FIXTURES, KLASS, SSB, TABLES, problem  # noqa: E402  (tests/ssb_standin.py)
from ssb_standin import StandIn as FakeServices  # noqa: E402

TODAY = dt.date(2024, 6, 1)
FROM_YEAR = 2023


@pytest.fixture(scope="module")
def server():
    srv = HTTPServer(host="127.0.0.1", port=0)
    srv.start()
    yield srv
    srv.clear()
    srv.stop()


@pytest.fixture
def fake(server, monkeypatch) -> FakeServices:
    services = FakeServices()
    server.clear()
    server.expect_request(re.compile(".*")).respond_with_handler(services)
    monkeypatch.setenv("SSB_API_URL", server.url_for(SSB))
    monkeypatch.setenv("KLASS_API_URL", server.url_for(KLASS))
    return services


def clients() -> dict:
    """Clients from the environment (as the CLI gets them), with no real waiting between retries."""
    return {
        "ssb": SsbClient(retries=2, backoff_factor=0, body_retries=0, sleep=lambda s: None, timeout=(2, 5)),
        "klass": KlassClient(retries=2, backoff_factor=0, body_retries=0, sleep=lambda s: None, timeout=(2, 5)),
    }


def run_fetch(root: Path, **kw):
    out = io.StringIO()
    kw.setdefault("from_year", FROM_YEAR)
    kw.setdefault("today", TODAY)
    result = fetch_all(raw_dir=root / "raw", db_path=root / "kostra.duckdb",
                       console=Console(file=out, width=120), **{**clients(), **kw})
    return result, out.getvalue()


def fingerprint(root: Path) -> dict[str, str]:
    """sha256 of every file under root (raw dir, database and anything left lying around)."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def data_requests(server) -> list[Request]:
    return [r for r, _ in server.log if r.path.endswith("/data")]


@pytest.fixture(scope="module")
def baseline(server, tmp_path_factory):
    """A raw directory and database from one successful fetch, copied into each failure test."""
    root = tmp_path_factory.mktemp("baseline")
    services = FakeServices()
    server.clear()
    server.expect_request(re.compile(".*")).respond_with_handler(services)
    mp = pytest.MonkeyPatch()
    mp.setenv("SSB_API_URL", server.url_for(SSB))
    mp.setenv("KLASS_API_URL", server.url_for(KLASS))
    try:
        run_fetch(root)
    finally:
        mp.undo()
        server.clear()
    return root


@pytest.fixture
def existing(baseline, tmp_path) -> Path:
    shutil.copytree(baseline, tmp_path, dirs_exist_ok=True)
    return tmp_path


# ------------------------------------------------------------------------------ a full fetch


def served_cells(table_id: str) -> pl.DataFrame:
    """The fixture's cells the catalogue asks for (its contents codes and filters), as observation rows."""
    catalogue = cat_mod.load()
    table = catalogue.tables[table_id]
    frame = jsonstat.read((FIXTURES / f"data/{table_id}.json").read_bytes(), labels=False)
    wanted = pl.lit(False)
    for ind in catalogue.sourced():
        if ind.source.table == table_id:
            cond = pl.col("ContentsCode") == ind.source.contents_code
            for dim, code in ind.source.filters.items():
                cond = cond & (pl.col(dim) == code)
            wanted = wanted | cond
    extra = sorted(c for c in frame.columns if c not in (table.region_dim, "ContentsCode", table.time_dim, "value", "status"))
    key = pl.concat_str([pl.lit(f"{d}=") + pl.col(d) for d in extra], separator="|") if extra else pl.lit("")
    return (frame.filter(wanted & (pl.col(table.time_dim).cast(pl.Int32) >= FROM_YEAR))
            .select(pl.col(table.region_dim).alias("region_code"), pl.col("ContentsCode").alias("contents_code"),
                    key.alias("filter_key"), pl.col(table.time_dim).cast(pl.Int32).alias("year"), "value", "status")
            .sort("region_code", "contents_code", "filter_key", "year"))


def test_full_fetch_saves_manifest_and_builds_the_served_values(fake, server, tmp_path):
    (tmp_path / "raw" / "ssb" / "99999").mkdir(parents=True)
    (tmp_path / "raw" / "ssb" / "99999" / "stale.json").write_text("{}")

    result, printed = run_fetch(tmp_path)

    raw = tmp_path / "raw"
    entries = read_manifest(raw)
    assert not (raw / "ssb" / "99999").exists(), "the old raw directory must be replaced, not merged"
    assert {e.kind for e in entries} == {"ssb_table", "ssb_metadata", "ssb_data", "klass"}
    assert all(e.is_demo is False for e in entries)
    for e in entries:
        assert hashlib.sha256(read_body(raw, e)).hexdigest() == e.sha256
        assert e.url.startswith(server.url_for("/"))
    data_files = {e.table_id: e for e in entries if e.kind == "ssb_data"}
    assert set(data_files) == set(TABLES)
    assert data_files["12292"].path == "ssb/12292/data-000.json.gz"
    assert data_files["12292"].updated == "2025-06-16T06:00:00Z"
    assert "valueCodes[KOKkommuneregion0000]=*" in data_files["12292"].url
    assert "valueCodes[Tid]=2023,2024" in data_files["12292"].url
    assert "Kjonn" not in data_files["07459"].url, "eliminable dimensions are left to SSB's total"
    klass_names = sorted(e.name for e in entries if e.kind == "klass")
    assert klass_names == sorted([
        "131_changes_2023-01-01_2024-06-01", "131_codesAt_2023-01-01", "131_codesAt_2024-01-01",
        "104_codesAt_2023-01-01", "104_codesAt_2024-01-01", "112_codesAt_2023-01-01", "112_codesAt_2024-01-01",
        "112_correspondsAt_131_2023-01-01", "112_correspondsAt_131_2024-01-01"])
    assert all((raw / e.path).exists() for e in entries if e.kind == "klass")

    assert result.is_demo is False
    con = duckdb.connect(str(tmp_path / "kostra.duckdb"), read_only=True)
    try:
        for table_id in TABLES:
            stored = pl.from_arrow(con.execute(
                "SELECT region_code, contents_code, filter_key, year, value, status FROM observation "
                "WHERE table_id = ? ORDER BY region_code, contents_code, filter_key, year", [table_id]).arrow())
            expected = served_cells(table_id)
            assert stored.height == expected.height > 0
            assert stored.with_columns(pl.col("year").cast(pl.Int32)).equals(expected), table_id
        assert con.execute("SELECT count(*) FROM observation WHERE is_demo").fetchone()[0] == 0
        assert dict(con.execute("SELECT key, value FROM build_info").fetchall())["is_demo"] == "false"
        larvik = con.execute("SELECT name FROM region WHERE code = '3909'").fetchone()
        assert larvik == ("Larvik",)
    finally:
        con.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kostra.duckdb", "raw"], "no temp dirs or backups left"
    assert "Hentet" in printed


def test_cli_fetch_uses_the_environment_urls(fake, server, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from pipelines.__main__ import app

    monkeypatch.setenv("KOSTRA_DB", str(tmp_path / "env.duckdb"))
    outcome = CliRunner().invoke(app, ["fetch", "--from-year", "2023", "--raw", str(tmp_path / "raw")])
    assert outcome.exit_code == 0, outcome.output
    assert (tmp_path / "env.duckdb").exists()
    assert len(data_requests(server)) == len(TABLES)


def test_too_big_for_one_query_is_split_by_region_lists_from_the_metadata(fake, server, tmp_path):
    fake.config["maxDataCells"] = 40  # 12209: 10 codes x 2 years = 20 cells per region -> 2 regions a query
    run_fetch(tmp_path)
    entries = [e for e in read_manifest(tmp_path / "raw") if e.kind == "ssb_data" and e.table_id == "12209"]
    assert len(entries) == 5  # 9 regions in the metadata
    assert all("valueCodes[KOKkommuneregion0000]=" in e.url and "=*" not in e.url for e in entries)
    con = duckdb.connect(str(tmp_path / "kostra.duckdb"), read_only=True)
    try:
        stored = pl.from_arrow(con.execute(
            "SELECT region_code, contents_code, filter_key, year, value, status FROM observation "
            "WHERE table_id = '12209' ORDER BY region_code, contents_code, filter_key, year").arrow())
    finally:
        con.close()
    assert stored.with_columns(pl.col("year").cast(pl.Int32)).equals(served_cells("12209"))


def test_fetching_some_tables_keeps_the_others_from_the_current_raw_dir(fake, server, existing):
    before = {e.path: e for e in read_manifest(existing / "raw")}
    run_fetch(existing, tables=["12292"])
    after = {e.path: e for e in read_manifest(existing / "raw")}
    assert set(after) == set(before)
    for path, entry in after.items():
        if entry.table_id in ("12209", "07459"):
            assert entry == before[path]  # carried over as it was, fetched_at included
    assert [r.path for r in data_requests(server)] == [f"{SSB}/tables/12292/data"]


def test_unknown_table_is_refused_before_any_request(fake, server, existing):
    before = fingerprint(existing)
    with pytest.raises(FetchFailed, match="99999 er ikke i katalogen"):
        run_fetch(existing, tables=["99999"])
    assert fingerprint(existing) == before
    assert server.log == []


# ------------------------------------------------------------------------------ catalogue drift


def _rename_label(fake: FakeServices) -> None:
    labels = fake.metadata["12209"]["dimension"]["ContentsCode"]["category"]["label"]
    labels["KOSandelf2540000"] = "Tjenester til hjemmeboende (f254) - andel av brutto driftsutgifter"


def _remove_code(fake: FakeServices) -> None:
    category = fake.metadata["12292"]["dimension"]["ContentsCode"]["category"]
    del category["label"]["KOSlangtid0000"]
    codes = [c for c in category["index"] if c != "KOSlangtid0000"]
    category["index"] = {c: i for i, c in enumerate(codes)}
    fake.metadata["12292"]["size"][1] -= 1


def _discontinue(fake: FakeServices) -> None:
    fake.tables["07459"]["discontinued"] = True


def _remove_table(fake: FakeServices) -> None:
    del fake.tables["12209"]


@pytest.mark.parametrize("change, expected", [
    (_rename_label, ["Indikator home_care_share_of_care_net_expenditure", "KOSandelf2540000", "tabell 12209",
                     "andel av brutto driftsutgifter"]),
    (_remove_code, ["Indikator institution_long_term_residents", "KOSlangtid0000", "finnes ikke i tabell 12292"]),
    (_discontinue, ["Tabell 07459", "avsluttet", "population"]),
    (_remove_table, ["Tabell 12209", "HTTP 404", "home_care_cost_per_recipient", "institution_cost_per_place"]),
], ids=["label changed", "code removed", "table discontinued", "table gone"])
def test_catalogue_drift_stops_before_anything_is_written(fake, server, existing, change, expected):
    change(fake)
    before = fingerprint(existing)
    with pytest.raises(FetchFailed) as failure:
        run_fetch(existing)
    message = str(failure.value)
    for text in expected:
        assert text in message
    assert "ingenting er hentet eller endret" in message
    assert fingerprint(existing) == before
    assert data_requests(server) == [], "no data may be downloaded when the catalogue does not match"
    assert not [r for r, _ in server.log if r.path.startswith(KLASS)]


def test_verification_lists_every_mismatch_at_once(fake):
    _rename_label(fake)
    _remove_code(fake)
    _discontinue(fake)
    with SsbClient(retries=0) as client:
        problems = verify_catalogue(client, cat_mod.load())
    assert len(problems) == 3
    assert [p.split(":")[0] for p in problems] == [
        "Indikator home_care_share_of_care_net_expenditure", "Indikator institution_long_term_residents",
        "Tabell 07459 (Befolkning, etter region, statistikkvariabel og år) er avsluttet hos SSB (discontinued); "
        "brukes av population"]


def test_labels_are_compared_without_case_and_spacing(fake):
    labels = fake.metadata["12209"]["dimension"]["ContentsCode"]["category"]["label"]
    labels["KOSandelf2540000"] = "  TJENESTER til hjemmeboende   (f254) - andel av netto driftsutgifter til PLO "
    with SsbClient(retries=0) as client:
        assert verify_catalogue(client, cat_mod.load()) == []
    assert normalise_label("A  b\u00a0C") == normalise_label("a b c")
    assert normalise_label("andel av netto") != normalise_label("andel av brutto")


def test_a_missing_dimension_and_an_unselectable_one_are_named(fake):
    dims = fake.metadata["12292"]["dimension"]
    dims["KOKart0000"] = {"label": "art", "category": {"index": {"AGD10": 0}, "label": {"AGD10": "Brutto"}},
                          "extension": {"elimination": False}}
    fake.metadata["12292"]["id"].insert(1, "KOKart0000")
    fake.metadata["07459"]["dimension"]["Tid2"] = fake.metadata["07459"]["dimension"].pop("Tid")
    fake.metadata["07459"]["id"][-1] = "Tid2"
    catalogue = cat_mod.load()
    with SsbClient(retries=0) as client:
        art = check_table(client, catalogue, catalogue.tables["12292"]).problems
        tid = check_table(client, catalogue, catalogue.tables["07459"]).problems
    assert len(art) == 1 and "KOKart0000 må velges" in art[0] and "home_care_recipients" in art[0]
    assert len(tid) == 2
    assert "mangler dimensjonen Tid (tid)" in tid[0] and "dimensjonen Tid2 må velges" in tid[1]


def test_ssb_unreachable_during_verification_changes_nothing(fake, server, existing):
    fake.fail = lambda request: problem(503, "Service Unavailable") if request.path == f"{SSB}/tables/12209" else None
    before = fingerprint(existing)
    with pytest.raises(FetchFailed, match="Kunne ikke kontrollere katalogen.*HTTP 503.*tabell 12209"):
        run_fetch(existing)
    assert fingerprint(existing) == before
    assert data_requests(server) == []


# ------------------------------------------------------------------------------ failures mid-way


def _fail_data_of(table_id: str, response: Callable[[], Response]) -> Callable[[Request], Response | None]:
    return lambda request: response() if request.path == f"{SSB}/tables/{table_id}/data" else None


def _assert_unchanged_after(fake_fail, existing, fake, *expected):
    fake.fail = fake_fail
    before = fingerprint(existing)
    with pytest.raises(FetchFailed) as failure:
        run_fetch(existing)
    for text in expected:
        assert text in str(failure.value)
    assert fingerprint(existing) == before
    return str(failure.value)


def test_persistent_server_error_mid_download_changes_nothing(fake, server, existing):
    message = _assert_unchanged_after(_fail_data_of("12292", lambda: problem(500, "Internal Server Error")),
                                      existing, fake, "HTTP 500", "tabell 12292", "/tables/12292/data", "uendret")
    assert "Traceback" not in message
    assert len([r for r in data_requests(server) if "12292" in r.path]) == 3  # 1 + 2 retries


def test_broken_json_body_changes_nothing(fake, existing):
    body = (FIXTURES / "data/07459.json").read_bytes()[:300]
    _assert_unchanged_after(_fail_data_of("07459", lambda: Response(body, content_type="application/json")),
                            existing, fake, "ikke gyldig JSON", "tabell 07459")


def test_klass_failure_changes_nothing(fake, existing):
    def fail(request: Request) -> Response | None:
        if "correspondsAt" in request.path and request.args.get("date") == "2024-01-01":
            return problem(503, "Service Unavailable")
        return None
    _assert_unchanged_after(fail, existing, fake, "KLASS", "HTTP 503", "correspondsAt")


def test_build_failure_changes_nothing(fake, existing):
    tid = fake.data["07459"]["dimension"]["Tid"]["category"]
    tid["index"] = {f"{y}K1": i for y, i in tid["index"].items()}
    tid["label"] = {f"{y}K1": y for y in tid["label"]}
    fake.metadata["07459"]["dimension"]["Tid"]["category"]["index"] = {"2022K1": 0, "2023K1": 1, "2024K1": 2}
    fake.metadata["07459"]["dimension"]["Tid"]["category"]["label"] = {"2022K1": "", "2023K1": "", "2024K1": ""}
    _assert_unchanged_after(lambda request: None, existing, fake, "kunne ikke bygges", "07459", "årstall")


def test_failed_swap_puts_raw_dir_and_database_back(fake, existing, monkeypatch):
    real_replace = os.replace

    def replace(src, dst):
        if Path(src).name.startswith(".raw-fetch-"):
            raise PermissionError("simulated")
        return real_replace(src, dst)

    monkeypatch.setattr(fetch_mod.os, "replace", replace)
    before = fingerprint(existing)
    with pytest.raises(FetchFailed, match="satt tilbake"):
        run_fetch(existing)
    assert fingerprint(existing) == before


# ------------------------------------------------------------------------------ KLASS request list


def test_klass_requests_are_named_as_klass_py_reads_them():
    dates = klass_list_dates(2015, dt.date(2026, 3, 1), [dt.date(2020, 1, 1), dt.date(2024, 1, 1), dt.date(2010, 1, 1)])
    assert dates == [dt.date(2015, 1, 1), dt.date(2020, 1, 1), dt.date(2024, 1, 1), dt.date(2026, 1, 1)]
    requests = klass_requests(dates, range(2019, 2021))
    patterns = (klass._CODES_AT, klass._CHANGES, klass._CORRESPONDS_AT)
    for request in requests + [fetch_mod.klass_change_request(2015, dt.date(2026, 3, 1))]:
        assert any(p.match(f"{request.name}.json") for p in patterns), request.name
    assert [r.name for r in requests if r.name.startswith("112")] == [
        "112_codesAt_2019-01-01", "112_correspondsAt_131_2019-01-01",
        "112_codesAt_2020-01-01", "112_correspondsAt_131_2020-01-01"]
    corr = next(r for r in requests if "correspondsAt" in r.name)
    assert corr.params == {"targetClassificationId": "131", "date": "2019-01-01", "language": "nb"}


def test_recorded_klass_bodies_are_what_klass_py_reads():
    regions = klass.load_regions(FIXTURES / "klass")
    assert {"3909", "3805", "EKG13", "EAKUO"} <= set(regions["code"])
    assert klass.current_code("3805", klass.load_changes(FIXTURES / "klass")) == ["3909"]
