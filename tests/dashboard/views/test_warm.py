"""The imported modules are frozen out of the garbage collector's walks once per process."""
from __future__ import annotations

import gc
import sys

from dashboard.views import warm


def test_the_pages_modules_are_imported_and_frozen_once(monkeypatch):
    monkeypatch.setattr(warm, "_frozen", False)
    gc.unfreeze()  # an app run earlier in this test process may have frozen the modules already
    before = gc.get_freeze_count()
    try:
        assert warm.freeze_imported_modules() is True
        frozen = gc.get_freeze_count()
        assert frozen > before + 10_000  # the modules' objects: plotly, polars, DuckDB, the dashboard
        assert {"dashboard.figures", "dashboard.views.page", "dashboard.views.embed"} <= set(sys.modules)
        assert warm.freeze_imported_modules() is False  # every later run of app.py: nothing more
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()  # the test process goes on collecting as before
