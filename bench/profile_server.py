"""Profile the app's script runs on a real server: `streamlit run app.py` in this process, every script run under
cProfile, one .prof file per run (with the page, the run's wall and thread CPU time in its name).

Why: issue 19 asks which queries, figure builds, table renders, navigation or guard work a cold session of each page
runs. A browser session is what creates a cold session (AppTest differs in what it sends), and cProfile profiles only
the thread it is enabled in: the script thread, so the server's own websocket and serialisation work is not in it
(bench_cold_pages.py measures that side from /proc).

Run: PROFILE_DIR=/tmp/prof .venv/bin/python bench/profile_server.py app.py --server.port 8599 --server.headless true
     then open sessions (bench/profile_cold.py does that and prints the summary).
"""
from __future__ import annotations

import cProfile
import itertools
import os
import sys
import time
from pathlib import Path

from streamlit.runtime.scriptrunner import script_runner
from streamlit.web import cli

OUT = Path(os.environ.get("PROFILE_DIR", "/tmp/kostra-profile"))
OUT.mkdir(parents=True, exist_ok=True)
_counter = itertools.count()
_original = script_runner.ScriptRunner._run_script


def _profiled(self, rerun_data):
    # PROFILE_TIMER=cpu: the script thread's CPU time (time.thread_time) instead of wall time, so time spent waiting
    # for the GIL or for polars' and DuckDB's own threads is not charged to the call that waited
    # PROFILE_TIMER=off: no profiler, only each run's wall and CPU time in an empty file's name
    timer = os.environ.get("PROFILE_TIMER")
    profile = cProfile.Profile(time.thread_time) if timer == "cpu" else cProfile.Profile()
    wall0, cpu0 = time.perf_counter(), time.thread_time()
    if timer != "off":
        profile.enable()
    try:
        return _original(self, rerun_data)
    finally:
        profile.disable()
        wall, cpu = (time.perf_counter() - wall0) * 1000, (time.thread_time() - cpu0) * 1000
        page = (rerun_data.page_name or rerun_data.page_script_hash or "main").replace("/", "_")[:40] or "main"
        query = (rerun_data.query_string or "").replace("/", "_").replace("&", "+")[:80]
        name = f"{next(_counter):04d}_{self._session_id[:8]}_{page}_wall{wall:.0f}_cpu{cpu:.0f}_q{query}.prof"
        if timer == "off":
            (OUT / name).touch()
        else:
            profile.dump_stats(OUT / name)


script_runner.ScriptRunner._run_script = _profiled

if __name__ == "__main__":
    sys.argv = ["streamlit", "run", *sys.argv[1:]]
    sys.exit(cli.main())
