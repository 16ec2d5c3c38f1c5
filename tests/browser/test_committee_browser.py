"""Committee mode in Chromium: the embed link shows one figure and nothing else, also as the first request to a fresh
server and inside an iframe on another origin; the presentation steps through its slides; and at phone, tablet,
laptop and wide-screen widths no text of a chart runs past the chart's box."""
from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager

import pytest


def free_port() -> int:
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

pytestmark = pytest.mark.browser

EMBED = "/vis?figur=kostnad-hjemme&kommune=3909&sammenlign=3907,4203&fra=2017&til=2024&embed=true"
SLIDES = "/presentasjon?figurer=kostnad-hjemme,kostnad-institusjon,andel-f254&kommune=3909&sammenlign=3907&fra=2017&til=2024"
TITLES = ["Kostnad per mottaker av hjemmetjenester – Larvik", "Kostnad per institusjonsplass – Larvik",
          "Andel hjemmetjenester (f254) av netto driftsutgifter til pleie og omsorg – Larvik"]

CHARTS_DRAWN = """n => {
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  return charts.length === n && [...charts].every(c => c.querySelector('.main-svg g.trace'));
}"""

# every visible text node of every chart, measured against its chart's box (1 px tolerance for anti-aliasing)
TEXT_OUTSIDE = """() => {
  const out = [];
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    const box = chart.getBoundingClientRect();
    for (const t of chart.querySelectorAll('.main-svg text')) {
      if (!t.textContent.trim()) continue;
      const r = t.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(t).visibility === 'hidden') continue;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        out.push(t.textContent.slice(0, 60));
    }
  }
  return out;
}"""


def wait_for_charts(page, n: int) -> None:
    page.wait_for_function(CHARTS_DRAWN, arg=n, timeout=30_000)


def assert_one_bare_figure(page, title: str) -> None:
    wait_for_charts(page, 1)
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 1
    assert page.locator('[data-testid="chart-title"]').inner_text() == title
    takeaway = page.locator('[data-testid="chart-takeaway"]').inner_text()
    assert takeaway.startswith("Larvik brukte ") and "KOSTRA-gruppe" in takeaway
    source = page.locator('[data-testid="chart-source"]').inner_text()
    # cost per recipient: our calculation from the accounts while SSB's own code is unconfirmed, and it says so
    assert "Kilde: SSB, tabell 12292" in source and "Egen beregning" in source and "Demodata" in source
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.locator('[data-testid="stSidebarNav"]').is_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Page not found").count() == 0


def test_embed_link_shows_one_figure_and_nothing_else_and_fits_800x450(browser, app_url, visit):
    context = browser.new_context(viewport={"width": 800, "height": 450})
    page = context.new_page()
    try:
        visit(page, app_url + EMBED)
        assert_one_bare_figure(page, TITLES[0])
        assert page.locator("input, select, [role='combobox'], [data-testid='stSlider']").count() == 0
        main = page.evaluate("() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                             " return [m.scrollHeight, m.clientHeight, document.scrollingElement.scrollHeight]; }")
        assert main[0] <= main[1] + 1 and main[2] <= 450, f"the figure scrolls in an 800×450 frame: {main}"
    finally:
        context.close()


def test_embed_link_as_the_first_request_to_a_fresh_server(built_db, browser, tmp_path, serve_app, visit):
    with serve_app(built_db, tmp_path / "server.log") as base_url:
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        page = context.new_page()
        try:
            visit(page, base_url + EMBED)
            assert_one_bare_figure(page, TITLES[0])
        finally:
            context.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def other_origin(directory):
    """A municipality's web page: a tiny static server on another loopback port (another origin)."""
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_embed_renders_in_an_iframe_on_another_origin(browser, app_url, tmp_path):
    (tmp_path / "kommune.html").write_text(
        "<!doctype html><html lang='nb'><body><h1>Kommunens side</h1>"
        f"<iframe id='figur' src='{app_url}{EMBED}' width='800' height='450' style='border:0'></iframe>"
        "</body></html>", encoding="utf-8")
    with other_origin(tmp_path) as origin:
        assert origin.rsplit(":", 1)[1] != app_url.rsplit(":", 1)[1]
        context = browser.new_context(viewport={"width": 1000, "height": 700})
        page = context.new_page()
        try:
            page.goto(origin + "/kommune.html", wait_until="domcontentloaded")
            frame = page.frame_locator("#figur")
            frame.locator('[data-testid="stPlotlyChart"] .main-svg g.trace').first.wait_for(timeout=30_000)
            assert frame.locator('[data-testid="stPlotlyChart"]').count() == 1
            assert frame.locator('[data-testid="chart-title"]').inner_text() == TITLES[0]
            assert "Kilde: SSB" in frame.locator('[data-testid="chart-source"]').inner_text()
            assert frame.locator('[data-testid="stException"]').count() == 0
        finally:
            context.close()


def test_presentation_steps_through_three_figures_by_button_and_by_url(browser, app_url, settled, visit):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        visit(page, app_url + SLIDES)
        for n, title in enumerate(TITLES, start=1):
            page.wait_for_function("t => document.querySelector('[data-testid=\"chart-title\"]')?.innerText === t",
                                   arg=title, timeout=30_000)
            page.wait_for_function("t => document.querySelector('[data-testid=\"slide-number\"]')?.innerText === t",
                                   arg=f"Side {n} av 3", timeout=30_000)
            wait_for_charts(page, 1)
            page.wait_for_url(f"**side={n}**", timeout=15_000)
            assert not page.locator('[data-testid="stSidebar"]').is_visible()
            if n < 3:
                page.get_by_role("button", name="Neste →").click()
                settled(page)
        assert page.get_by_role("button", name="Neste →").is_disabled()
        slide_two = app_url + SLIDES + "&side=2"
        other = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        try:
            visit(other, slide_two)
            wait_for_charts(other, 1)
            assert other.locator('[data-testid="chart-title"]').inner_text() == TITLES[1]
            other.get_by_role("button", name="← Forrige").click()
            other.wait_for_function("t => document.querySelector('[data-testid=\"chart-title\"]')?.innerText === t",
                                    arg=TITLES[0], timeout=30_000)
            other.wait_for_url("**side=1**", timeout=15_000)
        finally:
            other.context.close()
    finally:
        context.close()


VIEWS = [("/kostnad-per-mottaker?kommune=3909&fra=2017&til=2024", 5), ("/budsjettavvik?enhet=alle&periode=2025", 3),
         (EMBED, 1), (SLIDES + "&side=1", 1)]


@pytest.mark.parametrize("width, height", [(390, 844), (820, 1180), (1280, 800), (1920, 1080)])
def test_no_chart_text_runs_past_the_chart_at_any_width(browser, app_url, visit, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        for path, charts in VIEWS:
            visit(page, app_url + path)
            wait_for_charts(page, charts)
            outside = page.evaluate(TEXT_OUTSIDE)
            assert outside == [], f"{path} at {width} px: {outside}"
            titles = page.locator('[data-testid="chart-title"]')
            for i in range(titles.count()):  # titles wrap inside the main column instead of running off it
                box = titles.nth(i).bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    finally:
        context.close()


def _download(page, label: str) -> bytes:
    page.get_by_role("button", name="Last ned").click()
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("button", name=label).click()
    return open(info.value.path(), "rb").read()


def test_vis_png_and_the_presentation_pdf_download_through_the_image_service(browser, app_url, visit):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        visit(page, app_url + EMBED)
        wait_for_charts(page, 1)
        assert _download(page, "PNG-bilde")[:8] == b"\x89PNG\r\n\x1a\n"
        visit(page, app_url + "/presentasjon?figurer=kostnad-hjemme@3909,kostnad-hjemme@3907&kommune=3909&side=2")
        wait_for_charts(page, 1)
        assert page.locator('[data-testid="chart-title"]').inner_text() == (
            "Kostnad per mottaker av hjemmetjenester – Sandefjord")
        pdf = _download(page, "PDF (hele presentasjonen)")
        import io

        from pypdf import PdfReader
        pages = PdfReader(io.BytesIO(pdf)).pages
        assert len(pages) == 2
        assert "– Larvik" in pages[0].extract_text() and "– Sandefjord" in pages[1].extract_text()
    finally:
        context.close()
