"""The analyst pages in a real browser (Debian's Chromium): charts render without errors, the selection lives in
the URL, and opening that URL elsewhere reproduces the view."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAGES = [("/", 1), ("/kostnad-per-mottaker", 5), ("/institusjon-vs-hjemme", 4), ("/brukere", 9), ("/kilder", 0)]


def page_not_found(page) -> bool:
    return page.get_by_text("Page not found").count() > 0


def municipality_box(page):
    return page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input[role="combobox"]').first


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query, keep_blank_values=True)


@pytest.mark.parametrize("path, charts", PAGES)
def test_page_renders_charts_without_errors(open_page, wait_for_charts, page, path, charts):
    open_page(page, path)
    assert wait_for_charts(page, charts) >= charts
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not page_not_found(page)
    assert page.locator("h1").count() >= 1
    expect(page.get_by_text("Demodata", exact=False).first).to_be_visible()
    if charts:
        expect(page.locator('[data-testid="stPlotlyChart"]').first.get_by_text("DEMODATA")).not_to_have_count(0)


def test_legend_shows_each_lines_colour(open_page, wait_for_charts, page):
    """Every legend entry under a line chart has a visible swatch in its line's colour (Streamlit's sanitiser
    removed the SVG swatches once, leaving names only)."""
    open_page(page, "/kostnad-per-mottaker?kommune=4001")
    wait_for_charts(page, 1)
    legend = page.locator('[data-testid="chart-legend"]').first
    expect(legend).to_contain_text("Porsgrunn")
    swatches = legend.locator(".fig-swatch")
    entries = legend.locator(".fig-legend-item")
    assert swatches.count() == entries.count() >= 3
    looks = swatches.evaluate_all("els => els.map(e => { const s = getComputedStyle(e); "
                                  "return [e.getBoundingClientRect().width, e.getBoundingClientRect().height, "
                                  "s.backgroundColor + ' ' + s.backgroundImage]; })")
    assert all(w >= 12 and h >= 2 for w, h, _ in looks)
    paints = [paint for _, _, paint in looks]
    assert len(set(paints)) == len(paints), "each line has its own colour or dash"
    assert all(p != "rgba(0, 0, 0, 0) none" for p in paints)


def test_url_selection_is_written_and_reproduced_in_a_new_page(open_page, settled, page, browser):
    open_page(page, "/kostnad-per-mottaker?kommune=3805&fra=2016&til=2023")
    assert query(page.url)["kommune"] == ["3909"], "the historical code is replaced by today's in the address"
    expect(page.get_by_text("Kommunenummer 3805 (Larvik) er i dag 3909 Larvik")).to_have_count(1)
    expect(municipality_box(page)).to_have_value("Larvik (3909)")

    box = municipality_box(page)
    box.click()
    box.fill("Arendal")
    page.get_by_role("option", name=re.compile(r"Arendal \(4203\)")).click()
    page.wait_for_url(re.compile(r"kommune=4203"), timeout=30_000)
    settled(page)
    params = query(page.url)
    assert params["kommune"] == ["4203"]
    assert params["fra"] == ["2016"] and params["til"] == ["2023"]
    assert urlparse(page.url).path == "/kostnad-per-mottaker"
    first_title = page.locator('[data-testid="chart-title"]').first
    expect(first_title).to_contain_text("Arendal")  # the chart is redrawn for the new choice
    title = first_title.text_content()

    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        open_page(other, page.url)
        expect(other.locator('[data-testid="chart-title"]').first).to_have_text(title)
        assert not page_not_found(other)
        assert query(other.url) == params
        expect(municipality_box(other)).to_have_value("Arendal (4203)")
        expect(other.locator("h1").first).to_have_text(page.locator("h1").first.inner_text())
    finally:
        other.context.close()


def test_hostile_url_shows_a_message_not_an_error(open_page, page):
    open_page(page, "/brukere?kommune=%3Cscript%3Ealert(1)%3C%2Fscript%3E&fra=2023&til=2016")
    assert page.locator('[data-testid="stException"]').count() == 0
    warnings = page.locator('[data-testid="stAlertContentWarning"]')
    expect(warnings).to_have_count(1)  # both corrections in one box
    text = warnings.first.inner_text()
    assert "er ikke et kommunenummer" in text and "byttet om" in text
    assert "<script>" not in text  # the echo of the bad input is stripped of markup
    assert query(page.url)["kommune"] == ["3909"]
    expect(municipality_box(page)).to_have_value("Larvik (3909)")


def test_menu_navigation_keeps_the_selection(open_page, settled, page):
    open_page(page, "/kostnad-per-mottaker?kommune=4203&sammenlign=3907&fra=2018&til=2023")
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Brukere (IPLOS)").click()
    page.wait_for_url(re.compile(r"/brukere\?"), timeout=30_000)
    settled(page)
    assert query(page.url) == {"kommune": ["4203"], "sammenlign": ["3907"], "fra": ["2018"], "til": ["2023"]}
    expect(municipality_box(page)).to_have_value("Arendal (4203)")


def test_a_charts_table_and_share_links_arrive_when_opened(open_page, wait_for_charts, page):
    """A cold session gets the charts only; «Tall bak figuren» and «Del / bygg inn» are filled when a click opens them
    (dashboard/views/page.py), and stay open through the rerun that fills them."""
    open_page(page, "/kostnad-per-mottaker?kommune=3909&sammenlign=3907&fra=2018&til=2024")
    assert wait_for_charts(page, 3) >= 3
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    assert page.locator('[data-testid="stCode"]').count() == 0
    page.get_by_text("Tall bak figuren").first.click()
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(1)
    expect(page.get_by_role("button", name="Last ned CSV")).to_have_count(1)
    expect(page.get_by_role("button", name="Last ned Excel (XLSX)")).to_have_count(1)
    page.get_by_role("button", name="Del / bygg inn").first.click()
    codes = page.locator('[data-testid="stCode"]')
    expect(codes).to_have_count(3)
    expect(codes.nth(1)).to_contain_text("/vis?figur=kostnad-hjemme&kommune=3909&sammenlign=3907&fra=2018&til=2024")
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(1)
    assert page.locator('[data-testid="stException"]').count() == 0
