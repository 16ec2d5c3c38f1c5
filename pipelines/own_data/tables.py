"""Find the header row in a grid (below title rows, or spread over two merged rows) and cut out the table.

Exports put report titles, dates and "tall i 1 000 kr" above the header, and Excel reports often split
headers over two rows ("Budsjett" merged above "Opprinnelig | Endringer | Revidert"), so the header is
searched for rather than assumed to be row 1.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from .readers import Grid
from .schemas import amount_unit_hint, normalise, synonym_index

HEADER_SEARCH_ROWS = 40
YEAR_HEADER = re.compile(r"^\s*((?:19|20|21)\d\d)(?:[.,]0)?\s*$")


@dataclass
class HeaderMatch:
    row_index: int                      # index in grid.rows of the (lower) header row
    columns: dict[str, int]             # field -> column index
    headers: dict[str, str]             # field -> header text as in the file
    ignored: list[str] = field(default_factory=list)
    title_lines: list[str] = field(default_factory=list)
    year_columns: dict[int, int] = field(default_factory=dict)  # column index -> year (wide budget frames)
    found_headers: list[str] = field(default_factory=list)


def _match_cells(cells: list[str | None], index, mapping) -> tuple[dict, list[str]]:
    best: dict[str, tuple[int, int, str]] = {}
    losers: list[str] = []
    for j, cell in enumerate(cells):
        if cell is None:
            continue
        key = normalise(cell)
        if key in mapping:
            name, rank = mapping[key], -1
        elif key in index:
            name, rank = index[key]
        else:
            continue
        current = best.get(name)
        if current is None or rank < current[1]:
            if current is not None:
                losers.append(current[2])
            best[name] = (j, rank, cell.strip())
        else:
            losers.append(cell.strip())
    return best, losers


def _merge_rows(upper: list[str | None], lower: list[str | None], index, mapping) -> list[str | None]:
    """Per column the header text that means most: the lower cell, or upper+lower, or the upper cell."""
    width = max(len(upper), len(lower))
    filled, last = [], None
    for j in range(width):
        u = upper[j] if j < len(upper) else None
        last = u if u is not None else last
        filled.append(last if u is None and j < len(lower) and lower[j] is not None else u)
    out: list[str | None] = []
    for j in range(width):
        lo = lower[j] if j < len(lower) else None
        up = filled[j]
        known = lambda t: t is not None and (normalise(t) in mapping or normalise(t) in index)  # noqa: E731
        if lo is None:
            out.append(up)
        elif known(lo):
            out.append(lo)
        elif up is not None and known(f"{up} {lo}"):
            out.append(f"{up} {lo}")
        elif up is not None and known(f"{lo} {up}"):
            out.append(f"{lo} {up}")
        else:
            out.append(lo)
    return out


def _year_columns(cells: list[str | None]) -> dict[int, int]:
    out = {}
    for j, cell in enumerate(cells):
        m = YEAR_HEADER.match(cell) if cell is not None else None
        if m:
            out[j] = int(m.group(1))
    return out


def locate_header(grid: Grid, kind: str, mapping: dict[str, str]) -> HeaderMatch | None:
    index = synonym_index(kind)
    best: tuple[tuple, HeaderMatch] | None = None
    top = grid.top(HEADER_SEARCH_ROWS)
    for i in range(len(top)):
        candidates = [(top[i], 0)]
        if i > 0:
            candidates.append((_merge_rows(top[i - 1], top[i], index, mapping), 1))
        for cells, merged in candidates:
            matched, losers = _match_cells(cells, index, mapping)
            years = _year_columns(cells) if kind == "budget-frame" else {}
            score = len(matched) + (2 if len(years) >= 1 else 0)
            if score < 2:
                continue
            key = (score, -merged, -i)
            if best is None or key > best[0]:
                title_end = i - merged
                hm = HeaderMatch(
                    row_index=i,
                    columns={k: v[0] for k, v in matched.items()},
                    headers={k: v[2] for k, v in matched.items()},
                    ignored=losers,
                    title_lines=[" ".join(c for c in r if c) for r in top[:title_end]],
                    year_columns=years,
                    found_headers=[c.strip() for c in cells if c],
                )
                best = (key, hm)
    return best[1] if best else None


def first_row_headers(grid: Grid) -> list[str]:
    first = grid.top(1)
    return [c.strip() for c in (first[0] if first else []) if c]


def cut_table(grid: Grid, hm: HeaderMatch) -> tuple[pl.DataFrame, list[int]]:
    """Text columns named by field, plus `_row` (the file's row number) for messages."""
    if grid.frame is not None:  # a large sheet: straight from the reader's frame, never through Python lists
        body = grid.frame.slice(hm.row_index + 1)
        df = body.select(
            [(pl.col(f"c{j}").str.strip_chars() if f"c{j}" in body.columns else pl.lit(None, dtype=pl.String))
             .alias(name) for name, j in hm.columns.items()] + [pl.col("_n").alias("_row")])
        return df, df["_row"].to_list()
    body = grid.rows[hm.row_index + 1:]
    numbers = grid.row_numbers[hm.row_index + 1:]
    data: dict[str, list] = {}
    for name, j in hm.columns.items():
        data[name] = [(r[j].strip() if j < len(r) and r[j] is not None else None) for r in body]
    data["_row"] = numbers
    df = pl.DataFrame(data, schema={**{k: pl.String for k in hm.columns}, "_row": pl.Int64})
    return df, numbers


def unit_hints(hm: HeaderMatch, amount_fields: list[str]) -> tuple[dict[str, str], str | None]:
    """Amount unit stated per amount column header, and in the title rows above the header."""
    per_column = {}
    for name in amount_fields:
        hint = amount_unit_hint(hm.headers.get(name))
        if hint:
            per_column[name] = hint
    title = None
    for line in hm.title_lines:
        title = amount_unit_hint(line) or title
    return per_column, title
