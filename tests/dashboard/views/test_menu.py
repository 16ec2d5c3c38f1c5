"""The page objects are made once per process and every run gets copies of its own."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.views import menu

ROOT = Path(__file__).resolve().parents[3]


def _app():
    from pathlib import Path

    import streamlit as st

    from dashboard.views import menu
    pages = Path(st.session_state["pages"])  # absolute: AppTest runs this function from a file of its own
    first = menu.page(str(pages / "kilder.py"), title="Kilder og definisjoner", url_path="kilder")
    second = menu.page(str(pages / "kilder.py"), title="Kilder og definisjoner", url_path="kilder")
    default = menu.page(str(pages / "oversikt.py"), title="Oversikt", default=True)
    st.session_state["seen"] = (first is not second, first.title, first.url_path, second.url_path,
                                str(first._page), default.url_path, default.title)


def test_each_run_gets_its_own_copy_of_the_page_made_once(monkeypatch):
    monkeypatch.setattr(menu, "_made", {})
    made = []
    real_page = menu.st.Page

    def counting_page(*args, **kwargs):
        made.append(args[0])
        return real_page(*args, **kwargs)

    monkeypatch.setattr(menu.st, "Page", counting_page)
    at = AppTest.from_function(_app, default_timeout=30)
    at.session_state["pages"] = str(ROOT / "pages")
    at.run()
    at.run()
    assert not at.exception, at.exception
    distinct, title, url, url_again, path, default_url, default_title = at.session_state["seen"]
    assert distinct  # st.navigation marks the page it runs on the object: sessions must not share one
    assert (title, url, url_again) == ("Kilder og definisjoner", "kilder", "kilder")
    assert path == str((ROOT / "pages" / "kilder.py").resolve())
    assert (default_url, default_title) == ("", "Oversikt")
    assert made == [str(ROOT / "pages" / "kilder.py"), str(ROOT / "pages" / "oversikt.py")]  # two runs, three pages asked for: each made once


def test_a_page_file_is_looked_at_once(monkeypatch, tmp_path):
    monkeypatch.setattr(menu, "_exists", {})
    page = tmp_path / "side.py"
    assert menu.exists(page) is False
    page.write_text("")
    assert menu.exists(page) is False  # files do not come or go under a running server
    assert menu.exists(tmp_path / "annen.py") is False
    (tmp_path / "annen.py").write_text("")
    monkeypatch.setattr(menu, "_exists", {})
    assert menu.exists(page) is True
