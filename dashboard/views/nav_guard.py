"""Keep shared deep links working on a freshly started server.

Streamlit treats a `pages/` folder next to app.py as its legacy folder-based navigation until app.py has
called st.navigation once, so the very first session of a new server (and every AppTest run) may run a
page file on its own, without app.py's layout and menu. Each page calls ensure_app_navigation() first: in
that legacy mode it runs app.py in place, which declares the real navigation and renders this same page
through it (page file names equal their URL paths, so the page has the same identity in both modes), and
then ends the outer run. Running in place rather than rerunning keeps the widget events of this run.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

APP = Path(__file__).resolve().parents[2] / "app.py"


def ensure_app_navigation() -> None:
    if not PagesManager.uses_pages_directory:
        return
    PagesManager.uses_pages_directory = False
    code = compile(APP.read_text(encoding="utf-8"), str(APP), "exec")
    exec(code, {"__name__": "__main__", "__file__": str(APP)})  # noqa: S102 - our own app.py
    st.stop()
