"""One writer at a time: the shared lock is re-entrant in a thread, makes others wait a bounded time with a message,
and an import racing a rebuild (separate processes, as when an analyst rebuilds while a manager imports) is never
lost once it has reported success."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.build import BuildError, build
from pipelines.db_lock import BUSY_MESSAGE, DatabaseBusy, lock_path, write_lock

ROOT = Path(__file__).resolve().parents[2]
HOLD = ("import sys, time; from pipelines.db_lock import write_lock\n"
        "with write_lock(sys.argv[1]):\n    print('held', flush=True); time.sleep(float(sys.argv[2]))\n")


def hold_in_other_process(db: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(db), str(seconds)], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_the_lock_file_sits_next_to_the_database_only_while_held(tmp_path):
    db = tmp_path / "kostra.duckdb"
    assert lock_path(db) == tmp_path / "kostra.duckdb.lock"
    with write_lock(db, timeout=0):
        assert lock_path(db).exists()
    assert not lock_path(db).exists()


def test_the_lock_is_reentrant_within_a_thread(tmp_path):
    db = tmp_path / "kostra.duckdb"
    with write_lock(db, timeout=0):
        with write_lock(db, timeout=0):  # fetch holds it and calls build, which takes it again
            pass
        with write_lock(db, timeout=0):
            pass
    with write_lock(db, timeout=0):  # and it was released at the end
        pass


def test_another_thread_waits_and_then_gets_the_message(tmp_path):
    db = tmp_path / "kostra.duckdb"
    seen: list[str] = []

    def other():
        try:
            with write_lock(db, timeout=0.3):
                seen.append("got it")
        except DatabaseBusy as exc:
            seen.append(str(exc))

    with write_lock(db):
        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert seen == [BUSY_MESSAGE]
    assert BUSY_MESSAGE == "Databasen oppdateres nå, prøv igjen om litt."


def test_a_second_process_is_refused_after_the_timeout_and_served_after_release(tmp_path):
    db = tmp_path / "kostra.duckdb"
    proc = hold_in_other_process(db, 1.5)
    held_since = time.monotonic()
    try:
        with pytest.raises(DatabaseBusy, match="oppdateres nå"):
            with write_lock(db, timeout=0.2):
                pass
        with write_lock(db, timeout=30):  # waits for the other process to let go
            # not proc.poll(): the other process may still be exiting after it released the lock
            assert time.monotonic() - held_since >= 1.0
    finally:
        proc.wait()


def test_a_killed_writer_leaves_no_lock_behind(tmp_path):
    db = tmp_path / "kostra.duckdb"
    proc = hold_in_other_process(db, 60)
    proc.kill()
    proc.wait()
    with write_lock(db, timeout=5):
        pass


def test_build_says_the_database_is_busy_and_leaves_it_alone(built_db, tmp_path):
    db = tmp_path / "kostra.duckdb"
    shutil.copy(built_db, db)
    before = db.read_bytes()
    proc = hold_in_other_process(db, 30)
    try:
        with pytest.raises(BuildError, match="Databasen oppdateres nå"):
            build(ROOT / "data" / "raw", db, lock_timeout=0.2)
    finally:
        proc.kill()
        proc.wait()
    assert db.read_bytes() == before


def test_an_import_waiting_for_a_writer_says_so(built_db, tmp_path):
    from pipelines.own_data import import_file
    db = tmp_path / "kostra.duckdb"
    shutil.copy(built_db, db)
    src = tmp_path / "b.csv"
    src.write_text("Ansvar;Ansvarsnavn;Art;Periode;Revidert budsjett;Regnskap\n3110;Nord;10100;2030-01;100;90\n",
                   encoding="utf-8")
    from pipelines.own_data import parse, import_parsed
    parsed = parse("budget", src)
    proc = hold_in_other_process(db, 30)
    try:
        with pytest.raises(DatabaseBusy, match="Databasen oppdateres nå, prøv igjen om litt"):
            import_parsed(db, parsed, lock_timeout=0.2)
    finally:
        proc.kill()
        proc.wait()
    assert import_file(db, "budget", src).status == "imported"


def _budget_file(tmp_path: Path, i: int) -> Path:
    """A one-line budget file for its own month, so every successful import leaves a row of its own."""
    year, month = 2030 + i // 12, i % 12 + 1
    path = tmp_path / f"race-{i:02d}.csv"
    path.write_text("Ansvar;Ansvarsnavn;Art;Periode;Revidert budsjett;Regnskap\n"
                    f"3110;Nord;10100;{year}-{month:02d};{1000 + i};{900 + i}\n", encoding="utf-8")
    return path


def test_an_import_finishing_while_a_rebuild_runs_is_carried_over(built_db, tmp_path, monkeypatch):
    """The exact moment that lost imports: an import finishing after the rebuild read the own data and before it
    swapped in its file. With the lock the import waits for the rebuild and then lands in the new file."""
    from pipelines import build as build_mod
    from pipelines.own_data import import_file
    db = tmp_path / "kostra.duckdb"
    shutil.copy(built_db, db)
    src = _budget_file(tmp_path, 0)
    outcome: list[str] = []

    def run_import():
        try:
            outcome.append(import_file(db, "budget", src).status)
        except DatabaseBusy as exc:
            outcome.append(str(exc))

    original = build_mod._carry_over_own_data
    importer = threading.Thread(target=run_import)

    def carry_over_then_import(con, old_db):
        copied = original(con, old_db)
        importer.start()
        importer.join(timeout=3)  # without a shared lock the import finishes here, before the swap
        return copied

    monkeypatch.setattr(build_mod, "_carry_over_own_data", carry_over_then_import)
    build(ROOT / "data" / "raw", db)
    importer.join(timeout=60)
    assert outcome == ["imported"]
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM own_budget_line WHERE year = 2030").fetchone()[0] == 1
    finally:
        con.close()


def test_imports_racing_rebuilds_are_never_lost(built_db, tmp_path):
    """Rebuild and import started together as separate processes, with the import started at different points of
    the rebuild: every import that reported success is in the final database."""
    db = tmp_path / "kostra.duckdb"
    shutil.copy(built_db, db)
    env = {**os.environ, "KOSTRA_DB": str(db)}
    py = [sys.executable, "-m", "pipelines"]
    reported: list[int] = []
    rounds = 5
    for i in range(rounds):
        rebuild = subprocess.Popen([*py, "build", "--db", str(db)], cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(0.9 * i)  # the import starts at the beginning, during and near the end of the rebuild
        imp = subprocess.run([*py, "import", "budget", str(_budget_file(tmp_path, i)), "--db", str(db)],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert rebuild.wait(timeout=300) == 0, rebuild.stderr.read()
        rebuild.stderr.close()
        if imp.returncode == 0:
            reported.append(i)
        else:
            assert "oppdateres nå" in imp.stderr, imp.stderr
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = {r[0] for r in con.execute(
            "SELECT file_name FROM own_import_batch WHERE file_name LIKE 'race-%'").fetchall()}
        lines = {(r[0], r[1]) for r in con.execute(
            "SELECT year, period FROM own_budget_line WHERE year >= 2030").fetchall()}
    finally:
        con.close()
    assert reported, "at least some imports succeeded"
    for i in reported:
        assert f"race-{i:02d}.csv" in stored
        assert (2030 + i // 12, i % 12 + 1) in lines
