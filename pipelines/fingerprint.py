"""The code fingerprint a database is built with: a hash of everything that decides what a database built from the
same raw files contains (the SQL, the catalogue and the build code).

Its own small module so the app can check a database's fingerprint at start-up without importing the build and the
JSON-stat decoder, which load pyarrow (about 75 MB of memory a server otherwise never needs; issue 27). The files
hashed are the same as they always were (pipelines/build.py and pipelines/klass.py are read, not imported), so a
database keeps its fingerprint.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from pipelines import catalogue as cat_mod
from pipelines.paths import SQL_DIR

_HERE = Path(__file__).resolve().parent


def code_fingerprint() -> str:
    """The app rebuilds a database whose fingerprint differs, so pulling new code never leaves users on a database
    without the views the pages now read."""
    digest = hashlib.sha256()
    files = sorted(SQL_DIR.rglob("*.sql")) + [cat_mod.catalogue_path(), _HERE / "build.py", _HERE / "klass.py"]
    for path in files:
        name = path.relative_to(SQL_DIR.parent).as_posix() if path.is_relative_to(SQL_DIR.parent) else path.name
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
