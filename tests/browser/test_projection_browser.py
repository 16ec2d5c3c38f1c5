"""/fremskriving in a real browser (Debian's Chromium): the three charts render without errors and the scenario in
the URL is kept."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.browser

DRAWN_CHARTS = ("Array.from(document.querySelectorAll('[data-testid=\"stPlotlyChart\"]'))"
                ".filter(c => c.querySelector('.main-svg')).length")


def test_projection_page_renders_its_charts(open_page, page):
    open_page(page, "/fremskriving?kommune=3909&dekning80=-20&hjemme=10&gruppe=1&kostvekst=1.5")
    page.wait_for_function(f"{DRAWN_CHARTS} === 3", timeout=30_000)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    assert charts.count() == 3
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator("h1").first.inner_text().startswith("Fremskriving til 2040")
    for i in range(3):
        assert charts.nth(i).get_by_text("DEMODATA").count() >= 1
    assert page.get_by_text("Med dagens dekningsgrad får Larvik", exact=False).count() == 1
    params = parse_qs(urlparse(page.url).query)
    assert {k: params[k] for k in ("kommune", "dekning80", "hjemme", "gruppe", "kostvekst")} == {
        "kommune": ["3909"], "dekning80": ["-20"], "hjemme": ["10"], "gruppe": ["1"], "kostvekst": ["1.5"]}
