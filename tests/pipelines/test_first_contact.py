"""A municipality's first contact with the real SSB, against the stand-in: the catalogue's guessed codes are not SSB's.

The stand-in's `first_contact` scenario gives three entries other codes under the same labels, changes one label,
and moves one entry to another table. From the embedded demo snapshot, the README's order is run through the
command line: `catalogue check` (exit 3, each entry named with its resolution), `catalogue check --write` (fixes
what it can, shows the diff, leaves the renamed entry alone), `fetch` (exit 3: everything resolvable is updated,
the renamed entry keeps its demo numbers and says so), and every page renders from the new database.
A second run fetches without `--write`: the entries found by label are fetched under SSB's codes and the database
records code, label and date for /kilder and the source lines.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipelines import catalogue as cat_mod
from pipelines.fetch import EXIT_PARTLY_UPDATED

from ssb_standin import FIXTURES, KLASS, SSB, StandIn  # noqa: E402  (tests/ssb_standin.py)

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = ["oversikt", "kostnad-per-mottaker", "institusjon-vs-hjemme", "brukere", "fremskriving", "kilder"]


def _start(server, tmp_path_factory, name: str):
    """A demo-snapshot raw dir and database, a private copy of the catalogue, and the stand-in in first contact."""
    root = tmp_path_factory.mktemp(name)
    shutil.copytree(ROOT / "data" / "raw", root / "raw")
    shutil.copy(cat_mod.CATALOGUE_PATH, root / "catalogue.toml")
    services = StandIn()
    expected = services.first_contact()
    server.clear()
    server.expect_request(re.compile(".*")).respond_with_handler(services)
    mp = pytest.MonkeyPatch()
    mp.setenv("SSB_API_URL", server.url_for(SSB))
    mp.setenv("KLASS_API_URL", server.url_for(KLASS))
    mp.setenv("KOSTRA_DB", str(root / "kostra.duckdb"))
    mp.setenv(cat_mod.CATALOGUE_ENV, str(root / "catalogue.toml"))
    mp.setenv("COLUMNS", "250")
    from pipelines.build import build
    build(root / "raw", root / "kostra.duckdb")
    return root, services, expected, mp


def _cli(*args: str):
    from pipelines.__main__ import app
    return CliRunner().invoke(app, list(args))


def _rows(output: str) -> dict[str, str]:
    """The check's table, one text per indicator id (a row may wrap over several lines)."""
    rows: dict[str, str] = {}
    current = None
    for line in output.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) < 5:
            continue
        if cells[1]:
            current = cells[1]
        if current:
            rows[current] = rows.get(current, "") + " " + " ".join(cells)
    return {k: " ".join(v.split()) for k, v in rows.items()}


@pytest.fixture(scope="module")
def written(server, tmp_path_factory):
    """check, check --write, fetch: the README's order, with every command's result kept."""
    root, services, expected, mp = _start(server, tmp_path_factory, "first-contact")
    catalogue_before = (root / "catalogue.toml").read_text(encoding="utf-8")
    try:
        check = _cli("catalogue", "check")
        unchanged = (root / "catalogue.toml").read_text(encoding="utf-8")
        write = _cli("catalogue", "check", "--write")
        catalogue_after = (root / "catalogue.toml").read_text(encoding="utf-8")
        fetch = _cli("fetch", "--from-year", "2023", "--raw", str(root / "raw"))
        yield {"root": root, "services": services, "expected": expected, "check": check, "write": write,
               "fetch": fetch, "before": catalogue_before, "unchanged": unchanged, "after": catalogue_after, "mp": mp}
    finally:
        mp.undo()


def test_check_exits_3_and_names_each_entry_with_its_resolution(written):
    check = written["check"]
    assert check.exit_code == EXIT_PARTLY_UPDATED, check.output
    rows = _rows(check.output)
    assert "KOSkorrbrmotthj0000 finnes ikke; samme navn har KOSKBDUhjemmetj0000: brukes" in rows[
        "home_care_cost_per_recipient"]
    assert "KOSandelf2540000 finnes ikke; samme navn har KOSandel254netto0000: brukes" in rows[
        "home_care_share_of_care_net_expenditure"]
    assert "KOSinstkommplass0000 finnes ikke; samme navn har KOSinstkommdrift0000: brukes" in rows[
        "municipal_institution_places"]
    assert "funnet i annen tabell" in rows["institution_cost_per_place"]
    assert "samme navn har KOSKBDUplass0000 i tabell 12209: brukes" in rows["institution_cost_per_place"]
    assert "navn endret" in rows["activity_share_of_care_net_expenditure"]
    status = {"resolved": "funnet ved navn", "moved": "funnet i annen tabell", "label_changed": "navn endret"}
    for ind, what in written["expected"].items():
        assert status[what] in rows[ind], ind
    untouched = [i for i in rows if i not in written["expected"]]
    assert untouched and all(" ok " in f" {rows[i]} " for i in untouched)
    n = len(rows)
    assert f"{n - 5} av {n} oppføringer stemmer med SSB. 4 funnet ved navn" in " ".join(check.output.split())
    assert written["unchanged"] == written["before"], "without --write the catalogue file is not touched"


def test_write_fixes_what_was_resolved_keeps_comments_and_leaves_the_renamed_entry_alone(written):
    write = written["write"]
    assert write.exit_code == EXIT_PARTLY_UPDATED, write.output  # the renamed entry still needs a person
    after = written["after"]
    assert "+contents_code = \"KOSKBDUhjemmetj0000\"" in write.output and "-table = \"12293\"" in write.output
    cat = cat_mod.parse(after)
    src = {i.id: i.source for i in cat.sourced()}
    assert src["home_care_cost_per_recipient"].contents_code == "KOSKBDUhjemmetj0000"
    assert src["home_care_cost_per_recipient"].contents_label == (
        "Korrigerte brutto driftsutgifter pr. mottaker av hjemmetjenester")  # SSB's label, without «(i kroner)»
    assert src["home_care_share_of_care_net_expenditure"].contents_code == "KOSandel254netto0000"
    assert src["municipal_institution_places"].contents_code == "KOSinstkommdrift0000"
    assert (src["institution_cost_per_place"].table, src["institution_cost_per_place"].contents_code) == (
        "12209", "KOSKBDUplass0000")
    for ind in ("home_care_cost_per_recipient", "institution_cost_per_place", "population"):
        assert src[ind].verified and src[ind].checked
    assert "Funnet ved navnet i SSBs metadata" in src["home_care_cost_per_recipient"].evidence
    # the unresolved entry: byte for byte as it was
    before_cat = cat_mod.parse(written["before"])
    assert src["activity_share_of_care_net_expenditure"] == before_cat.indicators[
        "activity_share_of_care_net_expenditure"].source
    # every comment survives, in order
    comments = [line for line in written["before"].splitlines() if line.startswith("#")]
    assert [line for line in after.splitlines() if line.startswith("#")] == comments
    assert after.index('id = "12209"') < after.index('id = "home_care_cost_per_recipient"')


def _values(db: Path, indicator_id: str) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {(r, y): (v, d) for r, y, v, d in con.execute(
            "SELECT region_code, year, value, is_demo FROM indicator_values WHERE indicator_id = ? "
            "AND NOT is_own_calculation", [indicator_id]).fetchall()}
    finally:
        con.close()


def _served(services: StandIn, table_id: str, code: str) -> dict:
    doc = services.data[table_id]
    dims = doc["id"]
    idx = {d: sorted(doc["dimension"][d]["category"]["index"], key=doc["dimension"][d]["category"]["index"].get)
           for d in dims}
    import itertools
    out = {}
    for n, combo in enumerate(itertools.product(*(idx[d] for d in dims))):
        cell = dict(zip(dims, combo))
        if cell["ContentsCode"] == code and int(cell["Tid"]) >= 2023:
            out[(cell["KOKkommuneregion0000"], int(cell["Tid"]))] = doc["value"][n]
    return out


def _served_cells(services: StandIn, table_id: str):
    """(cell as {dimension: code}, value) for every cell the stand-in serves in the table."""
    import itertools
    doc = services.data[table_id]
    idx = [sorted(doc["dimension"][d]["category"]["index"], key=doc["dimension"][d]["category"]["index"].get)
           for d in doc["id"]]
    for n, combo in enumerate(itertools.product(*idx)):
        yield dict(zip(doc["id"], combo)), doc["value"][n]


def test_fetch_updates_everything_resolvable_and_keeps_the_renamed_entry(written):
    fetch = written["fetch"]
    assert fetch.exit_code == EXIT_PARTLY_UPDATED, fetch.output
    assert "Delvis oppdatert: 1 indikatorer" in fetch.output
    db = written["root"] / "kostra.duckdb"
    services = written["services"]
    for ind, table, code in (("home_care_cost_per_recipient", "12209", "KOSKBDUhjemmetj0000"),
                             ("institution_cost_per_place", "12209", "KOSKBDUplass0000"),
                             ("municipal_institution_places", "11875", "KOSinstkommdrift0000")):
        got = _values(db, ind)
        served = {k: v for k, v in _served(services, table, code).items() if k in got}
        assert served and all(got[k][0] == v and got[k][1] is False for k, v in served.items()), ind
    # the renamed entry (SSB's f234 share, no longer found by code or label) is shown as our own calculation from
    # the accounts just fetched (12367), never as demo numbers posing as current
    con = duckdb.connect(str(db), read_only=True)
    try:
        shown = {(r, y): (v, demo) for r, y, v, demo in con.execute(
            "SELECT region_code, year, value, is_demo FROM indicator_values "
            "WHERE indicator_id = 'activity_share_of_care_net_expenditure' AND is_own_calculation").fetchall()}
    finally:
        con.close()
    accounts = {(c["KOKkommuneregion0000"], int(c["Tid"]), c["KOKfunksjon0000"]): v
                for c, v in _served_cells(services, "12367")
                if c["KOKregnskapsomfa0000"] == "A" and c["KOKart0000"] == "AGD2"}
    net = {f: accounts[("3909", 2024, f)] for f in ("234", "253", "254", "261")}
    assert shown[("3909", 2024)] == (pytest.approx(100 * net["234"] / sum(net.values())), False)
    assert all(demo is False for _, demo in shown.values())
    con = duckdb.connect(str(db), read_only=True)
    try:
        stale = con.execute("SELECT indicator_id FROM indicator_origin WHERE stale").fetchall()
        tables = {r[0] for r in con.execute("SELECT table_id FROM source_table").fetchall()}
    finally:
        con.close()
    assert {s for (s,) in stale} == set(), "the renamed entry shows our calculation, fetched now: not stale"
    assert "12293" not in tables, "a table no entry uses any more is not carried along as demo"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_from_the_new_database(written, page, monkeypatch):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("KOSTRA_DB", str(written["root"] / "kostra.duckdb"))
    monkeypatch.setenv(cat_mod.CATALOGUE_ENV, str(written["root"] / "catalogue.toml"))
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["kommune"] = "3909"
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [e for e in at.error], [e.value for e in at.error]
    if page == "kilder":  # after --write the catalogue itself records that the code was found by its label
        sources = next(d.value for d in at.dataframe if "Koden" in d.value.columns).set_index("Indikator")
        assert sources.loc["Kostnad per mottaker, hjemmetjenester", "Koden"].startswith("Bekreftet mot SSB ")
        assert "Funnet ved navnet i SSBs metadata" in sources.loc["Kostnad per mottaker, hjemmetjenester", "Koden"]
        # the renamed f234 share is not left with old numbers: it shows our calculation from the accounts, fetched now
        assert not any("ikke oppdatert ved siste henting" in w.value for w in at.warning)
        stand_ins = next(d.value for d in at.dataframe if "Vises" in d.value.columns).set_index("Indikator")
        assert stand_ins.loc["Andel aktivisering (f234)", "Vises"] == "Egen beregning fra regnskapet"
        assert stand_ins.loc["Andel aktivisering (f234)", "SSBs eget tall"].endswith("ikke bekreftet mot SSB")
        assert stand_ins.loc["Kostnad per mottaker, hjemmetjenester", "Vises"] == "SSBs eget tall"


@pytest.fixture(scope="module")
def by_label(server, tmp_path_factory):
    """check, then fetch without --write: SSB's codes are used for this fetch and recorded as such."""
    root, services, expected, mp = _start(server, tmp_path_factory, "by-label")
    try:
        fetch = _cli("fetch", "--from-year", "2023", "--raw", str(root / "raw"))
        yield {"root": root, "fetch": fetch, "catalogue": (root / "catalogue.toml").read_text(encoding="utf-8")}
    finally:
        mp.undo()


def test_fetch_without_write_uses_the_resolved_codes_and_records_the_lineage(by_label):
    fetch = by_label["fetch"]
    assert fetch.exit_code == EXIT_PARTLY_UPDATED, fetch.output
    out = " ".join(fetch.output.split())
    assert "Funnet ved navn: home_care_cost_per_recipient hentes som KOSKBDUhjemmetj0000 fra tabell 12209" in out
    assert "catalogue check --write" in out
    assert by_label["catalogue"] == (ROOT / "pipelines" / "catalogue.toml").read_text(encoding="utf-8")
    con = duckdb.connect(str(by_label["root"] / "kostra.duckdb"), read_only=True)
    try:
        lineage = {r[0]: r[1:] for r in con.execute(
            "SELECT indicator_id, catalogue_table, catalogue_code, resolved_table, resolved_code, resolved_label, "
            "CAST(resolved_on AS VARCHAR) FROM indicator_origin WHERE resolved_code IS NOT NULL").fetchall()}
        codes = dict(con.execute("SELECT id, contents_code FROM indicator").fetchall())
        demo = con.execute("SELECT value FROM build_info WHERE key = 'ssb_is_demo'").fetchone()[0]
    finally:
        con.close()
    assert set(lineage) == {"home_care_cost_per_recipient", "home_care_share_of_care_net_expenditure",
                            "municipal_institution_places", "institution_cost_per_place"}
    assert lineage["institution_cost_per_place"][:5] == (
        "12293", "KOSKBDUplass0000", "12209", "KOSKBDUplass0000",
        "Korrigerte brutto driftsutgifter, institusjon, pr. kommunal plass")
    assert lineage["home_care_cost_per_recipient"][3] == "KOSKBDUhjemmetj0000" and lineage[
        "home_care_cost_per_recipient"][5]
    assert codes["home_care_cost_per_recipient"] == "KOSKBDUhjemmetj0000"
    assert demo == "true", "the renamed entry's kept demo rows keep the database marked as holding demo data"


def test_the_fixtures_take_ssbs_real_shapes():
    import orjson
    meta = orjson.loads((FIXTURES / "metadata" / "12209.json").read_bytes())
    data = orjson.loads((FIXTURES / "data" / "12209.json").read_bytes())
    assert meta["id"] == ["KOKkommuneregion0000", "ContentsCode", "Tid"]
    assert not any(d["extension"]["elimination"] for d in meta["dimension"].values())
    labels = meta["dimension"]["KOKkommuneregion0000"]["category"]["label"]
    assert labels["3805"] == "Larvik (2020-2023)" and labels["0712"] == "Larvik (2018-2019)"
    assert isinstance(data["status"], dict)
    assert all(data["value"][int(k)] is None for k in data["status"])
    projection = orjson.loads((FIXTURES / "metadata" / "14746.json").read_bytes())
    dims = projection["dimension"]
    assert projection["id"] == ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"]
    assert dims["Kjonn"]["extension"]["elimination"] is True
    assert not any(c.startswith("EKG") or c in ("3805", "0712") for c in dims["Region"]["category"]["index"])
    ages = list(dims["Alder"]["category"]["index"])
    assert ages[0] == "000" and ages[-2:] == ["104", "105+"]
    assert dims["ContentsCode"]["category"]["label"]["Personer"] == "Hovedalternativet (MMMM)"
    users = orjson.loads((FIXTURES / "metadata" / "11645.json").read_bytes())
    assert list(users["dimension"]["Alder"]["category"]["index"]) == ["00-49", "50-66", "67-79", "80-89", "90+",
                                                                       "Ialt"]


def test_kilder_and_the_source_lines_tell_which_figures_were_found_by_label(by_label, monkeypatch):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("KOSTRA_DB", str(by_label["root"] / "kostra.duckdb"))
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("pages/kilder.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("4 indikatorer ble funnet ved navn" in i.value for i in at.info)
    frames = [d.value for d in at.dataframe]
    resolved = next(f for f in frames if "SSB har" in f.columns)
    row = resolved.set_index("Indikator").loc["Kostnad per institusjonsplass"]
    assert (row["Katalogen sier"], row["SSB har"]) == ("KOSKBDUplass0000", "KOSKBDUplass0000 i tabell 12209")
    sources = next(f for f in frames if "Koden" in f.columns).set_index("Indikator")
    assert sources.loc["Kostnad per mottaker, hjemmetjenester", "Koden"].startswith(
        "Funnet ved navn ") and "KOSKBDUhjemmetj0000" in sources.loc["Kostnad per mottaker, hjemmetjenester", "Koden"]
    # the renamed f234 share was not found: the pages show our calculation from the accounts instead
    assert sources.loc["Andel aktivisering (f234)", "Kilde"].startswith("Egen beregning: divide(accounts_net_f234")
    stand_ins = next(f for f in frames if "Vises" in f.columns).set_index("Indikator")
    assert stand_ins.loc["Andel aktivisering (f234)", "Vises"] == "Egen beregning fra regnskapet"
    assert stand_ins.loc["Kostnad per mottaker, hjemmetjenester", "Vises"] == \
        "SSBs eget tall (funnet ved navn ved siste henting)"
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["kommune"] = "3909"
    at.switch_page("pages/kostnad-per-mottaker.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    lines = " ".join(el.value for el in [*at.markdown, *at.html] if "chart-source" in el.value)
    assert "Funnet ved navn ved siste henting (se Kilder): Kostnad per mottaker, hjemmetjenester (SSBs kode " \
           "KOSKBDUhjemmetj0000, tabell 12209)" in lines
