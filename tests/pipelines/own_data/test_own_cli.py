"""`python -m pipelines import ...` through the typer app: summary on success, problems and exit 1 on rejection."""
from __future__ import annotations

import hashlib
from pathlib import Path

from typer.testing import CliRunner

from pipelines.own_data.cli import import_app

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "own_data"
runner = CliRunner()


def test_import_prints_summary_and_is_idempotent(tmp_path):
    db = tmp_path / "k.duckdb"
    res = runner.invoke(import_app, ["budget", str(FIX / "b_semicolon_decimal_comma.csv"), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "Importerte 3 rader budsjett og regnskap" in res.output
    assert "2024-01" in res.output
    res = runner.invoke(import_app, ["budget", str(FIX / "b_semicolon_decimal_comma.csv"), "--db", str(db)])
    assert res.exit_code == 0
    assert "allerede importert" in res.output


def test_rejection_lists_problems_and_exits_1(tmp_path):
    db = tmp_path / "k.duckdb"
    runner.invoke(import_app, ["budget", str(FIX / "b_bom_utf8.csv"), "--db", str(db)])
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    res = runner.invoke(import_app, ["budget", str(FIX / "b_text_in_number.csv"), "--db", str(db)])
    assert res.exit_code == 1
    assert "Rad 3, kolonne «Regnskap»: «12 3x4» er ikke et tall" in res.output
    assert "Databasen er uendret" in res.output
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_options_sheet_mapping_unit_and_dry_run(tmp_path):
    db = tmp_path / "k.duckdb"
    res = runner.invoke(import_app, ["budget", str(FIX / "b_named_sheet.xlsx"), "--sheet", "Regnskap 2024",
                                     "--db", str(db), "--dry-run"])
    assert res.exit_code == 0, res.output
    assert "Ville importert 1 rader" in res.output
    assert not db.exists()
    res = runner.invoke(import_app, ["budget", str(FIX / "b_odd_headers.csv"), "--mapping",
                                     str(FIX / "b_odd_headers.mapping.json"), "--unit", "1000kr", "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "beløp i 1000 kr" in res.output


def test_missing_file_is_a_clear_error(tmp_path):
    res = runner.invoke(import_app, ["goals", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "k.duckdb")])
    assert res.exit_code == 1
    assert "Fant ikke filen" in res.output


def test_a_budget_only_file_is_reported_as_budget_only(tmp_path):
    db = tmp_path / "kostra.duckdb"
    result = runner.invoke(import_app, ["budget", str(FIX / "b_budget_only.csv"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "Importerte 4 rader budsjett (uten regnskap)" in result.output
    assert "budsjett og regnskap" not in result.output
    assert "Filen har ingen kolonne for regnskap: bare budsjettet er importert" in result.output


def test_the_summary_says_each_number_once(tmp_path):
    """The per-period table holds what is replaced; no line under it contradicts or repeats it."""
    db = tmp_path / "kostra.duckdb"
    runner.invoke(import_app, ["budget", str(FIX / "b_accounts_jan.csv"), "--db", str(db)])
    again = runner.invoke(import_app, ["budget", str(FIX / "b_budget_only.csv"), "--db", str(db)])
    assert again.exit_code == 0, again.output
    assert "Erstatter 0 eksisterende rader" not in again.output
    assert "erstatter til sammen 2 eksisterende rader" in again.output.lower()
