"""Benchmark of committee mode: the embed view against Streamlit's floor, and `publish` of five figures.

Why: issue 9 promises that a politician's embed link costs about what Streamlit itself costs for one chart, and that
a scheduled job publishes a set of figures quickly. Targets on this machine:
  (a) first render of /vis?figur=kostnad-hjemme&kommune=3909&embed=true in Chromium (navigation start until the
      plotly chart's svg is drawn) p50 and p95 within 1.3x a one-chart Streamlit app (bench/floor_app.py), runs
      interleaved so both see the same machine load; server CPU time per session within 1.5x the floor's (read
      from /proc/<pid>/stat of each server before and after each session);
  (b) `python -m dashboard.publish` of five figures (html, png, svg, xlsx each, presentasjon.html and .pdf, and the
      shared plotly.min.js) < 10 s wall, and the published folder (every file) at most 6 MB (issue 17; about 29 MB
      when every HTML file inlined plotly.js), and with --self-contained for comparison.
Timings are measured here and printed, never asserted in tests.

Run: .venv/bin/python bench/bench_committee.py [--runs 10] [--publish-runs 3] [--db PATH]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_pages import CHROMIUM_ARGS, STOCK_RUNNER, build_database, percentile, start_streamlit, stop  # noqa: E402

EMBED_PATH = "/vis?figur=kostnad-hjemme&kommune=3909&embed=true"
FIVE = ["kostnad-hjemme", "kostnad-institusjon", "andel-f254", "rangering-gruppe", "brukere-alder"]
RENDER_RATIO_TARGET = 1.3
CPU_RATIO_TARGET = 1.5
PUBLISH_TARGET_S = 10.0
PUBLISHED_MB_TARGET = 6.0
APP_SETTLED = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHART_DRAWN = ("document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg .scatterlayer .trace').length > 0"
               " ? performance.now() : false")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (all its threads), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def one_session(browser, url: str, pid: int) -> tuple[float, float]:
    """(ms from navigation start to the chart's svg drawn, server CPU seconds for the whole session)."""
    cpu0 = cpu_seconds(pid)
    context = browser.new_context(viewport={"width": 800, "height": 450})
    page = context.new_page()
    try:
        page.goto(url, wait_until="commit")
        drawn = page.wait_for_function(CHART_DRAWN, timeout=60_000, polling="raf").json_value()
        page.wait_for_selector(APP_SETTLED, timeout=60_000)
    finally:
        context.close()
    time.sleep(0.4)  # the server's work for the closing websocket
    return float(drawn), cpu_seconds(pid) - cpu0


def bench_embed(db_path: Path, runs: int) -> list[tuple[str, str, str, bool]]:
    from playwright.sync_api import sync_playwright
    floor_proc, floor_base = start_streamlit("bench/floor_app.py", {}, STOCK_RUNNER)
    app_proc, app_base = start_streamlit("app.py", {"KOSTRA_DB": str(db_path)})
    samples: dict[str, dict[str, list[float]]] = {"floor": {"ms": [], "cpu": []}, "embed": {"ms": [], "cpu": []}}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            try:
                cold_ms, _ = one_session(browser, app_base + EMBED_PATH, app_proc.pid)
                print(f"embed link as the first request to a fresh server: {cold_ms:.0f} ms to the chart")
                one_session(browser, floor_base + "/", floor_proc.pid)  # warm-up (first-session imports)
                for i in range(runs):
                    order = [("floor", floor_base + "/", floor_proc.pid), ("embed", app_base + EMBED_PATH, app_proc.pid)]
                    for name, url, pid in (order if i % 2 == 0 else order[::-1]):  # interleaved, alternating first
                        ms, cpu = one_session(browser, url, pid)
                        samples[name]["ms"].append(ms)
                        samples[name]["cpu"].append(cpu * 1000)
            finally:
                browser.close()
    finally:
        stop(floor_proc)
        stop(app_proc)
    f, e = samples["floor"], samples["embed"]
    rows = []
    for label, key, target in [("first render in Chromium (ms)", "ms", RENDER_RATIO_TARGET),
                               ("server CPU per session (ms)", "cpu", CPU_RATIO_TARGET)]:
        fp50, fp95 = statistics.median(f[key]), percentile(f[key], 95)
        ep50, ep95 = statistics.median(e[key]), percentile(e[key], 95)
        ratio = ep50 / fp50 if fp50 else float("inf")
        rows.append((label, f"{fp50:8.0f} {fp95:8.0f}", f"{ep50:8.0f} {ep95:8.0f}", f"{ratio:5.2f}x",
                     ratio <= target, target))
    print(f"\nEmbed view vs the one-chart floor app, {runs} interleaved sessions each (800x450, fresh context)")
    print(f"  {'what':<32} {'floor p50':>9} {'p95':>8} {'embed p50':>9} {'p95':>8} {'ratio':>7} {'target':>7}  ok")
    for label, fl, em, ratio, ok, target in rows:
        print(f"  {label:<32} {fl:>18} {em:>18} {ratio:>7} {target:>6.1f}x  {'yes' if ok else 'NO'}")
    return [(r[0], r[3], f"<= {r[5]}x", r[4]) for r in rows]


def bench_publish(db_path: Path, runs: int) -> list[tuple[str, str, str, bool]]:
    """Wall time of the command as a scheduled job runs it (a fresh Python process each time), and the size of
    what it writes, in the default mode and with --self-contained."""
    times, sizes = [], {}
    for i in range(runs + 1):
        self_contained = i == runs  # the last run: one self-contained file per figure, for the size only
        with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
            out = Path(tmp) / "ut"
            args = [sys.executable, "-m", "dashboard.publish", "--kommune", "3909", "--out", str(out),
                    "--db", str(db_path)] + (["--self-contained"] if self_contained else [])
            for fid in FIVE:
                args += ["--figur", fid]
            t0 = time.perf_counter()
            result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
            seconds = time.perf_counter() - t0
            if result.returncode != 0:
                print(result.stderr)
                raise RuntimeError("publish failed")
            paths = list(out.iterdir())
            mode = "self-contained" if self_contained else "default"
            sizes[mode] = (len(paths), sum(p.stat().st_size for p in paths) / 1e6,
                           sum(p.stat().st_size for p in paths if p.suffix in (".html", ".js")) / 1e6)
            if not self_contained:
                times.append(seconds)
    p50, worst = statistics.median(times), max(times)
    files, total_mb, html_mb = sizes["default"]
    print(f"\npublish of {len(FIVE)} figures ({files} files), {runs} runs: p50 {p50:.1f} s, max {worst:.1f} s "
          f"(target < {PUBLISH_TARGET_S:g} s) {'yes' if worst < PUBLISH_TARGET_S else 'NO'}")
    for mode, (n, total, html_js) in sizes.items():
        print(f"  published size, {mode:<14}: {total:5.2f} MB in {n} files (HTML and plotly.js {html_js:5.2f} MB)")
    return [("publish 5 figures (s, max)", f"{worst:.1f}", f"< {PUBLISH_TARGET_S:g}", worst < PUBLISH_TARGET_S),
            ("published 5 figures (MB, all)", f"{total_mb:.2f}", f"<= {PUBLISHED_MB_TARGET:g}",
             total_mb <= PUBLISHED_MB_TARGET)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="interleaved sessions per server")
    parser.add_argument("--publish-runs", type=int, default=3)
    parser.add_argument("--skip-embed", action="store_true")
    parser.add_argument("--db", type=Path, help="use this database instead of building one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-committee-") as tmp:
        db_path = args.db or build_database(Path(tmp) / "kostra.duckdb")
        rows = bench_publish(db_path, args.publish_runs)
        if not args.skip_embed:
            rows = bench_embed(db_path, args.runs) + rows
    print("\nSummary")
    for label, value, target, ok in rows:
        print(f"  {label:<34} {value:>8} {target:>8}  {'yes' if ok else 'NO'}")
    failed = not all(ok for *_, ok in rows)
    print("\nall targets met" if not failed else "\nSOME TARGETS MISSED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
