"""Writing a set of published files into a folder as a whole: all of this run's files, or the folder as it was.

Why: `publish --out` is run by cron into a web server's folder, often a mounted share. A run that stops midway must
not leave a mix of old and new figures, files from an earlier run that this run no longer makes must not linger
beside the new ones, and a reader's own files in the folder must never be touched.

How:
- everything is written into a staging folder *inside* the target (`.kostra-publish-ny-…`), so the final moves are
  renames within one file system, also when the target is a mount point (staging beside it crossed devices);
- the files this run replaces or retires are first moved aside into `.kostra-publish-gammel-…` in the same folder,
  then the new files are moved in; if a move fails, the moves are undone and the folder is as it was;
- a manifest per set (`.kostra-publish-<sett>.json`, the set named by `--sett` or by its figures; the unnamed set
  of FolderWriter(out) is `.kostra-publish.json`) lists what `publish` wrote for that set, with each file's sha256.
  A file an earlier run of the set wrote and this run does not is removed only when it is ours: named in the set's
  manifest, unchanged since (a file someone has edited is left with a notice) and in no other set's manifest.
  Files not in the set's manifest are never touched: a file in the folder with a name this run writes but that the
  set did not write (the user's own `presentasjon.pdf`, or another set's) is a refusal naming it, before anything
  is moved, unless `overwrite` (`--overwrite`); a file another set wrote with the very bytes this run writes (the
  shared `plotly.min.js`) is shared, not a conflict;
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
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.publish.files import PublishError

MANIFEST = ".kostra-publish.json"
SET_MANIFEST = ".kostra-publish-{}.json"
_SET_NAME = re.compile(r"\A[a-z0-9][a-z0-9._-]{0,59}\Z")
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


def set_name_for(figure_ids: list[str], name: str | None = None) -> str:
    """The set's name: the user's (`--sett`), checked, or one made of its figures, so two scheduled publishes of
    different figures into one folder are two sets and never retire each other's files."""
    if name is not None:
        name = name.strip().lower()
        if not _SET_NAME.match(name):
            raise PublishError(f"«{name[:40]}» er ikke et gyldig navn på et sett (--sett): bruk a–z, 0–9, punktum, "
                               "bindestrek og understrek, høyst 60 tegn.")
        return name
    joined = "+".join(sorted(dict.fromkeys(figure_ids)))
    return joined if len(joined) <= 60 else hashlib.sha256(joined.encode()).hexdigest()[:12]


def manifest_name(set_name: str | None) -> str:
    return MANIFEST if set_name is None else SET_MANIFEST.format(set_name)


def _is_manifest(name: str) -> bool:
    return name == MANIFEST or (name.startswith(".kostra-publish-") and name.endswith(".json")
                                and not name.startswith((STAGING_PREFIX, BACKUP_PREFIX)))


def other_manifests(out_dir: Path, own: str) -> dict[str, dict[str, str]]:
    """{manifest name: {file name: sha256}} of every other set published into this folder."""
    out = {}
    for path in Path(out_dir).glob(".kostra-publish*.json"):
        if path.name != own and _is_manifest(path.name):
            files = previous_manifest(out_dir, path.name)
            if files:
                out[path.name] = files
    return out


def previous_manifest(out_dir: Path, name: str = MANIFEST) -> dict[str, str]:
    """{file name: sha256} of what an earlier run of the set wrote here; empty when there is no (readable) manifest."""
    try:
        data = json.loads((Path(out_dir) / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("generator") != GENERATOR or not isinstance(data.get("files"), dict):
        return {}
    return {name: str(sha) for name, sha in data["files"].items() if _plain_name(name)}


def _plain_name(name: object) -> bool:
    return (isinstance(name, str) and name not in ("", ".", "..") and not _is_manifest(name) and "/" not in name
            and "\\" not in name and not name.startswith((STAGING_PREFIX, BACKUP_PREFIX)))


class FolderWriter:
    """`with FolderWriter(out) as w: w.put(name, data) …; w.commit()` — the set replaces the folder's earlier set
    in commit(); leaving the block without commit() (an error) removes the staging and leaves the folder as it was.

    Opening checks that the folder can be written (creating it if only it is missing) before the caller starts the
    slow work of rendering."""

    def __init__(self, out_dir: Path, set_name: str | None = None, *, overwrite: bool = False):
        self.out_dir = Path(out_dir)
        self.manifest = manifest_name(set_name)
        self.overwrite = overwrite
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
        previous = previous_manifest(out, self.manifest)
        others = other_manifests(out, self.manifest)
        if not previous and self.manifest != MANIFEST and not others.get(MANIFEST, {}).keys().isdisjoint(self._names):
            # a folder published before sets had names: its one manifest is this set's earlier run
            previous = others.pop(MANIFEST)
            self._adopted = True
        notices: list[str] = []
        self._refuse_what_is_not_ours(previous, others)
        stale = []
        for name, sha in previous.items():
            path = out / name
            if name in self._names or not path.is_file() or any(name in files for files in others.values()):
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
            (staging / self.manifest).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
            backup = Path(tempfile.mkdtemp(prefix=BACKUP_PREFIX, dir=out))
        except OSError as exc:
            raise PublishError(f"Kunne ikke skrive filene til {out}: {_why(exc)}.") from exc
        incoming = [*self._names, self.manifest]  # the manifest last: it names a set that is complete
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
        if getattr(self, "_adopted", False):
            try:  # the old unnamed manifest now lives on under the set's name
                os.replace(out / MANIFEST, backup / MANIFEST)
            except OSError:
                pass
        shutil.rmtree(backup, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
        self.staging = None
        return WriteResult(sorted(out / n for n in self._names), sorted(stale), notices)

    def _refuse_what_is_not_ours(self, previous: dict[str, str], others: dict[str, dict[str, str]]) -> None:
        """A file in the folder with a name this run writes is replaced only when this set wrote it (or another set
        wrote these very bytes); anything else is somebody's own file: a refusal naming it, unless overwrite."""
        if self.overwrite:
            return
        for name, sha in self._names.items():
            path = self.out_dir / name
            if name in previous or not (path.exists() or path.is_symlink()):
                continue
            owner = next((m for m, files in others.items() if name in files), None)
            if owner is not None and others[owner][name] == sha:
                continue  # the same bytes another set wrote (plotly.min.js): shared
            whose = (f"den ble skrevet av et annet sett ({owner})" if owner is not None
                     else "den ble ikke skrevet av denne publiseringen")
            raise PublishError(f"«{name}» finnes allerede i {self.out_dir}, og {whose}. Ingenting er endret. Flytt eller gi nytt navn "
                               "til filen, velg en annen mappe (--out), eller bruk --overwrite for å erstatte den.")

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
