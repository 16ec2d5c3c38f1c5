"""Soak: thousands of sessions against one server, as a municipality's IT department would try it (issue 27).

Why: a dashboard that runs for months must hold its memory steady whatever its users look at. Each session speaks
Streamlit's own protocol over a loopback websocket (no browser): it asks for one page — a random one of ten kinds
(the six analysis pages, three /vis figures, a two-slide /presentasjon) for a random municipality — and waits until
the server has finished the script, so the server does all its work. `--concurrency` sessions run at a time. The
server's resident memory (VmRSS) and CPU time (utime + stime) are read from /proc as it goes; the output is memory
over time, the plateau (the last quarter's range), failures and the mean server CPU per session.

Targets (issue 27): memory <= 500 MB over 6 000 sessions, 0 failures, mean CPU per session <= 35 ms. CPU per session
is inflated on a machine shared with other work: the load average is printed beside it.

Run: .venv/bin/python bench/soak.py [--sessions 2000] [--concurrency 4] [--max-minutes 20] [--db PATH] [--seed 1]
     [--env KOSTRA_CACHE_MB=50 ...]  (environment for the server)
`make bench` (bench/run_all.py) runs it with its defaults.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402 - Streamlit's own dependency (its websocket server)
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from bench_pages import start_streamlit, stop  # noqa: E402

MEMORY_TARGET_MB = 500.0
CPU_TARGET_MS = 35.0
SESSION_TIMEOUT_S = 120.0
FAILURE_TEXTS = (b"Noe gikk galt", b"Traceback")

# ten kinds of page, as in the issue: (url path, extra query parameters)
PAGES = [
    ("", {}),
    ("kostnad-per-mottaker", {}),
    ("institusjon-vs-hjemme", {}),
    ("brukere", {}),
    ("fremskriving", {}),
    ("aldersjustert", {}),
    ("vis", {"figur": "kostnad-hjemme"}),
    ("vis", {"figur": "alle-kommuner"}),
    ("vis", {"figur": "aldersjustert-fossefall"}),
    ("presentasjon", {"figurer": "kostnad-hjemme,rangering-gruppe"}),
]


def municipality_codes(db_path: Path) -> list[str]:
    import duckdb
    from dashboard.core.db import sql
    with duckdb.connect(str(db_path), read_only=True) as con:
        return [row[0] for row in con.execute(sql("municipalities")).fetchall()]


def _proc_stat(pid: int) -> tuple[float, float]:
    """(resident memory in MB, CPU seconds used so far) of the server process."""
    rss = 0.0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return rss, (int(fields[11]) + int(fields[12])) / ticks


async def one_session(ws_url: str, http_base: str, page: str, params: dict[str, str]) -> str | None:
    """One page for one fresh session; None if it finished cleanly, else what went wrong."""
    msg = BackMsg()
    query = urlencode(params)
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page
    msg.rerun_script.page_script_hash = ""
    msg.rerun_script.context_info.url = f"{http_base}/{page}" + (f"?{query}" if query else "")
    async with websockets.connect(ws_url, max_size=None, subprotocols=["streamlit"],
                                  origin=http_base) as ws:
        await ws.send(msg.SerializeToString())
        problem = None
        async with asyncio.timeout(SESSION_TIMEOUT_S):
            async for raw in ws:
                if isinstance(raw, str):
                    continue
                if problem is None:
                    for text in FAILURE_TEXTS:
                        if text in raw:
                            problem = text.decode()
                fwd = ForwardMsg()
                fwd.ParseFromString(raw)
                kind = fwd.WhichOneof("type")
                if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element" \
                        and fwd.delta.new_element.WhichOneof("type") == "exception":
                    problem = problem or "exception element"
                if kind == "script_finished":
                    if fwd.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                        problem = problem or f"script_finished={fwd.script_finished}"
                    return problem
    return problem or "connection closed before the script finished"


async def soak(base: str, pid: int, codes: list[str], sessions: int, concurrency: int, max_seconds: float,
               seed: int, every: int) -> dict:
    rng = random.Random(seed)
    plan = []
    for _ in range(sessions):
        page, extra = rng.choice(PAGES)
        plan.append((page, {**extra, "kommune": rng.choice(codes)}))
    ws_url = base.replace("http://", "ws://") + "/_stcore/stream"
    rss0, cpu0 = _proc_stat(pid)
    samples = [(0, 0.0, rss0)]
    failures: list[tuple[str, dict, str]] = []
    done = 0
    started = time.perf_counter()
    queue: asyncio.Queue = asyncio.Queue()
    for item in plan:
        queue.put_nowait(item)

    with Progress(TextColumn("soak"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.fields[rss]:.0f} MB  {task.fields[failed]} feil")) as progress:
        task = progress.add_task("soak", total=sessions, rss=rss0, failed=0)

        async def worker():
            nonlocal done
            while not queue.empty() and time.perf_counter() - started < max_seconds:
                page, params = queue.get_nowait()
                try:
                    problem = await one_session(ws_url, base, page, params)
                except Exception as exc:  # noqa: BLE001 - a failed session is counted, not fatal
                    problem = f"{type(exc).__name__}: {exc}"
                if problem:
                    failures.append((page, params, problem))
                done += 1
                if done % every == 0:
                    rss, _ = _proc_stat(pid)
                    samples.append((done, time.perf_counter() - started, rss))
                    progress.update(task, rss=rss)
                progress.update(task, advance=1, failed=len(failures))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    rss1, cpu1 = _proc_stat(pid)
    if samples[-1][0] != done:
        samples.append((done, time.perf_counter() - started, rss1))
    return {"samples": samples, "failures": failures, "done": done, "cpu_s": cpu1 - cpu0,
            "seconds": time.perf_counter() - started, "rss_start": rss0}


def report(result: dict, sessions: int) -> bool:
    samples, done = result["samples"], result["done"]
    print(f"\nSoak: {done} of {sessions} sessions in {result['seconds']:.0f} s "
          f"({done / max(result['seconds'], 1e-9):.1f} sessions/s)")
    print("  sessions   seconds   server memory (MB)")
    step = max(1, len(samples) // 24)
    for n, t, rss in samples[::step] + ([samples[-1]] if (len(samples) - 1) % step else []):
        print(f"  {n:8d}  {t:8.0f}   {rss:8.0f}")
    at = {n: rss for n, _, rss in samples}
    marks = [m for m in (500, 1000, 2000, 3000, 6000, 12000) if m in at]
    if marks:
        print("Memory after " + ", ".join(f"{m} sessions: {at[m]:.0f} MB" for m in marks))
    tail = [rss for n, _, rss in samples if n >= done * 0.75]
    peak = max(rss for _, _, rss in samples)
    print(f"Memory: {result['rss_start']:.0f} MB at start, {samples[-1][2]:.0f} MB at the end, peak {peak:.0f} MB; "
          f"plateau (last quarter) {min(tail):.0f}–{max(tail):.0f} MB")
    cpu_ms = result["cpu_s"] * 1000 / max(done, 1)
    load = os.getloadavg()
    print(f"Server CPU: {result['cpu_s']:.1f} s in all, {cpu_ms:.1f} ms per session "
          f"(load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores: other work on the "
          "machine inflates this)")
    failures = result["failures"]
    print(f"Failures: {len(failures)}")
    for page, params, problem in failures[:10]:
        print(f"  /{page}?{urlencode(params)}: {problem}")
    ok = peak <= MEMORY_TARGET_MB and not failures and cpu_ms <= CPU_TARGET_MS and done == sessions
    print(f"Targets: memory <= {MEMORY_TARGET_MB:.0f} MB {'OK' if peak <= MEMORY_TARGET_MB else 'MISSED'}, "
          f"0 failures {'OK' if not failures else 'MISSED'}, CPU <= {CPU_TARGET_MS:.0f} ms per session "
          f"{'OK' if cpu_ms <= CPU_TARGET_MS else 'MISSED'}" + ("" if done == sessions else
                                                                 ", stopped by --max-minutes before the end"))
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--max-minutes", type=float, default=20.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--municipalities", type=int, default=0,
                    help="draw from only the first N municipalities (1: nearly every session from the cache)")
    ap.add_argument("--every", type=int, default=50, help="read the server's memory every N sessions")
    ap.add_argument("--db", type=Path, default=ROOT / "data" / "kostra.duckdb")
    ap.add_argument("--profile", type=Path, metavar="DIR",
                    help="run the server under bench/profile_server.py: one cProfile file per script run in DIR")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="an environment variable for the server (e.g. KOSTRA_CACHE_MB=50); may be repeated")
    args = ap.parse_args()
    db_path = args.db.resolve()
    if not db_path.exists():
        print(f"{db_path} mangler: kjør `make db` først", file=sys.stderr)
        return 2
    codes = municipality_codes(db_path)
    if args.municipalities:
        codes = codes[:args.municipalities]
    env = {"KOSTRA_DB": str(db_path), **dict(e.split("=", 1) for e in args.env)}
    if args.profile:
        env["PROFILE_DIR"] = str(args.profile)
        proc, base = start_streamlit("app.py", env, launcher=(str(ROOT / "bench" / "profile_server.py"),))
    else:
        proc, base = start_streamlit("app.py", env)
    try:
        result = asyncio.run(soak(base, proc.pid, codes, args.sessions, args.concurrency, args.max_minutes * 60,
                                  args.seed, args.every))
    finally:
        stop(proc)
    return 0 if report(result, args.sessions) else 1


if __name__ == "__main__":
    sys.exit(main())
