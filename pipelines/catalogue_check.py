"""`catalogue check [--write]`: each catalogue entry against SSB's live metadata, and the fixes written back.

Why a module of its own: the check's verdict per entry (ok, found by label, still wrong) is read by people deciding
what to commit, and `--write` must change exactly what the check resolved in pipelines/catalogue.toml, keeping the
comments and order a person wrote (tomlkit round-trips the file), and show the change as a diff. An entry the
check could not resolve is never touched; a file that is not valid TOML stops with the line named.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from dataclasses import dataclass
from pathlib import Path

import tomlkit

from pipelines import catalogue as cat_mod
from pipelines.fetch import STATUS_TEXT, Resolution, TableCheck


@dataclass(frozen=True)
class EntryVerdict:
    """One catalogue entry after the check: 'ok', 'resolved'/'moved' (found by label) or a problem status."""

    table_id: str
    indicator_id: str
    code: str
    status: str
    message: str = ""
    suggestions: tuple[str, ...] = ()
    resolution: Resolution | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def status_text(self) -> str:
        return STATUS_TEXT.get(self.status, self.status)


def verdicts(catalogue: cat_mod.Catalogue, checks: list[TableCheck]) -> list[EntryVerdict]:
    """One verdict per sourced entry, in catalogue order; a problem anywhere beats a resolution."""
    out = []
    by_table = {c.table.id: c for c in checks}
    for ind in catalogue.sourced():
        src = ind.source
        own = by_table.get(src.table)
        if own is None:
            continue  # not checked (another table was asked for)
        hits = [f for c in checks for f in c.findings if f.indicator_id == ind.id]
        table_level = [f for f in own.findings if f.indicator_id is None]
        resolution = next((r for c in checks for r in c.resolutions if r.indicator_id == ind.id), None)
        problems = [f for f in hits if f.resolution is None]
        if resolution is not None and resolution.moved:
            target = by_table.get(resolution.table_id)
            problems += [f for f in (target.findings if target else []) if f.indicator_id is None]
        elif resolution is None or table_level:
            problems = table_level + problems
        if problems:
            first = problems[0]
            suggestions = tuple(dict.fromkeys(s for f in problems for s in f.suggestions))
            out.append(EntryVerdict(src.table, ind.id, src.contents_code, first.status,
                                    "; ".join(dict.fromkeys(f.message for f in problems)), suggestions))
        elif resolution is not None:
            found = next(f for f in hits if f.resolution is not None)
            out.append(EntryVerdict(src.table, ind.id, src.contents_code, found.status, found.message,
                                    resolution=resolution))
        else:
            out.append(EntryVerdict(src.table, ind.id, src.contents_code, "ok"))
    return out


def write_back(path: Path, catalogue: cat_mod.Catalogue, checks: list[TableCheck], results: list[EntryVerdict],
               today: dt.date) -> tuple[str, str]:
    """(old text, new text) of the catalogue with what the check confirmed or resolved; writes only on change.

    Per entry: ok -> `verified = true` and `checked`; found by label -> SSB's code and label (and table, adding the
    table if the catalogue lacks it), `verified = true`, `checked`. Tables that passed their own check get
    `verified = true` and `checked` (a table whose entries all moved elsewhere stays, unused, with its comments).
    Everything else stays as it was.
    """
    old = path.read_text(encoding="utf-8")
    try:
        doc = tomlkit.parse(old)
    except tomlkit.exceptions.ParseError as exc:
        raise cat_mod.CatalogueError(f"{path.name}: ikke gyldig TOML (linje {exc.line}, kolonne {exc.col})") from None
    day = today.isoformat()
    entries = {str(e.get("id")): e for e in doc.get("indicator", [])}
    tables = doc.get("table")
    for v in results:
        entry = entries.get(v.indicator_id)
        if entry is None or "source" not in entry:
            continue
        source = entry["source"]
        if v.resolution is not None:
            r = v.resolution
            if r.new_table is not None and all(str(t.get("id")) != r.new_table.id for t in tables):
                _add_table(tables, r.new_table, day)
            source["table"] = r.table_id
            source["contents_code"] = r.contents_code
            source["contents_label"] = r.contents_label
            how = (f"i tabell {r.table_id} (katalogen hadde tabell {r.catalogue_table})" if r.moved
                   else f"(katalogen hadde {r.catalogue_code})")
            _set(source, "evidence", f"Funnet ved navnet i SSBs metadata {day} {how}.", after="basis")
        elif not v.ok:
            continue
        _set(source, "verified", True)
        _set(source, "checked", day)
    by_id = {c.table.id: c for c in checks}
    for table in tables:
        tid = str(table.get("id"))
        check = by_id.get(tid)
        if check is not None and not check.table_failed:  # the table itself: there, not ended, dimensions as expected
            _set(table, "verified", True)
            _set(table, "checked", day)
    new = tomlkit.dumps(doc)
    if new != old:
        cat_mod.parse(new)  # never write a catalogue the next load would refuse
        tmp = path.with_name(f".{path.name}.write")
        tmp.write_text(new, encoding="utf-8")
        tmp.replace(path)
    return old, new


def _set(table, key: str, value, after: str = "verified") -> None:
    """Set `key`, a new key right after `after` (tomlkit appends at the end, after the comments that introduce the
    next entry, which would put it under the wrong heading)."""
    if key in table:
        table[key] = value
        return
    container = table.value
    index = next((n for n, (k, _) in enumerate(container.body) if k is not None and k.key == after), None)
    if index is None or index + 1 >= len(container.body):
        table[key] = value
    else:
        container._insert_at(index + 1, key, tomlkit.item(value))


def _add_table(tables, table: cat_mod.Table, day: str) -> None:
    item = tomlkit.table()
    for key, value in dataclasses.asdict(table).items():
        if key in ("fixed", "checked") or value is None:
            continue
        item[key] = value
    item["verified"] = True
    item["checked"] = day
    tables.append(item)


def diff(old: str, new: str, name: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), f"a/{name}", f"b/{name}", n=1))
