"""Writing a set of published files into a folder as a whole: all of this run's files, or the folder as it was.

Why: `publish --out` is run by cron into a web server's folder, often a mounted share. A run that stops midway must
not leave a mix of old and new figures, files from an earlier run that this run no longer makes must not linger
beside the new ones, and a reader's own files in the folder must never be touched.

How:
- everything is written into a staging folder *inside* the target (`.kostra-publish-ny-…`), so the final moves are
  renames within one file system, also when the target is a mount point (staging beside it crossed devices);
- the files this run replaces or retires are first moved aside into `.kostra-publish-gammel-…` in the same folder,
  then the new files are moved in; if a move fails, the moves are undone and the folder is as it was;
- a manifest (`.kostra-publish.json`) lists what `publish` wrote, with each file's sha256. A file an earlier run
  wrote and this run does not is removed only when it is ours: named in the manifest and unchanged since (a file
  someone has edited is left with a notice). Files not in the manifest are never touched;
- a folder we cannot write is refused with a Norwegian message before anything is rendered;
- two runs into one folder at once (overlapping cron jobs): the second is refused (a lock on the folder itself,
  where the file system supports it); a staging folder left by a run that was killed is removed by the next run.
"""
from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.publish.files import PublishError

MANIFEST = ".kostra-publish.json"
STAGING_PREFIX = ".kostra-publish-ny-"
BACKUP_PREFIX = ".kostra-publish-gammel-"
GENERATOR = "kostra-pleie-omsorg publish"
STALE_STAGING_S = 3600  # a staging folder this old is from a run that was killed (a run takes seconds)


@dataclass
class WriteResult:
    written: list[Path]
    removed: list[str] = field(default_factory=list)       # stale files of an earlier run, removed
    notices: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _why(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "ingen skrivetilgang"
    if exc.errno == errno.EROFS:
        return "mappen er skrivebeskyttet"
    if exc.errno == errno.ENOSPC:
        return "disken er full"
    if exc.errno == errno.EDQUOT:
        return "kvoten er brukt opp"
    return exc.strerror or str(exc)


def previous_manifest(out_dir: Path) -> dict[str, str]:
    """{file name: sha256} of what an earlier run wrote here; empty when there is no (readable) manifest."""
    try:
        data = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("generator") != GENERATOR or not isinstance(data.get("files"), dict):
        return {}
    return {name: str(sha) for name, sha in data["files"].items() if _plain_name(name)}


def _plain_name(name: object) -> bool:
    return (isinstance(name, str) and name not in ("", ".", "..", MANIFEST) and "/" not in name and "\\" not in name
            and not name.startswith((STAGING_PREFIX, BACKUP_PREFIX)))


class FolderWriter:
    """`with FolderWriter(out) as w: w.put(name, data) …; w.commit()` — the set replaces the folder's earlier set
    in commit(); leaving the block without commit() (an error) removes the staging and leaves the folder as it was.

    Opening checks that the folder can be written (creating it if only it is missing) before the caller starts the
    slow work of rendering."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self._created = False
        self._names: dict[str, str] = {}
        self.staging: Path | None = None
        self._lock_fd: int | None = None

    def __enter__(self) -> "FolderWriter":
        out = self.out_dir
        if out.exists() and not out.is_dir():
            raise PublishError(f"{out} finnes og er ikke en mappe.")
        if not out.exists():
            parent = out.resolve().parent
            if not parent.is_dir():
                raise PublishError(f"Mappen {parent} finnes ikke.")
            try:
                out.mkdir()
            except OSError as exc:
                raise PublishError(f"Kan ikke lage mappen {out}: {_why(exc)}.") from exc
            self._created = True
        self._lock()
        try:
            self.staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
        except OSError as exc:
            self._unlock()
            self._undo_folder()
            raise PublishError(f"Kan ikke skrive til mappen {out}: {_why(exc)}. Velg en mappe du har "
                               "skrivetilgang til (--out).") from exc
        self._remove_stale_staging()
        return self

    def _lock(self) -> None:
        """An exclusive lock on the folder itself (no lock file left in it) for the length of the run."""
        try:
            fd = os.open(self.out_dir, os.O_RDONLY)
        except OSError:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise PublishError(f"En annen publisering skriver til {self.out_dir} akkurat nå; prøv igjen når den er "
                               "ferdig.") from None
        except OSError:  # a file system without locks (some network mounts): go on without
            os.close(fd)
            return
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the lock
            self._lock_fd = None

    def _remove_stale_staging(self) -> None:
        now = dt.datetime.now().timestamp()
        for path in self.out_dir.glob(f"{STAGING_PREFIX}*"):
            try:
                if path.is_dir() and path != self.staging and now - path.stat().st_mtime > STALE_STAGING_S:
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass

    def put(self, name: str, data: bytes) -> None:
        if not _plain_name(name):
            raise PublishError(f"Ugyldig filnavn «{name[:40]}».")
        assert self.staging is not None
        try:
            (self.staging / name).write_bytes(data)
        except OSError as exc:
            raise PublishError(f"Kunne ikke skrive {name} til {self.out_dir}: {_why(exc)}.") from exc
        self._names[name] = hashlib.sha256(data).hexdigest()

    def commit(self) -> WriteResult:
        """Move the staged set in; retire our files from an earlier run that this run did not write."""
        assert self.staging is not None
        out, staging = self.out_dir, self.staging
        previous = previous_manifest(out)
        notices: list[str] = []
        stale = []
        for name, sha in previous.items():
            path = out / name
            if name in self._names or not path.is_file():
                continue
            try:
                ours = _sha256(path) == sha
            except OSError:
                ours = False
            if ours:
                stale.append(name)
            else:
                notices.append(f"«{name}» er fra en tidligere publisering, men er endret siden; den er latt stå.")
        manifest = {"generator": GENERATOR, "written_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                    "files": dict(sorted(self._names.items()))}
        try:
            (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
            backup = Path(tempfile.mkdtemp(prefix=BACKUP_PREFIX, dir=out))
        except OSError as exc:
            raise PublishError(f"Kunne ikke skrive filene til {out}: {_why(exc)}.") from exc
        incoming = [*self._names, MANIFEST]  # the manifest last: it names a set that is complete
        aside: list[str] = []
        moved_in: list[str] = []
        try:
            for name in [n for n in incoming if (out / n).exists()] + stale:
                os.replace(out / name, backup / name)
                aside.append(name)
            for name in incoming:
                os.replace(staging / name, out / name)
                moved_in.append(name)
        except OSError as exc:
            self._roll_back(moved_in, aside, backup)
            raise PublishError(f"Kunne ikke skrive filene til {out}: {_why(exc)}. Mappen er som før.") from exc
        shutil.rmtree(backup, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
        self.staging = None
        return WriteResult(sorted(out / n for n in self._names), sorted(stale), notices)

    def _roll_back(self, moved_in: list[str], aside: list[str], backup: Path) -> None:
        """Undo the moves of a failed commit, newest first, so the folder holds exactly what it held."""
        for name in reversed(moved_in):
            try:
                os.replace(self.out_dir / name, self.staging / name)
            except OSError:
                (self.out_dir / name).unlink(missing_ok=True)
        for name in reversed(aside):
            try:
                os.replace(backup / name, self.out_dir / name)
            except OSError:
                pass
        shutil.rmtree(backup, ignore_errors=True)

    def _undo_folder(self) -> None:
        if self._created:
            shutil.rmtree(self.out_dir, ignore_errors=True)
            self._created = False

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None
            self._undo_folder()
        self._unlock()
