"""Login with a real OIDC provider on loopback (oidc-provider-mock, started here) in Debian's Chromium: the app in
shared mode (`[auth]` in a secrets file, roles from the ID token's `roles` claim through an access file).

A leder logs in from a deep link and lands on /budsjettavvik with its charts; logout ends the session. A user without
a role finds no own data: not the pages, not /vis of an own figure (no chart, no «Last ned», so no PNG, SVG, XLSX or
CSV), not the presentation, not /importer. Anonymous: a KOSTRA figure in a foreign page's iframe draws, an own figure
in one says «Denne figuren er ikke offentlig».
"""
from __future__ import annotations

import secrets
import socket

import pytest
from access_roles import write_access  # noqa: E402 (tests/access_roles.py)
from playwright.sync_api import expect

CHART = '[data-testid="stPlotlyChart"]'
# plotly has drawn: its svg layers exist and hold the chart's axes (tick labels are text in the svg)
DRAWN_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot svg.main-svg'))
    .some(svg => svg.querySelectorAll('.xtick, .ytick').length > 0)"""

pytestmark = pytest.mark.browser



@pytest.fixture(scope="module")
def provider():
    from oidc_provider_mock import User, run_server_in_thread
    users = [User(sub="kari", claims={"email": "kari@larvik.kommune.no", "name": "Kari Leder", "roles": ["leder"]}),
             User(sub="ola", claims={"email": "ola@larvik.kommune.no", "name": "Ola Uten Rolle"})]
    with run_server_in_thread(user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def shared_app(built_db, provider, tmp_path_factory, serve_app):
    folder = tmp_path_factory.mktemp("shared")
    port = free_port()
    (folder / "secrets.toml").write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "{secrets.token_hex(32)}"
client_id = "kostra-dashbord"
client_secret = "{secrets.token_hex(16)}"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""", encoding="utf-8")
    access = write_access(folder)
    with serve_app(built_db, folder / "server.log", port=port, args=("--secrets.files", str(folder / "secrets.toml")),
               env={"KOSTRA_ACCESS_FILE": str(access)}) as base_url:
        yield base_url


def log_in(page, who: str) -> None:
    """Click «Logg inn» on a refusal and pick the user on the provider's own page."""
    page.get_by_role("button", name="Logg inn").first.click()
    page.wait_for_url("**/oauth2/authorize**")
    page.get_by_role("button", name=who, exact=True).click()


def refused_text(page) -> str:
    page.wait_for_selector("[data-testid='access-refused']")
    return page.locator("[data-testid='access-refused']").first.inner_text()


def test_a_leder_logs_in_from_a_deep_link_lands_there_and_logs_out(browser, shared_app, visit, settled,
                                                                    wait_for_charts):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nb-NO")
    page = context.new_page()
    try:
        visit(page, f"{shared_app}/budsjettavvik?periode=2025")
        assert "krever innlogging" in refused_text(page)
        assert page.locator(CHART).count() == 0
        log_in(page, "kari")
        page.wait_for_url("**/budsjettavvik?periode=2025", timeout=60_000)  # back where the link pointed
        settled(page)
        assert wait_for_charts(page, 2) >= 2
        expect(page.get_by_test_id("stSidebar")).to_contain_text("Innlogget som Kari Leder")
        expect(page.get_by_test_id("stSidebarNav")).to_contain_text("Sykefravær")
        page.get_by_role("button", name="Logg ut").click()
        page.wait_for_url("**/oauth2/end_session**")  # the provider's own logout, then back to the app
        page.get_by_role("button").filter(has_text="Log out").or_(page.get_by_role("button").first).first.click()
        page.wait_for_url(f"{shared_app}/**")
        visit(page, f"{shared_app}/budsjettavvik")
        assert "krever innlogging" in refused_text(page)
        assert page.locator(CHART).count() == 0
    finally:
        context.close()


def test_a_user_without_a_role_finds_no_own_data(browser, shared_app, visit, settled, wait_for_charts):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nb-NO")
    page = context.new_page()
    try:
        visit(page, f"{shared_app}/sykefravaer")
        log_in(page, "ola")
        page.wait_for_url("**/sykefravaer", timeout=60_000)
        settled(page)
        assert "krever en rolle du ikke har" in refused_text(page)
        expect(page.get_by_test_id("stSidebar")).to_contain_text("Innlogget som Ola Uten Rolle")
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav).to_contain_text("Kostnad per mottaker")
        for hidden in ("Budsjettavvik", "Sykefravær", "Enhetsrapport", "Importer egne data"):
            expect(nav.get_by_text(hidden, exact=True)).to_be_hidden()
        for path in ("/budsjettavvik", "/enhetsrapport", "/importer",
                     "/vis?figur=sykefravaer-enheter&enhet=alle&periode=2025",
                     "/presentasjon?figurer=sykefravaer-enheter,budsjettavvik-enheter"):
            visit(page, shared_app + path)
            assert "krever en rolle" in refused_text(page), path
            assert page.locator(CHART).count() == 0, path
            assert page.get_by_role("button", name="Last ned").count() == 0, path  # no PNG, SVG, XLSX or CSV
            assert page.locator("[data-testid='stFileUploader']").count() == 0, path
        visit(page, f"{shared_app}/kostnad-per-mottaker?kommune=3909")
        assert wait_for_charts(page, 2) >= 2  # the public part is there
    finally:
        context.close()


def test_anonymous_a_kostra_figure_draws_in_a_foreign_iframe_an_own_figure_is_refused(browser, shared_app):
    context = browser.new_context(viewport={"width": 1000, "height": 1100}, locale="nb-NO")
    page = context.new_page()
    try:
        page.set_content(f"""<html><body><h1>Kommunens nettside</h1>
<iframe id="kostra" src="{shared_app}/vis?figur=kostnad-hjemme&kommune=3909&embed=true" width="800" height="450"></iframe>
<iframe id="own" src="{shared_app}/vis?figur=sykefravaer-enheter&enhet=alle&periode=2025&embed=true"
        width="800" height="450"></iframe></body></html>""")
        own = page.frame_locator("#own")
        expect(own.locator("[data-testid='access-refused']")).to_have_text("Denne figuren er ikke offentlig.",
                                                                           timeout=120_000)
        frame = next(f for f in page.frames if "figur=kostnad-hjemme" in f.url)
        frame.wait_for_function(DRAWN_JS, timeout=120_000)  # the chart has drawn its plot inside the frame
        expect(own.locator(CHART)).to_have_count(0)
        expect(own.get_by_role("button", name="Logg inn")).to_have_count(0)  # st.login does not work in a frame
    finally:
        context.close()
