"""Query functions against the session database: what they return equals a direct read of the tables."""
from __future__ import annotations

import duckdb
import polars as pl
import pytest

from dashboard.core import db
from dashboard.kostra import queries

NB = "\u00a0"


@pytest.fixture
def raw(db_env):
    """A second read-only connection for the direct reads the query functions are checked against."""
    con = duckdb.connect(str(db_env), read_only=True)
    yield con
    con.close()


def one(con, sql, params=None):
    row = con.execute(sql, params or []).fetchone()
    assert row is not None, sql
    return row


def test_an_ssb_figure_equals_the_observation(raw):
    # SSB's own figure is shown where its code is confirmed: cost per municipal place (12293) stands for the rule
    frame = queries.comparison_series(["institution_cost_per_place"], "3909", [], 2024, 2024)
    got = frame.filter((pl.col("role") == "selected") & (pl.col("year") == 2024))
    (expected,) = one(raw, "SELECT value FROM observation WHERE table_id = '12293' AND contents_code = "
                           "'KOSKBDUplass0000' AND region_code = '3909' AND year = 2024")
    assert expected is not None
    assert got["value"].to_list() == [expected]
    assert got["series"].to_list() == ["Larvik"]


def test_cost_per_recipient_is_our_calculation_from_the_accounts_while_ssbs_code_is_unconfirmed(raw):
    frame = queries.comparison_series(["home_care_cost_per_recipient"], "3909", [], 2024, 2024)
    got = frame.filter((pl.col("role") == "selected") & (pl.col("year") == 2024))
    (gross,) = one(raw, "SELECT value FROM observation WHERE table_id = '12367' AND contents_code = 'KOSbelop0000' "
                        "AND filter_key = 'KOKart0000=AGD4|KOKfunksjon0000=254|KOKregnskapsomfa0000=A' "
                        "AND region_code = '3909' AND year = 2024")
    (users,) = one(raw, "SELECT value FROM observation WHERE table_id = '12292' AND contents_code = "
                        "'KOSkjernetotalt0000' AND region_code = '3909' AND year = 2024")
    assert got["value"].to_list() == [pytest.approx(gross * 1000 / users)]
    assert got["is_own_calculation"].to_list() == [True]
    assert got["series"].to_list() == ["Larvik"]


def test_country_and_group_rows_equal_indicator_values(raw):
    frame = queries.comparison_series(["institution_cost_per_place"], "3909", [], 2023, 2023)
    country = frame.filter(pl.col("region_code") == "EAKUO")
    (expected,) = one(raw, "SELECT value FROM indicator_values WHERE indicator_id = 'institution_cost_per_place' "
                           "AND region_code = 'EAKUO' AND year = 2023")
    assert country["value"].to_list() == [expected]
    assert country["role"].to_list() == ["country"]


def find_status_cell(raw, symbol):
    return one(raw, "SELECT s.indicator_id, s.current_code, s.year FROM municipality_series s "
                    "JOIN region r ON r.code = s.current_code AND r.valid_to IS NULL "
                    "WHERE s.status = ? AND s.value IS NULL AND s.published_code = s.current_code "
                    "ORDER BY 1, 2, 3 LIMIT 1", [symbol])


@pytest.mark.parametrize("symbol", [":", ".."])
def test_status_markers_survive_as_none_plus_symbol(raw, symbol):
    indicator_id, code, year = find_status_cell(raw, symbol)
    frame = queries.comparison_series([indicator_id], code, [], year, year, include_predecessors=False)
    cell = frame.filter(pl.col("role") == "selected")
    assert cell["value"].to_list() == [None]
    assert cell["status"].to_list() == [symbol]
    table = queries.display_table(cell, unit="kr", decimals=0)
    assert table[str(year)].to_list() == [symbol]
    download = queries.long_table(cell, unit="kr", decimals=0)
    assert download["Symbol"].to_list() == [symbol]
    assert download["Forklaring"][0]


def test_status_marker_shows_on_overview_card_not_zero(raw):
    indicator_id, code, year = find_status_cell(raw, ":")
    cards = queries.overview_cards(code, year, [indicator_id])
    assert cards["Verdi"].to_list() == [":"]
    assert "Vises ikke av personvernhensyn" in cards["Hjelp"][0]


def test_larvik_is_one_series_across_0712_3805_3909(raw):
    frame = db.query("municipality_series", {"indicator_ids": ["home_care_cost_per_recipient"],
                                             "municipalities": ["3909"], "from_year": 2018, "to_year": 2024})
    by_year = {r["year"]: r for r in frame.iter_rows(named=True)}
    assert sorted(by_year) == list(range(2018, 2025))
    assert {y: by_year[y]["published_code"] for y in (2018, 2019, 2020, 2023, 2024)} == {
        2018: "0712", 2019: "0712", 2020: "3805", 2023: "3805", 2024: "3909"}
    for year, row in by_year.items():
        (expected,) = one(raw, "SELECT value FROM indicator_values WHERE indicator_id = "
                               "'home_care_cost_per_recipient' AND region_code = ? AND year = ?",
                          [row["published_code"], year])
        assert row["value"] == expected is not None
    assert set(frame["region_code"]) == {"3909"}


def test_larvik_predecessors_are_drawn_beside_the_series():
    frame = queries.comparison_series(["population"], "3909", [], 2015, 2019)
    pred = frame.filter(pl.col("role") == "predecessor")
    assert "Lardal (0728, før sammenslåing)" in set(pred["series"])
    assert pred["year"].max() <= 2017


def test_group_line_is_the_group_the_municipality_had_that_year(raw):
    frame = queries.comparison_series(["home_care_cost_per_recipient"], "3909", [], 2015, 2024)
    groups = frame.filter(pl.col("role") == "group")
    got = dict(zip(groups["year"].to_list(), groups["region_code"].to_list()))
    # 0709 is the Larvik of 2015-2017, before Lardal joined: its group carries the line back to 2015
    expected = dict(raw.execute(
        "SELECT year, group_code FROM kostra_group_membership WHERE municipality_code IN ('0709', '0712', '3805', '3909') "
        "AND year BETWEEN 2015 AND 2024").fetchall())
    assert got == expected
    assert sorted(got) == list(range(2015, 2025))
    assert got[2019] != got[2020], "the KOSTRA grouping changed in 2020"
    for year, code in got.items():
        (value,) = one(raw, "SELECT value FROM indicator_values WHERE indicator_id = 'home_care_cost_per_recipient' "
                            "AND region_code = ? AND year = ?", [code, year])
        assert groups.filter(pl.col("year") == year)["value"][0] == value


def test_committee_view_2016_2019_shows_tonsberg_before_the_merger(raw):
    """The 2020 committee case: Larvik against Tønsberg, Porsgrunn, Skien, Arendal and group 13, 2016-2019."""
    frame = queries.comparison_series(["home_care_cost_per_recipient"], "3909", ["3905", "4001", "4003", "4203"],
                                      2016, 2019)
    pred = frame.filter(pl.col("role") == "predecessor")
    series = set(pred["series"])
    assert "Tønsberg (0704, før sammenslåing)" in series
    assert not any(s.startswith("Re (") for s in series), "only the predecessor that gave the name"
    tonsberg = pred.filter(pl.col("region_code") == "0704").sort("year")
    assert tonsberg["year"].to_list() == [2016, 2017, 2018, 2019]
    (v2017,) = one(raw, "SELECT value FROM indicator_values WHERE indicator_id = 'home_care_cost_per_recipient' "
                        "AND region_code = '0704' AND year = 2017")
    assert tonsberg.filter(pl.col("year") == 2017)["value"][0] == v2017
    assert set(frame.filter(pl.col("role") == "group")["region_code"]) == {"EKG13"}


def test_group_labels_name_both_groupings_across_the_break():
    label = queries.group_labels("3909", 2018, 2024)
    assert "(2018–2019)" in label and "(2020–2024)" in label


def test_group_ranking_ranks_lowest_cost_first_and_counts_figures(raw):
    group_code, _ = queries.group_of("3909", 2024)
    frame = queries.group_ranking("home_care_cost_per_recipient", group_code, 2024)
    (members,) = one(raw, "SELECT count(*) FROM kostra_group_membership WHERE group_code = ? AND year = 2024",
                     [group_code])
    assert frame.height == members
    ranked = frame.drop_nulls("rank").sort("rank")
    values = ranked["value"].to_list()
    assert values == sorted(values), "lower cost per recipient is better, so rank 1 is the lowest"
    assert ranked["rank"][0] == 1
    assert frame["ranked_count"][0] == frame["value"].is_not_null().sum()
    assert "3909" in frame["current_code"].to_list()
    table = queries.ranking_table(frame, unit="kr", decimals=0)
    assert table["Rang"][0] == 1
    assert table["Verdi"][0].endswith(f"{NB}kr")


def test_overview_rank_matches_group_ranking():
    group_code, _ = queries.group_of("3909", 2024)
    ranking = queries.group_ranking("home_care_cost_per_recipient", group_code, 2024)
    own_rank = ranking.filter(pl.col("region_code") == "3909")["rank"][0]
    ov = queries.overview("3909", 2024, ["home_care_cost_per_recipient"])
    assert ov["rank"][0] == own_rank
    assert ov["group_code"][0] == group_code


def test_gap_in_kroner_is_own_minus_group_times_recipients(raw):
    gap = queries.gap_in_kroner("3909", 2024)
    home = gap["home_care_cost_per_recipient"]
    group_code, _ = queries.group_of("3909", 2024)
    read = lambda ind, code: one(raw, "SELECT value FROM indicator_values WHERE indicator_id = ? AND region_code = ? "
                                      "AND year = 2024", [ind, code])[0]
    own, group = read("home_care_cost_per_recipient", "3909"), read("home_care_cost_per_recipient", group_code)
    recipients = read("home_care_recipients", "3909")
    assert (home["own"], home["group"], home["volume"]) == (own, group, recipients)
    assert home["gap"] == pytest.approx((own - group) * recipients)
    inst = gap["institution_cost_per_place"]
    assert inst["gap"] == pytest.approx((inst["own"] - inst["group"]) * read("municipal_institution_places", "3909"))


def test_overview_cards_are_norwegian():
    cards = queries.overview_cards("3909", 2024, ["home_care_cost_per_recipient", "home_care_coverage_80_plus"])
    assert cards["Indikator"].to_list()[0] == queries.indicators()["home_care_cost_per_recipient"].short_label
    assert cards["Verdi"][0].endswith(f"{NB}kr") and "." not in cards["Verdi"][0]
    assert cards["Verdi"][1].endswith(f"{NB}%") and "," in cards["Verdi"][1]
    assert cards["Endring"][0].endswith("fra 2023")
    assert cards["Rang"][0].startswith("nr. ") and "i gruppen" in cards["Rang"][0]
    assert cards["Gruppe"][0].startswith("KOSTRA-gruppe")


def test_resolve_code_follows_renumbering_and_merger():
    larvik = queries.resolve_code("0712")
    assert larvik.current_codes == ("3909",) and larvik.via_kind == "renumber"
    fraena = queries.resolve_code("1548")
    assert fraena.current_codes == ("1579",) and fraena.via_kind == "merge"
    assert queries.resolve_code("9999") is None
    assert queries.resolve_code("'; DROP TABLE region;--") is None


def test_default_comparisons_are_the_largest_in_the_same_group():
    munis = queries.municipalities()
    own_group = munis.filter(pl.col("code") == "3909")["group_code"][0]
    picked = queries.default_comparisons("3909")
    assert 0 < len(picked) <= 5 and "3909" not in picked
    peers = munis.filter((pl.col("group_code") == own_group) & (pl.col("code") != "3909"))
    assert set(picked) <= set(peers["code"])
    pops = dict(zip(peers["code"], peers["population"]))
    assert min(pops[c] for c in picked) >= max(
        (p for c, p in pops.items() if c not in picked and p is not None), default=0)


def test_all_municipalities_has_one_row_per_published_municipality(raw):
    frame = queries.all_municipalities("home_care_share_of_care_net_expenditure", "home_care_cost_per_recipient", 2024)
    assert frame["region_code"].is_unique().all()
    row = frame.filter(pl.col("region_code") == "3909")
    (expected,) = one(raw, "SELECT value FROM indicator_values WHERE indicator_id = "
                           "'home_care_share_of_care_net_expenditure' AND region_code = '3909' AND year = 2024")
    assert row["x_value"][0] == expected


def test_source_line_names_the_table_and_own_calculations():
    line = queries.source_line(["home_care_cost_per_recipient", "institution_to_home_cost_ratio"])
    # our calculation from the accounts stands in for SSB's unconfirmed cost per recipient (12209)
    assert line.startswith("Kilde: SSB, tabell 12292 (oppdatert ")
    assert "tabell 12293" in line and "tabell 12367" in line and "tabell 12209" not in line
    assert "Egen beregning" in line and "i stedet for SSBs eget tall" in line


def test_shares_and_age_distribution_are_percentages():
    shares = queries.shares_for_year("3909", ["3907"], 2024)
    assert set(shares["role"]) >= {"selected", "group", "country"}
    ages = queries.age_distribution("3909", [], 2024)
    larvik = ages.filter(pl.col("role") == "selected")
    assert larvik["value"].sum() == pytest.approx(100.0)


def test_the_app_connection_is_read_only(db_env):
    cur = db.connection()
    with pytest.raises(duckdb.Error):
        cur.execute("CREATE TABLE should_fail (x INTEGER)")
    cur.close()


def test_database_is_flagged_demo():
    assert queries.database_is_demo() is True


def test_edition_tells_unrevised_from_revised():
    from datetime import datetime, timezone
    assert queries.edition(datetime(2026, 3, 15, 8, tzinfo=timezone.utc), 2025) == \
        "Tall for 2025 er ureviderte, publisert 15.03.2026"
    assert queries.edition(datetime(2026, 6, 15, 8, tzinfo=timezone.utc), 2025) == \
        "Tall for 2025 er reviderte, publisert 15.06.2026"
    assert queries.edition(None, 2025) == ""


def test_sources_table_shows_edition_for_ssb_indicators(db_env):
    table = queries.sources_table()
    ssb = table.filter(pl.col("Kilde").str.starts_with("SSB") & ~pl.col("Kilde").str.ends_with("14746"))
    assert ssb.height >= 15
    assert all(e.startswith("Tall for 2024 er reviderte") for e in ssb["Utgave"].to_list())
    projection = table.filter(pl.col("Kilde") == "SSB tabell 14746")
    assert projection["Utgave"].to_list() == ["Befolkningsframskriving, publisert 12.06.2025"]


def test_source_line_of_an_own_calculation_names_the_tables_it_uses():
    line = queries.source_line(["home_care_recipients_share_of_population"])
    assert "tabell 07459" in line and "tabell 12292" in line and "oppdatert 15.06.2025" in line
    assert "Egen beregning: Hjemmetjenestemottakere, andel av befolkningen" in line


def test_table_editions_name_the_projection_by_its_publication(db_env):
    table = queries.table_editions()
    row = table.filter(pl.col("Tabell") == "14746")
    assert row["Utgave"].to_list() == ["Befolkningsframskriving, publisert 12.06.2025"]
    assert all(e.startswith("Tall for 2024") for e in table.filter(pl.col("Tabell") != "14746")["Utgave"].to_list())


@pytest.mark.parametrize("options", [{}, {"include_predecessors": False}, {"aggregates": ("group", "EAKUO")},
                                     {"aggregates": ("EAKUO",)}, {"aggregates": ("group",)}])
def test_comparison_series_are_the_rows_a_filter_of_every_municipalitys_rows_gives(db_env, options):
    """comparison_series takes the owners' rows by position and orders them in Python: the same rows, values,
    types and order as one polars query over the cached frame of every municipality's rows (as it was made before,
    issue 27), for a merged municipality (predecessors), a split one and others, with and without comparisons."""
    aggregates = options.get("aggregates", ("group", "EAKUO", "EAK"))
    countries = tuple(a for a in aggregates if a.startswith("E"))
    with_predecessors = options.get("include_predecessors", True)
    indicators = ["home_care_cost_per_recipient", "institution_cost_per_place"]
    everyone = queries._series_of_all(tuple(indicators), countries).frame
    for code, comparisons, years in [("3909", ["3905", "4001"], (2015, 2024)), ("3907", [], (2017, 2024)),
                                     ("3301", ["3907", "3909"], (2024, 2024)), ("1108", ["3909"], (2010, 2019))]:
        wanted = (pl.col("part") == 1) & pl.col("owner").is_in([code, *comparisons])
        if "group" in aggregates:
            wanted = wanted | ((pl.col("role") == "group") & (pl.col("owner") == code))
        if countries:
            wanted = wanted | (pl.col("role") == "country")
        if with_predecessors:
            wanted = wanted | ((pl.col("part") == 3) & ((pl.col("owner") == code)
                                                        | (pl.col("main_line") & pl.col("owner").is_in(comparisons))))
        expected = (everyone.lazy().filter(wanted & pl.col("year").is_between(*years))
                    .with_columns(pl.col("indicator_id").cast(pl.Utf8), pl.col("series").cast(pl.Utf8),
                                  pl.when(pl.col("part") == 1)
                                  .then(pl.when(pl.col("owner") == code).then(pl.lit("selected"))
                                        .otherwise(pl.lit("comparison")))
                                  .otherwise(pl.col("role")).alias("role"))
                    .sort("part", "indicator_id", "region_code", "year").select(queries.SERIES_COLUMNS).collect())
        frame = queries.comparison_series(indicators, code, comparisons, *years, **options)
        assert frame.height > 0
        assert frame.equals(expected) and frame.schema == expected.schema, (code, options)


def test_merger_years_are_those_the_predecessors_lines_end_before(db_env):
    """merger_years reads the predecessors' last years in Python: the same as a polars group_by of their rows."""
    found = 0
    for code in sorted(queries.municipality_names()):
        frame = queries.comparison_series(["home_care_cost_per_recipient"], code, [], 2010, 2024,
                                          aggregates=("group",))
        pred = frame.filter(pl.col("role") == "predecessor")
        last = pred.group_by("region_code").agg(pl.col("year").max(), pl.col("series").first())
        expected = tuple(sorted({(int(r["year"]) + 1, "Deling" if "før deling" in r["series"] else "Sammenslåing")
                                 for r in last.iter_rows(named=True)}))
        assert queries.merger_years(frame) == expected, code
        found += bool(expected)
    assert found >= 10  # the reform of 2020 merged many: their lines end in 2019
