"""The small-frame helpers give what polars' own DataFrame filter and is_in give."""
from __future__ import annotations

import polars as pl

from dashboard.core import frames

FRAME = pl.DataFrame({"owner": ["3907", None, "4204", "3907", "3201"], "year": [2020, 2021, 2022, 2023, None],
                      "value": [1.5, None, 3.0, 4.0, 5.0], "role": [None, "country", "group", None, "group"]},
                     schema_overrides={"owner": pl.Utf8, "role": pl.Utf8})


def test_where_keeps_the_rows_filter_keeps_nulls_as_false():
    masks = [FRAME["owner"] == "3907", FRAME["role"] == "group", (FRAME["role"] == "group") | (FRAME["year"] > 2021),
             pl.Series([False] * 5), pl.Series([True] * 5)]
    for mask in masks:
        kept = frames.where(FRAME, mask)
        assert kept.equals(FRAME.filter(mask)) and kept.schema == FRAME.schema
    assert frames.where(FRAME.clear(), pl.Series([], dtype=pl.Boolean)).schema == FRAME.schema


def test_any_of_is_is_in_for_the_rows_a_filter_keeps():
    for values in (["3907"], ["3907", "3201", "3907"], [], ["9999"]):
        mine = frames.any_of(FRAME["owner"], values)
        assert frames.where(FRAME, mine).equals(FRAME.filter(pl.col("owner").is_in(values)))
        assert mine.fill_null(False).to_list() == FRAME["owner"].is_in(values).fill_null(False).to_list()
