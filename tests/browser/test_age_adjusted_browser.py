"""/aldersjustert in a real browser (Debian's Chromium): the waterfall, coverage and parts-over-time charts render
with their Demodata label and takeaway, the comparison in the URL is kept, and choosing another service redraws
the waterfall without losing it."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.browser


def test_age_adjusted_page_renders_and_keeps_the_comparison(open_page, page, wait_for_charts, settled):
    open_page(page, "/aldersjustert?kommune=3909&referanse=gruppe&aar=2023")
    assert wait_for_charts(page, 3) == 3
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator("h1").first.inner_text().startswith("Hvorfor bruker Larvik mer eller mindre?")
    charts = page.locator('[data-testid="stPlotlyChart"]')
    for i in range(3):
        assert charts.nth(i).get_by_text("DEMODATA").count() >= 1
    assert charts.nth(0).locator("g.waterfalllayer path").count() >= 5  # baseline, three parts, our spending
    assert page.get_by_text("Larviks modellerte utgift i ", exact=False).count() == 1
    assert page.get_by_text("i denne rekkefølgen", exact=False).count() == 1
    params = parse_qs(urlparse(page.url).query)
    assert {k: params[k] for k in ("kommune", "referanse", "aar")} == {
        "kommune": ["3909"], "referanse": ["gruppe"], "aar": ["2023"]}
    page.locator('[data-testid="stButtonGroup"]').get_by_text("Hjemmetjenester", exact=True).click()
    settled(page)
    assert wait_for_charts(page, 3) == 3
    assert page.get_by_text("Hvorfor Larviks utgift avviker fra KOSTRA-gruppe 14: hjemmetjenester, 2023").count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0
