"""A KOSTRA group's sum with a member missing is shown as SSB's «..» with the build's reason: in the figure's source
line and download (Tall bak figuren), and on /kilder. Never as 0, never as a partial sum."""
from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from dashboard.figures import registry
from dashboard.kostra import queries
from dashboard.kostra.selection import Selection
from pipelines import build as build_mod

from tests.pages.apptest_pages import open_page

ROOT = Path(__file__).resolve().parents[3]
YEAR = 2024
MUNICIPALITY = "3909"


@pytest.fixture(scope="module")
def suppressed(tmp_path_factory) -> tuple[Path, str, str]:
    """The embedded snapshot built with one other member of Larvik's KOSTRA group suppressed («:») for the
    population and home-care recipients in YEAR (and no group figure of SSB's for the recipients), just before the build derives its sums. Returns (path, group code, member code)."""
    path = tmp_path_factory.mktemp("missing") / "kostra.duckdb"
    chosen: dict[str, str] = {}
    original = build_mod._derive

    def derive(con: duckdb.DuckDBPyConnection, catalogue) -> int:
        group, member = con.execute(
            "SELECT group_code, min(municipality_code) FILTER (WHERE municipality_code <> $m) "
            "FROM kostra_group_membership WHERE year = $y AND group_code = (SELECT group_code FROM "
            "kostra_group_membership WHERE year = $y AND municipality_code = $m) GROUP BY group_code",
            {"m": MUNICIPALITY, "y": YEAR}).fetchone()
        for indicator_id in ("population", "home_care_recipients"):  # the second: cost per recipient's divisor
            con.execute("UPDATE observation SET value = NULL, status = ':' WHERE region_code = $r AND year = $y "
                        "AND (table_id, contents_code, filter_key) = (SELECT (source_table, contents_code, "
                        "filter_key) FROM indicator WHERE id = $i)", {"r": member, "y": YEAR, "i": indicator_id})
        # as if SSB published no group figure for the recipients: the build sums the members, one of which is «:»
        con.execute("DELETE FROM observation WHERE region_code = $g AND year = $y AND (table_id, contents_code, "
                    "filter_key) = (SELECT (source_table, contents_code, filter_key) FROM indicator WHERE id = "
                    "'home_care_recipients')", {"g": group, "y": YEAR})
        chosen.update(group=group, member=member)
        return original(con, catalogue)

    mp = pytest.MonkeyPatch()
    mp.setattr(build_mod, "_derive", derive)
    try:
        build_mod.build(ROOT / "data" / "raw", path)
    finally:
        mp.undo()
    return path, chosen["group"], chosen["member"]


@pytest.fixture
def env(suppressed, monkeypatch):
    monkeypatch.setenv("KOSTRA_DB", str(suppressed[0]))
    return suppressed


def test_the_build_stores_the_group_sum_and_the_ratio_from_it_as_missing_with_the_reason(env):
    path, group, member = env
    con = duckdb.connect(str(path), read_only=True)
    rows = dict(con.execute("SELECT indicator_id, reason FROM derived_value WHERE region_code = ? AND year = ? AND "
                            "value IS NULL AND indicator_id IN ('population', "
                            "'home_care_recipients_share_of_population')", [group, YEAR]).fetchall())
    con.close()
    assert f"{member} «:»" in rows["population"]
    assert rows["home_care_recipients_share_of_population"] == rows["population"]  # carried, not re-derived


def test_the_figure_shows_dotdot_and_says_why_in_source_line_and_download(env):
    _, group, member = env
    bundle = registry.build_figure("mottakere-andel-befolkning", Selection(MUNICIPALITY, (), 2020, YEAR))
    assert "Summen mangler" in bundle.source and f"{member} «:»" in bundle.source
    assert "Vises som «..»" in bundle.source
    group_row = bundle.table.filter(pl.col("Serie") == "KOSTRA-gruppen")
    assert group_row[str(YEAR)].to_list() == [".."]
    download = bundle.download.filter((pl.col("Serie") == "KOSTRA-gruppen") & (pl.col("År") == YEAR))
    value_column = next(c for c in download.columns if c.startswith("Verdi"))
    assert download[value_column].to_list() == [None]  # missing, never 0
    assert download["Symbol"].to_list() == [".."]
    assert f"{member} «:»" in download["Forklaring"][0]
    # a year with every member's figure has a value and no such note
    earlier = bundle.download.filter((pl.col("Serie") == "KOSTRA-gruppen") & (pl.col("År") == YEAR - 1))
    assert earlier[value_column][0] is not None and "Summen mangler" not in (earlier["Forklaring"][0] or "")


def test_the_takeaway_says_why_the_group_cannot_be_compared(env):
    _, group, member = env
    bundle = registry.build_figure("mottakere-andel-befolkning", Selection(MUNICIPALITY, (), 2020, YEAR))
    assert "så det kan ikke sammenlignes med gruppen. Summen mangler: 1 av" in bundle.takeaway
    assert f"{member} «:»" in bundle.takeaway


def test_the_ranking_says_why_there_is_no_group_line(env):
    _, group, member = env
    bundle = registry.build_figure("rangering-gruppe", Selection(MUNICIPALITY, (), 2020, YEAR))
    assert "stiplet linje" not in bundle.subtitle
    assert "Gruppens tall mangler («..»): Summen mangler: 1 av" in bundle.subtitle
    assert f"{member} «:»" in bundle.subtitle
    assert not (bundle.fig["layout"].get("shapes") or ())  # no line at a made-up group value
    complete = registry.build_figure("rangering-gruppe", Selection(MUNICIPALITY, (), 2020, YEAR - 1))
    assert "stiplet linje er gruppens tall" in complete.subtitle and "Summen mangler" not in complete.subtitle


def test_the_overview_card_says_why_next_to_the_groups_dotdot(env):
    _, group, member = env
    cards = queries.overview_cards(MUNICIPALITY, YEAR, ["home_care_recipients_share_of_population",
                                                        "home_care_cost_per_recipient"])
    for text in cards["Gruppeverdi"].to_list():
        assert text.startswith(".. (Summen mangler: 1 av") and f"{member} «:»" in text
    earlier = queries.overview_cards(MUNICIPALITY, YEAR - 1, ["home_care_recipients_share_of_population"])
    assert "Summen mangler" not in earlier["Gruppeverdi"][0] and earlier["Gruppeverdi"][0] != ".."


def test_kilder_lists_the_missing_sum_and_why(env):
    _, group, member = env
    table = queries.missing_sums_table([group])
    rows = table.filter((pl.col("Indikator") == queries.indicators()["population"].short_label)
                        & (pl.col("År") == YEAR))
    assert rows.height == 1 and f"{member} «:»" in rows["Hvorfor"][0]
    at = open_page("pages/kilder.py")
    assert not at.exception
    assert "Summer som mangler" in [s.value for s in at.subheader]
    shown = next(d.value for d in at.dataframe if f"{member} «:»" in " ".join(map(str, d.value.get("Hvorfor", []))))
    assert (shown["År"] == YEAR).any()


def test_a_complete_database_has_no_missing_sums_and_no_note(db_env):
    assert queries.missing_sums_table().is_empty()
    bundle = registry.build_figure("mottakere-andel-befolkning", Selection(MUNICIPALITY, (), 2020, YEAR))
    assert "Summen mangler" not in bundle.source
