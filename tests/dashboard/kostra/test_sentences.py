"""The takeaway sentence on known numbers: every case a politician may meet, in Norwegian number formatting."""
from __future__ import annotations

from dashboard.kostra import sentences as takeaway

NB = "\u00a0"


def home(**kw):
    args = dict(name="Larvik", year=2024, value=261816.0, status=None, unit="kr", decimals=0,
                group_name="KOSTRA-gruppe 14", group_value=324329.0, group_status=None,
                label="Kostnad per mottaker, hjemmetjenester", indicator_id="home_care_cost_per_recipient")
    return takeaway.compare_to_group(**{**args, **kw})


def plain(text: str) -> str:
    return text.replace(NB, " ").replace("\u2212", "-")


def test_below_group_matches_the_issue_example():
    assert plain(home()) == ("Larvik brukte 261 816 kr per mottaker av hjemmetjenester i 2024, 19 % under "
                             "KOSTRA-gruppe 14 (324 329 kr).")


def test_numbers_use_non_breaking_spaces_so_they_never_break_across_lines():
    text = home()
    assert f"261{NB}816{NB}kr" in text and f"19{NB}%" in text and f"324{NB}329{NB}kr" in text


def test_above_group():
    assert plain(home(value=389195.0)).endswith(", 20 % over KOSTRA-gruppe 14 (324 329 kr).")


def test_equal_to_group_after_rounding():
    assert plain(home(value=324500.0)).endswith(", på nivå med KOSTRA-gruppe 14 (324 329 kr).")


def test_shares_compare_in_percentage_points_with_a_decimal_comma():
    text = plain(home(value=58.6, group_value=57.5, unit="%", decimals=1,
                      indicator_id="home_care_share_of_care_net_expenditure"))
    assert text == ("Larvik brukte 58,6 % av netto driftsutgifter til pleie og omsorg på hjemmetjenester (f254) i 2024, "
                    "1,1 prosentpoeng over KOSTRA-gruppe 14 (57,5 %).")
    same = plain(home(value=3.6, group_value=3.62, unit="%", decimals=1, indicator_id=None, label="Andel"))
    assert same == "Andel i Larvik var 3,6 % i 2024, det samme som KOSTRA-gruppe 14 (3,6 %)."


def test_missing_value_explains_the_ssb_symbol_and_is_never_zero():
    text = home(value=None, status=":")
    assert "«:»" in text and "personvernhensyn" in text and "ikke det samme som 0" in text
    assert " 0 kr" not in text and "19" not in text
    dots = home(value=None, status="..")
    assert "«..»" in dots and "tallgrunnlag mangler" in dots
    period = home(value=float("nan"), status=".")
    assert "«.»" in period and "ikke mulig å oppgi tall" in period


def test_missing_value_without_a_symbol_says_the_figure_is_missing():
    assert "«..»" in home(value=None, status=None)


def test_group_value_missing():
    text = plain(home(group_value=None, group_status=".."))
    assert text.startswith("Larvik brukte 261 816 kr per mottaker av hjemmetjenester i 2024.")
    assert "KOSTRA-gruppe 14 mangler" in text and "kan ikke sammenlignes" in text


def test_no_group_that_year():
    text = home(group_name=None, group_value=None)
    assert text.endswith("Larvik er ikke med i noen KOSTRA-gruppe i 2024, så det er ingen gruppe å sammenligne med.")


def test_generic_sentence_for_an_indicator_without_a_phrase():
    text = plain(home(indicator_id="something_else", label="Netto driftsutgifter per innbygger", value=31234.0,
                      group_value=31234.0))
    assert text == ("Netto driftsutgifter per innbygger i Larvik var 31 234 kr i 2024, på nivå med KOSTRA-gruppe 14 "
                    "(31 234 kr).")


def test_rank_in_group():
    assert takeaway.rank_in_group(name="Larvik", year=2024, rank=1, count=12, label="Kostnad", group_name="G") == \
        "Larvik lå høyest av 12 kommuner i G i 2024 på kostnad."
    assert "nummer 5 fra toppen av 12" in takeaway.rank_in_group(name="Larvik", year=2024, rank=5, count=12,
                                                                 label="Kostnad", group_name="G")
    assert "lavest av 12" in takeaway.rank_in_group(name="L", year=2024, rank=12, count=12, label="K", group_name="G")
    missing = takeaway.rank_in_group(name="L", year=2024, rank=None, count=12, label="K", group_name="G", status=":")
    assert "kan ikke rangeres" in missing and "«:»" in missing


def test_change_over_time():
    assert plain(takeaway.change_over_time(name="Larvik", label="Mottakere", first_year=2017, first=1000.0,
                                           last_year=2024, last=1234.0, unit="personer", decimals=0)) == \
        "Mottakere i Larvik: 1 234 i 2024, 23 % flere enn i 2017."
    assert "«:»" in takeaway.change_over_time(name="L", label="M", first_year=2017, first=1.0, last_year=2024,
                                              last=None, unit="personer", decimals=0, last_status=":")


def test_largest_part_ignores_missing_values():
    assert takeaway.largest_part(name="L", year=2024, parts={"A": None, "B": None}, whole="x") is None
    text = plain(takeaway.largest_part(name="Larvik", year=2024, parts={"0–66 år": 20.0, "80 år og over": 42.7,
                                                                        "67–79 år": None}, whole="mottakerne"))
    assert text == "I 2024 var den største delen av mottakerne i Larvik 80 år og over: 42,7 %."
