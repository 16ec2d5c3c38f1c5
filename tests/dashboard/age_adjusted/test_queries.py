"""The age-adjusted comparison on the demo database: rounding that keeps the split adding up, the frames and tables
the figures draw from, and the caching that keeps a change of year query-free."""
from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.age_adjusted import queries as aq
from dashboard.age_adjusted.selection import COUNTRY, GROUP, AgeAdjustedSelection
from dashboard.kostra.selection import Selection

amounts = st.floats(min_value=-5e9, max_value=5e9, allow_nan=False)


@given(parts=st.lists(amounts, min_size=3, max_size=3), step=st.sampled_from([1.0, 1e5, 1e6]))
def test_balanced_rounding_adds_up_to_the_rounded_total(parts, step):
    named = dict(zip(aq.PARTS, parts))
    total = sum(parts)
    rounded = aq.balanced(named, total, step)
    assert round(sum(rounded.values()) / step) == round(total / step)
    assert all(abs(rounded[k] - named[k]) < step + 1e-6 * abs(named[k]) for k in named)


def sel(reference=COUNTRY, year=2024) -> AgeAdjustedSelection:
    return AgeAdjustedSelection(Selection("3909", (), 2017, 2024), reference, year)


def test_years_run_from_2016_to_the_latest(db_env):
    assert aq.years() == list(range(2016, 2025))


def test_the_kroner_tables_add_up_to_the_gap_every_year(db_env):
    c = aq.compare(sel(GROUP))
    download = aq.parts_download(c)
    for year, rows in download.group_by("År"):
        amounts = dict(zip(rows["Steg"], rows["Beløp (kr)"]))
        if amounts["Avstand i alt"] is None:
            assert rows["Symbol"].drop_nulls().len() == rows.height  # a symbol, never a 0
            continue
        assert amounts["Demografi"] + amounts["Dekningsgrad"] + amounts["Enhetskostnad"] == amounts["Avstand i alt"]
        start = next(v for k, v in amounts.items() if k.endswith("med Larviks innbyggere"))
        assert start + amounts["Avstand i alt"] == amounts["Larviks modellerte utgift"]  # to the krone
    assert set(download["Datagrunnlag"]) == {"Demodata"}


def test_waterfall_steps_start_at_the_baseline_and_end_at_the_modelled_spending(db_env):
    c = aq.compare(sel())
    steps = aq.waterfall_steps(c, "total")
    assert [s[2] for s in steps] == ["absolute", "relative", "relative", "relative", "total"]
    assert steps[0][0] == "Landet uten Oslo med Larviks innbyggere" and steps[-1][0] == "Larviks modellerte utgift"
    row = c.row("total")
    assert steps[0][1] == pytest.approx(row["baseline"] / 1e6, abs=0.05)
    assert steps[-1][1] == pytest.approx(row["modelled"] / 1e6, abs=0.05)  # the end is the modelled spending rounded
    assert sum(s[1] for s in steps[1:4]) == pytest.approx(steps[-1][1] - steps[0][1], abs=1e-6)


def test_a_year_without_the_municipality_draws_no_part_as_zero(db_env):
    c = aq.compare(sel(year=2016))  # Larvik has today's borders from 2018: '.' before
    assert not c.has_split
    assert [s[2] for s in aq.waterfall_steps(c, "total")] == []
    table = aq.waterfall_table(c, "total")
    assert set(table["Beløp"]) == {"."}


def test_coverage_table_has_ours_beside_the_reference(db_env):
    c = aq.compare(sel(GROUP, 2023))
    table = aq.coverage_table(c)
    assert table.height == 7 and "Dekningsgrad, Larvik" in table.columns
    assert "Dekningsgrad, KOSTRA-gruppe 14" in table.columns
    assert table["Dekningsgrad, Larvik"].str.ends_with("%").all()
    download = aq.coverage_download(c)
    assert download["År"].unique().to_list() == [2023]
    assert (download["Dekningsgrad (%), Larvik"] - download["Brukere, Larvik"] / download["Innbyggere, Larvik"] * 100
            ).abs().max() < 1e-9


def test_changing_the_year_reads_the_cached_rows_without_a_query(db_env, monkeypatch):
    aq.compare(sel(GROUP, 2024))
    from dashboard.core import db
    calls = []
    monkeypatch.setattr(db, "query", lambda *a, **k: calls.append(a) or pl.DataFrame())
    c = aq.compare(sel(GROUP, 2021))
    assert calls == [] and c.year == 2021 and c.coverage["year"].unique().to_list() == [2021]


def test_source_line_names_the_tables_and_our_calculation(db_env):
    line = aq.source_line(aq.compare(sel()))
    assert line.startswith("Kilde: SSB, tabell 07459 (oppdatert ")  # inhabitants by one-year age (issue 23)
    assert "tabell 11645" in line and "tabell 12292" in line
    # cost per recipient: our calculation from the accounts (12367) while SSB's own code (12209) is unconfirmed
    assert "tabell 12367" in line and "tabell 12209" not in line
    assert line.count("Egen beregning") == 1 and "demografi, dekningsgrad og enhetskostnad" in line


def test_the_waterfall_end_is_the_same_rounded_modelled_spending_against_every_reference(db_env):
    """Larvik's own modelled spending does not depend on the reference: 665,4 against one and 665,3 against another
    was the rounded baseline plus the rounded parts."""
    ends = {ref: aq.waterfall_steps(aq.compare(sel(ref)), "total")[-1][1] for ref in (COUNTRY, GROUP, "3907", "3807")}
    assert len(set(ends.values())) == 1


def test_the_country_and_group_splits_are_read_from_the_store_and_equal_the_split_computed_now(db_env, monkeypatch):
    """The page reads the split stored at build for the references every municipality has; another municipality as
    the reference is computed when asked. Both give the same frame (floating-point sums to the last bit)."""
    from dashboard.core import db
    aq._split.cache_clear()
    asked = []
    real_query = db.query
    monkeypatch.setattr(db, "query", lambda name, params=None, **k: asked.append(name) or real_query(name, params, **k))
    for municipality in ("3909", "0301", "5001", "1508"):
        for reference in sorted(aq.STORED_REFERENCES):  # every reference the page reads from the store
            kept = aq.split(municipality, reference)
            live = real_query("age_adjusted_split", {"municipality": municipality, "reference": reference,
                                                     "from_year": aq.FIRST_YEAR})
            assert kept.height == live.height > 0 and kept.schema == live.schema
            floats = [c for c, t in live.schema.items() if t == pl.Float64]
            assert kept.drop(floats).equals(live.drop(floats))
            for column in floats:
                assert ((kept[column] - live[column]).abs() <= live[column].abs() * 1e-12).all(ignore_nulls=True)
                assert kept[column].is_null().equals(live[column].is_null())
    assert set(asked) == {"age_adjusted_split_stored"} and aq.STORED_REFERENCES == {COUNTRY, "EAK", GROUP}
    aq.split("3909", "3907")
    assert asked[-1] == "age_adjusted_split"
