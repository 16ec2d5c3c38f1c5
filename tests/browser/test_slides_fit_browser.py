"""The presentation on a projector (1280×720): «Forrige» and «Neste» always on screen and nothing of the slide
hidden behind them, the ← and → keys move between slides, and /vis and the slides name each figure's unit."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FIGURES = ["kostnad-hjemme", "fremskriving-kostnad", "fremskriving-brukere", "sykefravaer-enheter",
           "rangering-gruppe", "fordeling-utgifter", "budsjett-maaned", "profil-gruppe"]
DECK = f"/presentasjon?figurer={','.join(FIGURES)}&kommune=3909&sammenlign=3907,4203&enhet=alle&periode=2025"

LAYOUT = """() => {
  const box = s => { const e = document.querySelector(s); if (!e) return null;
                     const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; };
  return {nav: box('.st-key-slide-nav'), prev: box('.st-key-prev button'), next: box('.st-key-next button'),
          source: box('[data-testid="chart-source"]'), title: box('[data-testid="chart-title"]'),
          height: window.innerHeight};
}"""
SVG_TEXT = "() => [...document.querySelectorAll('.main-svg text')].map(t => t.textContent).join(' | ')"


@pytest.fixture
def projector(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("side", range(1, len(FIGURES) + 1))
def test_slide_fits_1280x720_with_its_buttons_on_screen(projector, app_url, visit, wait_for_charts, side):
    visit(projector, f"{app_url}{DECK}&side={side}")
    wait_for_charts(projector, 1)
    box = projector.evaluate(LAYOUT)
    for button in ("prev", "next"):
        assert 0 <= box[button]["top"] and box[button]["bottom"] <= box["height"], (FIGURES[side - 1], box)
    assert box["title"]["top"] >= 0
    # the whole slide, down to its source line, above the button bar: nothing a reader must scroll to
    assert box["source"]["bottom"] <= box["nav"]["top"] + 1, (FIGURES[side - 1], box)


def test_arrow_keys_move_between_slides(projector, app_url, visit, settled, wait_for_charts):
    visit(projector, f"{app_url}{DECK}&side=1")
    wait_for_charts(projector, 1)
    projector.keyboard.press("ArrowRight")
    projector.wait_for_url("**side=2**", timeout=30_000)
    settled(projector)
    number = projector.locator('[data-testid="slide-number"]')
    assert number.inner_text() == f"Side 2 av {len(FIGURES)}"
    projector.keyboard.press("ArrowLeft")
    projector.wait_for_url("**side=1**", timeout=30_000)
    settled(projector)
    assert number.inner_text() == f"Side 1 av {len(FIGURES)}"
    projector.keyboard.press("ArrowLeft")  # nothing before the first slide
    settled(projector)
    assert "side=1" in projector.url


@pytest.mark.parametrize("figure_id, unit", [("fremskriving-kostnad", "Mill. kr"),
                                             ("fremskriving-brukere", "Antall personer"),
                                             ("brukere-tjeneste", "Antall personer"),
                                             ("forhold-institusjon-hjemme", "Ganger")])
def test_vis_names_the_unit_of_its_figure(browser, app_url, visit, wait_for_charts, figure_id, unit):
    page = browser.new_page(viewport={"width": 800, "height": 450})
    try:
        visit(page, f"{app_url}/vis?figur={figure_id}&kommune=3909")
        wait_for_charts(page, 1)
        assert unit in page.evaluate(SVG_TEXT)
    finally:
        page.close()


def test_slides_name_the_unit_of_their_figure(projector, app_url, visit, wait_for_charts):
    visit(projector, f"{app_url}{DECK}&side=2")
    wait_for_charts(projector, 1)
    assert "Mill. kr" in projector.evaluate(SVG_TEXT)
