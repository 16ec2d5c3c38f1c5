"""The indicator catalogue: one declarative file (catalogue.toml) that every other part reads.

Keeping sources, units and labels in one file means a new indicator never needs code changes
in pages, and `fetch` can check every entry against SSB's live metadata before writing.
"""
from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

CATALOGUE_PATH = Path(__file__).with_name("catalogue.toml")
KINDS = {"ratio", "count", "amount"}
FORMULA_OPS = {"divide", "multiply", "subtract", "add"}


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


@dataclass(frozen=True)
class Source:
    table: str
    contents_code: str
    contents_label: str
    filters: dict[str, str] = field(default_factory=dict)
    verified: bool = False

    @property
    def filter_key(self) -> str:
        """Canonical text for the extra dimension filters, as stored in `observation.filter_key`."""
        return filter_key(self.filters)


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


def parse(text: str) -> Catalogue:
    raw = tomllib.loads(text)
    tables: dict[str, Table] = {}
    for t in raw.get("table", []):
        table = Table(**t)
        if table.id in tables:
            raise CatalogueError(f"Tabell {table.id} står to ganger i katalogen")
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
            raise CatalogueError(f"Indikator {ident}: {exc}") from exc
        if (ind.source is None) == (ind.formula is None):
            raise CatalogueError(f"Indikator {ident}: må ha enten source eller formula")
        if ind.kind not in KINDS:
            raise CatalogueError(f"Indikator {ident}: ukjent kind {ind.kind!r}")
        if ind.source and ind.source.table not in tables:
            raise CatalogueError(f"Indikator {ident}: tabell {ind.source.table} er ikke i katalogen")
        if ind.formula and ind.formula.op not in FORMULA_OPS:
            raise CatalogueError(f"Indikator {ident}: ukjent formel-operasjon {ind.formula.op!r}")
        if ident in indicators:
            raise CatalogueError(f"Indikator {ident} står to ganger i katalogen")
        indicators[ident] = ind
    for ind in indicators.values():
        if ind.formula:
            for dep in ind.formula.inputs:
                if dep not in indicators:
                    raise CatalogueError(f"Indikator {ind.id}: formelen bruker ukjent indikator {dep!r}")
    cat = Catalogue(tables=tables, indicators=indicators)
    cat.formulas()  # raises on cycles
    return cat


@lru_cache(maxsize=4)
def load(path: Path = CATALOGUE_PATH) -> Catalogue:
    return parse(Path(path).read_text(encoding="utf-8"))
