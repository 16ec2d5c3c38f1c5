"""A shared link opened as the very first request to a freshly started server shows the full app.

Streamlit runs the first session of a new server in its legacy `pages/` folder mode; without
dashboard/views/nav_guard.py such a link showed a "Page not found" dialog or the page without the app's menu.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path, heading", [
    ("/kostnad-per-mottaker?kommune=0712&sammenlign=3807&fra=2016&til=2023", "Kostnad per mottaker"),
    ("/budsjettavvik?enhet=alle&periode=2025", "Budsjettavvik"),
])
def test_deep_link_on_a_cold_server_shows_the_full_app(path, heading, built_db, browser, tmp_path, serve_app,
                                                       visit, wait_for_charts):
    with serve_app(built_db, tmp_path / "server.log") as base_url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        try:
            visit(page, base_url + path)
            assert wait_for_charts(page, 1) >= 1
            expect(page.get_by_role("heading", name=heading)).not_to_have_count(0)
            assert page.get_by_text("Page not found").count() == 0
            nav = page.locator('[data-testid="stSidebarNav"]')
            expect(nav).to_contain_text("Oversikt")
            expect(nav).to_contain_text("Budsjettavvik")  # app.py's menu, not the folder listing
            assert page.locator('[data-testid="stException"]').count() == 0
        finally:
            context.close()
