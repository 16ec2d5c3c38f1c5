"""The declarative catalogue: required entries, validation messages, formulas in dependency order."""
from __future__ import annotations

import pytest

from pipelines import catalogue as cat_mod

REQUIRED = [
    "home_care_cost_per_recipient", "institution_cost_per_place", "home_care_share_of_care_net_expenditure",
    "institution_share_of_care_net_expenditure", "institution_to_home_cost_ratio", "home_care_recipients",
    "institution_long_term_residents",
]

BASE = """
[[table]]
id = "1"
title = "t"
region_dim = "KOKkommuneregion0000"

[[indicator]]
id = "a"
label = "A"
short_label = "A"
unit = "kr"
decimals = 0
kind = "ratio"
group = "cost"
definition = "d"
source = { table = "1", contents_code = "X", contents_label = "x" }
"""


def test_required_indicators_present_with_units_and_labels():
    cat = cat_mod.load()
    for ident in REQUIRED:
        ind = cat.indicators[ident]
        assert ind.unit and ind.label and ind.definition


def test_ratio_is_labelled_own_calculation_formula():
    ind = cat_mod.load().indicators["institution_to_home_cost_ratio"]
    assert ind.own_calculation and ind.formula is not None and ind.source is None
    assert ind.formula.inputs == ("institution_cost_per_place", "home_care_cost_per_recipient")


def test_iplos_entries_have_service_and_age():
    iplos = [i for i in cat_mod.load().indicators.values() if i.group == "iplos" and i.age_group]
    assert {i.age_group for i in iplos} >= {"0–66 år", "67–79 år", "80 år og over"}


def test_formulas_come_after_their_inputs():
    cat = cat_mod.parse(BASE + """
[[indicator]]
id = "c"
label = "C"
short_label = "C"
unit = "%"
decimals = 1
kind = "ratio"
group = "cost"
definition = "d"
formula = { op = "divide", numerator = "b", denominator = "a" }

[[indicator]]
id = "b"
label = "B"
short_label = "B"
unit = "%"
decimals = 1
kind = "ratio"
group = "cost"
definition = "d"
formula = { op = "multiply", numerator = "a", denominator = "a" }
""")
    assert [i.id for i in cat.formulas()] == ["b", "c"]


@pytest.mark.parametrize("extra, message", [
    ('\n[[indicator]]\nid = "z"\nlabel = "Z"\nshort_label = "Z"\nunit = "kr"\ndecimals = 0\nkind = "ratio"\n'
     'group = "g"\ndefinition = "d"\nsource = { table = "999", contents_code = "X", contents_label = "x" }\n',
     "tabell 999"),
    ('\n[[indicator]]\nid = "z"\nlabel = "Z"\nshort_label = "Z"\nunit = "kr"\ndecimals = 0\nkind = "ratio"\n'
     'group = "g"\ndefinition = "d"\nformula = { op = "divide", numerator = "a", denominator = "nope" }\n',
     "ukjent indikator 'nope'"),
    ('\n[[indicator]]\nid = "z"\nlabel = "Z"\nshort_label = "Z"\nunit = "kr"\ndecimals = 0\nkind = "weird"\n'
     'group = "g"\ndefinition = "d"\nsource = { table = "1", contents_code = "X", contents_label = "x" }\n',
     "ukjent kind"),
    ('\n[[indicator]]\nid = "a"\nlabel = "Z"\nshort_label = "Z"\nunit = "kr"\ndecimals = 0\nkind = "ratio"\n'
     'group = "g"\ndefinition = "d"\nsource = { table = "1", contents_code = "X", contents_label = "x" }\n',
     "to ganger"),
])
def test_inconsistent_catalogue_is_rejected_naming_the_entry(extra, message):
    with pytest.raises(cat_mod.CatalogueError, match=message):
        cat_mod.parse(BASE + extra)


def test_filter_key_is_canonical():
    assert cat_mod.filter_key({"KOKfunksjon0000": "254", "KOKart0000": "AGD10"}) == "KOKart0000=AGD10|KOKfunksjon0000=254"
    assert cat_mod.filter_key({}) == ""


def test_the_evidence_based_entries_are_in_the_catalogue():
    cat = cat_mod.load()
    src = {i.id: i.source for i in cat.sourced()}
    assert src["institution_long_term_residents"].contents_code == "KOSlangtid0000"
    assert src["institution_short_term_residents"].contents_code == "KOSkorttid0000"
    assert src["nursing_home_residents"].contents_code == "KOSbeboersykehje0000"
    # "kommunal plass": the municipal-places variable (found by its label), not all places available
    assert (src["municipal_institution_places"].table, src["municipal_institution_places"].contents_label) == (
        "11875", "Institusjon - kommunale plasser (antall)")
    assert (src["institution_places_all"].contents_code, src["institution_places_all"].contents_label) == (
        "KOSinstdispplass0000", "Institusjon - alle disponible plasser (antall)")
    assert (src["institution_cost_per_place"].table, src["institution_cost_per_place"].contents_code) == (
        "12293", "KOSKBDUplass0000")
    assert "home_care_recipients_67_79" not in cat.indicators  # 12292 has no 67-79 code for home-service users
    # the nøkkeltall stay unverified until a live check passes
    assert not cat.tables["12209"].verified and not any(s.verified for s in src.values() if s.table == "12209")
    # users by service x age from 11645, with the ids in CONTRACTS.md
    for service, code in (("home_care_users", "15"), ("long_term_residents", "21")):
        for age, alder in (("67_79", "67-79"), ("80_89", "80-89"), ("90_plus", "90+")):
            s = src[f"{service}_age_{age}"]
            assert (s.table, s.contents_code, s.filters) == ("11645", "Brukere1", {"TenesteType": code, "Alder": alder})
        sum_0_66 = cat.indicators[f"{service}_age_0_66"]
        assert sum_0_66.own_calculation and sum_0_66.formula.op == "add"
        assert sum_0_66.formula.inputs == (f"{service}_age_0_49", f"{service}_age_50_66")
    assert cat.tables["11645"].region_dim == "Region"


def test_the_december_2026_evidence_is_applied():
    cat = cat_mod.load()
    src = {i.id: i.source for i in cat.sourced()}
    assert cat.tables["12209"].title == "Utvalgte nøkkeltall for helse og omsorg, etter region, statistikkvariabel og år"
    assert cat.tables["11875"].title == "Helse- og omsorgsinstitusjoner - plasser (K)"
    assert (src["home_care_coverage_80_plus"].contents_code, src["home_care_coverage_80_plus"].contents_label) == (
        "KOShjtj80aarover0001", "Andel innbyggere 80 år og over som bruker hjemmetjenester (prosent)")
    assert (src["institution_coverage_80_plus"].contents_code, src["institution_coverage_80_plus"].contents_label) == (
        "KOSsykhjand80aar0000", "Andel innbyggere 80 år og eldre med institusjonsopphold")
    assert src["projected_population"].contents_label == "Hovedalternativet (MMMM)"
    share = cat.indicators["care_share_of_total_net_expenditure"]
    assert (share.source.table, share.source.contents_code) == ("12209", "KOSANDELNDUPLOM0000")
    assert "234, 253, 254, 256" in share.definition and "261" in share.definition
    # nothing is verified before a live check confirms it
    assert not any(s.verified for i, s in src.items() if s.basis == "guess" or s.table in ("12209", "12293", "11875"))


def test_every_entry_says_whether_its_code_is_evidence_or_a_guess():
    src = {i.id: i.source for i in cat_mod.load().sourced()}
    assert all(s.basis in cat_mod.BASES and s.evidence for s in src.values())
    guesses = {i for i, s in src.items() if s.basis == "guess"}
    assert guesses == {"home_care_cost_per_recipient", "care_net_expenditure_per_inhabitant",
                       "home_care_share_of_care_net_expenditure", "institution_share_of_care_net_expenditure",
                       "premises_share_of_care_net_expenditure", "activity_share_of_care_net_expenditure",
                       "municipal_institution_places"}


@pytest.mark.parametrize("text, message", [
    (BASE.replace('kind = "ratio"', 'kind = "ratio'), r"ikke gyldig TOML \(linje 13, kolonne"),
    (BASE.replace('unit = "kr"', 'unit = "kr"\nunits = "x"'), r"Indikator a \(linje 8\): ukjent felt «units»"),
    (BASE.replace('region_dim = "KOKkommuneregion0000"', 'region = "x"'), r"Tabell 1 \(linje 3\): ukjent felt"),
    (BASE.replace('contents_label = "x" }', 'contents_label = "x", basis = "maybe" }'),
     r"Indikator a \(linje 8\): basis må være"),
])
def test_a_catalogue_broken_by_hand_names_the_line(text, message):
    with pytest.raises(cat_mod.CatalogueError, match=message):
        cat_mod.parse(text)


def test_cli_on_a_broken_catalogue_file_says_where_without_a_traceback(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from pipelines.__main__ import app
    broken = tmp_path / "catalogue.toml"
    broken.write_text(cat_mod.catalogue_path().read_text(encoding="utf-8").replace(
        'id = "home_care_cost_per_recipient"', 'id = "home_care_cost_per_recipient'), encoding="utf-8")
    monkeypatch.setenv(cat_mod.CATALOGUE_ENV, str(broken))
    for args in (["catalogue"], ["catalogue", "check"], ["fetch"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1, args
        assert "catalogue.toml: Katalogfilen er ikke gyldig TOML (linje" in " ".join(result.output.split())
        assert "Traceback" not in result.output and not isinstance(result.exception, cat_mod.CatalogueError)


def test_resolutions_apply_only_while_the_catalogue_says_what_was_resolved():
    cat = cat_mod.load()
    entry = {"indicator": "home_care_cost_per_recipient", "table": "12209", "contents_code": "KOSnew0000",
             "contents_label": "Ny", "catalogue_table": "12209", "catalogue_code": "KOSkorrbrmotthj0000",
             "resolved_on": "2026-12-04"}
    moved = {"indicator": "institution_cost_per_place", "table": "99999", "contents_code": "KOSKBDUplass0000",
             "contents_label": "x", "catalogue_table": "12293", "catalogue_code": "KOSKBDUplass0000",
             "resolved_on": "2026-12-04"}
    extra = [{"id": "99999", "title": "Ny tabell", "region_dim": "KOKkommuneregion0000", "time_dim": "Tid",
              "first_year": 2015}]
    out = cat_mod.resolved(cat, [entry, moved], extra)
    assert out.indicators["home_care_cost_per_recipient"].source.contents_code == "KOSnew0000"
    assert out.indicators["institution_cost_per_place"].source.table == "99999" and "99999" in out.tables
    stale = dict(entry, catalogue_code="KOSsomethingelse0000")  # the catalogue was edited since: it wins
    assert cat_mod.resolved(cat, [stale]).indicators["home_care_cost_per_recipient"].source.contents_code == \
        "KOSkorrbrmotthj0000"
    assert set(cat_mod.applied_resolutions(cat, [entry, stale, moved])) == {
        "home_care_cost_per_recipient", "institution_cost_per_place"}


def test_the_second_round_of_evidence_is_applied():
    """SSB's own labels (with the unit suffix the API sends) for every proven code; inhabitants by age from 07459's
    one-year ages; no `KOSinnbygg…` guess left; 07459 titled as SSB's API titles it."""
    cat = cat_mod.load()
    src = {i.id: i.source for i in cat.sourced()}
    assert {i: src[i].contents_label for i in (
        "home_care_recipients", "home_care_recipients_80_plus", "institution_long_term_residents",
        "institution_short_term_residents", "nursing_home_residents", "nursing_home_places",
        "institution_places_all", "housing_24h_residents")} == {
        "home_care_recipients": "Hjemmetjenester - brukere i alt (antall)",
        "home_care_recipients_80_plus": "Hjemmetjenester - brukere 80 år og over (antall)",
        "institution_long_term_residents": "Institusjon - beboere på langtidsopphold (antall)",
        "institution_short_term_residents": "Institusjon - beboere på tidsbegrenset opphold (antall)",
        "nursing_home_residents": "Institusjon - sykehjemsbeboere (antall)",
        "nursing_home_places": "Sykehjem - disponible plasser (antall)",
        "institution_places_all": "Institusjon - alle disponible plasser (antall)",
        "housing_24h_residents": "Beboere i bolig m/ fast tilknyttet bemanning hele døgnet"}
    assert not any(s.contents_code.startswith("KOSinnbygg") for s in src.values())
    assert cat.tables["07459"].title == "Befolkning, etter region, kjønn, alder, statistikkvariabel og år"
    ages = {"population_age_0_66": (0, 66), "population_age_67_79": (67, 79), "population_age_80_89": (80, 89),
            "population_age_90_plus": (90, 105)}
    covered = []
    for ident, (first, last) in ages.items():
        s = src[ident]
        assert (s.table, s.contents_code, s.basis, s.filters) == ("07459", "Personer1", "evidence", {})
        codes = s.sum_over["Alder"]
        assert codes[0] == f"{first:03d}" and codes[-1] == ("105+" if last == 105 else f"{last:03d}")
        covered += codes
        assert cat.indicators[ident].kind == "count"  # summed again for groups and the country
    assert covered == [f"{a:03d}" for a in range(105)] + ["105+"]  # every age once, no gaps or overlaps
    assert src["population_age_67_79"].filter_key == "Alder=067..079"
    assert src["population_age_67_79"].raw_keys[:2] == ["Alder=067", "Alder=068"]


def test_sum_over_is_only_for_counts_and_never_on_a_filtered_dimension():
    summed = BASE.replace('contents_label = "x" }', 'contents_label = "x", sum_over = { Alder = ["001", "002"] } }')
    with pytest.raises(cat_mod.CatalogueError, match="sum_over"):
        cat_mod.parse(summed)  # kind = "ratio": a ratio is never summed
    assert cat_mod.parse(summed.replace('kind = "ratio"', 'kind = "count"')).indicators["a"].source.raw_keys == [
        "Alder=001", "Alder=002"]
