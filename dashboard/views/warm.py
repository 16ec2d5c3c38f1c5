"""Keep the server's garbage collector off what every session shares: the imported modules.

A full garbage collection walks every object the process tracks. The imports behind the pages (plotly, polars,
DuckDB, pandas, pyarrow and the dashboard itself) leave about 150 000 of them, which live as long as the process:
walking them cost ~80 ms of server CPU per collection, to find nothing. Streamlit's own collection after every script
run is off (.streamlit/config.toml, runner.postScriptGC), but Python's generational collector still makes full
collections as sessions allocate. Importing the pages' modules once and moving what they made to the permanent
generation (gc.freeze) leaves those collections the objects the sessions make. Reference counting still frees frozen
objects that go out of use; only a reference cycle among them would stay, and the imports make none that go out of
use.
"""
from __future__ import annotations

import gc
import threading

_lock = threading.Lock()
_frozen = False


def freeze_imported_modules() -> bool:
    """Import what the pages import and freeze it, once per process (app.py calls it on every run). True when this
    call froze, False when an earlier one had."""
    global _frozen
    if _frozen:
        return False
    with _lock:
        if _frozen:
            return False
        # what the pages import: every figure domain, the shared page blocks, the bare views and each domain's ui
        import dashboard.figures  # noqa: F401
        import dashboard.age_adjusted.ui  # noqa: F401
        import dashboard.kostra.ui  # noqa: F401
        import dashboard.own.ui  # noqa: F401
        import dashboard.projection.ui  # noqa: F401
        import dashboard.views.embed  # noqa: F401
        import dashboard.views.page  # noqa: F401
        gc.collect()
        gc.freeze()
        _frozen = True
        return True
