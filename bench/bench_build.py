"""Time `python -m pipelines build` from the embedded snapshot with networking disabled (target < 10 s).

Runs the real CLI in a subprocess (cold interpreter, as a user would) several times and prints each time,
the median and the size of the database. Sockets are blocked inside the subprocess to prove the build is offline.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "5"))

OFFLINE_BUILD = """
import socket, sys
def refuse(*a, **k):
    raise OSError("nettverk er slått av i denne målingen")
socket.socket.connect = refuse
socket.create_connection = refuse
from pipelines.__main__ import app
sys.argv = ["pipelines", "build", "--db", sys.argv[1]]
app()
"""


def main() -> None:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "kostra.duckdb"
        for _ in range(RUNS):
            db.unlink(missing_ok=True)
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", OFFLINE_BUILD, str(db)], cwd=ROOT, check=True,
                           capture_output=True)
            times.append(time.perf_counter() - started)
        size = db.stat().st_size
    print(f"build (CLI, offline, fresh file): runs={RUNS} "
          f"median={statistics.median(times):.2f} s  min={min(times):.2f} s  max={max(times):.2f} s  "
          f"db={size / 1e6:.1f} MB  (target < 10 s)")


if __name__ == "__main__":
    main()
