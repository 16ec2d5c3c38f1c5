"""Property tests: every KOSTRA sentence agrees with the numbers it prints, for any value, sign and rounding."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.kostra import sentences as takeaway
from sentence_numbers import number_before, number_in_parentheses, numbers

values = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False)
amounts = st.floats(min_value=0, max_value=1e7, allow_nan=False)
shares = st.floats(min_value=0, max_value=100, allow_nan=False)
decimals = st.integers(min_value=0, max_value=2)


def compare(value, group_value, unit, dec):
    return takeaway.compare_to_group(name="Larvik", year=2024, value=value, status=None, unit=unit, decimals=dec,
                                     group_name="KOSTRA-gruppe 14", group_value=group_value, label="Tallet")


@settings(max_examples=300, deadline=None)
@given(shares, shares, decimals)
def test_percentage_points_are_the_difference_of_the_printed_shares(value, group_value, dec):
    text = compare(value, group_value, "%", dec)
    printed_value = numbers(text)[0]
    printed_group = number_in_parentheses(text)
    diff = round(printed_value - printed_group, dec)
    if diff == 0:
        assert "det samme som" in text and "prosentpoeng" not in text
    else:
        assert number_before(text, "\u00a0prosentpoeng") == abs(diff)
        assert ("over" if diff > 0 else "under") in text.split("prosentpoeng")[1]


@settings(max_examples=300, deadline=None)
@given(amounts, amounts, decimals)
def test_relative_difference_is_computed_from_the_printed_values(value, group_value, dec):
    text = compare(value, group_value, "kr", dec)
    if "(" not in text:  # the group's printed value is 0: no relative difference
        assert numbers(text.split(" hadde ")[1]) == [0] and "%" not in text
        return
    printed_value, printed_group = numbers(text)[0], number_in_parentheses(text)
    pct = round((printed_value / printed_group - 1) * 100)
    if pct == 0:
        assert "på nivå med" in text
    else:
        assert number_before(text, "\u00a0% ") == abs(pct)
        assert (" over " if pct > 0 else " under ") in text
    assert "\u22120\u00a0%" not in text and " 0\u00a0% " not in text


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), values), values, decimals)
def test_change_over_time_agrees_with_the_printed_values(first, last, dec):
    text = takeaway.change_over_time(name="Larvik", label="Mottakere", first_year=2017, first=first, last_year=2024,
                                     last=last, unit="personer", decimals=dec)
    printed_last = numbers(text)[0]
    if first is None:
        assert text.endswith("i 2024.")
        return
    if float(f"{first:.{dec}f}") == 0:
        assert text.endswith("i 2024.")
        return
    printed_first = float(f"{first:.{dec}f}")
    pct = round((printed_last / printed_first - 1) * 100)
    if pct == 0:
        assert "omtrent som i 2017" in text
    else:
        assert number_before(text, "\u00a0% ") == abs(pct)
        assert ("flere" if pct > 0 else "færre") in text


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=40), st.integers(min_value=1, max_value=40))
def test_rank_sentence_says_highest_and_lowest_only_at_the_ends(rank, count):
    if rank > count:
        rank, count = count, rank
    text = takeaway.rank_in_group(name="Larvik", year=2024, rank=rank, count=count, label="Kostnad",
                                  group_name="KOSTRA-gruppe 14")
    assert f"av {count} kommuner" in text
    assert ("høyest" in text) == (rank == 1)
    assert ("lavest" in text) == (rank == count and rank != 1)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["67–79 år", "80–89 år", "90 år og over"]),
                       st.one_of(st.none(), shares), min_size=1))
def test_largest_part_names_the_largest_known_part(parts):
    text = takeaway.largest_part(name="Larvik", year=2024, parts=parts, whole="mottakerne")
    known = {k: v for k, v in parts.items() if v is not None}
    if not known:
        assert text is None
        return
    printed = numbers(text.split(":")[1])[0]
    assert printed == float(f"{max(known.values()):.1f}")


# issue 23: the figures analysts ask for, each with its own phrase and unit
NEW_PHRASES = {"institution_cost_per_day": ("kr", 0), "home_health_hours_per_week": ("timer", 1),
               "extensive_needs_share_80_plus": ("%", 1), "high_intensity_share": ("%", 1),
               "man_years_per_user": ("årsverk", 2), "health_education_share": ("%", 1),
               "private_institution_places_share": ("%", 1)}


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(NEW_PHRASES)), shares, shares)
def test_the_new_figures_sentences_print_the_value_with_its_unit_and_agree_with_the_group(indicator_id, value,
                                                                                          group_value):
    from dashboard.core import fmt
    unit, dec = NEW_PHRASES[indicator_id]
    text = takeaway.compare_to_group(name="Larvik", year=2024, value=value, status=None, unit=unit, decimals=dec,
                                     group_name="KOSTRA-gruppe 14", group_value=group_value, label="Tallet",
                                     indicator_id=indicator_id)
    assert indicator_id in takeaway.PHRASES
    assert fmt.with_unit(value, unit, dec) in text and "Larvik" in text and "2024" in text
    assert "Tallet" not in text, "every new figure has its own phrase, not the generic sentence"
    if "(" not in text:
        return
    printed_value = numbers(fmt.with_unit(value, unit, dec))[0]
    printed_group = number_in_parentheses(text)
    assert printed_group == float(f"{group_value:.{dec}f}")
    if unit == "%":
        diff = round(printed_value - printed_group, dec)
        assert ("det samme som" in text) == (diff == 0)
        if diff:
            assert number_before(text, "\u00a0prosentpoeng") == abs(diff)
    else:
        pct = round((printed_value / printed_group - 1) * 100)
        assert ("på nivå med" in text) == (pct == 0)
        if pct:
            assert number_before(text, "\u00a0% ") == abs(pct)
