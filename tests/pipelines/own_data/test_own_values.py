"""Cell and header parsing: Norwegian numbers, periods, yes/no, code+name cells, header forms, delimiters."""
from __future__ import annotations

import polars as pl
import pytest

from pipelines.own_data.readers import FileError, decode, sniff_delimiter, sniff_format
from pipelines.own_data.schemas import amount_unit_hint, normalise, synonym_index
from pipelines.own_data.values import number_expr, parse_bool, parse_period, split_code_name

NUMBERS = [
    ("1 234,50", 1234.5), ("1\u00a0234", 1234.0), ("1\u202f234,5", 1234.5), ("1.234,50", 1234.5),
    ("1,234.50", 1234.5), ("−12", -12.0), ("–12", -12.0), ("(12)", -12.0), ("12-", -12.0), ("10,31 %", 10.31),
    ("1234.5", 1234.5), ("1.234.567", 1234567.0), ("1,5", 1.5), ("2 638 000,-", 2638000.0), ("kr 5", None),
    ("12 3x4", None), ("abc", None), ("inf", None), ("1e5", None), ("", None), ("-", None), (None, None),
    (" 42 ", 42.0), ("+7", 7.0), ("500 kr", 500.0),
]


@pytest.mark.parametrize("text,value", NUMBERS)
def test_number_parsing(text, value):
    out = pl.DataFrame({"a": [text]}, schema={"a": pl.String}).select(number_expr("a", allow_percent=True))["a"][0]
    assert out == (pytest.approx(value) if value is not None else None)


def test_percent_sign_only_allowed_for_percent_columns():
    out = pl.DataFrame({"a": ["10 %"]}).select(number_expr("a"))["a"][0]
    assert out is None


@pytest.mark.parametrize("text,expected", [
    ("3", (None, 3, None)), ("03", (None, 3, None)), ("202403", (2024, 3, None)), ("2024-03", (2024, 3, None)),
    ("2024.3", (2024, 3, None)), ("03.2024", (2024, 3, None)), ("01.03.2024", (2024, 3, None)),
    ("mars", (None, 3, None)), ("Mars 2024", (2024, 3, None)), ("des. 2024", (2024, 12, None)),
    ("2024", (2024, None, None)), ("13", (None, 13, None)), ("2024-03-01", (2024, 3, None)), ("", (None, None, None)),
])
def test_period_parsing(text, expected):
    assert parse_period(text) == expected


def test_unreadable_period_says_what_to_write():
    _, _, err = parse_period("Q1")
    assert err.startswith("«Q1» er ikke en periode")


@pytest.mark.parametrize("text,value", [("ja", True), ("Nei", False), ("høy", True), ("lav", False), ("1", True),
                                        ("0", False), ("Lavere er bedre", False), ("", None)])
def test_yes_no(text, value):
    assert parse_bool(text) == (value, None)


def test_code_and_name_split():
    assert split_code_name("3110 Hjemmetjenesten sone Nord") == ("3110", "Hjemmetjenesten sone Nord")
    assert split_code_name("10100 - Fastlønn") == ("10100", "Fastlønn")
    assert split_code_name("3110") == ("3110", None)
    assert split_code_name("Solheim sykehjem") == ("Solheim sykehjem", None)


@pytest.mark.parametrize("header,field", [
    ("Oppr. budsjett", "original_budget"), ("OPPRINNELIG  BUDSJETT", "original_budget"),
    ("Rev. budsjett", "revised_budget"), ("Regnskap (1000 kr)", "accounts"), ("Regnskap hittil", "accounts"),
    ("Regnskap 2024", "accounts"), ("Aar", "year"), ("År", "year"), ("Ansvar_navn", "unit_name"),
    ("Funksjon", "service_code"), ("Endringer", "budget_changes"), ("Måned", "period"),
])
def test_budget_header_variants(header, field):
    assert synonym_index("budget")[normalise(header)][0] == field


def test_sick_leave_header_variants():
    index = synonym_index("sick-leave")
    assert index[normalise("Sykefravær (%)")][0] == "sick_leave_pct"
    assert index[normalise("Sykefravaer %")][0] == "sick_leave_pct"
    assert index[normalise("Egenmeldt")][0] == "self_certified_days"


@pytest.mark.parametrize("text,unit", [("Regnskap (1000 kr)", "1000kr"), ("Tall i 1 000 kr", "1000kr"),
                                       ("tall i 1\u00a0000 kr", "1000kr"), ("Beløp i hele tusen", "1000kr"),
                                       ("Beløp (kr)", "kr"), ("Regnskap", None)])
def test_amount_unit_hints(text, unit):
    assert amount_unit_hint(text) == unit


def test_delimiter_sniffing_is_not_fooled_by_decimal_commas():
    assert sniff_delimiter(["a;b;c", "1,5;2,5;3", "1;2;3,25"]) == ";"
    assert sniff_delimiter(["a,b,c", "1.5,2.5,3"]) == ","
    assert sniff_delimiter(["a\tb\tc", "1,5\t2\t3"]) == "\t"


def test_decoding_falls_back_to_windows_1252():
    assert decode("Sør".encode("cp1252")) == ("Sør", "cp1252")
    assert decode("\ufeffSør".encode("utf-8")) == ("Sør", "utf-8-sig")
    assert decode("Sør".encode("utf-8")) == ("Sør", "utf-8")


def test_html_saved_as_xls_is_recognised():
    with pytest.raises(FileError, match="HTML"):
        sniff_format(b"\r\n  <HTML><body><table></table></body></HTML>")
    assert sniff_format(b"Ansvar;Regnskap\n") == "csv"
