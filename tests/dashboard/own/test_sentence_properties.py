"""Property tests: the managers' sentences agree with the numbers they print, for any values and rounding."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.own import sentences as takeaway
from sentence_numbers import number_in_parentheses, numbers

pct = st.floats(min_value=0, max_value=100, allow_nan=False)
names = st.sampled_from(["Sone Nord", "Sone Sør", "Kjøkken", "Hjemmetjenesten", "Bo og aktivitet"])
unit_rows = st.lists(st.tuples(names, pct, pct), max_size=8, unique_by=lambda r: r[0])


@settings(max_examples=300, deadline=None)
@given(unit_rows)
def test_split_takeaway_counts_what_the_table_prints(rows):
    text = takeaway.split_takeaway(rows=rows, first="egenmeldt fravær", second="legemeldt fravær", period="2025")
    if not rows:
        assert text is None
        return
    printed = [(n, float(f"{a:.2f}"), float(f"{b:.2f}")) for n, a, b in rows]
    if len(rows) == 1:
        assert numbers(text)[1:] == [printed[0][2], printed[0][1]]
        return
    more_second = sum(b > a for _, a, b in printed)
    more_first = sum(a > b for _, a, b in printed)
    if more_second == more_first == 0:
        assert "like store" in text
        return
    count = numbers(text.split(" var større enn ")[1])[0]
    assert count == max(more_second, more_first)
    assert text.startswith("Legemeldt" if more_second >= more_first else "Egenmeldt")
    assert number_in_parentheses(text) == max(b for _, _, b in printed)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(names, pct), max_size=6, unique_by=lambda r: r[0]))
def test_highest_unit_is_the_highest(rows):
    text = takeaway.highest_unit(rows=rows, month="juni", year=2025, measure="per måned")
    if not rows:
        assert text is None
        return
    name, value = max(rows, key=lambda r: r[1])
    assert name in text and f"{value:.1f}".replace(".", ",") in text


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=30))
def test_units_over_never_counts_more_than_there_are(over, total):
    over = min(over, total)
    text = takeaway.units_over(count_over=over, total=total, what="hadde merforbruk", period="2025")
    if total == 0:
        assert text.startswith("Ingen enheter har tall")
    elif over == 0:
        assert text.startswith(f"Ingen av {total} enheter")
    else:
        assert text.startswith(f"{over} av {total} enheter")
