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
import os
import shutil
from pathlib import Path
from typing import Callable

import duckdb
import orjson
import polars as pl
import pytest
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

from ssb_standin import (  # noqa: E402  (tests/ssb_standin.py)
    FIXTURES, SSB, TABLES, VirtualTime, answer_on, limit_in_virtual_time, problem,
)
from ssb_standin import StandIn as FakeServices  # noqa: E402

TODAY = dt.date(2024, 6, 1)
FROM_YEAR = 2023


@pytest.fixture
def fake(server, monkeypatch) -> FakeServices:
    return answer_on(server, monkeypatch)


def clients() -> dict:
    """Clients from the environment (as the CLI gets them), with no real waiting between retries or for the limit."""
    ssb_time = VirtualTime()  # KLASS has no call limit: its client has no limiter
    return {
        "ssb": SsbClient(retries=2, backoff_factor=0, body_retries=0, sleep=ssb_time.sleep, clock=ssb_time.clock,
                         timeout=(2, 5)),
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
    mp = pytest.MonkeyPatch()
    answer_on(server, mp)
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
    frame = frame.filter(pl.col(table.time_dim).cast(pl.Int32) >= FROM_YEAR)
    extra = sorted(c for c in frame.columns if c not in (table.region_dim, "ContentsCode", table.time_dim, "value", "status"))
    parts, plain = [], pl.lit(False)
    for ind in catalogue.sourced():
        if ind.source.table != table_id:
            continue
        cond = pl.col("ContentsCode") == ind.source.contents_code
        for dim, code in ind.source.filters.items():
            cond = cond & (pl.col(dim) == code)
        summed = [d for d in extra if d not in ind.source.filters and d not in table.fixed]  # left out (SSB's total) or added up (sum_over)
        if not summed:
            plain = plain | cond
            continue
        for dim, codes in ind.source.sum_over.items():
            cond = cond & pl.col(dim).is_in(codes)
        parts.append(frame.filter(cond).group_by(table.region_dim, "ContentsCode", table.time_dim).agg(
            pl.when(pl.col("value").null_count() == 0).then(pl.col("value").sum()).alias("value"),
            pl.col("status").drop_nulls().first().alias("status"))
            .select(pl.col(table.region_dim).alias("region_code"), pl.col("ContentsCode").alias("contents_code"),
                    pl.lit(ind.source.filter_key).alias("filter_key"),
                    pl.col(table.time_dim).cast(pl.Int32).alias("year"), "value", "status"))
    key = pl.concat_str([pl.lit(f"{d}=") + pl.col(d) for d in extra], separator="|") if extra else pl.lit("")
    parts.append(frame.filter(plain)
                 .select(pl.col(table.region_dim).alias("region_code"), pl.col("ContentsCode").alias("contents_code"),
                         key.alias("filter_key"), pl.col(table.time_dim).cast(pl.Int32).alias("year"), "value",
                         "status"))
    return pl.concat(parts).sort("region_code", "contents_code", "filter_key", "year")


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
            # several filter dimensions (12367: scope x function x art) are asked for as the cross product of the
            # catalogue's codes: the cells no entry uses are stored too, and compared here only for what is used
            wanted = expected.select("contents_code", "filter_key").unique()
            stored = stored.join(wanted, on=["contents_code", "filter_key"], how="semi").sort(
                "region_code", "contents_code", "filter_key", "year")
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
    assert len(data_requests(server)) == len(TABLES) + 1  # 07459 twice: the total and the one-year ages


def test_too_big_for_one_query_is_split_by_region_lists_from_the_metadata(fake, server, tmp_path):
    codes = {i.source.contents_code for i in cat_mod.load().sourced() if i.source.table == "12209"}
    fake.config["maxDataCells"] = len(codes) * 2 * 2  # 12209: codes x 2 years per region -> 2 regions a query
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


def _rename_coverage_label(fake: FakeServices) -> None:
    """A renamed SSB figure the pages show as SSB's (no own calculation stands in for it)."""
    labels = fake.metadata["12209"]["dimension"]["ContentsCode"]["category"]["label"]
    labels["KOSsykhjand80aar0000"] = "Andel innbyggere 80 år og eldre med korttidsopphold"


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


def _double_every_value(fake: FakeServices) -> None:
    """A new edition at SSB: every served number changes, so fresh rows and kept rows can be told apart."""
    for doc in fake.data.values():
        doc["value"] = [v * 2 if isinstance(v, (int, float)) else v for v in doc["value"]]


def _values(root: Path, indicator_id: str) -> dict:
    """The rows stored for the entry's SSB source: under the code the build used (SSB's, where the fetch found the
    variable by its label), or the catalogue's for an entry the pages show as our own calculation."""
    src = cat_mod.load().indicators[indicator_id].source
    con = duckdb.connect(str(root / "kostra.duckdb"), read_only=True)
    try:
        used = con.execute("SELECT source_table, contents_code, filter_key FROM indicator WHERE id = ? "
                           "AND source_table IS NOT NULL", [indicator_id]).fetchone()
        return dict(((r, y), v) for r, y, v in con.execute(
            "SELECT o.region_code, o.year, o.value FROM observation o JOIN region r ON r.code = o.region_code "
            "WHERE o.table_id = ? AND o.contents_code = ? AND o.filter_key = ?",
            list(used or (src.table, src.contents_code, src.filter_key))).fetchall())
    finally:
        con.close()


def _origin(root: Path) -> dict:
    con = duckdb.connect(str(root / "kostra.duckdb"), read_only=True)
    try:
        return {r[0]: r[1:] for r in con.execute(
            "SELECT indicator_id, is_demo, CAST(fetched_at AS VARCHAR), stale, reason FROM indicator_origin").fetchall()}
    finally:
        con.close()


@pytest.mark.parametrize("change, failed, refreshed, expected", [
    (_rename_coverage_label, ["institution_coverage_80_plus"], "home_care_cost_per_recipient",
     ["KOSsykhjand80aar0000", "korttidsopphold"]),
    (_remove_code, ["institution_long_term_residents"], "home_care_recipients",
     ["KOSlangtid0000", "finnes ikke i tabell 12292"]),
    (_discontinue, [i.id for i in cat_mod.load().sourced() if i.source.table == "07459"], "home_care_recipients",
     ["Tabell 07459", "avsluttet"]),
    (_remove_table, [i.id for i in cat_mod.load().sourced() if i.source.table == "12209"], "home_care_recipients",
     ["Tabell 12209", "HTTP 404"]),
], ids=["label changed", "code removed", "table discontinued", "table gone"])
def test_catalogue_drift_updates_the_rest_and_keeps_earlier_rows_for_the_drifted_entries(
        fake, server, existing, change, failed, refreshed, expected):
    before = {i: _values(existing, i) for i in (*failed, refreshed)}
    _double_every_value(fake)
    change(fake)

    outcome, printed = run_fetch(existing)

    assert outcome.failed_indicators == sorted(failed)
    assert outcome.exit_code == fetch_mod.EXIT_PARTLY_UPDATED
    assert "Delvis oppdatert" in printed
    for text in expected:
        assert text in printed
    for ind in failed:  # earlier rows, unchanged, marked as not updated by this fetch
        assert _values(existing, ind) == before[ind]
    now = _values(existing, refreshed)
    assert now and all(now[k] == (v * 2 if v is not None else None) for k, v in before[refreshed].items())
    origin = _origin(existing)
    shown_as_ssb = cat_mod.with_stand_ins(cat_mod.load()).indicators
    # an entry our calculation from the accounts stands in for shows that calculation, fetched now: not stale
    assert all(origin[i][2] is True and origin[i][3] for i in failed if shown_as_ssb[i].source is not None)
    assert all(origin[i][2] is False for i in failed if shown_as_ssb[i].source is None)
    assert origin[refreshed][2] is False
    assert all(origin[i][1] is not None and origin[i][0] is False for i in failed)  # the baseline fetch's date
    manifest = read_manifest(existing / "raw")
    assert all(hashlib.sha256(read_body(existing / "raw", e)).hexdigest() == e.sha256 for e in manifest)


def test_every_entry_drifted_changes_nothing(fake, server, existing):
    for table_id in list(fake.tables):
        fake.end_table(table_id)
    before = fingerprint(existing)
    with pytest.raises(FetchFailed, match="Ingen oppføringer i katalogen stemmer"):
        run_fetch(existing)
    assert fingerprint(existing) == before
    assert data_requests(server) == []


def test_verification_lists_every_mismatch_at_once(fake):
    _rename_label(fake)
    _remove_code(fake)
    _discontinue(fake)
    with SsbClient(retries=0) as client:
        problems = verify_catalogue(client, cat_mod.load())
    assert len(problems) == 3
    assert [p.split(":")[0] for p in problems] == [
        "Indikator home_care_share_of_care_net_expenditure", "Indikator institution_long_term_residents",
        "Tabell 07459 (Befolkning, etter region, kjønn, alder, statistikkvariabel og år) er avsluttet hos SSB "
        "(discontinued); brukes av population, population_age_0_66, population_age_67_79, population_age_80_89, "
        "population_age_90_plus"]


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
    assert len(tid) == 3  # the total and the age groups are two queries: each is named
    assert "mangler dimensjonen Tid (tid)" in tid[0] and "dimensjonen Tid2 må velges" in tid[1]
    assert "population_age_0_66" in tid[2] and "dimensjonen Tid2 må velges" in tid[2]


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


# ------------------------------------------------------------------------------ against the stand-in, end to end


def _cli(args: list[str], env_db: Path, monkeypatch):
    from typer.testing import CliRunner

    from pipelines.__main__ import app
    monkeypatch.setenv("KOSTRA_DB", str(env_db))
    limit_in_virtual_time(monkeypatch)  # the CLI's own SSB client: a second check in one test waited a real minute
    return CliRunner().invoke(app, args)


def test_catalogue_check_prints_one_row_per_entry_with_suggestions(fake, tmp_path, monkeypatch):
    fake.change_label("12209", "KOSandelf2540000", "Tjenester til hjemmeboende (f254) - andel av brutto driftsutgifter")
    fake.end_table("11875")
    fake.tables["11876"] = {**fake.tables["11875"], "id": "11876", "discontinued": False,
                            "label": "11876: Helse- og omsorgsinstitusjoner - plasser (K) 2022 - 2024"}
    monkeypatch.setenv("COLUMNS", "200")
    outcome = _cli(["catalogue", "check"], tmp_path / "x.duckdb", monkeypatch)
    assert outcome.exit_code == fetch_mod.EXIT_PARTLY_UPDATED, outcome.output
    out = outcome.output
    assert "navn endret" in out and "tabell avsluttet" in out
    assert "11876" in out, "a table whose title matches is suggested for the ended one"
    assert out.count(" ok ") >= 10
    n = len(cat_mod.load().sourced())
    assert f"{n - 4} av {n} oppføringer stemmer med SSB" in out  # f254 + the three 11875 entries


def test_catalogue_check_suggests_the_renamed_table_and_the_changed_code(fake, tmp_path, monkeypatch):
    fake.rename_table("12292", "12299")
    fake.change_contents_code("11875", "KOSinstdispplass0000", "KOSinstdispplass0001")
    monkeypatch.setenv("COLUMNS", "200")
    outcome = _cli(["catalogue", "check"], tmp_path / "x.duckdb", monkeypatch)
    assert outcome.exit_code == fetch_mod.EXIT_PARTLY_UPDATED, outcome.output
    out = outcome.output
    # both are found by their labels now: the renamed table through the table search, the code in its table
    assert "funnet i annen tabell" in out and "12299" in out
    assert "funnet ved navn" in out and "KOSinstdispplass0001" in out
    fake.change_label("11875", "KOSinstdispplass0001", "Institusjon - disponible plasser i alt")
    outcome = _cli(["catalogue", "check"], tmp_path / "x.duckdb", monkeypatch)
    out = outcome.output
    assert "kode mangler" in out and "KOSinstdispplass0001" in out, "a changed label too: suggestions only"


def test_fetch_with_a_changed_code_keeps_that_entry_and_updates_its_table_neighbours(fake, server, existing):
    fake.change_contents_code("11875", "KOSinstdispplass0000", "KOSinstdispplass0001")
    fake.change_label("11875", "KOSinstdispplass0001", "Institusjon - disponible plasser i alt")  # label gone too
    outcome, printed = run_fetch(existing)
    assert outcome.failed_indicators == ["institution_places_all"]
    kept = [e for e in read_manifest(existing / "raw") if e.table_id == "11875" and e.keep_only]
    assert kept and all(e.path.startswith("ssb/11875/kept-") for e in kept)
    assert all(k == ["KOSinstdispplass0000", ""] for e in kept for k in e.keep_only)
    origin = _origin(existing)
    assert origin["institution_places_all"][2] is True and origin["nursing_home_places"][2] is False


def test_catalogue_check_all_ok_exits_0(fake, tmp_path, monkeypatch):
    outcome = _cli(["catalogue", "check"], tmp_path / "x.duckdb", monkeypatch)
    assert outcome.exit_code == 0, outcome.output
    n = len(cat_mod.load().sourced())
    assert f"{n} av {n} oppføringer stemmer med SSB" in outcome.output


def test_partly_updated_fetch_then_pages_say_which_figures_are_old(fake, server, existing, monkeypatch):
    from streamlit.testing.v1 import AppTest
    # (a renamed figure our calculation from the accounts stands in for is shown as that calculation, not as stale)
    fake.change_label("12209", "KOSsykhjand80aar0000", "Andel innbyggere 80 år og eldre med korttidsopphold")
    fake.end_table("07459")
    outcome = _cli(["fetch", "--from-year", "2023", "--raw", str(existing / "raw")], existing / "kostra.duckdb",
                   monkeypatch)
    assert outcome.exit_code == fetch_mod.EXIT_PARTLY_UPDATED, outcome.output
    assert "Delvis oppdatert: 6 indikatorer" in outcome.output  # f254 and 07459's five
    app = str(Path(__file__).resolve().parents[2] / "app.py")
    at = AppTest.from_file(app, default_timeout=60)
    at.switch_page("pages/kilder.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("ikke oppdatert ved siste henting" in w.value for w in at.warning)
    stale = at.dataframe[0].value
    # a formula over a stale input is stale too
    assert set(stale["Indikator"]) == {"Dekningsgrad institusjon 80+", "Innbyggere", "Innbyggere 0–66 år",
                                       "Innbyggere 67–79 år", "Innbyggere 80–89 år", "Innbyggere 90 år og over",
                                       "Hjemmetjenestemottakere, andel av befolkningen"}
    sources = at.dataframe[1].value
    assert sources["Opphav"].str.contains("ikke oppdatert").sum() >= 2
    editions = at.dataframe[2].value.set_index("Tabell")
    assert editions.loc["12292", "Utgave"] == "Tall for 2024 er reviderte, publisert 16.06.2025"
    assert editions.loc["12292", "Data"] == "Ekte"
    at = AppTest.from_file(app, default_timeout=60)
    at.query_params["kommune"] = "3909"
    at.switch_page("pages/brukere.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # the source line is HTML under each chart (dashboard/core/html_parts.py), not inside the plotly figure
    sources = " ".join(el.value for el in [*at.markdown, *at.html] if "chart-source" in el.value)
    assert "Ikke oppdatert ved siste henting" in sources


class _Silent:
    """A TCP server that accepts connections and never answers."""

    def __init__(self) -> None:
        import socket
        import threading
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self.stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)

    def close(self) -> None:
        self.stop = True
        for c in self.conns:
            c.close()
        self.sock.close()


def test_a_server_that_never_answers_is_given_up_with_the_host_named(existing, monkeypatch):
    silent = _Silent()
    try:
        monkeypatch.setenv("SSB_API_URL", f"http://127.0.0.1:{silent.port}/api/pxwebapi/v2")
        before = fingerprint(existing)
        outcome = _cli(["fetch", "--timeout", "1.5", "--raw", str(existing / "raw")], existing / "kostra.duckdb",
                       monkeypatch)
    finally:
        silent.close()
    assert outcome.exit_code == fetch_mod.EXIT_FAILED
    assert f"127.0.0.1:{silent.port} svarte ikke på /config" in " ".join(outcome.output.split())
    assert "Ga opp etter 1.5 sekunder" in " ".join(outcome.output.split())
    assert "Traceback" not in outcome.output
    assert fingerprint(existing) == before


@pytest.mark.parametrize("response, expected", [
    (lambda: problem(503, "Service Unavailable"), "HTTP 503"),
    (lambda: problem(429, "Too Many Requests", {"Retry-After": "1"}), "HTTP 429"),
    (lambda: Response("<html><head><title>Vedlikehold</title></head><body>Nede</body></html>", status=200,
                      content_type="text/html"), "HTML-side «Vedlikehold»"),
    (lambda: Response(b'{"version":"2.0","class":"dataset","id":["KOKkommuneregion0000"', status=200,
                      content_type="application/json"), "avkortet"),
], ids=["503 forever", "429 forever", "HTML maintenance page", "truncated JSON"])
def test_faults_mid_download_leave_raw_and_database_byte_identical(fake, server, existing, response, expected):
    fake.fail = _fail_data_of("12292", response)
    before = fingerprint(existing)
    ssb = SsbClient(retries=3, backoff_factor=0, body_retries=0, timeout=(2, 5), total_timeout=2.5)
    with pytest.raises(FetchFailed) as failure:
        run_fetch(existing, ssb=ssb)
    assert expected in str(failure.value)
    assert "tabell 12292" in str(failure.value) or "tables/12292" in str(failure.value)
    assert fingerprint(existing) == before


def test_data_whose_dimensions_do_not_match_the_query_changes_nothing(fake, existing):
    doc = fake.data["11875"]
    bad = orjson.loads(orjson.dumps(doc))
    bad["id"] = ["Region" if d == "KOKkommuneregion0000" else d for d in bad["id"]]
    bad["dimension"]["Region"] = bad["dimension"].pop("KOKkommuneregion0000")
    fake.fail = _fail_data_of("11875", lambda: Response(orjson.dumps(bad), content_type="application/json"))
    _assert_unchanged_after(fake.fail, existing, fake, "11875", "KOKkommuneregion0000")


def test_if_updated_with_nothing_new_exits_0_and_leaves_everything_byte_identical(fake, server, existing):
    before = fingerprint(existing)
    outcome, printed = run_fetch(existing, if_updated=True)
    assert outcome.unchanged and outcome.exit_code == 0
    assert "Ingen tabeller er oppdatert" in printed
    assert fingerprint(existing) == before
    assert data_requests(server) == []


def test_if_updated_fetches_only_the_tables_ssb_updated(fake, server, existing):
    fake.updated("12292", "2026-03-15T07:00:00Z")
    outcome, printed = run_fetch(existing, if_updated=True)
    assert outcome.exit_code == 0
    assert [r.path for r in data_requests(server)] == [f"{SSB}/tables/12292/data"]
    entries = {e.table_id: e.updated for e in read_manifest(existing / "raw") if e.kind == "ssb_table"}
    assert entries["12292"] == "2026-03-15T07:00:00Z" and entries["12209"] == "2025-06-16T06:00:00Z"


def test_progress_is_printed_line_by_line_when_output_is_not_a_terminal(fake, tmp_path):
    calls = {"n": 0}

    def flaky(request):
        if request.path == f"{SSB}/tables/11645/data" and calls["n"] == 0:
            calls["n"] += 1
            return problem(503, "Service Unavailable")
        return None
    fake.fail = flaky
    _, printed = run_fetch(tmp_path)
    lines = printed.splitlines()
    assert f"Kontrollerte tabell 11645 (5 av {len(TABLES)}): ok" in lines
    assert "Hentet tabell 11645: spørring 1 av 1" in lines
    assert any("svarte HTTP 503 på tabell 11645; prøver igjen" in line for line in lines)
    assert any(line.startswith("Hentet KLASS 131_changes_") for line in lines)


def test_a_terminal_gets_a_progress_bar_instead_of_lines(fake, tmp_path):
    out = io.StringIO()
    fetch_all(raw_dir=tmp_path / "raw", db_path=tmp_path / "kostra.duckdb", from_year=FROM_YEAR, today=TODAY,
              console=Console(file=out, width=120, force_terminal=True), **clients())
    printed = out.getvalue()
    assert "━" in printed and "Henter klassifikasjoner fra KLASS" in printed
    assert "spørring 1 av 1\n" not in printed  # the bar replaces the per-step lines


def test_status_names_the_indicators_the_latest_fetch_could_not_update(fake, existing, monkeypatch):
    fake.end_table("07459")
    run_fetch(existing)
    outcome = _cli(["status", "--db", str(existing / "kostra.duckdb")], existing / "kostra.duckdb", monkeypatch)
    assert outcome.exit_code == 0, outcome.output
    assert "Ikke oppdatert ved siste henting (6)" in " ".join(outcome.output.split())  # 07459's five + a formula
    assert "population" in outcome.output


def test_the_call_limit_is_honoured_with_retry_after(fake, server, tmp_path):
    fake.enforce_call_limit = True
    fake.config["maxCallsPerTimeWindow"] = 6
    fake.config["timeWindow"] = 1
    _, printed = run_fetch(tmp_path, ssb=SsbClient(retries=4, backoff_factor=0, body_retries=0, timeout=(2, 5)))
    assert (tmp_path / "kostra.duckdb").exists()
    assert len([r for r, _ in server.log if r.path.startswith(SSB)]) >= 5 * 2 + len(TABLES)


def test_a_code_changed_under_the_same_label_is_fetched_with_ssbs_code_and_recorded(fake, server, existing):
    before = _values(existing, "institution_long_term_residents")
    _double_every_value(fake)
    fake.change_contents_code("12292", "KOSlangtid0000", "KOSlangtid0001")
    outcome, printed = run_fetch(existing)
    assert outcome.exit_code == fetch_mod.EXIT_OK and outcome.failed_indicators == []
    assert outcome.resolved == ["institution_long_term_residents"]
    assert "Funnet ved navn: institution_long_term_residents hentes som KOSlangtid0001" in " ".join(printed.split())
    now = _values(existing, "institution_long_term_residents")
    assert now and all(now[k] == (v * 2 if v is not None else None) for k, v in before.items())
    con = duckdb.connect(str(existing / "kostra.duckdb"), read_only=True)
    try:
        row = con.execute("SELECT catalogue_code, resolved_code, CAST(resolved_on AS VARCHAR) FROM indicator_origin "
                          "WHERE indicator_id = 'institution_long_term_residents'").fetchone()
    finally:
        con.close()
    assert row == ("KOSlangtid0000", "KOSlangtid0001", TODAY.isoformat())
    extra = orjson.loads((existing / "raw" / "manifest.json").read_bytes())
    assert [e["contents_code"] for e in extra["resolved_entries"]] == ["KOSlangtid0001"]
    # a later fetch of another table keeps the resolution for the table it did not check
    outcome, _ = run_fetch(existing, tables=["07459"])
    assert _values(existing, "institution_long_term_residents") == now
