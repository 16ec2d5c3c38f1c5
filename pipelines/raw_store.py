"""Raw responses on disk, exactly as SSB and KLASS sent them, with a manifest.

The build reads only this directory, so a live fetch and the embedded snapshot go through the
same code. Bodies are gzip-compressed on disk to keep the snapshot small for git; the manifest's
sha256 is of the uncompressed bytes, i.e. of what the server sent.
"""
from __future__ import annotations

import gzip
import hashlib
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import orjson

MANIFEST = "manifest.json"


class RawStoreError(ValueError):
    """The raw directory is incomplete or a file does not match its manifest entry."""


@dataclass(frozen=True)
class RawFile:
    path: str  # relative to the raw directory, '/'-separated
    kind: str  # 'ssb_table' | 'ssb_data' | 'klass'
    url: str
    fetched_at: str  # ISO 8601 with time zone
    sha256: str
    is_demo: bool
    table_id: str | None = None
    updated: str | None = None  # SSB's `updated` (ISO 8601) where the body has one
    name: str | None = None  # for KLASS files: what the body is, e.g. '131_codesAt_2024-01-01'
    # set on data files kept from an earlier fetch for entries that failed the latest check: the build
    # reads only these [contents_code, filter_key] rows from the file (the rest came fresh)
    keep_only: list[list[str]] | None = None


def sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class RawWriter:
    """Collects bodies into a directory and writes the manifest last, so a manifest implies completeness."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.files: list[RawFile] = []

    def add(self, rel_path: str, body: bytes, *, kind: str, url: str, is_demo: bool,
            table_id: str | None = None, updated: str | None = None, name: str | None = None,
            fetched_at: str | None = None, compress: bool | None = None) -> RawFile:
        if compress is None:
            compress = len(body) > 64 * 1024
        if compress and not rel_path.endswith(".gz"):
            rel_path += ".gz"
        target = self.root / rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = gzip.compress(body, compresslevel=9, mtime=0) if compress else body
        target.write_bytes(data)
        entry = RawFile(path=rel_path, kind=kind, url=url, fetched_at=fetched_at or now_iso(),
                        sha256=sha256(body), is_demo=is_demo, table_id=table_id, updated=updated, name=name)
        self.files.append(entry)
        return entry

    def write_manifest(self, **extra) -> Path:
        files = [{k: v for k, v in asdict(f).items() if not (k == "keep_only" and v is None)} for f in self.files]
        doc = {"format": 1, **extra, "files": files}
        path = self.root / MANIFEST
        path.write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
        return path


def read_manifest(root: Path) -> list[RawFile]:
    path = Path(root) / MANIFEST
    if not path.exists():
        raise RawStoreError(f"Fant ikke {path}: rådatamappen mangler manifest")
    try:
        doc = orjson.loads(path.read_bytes())
        return [RawFile(**f) for f in doc["files"]]
    except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
        raise RawStoreError(f"{path} er ikke et gyldig manifest: {exc}") from exc


def read_manifest_extra(root: Path) -> dict:
    """The manifest's top-level facts besides the file list (snapshot kind, failed entries, ...)."""
    try:
        doc = orjson.loads((Path(root) / MANIFEST).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return {k: v for k, v in doc.items() if k != "files"} if isinstance(doc, dict) else {}


def read_body(root: Path, entry: RawFile, *, verify: bool = True) -> bytes:
    path = Path(root) / entry.path
    if not path.exists():
        raise RawStoreError(f"Manifestet nevner {entry.path}, men filen finnes ikke i {root}")
    data = path.read_bytes()
    if entry.path.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise RawStoreError(f"{entry.path}: kunne ikke pakke ut gzip ({exc})") from exc
    if verify and sha256(data) != entry.sha256:
        raise RawStoreError(f"{entry.path}: innholdet stemmer ikke med sha256 i manifestet (filen er endret eller skadet)")
    return data
