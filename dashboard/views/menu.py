"""The app's page objects for st.navigation, made once per process and handed out as copies.

Why: app.py runs on every session and every rerun, and st.Page resolves its file's path (os.path.realpath: one
lstat per folder, in Python) and checks that it is a file each time: for the thirteen pages, about a tenth of the
script's CPU on a page whose figures come from the cache (issue 27). A page's file, title and address do not change
while the server runs, so the first run of each process makes the objects and every later run gets shallow copies.
A copy, not the object itself: st.navigation marks the page it chose as runnable on the object (and Page.run clears
the mark), so sessions running side by side must not share one.
"""
from __future__ import annotations

import copy
import threading
from pathlib import Path

import streamlit as st

_made: dict[tuple, st.Page] = {}
_exists: dict[Path, bool] = {}
_lock = threading.Lock()


def page(path: str, *, title: str, url_path: str | None = None, default: bool = False) -> st.Page:
    """st.Page(path, title=…, url_path=…, default=…), made once per process (it must be called during a script run,
    as st.Page is)."""
    key = (path, title, url_path, default)
    made = _made.get(key)
    if made is None:
        made = st.Page(path, title=title, url_path=url_path, default=default)
        with _lock:
            made = _made.setdefault(key, made)
    return copy.copy(made)


def exists(path: Path) -> bool:
    """Whether a page's file is there, looked at once per process (a trimmed install may lack the managers'
    pages; files do not come or go under a running server)."""
    found = _exists.get(path)
    if found is None:
        found = _exists[path] = path.exists()
    return found
