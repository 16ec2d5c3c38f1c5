"""One way to open a page of the app in Streamlit's AppTest, shared by the page tests.

The app's navigation (app.py) decides which page runs, as for a user: URL parameters first, then the page.
"""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def open_page(page: str, params: dict[str, str] | None = None, *, timeout: float = 60) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.switch_page(page)
    at.run()
    return at


def open_on_demand(at: AppTest, *, prefixes: tuple[str, ...] = ("open-table-", "share-"),
                   required: bool = True) -> AppTest:
    """Open every expander and popover whose key starts with one of `prefixes` («Tall bak figuren» under a chart is
    `open-table-<key>`, «Del / bygg inn» is `share-<key>`) and rerun: their contents are sent only once opened, as a
    user's click opens them (dashboard/views/page.py). `required`: the page must have at least one."""
    ids = [b.proto.id for b in at.expander] + [b.proto.popover.id for b in at.get("popover")]
    keys = [i.split("-", 2)[-1] for i in ids if i.startswith("$$ID-")]
    opened = [k for k in keys if k.startswith(prefixes)]
    assert opened or not required, f"nothing to open among {keys}"
    for key in opened:
        at.session_state[key] = True
    at.run()
    return at


def blocks(at: AppTest) -> list:
    """Every block of text a page writes, Markdown and HTML alike: figure titles, takeaways and source lines are
    shown with st.html (Markdown would read links in names), headings and notes with st.markdown. Each has .value."""
    return list(at.markdown) + list(at.html)


def seen(markdown: str) -> str:
    """What a reader sees of Markdown-escaped text (dashboard/core/text.markdown_text): backslash escapes and the
    text's own word joiner (`&#8288;`) as their characters, the inserted (invisible) word joiners gone."""
    import re
    return re.sub(r"\\(.)|&#8288;|\u2060", lambda m: m.group(1) or ("\u2060" if m.group(0) == "&#8288;" else ""),
                  markdown)
