"""The layers of pyproject.toml's import-linter contracts hold, and a new arrow against them fails the suite.

pages/app -> views and each domain's ui -> publish -> figures -> domains -> core -> pipelines; Streamlit only in
the views and the domains' ui; the pipelines never import the dashboard.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache"], cwd=where, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(where)})


def test_the_contracts_hold():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


@pytest.mark.parametrize("module, line, broken", [
    ("dashboard/core/fmt.py", "import streamlit", "Streamlit only in the views"),
    ("pipelines/paths.py", "import dashboard.core.fmt", "The pipelines never import the dashboard"),
    ("dashboard/kostra/queries.py", "from dashboard.figures import registry", "Layers:"),
    ("dashboard/own/queries.py", "from dashboard.own import ui", "Each domain's ui is the top of its domain"),
])
def test_a_new_arrow_against_the_layers_fails(tmp_path, module, line, broken):
    for part in ("dashboard", "pipelines"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__", "*.toml"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # a new violation\n", encoding="utf-8")
    result = lint(tmp_path)
    assert result.returncode == 1
    assert broken in result.stdout and "BROKEN" in result.stdout


def test_the_layers_contract_holds_with_no_ignored_imports():
    """The shared page blocks know no domain (issue 24): no arrow against the layers is waved through."""
    import tomllib
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    layers = [c for c in contracts if c["name"].startswith("Layers:")]
    assert len(layers) == 1 and "ignore_imports" not in layers[0]
    page = (ROOT / "dashboard" / "views" / "page.py").read_text(encoding="utf-8")
    assert not [line for line in page.splitlines() if line.startswith(("from dashboard.kostra", "from dashboard.own",
                                                                       "from dashboard.projection",
                                                                       "from dashboard.age_adjusted"))]
