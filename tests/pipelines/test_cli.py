"""The command line: catalogue --json, status, build errors without tracebacks."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from pipelines.__main__ import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_catalogue_json_lists_every_indicator():
    result = runner.invoke(app, ["catalogue", "--json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    ids = {i["id"] for i in doc["indicators"]}
    assert "institution_to_home_cost_ratio" in ids and len(ids) >= 20
    assert {t["id"] for t in doc["tables"]} >= {"12209", "12292"}


def test_status_reports_tables_and_demo(built_db):
    result = runner.invoke(app, ["status", "--db", str(built_db)], terminal_width=200)
    assert result.exit_code == 0
    assert "DEMODATA" in result.stdout and "12292" in result.stdout


def test_status_on_missing_database_says_so(tmp_path):
    result = runner.invoke(app, ["status", "--db", str(tmp_path / "nope.duckdb")])
    assert result.exit_code == 1
    assert "Fant ikke databasen" in result.output
    assert "Traceback" not in result.output


def test_build_with_broken_raw_dir_exits_1_with_message(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    (raw / "manifest.json").write_text("{not json")
    result = runner.invoke(app, ["build", "--raw", str(raw), "--db", str(tmp_path / "k.duckdb")])
    assert result.exit_code == 1
    assert "manifest" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "k.duckdb").exists()


def test_build_uses_kostra_db_env(tmp_path, monkeypatch):
    target = tmp_path / "env.duckdb"
    monkeypatch.setenv("KOSTRA_DB", str(target))
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0, result.output
    assert target.exists()


def test_publish_moved_to_the_dashboard_and_the_old_command_passes_on(tmp_path):
    """`python -m pipelines publish` says where the command lives now and runs it there, in a new process (the
    pipelines never import the dashboard)."""
    import subprocess
    import sys
    out = tmp_path / "ut"
    result = subprocess.run([sys.executable, "-m", "pipelines", "publish", "--figur", "finnes-ikke", "--out", str(out)],
                            capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert "python -m dashboard.publish" in result.stderr
    assert result.returncode == 1
    assert "Ukjent figur" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()
