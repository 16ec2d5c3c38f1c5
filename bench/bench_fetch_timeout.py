"""How long `python -m pipelines fetch` takes to give up on a server that accepts connections and never answers.

Target: under 120 s with the default --timeout (the issue: "give up within 2 minutes"). Runs the real CLI in a
subprocess against a silent TCP server on 127.0.0.1, with a throwaway raw directory and database, and prints the
wall time and the message the user sees. `--timeout N` passes a shorter limit through (for a quick check).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 120.0


def silent_server() -> tuple[socket.socket, int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    conns: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conns.append(sock.accept()[0])
            except OSError:
                return
    threading.Thread(target=accept, daemon=True).start()
    return sock, sock.getsockname()[1]


def main() -> int:
    extra = sys.argv[1:]
    sock, port = silent_server()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SSB_API_URL": f"http://127.0.0.1:{port}/api/pxwebapi/v2",
               "KLASS_API_URL": f"http://127.0.0.1:{port}/api/klass/v1", "KOSTRA_DB": str(Path(tmp) / "k.duckdb")}
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pipelines", "fetch", "--raw", str(Path(tmp) / "raw"), *extra],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
    sock.close()
    message = " ".join((done.stdout + done.stderr).split())
    print(f"never-answering server given up after {seconds:.1f} s (exit {done.returncode}; target < {TARGET_S:.0f} s)")
    print(f"message: {message}")
    return 0 if seconds < TARGET_S and done.returncode == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
