"""Time import_file of a 100 000-row accounts CSV (semicolon, decimal comma, no-break-space thousands) into a
fresh database (target <= 3 s), and a re-import of the same file (must be a no-op).

The file is generated into a temp directory each run, so nothing large is committed.
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.own_data import import_file  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
TARGET_S = 3.0


def kr(x: float) -> str:
    return f"{x:,.2f}".replace(",", "\u00a0").replace(".", ",")


def write_accounts(path: Path, rows: int) -> None:
    """An accounting export: 40 units x 50 arts x 12 months per year, as many years as needed."""
    rnd = random.Random(1)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write("Ansvar;Ansvarsnavn;Tjeneste;Art;Artsnavn;Periode;Opprinnelig budsjett;Budsjettendringer;"
                 "Revidert budsjett;Regnskap\r\n")
        for i in range(rows):
            unit, art = 3000 + i % 40, 10000 + 10 * ((i // 40) % 50)
            month, year = 1 + (i // 2000) % 12, 2010 + i // 24000
            original = rnd.uniform(-50_000, 900_000)
            change = rnd.uniform(-5_000, 20_000)
            revised = original + change
            accounts = revised * rnd.uniform(0.8, 1.2)
            fh.write(f"{unit};Enhet {unit};254;{art};Art {art};{year}-{month:02d};{kr(original)};{kr(change)};"
                     f"{kr(revised)};{kr(accounts)}\r\n")


def main() -> None:
    times, reimports = [], []
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "regnskap.csv"
        write_accounts(csv_path, ROWS)
        size = csv_path.stat().st_size
        for run in range(RUNS):
            db = Path(tmp) / f"kostra-{run}.duckdb"
            started = time.perf_counter()
            result = import_file(db, "budget", csv_path)
            times.append(time.perf_counter() - started)
            assert result.status == "imported" and result.plan.rows_to_insert == ROWS
            started = time.perf_counter()
            again = import_file(db, "budget", csv_path)
            reimports.append(time.perf_counter() - started)
            assert again.status == "unchanged"
    best = min(times)
    print(f"import_file budget: rows={ROWS} csv={size / 1e6:.1f} MB runs={RUNS} "
          f"best={best:.2f} s median={statistics.median(times):.2f} s "
          f"re-import (no-op) median={statistics.median(reimports):.2f} s "
          f"(target <= {TARGET_S:.0f} s: {'OK' if best <= TARGET_S else 'FOR TREG'})")


if __name__ == "__main__":
    main()
