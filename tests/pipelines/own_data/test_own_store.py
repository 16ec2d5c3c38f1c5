"""Import semantics: idempotent, replace-by-period, demo removal, unit register, atomic write, demo load."""
from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from pipelines.own_data import (
    DatabaseBusy,
    ImportRejected,
    import_demo,
    import_file,
    import_parsed,
    metrics,
    parse,
    plan,
    store,
)

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "own_data"
HEAD = "Ansvar;Ansvarsnavn;Art;Periode;Revidert budsjett;Regnskap"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(db: Path, sql: str, params=None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def write(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "db" / "kostra.duckdb"


def test_reimporting_the_same_file_changes_nothing(tmp_path, db):
    f = write(tmp_path, "jan.csv", HEAD, "3110;Nord;10100;2024-01;100;90", "3120;Sør;10100;2024-01;200;210")
    first = import_file(db, "budget", f)
    assert first.status == "imported"
    before = sha(db)
    again = import_file(db, "budget", f)
    assert again.status == "unchanged" and again.batch_id == first.batch_id
    assert again.plan.already_imported
    assert sha(db) == before


def test_corrected_file_replaces_only_its_periods(tmp_path, db):
    import_file(db, "budget", write(tmp_path, "q1.csv", HEAD,
                                    "3110;Nord;10100;2024-01;100;90", "3110;Nord;10100;2024-02;100;95",
                                    "3120;Sør;10100;2024-02;100;80"))
    correction = write(tmp_path, "feb.csv", HEAD, "3110;Nord;10100;2024-02;100;99")
    the_plan = plan(db, parse("budget", correction))
    assert [(p.label, p.new_rows, p.existing_rows) for p in the_plan.periods] == [("2024-02", 1, 2)]
    assert the_plan.rows_to_replace == 2
    import_file(db, "budget", correction)
    assert rows(db, "SELECT unit_code, period, accounts FROM own_budget_line ORDER BY period, unit_code") == [
        ("3110", 1, 90.0), ("3110", 2, 99.0)]
    assert rows(db, "SELECT batch_id, replaced_rows FROM own_import_batch ORDER BY 1") == [(1, 0), (2, 2)]


def test_reimport_of_an_older_file_after_a_correction_restores_it(tmp_path, db):
    original = write(tmp_path, "a.csv", HEAD, "3110;Nord;10100;2024-01;100;90")
    import_file(db, "budget", original)
    import_file(db, "budget", write(tmp_path, "b.csv", HEAD, "3110;Nord;10100;2024-01;100;91"))
    result = import_file(db, "budget", original)
    assert result.status == "imported"
    assert rows(db, "SELECT accounts FROM own_budget_line") == [(90.0,)]


def test_a_year_file_replaces_the_months_of_that_year_and_vice_versa(tmp_path, db):
    import_file(db, "budget", write(tmp_path, "m.csv", HEAD, "3110;Nord;10100;2024-01;100;90",
                                    "3110;Nord;10100;2024-02;100;95", "3110;Nord;10100;2023-02;7;7"))
    import_file(db, "budget", write(tmp_path, "y.csv", HEAD, "3110;Nord;10100;2024;1200;1100"))
    assert rows(db, "SELECT year, period, accounts FROM own_budget_line ORDER BY 1, 2") == [
        (2023, 2, 7.0), (2024, None, 1100.0)]
    import_file(db, "budget", write(tmp_path, "m2.csv", HEAD, "3110;Nord;10100;2024-03;100;50"))
    assert rows(db, "SELECT year, period FROM own_budget_line ORDER BY 1, 2") == [(2023, 2), (2024, 3)]


def test_goals_replace_per_unit_and_year(tmp_path, db):
    head = "Ansvar;Enhet;År;Indikator;Mål;Resultat;Høyere er bedre"
    import_file(db, "goals", write(tmp_path, "g1.csv", head, "3110;Nord;2024;Sykefravær;8,5;9;nei",
                                   "3120;Sør;2024;Sykefravær;8,5;7;nei"))
    import_file(db, "goals", write(tmp_path, "g2.csv", head, "3110;Nord;2024;Sykefravær;8,5;8;nei"))
    assert rows(db, "SELECT unit_code, result FROM own_unit_goal ORDER BY 1") == [("3110", 8.0), ("3120", 7.0)]


def test_budget_frame_replaces_the_whole_frame(tmp_path, db):
    import_file(db, "budget-frame", FIX / "f_long_with_categories.csv")
    head = "Ramme;År;Beskrivelse;Beløp"
    import_file(db, "budget-frame", write(tmp_path, "ramme.csv", head, "Pleie og omsorg;2027;Ramme 2026;10",
                                          "Pleie og omsorg;2027;Økning;5", "Pleie og omsorg;2027;Ramme 2027;15"))
    assert rows(db, "SELECT year, line_no, category, amount FROM own_budget_frame ORDER BY 1, 2") == [
        (2027, 1, "start", 10.0), (2027, 2, "new_measure", 5.0), (2027, 3, "end", 15.0)]


@pytest.fixture
def demo_db(tmp_path) -> Path:
    path = tmp_path / "demo" / "kostra.duckdb"
    path.parent.mkdir()
    con = duckdb.connect(str(path))
    import_demo(con)
    con.close()
    return path


def test_import_demo_fills_every_table_with_labelled_rows(demo_db):
    for table, n in (("own_budget_line", 2160), ("own_sick_leave", 216), ("own_unit_goal", 90),
                     ("own_budget_frame", 48), ("own_unit", 6)):
        assert rows(demo_db, f"SELECT count(*), bool_and(is_demo) FROM {table}") == [(n, True)]
    assert rows(demo_db, "SELECT count(*) FROM own_import_batch WHERE is_demo AND file_name LIKE '%demo%'") == [(4,)]
    # the seed frame walks from 461 992 to the corrected frames (1000 kr)
    assert rows(demo_db, "SELECT year, sum(amount) FILTER (WHERE category NOT IN ('start', 'end')) / 1000, "
                         "max(amount) FILTER (WHERE category = 'end') / 1000 FROM own_budget_frame "
                         "GROUP BY year ORDER BY year") == [
        (2017, 78040 - 461992, 78040), (2018, 84540 - 461992, 84540), (2019, 83040 - 461992, 83040),
        (2020, 83040 - 461992, 83040)]


def test_small_units_are_suppressed_in_the_display_view(demo_db):
    shown = rows(demo_db, "SELECT DISTINCT status, sick_leave_pct IS NULL, sick_days IS NULL FROM own_sick_leave_display "
                          "WHERE unit_code = '3310'")
    assert shown == [(":", True, True)]
    assert rows(demo_db, "SELECT count(*) FROM own_sick_leave_display WHERE unit_code <> '3310' AND "
                         "(status <> '' OR sick_leave_pct IS NULL)") == [(0,)]
    assert metrics.is_suppressed(4) and not metrics.is_suppressed(5) and not metrics.is_suppressed(None)


def test_a_real_import_removes_demo_rows_of_its_kind_only(tmp_path, demo_db):
    f = write(tmp_path, "ekte.csv", HEAD, "4110;Ekte enhet;10100;2024-01;100;90")
    the_plan = plan(demo_db, parse("budget", f))
    assert the_plan.demo_rows_to_remove == 2160
    assert any("Demodata" in w for w in the_plan.warnings)
    assert the_plan.new_units == []  # the register of real units is still empty: nothing to compare with
    import_file(demo_db, "budget", f)
    assert rows(demo_db, "SELECT count(*), bool_or(is_demo) FROM own_budget_line") == [(1, False)]
    assert rows(demo_db, "SELECT count(*) FROM own_sick_leave WHERE is_demo") == [(216,)]


def test_unknown_units_are_warned_about_once_a_register_exists(tmp_path, db):
    import_file(db, "budget", FIX / "b_semicolon_decimal_comma.csv")
    sick = write(tmp_path, "syk.csv", "Ansvar;Enhet;År;Måned;Sykefravær %",
                 "3110;Hjemmetjenesten sone Nord;2024;1;9", "3999;Ny enhet;2024;1;4")
    result = import_file(db, "sick-leave", sick)
    assert result.plan.new_units == ["3999 Ny enhet"]
    assert "1 enhet(er) finnes ikke i tidligere importer og blir lagt til: 3999 Ny enhet." in result.plan.warnings
    assert rows(db, "SELECT unit_code FROM own_unit ORDER BY 1") == [("3110",), ("3210",), ("3999",)]


def test_unit_names_are_resolved_to_codes_from_the_register(tmp_path, db):
    import_file(db, "budget", FIX / "b_semicolon_decimal_comma.csv")
    sick = write(tmp_path, "syk.csv", "Enhet;Periode;Sykefravær %", "solheim sykehjem ;2024-01;11,4")
    import_file(db, "sick-leave", sick)
    assert rows(db, "SELECT unit_code, unit_name, sick_leave_pct FROM own_sick_leave") == [
        ("3210", "solheim sykehjem", 11.4)]


def test_a_failed_write_leaves_the_database_byte_identical(tmp_path, db, monkeypatch):
    import_file(db, "budget", FIX / "b_semicolon_decimal_comma.csv")
    before = sha(db)

    def boom(con):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "rebuild_unit_register", boom)
    with pytest.raises(RuntimeError):
        import_file(db, "budget", FIX / "b_nbsp_thousands.csv")
    assert sha(db) == before
    assert not [p for p in db.parent.iterdir() if p.name.endswith((".tmp-import", ".wal"))]


def test_plan_is_read_only_and_works_without_a_database(tmp_path, db):
    parsed = parse("budget", FIX / "b_semicolon_decimal_comma.csv")
    fresh = plan(db, parsed)
    assert not db.exists()
    assert [(p.label, p.new_rows, p.existing_rows) for p in fresh.periods] == [("2024-01", 3, 0)]
    import_parsed(db, parsed)
    before = sha(db)
    again = plan(db, parsed)
    assert again.already_imported and sha(db) == before


def test_a_pending_wal_file_blocks_the_import(tmp_path, db):
    import_file(db, "budget", FIX / "b_semicolon_decimal_comma.csv")
    Path(f"{db}.wal").write_bytes(b"")
    with pytest.raises(DatabaseBusy, match="ventende loggfil"):
        import_file(db, "budget", FIX / "b_nbsp_thousands.csv")


def test_import_parsed_refuses_a_parse_with_problems(db):
    parsed = parse("budget", FIX / "b_month_13.csv")
    with pytest.raises(ImportRejected) as info:
        import_parsed(db, parsed)
    assert "måned 13" in str(info.value.problems[0])
    assert not db.exists()


def test_the_2016_report_figures(tmp_path, db):
    """Budget 115 874 and accounts 113 236 (1000 kr): mindreforbruk 2 638, måloppnåelse 97,7 %;
    sick leave 10,31 % against 8,5 % is not met."""
    import_file(db, "budget", FIX / "b_seed_2016.csv")
    import_file(db, "goals", FIX / "g_2016_scorecard.csv")
    ((budget, accounts),) = rows(db, "SELECT revised_budget, accounts FROM own_budget_line")
    dev = metrics.budget_deviation(budget, accounts)
    assert dev / 1000 == pytest.approx(2638)
    assert metrics.deviation_label(dev) == "mindreforbruk"
    assert round(metrics.economic_goal_attainment(budget, accounts), 1) == 97.7
    statuses = dict(
        (ind, metrics.goal_status(goal, result, hib))
        for ind, goal, result, hib in rows(db, "SELECT indicator, goal, result, higher_is_better FROM own_unit_goal")
    )
    assert statuses["Sykefravær"] == "not_met"
    assert statuses["Gjennomsnittlig stillingsstørrelse"] == "not_met"
    assert statuses["Medarbeiderundersøkelse"] == "no_data"
    # the goals file names the unit only; with the budget's register it resolves to the same unit code
    assert rows(db, "SELECT DISTINCT unit_code FROM own_unit_goal") == [("3100",)]


def test_code_and_name_in_the_unit_name_column_are_split(tmp_path, db):
    sick = write(tmp_path, "syk.csv", "Enhet;År;Måned;Sykefravær %", "3210 Solheim sykehjem;2024;1;11,4",
                 "Dagsenteret;2024;1;3")
    import_file(db, "sick-leave", sick)
    assert rows(db, "SELECT unit_code, unit_name FROM own_sick_leave ORDER BY 1") == [
        ("3210", "Solheim sykehjem"), ("Dagsenteret", "Dagsenteret")]


def test_every_sql_file_the_store_names_exists_and_has_a_header():
    import re

    from pipelines.own_data import store
    source = (store.__file__ and open(store.__file__, encoding="utf-8").read())
    plain = set(re.findall(r'_sql\("([a-z_]+)"\)', source))
    per_kind = set(re.findall(r'_kind_sql\("([a-z_]+)"', source))
    assert len(plain) >= 8 and len(per_kind) == 7
    for name in plain | per_kind:
        text = store._sql(name)
        assert text.lstrip().startswith("--"), f"{name}.sql has no header comment"


def test_one_statement_per_operation_serves_every_kind_with_identifiers_from_the_fixed_list():
    import re

    from pipelines.own_data import store
    per_kind = set(re.findall(r'_kind_sql\("([a-z_]+)"', open(store.__file__, encoding="utf-8").read()))
    own_files = {p.stem for p in store.OWN_SQL_DIR.glob("*.sql")}
    for kind, table in store.OWN_TABLES.items():
        for name in per_kind:
            assert not any(f.startswith(f"{name}_") for f in own_files), f"a per-kind copy of {name}.sql is back"
            sql = store._kind_sql(name, kind)
            body = "\n".join(line for line in sql.splitlines() if not line.startswith("--"))
            assert "{" not in body and table.name in body, (name, kind)
    with pytest.raises(KeyError):
        store._kind_sql("delete_scope", "own_budget_line; DROP TABLE own_sick_leave")


# ---------------------------------------------------------------- files with one side only

def test_a_budget_file_without_accounts_is_imported_as_budget_only(tmp_path, db):
    parsed = parse("budget", FIX / "b_budget_only.csv")
    assert parsed.ok
    assert any(w.startswith("Filen har ingen kolonne for regnskap: bare budsjettet er importert") for w in parsed.warnings)
    assert parsed.what == "budsjett (uten regnskap)"
    import_parsed(db, parsed)
    assert rows(db, "SELECT count(*), count(accounts), sum(revised_budget) FROM own_budget_line") == [(4, 0, 6200.0)]


def test_a_budget_only_file_over_periods_with_accounts_warns_before_import(tmp_path, db):
    import_file(db, "budget", FIX / "b_accounts_jan.csv")
    the_plan = plan(db, parse("budget", FIX / "b_budget_only.csv"))
    assert any("2 rader som erstattes har regnskap i dag" in w for w in the_plan.warnings)
    assert not plan(db, parse("budget", FIX / "b_accounts_jan.csv")).warnings


def test_a_goals_file_without_results_names_the_column(tmp_path, db):
    parsed = parse("goals", FIX / "g_no_result.csv")
    assert parsed.ok
    assert any("Filen har ingen kolonne «Resultat»: bare målene er importert" in w for w in parsed.warnings)


def test_a_sick_leave_file_without_employees_names_the_column(tmp_path, db):
    parsed = parse("sick-leave", FIX / "s_no_employees.csv")
    assert parsed.ok
    assert any("Filen har ingen kolonne «Antall ansatte»" in w for w in parsed.warnings)


def test_the_plan_per_slice_counts_replaced_rows_by_the_same_rule_as_the_total(tmp_path, db):
    """A real file over a period with demo rows: the demo rows are removed (said once), not «replaced» per slice."""
    demo = write(tmp_path, "budsjett-demo.csv", HEAD, "3110;Nord;10100;2024-01;100;90", "3120;Sør;10100;2024-01;1;1")
    import_file(db, "budget", demo)
    real = write(tmp_path, "jan.csv", HEAD, "3110;Nord;10100;2024-01;100;95")
    the_plan = plan(db, parse("budget", real))
    assert the_plan.rows_to_replace == sum(p.existing_rows for p in the_plan.periods) == 0
    assert the_plan.demo_rows_to_remove == 2
