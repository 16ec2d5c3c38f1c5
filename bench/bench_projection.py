"""Benchmark of the projection page (/fremskriving, issue 12) on the full database built from data/raw.

Target on this machine: changing a scenario control re-runs the page in <= 150 ms p95 (AppTest rerun), and the
scenario query answers in <= 10 ms p95 like the other page queries. Timings are printed, never asserted in tests.

Run: .venv/bin/python bench/bench_projection.py [--runs 200] [--reruns 40] [--db PATH]
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_pages import QUERY_TARGET_MS, build_database, print_table, rerun_samples, row  # noqa: E402

RERUN_TARGET_MS = 150.0


def bench_query(runs: int) -> list:
    from dashboard.kostra import queries
    from dashboard.projection import queries as projection
    from dashboard.projection.scenario import Scenario
    rnd = random.Random(12)
    codes = list(queries.municipality_names())
    samples, baseline = [], []
    for _ in range(runs):
        code = rnd.choice(codes)
        scenario = Scenario(rnd.choice([-20, 0, 10]), rnd.choice([0, 10]), rnd.random() < 0.5, rnd.choice([0, 1.5]))
        t0 = time.perf_counter()
        projection.scenario_rows(code, scenario)
        (baseline if scenario.is_baseline else samples).append((time.perf_counter() - t0) * 1000)
    for _ in range(runs):  # the baseline every page opens with, read from the store
        code = rnd.choice(codes)
        t0 = time.perf_counter()
        projection.scenario_rows(code, Scenario())
        baseline.append((time.perf_counter() - t0) * 1000)
    return [row("projection_scenario query (random municipality and scenario)", samples, QUERY_TARGET_MS),
            row("stored baseline (random municipality)", baseline, QUERY_TARGET_MS)]


def bench_reruns(reruns: int) -> list:
    controls = [
        ("slider p_dekning80", lambda at, i: at.slider(key="p_dekning80").set_value([-20, -10, 0, 10][i % 4])),
        ("slider p_hjemme", lambda at, i: at.slider(key="p_hjemme").set_value([0, 10, 20][i % 3])),
        ("toggle p_gruppe", lambda at, i: at.toggle(key="p_gruppe").set_value(i % 2 == 0)),
        ("slider p_kostvekst", lambda at, i: at.slider(key="p_kostvekst").set_value([0.0, 1.0, 2.5][i % 3])),
    ]
    return [row(f"/fremskriving rerun after {name}", rerun_samples("pages/fremskriving.py", change, reruns, warm=1),
                RERUN_TARGET_MS)
            for name, change in controls]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed calls of the scenario query")
    parser.add_argument("--reruns", type=int, default=40, help="timed AppTest reruns per control")
    parser.add_argument("--db", type=Path, help="use this database instead of building one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-projection-") as tmp:
        db_path = args.db or build_database(Path(tmp) / "kostra.duckdb")
        os.environ["KOSTRA_DB"] = str(db_path)
        q = bench_query(args.runs)
        print_table(f"Projection query, {args.runs} calls", q, QUERY_TARGET_MS)
        r = bench_reruns(args.reruns)
        print_table(f"AppTest rerun after a scenario change, {args.reruns} reruns each", r, RERUN_TARGET_MS)
        failed = not all(ok for *_, ok in q + r)
    print("\nall targets met" if not failed else "\nSOME TARGETS MISSED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
