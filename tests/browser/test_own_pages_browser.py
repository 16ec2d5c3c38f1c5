"""The managers' pages in a real browser (Debian's Chromium): they render with the Demodata label, small units show
':', hostile URLs become messages, the scorecard prints on one A4 page, and a file uploaded on /importer is
imported and shown (on a private copy of the database served by its own Streamlit server)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "fixtures" / "dashboard" / "own"

PAGES = [("/budsjettavvik", 3, True), ("/sykefravaer", 3, True), ("/enhetsrapport", 0, True), ("/importer", 0, False)]


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query, keep_blank_values=True)


@pytest.mark.parametrize("path, charts, demo", PAGES)
def test_own_page_renders(open_page, wait_for_charts, page, path, charts, demo):
    open_page(page, path)
    if charts:
        assert wait_for_charts(page, charts) >= charts
        expect(page.locator('[data-testid="stPlotlyChart"]').first.get_by_text("DEMODATA")).not_to_have_count(0)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("h1").count() >= 1
    assert (page.locator('[data-testid="demo-label"]').count() >= 1) is demo


def test_sick_leave_of_a_small_unit_is_a_colon(open_page, page):
    open_page(page, "/sykefravaer?enhet=3310&periode=2025")
    values = page.locator('[data-testid="stMetricValue"]')
    expect(values.nth(0)).to_have_text(":")
    expect(values.nth(1)).to_have_text(":")
    expect(page.get_by_text("vises ikke av personvernhensyn", exact=False)).not_to_have_count(0)


def test_hostile_url_becomes_a_warning_and_a_clean_url(open_page, page):
    open_page(page, "/budsjettavvik?enhet=%3Cscript%3Ealert(1)%3C%2Fscript%3E&periode=2025-13")
    alerts = page.locator('[data-testid="stAlert"]')
    expect(alerts.filter(has_text="ikke en gyldig enhetskode")).not_to_have_count(0)
    expect(alerts.filter(has_text="Måned 13 finnes ikke")).not_to_have_count(0)
    assert query(page.url) == {"enhet": ["alle"], "periode": ["2025"]}
    assert page.locator("script:has-text('alert(1)')").count() == 0


def test_unit_choice_goes_into_the_url(open_page, settled, page):
    open_page(page, "/budsjettavvik?enhet=alle&periode=2025-06")
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input[role="combobox"]').first
    box.click()
    box.fill("Solheim")
    page.get_by_role("option", name=re.compile(r"Solheim sykehjem \(3210\)")).click()
    page.wait_for_url(re.compile(r"enhet=3210"), timeout=30_000)
    settled(page)
    assert query(page.url) == {"enhet": ["3210"], "periode": ["2025-06"]}
    expect(page.get_by_text("Solheim sykehjem", exact=False)).not_to_have_count(0)


def test_scorecard_prints_on_one_a4_page(open_page, page):
    open_page(page, "/enhetsrapport?enhet=3120&periode=2025")
    page.wait_for_selector('[data-testid="scorecard"]', timeout=60_000)
    page.emulate_media(media="print")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert page.locator('[data-testid="scorecard"]').is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


# ---------------------------------------------------------------- upload flow on a writable copy

@pytest.fixture(scope="module")
def writable_app(built_db, tmp_path_factory, serve_app):
    """A second server on a private copy of the database, so the import cannot touch the shared one."""
    db = tmp_path_factory.mktemp("own_upload") / "kostra.duckdb"
    shutil.copy(built_db, db)
    with serve_app(db, db.parent / "server.log") as base:
        yield base, db


def _upload(page, path: Path, settled) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    settled(page)


def test_upload_rejects_then_imports(writable_app, open_page, settled, page, tmp_path):
    base, db = writable_app
    open_page(page, base + "/importer")

    before = db.read_bytes()
    bad = tmp_path / "feil.csv"
    bad.write_text("Ansvar;År;Måned;Revidert budsjett;Regnskap\n3110;2025;13;100;12 3x4\n", encoding="utf-8")
    _upload(page, bad, settled)
    page.get_by_text("ble ikke importert", exact=False).wait_for(timeout=60_000)
    assert page.get_by_role("button", name="Importer").count() == 0
    assert db.read_bytes() == before

    _upload(page, SEEDS / "budsjett-2016-seed.csv", settled)  # a single-file uploader replaces the file
    page.get_by_text("Dette skjer ved import").wait_for(timeout=60_000)
    expect(page.get_by_text("legges til", exact=False)).not_to_have_count(0)
    page.get_by_role("button", name="Importer").click()
    page.get_by_text("Importerte 1 rader", exact=False).wait_for(timeout=60_000)
    assert db.read_bytes() != before

    open_page(page, base + "/budsjettavvik?enhet=alle&periode=2016")
    expect(page.locator('[data-testid="stMetricValue"]').filter(has_text="97,7\u00a0%")).to_have_count(1)


def test_key_figure_cards_are_never_cut_at_1280_px(writable_app, open_page, browser, tmp_path, overflowing_texts):
    """A large import (sums of thousands of millions) in four cards to a row on a 1280 px wide screen."""
    from pipelines.own_data import import_file
    base, db = writable_app
    big = tmp_path / "store-summer.csv"
    big.write_text("Ansvar;Ansvarsnavn;Art;Periode;Revidert budsjett;Regnskap\n"
                   "3110;Hjemmetjenesten sone Nord;10100;2027-01;45422600000;46000000000\n"
                   "3120;Hjemmetjenesten sone Sør;10100;2027-01;45422600000;44845200000\n", encoding="utf-8")
    import_file(db, "budget", big)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    try:
        page = context.new_page()
        open_page(page, base + "/budsjettavvik?enhet=alle&periode=2027-01")
        values = page.locator('[data-testid="stMetricValue"]')
        expect(values.first).to_have_text("90,8\u00a0mrd.\u00a0kr")
        assert overflowing_texts(page, '[data-testid="stMetricValue"]') == []
        open_page(page, base + "/")
        expect(page.locator('[data-testid="stMetricValue"]')).not_to_have_count(0)
        assert overflowing_texts(page, '[data-testid="stMetricValue"]') == []
    finally:
        context.close()
