"""Accessible everywhere, checked by a machine: axe-core (WCAG 2.1 A and AA rules; axe-playwright-python bundles it,
nothing is downloaded) on every page, /vis, /presentasjon and the published HTML files, in Debian's Chromium.

One thing on the pages is Streamlit's own and not ours: the sidebar navigation. With sections, Streamlit renders
`<ul>` with a `<div>` per section and the `<li>` items inside those divs, which axe reports as `list` and `listitem`
(structure rules, not content). It cannot be changed from the app without rewriting Streamlit's DOM in script, so
the navigation is checked on its own: every WCAG rule but those two must pass there too, and those two are the only
findings allowed, named here as the framework's."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NAV = '[data-testid="stSidebarNav"]'
STREAMLIT_NAV_RULES = {"list", "listitem"}  # Streamlit's section markup in the sidebar navigation (see above)

PAGES = ["/", "/kostnad-per-mottaker", "/institusjon-vs-hjemme", "/brukere", "/fremskriving", "/kilder",
         "/budsjettavvik", "/sykefravaer", "/enhetsrapport", "/importer",
         "/vis?figur=fremskriving-kostnad&kommune=3909",
         "/vis?figur=sykefravaer-enheter&enhet=alle&periode=2025",
         "/presentasjon?figurer=kostnad-hjemme,andel-f254&kommune=3909&side=1",
         "/presentasjon?figurer=kostnad-hjemme,budsjettavvik-enheter&kommune=3909&enhet=alle&side=2"]

axe = Axe()
# contrast is measured on what is painted: wait until no element is faded as stale by a rerun and no fade-in is
# still running (a caption half-way through Streamlit's fade reads #9b9b9b instead of its colour)
STILL = """() => !document.querySelector('[data-stale="true"]') && document.getAnimations().every(
    a => a.playState !== 'running' || a.effect.getTiming().iterations === Infinity)"""


def painted(page) -> None:
    page.wait_for_function(STILL, timeout=60_000)
    page.wait_for_timeout(200)
    page.wait_for_function(STILL, timeout=60_000)


def violations(page, context=None, rules: set[str] | None = None) -> list[str]:
    options = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
    found = axe.run(page, context=context, options=options).response["violations"]
    return [f"{v['id']} ({v['impact']}): " + "; ".join(n["html"][:90] for n in v["nodes"][:3])
            for v in found if rules is None or v["id"] not in rules]


@pytest.mark.parametrize("path", PAGES)
def test_no_wcag_violation_of_ours(browser, app_url, visit, wait_for_charts, path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        visit(page, app_url + path)
        wait_for_charts(page, 1 if path.startswith(("/vis", "/presentasjon")) else 0)
        painted(page)
        # everything outside Streamlit's navigation, with every rule
        assert violations(page, context={"exclude": [[NAV]]}) == []
        if page.locator(NAV).count():
            # the navigation: only Streamlit's list structure, nothing else (contrast, names, …)
            assert violations(page, context={"include": [[NAV]]}, rules=STREAMLIT_NAV_RULES) == []
    finally:
        page.close()


def test_the_exclusion_is_only_streamlits_navigation(browser, app_url, visit):
    """The navigation's findings are exactly the two structure rules (if Streamlit fixes them, this test says so,
    and the exception above can go)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        visit(page, app_url + "/kilder")
        painted(page)
        options = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
        found = axe.run(page, context={"include": [[NAV]]}, options=options).response["violations"]
        assert {v["id"] for v in found} == STREAMLIT_NAV_RULES
    finally:
        page.close()


@pytest.fixture(scope="module")
def published(built_db, tmp_path_factory):
    """One published figure file and one presentation file (dashboard.publish.files), written to disk."""
    from dashboard.publish import files, run
    where = tmp_path_factory.mktemp("published")
    mp = pytest.MonkeyPatch()
    mp.setenv("KOSTRA_DB", str(built_db))
    try:
        bundles, _ = run.build_bundles(["kostnad-hjemme", "fremskriving-kostnad", "sykefravaer-enheter"],
                                       kommune="3909", enhet="alle", periode="2025")
    finally:
        mp.undo()
    figure = where / "figur.html"
    figure.write_text(files.figure_html(bundles[0]), encoding="utf-8")
    deck = where / "presentasjon.html"
    deck.write_text(files.presentation_html(bundles), encoding="utf-8")
    return [figure, deck]


def test_published_html_has_no_wcag_violation(browser, published):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        for path in published:
            page.goto(path.as_uri())
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
            assert violations(page) == [], path.name
    finally:
        page.close()
