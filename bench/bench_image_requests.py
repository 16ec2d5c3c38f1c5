"""Benchmark of bounded image work (issue 17): 20 readers click «Last ned» → «PNG-bilde» in /vis at the same moment.

Why: every PNG/SVG click used to start a Chromium of its own on the server, with no cache and no limit, so a few
clicks from a public iframe saturated a small server. With dashboard/publish/image_service.py a server renders
with one Chromium at a time, caches what it made and answers «busy» past a short queue. Targets on this machine:
  - at most one renderer (a Chromium browser process started by the server) alive at any moment;
  - the server's memory < 600 MB: the Streamlit process's peak RSS. Printed beside it, not a target here: the
    peak of the whole tree (Streamlit, playwright's node driver and the one Chromium) as PSS (shared pages counted
    once; RSS would count Chromium's shared pages in every one of its processes).
The 20 requests are for 20 different municipalities (no help from the cache: the worst case), then once more for
one municipality (20 readers of the same figure: one render). Sampled from /proc every 50 ms; printed, never
asserted in tests.

Run: .venv/bin/python bench/bench_image_requests.py [--readers 20] [--db PATH]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_pages import CHROMIUM_ARGS, build_database, start_streamlit, stop  # noqa: E402

MAX_RENDERERS = 1
MEMORY_TARGET_MB = 600
APP_SETTLED = '[data-testid="stApp"][data-test-script-state="notRunning"]'
PAGE_SIZE = 4096


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return tree


def descendants(pid: int) -> list[int]:
    tree, out, todo = _children(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(tree.get(p, []))
    return out


def pss_mb(pid: int) -> float:
    """Proportional set size: a process's own pages plus its share of pages shared with others."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1000
    except OSError:
        pass
    return 0.0


def rss_mb(pid: int) -> float:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE / 1e6
    except OSError:
        return 0.0


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def is_browser(pid: int) -> bool:
    """A Chromium browser process (not one of its renderer, GPU or zygote helpers, which carry --type=)."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    # Chromium rewrites its helpers' command lines into one string, so look at the whole of it
    program = cmd.split(b"\0", 1)[0].split(b" ", 1)[0]
    return program.endswith((b"/chromium", b"/chrome")) and b"--type=" not in cmd


class Sampler(threading.Thread):
    """Every 50 ms: how many Chromium browsers the server has started, and the memory of the server's tree."""

    def __init__(self, server_pid: int):
        super().__init__(daemon=True)
        self.pid, self.stop_event = server_pid, threading.Event()
        self.most_browsers, self.most_server_mb, self.most_tree_mb = 0, 0.0, 0.0
        self.browsers_seen: list[str] = []

    def run(self) -> None:
        while not self.stop_event.is_set():
            pids = descendants(self.pid)
            # a browser whose parent is a browser is a helper caught between fork and exec (its command line is
            # still the browser's for a moment): not a second renderer
            browsers = [p for p in pids[1:] if is_browser(p) and not is_browser(_parent(p))]
            if len(browsers) > self.most_browsers:
                self.most_browsers, self.browsers_seen = len(browsers), [_cmdline(p)[:160] for p in browsers]
            self.most_server_mb = max(self.most_server_mb, rss_mb(self.pid))
            self.most_tree_mb = max(self.most_tree_mb, sum(pss_mb(p) for p in pids))
            time.sleep(0.05)


def open_menus(browser, urls: list[str]):
    """One browser context per reader, each on /vis with its «Last ned» menu open."""
    pages = []
    for url in urls:
        context = browser.new_context(viewport={"width": 1000, "height": 800}, accept_downloads=True)
        page = context.new_page()
        page.goto(url, wait_until="domcontentloaded", timeout=120_000)
        page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=120_000)
        page.wait_for_selector(APP_SETTLED, timeout=120_000)
        page.get_by_role("button", name="Last ned").click()
        page.get_by_role("button", name="PNG-bilde").wait_for(timeout=60_000)
        pages.append(page)
    return pages


def click_all(pages) -> tuple[float, int, int, int]:
    """Click every reader's PNG button at once; (seconds until every download arrived, PNGs, busy files, failed)."""
    results: list[bytes | None] = [None] * len(pages)
    done = threading.Event()
    left = [len(pages)]
    lock = threading.Lock()

    def on_download(i):
        def handler(download):
            data = Path(download.path()).read_bytes()
            with lock:
                results[i] = data
                left[0] -= 1
                if left[0] == 0:
                    done.set()
        return handler
    for i, page in enumerate(pages):
        page.on("download", on_download(i))
    t0 = time.perf_counter()
    for page in pages:  # no waits between clicks: the 20 requests reach the server together
        page.get_by_role("button", name="PNG-bilde").click(no_wait_after=True)
    deadline = time.monotonic() + 180
    while not done.is_set() and time.monotonic() < deadline:
        pages[0].wait_for_timeout(50)  # lets playwright deliver the download events
    seconds = time.perf_counter() - t0
    pngs = sum(1 for r in results if r and r[:8] == b"\x89PNG\r\n\x1a\n" and len(r) > 20_000)
    busy = sum(1 for r in results if r and r[:8] == b"\x89PNG\r\n\x1a\n" and len(r) <= 20_000)
    return seconds, pngs, busy, sum(1 for r in results if not r)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory(prefix="bench-images-") as tmp:
        db_path = args.db or build_database(Path(tmp) / "kostra.duckdb")
        import os
        os.environ["KOSTRA_DB"] = str(db_path)
        from dashboard.kostra import queries
        codes = sorted(queries.municipality_names())[: args.readers]
        proc, base = start_streamlit("app.py", {"KOSTRA_DB": str(db_path)})
        sampler = Sampler(proc.pid)
        rows = []
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                try:
                    sampler.start()
                    for label, urls in [
                        (f"{args.readers} readers, {args.readers} municipalities",
                         [f"{base}/vis?figur=kostnad-hjemme&kommune={c}&embed=true" for c in codes]),
                        (f"{args.readers} readers, one figure",
                         [f"{base}/vis?figur=kostnad-institusjon&kommune=3909&embed=true"] * args.readers)]:
                        pages = open_menus(browser, urls)
                        seconds, pngs, busy, failed = click_all(pages)
                        rows.append((label, seconds, pngs, busy, failed))
                        for page in pages:
                            page.context.close()
                finally:
                    browser.close()
        finally:
            sampler.stop_event.set()
            sampler.join(timeout=2)
            stop(proc)
    print(f"\nImage requests against /vis (PNG from «Last ned»), one server")
    print(f"  {'what':<38} {'all back (s)':>12} {'PNG':>5} {'busy':>5} {'failed':>6}")
    for label, seconds, pngs, busy, failed in rows:
        print(f"  {label:<38} {seconds:>12.1f} {pngs:>5} {busy:>5} {failed:>6}")
    ok_browsers = sampler.most_browsers <= MAX_RENDERERS
    ok_memory = sampler.most_server_mb < MEMORY_TARGET_MB
    print(f"\n  most Chromium renderers alive at once: {sampler.most_browsers} (target <= {MAX_RENDERERS}) "
          f"{'yes' if ok_browsers else 'NO'}")
    if not ok_browsers:
        for line in sampler.browsers_seen:
            print(f"    {line}")
    print(f"  server memory, peak RSS of the Streamlit process: {sampler.most_server_mb:.0f} MB "
          f"(target < {MEMORY_TARGET_MB} MB) {'yes' if ok_memory else 'NO'}")
    print(f"  with the processes it started (node driver, Chromium), peak PSS of the tree: {sampler.most_tree_mb:.0f} MB")
    failed = not (ok_browsers and ok_memory) or any(r[4] for r in rows)
    print("\nall targets met" if not failed else "\nSOME TARGETS MISSED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
