"""One Streamlit server per test session on a free loopback port, and Debian's Chromium driven by playwright.

Nothing here downloads a browser: playwright launches /usr/bin/chromium through `executable_path`.
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
def serve(db: Path, log_path: Path):
    """Run `streamlit run app.py` on a free loopback port against `db`; yields the base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "KOSTRA_DB": str(db)}
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
             "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
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
    test_cold_server.py (Streamlit's legacy `pages/` mode, handled by dashboard/nav_guard.py)."""
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
def settled():
    """settled(page): wait for the rerun that follows an interaction to finish."""
    return settle


def goto_and_settle(page, url: str, timeout_ms: int = 30_000) -> None:
    """Go to url and wait until the skeleton is gone and the script run has finished."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stAppSkeleton"]', state="detached", timeout=timeout_ms)
    settle(page, timeout_ms)


def settle(page, timeout_ms: int = 30_000) -> None:
    """Wait until the app has no script run in flight (checked twice, as a rerun can follow a URL write)."""
    for _ in range(2):
        page.wait_for_selector(APP_SETTLED, timeout=timeout_ms)
        page.wait_for_timeout(300)
    page.wait_for_selector(APP_SETTLED, timeout=timeout_ms)


@pytest.fixture(scope="session")
def serve_app():
    """serve_app(db, log_path): a context manager running a fresh server of its own (for cold-start tests)."""
    return serve
