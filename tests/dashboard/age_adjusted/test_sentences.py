"""The takeaway and the sentences for what cannot be split, from hand-made rows of age_adjusted_split."""
from __future__ import annotations

import polars as pl

from dashboard.age_adjusted import queries as aq
from dashboard.age_adjusted import sentences

COLUMNS = ["year", "service", "service_order", "reference_code", "reference_name", "reference_kind", "population",
           "modelled", "baseline", "gap", "demography", "coverage", "unit_cost", "gap_missing", "demography_missing",
           "coverage_missing", "unit_cost_missing", "reference_member_sums", "is_demo"]


def comparison(rows: list[dict], reference="EAKUO", year=2024) -> aq.Comparison:
    full = [{**{c: None for c in COLUMNS}, "year": year, "reference_code": "EAKUO", "reference_name": "Landet uten Oslo",
             "reference_kind": "country", "population": 48_000, "gap_missing": [], "demography_missing": [],
             "coverage_missing": [], "unit_cost_missing": [], "reference_member_sums": False, "is_demo": True, **r}
            for r in rows]
    return aq.Comparison("3909", "Larvik", reference, year, pl.DataFrame(full), pl.DataFrame(), True)


def split_row(service="total", **values) -> dict:
    base = dict(modelled=1_045e6, baseline=1_000e6, gap=45e6, demography=12e6, coverage=40e6, unit_cost=-7e6)
    return {"service": service, **base, **values}


def test_the_issues_example_sentence():
    c = comparison([split_row()])
    assert sentences.takeaway(c) == (
        "Larviks modellerte utgift i 2024 er 45\u00a0mill.\u00a0kr høyere enn det landet uten Oslo ville brukt på "
        "Larviks innbyggere: "
        "12\u00a0mill.\u00a0kr fordi flere er eldre, 40\u00a0mill.\u00a0kr fordi flere får tjenester, "
        "\u22127\u00a0mill.\u00a0kr fordi hver tjeneste koster mindre.")


def test_rounded_amounts_add_up_in_the_sentence():
    # 12,4 + 40,4 − 7,3 = 45,5: rounded one by one that would read 12 + 40 − 7 = 45 against a gap of 46
    c = comparison([split_row(gap=45.5e6, demography=12.4e6, coverage=40.4e6, unit_cost=-7.3e6)])
    text = sentences.takeaway(c)
    assert text.startswith("Larviks modellerte utgift i 2024 er 46\u00a0mill.\u00a0kr høyere")
    # largest remainder: −7,3 → −7 first, then 12,4 → 13 (ties keep the parts' order)
    assert text.endswith(": 13\u00a0mill.\u00a0kr fordi flere er eldre, 40\u00a0mill.\u00a0kr fordi flere får "
                         "tjenester, \u22127\u00a0mill.\u00a0kr fordi hver tjeneste koster mindre.")


def test_less_spending_fewer_users_and_small_amounts_in_tenths():
    c = comparison([split_row("home_care", gap=-2.5e6, demography=-0.4e6, coverage=-3.0e6, unit_cost=0.9e6)])
    assert sentences.takeaway(c, "home_care") == (
        "Larviks modellerte utgift til hjemmetjenester i 2024 er 2,5\u00a0mill.\u00a0kr lavere enn det landet uten Oslo "
        "ville brukt på Larviks innbyggere: \u22120,4\u00a0mill.\u00a0kr fordi færre er eldre, \u22123,0\u00a0mill.\u00a0kr fordi færre får "
        "tjenester, 0,9\u00a0mill.\u00a0kr fordi hver tjeneste koster mer.")


def test_a_part_whose_services_point_different_ways_names_each_and_a_shift_as_a_shift():
    """Larvik against KOSTRA-gruppe 14: unit cost −91 in all, but institutions +17 (never «hver tjeneste koster
    mindre»); against Sandefjord coverage −6 is +67 for home services and −73 for institutions: a shift."""
    c = comparison([split_row(gap=-133e6, demography=-36e6, coverage=-6e6, unit_cost=-91e6),
                    split_row("home_care", gap=-20e6, demography=-15e6, coverage=67e6, unit_cost=-108e6),
                    split_row("long_term", gap=-113e6, demography=-21e6, coverage=-73e6, unit_cost=17e6)])
    text = sentences.takeaway(c)
    assert "fordi hver tjeneste koster mindre" not in text and "fordi færre får tjenester" not in text
    assert ("\u22126\u00a0mill.\u00a0kr i dekningsgrad, en forskyvning mellom tjenestene: flere får hjemmetjenester "
            "(+67\u00a0mill.\u00a0kr), færre har langtidsopphold i institusjon (\u221273\u00a0mill.\u00a0kr)") in text
    assert ("\u221291\u00a0mill.\u00a0kr i enhetskostnad: hjemmetjenestene koster mindre (\u2212108\u00a0mill.\u00a0kr), "
            "institusjonsplassene koster mer (+17\u00a0mill.\u00a0kr).") in text
    assert "\u221236\u00a0mill.\u00a0kr fordi færre er eldre" in text  # both services the same way: one phrase


def test_a_name_ending_in_s_takes_an_apostrophe():
    c = comparison([split_row()])
    c = aq.Comparison("4216", "Birkenes", c.reference, c.year, c.split, c.coverage, True)
    assert sentences.takeaway(c).startswith("Birkenes' modellerte utgift") and "på Birkenes' innbyggere" in \
        sentences.takeaway(c)
    assert "Birkeness" not in " ".join(aq._labels(c))


def test_a_missing_part_gives_no_takeaway_but_a_reason_naming_the_input_and_the_symbol():
    c = comparison([split_row(gap=None, coverage=None, unit_cost=None,
                              coverage_missing=["home_care|own|users|67-79|:"],
                              unit_cost_missing=["home_care|own|users|67-79|:"],
                              gap_missing=["home_care|own|users|67-79|:"])])
    assert sentences.takeaway(c) is None
    (text,) = sentences.missing_sentences(c)
    assert text.startswith("Delen for dekningsgrad og enhetskostnad kan ikke beregnes for 2024: ")
    assert "mottakere av hjemmetjenester 67–79 år for Larvik «:» (vises ikke av personvernhensyn)" in text
    assert "heller ikke som 0" in text


def test_reasons_name_the_reference_and_differ_by_part():
    c = comparison([split_row(gap=None, demography=None, coverage=None, unit_cost=None,
                              demography_missing=["long_term|reference|unit_cost||.."],
                              coverage_missing=["long_term|reference|unit_cost||.."],
                              unit_cost_missing=["long_term|own|unit_cost||.", "long_term|reference|unit_cost||.."])])
    texts = sentences.missing_sentences(c)
    assert len(texts) == 2
    assert "demografi og dekningsgrad" in texts[0] and "kostnad per kommunal institusjonsplass for landet uten Oslo" in texts[0]
    assert texts[1].startswith("Delen for enhetskostnad") and "for Larvik «.»" in texts[1]


def test_no_row_for_the_year_is_said_plainly():
    c = comparison([split_row()], year=2024)
    assert sentences.missing_sentences(c, year=2019) == ["Sammenligningen har ingen tall for Larvik i 2019."]


def test_method_states_the_order_and_what_it_is_not():
    text = sentences.method_text(comparison([split_row()]))
    assert "i denne rekkefølgen" in text and "1. **Demografi" in text and "3. **Enhetskostnad" in text
    assert "ikke den offisielle kostnadsnøkkelen" in text and "ikke regnskapet" in text and "KBDU" in text


def test_the_method_text_escapes_the_reference_name_for_markdown():
    c = comparison([split_row(reference_name="[lenke](https://evil.example) **fet**")], reference="4003")
    text = sentences.method_text(c)
    assert "[lenke](" not in text and "\\[lenke\\]\\(https\\:\u2060\\/\\/" in text and "\\*\\*fet\\*\\*" in text
