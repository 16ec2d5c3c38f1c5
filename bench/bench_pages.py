"""Benchmark of the analyst pages on the full database built from data/raw.

Why: issue 5 promises answers faster than SSB's own table view. Targets on this machine:
every page query p95 <= 10 ms; a page rerun after a selection change (AppTest) p95 <= 250 ms;
first page load in Chromium (navigation start to charts drawn) <= 3 s. Timings are measured
here and printed, never asserted in tests.

Run: .venv/bin/python bench/bench_pages.py [--runs 200] [--reruns 30] [--loads 5] [--skip-browser] [--db PATH]
"""
from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERY_TARGET_MS = 10.0
RERUN_TARGET_MS = 250.0
LOAD_TARGET_MS = 3000.0
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
KEY_FIGURES = [
    "home_care_cost_per_recipient", "institution_cost_per_place", "institution_to_home_cost_ratio",
    "home_care_share_of_care_net_expenditure", "institution_share_of_care_net_expenditure",
    "care_net_expenditure_per_inhabitant", "home_care_coverage_80_plus", "home_care_recipients",
    "institution_long_term_residents",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def row(name: str, samples_ms: list[float], target: float) -> tuple[str, float, float, bool]:
    p50, p95 = statistics.median(samples_ms), percentile(samples_ms, 95)
    return name, p50, p95, p95 <= target


def print_table(title: str, rows: list[tuple[str, float, float, bool]], target: float) -> None:
    print(f"\n{title} (target p95 <= {target:g} ms)")
    print(f"  {'what':<58} {'p50 ms':>9} {'p95 ms':>9}  ok")
    for name, p50, p95, ok in rows:
        print(f"  {name:<58} {p50:9.2f} {p95:9.2f}  {'yes' if ok else 'NO'}")


def build_database(path: Path) -> Path:
    from pipelines.build import build
    t0 = time.perf_counter()
    build(ROOT / "data" / "raw", path)
    print(f"built {path} from data/raw in {time.perf_counter() - t0:.1f} s")
    return path


# ---------------------------------------------------------------------------------------------- page queries

def page_queries(municipalities: list[str], year_pairs: list[tuple[int, int]]) -> dict[str, Callable[[], object]]:
    """One callable per query a page makes, each drawing a fresh realistic selection per call."""
    from dashboard.core import db
    from dashboard.kostra import queries

    rnd = random.Random(5)

    def pick():
        code = rnd.choice(municipalities)
        a, b = rnd.choice(year_pairs)
        return code, queries.default_comparisons(code), a, b

    def group_code(code, year):
        return queries.group_of(code, year)[0] or "EKG14"

    groups = [(group_code(code, 2024), 2024) for code in municipalities]

    def call_ranking():
        group, year = rnd.choice(groups)
        return queries.group_ranking("home_care_cost_per_recipient", group, year)

    return {
        # SQL behind the cached lookups (run once per database file by the app)
        "sql indicators (cached in app)": lambda: db.query("indicators"),
        "sql municipalities (cached in app)": lambda: db.query("municipalities"),
        "sql year_range (cached in app)": lambda: db.query("year_range"),
        "sql build_info (cached in app)": lambda: db.query("build_info"),
        "sql sources (cached in app)": lambda: db.query("sources"),
        # selection
        "resolve_code (historical 0712)": lambda: queries.resolve_code(rnd.choice(["0712", "3805", "1548", "0301"])),
        "default_comparisons": lambda: queries.default_comparisons(pick()[0]),
        "group_of": lambda: queries.group_of(pick()[0], 2024),
        # Oversikt
        "overview_cards (9 key figures)": lambda: queries.overview_cards(pick()[0], 2024, KEY_FIGURES),
        "overview_index (profile chart)": lambda: queries.overview_index(pick()[0], 2024, KEY_FIGURES),
        # Kostnad per mottaker / trend charts
        "comparison_series (1 indicator, 5 comparisons)": lambda: (
            lambda c, cmp, a, b: queries.comparison_series(["home_care_cost_per_recipient"], c, cmp, a, b,
                                                           aggregates=("group", "EAKUO")))(*pick()),
        "group_labels": lambda: (lambda c, cmp, a, b: queries.group_labels(c, a, b))(*pick()),
        "gap_in_kroner": lambda: queries.gap_in_kroner(pick()[0], 2024),
        "group_ranking": call_ranking,
        "overview (1 indicator, ranking reference)": lambda: queries.overview(pick()[0], 2024,
                                                                               ["home_care_cost_per_recipient"]),
        "source_line": lambda: queries.source_line(["home_care_cost_per_recipient", "institution_to_home_cost_ratio"]),
        # Institusjon vs. hjemme
        "shares_for_year": lambda: (lambda c, cmp, a, b: queries.shares_for_year(c, cmp, b))(*pick()),
        "all_municipalities (scatter)": lambda: queries.all_municipalities(
            "home_care_share_of_care_net_expenditure", "home_care_cost_per_recipient", rnd.choice(range(2016, 2025))),
        # Brukere
        "users_by_service": lambda: (lambda c, cmp, a, b: queries.users_by_service(c, a, b))(*pick()),
        "age_distribution": lambda: (lambda c, cmp, a, b: queries.age_distribution(c, cmp, b))(*pick()),
        # Kilder
        "sources_table": lambda: queries.sources_table(),
        "source_notes": lambda: queries.source_notes(),
    }


def bench_queries(runs: int) -> list[tuple[str, float, float, bool]]:
    from dashboard.kostra import queries
    queries.indicators()
    codes = queries.municipalities()["code"].to_list()
    municipalities = sorted(set(random.Random(1).sample(codes, 40)) | {"3909", "0301", "4601", "1579"})
    years = [(2017, 2024), (2016, 2023), (2020, 2024), (2015, 2024)]
    rows = []
    for name, fn in page_queries(municipalities, years).items():
        for _ in range(5):
            fn()
        samples = []
        for _ in range(runs):
            t0 = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t0) * 1000)
        rows.append(row(name, samples, QUERY_TARGET_MS))
    return rows


# ---------------------------------------------------------------------------------------------- AppTest reruns

def rerun_samples(page: str, change: Callable, reruns: int, *, warm: int = -1) -> list[float]:
    """Open `page` in AppTest, run one change to warm caches and plotly, then time `reruns` reruns, each after
    `change(at, i)` (which sets a widget and returns it). One loop for every page's rerun bench."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(page)
    at.run()
    change(at, warm).run()
    samples = []
    for i in range(reruns):
        widget = change(at, i)
        t0 = time.perf_counter()
        widget.run()
        samples.append((time.perf_counter() - t0) * 1000)
        if at.exception:
            raise RuntimeError(f"{page}: {at.exception[0].value}")
    return samples


def bench_reruns(reruns: int) -> list[tuple[str, float, float, bool]]:
    cycle = ["4203", "3909", "4601", "1579", "5001", "3907"]

    def change(at, i):
        return at.selectbox(key="w_kommune").set_value(cycle[i % len(cycle)])

    return [row(f"rerun after municipality change: {page}", rerun_samples(page, change, reruns, warm=0),
                RERUN_TARGET_MS)
            for page in ["pages/oversikt.py", "pages/kostnad-per-mottaker.py", "pages/institusjon-vs-hjemme.py",
                         "pages/brukere.py"]]


def bench_own_reruns(reruns: int) -> list[tuple[str, float, float, bool]]:
    """The managers' pages (issue 6): rerun after choosing another unit in the sidebar (target <= 250 ms)."""
    from dashboard.own import queries as own_queries
    units = list(own_queries.unit_names())
    rows = []
    for page, key in [("pages/budsjettavvik.py", "bud_enhet"), ("pages/sykefravaer.py", "syk_enhet"),
                      ("pages/enhetsrapport.py", "rap_enhet")]:
        def change(at, i, key=key):
            return at.selectbox(key=key).set_value(units[i % len(units)])
        rows.append(row(f"rerun after unit change: {page}", rerun_samples(page, change, reruns), RERUN_TARGET_MS))
    return rows


# ---------------------------------------------------------------------------------------------- browser

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Streamlit's own defaults for what the app's .streamlit/config.toml changes in its script runner: the floor apps
# are the framework as it comes, not the framework tuned the way the app tunes it
STOCK_RUNNER = ["--runner.postScriptGC", "true", "--runner.magicEnabled", "true"]


def start_streamlit(script: str, env: dict[str, str], extra: list[str] = (),
                    launcher: list[str] = ("-m", "streamlit", "run")) -> tuple[subprocess.Popen, str]:
    """`streamlit run script` on a free loopback port, the same flags for the floor and the app (plus `extra`).
    `launcher` is what runs the script (bench/profile_server.py profiles every script run)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, *launcher, script, "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", *extra],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"streamlit did not start: {script}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def first_load_ms(browser, url: str, charts: int, titles: list[float] | None = None) -> float:
    """Navigation start to `charts` plotly charts drawn, in a fresh browser context (empty cache).

    The time to the page title is appended to `titles`: the gap to the charts is Streamlit loading and
    parsing its lazy plotly.js chunk (4.7 MB), which the app cannot change.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(url, wait_until="commit")
        page.wait_for_selector("h1", timeout=30_000)
        if titles is not None:
            titles.append(page.evaluate("performance.now()"))
        page.wait_for_function(
            f"document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg').length >= {charts}",
            timeout=30_000, polling=20)
        return page.evaluate("performance.now()")
    finally:
        context.close()


def bench_browser(db_path: Path, loads: int) -> list[tuple[str, float, float, bool]]:
    from playwright.sync_api import sync_playwright
    proc, base = start_streamlit("app.py", {"KOSTRA_DB": str(db_path)})
    rows = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            try:
                cold = first_load_ms(browser, base + "/", 1)
                print(f"\nfirst load on a cold server (imports, first DB open): / {cold:.0f} ms")
                for path, charts in [("/", 1), ("/kostnad-per-mottaker", 3)]:
                    titles: list[float] = []
                    samples = [first_load_ms(browser, base + path, charts, titles) for _ in range(loads)]
                    rows.append(row(f"first page load in Chromium: {path}", samples, LOAD_TARGET_MS))
                    rows.append(row(f"  (of which: to the page title) {path}", titles, LOAD_TARGET_MS))
            finally:
                browser.close()
    finally:
        stop(proc)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed calls per query")
    parser.add_argument("--reruns", type=int, default=30, help="timed AppTest reruns per page")
    parser.add_argument("--loads", type=int, default=5, help="timed browser loads per path")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--db", type=Path, help="use this database instead of building one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        db_path = args.db or build_database(Path(tmp) / "kostra.duckdb")
        os.environ["KOSTRA_DB"] = str(db_path)
        failed = False
        q = bench_queries(args.runs)
        print_table(f"Page queries, {args.runs} calls each", q, QUERY_TARGET_MS)
        r = bench_reruns(args.reruns)
        print_table(f"AppTest rerun after a selection change, {args.reruns} reruns each", r, RERUN_TARGET_MS)
        o = bench_own_reruns(args.reruns)
        print_table(f"Managers' pages: AppTest rerun after a unit change, {args.reruns} reruns each", o,
                    RERUN_TARGET_MS)
        r = r + o
        failed |= not all(ok for *_, ok in q + r)
        if not args.skip_browser:
            b = bench_browser(db_path, args.loads)
            print_table(f"Chromium, {args.loads} loads each (server warm, fresh browser context)", b, LOAD_TARGET_MS)
            failed |= not all(ok for *_, ok in b)
    print("\nall targets met" if not failed else "\nSOME TARGETS MISSED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
