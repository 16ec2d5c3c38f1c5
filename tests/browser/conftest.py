"""One Streamlit server per test session on a free loopback port, and Debian's Chromium driven by playwright.

Nothing here downloads a browser: playwright launches /usr/bin/chromium through `executable_path`.

Waits that hold on a busy machine (another job compiling, a second test run): every wait is for exactly the thing
the test then asserts, never a proxy for it and never a fixed sleep. One plotly chart holds several `.main-svg`
elements, so counting those ended a wait while charts were still being drawn; `wait_for_charts` counts chart
elements that have drawn their plot. For text and counts use playwright's `expect`, which retries until its
timeout (raised here to 60 s for loaded machines).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
APP_SETTLED = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHART = '[data-testid="stPlotlyChart"]'
WAIT_MS = 120_000  # generous: a loaded machine runs and draws slowly; a passing test never waits this long
# A chart element counts once plotly has drawn into it: its first svg layer holds the plot area (cartesian
# charts) or the layer of a pie, sunburst or treemap.
_DRAWN_CHARTS_JS = """() => Array.from(document.querySelectorAll('%s')).filter(
    c => c.querySelector(['.plot', '.pielayer', '.sunburstlayer', '.treemaplayer']
        .map(layer => '.js-plotly-plot .main-svg ' + layer).join(', '))).length""" % CHART


def _raise_expect_timeout() -> None:
    from playwright.sync_api import expect
    expect.set_options(timeout=60_000)


_raise_expect_timeout()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_health(base_url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"streamlit did not answer on {base_url} within {timeout} s")


@contextmanager
def serve(db: Path, log_path: Path, *, port: int | None = None, args: tuple[str, ...] = (),
          env: dict[str, str] | None = None):
    """Run `streamlit run app.py` on a free loopback port against `db`; yields the base URL. `args` and `env` add
    settings (the login tests give a secrets file with `[auth]` and an access file)."""
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "KOSTRA_DB": str(db), **(env or {})}
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
             "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false", *args],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_health(base_url, proc)
            yield base_url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="session")
def streamlit_server(built_db, tmp_path_factory):
    """The app served from the repo on 127.0.0.1, reading the session database (read-only)."""
    with serve(built_db, tmp_path_factory.mktemp("streamlit") / "server.log") as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def app_url(streamlit_server):
    """The shared server. A deep link as the very first request to a fresh server is tested on its own server in
    test_cold_server.py (Streamlit's legacy `pages/` mode, handled by dashboard/views/nav_guard.py)."""
    return streamlit_server


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nb-NO")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def open_page(app_url):
    """open_page(page, path): go to the app's path (with query string) and wait until the view has settled."""
    def _open(page, path: str) -> None:
        goto_and_settle(page, path if path.startswith("http") else app_url + path)
    return _open


@pytest.fixture
def visit():
    """visit(page, url): go to a full URL (any server, e.g. a fresh one) and wait until the view has settled."""
    return goto_and_settle


@pytest.fixture
def settled():
    """settled(page): wait for the rerun that follows an interaction to finish."""
    return settle


def goto_and_settle(page, url: str, timeout_ms: int = WAIT_MS) -> None:
    """Go to url and wait until the skeleton is gone and the script run has finished."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stAppSkeleton"]', state="detached", timeout=timeout_ms)
    settle(page, timeout_ms)


def settle(page, timeout_ms: int = WAIT_MS) -> None:
    """Wait until the app has no script run in flight (checked twice, as a rerun can follow a URL write)."""
    for _ in range(2):
        page.wait_for_selector(APP_SETTLED, timeout=timeout_ms)
        page.wait_for_timeout(300)
    page.wait_for_selector(APP_SETTLED, timeout=timeout_ms)


def drawn_charts(page) -> int:
    """How many charts on the page have drawn their plot."""
    return page.evaluate(_DRAWN_CHARTS_JS)


def wait_for_charts(page, count: int, timeout_ms: int = WAIT_MS) -> int:
    """Wait until at least `count` charts have drawn their plot (not until `count` svg layers exist); returns the
    number drawn, which is what a test then asserts on."""
    if count > 0:
        page.wait_for_function(f"({_DRAWN_CHARTS_JS})() >= {int(count)}", timeout=timeout_ms)
    return drawn_charts(page)


def overflowing_texts(page, selector: str) -> list[str]:
    """Texts of elements matching selector that are cut (content wider than the box), e.g. key-figure values."""
    return page.evaluate("""(sel) => Array.from(document.querySelectorAll(sel))
        .filter(e => e.scrollWidth > e.clientWidth + 1 || Array.from(e.querySelectorAll('*'))
            .some(c => c.scrollWidth > c.clientWidth + 1))
        .map(e => e.innerText)""", selector)


@pytest.fixture(name="wait_for_charts")
def wait_for_charts_fixture():
    """wait_for_charts(page, n): wait until n charts have drawn; returns how many have."""
    return wait_for_charts


@pytest.fixture(name="overflowing_texts")
def overflowing_texts_fixture():
    """overflowing_texts(page, selector): the texts of matching elements whose content is cut."""
    return overflowing_texts


@pytest.fixture(scope="session")
def serve_app():
    """serve_app(db, log_path): a context manager running a fresh server of its own (for cold-start tests)."""
    return serve
