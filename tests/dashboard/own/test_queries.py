"""The managers' figures against the database and against the seeds' own numbers.

Seeds (tests/fixtures/dashboard/own/): the 2016 annual report's budget 115 874 and accounts 113 236 (1000 kr)
give mindreforbruk 2 638 and økonomisk måloppnåelse 97,7 %; sick leave 10,31 % against a goal of 8,5 % is
not met; a unit with 3 employees shows ':' everywhere and never a number or 0.
"""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import polars as pl
import pytest
from openpyxl import load_workbook

from dashboard.core import charts, downloads
from dashboard.core.fmt import NBSP
from dashboard.own import charts as own_charts
from dashboard.own import queries as oq
from dashboard.own import upload as own_import
from pipelines import own_data

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "dashboard" / "own"


@pytest.fixture(scope="module")
def seeded_path(built_db, tmp_path_factory) -> Path:
    """A copy of the demo database with the three 2016 seed files imported (real imports remove demo rows)."""
    path = tmp_path_factory.mktemp("own_seeded") / "kostra.duckdb"
    shutil.copy(built_db, path)
    for kind, name in (("budget", "budsjett-2016-seed.csv"), ("sick-leave", "sykefravaer-2016-seed.csv"),
                       ("goals", "enhetsmaal-2016-seed.csv")):
        own_data.import_file(path, kind, SEEDS / name)
    return path


@pytest.fixture
def seeded(seeded_path, monkeypatch) -> Path:
    monkeypatch.setenv("KOSTRA_DB", str(seeded_path))
    return seeded_path


def _sql(path: Path, query: str, params=None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


# ---------------------------------------------------------------- the seeds' figures

def test_seed_budget_2016_gives_mindreforbruk_2638_and_97_7_percent(seeded):
    units = oq.budget_units(2016)
    row = units.filter(pl.col("unit_code") == "3100").row(0, named=True)
    assert row["revised_budget"] == pytest.approx(115_874_000)
    assert row["accounts"] == pytest.approx(113_236_000)
    assert row["deviation"] == pytest.approx(2_638_000)
    assert row["deviation_label"] == "mindreforbruk"
    assert round(row["attainment_pct"], 1) == 97.7
    table = oq.budget_table(units).row(0, named=True)
    assert table["Mer-/mindreforbruk"] == f"mindreforbruk 2{NBSP}638{NBSP}000{NBSP}kr"
    assert table["Økonomisk måloppnåelse"] == f"97,7{NBSP}%"
    thousands = oq.budget_table(units, scale=1000).row(0, named=True)
    assert thousands["Revidert budsjett (1000 kr)"] == f"115{NBSP}874"
    assert thousands["Regnskap (1000 kr)"] == f"113{NBSP}236"
    assert thousands["Mer-/mindreforbruk (1000 kr)"] == f"mindreforbruk 2{NBSP}638"


def test_seed_sick_leave_10_31_against_8_5_is_not_met(seeded):
    units = oq.sick_leave_units(2016)
    row = units.filter(pl.col("unit_code") == "3100").row(0, named=True)
    assert row["sick_leave_pct"] == pytest.approx(10.31)
    assert row["rolling_12_pct"] == pytest.approx(10.31)
    assert row["goal_pct"] == pytest.approx(8.5)
    assert row["goal_status"] == "not_met"
    assert row["over_goal"] is True
    text = oq.sick_leave_table(units).filter(pl.col("Enhet") == "Hjemmebaserte tjenester").row(0, named=True)
    assert text["Sykefravær"] == f"10,31{NBSP}%"
    assert text["Status"] == "Ikke nådd"


def test_seed_scorecard_statuses(seeded):
    card = oq.scorecard("3100", 2016)
    status = dict(zip(card["indicator"].to_list(), card["status_text"].to_list()))
    assert status["Sykefravær"] == "Ikke nådd"
    assert status["Gjennomsnittlig stillingsstørrelse"] == "Ikke nådd"  # 66 against 67, higher is better
    assert status["Medarbeiderundersøkelse"] == "Mangler tall"
    table = oq.scorecard_table(card)
    assert table.filter(pl.col("Indikator") == "Sykefravær")["Resultat"][0] == f"10,31{NBSP}%"


def test_small_unit_shows_colon_everywhere_never_a_number(seeded):
    units = oq.sick_leave_units(2016)
    small = units.filter(pl.col("unit_code") == "3900").row(0, named=True)
    assert small["status"] == ":"
    for col in ("sick_leave_pct", "rolling_12_pct", "self_certified_pct", "doctor_certified_pct",
                "short_term_pct", "long_term_pct", "sick_days", "agreed_work_days"):
        assert small[col] is None, col
    assert small["goal_status"] == "suppressed"
    shown = oq.sick_leave_table(units).filter(pl.col("Enhet") == "Lille bofellesskap").row(0, named=True)
    for col in ("Sykefravær", "Rullerende 12 mnd", "Egenmeldt", "Legemeldt", "Korttid", "Langtid"):
        assert shown[col] == ":", col
    download = oq.sick_leave_download(units, 2016, 12).filter(pl.col("Ansvar") == "3900").row(0, named=True)
    assert download["Sykefravær (%)"] is None and download["Symbol"] == ":"
    monthly = oq.sick_leave_monthly_table(oq.sick_leave_monthly(2016, 12, "3900"))
    assert set(monthly.drop("Enhet").row(0)) == {":"}
    # the scorecard must not reveal what the sick-leave page hides (the goals file had 3,2 %)
    card = oq.scorecard("3900", 2016)
    assert card["result"][0] is None and card["status"][0] == "suppressed"
    assert oq.scorecard_table(card)["Resultat"][0] == ":"
    fig = go.Figure(own_charts.sick_leave_bar(units, charts.ChartText(title="t", source="s", is_demo=False)))
    assert ":" in fig.data[0].text and "0" not in fig.data[0].text


def test_source_line_names_the_imported_file_and_demo_flag(seeded):
    assert oq.source_line("budget").startswith("Kilde: kommunens regnskap, importert ")
    assert oq.source_line("budget").endswith("fra budsjett-2016-seed.csv")
    assert oq.is_demo("budget") is False
    assert oq.is_demo("budget-frame") is True  # only the demo frame is in the database
    assert oq.years("budget") == [2016]


# ---------------------------------------------------------------- the demo database

def test_budget_units_equal_the_database_and_sort_overruns_first(db_env):
    units = oq.budget_units(2025, 6)
    expected = dict((code, (rb, acc)) for code, rb, acc in _sql(
        db_env, "SELECT unit_code, sum(revised_budget), sum(accounts) FROM own_budget_line "
                "WHERE year = 2025 AND period <= 6 GROUP BY 1"))
    assert set(units["unit_code"].to_list()) == set(expected)
    for r in units.iter_rows(named=True):
        rb, acc = expected[r["unit_code"]]
        assert r["revised_budget"] == pytest.approx(rb)
        assert r["accounts"] == pytest.approx(acc)
        assert r["deviation"] == pytest.approx(rb - acc)
        assert r["attainment_pct"] == pytest.approx(acc / rb * 100)
    deviations = units["deviation"].to_list()
    assert deviations == sorted(deviations)
    assert deviations[0] < 0  # the demo has a unit in merforbruk
    total = oq.budget_total(units).row(0, named=True)
    assert total["revised_budget"] == pytest.approx(sum(v[0] for v in expected.values()))
    assert oq.with_total(units).height == units.height + 1


def test_monthly_year_to_date_ends_at_the_period_total(db_env):
    monthly = oq.budget_monthly(2025, 6, "3120")
    assert monthly["month"].to_list() == [1, 2, 3, 4, 5, 6]
    unit = oq.budget_units(2025, 6, "3120").row(0, named=True)
    assert monthly["ytd_budget"][-1] == pytest.approx(unit["revised_budget"])
    assert monthly["ytd_accounts"][-1] == pytest.approx(unit["accounts"])
    assert monthly["ytd_accounts"][1] == pytest.approx(monthly["accounts"][0] + monthly["accounts"][1])


def test_drill_down_levels_add_up(db_env):
    sectors = oq.budget_sectors(2025)
    units = oq.budget_units(2025)
    assert sectors["accounts"].sum() == pytest.approx(units["accounts"].sum())
    arts = oq.budget_arts(2025, 12, "3210")
    unit = units.filter(pl.col("unit_code") == "3210").row(0, named=True)
    assert arts["revised_budget"].sum() == pytest.approx(unit["revised_budget"])
    assert arts["deviation"].to_list() == sorted(arts["deviation"].to_list())


def test_sick_leave_equals_days_over_agreed_days(db_env):
    units = oq.sick_leave_units(2025, 6, "3120")
    days, agreed = _sql(db_env, "SELECT sum(sick_days), sum(agreed_work_days) FROM own_sick_leave "
                                "WHERE unit_code = '3120' AND year = 2025 AND month <= 6")[0]
    assert units["sick_leave_pct"][0] == pytest.approx(days / agreed * 100)
    r_days, r_agreed = _sql(db_env, "SELECT sum(sick_days), sum(agreed_work_days) FROM own_sick_leave WHERE "
                                    "unit_code = '3120' AND year * 12 + month BETWEEN 2024 * 12 + 7 AND 2025 * 12 + 6")[0]
    assert units["rolling_12_pct"][0] == pytest.approx(r_days / r_agreed * 100)
    # demo sick leave starts in January 2023: no full rolling year before December 2023
    early = oq.sick_leave_monthly(2023, 12, "3120")
    assert early["rolling_12_pct"][:11].null_count() == 11 and early["rolling_12_pct"][11] is not None


def test_frame_waterfall_steps_add_up_to_the_corrected_frame(db_env):
    name = oq.frame_names()[0]
    for year in oq.frame_years(name):
        steps = oq.frame_steps(name, year)
        assert steps[0][2] == "absolute" and steps[-1][2] == "total"
        assert steps[0][1] + sum(s[1] for s in steps[1:-1]) == pytest.approx(steps[-1][1])
        assert len({s[0] for s in steps}) == len(steps)  # waterfall categories must be unique
    assert oq.frame_steps(name, 2017)[-1][1] == pytest.approx(78_040)
    assert oq.frame_steps(name, 2018)[-1][1] == pytest.approx(84_540)


def test_charts_carry_title_source_and_demo_label(db_env):
    text = charts.ChartText(title="Avvik", source=oq.source_line("budget"), is_demo=oq.is_demo("budget"))
    for fig in (own_charts.deviation_bar(oq.budget_units(2025), text),
                own_charts.budget_trend(oq.budget_monthly(2025), text),
                own_charts.sick_leave_bar(oq.sick_leave_units(2025), text),
                own_charts.sick_leave_trend(oq.sick_leave_monthly(2025), text),
                own_charts.sick_leave_split(oq.sick_leave_units(2025), text, split="duration"),
                own_charts.frame_waterfall(oq.frame_steps(oq.frame_names()[0], 2019), text)):
        fig = go.Figure(fig)  # the charts are dicts; plotly's Figure validates them too
        notes = [a.text for a in fig.layout.annotations]
        assert "Avvik" in fig.layout.title.text
        assert any(n.startswith("Kilde: kommunens regnskap, importert") for n in notes)
        assert any("DEMODATA" in n for n in notes)
    real = charts.ChartText(title="x", source="Kilde: x", is_demo=False)
    assert not any("DEMODATA" in (a.text or "") for a in go.Figure(own_charts.budget_trend(oq.budget_monthly(2025), real))
                   .layout.annotations)


def test_empty_selection_gives_empty_frames_not_errors(db_env):
    assert oq.budget_units(1990).is_empty()
    assert oq.budget_table(oq.budget_units(1990)).is_empty()
    assert oq.sick_leave_units(2025, 12, "finnes-ikke").is_empty()
    assert oq.scorecard("finnes-ikke", 2025).is_empty()
    empty = charts.ChartText(title="t", source="s", is_demo=False)
    assert go.Figure(own_charts.deviation_bar(oq.budget_units(1990), empty)).layout.annotations[0].text.startswith("Ingen")


def test_scorecard_workbook_has_one_sheet_per_part(db_env):
    card = oq.scorecard("3120", 2025)
    figures = oq.unit_key_figures("3120", 2025)
    data = downloads.xlsx_workbook({"Mål og resultater": oq.scorecard_download(card, "3120", 2025),
                                        "Nøkkeltall": oq.key_figures_download(figures, "3120", 2025, 12)},
                                       title="Enhetsrapport", note="Demodata")
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Mål og resultater", "Nøkkeltall"]
    values = [c.value for row in wb["Nøkkeltall"].iter_rows() for c in row]
    assert figures["revised_budget"] in values  # numbers stay numbers
    assert "Demodata" in values


def test_import_helpers_reject_bad_upload_without_writing(db_copy):
    before = db_copy.read_bytes()
    bad = "Ansvar;År;Måned;Revidert budsjett;Regnskap\n3110;2025;13;100;12 3x4\n".encode()
    parsed = own_import.parse_upload("budget", bad, "feil.csv")
    assert not parsed.ok
    problems = own_import.problems_table(parsed)
    assert problems.height >= 1 and (problems["Rad"] == "2").any()
    assert any("Regnskap" in c for c in problems["Kolonne"].to_list())
    assert db_copy.read_bytes() == before


def test_import_helpers_plan_and_import(db_copy):
    data = (SEEDS / "budsjett-2016-seed.csv").read_bytes()
    parsed = own_import.parse_upload("budget", data, "budsjett-2016-seed.csv")
    assert parsed.ok and parsed.amount_unit == "1000kr"
    assert own_import.preview_table(parsed)["Revidert budsjett (kr)"][0] == "115\u00a0874\u00a0000"
    the_plan = own_import.plan(parsed)
    assert own_import.plan_table(the_plan)["Hva skjer"].to_list() == ["legges til"]
    assert "demodata" in own_import.plan_summary(the_plan)
    result = own_import.run_import(parsed)
    assert result.status == "imported"
    assert "Importerte 1 rader" in own_import.result_message(result)
    assert oq.budget_units(2016)["deviation"][0] == pytest.approx(2_638_000)
    assert own_import.plan(parsed).already_imported


def test_waterfall_labels_are_cut_between_words():
    from dashboard.own.queries import _short
    assert _short("Opprinnelig vedtatt netto budsjettramme 2016", 34) == "Opprinnelig vedtatt … budsjettramme 2016"
    assert _short("Intern overføring mellom rammene - fra hjemmebaserte tjenester til bofellesskap PUH", 34) \
        == "Intern overføring … bofellesskap PUH"
    assert _short("Kort linje", 34) == "Kort linje"


def test_deviation_only_where_accounts_exist(db_copy):
    """Budget for January and February, accounts only for January (the rest imported from a file without a
    «Regnskap» column): the deviation compares January's budget with January's accounts, never the whole budget
    with missing accounts read as 0."""
    fix = Path(__file__).resolve().parents[2] / "fixtures" / "own_data"
    own_data.import_file(db_copy, "budget", fix / "b_budget_only.csv")
    own_data.import_file(db_copy, "budget", fix / "b_accounts_jan.csv")
    units = oq.budget_units(2024, 2).filter(pl.col("unit_code").is_in(["7110", "7120"])).sort("unit_code")
    assert units["revised_budget"].to_list() == [2000.0, 4200.0]   # the budget through February
    assert units["accounts"].to_list() == [1200.0, 2000.0]         # accounts only for January
    assert units["deviation"].to_list() == [-200.0, 100.0]         # January's budget minus January's accounts
    assert units["deviation_label"].to_list() == ["merforbruk", "mindreforbruk"]
    assert [round(a, 1) for a in units["attainment_pct"].to_list()] == [120.0, 95.2]
    total = oq.budget_total(units).row(0, named=True)
    assert total["deviation"] == -100.0
    sectors = oq.budget_sectors(2024, 2).filter(pl.col("sector") == "Helse og omsorg").row(0, named=True)
    assert sectors["deviation"] == -100.0

    feb_only = oq.budget_units(2024, 2).filter(pl.col("unit_code") == "7110")
    assert feb_only.height == 1
    monthly = oq.budget_monthly(2024, 2, "7110")
    assert monthly["accounts"].to_list() == [1200.0, None]
    assert monthly["ytd_accounts"].to_list() == [1200.0, None]
    table = oq.monthly_table(monthly)
    assert table[table.columns[-1]].to_list() == ["\u2212200\u00a0kr", "Mangler tall"]


def test_a_budget_only_year_shows_budget_and_no_deviation(db_copy):
    fix = Path(__file__).resolve().parents[2] / "fixtures" / "own_data"
    own_data.import_file(db_copy, "budget", fix / "b_budget_only.csv")
    units = oq.budget_units(2024, 2).filter(pl.col("unit_code").is_in(["7110", "7120"]))
    assert units["revised_budget"].sum() == 6200.0
    assert units["accounts"].to_list() == [None, None]
    assert units["deviation"].to_list() == [None, None]
    table = oq.budget_table(units)
    assert set(table["Regnskap"].to_list()) == {"Mangler tall"}
    assert set(table["Mer-/mindreforbruk"].to_list()) == {"Mangler tall"}


def test_import_preview_shows_empty_cells_empty():
    parsed = own_data.parse("budget", SEEDS / "budsjett-2016-seed.csv")
    preview = own_import.preview_table(parsed)
    cells = [v for row in preview.iter_rows() for v in row]
    assert None not in cells and "None" not in cells
    assert preview["Tjenestenavn"].to_list() == [""]


def test_key_figure_cards_shorten_thousands_of_millions():
    assert oq.compact_amount(90_845_200_000.0) == f"90,8{NBSP}mrd.{NBSP}kr"
    assert oq.compact_amount(None) == "Mangler tall"


def test_the_page_note_says_when_part_of_the_budget_has_no_accounts(db_copy):
    fix = Path(__file__).resolve().parents[2] / "fixtures" / "own_data"
    own_data.import_file(db_copy, "budget", fix / "b_budget_only.csv")
    only_budget = oq.budget_total(oq.budget_units(2024, 2)).row(0, named=True)
    assert "Det finnes ikke regnskap for dette utvalget" in oq.accounts_note(only_budget)
    own_data.import_file(db_copy, "budget", fix / "b_accounts_jan.csv")
    part = oq.budget_total(oq.budget_units(2024, 2)).row(0, named=True)
    assert oq.accounts_note(part).startswith(f"Regnskap mangler for en del av budsjettet (3{NBSP}100{NBSP}kr av")
    assert oq.accounts_note(oq.budget_total(oq.budget_units(2024, 1)).row(0, named=True)) is None
