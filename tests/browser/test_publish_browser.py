"""Published files in the system Chromium: `<id>.html` opened from disk with the network blocked renders its chart
and keeps every text inside the chart at phone, tablet, laptop and projector widths; the presentation steps through
its slides; PNG and SVG are valid images of the computed size."""
from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

import plotly.graph_objects as go
import pytest

from dashboard import figures
from dashboard.kostra.selection import Selection
from dashboard.publish import files as publish

pytestmark = pytest.mark.browser

SELECTION = Selection("3909", ("3907", "3905"), 2017, 2024)
TEXT_OUTSIDE_CHART = """() => {
  const bad = [];
  document.querySelectorAll('.kp-chart').forEach(chart => {
    const box = chart.getBoundingClientRect();
    chart.querySelectorAll('svg text').forEach(t => {
      const r = t.getBoundingClientRect();
      if (r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1))
        bad.push(t.textContent);
    });
  });
  return bad;
}"""


@pytest.fixture(scope="module")
def bundles(built_db):
    """Three real figures from the registry (the same chart code the pages use) on the session database."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KOSTRA_DB", str(built_db))
        return [figures.build_figure(fid, SELECTION) for fid in ("kostnad-hjemme", "rangering-gruppe", "andel-f254")]


def open_offline(browser, url: str, width: int, height: int = 900):
    """A page where every request other than file:// is refused and recorded."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nb-NO")
    page = context.new_page()
    attempted: list[str] = []

    def guard(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()
    context.route("**/*", guard)
    page.goto(url, wait_until="load")
    return context, page, attempted


def test_published_html_renders_offline_and_nothing_is_cut(browser, bundles, tmp_path):
    bundle = bundles[0]
    path = tmp_path / f"{bundle.figure_id}.html"
    path.write_text(publish.figure_html(bundle), encoding="utf-8")
    for width in (390, 820, 1280, 1920):
        context, page, attempted = open_offline(browser, path.as_uri(), width)
        try:
            page.wait_for_selector(".kp-chart[data-rendered='true']", timeout=20_000)
            assert page.locator(".kp-chart .scatterlayer .trace").count() == len(go.Figure(bundle.fig).data)
            assert page.get_by_role("heading", name=bundle.title).is_visible()
            assert page.get_by_text(bundle.takeaway).is_visible()
            assert page.locator(".kp-demo").is_visible()
            assert page.locator(".kp-table tbody tr").count() == bundle.table.height
            assert page.evaluate(TEXT_OUTSIDE_CHART) == [], width
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
            assert attempted == []
        finally:
            context.close()


def test_presentation_steps_through_slides_by_button_key_and_address(browser, bundles, tmp_path):
    path = tmp_path / "presentasjon.html"
    path.write_text(publish.presentation_html(bundles), encoding="utf-8")
    context, page, attempted = open_offline(browser, path.as_uri(), 1280, 720)
    try:
        active = ".kp-slide.kp-active"
        page.wait_for_selector(f"{active} .kp-chart[data-rendered='true']", timeout=20_000)
        assert page.locator(active).get_attribute("data-figure-id") == "kostnad-hjemme"
        assert page.locator("#kp-counter").inner_text() == "1 / 3"
        assert page.locator("#kp-prev").is_disabled()
        page.click("#kp-next")
        page.wait_for_selector(f"{active}[data-figure-id='rangering-gruppe'] .kp-chart[data-rendered='true']")
        assert page.locator("#kp-counter").inner_text() == "2 / 3" and page.url.endswith("#side=2")
        assert page.locator(".kp-slide:visible").count() == 1
        page.keyboard.press("ArrowRight")
        page.wait_for_selector(f"{active}[data-figure-id='andel-f254'] .kp-chart[data-rendered='true']")
        assert page.locator("#kp-next").is_disabled()
        assert page.evaluate(TEXT_OUTSIDE_CHART) == []
        page.keyboard.press("ArrowLeft")
        page.wait_for_selector(f"{active}[data-figure-id='rangering-gruppe']")
        assert attempted == []
    finally:
        context.close()
    context, page, attempted = open_offline(browser, path.as_uri() + "#side=3", 1920, 1080)
    try:  # every slide is its own link
        page.wait_for_selector(".kp-slide.kp-active[data-figure-id='andel-f254'] .kp-chart[data-rendered='true']")
        assert page.locator("#kp-counter").inner_text() == "3 / 3" and attempted == []
    finally:
        context.close()
    context, page, attempted = open_offline(browser, path.as_uri() + "#side=1", 390, 844)
    try:  # on a phone the slide scrolls; the legend is not cut
        page.wait_for_selector(".kp-slide.kp-active .kp-chart[data-rendered='true']")
        assert page.evaluate(TEXT_OUTSIDE_CHART) == []
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()


def test_png_and_svg_are_valid_images_of_the_computed_size(bundles):
    images = publish.figure_images(bundles[:2])
    assert set(images) == {(b.figure_id, f) for b in bundles[:2] for f in ("png", "svg")}
    for bundle in bundles[:2]:
        width, height = publish.image_size(bundle)
        png = images[(bundle.figure_id, "png")]
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
        assert struct.unpack(">II", png[16:24]) == (width, height)
        root = ET.fromstring(images[(bundle.figure_id, "svg")])
        assert root.tag.endswith("svg")
        assert (float(root.get("width")), float(root.get("height"))) == (width, height)
        text = " ".join(t for t in root.itertext())
        first_words = " ".join(bundle.title.split()[:3])
        assert first_words in text and "Kilde: SSB" in text and "DEMODATA" in text


def test_a_published_folder_works_offline_with_its_one_shared_plotly(browser, built_db, tmp_path):
    """The default set: every HTML file loads plotly.min.js from beside itself (the finance bundle), also the
    waterfall of the budget frame, and the presentation; nothing but file:// is asked for."""
    from dashboard.publish.run import build_bundles, write_files
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KOSTRA_DB", str(built_db))
        bundles, _ = build_bundles(["kostnad-hjemme", "rangering-gruppe", "budsjettramme"], kommune="3909")
    out = tmp_path / "publisert"
    write_files(bundles, out, images=(), pdf=False)
    assert (out / "plotly.min.js").read_bytes() == publish.FINANCE_BUNDLE.read_bytes()
    for bundle in bundles:
        context, page, attempted = open_offline(browser, (out / f"{bundle.figure_id}.html").as_uri(), 1280)
        try:
            page.wait_for_selector(".kp-chart[data-rendered='true']", timeout=20_000)
            drawn = page.locator(".kp-chart .trace").count()
            assert drawn >= len(go.Figure(bundle.fig).data), bundle.figure_id
            assert page.evaluate("typeof Plotly.version") == "string" and attempted == []
        finally:
            context.close()
    context, page, attempted = open_offline(browser, (out / "presentasjon.html").as_uri() + "#side=3", 1280, 720)
    try:
        page.wait_for_selector(".kp-slide.kp-active[data-figure-id='budsjettramme'] .kp-chart[data-rendered='true']",
                               timeout=20_000)
        assert page.locator(".kp-slide.kp-active .waterfalllayer .trace").count() == 1 and attempted == []
    finally:
        context.close()


def test_presentation_pdf_is_a4_landscape_one_figure_a_page_with_its_texts(bundles):
    import io

    from pypdf import PdfReader
    with publish.ImageRenderer() as renderer:
        pdf = renderer.pdf(bundles)
        again = PdfReader(io.BytesIO(renderer.pdf(bundles[1:2])))  # the reused print page holds only the new one
    assert len(again.pages) == 1 and " ".join(bundles[1].title.split()[:4]) in again.pages[0].extract_text()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(bundles)
    for page, bundle in zip(reader.pages, bundles):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 841.9) < 2 and abs(height - 595.3) < 2  # A4 landscape in points
        text = " ".join(page.extract_text().split())
        assert " ".join(bundle.title.split()[:4]) in text
        assert " ".join(bundle.takeaway.split(",")[0].split()) in text  # numbers keep their (hard) spaces
        assert "Kilde: SSB" in text and "DEMODATA" in text


def test_a_hung_renderer_is_replaced_and_the_request_retried_once(bundles):
    """A renderer stuck in a busy loop (page.evaluate has no timeout) held the image lock for good: every Chromium
    call now has a timeout, the hung Chromium is ended and a new one renders the same request."""
    with publish.ImageRenderer(timeout_s=20) as renderer:
        real, hung = renderer._render, []

        def hangs_once(jobs, formats):
            if not hung:
                hung.append(True)
                renderer._state["page"].evaluate("() => { while (true) {} }")
            return real(jobs, formats)
        renderer._render = hangs_once
        out = renderer.render(bundles[:1], ("svg",))
        assert renderer.replaced == 1 and out[(bundles[0].figure_id, "svg")].lstrip().startswith(b"<svg")
        assert renderer.pdf(bundles[:1]).startswith(b"%PDF")  # the new renderer serves later calls too
