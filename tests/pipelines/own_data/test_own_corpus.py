"""The malformed/awkward file corpus (tests/fixtures/own_data, written by make_fixtures.py): every file either
imports with the right values or is rejected with a specific Norwegian message, leaving the database
byte-identical."""
from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from pipelines.own_data import ImportRejected, import_demo, import_file

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "own_data"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def demo_db_bytes(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("demo") / "kostra.duckdb"
    con = duckdb.connect(str(path))
    import_demo(con)
    con.execute("CHECKPOINT")
    con.close()
    return path.read_bytes()


@pytest.fixture
def demo_db(tmp_path, demo_db_bytes) -> Path:
    path = tmp_path / "kostra.duckdb"
    path.write_bytes(demo_db_bytes)
    return path


BUDGET_SQL = ("SELECT unit_code, art_code, year, period, revised_budget, accounts FROM own_budget_line "
              "ORDER BY unit_code, art_code, year, period")

REJECTED = [
    ("b_text_in_number.csv", "budget", {}, "b_text_in_number.csv: Rad 3, kolonne «Regnskap»: «12 3x4» er ikke et tall"),
    ("b_missing_columns.csv", "budget", {},
     "Mangler kolonne «Opprinnelig budsjett» eller «Revidert budsjett» eller «Regnskap». Fant kolonnene: «Ansvar», "
     "«Ansvarsnavn», «Art», «Periode», «Kommentar»"),
    ("b_duplicate_rows.csv", "budget", {}, "Rad 2: radene 2, 4 gjelder det samme (ansvar 3110, tjeneste 254, art 10100, 2024-01)"),
    ("b_month_13.csv", "budget", {}, "Rad 2, kolonne «Periode»: måned 13 finnes ikke (må være 1–12)"),
    ("b_year_out_of_range.csv", "budget", {}, "Rad 2, kolonne «År»: året 1899 er ikke et gyldig år"),
    ("b_empty.csv", "budget", {}, "Filen er tom"),
    ("b_whitespace_only.csv", "budget", {}, "Filen er tom"),
    ("b_header_only.csv", "budget", {}, "Filen har overskrifter, men ingen datarader"),
    ("b_really_html.csv", "budget", {}, "Filen er en HTML-/XML-side, ikke en CSV-fil"),
    ("b_mojibake.csv", "budget", {}, "feil tegnkoding («Ã¸»"),
    ("b_period_year_conflict.csv", "budget", {}, "Rad 2, kolonne «Periode»: perioden «202503» hører til et annet år enn 2024"),
    ("b_no_header.csv", "budget", {}, "Fant ikke overskriftsraden i filen"),
    ("b_odd_headers.csv", "budget", {}, "Første rad: «Kostnadsbærer», «Periode», «Budsjettall»"),
    ("b_odd_headers.csv", "budget", {"mapping": FIX / "b_bad_mapping.json"}, "Kolonnekartet nevner «Lønnsbudsjett»"),
    ("b_mixed_units.csv", "budget", {}, "Beløpskolonnene oppgir ulike enheter"),
    ("b_thousand_kr_header.csv", "budget", {"amount_unit": "kr"},
     "Du oppga beløp i kr, men filen sier 1000 kr (kolonne «Revidert budsjett (1000 kr)»)"),
    ("b_thousand_kr_title.csv", "budget", {"amount_unit": "millioner"}, "Ukjent beløpsenhet «millioner»"),
    ("b_old_excel.xls", "budget", {}, "gamle Excel-formatet (.xls)"),
    ("b_pdf_renamed.csv", "budget", {}, "Filen er en PDF"),
    ("b_corrupt.xlsx", "budget", {}, "kan ikke åpnes som en XLSX-fil"),
    ("b_formula_no_cache.xlsx", "budget", {},
     "Rad 2, kolonne «Revidert budsjett»: cellen har formelen «=D2+E2» uten lagret verdi"),
    ("b_named_sheet.xlsx", "budget", {}, "Filen har også arkene «Regnskap 2024»; velg ark med --sheet"),
    ("b_named_sheet.xlsx", "budget", {"sheet": "Finnes ikke"}, "Arket «Finnes ikke» finnes ikke. Ark i filen: Forside, Regnskap 2024"),
    ("b_semicolon_decimal_comma.csv", "sick-leave", {}, "Mangler kolonne «Fraværsdager» eller «Sykefravær %»"),
    ("does_not_exist.csv", "budget", {}, "Fant ikke filen"),
    ("s_negative_days.csv", "sick-leave", {}, "Rad 2, kolonne «Fraværsdager»: antall dager kan ikke være negativt (-3)"),
    ("s_days_over_agreed.csv", "sick-leave", {}, "fraværsdager (120) er flere enn avtalte dagsverk (100)"),
    ("s_pct_over_100.csv", "sick-leave", {}, "Rad 2, kolonne «Sykefravær %»: prosenten 104,2 er utenfor 0–100"),
    ("s_month_13.csv", "sick-leave", {}, "Rad 2, kolonne «Måned»: måned 13 finnes ikke"),
    ("s_duplicate_month.csv", "sick-leave", {}, "radene 2, 3 gjelder det samme (enhet Solheim sykehjem, 2024-01)"),
    ("s_no_agreed_days.csv", "sick-leave", {}, "trengs «Avtalte dagsverk»"),
    ("g_bad_direction.csv", "goals", {}, "Rad 2, kolonne «Høyere er bedre»: «kanskje» er verken ja eller nei"),
    ("f_not_adding_up.csv", "budget-frame", {},
     "Rad 4: rammen for 2026 går ikke opp: startlinjen 100\u00a0000 pluss endringene 3\u00a0500 gir 103\u00a0500, "
     "men sluttlinjen er 104\u00a0000"),
    ("f_unknown_category.csv", "budget-frame", {}, "Rad 3, kolonne «Kategori»: «tull» er ikke en kjent kategori"),
]


@pytest.mark.parametrize("name,kind,opts,message", REJECTED, ids=[f"{r[0]}-{r[1]}-{i}" for i, r in enumerate(REJECTED)])
def test_rejected_files_leave_the_database_byte_identical(demo_db, name, kind, opts, message):
    before = sha(demo_db)
    with pytest.raises(ImportRejected) as info:
        import_file(demo_db, kind, FIX / name, **opts)
    text = "\n".join(str(p) for p in info.value.problems)
    assert message in text
    assert sha(demo_db) == before
    assert sorted(p.name for p in demo_db.parent.iterdir()) == ["kostra.duckdb"]


def _rows(db: Path, sql: str):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


IMPORTED = [
    ("b_semicolon_decimal_comma.csv", "budget", {}, BUDGET_SQL, [
        ("3110", "10100", 2024, 1, 100000.0, 98765.43), ("3110", "10200", 2024, 1, 21000.0, 25500.5),
        ("3210", "10100", 2024, 1, 200000.0, 210000.0)]),
    ("b_bom_utf8.csv", "budget", {}, "SELECT unit_code, unit_name FROM own_budget_line ORDER BY 1",
     [("3120", "Hjemmetjenesten sone Sør"), ("3130", "Hjemmetjenesten sone Øst")]),
    ("b_cp1252.csv", "budget", {}, "SELECT unit_name, accounts FROM own_budget_line ORDER BY 1",
     [("Fjordtun omsorgssenter – Ærlig Åsen", 7100.0), ("Hjemmetjenesten sone Sør", 4321.5)]),
    ("b_comma_delimited.csv", "budget", {}, "SELECT unit_name, art_code, revised_budget, accounts FROM own_budget_line ORDER BY 2",
     [("Hjemmetjenesten sone Nord, team 1", "10100", 1234.5, 1200.25),
      ("Hjemmetjenesten sone Nord, team 1", "10200", 1000.0, 1100.0)]),
    ("b_utf16_tab.txt", "budget", {}, BUDGET_SQL, [("3310", "10100", 2024, 5, 30000.0, 29500.0)]),
    ("b_nbsp_thousands.csv", "budget", {}, BUDGET_SQL, [("3210", "10100", 2024, 6, 1234567.89, 1300000.10)]),
    ("b_thousand_kr_title.csv", "budget", {}, BUDGET_SQL, [("3110", None, 2024, None, 1234500.0, 1200000.0)]),
    ("b_thousand_kr_title.csv", "budget", {"amount_unit": "1000kr"}, BUDGET_SQL,
     [("3110", None, 2024, None, 1234500.0, 1200000.0)]),
    ("b_thousand_kr_header.csv", "budget", {}, BUDGET_SQL, [("3110", None, 2024, None, 2000000.0, 1950500.0)]),
    ("b_negative_formats.csv", "budget", {}, BUDGET_SQL, [
        ("3110", "16200", 2024, 1, -1200.0, -1150.0), ("3110", "17100", 2024, 1, -300.0, -300.0)]),
    ("b_code_and_name_combined.csv", "budget", {},
     "SELECT unit_code, unit_name, service_code, service_name, art_code, art_name FROM own_budget_line",
     [("3110", "Hjemmetjenesten sone Nord", "254", "Helse- og omsorgstjenester i hjemmet", "10100", "Fastlønn")]),
    ("b_sum_row.csv", "budget", {}, "SELECT count(*), sum(accounts) FROM own_budget_line", [(2, 159.0)]),
    ("b_year_and_month_columns.csv", "budget", {},
     "SELECT art_code, period, original_budget, budget_changes, revised_budget, accounts FROM own_budget_line ORDER BY 1",
     [("10100", 3, 100.0, 10.0, 110.0, 105.0), ("10200", 3, 50.0, 10.0, 60.0, 70.0)]),
    ("b_odd_headers.csv", "budget", {"mapping": FIX / "b_odd_headers.mapping.json"}, BUDGET_SQL,
     [("3110", None, 2024, 1, 1000.0, 950.0)]),
    ("b_odd_headers.csv", "budget", {"mapping": FIX / "b_odd_headers.mapping.toml"}, BUDGET_SQL,
     [("3110", None, 2024, 1, 1000.0, 950.0)]),
    ("b_seed_2016.csv", "budget", {},
     "SELECT unit_name, year, period, revised_budget, accounts FROM own_budget_line",
     [("Hjemmebaserte tjenester", 2016, None, 115874000.0, 113236000.0)]),
    ("b_title_rows.xlsx", "budget", {}, BUDGET_SQL, [
        ("3110", "10100", 2024, 1, 1000.5, 990.25), ("3110", "10100", 2024, 2, 1100.0, 1200.0)]),
    ("b_merged_header.xlsx", "budget", {},
     "SELECT unit_code, period, original_budget, budget_changes, revised_budget, accounts FROM own_budget_line",
     [("3210", 3, 500.0, 50.0, 550.0, 560.0)]),
    ("b_formula_cached.xlsx", "budget", {}, "SELECT revised_budget, accounts FROM own_budget_line", [(110.0, 105.0)]),
    ("b_named_sheet.xlsx", "budget", {"sheet": "Regnskap 2024"}, BUDGET_SQL, [("3130", None, 2024, None, 5000.0, 5100.0)]),
    ("s_ok.csv", "sick-leave", {},
     "SELECT unit_code, month, sick_days, agreed_work_days, round(sick_leave_pct, 2), employees, goal_pct "
     "FROM own_sick_leave ORDER BY 1, 2",
     [("3110", 1, 82.48, 800.0, 10.31, 55, 8.5), ("3110", 2, 60.0, 760.0, 7.89, 55, 8.5),
      ("3310", 1, 3.0, 60.0, 5.0, 4, 6.0)]),
    ("s_month_names_pct_only.csv", "sick-leave", {},
     "SELECT unit_code, year, month, sick_leave_pct, goal_pct FROM own_sick_leave ORDER BY month",
     [("Hjemmetjenesten sone Nord", 2024, 1, 10.31, 8.5), ("Hjemmetjenesten sone Nord", 2024, 2, 7.9, 8.5)]),
    ("s_percent_format.xlsx", "sick-leave", {},
     "SELECT round(sick_leave_pct, 4), round(goal_pct, 4), employees FROM own_sick_leave", [(10.31, 8.5, 85)]),
    ("g_2016_scorecard.csv", "goals", {},
     "SELECT indicator, goal, result, higher_is_better FROM own_unit_goal ORDER BY indicator", [
         ("Andel ansatte med relevant utdanning", 75.0, 73.8, True),
         ("Brukerundersøkelse i hjemmetjenesten/omsorgsboliger", 4.5, None, True),
         ("Gjennomsnittlig stillingsstørrelse", 67.0, 66.0, True),
         ("Medarbeiderundersøkelse", 4.5, None, True),
         ("Sykefravær", 8.5, 10.31, False)]),
    ("g_missing_direction.csv", "goals", {},
     "SELECT indicator, higher_is_better FROM own_unit_goal ORDER BY 1",
     [("Brukerundersøkelse", True), ("Sykefravær", False)]),
    ("f_long_with_categories.csv", "budget-frame", {},
     "SELECT frame_name, year, line_no, category, amount FROM own_budget_frame ORDER BY line_no", [
         ("Pleie og omsorg", 2026, 1, "start", 100_000_000.0), ("Pleie og omsorg", 2026, 2, "price_wage", 3_500_000.0),
         ("Pleie og omsorg", 2026, 3, "new_measure", 2_000_000.0), ("Pleie og omsorg", 2026, 4, "saving", -1_500_000.0),
         ("Pleie og omsorg", 2026, 5, "end", 104_000_000.0)]),
    ("f_seed_wide.xlsx", "budget-frame", {},
     "SELECT year, amount FROM own_budget_frame WHERE category = 'end' ORDER BY year",
     [(2017, 78_040_000.0), (2018, 84_540_000.0), (2019, 83_040_000.0), (2020, 83_040_000.0)]),
]


@pytest.mark.parametrize("name,kind,opts,sql,expected", IMPORTED,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(IMPORTED)])
def test_awkward_files_import_with_the_right_values(tmp_path, name, kind, opts, sql, expected):
    db = tmp_path / "kostra.duckdb"
    result = import_file(db, kind, FIX / name, **opts)
    assert result.status == "imported"
    assert _rows(db, sql) == expected
    batch = _rows(db, "SELECT kind, file_name, rows, is_demo FROM own_import_batch")
    assert batch == [(kind, name, len(_rows(db, f"SELECT 1 FROM {result_table(kind)}")), False)]


def result_table(kind: str) -> str:
    from pipelines.own_data.store import TABLES

    return TABLES[kind]


def test_corpus_has_at_least_30_files():
    files = [p for p in FIX.iterdir() if p.suffix != ".py" and "mapping" not in p.name]
    assert len(files) >= 30


def test_huge_accounts_file_imports(tmp_path):
    """60 000 rows written on the fly (not committed): all rows arrive and the sum is exact."""
    lines = ["Ansvar;Art;Periode;Revidert budsjett;Regnskap"]
    total = 0
    for i in range(60_000):
        unit, art, month = 3000 + i % 50, 10000 + (i // 50) % 100, 1 + (i // 5000) % 12
        year = 2020 + i // 60_000
        lines.append(f"{unit};{art};{year}-{month:02d};{i}\u00a0000,50;{i},25")
        total += i + 0.25
    path = tmp_path / "stor.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "kostra.duckdb"
    result = import_file(db, "budget", path)
    assert result.plan.rows_to_insert == 60_000
    assert _rows(db, "SELECT count(*), round(sum(accounts), 2), max(revised_budget) FROM own_budget_line") == [
        (60_000, round(total, 2), 59_999_000.5)]


def test_formula_cells_with_cached_values_are_read_not_reported():
    from pipelines.own_data import parse

    parsed = parse("budget", FIX / "b_formula_cached.xlsx")
    assert parsed.ok
    assert parsed.rows["revised_budget"].to_list() == [110.0]


def test_regenerating_fixtures_changes_nothing(tmp_path):
    """The committed corpus is exactly what make_fixtures.py writes."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_fixtures", FIX / "make_fixtures.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.HERE = tmp_path
    mod.main()
    for made in tmp_path.iterdir():
        if made.suffix == ".xlsx":
            continue  # zip timestamps of openpyxl's own parts vary between runs; content is checked by the tests above
        assert made.read_bytes() == (FIX / made.name).read_bytes(), made.name


def test_a_data_row_with_more_fields_than_the_header_is_named_with_its_field_count():
    from pipelines.own_data import parse

    parsed = parse("budget", FIX / "b_unquoted_delimiter.csv")
    assert [(p.row, p.column) for p in parsed.problems] == [(3, None)]
    message = parsed.problems[0].message
    assert "raden har 7 felt, men overskriftsraden (rad 1) har 6" in message
    assert "«;»" in message and "Fant ikke overskriftsraden" not in message
    assert parsed.rows.height == 0


def test_a_first_row_narrower_than_the_rows_under_it_is_pointed_out():
    from pipelines.own_data import parse

    text = "Rapport;Utskrevet\n" + "".join(f"31{i}0;Nord; Vest;2024-01;{i};{i}\n" for i in range(5))
    parsed = parse("budget", text.encode(), file_name="smal.csv")
    message = parsed.problems[0].message
    assert "Rad 1 har 2 felt, men de fleste radene under har 6 (f.eks. rad 2, 3, 4, 5, 6)" in message
