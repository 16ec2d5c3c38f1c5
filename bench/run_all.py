"""Run every bench/bench_*.py in turn (`make bench`); each prints its own figures and targets.

Why a runner: the benches are independent scripts with their own arguments and defaults; this keeps
`make bench` from needing to know them. Exit status is non-zero if any bench failed or missed a target.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    # the soak last: it runs thousands of sessions against one server (bench/soak.py, bounded by --max-minutes)
    scripts = sorted(p for p in HERE.glob("bench_*.py")) + [HERE / "soak.py"]
    failed = []
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        t0 = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent)
        print(f"=== {script.name}: exit {result.returncode} after {time.perf_counter() - t0:.0f} s ===", flush=True)
        if result.returncode != 0:
            failed.append(script.name)
    print("\nall benches done" + (f"; failed or missed targets: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
