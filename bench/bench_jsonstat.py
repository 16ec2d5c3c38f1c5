"""Benchmark of pipelines.jsonstat against orjson.loads and pyjstat on a KOSTRA-shaped payload.

Why: the build decodes queries close to SSB's cell limit; the decoder must stay a small
multiple of plain JSON parsing (target: `read` within 2.5x of orjson.loads, and at least 40x
faster than pyjstat). Timings are measured here, never asserted in tests.

Wall time is what the targets are about; CPU time (all threads of the process) is printed too,
because the decoder reads the numbers on two threads and a shared machine may not give it
both cores. Best-of-N is compared, as the least disturbed run.

Run: .venv/bin/python bench/bench_jsonstat.py [--reps 9] [--pyjstat-reps 2] [--regions 900]
"""
from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pipelines import jsonstat  # noqa: E402

SYMBOLS = ["..", ".", ":"]


def region_codes(n: int) -> list[str]:
    """Municipality codes (current and historical) plus SSB's aggregate codes, as in KOKkommuneregion0000."""
    aggregates = ["EAK", "EAKUO"] + [f"EKA{i:02d}" for i in range(1, 57)] + [f"EKG{i:02d}" for i in range(1, 18)]
    municipalities = [f"{county:02d}{m:02d}" for county in range(1, 60) for m in range(1, 40)]
    return (municipalities[: n - len(aggregates)] + aggregates)[:n]


def kostra_payload(n_regions: int = 900, n_functions: int = 10, n_contents: int = 8, n_years: int = 10,
                   seed: int = 20260315, null_share: float = 0.12) -> bytes:
    """A PxWebApi v2 json-stat2 document shaped like a KOSTRA table 12362 extract."""
    rng = np.random.default_rng(seed)
    regions = region_codes(n_regions)
    functions = [f"{f:03d}" for f in (234, 253, 254, 261, 120, 130, 201, 202, 213, 215, 221, 232, 233, 241,
                                      242, 243, 251, 252, 256, 265, 273, 275, 276, 281, 283, 285)][:n_functions]
    contents = [f"KOSAG{i:03d}0000" for i in range(n_contents)]
    years = [str(2025 - n_years + 1 + i) for i in range(n_years)]
    dims = {
        "KOKkommuneregion0000": ("region", regions, {c: f"Region {c}" for c in regions}),
        "KOKfunksjon0000": ("funksjon", functions, {c: f"{c} Funksjon {c}" for c in functions}),
        "ContentsCode": ("statistikkvariabel", contents, {c: f"Statistikkvariabel {c}" for c in contents}),
        "Tid": ("år", years, {c: c for c in years}),
    }
    n_cells = len(regions) * len(functions) * len(contents) * len(years)
    amounts = np.round(rng.lognormal(8, 2, n_cells), 1)
    integral = rng.random(n_cells) < 0.5
    missing = rng.random(n_cells) < null_share
    values: list[Any] = [None if m else (int(a) if i else float(a))
                         for a, i, m in zip(amounts.tolist(), integral.tolist(), missing.tolist())]
    missing_at = np.flatnonzero(missing)
    symbol_pick = rng.integers(0, len(SYMBOLS), len(missing_at))
    status = {str(i): SYMBOLS[s] for i, s in zip(missing_at.tolist(), symbol_pick.tolist())}
    dimension = {}
    for dim_id, (label, codes, labels) in dims.items():
        category: dict[str, Any] = {"index": {c: i for i, c in enumerate(codes)}, "label": labels}
        if dim_id == "ContentsCode":
            category["unit"] = {c: {"base": "kr", "decimals": 0} for c in codes}
        dimension[dim_id] = {"label": label, "category": category,
                             "extension": {"elimination": False, "show": "value"}}
    doc = {
        "version": "2.0", "class": "dataset",
        "label": "12362: Utgifter til tjenesteområdene (benchmark)",
        "source": "Statistisk sentralbyrå", "updated": "2026-03-15T07:00:00Z",
        "note": ["Benchmark payload, not SSB data."],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["KOKkommuneregion0000"]},
        "id": list(dims), "size": [len(v[1]) for v in dims.values()],
        "dimension": dimension,
        "extension": {"px": {"tableid": "12362", "decimals": 0, "official-statistics": True,
                             "aggregallowed": False, "language": "no"}},
        "value": values, "status": status,
    }
    return orjson.dumps(doc)


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    """Wall and CPU milliseconds of one run; gc off during the run so a collection does not land
    on one side only."""
    gc.collect()
    gc.disable()
    try:
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        return (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000
    finally:
        gc.enable()


def interleaved(contenders: dict[str, Callable[[], Any]], reps: int, slow: dict[str, Callable[[], Any]],
                slow_reps: int) -> dict[str, tuple[list[float], list[float]]]:
    """Each round runs every contender once, so a burst of load from other processes on a shared
    machine hits all of them alike; the slow ones run in `slow_reps` of the rounds."""
    results: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in [*contenders, *slow]}
    slow_rounds = {round(i * reps / slow_reps) for i in range(slow_reps)} if slow_reps else set()
    for round_no in range(reps):
        todo = {**contenders, **(slow if round_no in slow_rounds else {})}
        for label, fn in todo.items():
            wall, cpu = timed(fn)
            results[label][0].append(wall)
            results[label][1].append(cpu)
    return results


PYJSTAT = "pyjstat Dataset.read().write('dataframe')"
DEFAULT = "jsonstat.read(payload) [labels=True]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=9)
    parser.add_argument("--pyjstat-reps", type=int, default=2)
    parser.add_argument("--no-pyjstat", action="store_true")
    parser.add_argument("--regions", type=int, default=900)
    args = parser.parse_args()

    payload = kostra_payload(n_regions=args.regions)
    text = payload.decode()
    frame = jsonstat.read(payload)
    print(f"payload: {frame.height:,} cells, {len(payload) / 1e6:.1f} MB, "
          f"{frame['value'].null_count():,} null values".replace(",", " "))

    jsonstat.read(payload, labels=False)  # warm-up (imports, thread pools)
    contenders = {
        "orjson.loads": lambda: orjson.loads(payload),
        DEFAULT: lambda: jsonstat.read(payload),
        "jsonstat.read(labels=False) [build]": lambda: jsonstat.read(payload, labels=False),
    }
    slow = {}
    if not args.no_pyjstat:
        from pyjstat import pyjstat

        def run_pyjstat() -> None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pyjstat.Dataset.read(text).write("dataframe")
        slow[PYJSTAT] = run_pyjstat
    results = interleaved(contenders, args.reps, slow, 0 if args.no_pyjstat else args.pyjstat_reps)

    base = min(results["orjson.loads"][0])
    pyjstat_best = min(results[PYJSTAT][0]) if PYJSTAT in results else float("nan")
    print(f"{'':45} {'best ms':>8} {'median':>8} {'cpu ms':>8} {'x orjson':>9} {'pyjstat/x':>10}")
    for label, (wall, cpu) in results.items():
        best = min(wall)
        print(f"{label:45} {best:8.1f} {statistics.median(wall):8.1f} {min(cpu):8.1f} {best / base:9.2f} "
              f"{pyjstat_best / best:10.1f}")
    read_best = min(results[DEFAULT][0])
    print(f"\ntargets for {DEFAULT}:")
    print(f"  within 2.5x of orjson.loads: {read_best / base:.2f}x  "
          f"{'OK' if read_best / base <= 2.5 else 'MISSED'}")
    if not args.no_pyjstat:
        print(f"  at least 40x faster than pyjstat: {pyjstat_best / read_best:.1f}x  "
              f"{'OK' if pyjstat_best / read_best >= 40 else 'MISSED'}")


if __name__ == "__main__":
    main()
