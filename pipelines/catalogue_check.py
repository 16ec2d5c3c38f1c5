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
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import tomlkit

from pipelines import catalogue as cat_mod
from pipelines.fetch import STATUS_TEXT, Candidate, Resolution, TableCheck


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
    candidates: tuple[Candidate, ...] = ()  # SSB's nearest variables when neither code nor label was found

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
            found = tuple(dict.fromkeys(c for f in problems for c in f.candidates))
            out.append(EntryVerdict(src.table, ind.id, src.contents_code, first.status,
                                    "; ".join(dict.fromkeys(f.message for f in problems)), suggestions,
                                    candidates=found))
        elif resolution is not None:
            found = next(f for f in hits if f.resolution is not None)
            out.append(EntryVerdict(src.table, ind.id, src.contents_code, found.status, found.message,
                                    resolution=resolution))
        else:
            out.append(EntryVerdict(src.table, ind.id, src.contents_code, "ok"))
    return out


def write_back(path: Path, catalogue: cat_mod.Catalogue, checks: list[TableCheck], results: list[EntryVerdict],
               today: dt.date, skipped: list[str] | None = None) -> tuple[str, str]:
    """(old text, new text) of the catalogue with what the check confirmed or resolved; writes only on change.

    Per entry: ok -> `verified = true` and `checked`; found by label -> SSB's code and label (and table, adding the
    table if the catalogue lacks it), `verified = true`, `checked`. Tables that passed their own check get
    `verified = true` and `checked` (a table whose entries all moved elsewhere stays, unused, with its comments).
    Everything else stays as it was.

    The file is read again here, after the network check: an entry someone changed meanwhile (it no longer holds
    the table and code that were checked) is left alone and named in `skipped`. A symlinked catalogue stays a
    symlink (its target is replaced), and the file keeps its permissions.
    """
    path = Path(path)
    real = path.resolve()
    old = real.read_text(encoding="utf-8")
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
        if (str(source.get("table")), str(source.get("contents_code"))) != (v.table_id, v.code):
            if skipped is not None and (v.ok or v.resolution is not None):
                skipped.append(f"{v.indicator_id}: katalogen har nå {source.get('contents_code')} i tabell "
                               f"{source.get('table')}, men kontrollen gjaldt {v.code} i tabell {v.table_id}; "
                               f"ikke endret (kjør `catalogue check` på nytt)")
            continue
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
        _replace_file(real, new)  # the target, so a symlink stays a symlink
    return old, new


def _replace_file(path: Path, new: str) -> None:
    """Write `new` over the catalogue file atomically, into a symlink's target, keeping the file's permissions."""
    real = Path(path).resolve()
    cat_mod.parse(new)  # never write a catalogue the next load would refuse
    tmp = real.with_name(f".{real.name}.write")
    tmp.write_text(new, encoding="utf-8")
    os.chmod(tmp, stat.S_IMODE(real.stat().st_mode))
    tmp.replace(real)


class ChoiceError(ValueError):
    """`catalogue choose` refused (Norwegian, naming what): nothing was written."""


def choose(path: Path, catalogue: cat_mod.Catalogue, indicator_id: str, table_id: str, code: str,
           dims: dict, info: dict, region_dim: str | None, who: str, when: dt.datetime) -> tuple[str, str]:
    """A person's choice of SSB's variable for an entry SSB renamed: `table_id`/`code` as SSB has it now (checked
    against the live metadata `dims`), with SSB's label, `basis = "chosen"`, who and when. (old text, new text)."""
    from pipelines.fetch import CONTENTS_DIM, unit_problems
    ind = catalogue.indicators.get(indicator_id)
    if ind is None or ind.source is None:
        known = ", ".join(i.id for i in catalogue.sourced())
        raise ChoiceError(f"«{indicator_id}» er ikke en oppføring med SSB-kilde i katalogen (kjente: {known})")
    contents = dims.get(CONTENTS_DIM)
    if contents is None or code not in contents.codes:
        raise ChoiceError(f"Tabell {table_id} har ingen statistikkvariabel {code} hos SSB nå")
    if info.get("discontinued") is True:
        raise ChoiceError(f"Tabell {table_id} er avsluttet hos SSB; velg en variabel i en tabell som oppdateres")
    units = unit_problems(ind, dims, code)
    if units:
        raise ChoiceError(f"{code} i tabell {table_id} har en annen enhet enn oppføringens «{ind.unit}» "
                          f"({'; '.join(units)}); rett `unit`/`decimals` i katalogen først hvis det er riktig")
    users = [i.id for i in catalogue.sourced() if i.id != ind.id and i.source.table == table_id
             and i.source.contents_code == code and i.source.filter_key == ind.source.filter_key]
    if users:
        raise ChoiceError(f"{code} i tabell {table_id} brukes allerede av {', '.join(users)}")
    real = Path(path).resolve()
    old = real.read_text(encoding="utf-8")
    doc = tomlkit.parse(old)
    entry = next((e for e in doc.get("indicator", []) if str(e.get("id")) == indicator_id), None)
    if entry is None or "source" not in entry:
        raise ChoiceError(f"Fant ikke oppføringen {indicator_id} i {path}")
    source = entry["source"]
    before = (str(source.get("table")), str(source.get("contents_code")))
    tables = doc.get("table")
    if all(str(t.get("id")) != table_id for t in tables):
        if region_dim is None:
            raise ChoiceError(f"Tabell {table_id} har ingen regiondimensjon vi kjenner")
        title = re.sub(rf"^{re.escape(table_id)}:\s*", "", str(info.get("label") or table_id))
        title = re.sub(r"\s+\d{4}\s*-\s*\d{4}$", "", title)
        _add_table(tables, cat_mod.Table(id=table_id, title=title, region_dim=region_dim,
                                         time_dim=catalogue.tables[ind.source.table].time_dim,
                                         first_year=catalogue.tables[ind.source.table].first_year), when.date().isoformat())
    label = contents.labels.get(code, "")
    source["table"] = table_id
    source["contents_code"] = code
    source["contents_label"] = label
    source["basis"] = "chosen"
    _set(source, "evidence", f"Valgt av {who} {when.date().isoformat()} blant SSBs variabler: katalogen hadde "
                             f"{before[1]} i tabell {before[0]}, som SSB ikke har under kode eller navn.", after="basis")
    _set(source, "chosen_by", who, after="evidence")
    _set(source, "chosen_on", when.replace(microsecond=0).isoformat(), after="chosen_by")
    _set(source, "verified", True)
    _set(source, "checked", when.date().isoformat())
    new = tomlkit.dumps(doc)
    _replace_file(real, new)
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
