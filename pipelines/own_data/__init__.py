"""Import of the municipality's own files (budget/accounts, sick leave, unit goals, budget frames).

parse() reads and validates without touching the database; plan() says what an import would add and
replace; import_file()/import_parsed() write atomically; import_demo() fills a new database with the
labelled demo files in data/own/ (called by pipelines/build.py).
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from .model import KINDS, ImportPlan, ImportRejected, ImportResult, ParseResult, PeriodChange, Problem
from .parser import is_demo_name, parse
from .store import DatabaseBusy, default_db_path, ensure_schema, import_parsed, plan, write_on

__all__ = [
    "KINDS", "DatabaseBusy", "ImportPlan", "ImportRejected", "ImportResult", "ParseResult", "PeriodChange",
    "Problem", "default_db_path", "ensure_schema", "import_demo", "import_file", "import_parsed", "is_demo_name",
    "parse", "plan", "DEMO_FILES",
]

DEMO_DIR = Path(__file__).resolve().parents[2] / "data" / "own"
# (kind, file name, options); the order is the order a user would import them in.
DEMO_FILES = (
    ("budget", "budsjett-regnskap-demo-2023-2025.csv", {}),
    ("sick-leave", "sykefravaer-demo-2023-2025.xlsx", {}),
    ("goals", "enhetsmaal-demo-2023-2025.csv", {}),
    ("budget-frame", "budsjettramme-demo-hjemmebaserte-2017-2020.xlsx", {}),
)


def import_file(db_path, kind: str, path, **opts) -> ImportResult:
    """Parse, validate and import one file; raises ImportRejected (nothing written) when it has problems.

    opts: file_name, sheet, mapping, amount_unit ('kr'|'1000kr'), is_demo.
    """
    parsed = parse(kind, path, **opts)
    if not parsed.ok:
        raise ImportRejected(parsed.problems, parsed.file_name)
    return import_parsed(db_path, parsed)


def import_demo(con: duckdb.DuckDBPyConnection) -> None:
    """Load the demo files into an open (new) database so the managers' pages show something on first start."""
    ensure_schema(con)
    for kind, name, opts in DEMO_FILES:
        parsed = parse(kind, DEMO_DIR / name, is_demo=True, **opts)
        if not parsed.ok:
            raise ImportRejected(parsed.problems, parsed.file_name)
        write_on(con, parsed)
