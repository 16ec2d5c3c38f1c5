"""Profile cold sessions of each analyst page (issue 19): what the script runs cost per session, and where.

Starts the app under bench/profile_server.py (every script run under cProfile), opens `--sessions` fresh browser
sessions per page after one warm-up session each, and prints per page: script runs per session, script-thread CPU per
session against the server's whole CPU per session (/proc), and the functions with the most cumulative time in the
script runs (summed over the sessions, divided by their number).

Run: .venv/bin/python bench/profile_cold.py [--sessions 5] [--top 30] [--db PATH] [--only /brukere] [--keep DIR]
"""
from __future__ import annotations

import argparse
import io
import pstats
import re
import shutil
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

from bench_cold_pages import PAGES, session  # noqa: E402
from bench_pages import CHROMIUM_ARGS, build_database, start_streamlit, stop  # noqa: E402


def start(db_path: Path, out: Path) -> tuple[subprocess.Popen, str]:
    """The app under bench/profile_server.py, writing one .prof per script run into `out`."""
    return start_streamlit("app.py", {"KOSTRA_DB": str(db_path), "PROFILE_DIR": str(out)},
                           launcher=[str(HERE / "profile_server.py")])


RUN_RE = re.compile(r"^\d+_(?P<sid>[0-9a-f-]+)_(?P<page>.*)_wall(?P<wall>\d+)_cpu(?P<cpu>\d+)(?:_q.*)?\.prof$")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--db", type=Path)
    parser.add_argument("--keep", type=Path, help="keep the .prof files here")
    args = parser.parse_args()
    pages = [p for p in PAGES if not args.only or p[0] in args.only]
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory(prefix="profile-cold-") as tmp:
        db_path = args.db or build_database(Path(tmp) / "kostra.duckdb")
        out = Path(tmp) / "prof"
        proc, base = start(db_path, out)
        report = {}
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                try:
                    for path, charts, viewport in pages:
                        session(browser, base + path, charts, proc.pid, viewport)  # warm-up: imports, caches
                    for path, charts, viewport in pages:
                        before = set(out.glob("*.prof"))
                        cpus = []
                        for _ in range(args.sessions):
                            _, cpu = session(browser, base + path, charts, proc.pid, viewport)
                            cpus.append(cpu)
                        time.sleep(0.3)
                        report[path] = (cpus, sorted(set(out.glob("*.prof")) - before))
                finally:
                    browser.close()
        finally:
            stop(proc)
        for path, (cpus, files) in report.items():
            runs = [RUN_RE.match(f.name) for f in files]
            script_cpu = sum(int(m["cpu"]) for m in runs if m) / args.sessions
            script_wall = sum(int(m["wall"]) for m in runs if m) / args.sessions
            print(f"\n===== {path}: {len(files) / args.sessions:.1f} script runs per session; per session: server CPU "
                  f"p50 {statistics.median(cpus):.0f} ms (/proc), script thread CPU {script_cpu:.0f} ms, "
                  f"script wall {script_wall:.0f} ms")
            print("  runs:", ", ".join(f"{m['page'][:20]} wall {m['wall']} cpu {m['cpu']}" for m in runs[:8] if m))
            stats = pstats.Stats(*[str(f) for f in files], stream=io.StringIO())
            buf = io.StringIO()
            stats.stream = buf
            stats.sort_stats("cumulative").print_stats(args.top)
            print("  (cumulative seconds are summed over", args.sessions, "sessions)")
            print("\n".join(line for line in buf.getvalue().splitlines() if line.strip() and "function calls" not in line
                            and "Ordered by" not in line))
            if args.keep:
                dest = args.keep / (path.strip("/").split("?")[0] or "oversikt")
                dest.mkdir(parents=True, exist_ok=True)
                for f in files:
                    shutil.copy(f, dest / f.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
