"""`catalogue check [--write]` and label resolution against the stand-in: what resolves, what never does, and what
`--write` may touch."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest
from typer.testing import CliRunner

from pipelines import catalogue as cat_mod
from pipelines.catalogue_check import verdicts, write_back
from pipelines.fetch import EXIT_PARTLY_UPDATED, check_catalogue, labelled, normalise_label, parse_dimensions
from pipelines.http_client import SsbClient

from ssb_standin import StandIn, answer_on, limit_in_virtual_time  # noqa: E402  (tests/ssb_standin.py)

DAY = dt.date(2026, 12, 4)


@pytest.fixture
def fake(server, monkeypatch, tmp_path) -> StandIn:
    services = answer_on(server, monkeypatch)
    limit_in_virtual_time(monkeypatch)
    shutil.copy(cat_mod.CATALOGUE_PATH, tmp_path / "catalogue.toml")
    monkeypatch.setenv(cat_mod.CATALOGUE_ENV, str(tmp_path / "catalogue.toml"))
    monkeypatch.setenv("COLUMNS", "250")
    return services


def _check(catalogue=None):
    catalogue = catalogue or cat_mod.load()
    with SsbClient(retries=0) as client:
        checks = check_catalogue(client, catalogue, list(catalogue.tables))
    return catalogue, checks, {v.indicator_id: v for v in verdicts(catalogue, checks)}


@pytest.mark.parametrize("live, catalogue", [
    ("Korrigerte brutto driftsutgifter pr. mottaker av hjemmetjenester",
     "Korrigerte brutto driftsutgifter pr. mottaker av hjemmetjenester (i kroner)"),
    ("Andel innbyggere 80 år og over som bruker hjemmetjenester (prosent)",
     "andel innbyggere 80 år og over som bruker hjemmetjenester"),
    ("Institusjon – kommunale plasser (antall)", "Institusjon - kommunale  plasser"),
    ("Tjenester til hjemmeboende (f254), andel av netto driftsutgifter til plo",
     "TJENESTER til hjemmeboende f254 - andel av netto driftsutgifter til PLO"),
])
def test_labels_match_after_case_spacing_punctuation_and_unit_suffixes(live, catalogue):
    assert normalise_label(live) == normalise_label(catalogue)


@pytest.mark.parametrize("live, catalogue", [
    ("Andel innbyggere 80 år og over som bruker hjemmetjenester", "Andel innbyggere 67 år og over som bruker hjemmetjenester"),
    ("Netto driftsutgifter (i kroner)", "Brutto driftsutgifter (i kroner)"),
    ("Institusjon - kommunale plasser", "Institusjon - alle disponible plasser"),
])
def test_a_changed_word_or_number_is_a_different_label(live, catalogue):
    assert normalise_label(live) != normalise_label(catalogue)


def test_an_ambiguous_label_never_picks_one(fake, tmp_path):
    fake.change_contents_code("12209", "KOSkorrbrmotthj0000", "KOSKBDUhjemmetj0000")
    fake.add_contents("12209", "KOSKBDUhjemmetj0001", "Korrigerte brutto driftsutgifter pr. mottaker av "
                      "hjemmetjenester (i kroner)", like="KOSKBDUhjemmetj0000")
    assert labelled(parse_dimensions(fake.metadata["12209"]),
                    "korrigerte brutto driftsutgifter pr. mottaker av hjemmetjenester") == [
        "KOSKBDUhjemmetj0000", "KOSKBDUhjemmetj0001"]
    catalogue, checks, results = _check()
    v = results["home_care_cost_per_recipient"]
    assert v.resolution is None and v.status == "ambiguous"
    assert "KOSKBDUhjemmetj0000, KOSKBDUhjemmetj0001" in v.message and "ingen velges" in v.message
    path = tmp_path / "catalogue.toml"
    before = path.read_text(encoding="utf-8")
    write_back(path, catalogue, checks, list(results.values()), DAY)
    after = cat_mod.parse(path.read_text(encoding="utf-8"))
    assert after.indicators["home_care_cost_per_recipient"] == catalogue.indicators["home_care_cost_per_recipient"]
    assert path.read_text(encoding="utf-8") != before  # the other entries were confirmed


def test_a_label_in_no_table_keeps_todays_behaviour_and_proposes_tables(fake):
    fake.change_contents_code("11875", "KOSinstkommplass0000", "KOSinstkommdrift0000")
    fake.change_label("11875", "KOSinstkommdrift0000", "Institusjon - plasser i kommunal drift")
    _, checks, results = _check()
    v = results["municipal_institution_places"]
    assert v.status == "code_missing" and v.resolution is None
    assert "KOSinstkommplass0000 finnes ikke i tabell 11875" in v.message
    assert any("KOSinstkommdrift0000" in s for s in v.suggestions), v.suggestions  # nearest labels listed


def test_an_ended_table_is_searched_by_label_and_the_replacement_proposed(fake):
    fake.rename_table("11875", "11876")
    fake.tables["11876"]["label"] = "11876: Helse- og omsorgsinstitusjoner - plasser (K) 2022 - 2024"
    catalogue, checks, results = _check()
    for ind in ("institution_places_all", "nursing_home_places", "municipal_institution_places"):
        v = results[ind]
        assert v.status == "moved" and v.resolution.table_id == "11876", (ind, v)
        assert v.resolution.new_table is not None and v.resolution.new_table.region_dim == "KOKkommuneregion0000"


def test_without_write_the_catalogue_file_is_byte_identical(fake, tmp_path):
    fake.first_contact()
    before = (tmp_path / "catalogue.toml").read_bytes()
    result = CliRunner().invoke(_app(), ["catalogue", "check"])
    assert result.exit_code == EXIT_PARTLY_UPDATED, result.output
    assert (tmp_path / "catalogue.toml").read_bytes() == before


def test_write_adds_a_table_an_entry_moved_to_and_the_file_still_loads(fake, tmp_path):
    fake.rename_table("11875", "11876")
    fake.tables["11876"]["label"] = "11876: Helse- og omsorgsinstitusjoner - plasser (K) 2022 - 2024"
    result = CliRunner().invoke(_app(), ["catalogue", "check", "--write"])
    assert result.exit_code == 0, result.output
    cat = cat_mod.load(tmp_path / "catalogue.toml")
    assert cat.tables["11876"].verified and cat.tables["11876"].region_dim == "KOKkommuneregion0000"
    assert {i.source.table for i in cat.sourced() if i.id.endswith("places")} == {"11876"}
    assert "+id = \"11876\"" in result.output
    again = CliRunner().invoke(_app(), ["catalogue", "check"])
    assert again.exit_code == 0, again.output  # fixed: nothing left to do


def test_all_ok_check_write_confirms_every_entry_with_the_date(fake, tmp_path):
    result = CliRunner().invoke(_app(), ["catalogue", "check", "--write"])
    assert result.exit_code == 0, result.output
    cat = cat_mod.load(tmp_path / "catalogue.toml")
    assert all(i.source.verified and i.source.checked == dt.date.today().isoformat() for i in cat.sourced())
    assert all(t.verified for t in cat.tables.values())


def _app():
    from pipelines.__main__ import app
    return app


# ---------------------------------------------------------------------------------------------- units (issue 23)


def test_words_digits_and_plus_are_meaning_and_the_unit_is_read_on_its_own():
    from pipelines.fetch import label_unit
    assert normalise_label("Hjemmetjenester - brukere 80+") != normalise_label("Hjemmetjenester - brukere 80")
    assert normalise_label("Innbyggere 0-66 år") != normalise_label("Innbyggere 066 år")
    assert normalise_label("Innbyggere 0–66 år") == normalise_label("innbyggere 0-66 år")
    # the suffix is not part of the label's meaning, but it is the unit: compared separately
    assert normalise_label("Utgifter (i kroner)") == normalise_label("Utgifter (i 1000 kr)")
    assert (label_unit("Utgifter (i kroner)"), label_unit("Utgifter (i 1000 kr)"), label_unit("Andel (prosent)"),
            label_unit("Brukere (antall)"), label_unit("Brukere")) == ("kr", "1000 kr", "prosent", "antall", None)


def _fetch_cli(root, *args):
    from typer.testing import CliRunner
    return CliRunner().invoke(_app(), ["fetch", "--from-year", "2023", "--raw", str(root / "raw"), "--db",
                                       str(root / "k.duckdb"), *args])


def test_kr_to_1000_kr_between_two_fetches_fails_in_norwegian_and_keeps_the_earlier_figures(fake, tmp_path):
    """SSB switches a variable from kroner to 1000 kr: never «ok», never verified, never fetched 1 000× off."""
    first = _fetch_cli(tmp_path)
    assert first.exit_code == 0, first.output
    fake.change_unit("12293", "KOSKBDUplass0000", "1000 kr",
                     "Korrigerte brutto driftsutgifter, institusjon, pr. kommunal plass (1000 kr)", scale=1000)
    catalogue, checks, results = _check()
    v = results["institution_cost_per_place"]
    assert not v.ok and v.resolution is None and v.status == "unit_changed" and v.status_text == "enhet endret"
    assert "annen enhet enn katalogens «kr»" in v.message and "«(1000 kr)»" in v.message
    assert "enheten i SSBs metadata er «1000 kr»" in v.message
    path = tmp_path / "catalogue.toml"
    write_back(path, catalogue, checks, list(results.values()), DAY)
    written = cat_mod.load(path).indicators["institution_cost_per_place"].source
    assert not written.verified and written.checked is None
    second = _fetch_cli(tmp_path)
    assert second.exit_code == EXIT_PARTLY_UPDATED, second.output
    import duckdb
    con = duckdb.connect(str(tmp_path / "k.duckdb"), read_only=True)
    try:
        stale = con.execute("SELECT stale, reason FROM indicator_origin "
                            "WHERE indicator_id = 'institution_cost_per_place'").fetchone()
        biggest = con.execute("SELECT max(value) FROM indicator_values WHERE indicator_id = "
                              "'institution_cost_per_place' AND NOT is_own_calculation").fetchone()[0]
    finally:
        con.close()
    assert stale[0] is True and "annen enhet" in stale[1]
    assert biggest > 100_000, "the kroner figures of the first fetch, not thousands posing as kroner"


def test_prosent_to_antall_is_a_unit_change_too(fake):
    fake.change_label("12209", "KOShjtj80aarover0001",
                      "Andel innbyggere 80 år og over som bruker hjemmetjenester (antall)")
    _, _, results = _check()
    v = results["home_care_coverage_80_plus"]
    assert v.status == "unit_changed" and "«(antall)»" in v.message and "«%»" in v.message


def test_a_label_match_never_takes_a_code_another_entry_uses(fake):
    """nursing_home_places' code is gone, and its label now stands on the code institution_places_all uses."""
    fake.change_contents_code("11875", "KOSsykehjdisppla0000", "KOSgone0000")
    labels = fake.metadata["11875"]["dimension"]["ContentsCode"]["category"]["label"]
    labels.pop("KOSgone0000")
    fake.metadata["11875"]["dimension"]["ContentsCode"]["category"]["index"].pop("KOSgone0000")
    labels["KOSinstdispplass0000"] = "Sykehjem - disponible plasser (antall)"
    _, _, results = _check()
    v = results["nursing_home_places"]
    assert v.resolution is None and not v.ok
    assert "KOSinstdispplass0000, som en annen oppføring bruker: tas ikke" in v.message


def test_a_label_match_in_another_unit_is_not_taken(fake):
    fake.change_contents_code("12209", "KOShjtj80aarover0001", "KOShjtj80new0000")
    fake.change_unit("12209", "KOShjtj80new0000", "antall",
                     "Andel innbyggere 80 år og over som bruker hjemmetjenester (antall)")
    _, _, results = _check()
    v = results["home_care_coverage_80_plus"]
    assert v.resolution is None and v.status == "unit_changed" and "KOShjtj80new0000" in v.message


def test_write_rereads_each_entry_and_leaves_one_changed_meanwhile(fake, tmp_path):
    fake.first_contact()
    catalogue, checks, results = _check()
    path = tmp_path / "catalogue.toml"
    text = path.read_text(encoding="utf-8")
    # someone edits the file while the check talks to SSB
    path.write_text(text.replace('contents_code = "KOSinstkommplass0000"', 'contents_code = "KOSedited0000"'),
                    encoding="utf-8")
    skipped: list[str] = []
    write_back(path, catalogue, checks, list(results.values()), DAY, skipped)
    after = cat_mod.load(path).indicators
    assert after["municipal_institution_places"].source.contents_code == "KOSedited0000"
    assert not after["municipal_institution_places"].source.verified
    assert any(s.startswith("municipal_institution_places: katalogen har nå KOSedited0000") for s in skipped)
    assert after["institution_cost_per_place"].source.table == "12209"  # the others: written


def test_write_keeps_a_symlinked_catalogue_a_symlink_with_its_permissions(fake, tmp_path, monkeypatch):
    import os
    import stat
    real = tmp_path / "shared" / "catalogue.toml"
    real.parent.mkdir()
    shutil.copy(cat_mod.CATALOGUE_PATH, real)
    os.chmod(real, 0o640)
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    monkeypatch.setenv(cat_mod.CATALOGUE_ENV, str(link))
    result = CliRunner().invoke(_app(), ["catalogue", "check", "--write"])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == real
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert cat_mod.load(link).indicators["population"].source.checked == dt.date.today().isoformat()
