"""The analyst pages in a real browser (Debian's Chromium): charts render without errors, the selection lives in
the URL, and opening that URL elsewhere reproduces the view."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.browser

PAGES = [("/", 1), ("/kostnad-per-mottaker", 3), ("/institusjon-vs-hjemme", 4), ("/brukere", 4), ("/kilder", 0)]


def page_not_found(page) -> bool:
    return page.get_by_text("Page not found").count() > 0


def municipality_box(page):
    return page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input[role="combobox"]').first


def selected_municipality(page) -> str:
    return municipality_box(page).input_value()


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query, keep_blank_values=True)


@pytest.mark.parametrize("path, charts", PAGES)
def test_page_renders_charts_without_errors(open_page, page, path, charts):
    open_page(page, path)
    if charts:
        page.wait_for_function(f"document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg').length >= {charts}",
                               timeout=20_000)
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= charts
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not page_not_found(page)
    assert page.locator("h1").count() >= 1
    label = page.get_by_text("Demodata", exact=False).first
    assert label.is_visible()
    if charts:
        assert page.locator('[data-testid="stPlotlyChart"]').first.get_by_text("DEMODATA").count() >= 1


def test_url_selection_is_written_and_reproduced_in_a_new_page(open_page, settled, page, browser):
    open_page(page, "/kostnad-per-mottaker?kommune=3805&fra=2016&til=2023")
    assert query(page.url)["kommune"] == ["3909"], "the historical code is replaced by today's in the address"
    assert page.get_by_text("Kommunenummer 3805 (Larvik) er i dag 3909 Larvik").count() == 1
    assert selected_municipality(page) == "Larvik (3909)"

    box = municipality_box(page)
    box.click()
    box.fill("Arendal")
    page.get_by_role("option", name=re.compile(r"Arendal \(4203\)")).click()
    page.wait_for_url(re.compile(r"kommune=4203"), timeout=15_000)
    settled(page)
    params = query(page.url)
    assert params["kommune"] == ["4203"]
    assert params["fra"] == ["2016"] and params["til"] == ["2023"]
    assert urlparse(page.url).path == "/kostnad-per-mottaker"
    title = page.locator('[data-testid="chart-title"]').first.text_content()
    assert "Arendal" in title

    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        open_page(other, page.url)
        other.wait_for_selector('[data-testid="chart-title"]', timeout=20_000)
        assert not page_not_found(other)
        assert query(other.url) == params
        assert selected_municipality(other) == "Arendal (4203)"
        assert other.locator("h1").first.inner_text() == page.locator("h1").first.inner_text()
        assert other.locator('[data-testid="chart-title"]').first.text_content() == title
    finally:
        other.context.close()


def test_hostile_url_shows_a_message_not_an_error(open_page, page):
    open_page(page, "/brukere?kommune=%3Cscript%3Ealert(1)%3C%2Fscript%3E&fra=2023&til=2016")
    assert page.locator('[data-testid="stException"]').count() == 0
    warnings = page.locator('[data-testid="stAlertContentWarning"]')
    assert warnings.count() == 1  # both corrections in one box
    text = warnings.first.inner_text()
    assert "er ikke et kommunenummer" in text and "byttet om" in text
    assert "<script>" not in text  # the echo of the bad input is stripped of markup
    assert query(page.url)["kommune"] == ["3909"]
    assert selected_municipality(page) == "Larvik (3909)"


def test_menu_navigation_keeps_the_selection(open_page, settled, page):
    open_page(page, "/kostnad-per-mottaker?kommune=4203&sammenlign=3907&fra=2018&til=2023")
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Brukere (IPLOS)").click()
    page.wait_for_url(re.compile(r"/brukere\?"), timeout=15_000)
    settled(page)
    assert query(page.url) == {"kommune": ["4203"], "sammenlign": ["3907"], "fra": ["2018"], "til": ["2023"]}
    assert selected_municipality(page) == "Arendal (4203)"
