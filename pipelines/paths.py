"""Where things live. The repo root is found from this file so the CLI works from any directory."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
SQL_DIR = ROOT / "sql"
DEFAULT_DB = DATA_DIR / "kostra.duckdb"


def default_db_path() -> Path:
    """`KOSTRA_DB` wins over the default, so tests and users can point at another file."""
    env = os.environ.get("KOSTRA_DB")
    return Path(env) if env else DEFAULT_DB
