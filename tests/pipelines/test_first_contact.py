"""A municipality's first contact with the real SSB, against the stand-in as SSB really is (second round of evidence).

The stand-in's `first_contact` scenario: 12209 names its cost figures «Utgifter per …» (KOSBDU…) and has none of the
catalogue's 2011 wording, so six entries are found neither by code nor by label; labels end with their unit; one
guessed code is found by its label; one entry lives in another table. From the embedded demo snapshot, the README's
order is run through the command line: `catalogue check` (exit 3: each entry named, the six with SSB's nearest
variables as candidates), `catalogue choose` (a person picks SSB's variable for cost per recipient), `catalogue check
--write` (fixes what it can, shows the diff, leaves the unresolved alone), `fetch` (exit 3: everything resolved is
updated; the four f25x shares, unresolved but with our own calculation, show it from the accounts just fetched
(12367); the one entry with neither shows no figure, «ikke funnet hos SSB» with the reason; never demo numbers), and
every page renders from the new database with real (stand-in) numbers, our calculation, or an honest «ikke funnet».
A second run fetches without `--write`: the entries found by label are fetched under SSB's codes and the database
records code, label and date for /kilder and the source lines; cost per recipient, without a person's choice, is
our calculation.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from pipelines import catalogue as cat_mod
from pipelines.fetch import EXIT_PARTLY_UPDATED

from ssb_standin import FIXTURES, StandIn, answer_on, limit_in_virtual_time  # noqa: E402  (tests/ssb_standin.py)

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = ["oversikt", "kostnad-per-mottaker", "institusjon-vs-hjemme", "brukere", "fremskriving", "aldersjustert",
         "kilder"]
CHOSEN = "KOSBDU254mott0000"  # the stand-in's «Utgifter per mottaker av hjemmetjenester (kr)»
NOT_FOUND = {"care_net_expenditure_per_inhabitant", "home_care_share_of_care_net_expenditure",
             "institution_share_of_care_net_expenditure", "premises_share_of_care_net_expenditure",
             "activity_share_of_care_net_expenditure"}  # found at SSB by neither code nor label
# of those, the ones with our own calculation from the accounts (`stands_in_for`), and the function each share is of
OWN = {"home_care_share_of_care_net_expenditure": "254", "institution_share_of_care_net_expenditure": "253",
       "premises_share_of_care_net_expenditure": "261", "activity_share_of_care_net_expenditure": "234"}
SHOWN_NOT_FOUND = NOT_FOUND - set(OWN)  # neither SSB's figure nor ours: «Ikke funnet hos SSB» with the reason


def _start(server, tmp_path_factory, built_db, name: str):
    """A demo-snapshot raw dir and database, a private copy of the catalogue, and the stand-in in first contact.
    The database is a copy of the session's, built from the same snapshot (the fetch rebuilds it from root/raw and
    records that raw dir)."""
    root = tmp_path_factory.mktemp(name)
    shutil.copytree(ROOT / "data" / "raw", root / "raw")
    shutil.copy(built_db, root / "kostra.duckdb")
    shutil.copy(cat_mod.CATALOGUE_PATH, root / "catalogue.toml")
    services = StandIn()
    expected = services.first_contact()
    mp = pytest.MonkeyPatch()
    answer_on(server, mp, services)
    limit_in_virtual_time(mp)
    mp.setenv("KOSTRA_DB", str(root / "kostra.duckdb"))
    mp.setenv(cat_mod.CATALOGUE_ENV, str(root / "catalogue.toml"))
    mp.setenv("COLUMNS", "250")
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
def written(server, tmp_path_factory, built_db):
    """check, check --write, fetch: the README's order, with every command's result kept."""
    root, services, expected, mp = _start(server, tmp_path_factory, built_db, "first-contact")
    catalogue_before = (root / "catalogue.toml").read_text(encoding="utf-8")
    try:
        check = _cli("catalogue", "check")
        unchanged = (root / "catalogue.toml").read_text(encoding="utf-8")
        choose = _cli("catalogue", "choose", "home_care_cost_per_recipient", "12209", CHOSEN)
        chosen = (root / "catalogue.toml").read_text(encoding="utf-8")
        write = _cli("catalogue", "check", "--write")
        catalogue_after = (root / "catalogue.toml").read_text(encoding="utf-8")
        fetch = _cli("fetch", "--from-year", "2023", "--raw", str(root / "raw"))
        yield {"root": root, "services": services, "expected": expected, "check": check, "write": write,
               "fetch": fetch, "before": catalogue_before, "unchanged": unchanged, "after": catalogue_after, "mp": mp,
               "choose": choose, "chosen": chosen}
    finally:
        mp.undo()


def test_check_exits_3_names_each_entry_and_lists_candidates_for_what_ssb_renamed(written):
    check = written["check"]
    assert check.exit_code == EXIT_PARTLY_UPDATED, check.output
    rows = _rows(check.output)
    assert "KOSinstkommplass0000 finnes ikke; samme navn har KOSinstkommdrift0000: brukes" in rows[
        "municipal_institution_places"]
    assert "funnet i annen tabell" in rows["institution_cost_per_place"]
    assert "samme navn har KOSKBDUplass0000 i tabell 12209: brukes" in rows["institution_cost_per_place"]
    for ind, what in written["expected"].items():
        if what == "not_found":
            assert "ikke funnet hos SSB" in rows[ind], ind
    untouched = [i for i in rows if i not in written["expected"]]
    assert untouched and all(" ok " in f" {rows[i]} " for i in untouched)
    out = " ".join(check.output.split())
    n = len(rows)
    assert f"{n - 8} av {n} oppføringer stemmer med SSB. 2 funnet ved navn" in out
    # the nearest real variables, each with table, code, label, unit and years, and the command to choose one
    block = out[out.index("home_care_cost_per_recipient: ikke funnet hos SSB"):]
    assert f"tabell 12209 {CHOSEN} «Utgifter per mottaker av hjemmetjenester (kr)» (kr, 2022–2024)" in block
    assert "Velg med: python -m pipelines catalogue choose home_care_cost_per_recipient 12209" in block
    assert written["unchanged"] == written["before"], "without --write the catalogue file is not touched"


def test_choose_writes_ssbs_variable_with_who_and_when(written):
    choose = written["choose"]
    assert choose.exit_code == 0, choose.output
    assert f'+contents_code = "{CHOSEN}"' in choose.output and '+basis = "chosen"' in choose.output
    src = cat_mod.parse(written["chosen"]).indicators["home_care_cost_per_recipient"].source
    assert (src.table, src.contents_code, src.contents_label, src.basis) == (
        "12209", CHOSEN, "Utgifter per mottaker av hjemmetjenester (kr)", "chosen")
    import getpass
    assert src.chosen_by == getpass.getuser() and src.chosen_on and src.verified
    assert "katalogen hadde KOSkorrbrmotthj0000 i tabell 12209" in src.evidence


def test_choose_refuses_a_code_ssb_does_not_have_or_another_entry_uses(written):
    before = (written["root"] / "catalogue.toml").read_text(encoding="utf-8")
    unknown = _cli("catalogue", "choose", "care_net_expenditure_per_inhabitant", "12209", "KOSfinnesikke0000")
    assert unknown.exit_code == 1 and "har ingen statistikkvariabel KOSfinnesikke0000" in " ".join(
        unknown.output.split())
    used = _cli("catalogue", "choose", "care_net_expenditure_per_inhabitant", "12209", "KOShjtj80aarover0001")
    assert used.exit_code == 1
    assert (written["root"] / "catalogue.toml").read_text(encoding="utf-8") == before


def test_write_fixes_what_was_resolved_keeps_comments_and_leaves_the_unresolved_alone(written):
    write = written["write"]
    assert write.exit_code == EXIT_PARTLY_UPDATED, write.output  # five entries still need a person
    after = written["after"]
    assert "-table = \"12293\"" in write.output
    cat = cat_mod.parse(after)
    src = {i.id: i.source for i in cat.sourced()}
    assert src["municipal_institution_places"].contents_code == "KOSinstkommdrift0000"
    assert (src["institution_cost_per_place"].table, src["institution_cost_per_place"].contents_code) == (
        "12209", "KOSKBDUplass0000")
    for ind in ("home_care_cost_per_recipient", "institution_cost_per_place", "population", "population_age_90_plus"):
        assert src[ind].verified and src[ind].checked
    assert src["home_care_cost_per_recipient"].basis == "chosen"
    # the unresolved entries: as they were
    before_cat = cat_mod.parse(written["before"])
    for ind in NOT_FOUND:
        assert src[ind] == before_cat.indicators[ind].source
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


def test_fetch_shows_ssbs_figure_our_calculation_or_nothing_never_demo(written):
    fetch = written["fetch"]
    assert fetch.exit_code == EXIT_PARTLY_UPDATED, fetch.output
    assert "Delvis oppdatert: 5 indikatorer" in fetch.output
    db = written["root"] / "kostra.duckdb"
    services = written["services"]
    for ind, table, code in (("home_care_cost_per_recipient", "12209", CHOSEN),
                             ("institution_cost_per_place", "12209", "KOSKBDUplass0000"),
                             ("municipal_institution_places", "11875", "KOSinstkommdrift0000")):
        got = _values(db, ind)
        served = {k: v for k, v in _served(services, table, code).items() if k in got}
        assert served and all(got[k][0] == v and got[k][1] is False for k, v in served.items()), ind
    for ind in NOT_FOUND:
        assert _values(db, ind) == {}, f"{ind}: no demo numbers posing as SSB's in a live database"
    # the four f25x shares (found by neither code nor label) are our own calculation from the accounts just
    # fetched (12367), under the figures' own ids, never demo numbers posing as current
    accounts = {(c["KOKkommuneregion0000"], int(c["Tid"]), c["KOKfunksjon0000"]): v
                for c, v in _served_cells(services, "12367")
                if c["KOKregnskapsomfa0000"] == "A" and c["KOKart0000"] == "AGD2"}
    net = {f: accounts[("3909", 2024, f)] for f in ("234", "253", "254", "261")}
    con = duckdb.connect(str(db), read_only=True)
    try:
        for ind, function in OWN.items():
            shown = {(r, y): (v, demo) for r, y, v, demo in con.execute(
                "SELECT region_code, year, value, is_demo FROM indicator_values "
                "WHERE indicator_id = ? AND is_own_calculation", [ind]).fetchall()}
            assert shown[("3909", 2024)] == (pytest.approx(100 * net[function] / sum(net.values())), False), ind
            assert all(demo is False for _, demo in shown.values()), ind
        # the person-chosen cost per recipient is SSB's figure, not our calculation
        assert con.execute("SELECT count(*) FROM indicator_values WHERE indicator_id = "
                           "'home_care_cost_per_recipient' AND is_own_calculation").fetchone()[0] == 0
    finally:
        con.close()
    con = duckdb.connect(str(db), read_only=True)
    try:
        origin = {r[0]: r[1:] for r in con.execute(
            "SELECT indicator_id, stale, not_found, reason FROM indicator_origin WHERE stale").fetchall()}
        tables = {r[0] for r in con.execute("SELECT table_id FROM source_table").fetchall()}
        demo_rows = con.execute("SELECT count(*) FROM indicator_values WHERE is_demo").fetchone()[0]
        demo_obs = con.execute("SELECT count(*) FROM observation WHERE is_demo").fetchone()[0]
        ssb_demo = con.execute("SELECT value FROM build_info WHERE key = 'ssb_is_demo'").fetchone()[0]
        ages = con.execute("SELECT count(value) FROM indicator_values WHERE indicator_id = 'population_age_80_89' "
                           "AND region_code IN ('3909', 'EKG13', 'EAK') AND year = 2024").fetchone()[0]
    finally:
        con.close()
    assert set(origin) == SHOWN_NOT_FOUND, "entries with our calculation are current, not stale"
    assert all(nf and "ikke funnet hos SSB" in reason for _, nf, reason in origin.values())
    assert demo_rows == 0, "a live first contact shows real (stand-in) numbers or nothing"
    assert (demo_obs, ssb_demo) == (0, "false"), "nor keeps demo rows of the figures our calculation stands in for"
    assert ages == 3, "inhabitants by age from 07459's one-year ages, for the municipality, its group and the country"
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
    if page == "kilder":  # the catalogue records who chose the code; the unresolved say «ikke funnet hos SSB»
        sources = next(d.value for d in at.dataframe if "Koden" in d.value.columns).set_index("Indikator")
        assert sources.loc["Kostnad per mottaker, hjemmetjenester", "Koden"].startswith("Valgt av en person")
        assert "Funnet ved navnet i SSBs metadata" in sources.loc["Kostnad per institusjonsplass", "Koden"]
        assert sources.loc["Netto driftsutgifter pleie og omsorg per innbygger", "Opphav"].startswith(
            "Ikke funnet hos SSB: ")
        assert sources.loc["Andel hjemmetjenester (f254)", "Kilde"].startswith("Egen beregning: divide(accounts_net_f254")
        assert not sources.loc["Andel hjemmetjenester (f254)", "Opphav"].startswith("Ikke funnet")
        assert any("ikke oppdatert ved siste henting" in w.value for w in at.warning)
        stand_ins = next(d.value for d in at.dataframe if "Vises" in d.value.columns).set_index("Indikator")
        assert stand_ins.loc["Andel aktivisering (f234)", "Vises"] == "Egen beregning fra regnskapet"
        assert stand_ins.loc["Andel aktivisering (f234)", "SSBs eget tall"].endswith("ikke bekreftet mot SSB")
        assert stand_ins.loc["Kostnad per mottaker, hjemmetjenester", "Vises"] == "SSBs eget tall"
    if page == "oversikt":  # the source lines say which figures SSB does not have and why, and which are ours
        lines = " ".join(el.value for el in [*at.markdown, *at.html, *at.caption] if "chart-source" in el.value
                         or "Ikke funnet hos SSB" in el.value)
        assert "Ikke funnet hos SSB (se Kilder): Netto driftsutgifter pleie og omsorg per innbygger – Indikator " \
               "care_net_expenditure_per_inhabitant" in lines
        assert "Ikke funnet hos SSB (se Kilder): Andel hjemmetjenester" not in lines


@pytest.fixture(scope="module")
def by_label(server, tmp_path_factory, built_db):
    """check, then fetch without --write: SSB's codes are used for this fetch and recorded as such."""
    root, services, expected, mp = _start(server, tmp_path_factory, built_db, "by-label")
    try:
        fetch = _cli("fetch", "--from-year", "2023", "--raw", str(root / "raw"))
        yield {"root": root, "fetch": fetch, "catalogue": (root / "catalogue.toml").read_text(encoding="utf-8")}
    finally:
        mp.undo()


def test_fetch_without_write_uses_the_resolved_codes_and_records_the_lineage(by_label):
    fetch = by_label["fetch"]
    assert fetch.exit_code == EXIT_PARTLY_UPDATED, fetch.output
    out = " ".join(fetch.output.split())
    assert "Funnet ved navn: municipal_institution_places hentes som KOSinstkommdrift0000 fra tabell 11875" in out
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
    assert set(lineage) == {"municipal_institution_places", "institution_cost_per_place"}
    assert lineage["institution_cost_per_place"][:5] == (
        "12293", "KOSKBDUplass0000", "12209", "KOSKBDUplass0000",
        "Korrigerte brutto driftsutgifter, institusjon, pr. kommunal plass (kr)")
    assert lineage["municipal_institution_places"][3] == "KOSinstkommdrift0000" and lineage[
        "municipal_institution_places"][4] == "Institusjon - kommunale plasser (antall)"
    assert codes["municipal_institution_places"] == "KOSinstkommdrift0000"
    assert demo == "false", "the unresolved entries' demo rows are left out, not kept"


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
    assert any("2 indikatorer ble funnet ved navn" in i.value for i in at.info)
    frames = [d.value for d in at.dataframe]
    resolved = next(f for f in frames if "SSB har" in f.columns)
    row = resolved.set_index("Indikator").loc["Kostnad per institusjonsplass"]
    assert (row["Katalogen sier"], row["SSB har"]) == ("KOSKBDUplass0000", "KOSKBDUplass0000 i tabell 12209")
    sources = next(f for f in frames if "Koden" in f.columns).set_index("Indikator")
    assert sources.loc["Kommunale institusjonsplasser", "Koden"].startswith(
        "Funnet ved navn ") and "KOSinstkommdrift0000" in sources.loc["Kommunale institusjonsplasser", "Koden"]
    # the renamed f234 share was not found: the pages show our calculation from the accounts instead
    assert sources.loc["Andel aktivisering (f234)", "Kilde"].startswith("Egen beregning: divide(accounts_net_f234")
    assert not sources.loc["Andel aktivisering (f234)", "Opphav"].startswith("Ikke funnet")
    assert sources.loc["Netto driftsutgifter pleie og omsorg per innbygger", "Koden"] == \
        "Gjettet kode, ikke bekreftet mot SSB"
    assert sources.loc["Netto driftsutgifter pleie og omsorg per innbygger", "Opphav"].startswith(
        "Ikke funnet hos SSB: ")
    stand_ins = next(f for f in frames if "Vises" in f.columns).set_index("Indikator")
    assert stand_ins.loc["Andel aktivisering (f234)", "Vises"] == "Egen beregning fra regnskapet"
    assert stand_ins.loc["Kostnad per mottaker, hjemmetjenester", "Vises"] == "Egen beregning fra regnskapet"
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["kommune"] = "3909"
    at.switch_page("pages/kostnad-per-mottaker.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    lines = " ".join(el.value for el in [*at.markdown, *at.html] if "chart-source" in el.value)
    assert "Funnet ved navn ved siste henting (se Kilder): Kostnad per institusjonsplass (SSBs kode " \
           "KOSKBDUplass0000, tabell 12209)" in lines
    # without a person's choice SSB's cost per recipient is not confirmed: the page shows our calculation, and says so
    assert "Egen beregning: Kostnad per mottaker, hjemmetjenester (fra regnskapet, i stedet for SSBs eget tall, " \
           "som ikke er bekreftet mot SSB)" in lines
    assert "tabell 12367" in lines and "Ikke funnet hos SSB" not in lines


def test_vis_shows_our_calculation_or_nothing_never_demo_numbers(written, monkeypatch):
    """/vis after the first contact: andel-f254 shows our calculation from the accounts (no «ikke funnet», no demo),
    profil-gruppe says «Ikke funnet hos SSB» with the check's reason for the figure that has neither."""
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("KOSTRA_DB", str(written["root"] / "kostra.duckdb"))
    monkeypatch.setenv(cat_mod.CATALOGUE_ENV, str(written["root"] / "catalogue.toml"))
    texts = {}
    for figure in ("andel-f254", "profil-gruppe"):
        at = AppTest.from_file(APP, default_timeout=90)
        at.query_params["figur"] = figure
        at.query_params["kommune"] = "3909"
        at.switch_page("pages/vis.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        texts[figure] = " ".join(el.value for el in [*at.markdown, *at.html, *at.caption, *at.info, *at.warning])
        assert "Demodata" not in texts[figure], figure
    assert "Egen beregning: Andel hjemmetjenester (f254) (fra regnskapet" in texts["andel-f254"]
    assert "tabell 12367" in texts["andel-f254"] and "Ikke funnet hos SSB" not in texts["andel-f254"]
    assert "Ikke funnet hos SSB (se Kilder): Netto driftsutgifter pleie og omsorg per innbygger – Indikator " \
           "care_net_expenditure_per_inhabitant" in texts["profil-gruppe"]
