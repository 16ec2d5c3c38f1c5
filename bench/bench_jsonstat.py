"""Benchmark of pipelines.jsonstat against orjson.loads and pyjstat on a KOSTRA-shaped payload.

Why: the build decodes queries close to SSB's cell limit; the decoder must stay a small
multiple of plain JSON parsing (target: within 2.5x of orjson.loads, at least 40x faster than
pyjstat). Timings are measured here, never asserted in tests.

Run: .venv/bin/python bench/bench_jsonstat.py [--cells-scale 1.0] [--pyjstat-reps 1]
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


def timed(fn: Callable[[], Any], reps: int) -> list[float]:
    """Milliseconds per run; gc off during a run so a collection does not land on one side only."""
    out = []
    for _ in range(reps):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            fn()
            out.append((time.perf_counter() - start) * 1000)
        finally:
            gc.enable()
    return out


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

    jsonstat.read(payload, labels=False)  # warm-up (imports, polars thread pool)
    results = {
        "orjson.loads": timed(lambda: orjson.loads(payload), args.reps),
        "jsonstat.read(labels=False)": timed(lambda: jsonstat.read(payload, labels=False), args.reps),
        "jsonstat.read(labels=True)": timed(lambda: jsonstat.read(payload, labels=True), args.reps),
    }
    if not args.no_pyjstat:
        from pyjstat import pyjstat
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results["pyjstat Dataset.read().write('dataframe')"] = timed(
                lambda: pyjstat.Dataset.read(text).write("dataframe"), args.pyjstat_reps)

    base = min(results["orjson.loads"])
    print(f"{'':45} {'best ms':>9} {'median ms':>10} {'x orjson':>9} {'pyjstat/x':>10}")
    pyjstat_best = min(results.get("pyjstat Dataset.read().write('dataframe')", [float("nan")]))
    for label, times in results.items():
        best = min(times)
        print(f"{label:45} {best:9.1f} {statistics.median(times):10.1f} {best / base:9.2f} "
              f"{pyjstat_best / best:10.1f}")


if __name__ == "__main__":
    main()
