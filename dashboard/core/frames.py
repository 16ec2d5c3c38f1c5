"""Small-frame operations done in the calling thread.

Why: polars runs a DataFrame's filter, sort, group_by or a select of several expressions in its thread pool, even with
one thread: the calling thread hands the work over and waits, and the pool's thread spins before it sleeps. For the
few dozen to few thousand rows of a figure that costs 0.1–0.2 ms of CPU per operation however small the frame, more
than the work, and a KOSTRA figure made a dozen of them (issue 27). A Series' comparisons and filters run where they
are called; these helpers build a frame's operations from them.
"""
from __future__ import annotations

import polars as pl


def where(frame: pl.DataFrame, mask: pl.Series) -> pl.DataFrame:
    """frame.filter(mask), column by column: rows where `mask` is true (null counts as false, as in filter)."""
    if mask.null_count():
        mask = mask.fill_null(False)
    return pl.DataFrame([column.filter(mask) for column in frame.get_columns()])


def any_of(column: pl.Series, values) -> pl.Series:
    """column.is_in(values) as a chain of comparisons: a handful of values, compared in the calling thread."""
    values = list(dict.fromkeys(values))
    if not values:
        return pl.Series(column.name, [False] * column.len(), dtype=pl.Boolean)
    mask = column == values[0]
    for value in values[1:]:
        mask = mask | (column == value)
    return mask
