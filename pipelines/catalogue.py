"""The indicator catalogue: one declarative file (catalogue.toml) that every other part reads.

Keeping sources, units and labels in one file means a new indicator never needs code changes
in pages, and `fetch` can check every entry against SSB's live metadata before writing.
"""
from __future__ import annotations

import itertools
import os
import re
import tomllib
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path

CATALOGUE_PATH = Path(__file__).with_name("catalogue.toml")
CATALOGUE_ENV = "KOSTRA_CATALOGUE"  # another catalogue file (tests; a municipality trying a fix before committing it)
KINDS = {"ratio", "count", "amount"}
FORMULA_OPS = {"divide", "multiply", "subtract", "add"}
# Where an entry's contents code comes from: "evidence" = seen in a real SSB response or definition page (still
# third-party until a live check); "guess" = no public trace, only the label can find the real code; "chosen" = a
# person chose SSB's variable with `catalogue choose` (SSB renamed the figure: neither code nor label was found).
BASES = {"evidence", "guess", "chosen"}


class CatalogueError(ValueError):
    """The catalogue file is inconsistent; the message names the entry."""


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    region_dim: str
    time_dim: str = "Tid"
    first_year: int = 2015
    verified: bool = False
    fixed: dict[str, list[str]] = field(default_factory=dict)
    checked: str | None = None  # ISO date of the live check that confirmed it (written by `catalogue check --write`)


@dataclass(frozen=True)
class Source:
    table: str
    contents_code: str
    contents_label: str
    filters: dict[str, str] = field(default_factory=dict)
    verified: bool = False
    basis: str = "guess"  # "evidence", "guess" or "chosen" (see BASES)
    evidence: str = ""  # where the code was seen, for a reader deciding how far to trust it
    checked: str | None = None  # ISO date of the live check that confirmed code and label
    # dimension -> codes SSB publishes one by one that the build adds up into this entry's figure (07459's one-year
    # ages into an age group); the sum is missing when any of them is
    sum_over: dict[str, list[str]] = field(default_factory=dict)
    chosen_by: str | None = None  # basis = "chosen": who chose (the machine user running `catalogue choose`)
    chosen_on: str | None = None  # and when (ISO timestamp)

    @property
    def filter_key(self) -> str:
        """Canonical text for the extra dimension filters, as stored in `observation.filter_key` (a summed dimension
        as `Alder=067..079`)."""
        return filter_key({**self.filters, **{d: f"{c[0]}..{c[-1]}" for d, c in self.sum_over.items()}})

    @property
    def raw_keys(self) -> list[str]:
        """The filter keys of the rows SSB sends for this entry (one per summed code; else `filter_key`)."""
        if not self.sum_over:
            return [self.filter_key]
        dims = sorted(self.sum_over)
        return [filter_key({**self.filters, **dict(zip(dims, combo))})
                for combo in itertools.product(*(self.sum_over[d] for d in dims))]


@dataclass(frozen=True)
class Formula:
    op: str
    numerator: str
    denominator: str
    scale: float = 1.0

    @property
    def inputs(self) -> tuple[str, str]:
        return (self.numerator, self.denominator)


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    short_label: str
    unit: str
    decimals: int
    kind: str
    group: str
    definition: str
    higher_is_better: bool | None = None
    own_calculation: bool = False
    service: str | None = None
    age_group: str | None = None
    source: Source | None = None
    formula: Formula | None = None
    # an own calculation that takes the place of an SSB figure whose code no live check has confirmed
    stands_in_for: str | None = None

    @property
    def aggregatable(self) -> bool:
        """Counts and amounts may be summed over municipalities; ratios never."""
        return self.kind in ("count", "amount")


@dataclass(frozen=True)
class Catalogue:
    tables: dict[str, Table]
    indicators: dict[str, Indicator]

    def sourced(self) -> list[Indicator]:
        return [i for i in self.indicators.values() if i.source is not None]

    def formulas(self) -> list[Indicator]:
        """Formula indicators in dependency order (inputs first)."""
        done: list[Indicator] = []
        seen: set[str] = set()

        def visit(ind: Indicator, stack: tuple[str, ...]) -> None:
            if ind.id in seen:
                return
            if ind.id in stack:
                raise CatalogueError(f"Sirkulær formel: {' -> '.join(stack + (ind.id,))}")
            if ind.formula:
                for dep in ind.formula.inputs:
                    visit(self.indicators[dep], stack + (ind.id,))
                done.append(ind)
            seen.add(ind.id)

        for ind in self.indicators.values():
            visit(ind, ())
        return done

    def to_json(self) -> dict:
        return {
            "tables": [asdict(t) for t in self.tables.values()],
            "indicators": [asdict(i) for i in self.indicators.values()],
        }


def filter_key(filters: dict[str, str]) -> str:
    return "|".join(f"{k}={filters[k]}" for k in sorted(filters))


def _line_of(text: str, ident: str, occurrence: int = 1) -> str:
    """' (linje N)' for the `id = "<ident>"` line of an entry, so a hand-edited file says where to look."""
    seen = 0
    for n, line in enumerate(text.splitlines(), 1):
        if re.fullmatch(rf'\s*id\s*=\s*["\']{re.escape(str(ident))}["\']\s*(#.*)?', line):
            seen += 1
            if seen == occurrence:
                return f" (linje {n})"
    return ""


def parse(text: str) -> Catalogue:
    """The catalogue from TOML text; CatalogueError (Norwegian, naming the line) for anything inconsistent."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"at line (\d+), column (\d+)", str(exc))
        place = f"linje {where.group(1)}, kolonne {where.group(2)}" if where else "ukjent sted"
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise CatalogueError(f"Katalogfilen er ikke gyldig TOML ({place}): {reason}") from None
    tables: dict[str, Table] = {}
    for t in raw.get("table", []):
        ident = t.get("id", "<uten id>") if isinstance(t, dict) else "<uten id>"
        try:
            table = Table(**t)
        except TypeError as exc:
            raise CatalogueError(f"Tabell {ident}{_line_of(text, ident)}: {_why(exc)}") from None
        if table.id in tables:
            raise CatalogueError(f"Tabell {table.id}{_line_of(text, table.id, 2)} står to ganger i katalogen")
        tables[table.id] = table
    indicators: dict[str, Indicator] = {}
    for entry in raw.get("indicator", []):
        entry = dict(entry)
        ident = entry.get("id", "<uten id>")
        src = entry.pop("source", None)
        frm = entry.pop("formula", None)
        try:
            ind = Indicator(
                **entry,
                source=Source(**src) if src else None,
                formula=Formula(**frm) if frm else None,
            )
        except TypeError as exc:
            raise CatalogueError(f"Indikator {ident}{_line_of(text, ident)}: {_why(exc)}") from None
        where = f"Indikator {ident}{_line_of(text, ident, 2 if ident in indicators else 1)}"
        if (ind.source is None) == (ind.formula is None):
            raise CatalogueError(f"{where}: må ha enten source eller formula")
        if ind.kind not in KINDS:
            raise CatalogueError(f"{where}: ukjent kind {ind.kind!r}")
        if ind.source and ind.source.table not in tables:
            raise CatalogueError(f"{where}: tabell {ind.source.table} er ikke i katalogen")
        if ind.formula and ind.formula.op not in FORMULA_OPS:
            raise CatalogueError(f"{where}: ukjent formel-operasjon {ind.formula.op!r}")
        if ind.source and ind.source.sum_over and (
                not all(isinstance(c, list) and c and all(isinstance(x, str) for x in c)
                        for c in ind.source.sum_over.values())
                or set(ind.source.sum_over) & set(ind.source.filters) or ind.kind == "ratio"):
            raise CatalogueError(f"{where}: sum_over må gi hver dimensjon en ikke-tom liste med koder, ikke samme "
                                 f"dimensjon som filters, og bare for antall og beløp (ikke kind = \"ratio\")")
        if ind.source and ind.source.basis not in BASES:
            raise CatalogueError(f"{where}: basis må være «evidence», «guess» eller «chosen», ikke {ind.source.basis!r}")
        if ident in indicators:
            raise CatalogueError(f"{where}: står to ganger i katalogen")
        indicators[ident] = ind
    for ind in indicators.values():
        if ind.formula:
            for dep in ind.formula.inputs:
                if dep not in indicators:
                    raise CatalogueError(f"Indikator {ind.id}{_line_of(text, ind.id)}: formelen bruker ukjent "
                                         f"indikator {dep!r}")
    for ind in indicators.values():
        if ind.stands_in_for is None:
            continue
        target = indicators.get(ind.stands_in_for)
        where = f"Indikator {ind.id}{_line_of(text, ind.id)}"
        if ind.formula is None or not ind.own_calculation:
            raise CatalogueError(f"{where}: stands_in_for gjelder bare egne beregninger (formula, own_calculation)")
        if target is None or target.source is None:
            raise CatalogueError(f"{where}: stands_in_for må peke på en indikator med SSB-kilde, ikke "
                                 f"{ind.stands_in_for!r}")
        if (target.unit, target.kind) != (ind.unit, ind.kind):
            raise CatalogueError(f"{where}: enhet og type må være som for {target.id} ({target.unit}, {target.kind})")
    cat = Catalogue(tables=tables, indicators=indicators)
    cat.formulas()  # raises on cycles
    return cat


def ssb_figure_confirmed(catalogue: Catalogue, indicator_id: str) -> bool:
    """Whether a live check has confirmed the entry's SSB code (or a person chose it): only then do the pages show
    SSB's own figure where the catalogue also has our calculation standing in for it."""
    src = catalogue.indicators[indicator_id].source
    if src is None:
        return False
    table = catalogue.tables.get(src.table)
    return bool(src.verified and table is not None and table.verified) or src.basis == "chosen"


def with_stand_ins(catalogue: Catalogue, found: set[str] | frozenset[str] = frozenset(),
                   failed: set[str] | frozenset[str] = frozenset()) -> Catalogue:
    """The catalogue the build and the pages use: an SSB figure whose code no live check has confirmed is shown as our
    own calculation (the entry with `stands_in_for` pointing at it), under the figure's own id, label and unit, so
    every page, ranking and ratio built on that id reads our calculation. Its definition is the method (formula,
    source tables, where ours differs from SSB's definition); `own_calculation` makes every source line say
    «Egen beregning». Once `catalogue check --write` has verified SSB's code (or the latest fetch found SSB's
    variable by its label: `found`, the ids in the manifest's resolved entries), SSB's own figure is used — unless
    the latest fetch's check failed it (`failed`: not found by code or label, unit changed): then ours is shown
    rather than no figure («ikke funnet hos SSB» is for figures with no calculation of ours)."""
    indicators = dict(catalogue.indicators)
    changed = False
    for ind in catalogue.indicators.values():
        if ind.stands_in_for is None:
            continue
        if ind.stands_in_for in found or (ind.stands_in_for not in failed
                                          and ssb_figure_confirmed(catalogue, ind.stands_in_for)):
            continue
        target = indicators[ind.stands_in_for]
        indicators[target.id] = replace(target, source=None, formula=ind.formula, own_calculation=True,
                                        definition=ind.definition)
        changed = True
    return Catalogue(tables=catalogue.tables, indicators=indicators) if changed else catalogue


def _why(exc: TypeError) -> str:
    """«ukjent felt «x»» / «mangler felt «y»» from dataclass TypeErrors, instead of Python's English."""
    text = str(exc)
    unknown = re.search(r"unexpected keyword argument '(\w+)'", text)
    if unknown:
        return f"ukjent felt «{unknown.group(1)}»"
    missing = re.findall(r"'(\w+)'", text) if "missing" in text else []
    if missing:
        return "mangler " + ", ".join(f"«{m}»" for m in missing)
    return text


def catalogue_path() -> Path:
    """The catalogue file in use: $KOSTRA_CATALOGUE, or pipelines/catalogue.toml."""
    return Path(os.environ.get(CATALOGUE_ENV) or CATALOGUE_PATH)


def load(path: Path | None = None) -> Catalogue:
    """The catalogue (cached per file and content, so `catalogue check --write` is seen by the next load)."""
    path = Path(path or catalogue_path())
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = None
    return _load(path, stamp)


@lru_cache(maxsize=8)
def _load(path: Path, stamp: int | None) -> Catalogue:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"Kan ikke lese katalogfilen {path}: {exc}") from None
    try:
        return parse(text)
    except CatalogueError as exc:
        raise CatalogueError(f"{Path(path).name}: {exc}") from None


def resolved(catalogue: Catalogue, entries: list | None, tables: list | None = None) -> Catalogue:
    """The catalogue as a fetch used it: entries SSB has under another code (or in another table), found by label.

    `entries` are the manifest's `resolved_entries` ({indicator, table, contents_code, contents_label,
    catalogue_table, catalogue_code, resolved_on}); `tables` its `extra_tables` (tables an entry moved to that the
    catalogue does not list). An entry applies only while the catalogue still says what the fetch resolved from:
    after `catalogue check --write` (or a hand edit) the catalogue is the authority again.
    """
    if not entries:
        return catalogue
    all_tables = dict(catalogue.tables)
    for t in tables or []:
        if isinstance(t, dict) and t.get("id") and t["id"] not in all_tables:
            all_tables[t["id"]] = Table(**{k: t[k] for k in ("id", "title", "region_dim", "time_dim", "first_year")
                                           if k in t})
    indicators = dict(catalogue.indicators)
    for e in entries:
        ind = indicators.get(e.get("indicator")) if isinstance(e, dict) else None
        if ind is None or ind.source is None or e.get("table") not in all_tables:
            continue
        if (ind.source.table, ind.source.contents_code) != (e.get("catalogue_table"), e.get("catalogue_code")):
            continue
        source = replace(ind.source, table=e["table"], contents_code=e["contents_code"],
                         contents_label=e.get("contents_label") or ind.source.contents_label)
        indicators[ind.id] = replace(ind, source=source)
    used = {i.source.table for i in indicators.values() if i.source}
    all_tables = {k: v for k, v in all_tables.items() if k in catalogue.tables or k in used}
    return Catalogue(tables=all_tables, indicators=indicators)


def applied_resolutions(catalogue: Catalogue, entries: list | None) -> dict[str, dict]:
    """indicator id -> the manifest entry `resolved` applied to it (for the lineage the pages show)."""
    out = {}
    for e in entries or []:
        if not isinstance(e, dict):
            continue
        ind = catalogue.indicators.get(e.get("indicator"))
        if ind and ind.source and (ind.source.table, ind.source.contents_code) == (
                e.get("catalogue_table"), e.get("catalogue_code")):
            out[ind.id] = e
    return out
