"""One writer at a time for a database file: build, fetch, own-data import and the app's automatic rebuild.

Every writer replaces the file by rename after working on a copy. Without a shared lock a rebuild that read the
own data before an import finished would swap in a file without that import, and the import would be lost
although it reported success. So a writer holds the lock for its whole read → write → swap.

The lock is an advisory fcntl.flock on `<db>.lock` next to the database, which exists only while a writer holds
it: the kernel releases the lock when the process dies, so a crashed writer never leaves the database locked. It is re-entrant within a thread (fetch holds it and
calls build, which takes it again); other threads and processes wait up to `timeout` seconds and then get
DatabaseBusy with a message for the user.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from pathlib import Path

BUSY_MESSAGE = "Databasen oppdateres nå, prøv igjen om litt."
POLL_SECONDS = 0.05
# How long a writer waits by default: longer than a rebuild of the demo database takes on a busy machine.
DEFAULT_TIMEOUT = 120.0

_held = threading.local()  # per thread: {lock path: (depth, file object)}


class DatabaseBusy(Exception):
    """The database cannot be written right now; the message is for the user."""


def lock_path(db_path) -> Path:
    """`<db>.lock` beside the database (data/*.duckdb.lock is git-ignored)."""
    db_path = Path(db_path).absolute()
    return db_path.with_name(db_path.name + ".lock")


def _table() -> dict:
    if not hasattr(_held, "locks"):
        _held.locks = {}
    return _held.locks


@contextlib.contextmanager
def write_lock(db_path, timeout: float | None = DEFAULT_TIMEOUT):
    """Hold the single-writer lock of db_path; wait at most `timeout` seconds (None = wait for ever, 0 = no wait).

    Raises DatabaseBusy («Databasen oppdateres nå, prøv igjen om litt.») when another writer keeps it longer.
    """
    path = lock_path(db_path)
    table = _table()
    key = str(path)
    if key in table:  # re-entrant: this thread already holds it
        depth, fh = table[key]
        table[key] = (depth + 1, fh)
        try:
            yield path
        finally:
            depth, fh = table[key]
            table[key] = (depth - 1, fh)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
    fh = _acquire(path, deadline)
    try:
        fh.write(f"{os.getpid()}\n")  # who holds it, for a person looking at the file
        fh.flush()
        table[key] = (1, fh)
        try:
            yield path
        finally:
            del table[key]
            path.unlink(missing_ok=True)  # while still held: a waiter then sees the file is gone and reopens
            fcntl.flock(fh, fcntl.LOCK_UN)
    finally:
        fh.close()


def _acquire(path: Path, deadline: float | None):
    """Open and flock the lock file, retrying when the file we locked was removed by the previous holder.

    The holder deletes the file on release so no stray lock file is left beside the database; a waiter that had
    opened the deleted file would otherwise hold a lock nobody else sees.
    """
    while True:
        fh = open(path, "a+")
        try:
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if deadline is not None and time.monotonic() >= deadline:
                        raise DatabaseBusy(BUSY_MESSAGE) from None
                    time.sleep(POLL_SECONDS)
            try:
                same = os.stat(path).st_ino == os.fstat(fh.fileno()).st_ino
            except FileNotFoundError:
                same = False
        except BaseException:
            fh.close()
            raise
        if same:
            fh.seek(0)
            fh.truncate()
            return fh
        fh.close()
