"""Downloads open in Norwegian Excel: CSV with BOM, `;` and decimal comma; XLSX with Norwegian headers."""
from __future__ import annotations

import io

import polars as pl
from openpyxl import load_workbook

from dashboard import downloads

FRAME = pl.DataFrame({
    "Serie": ["Larvik", "Larvik", "KOSTRA-gruppen"],
    "År": [2022, 2023, 2023],
    "Verdi (kr)": [265549.5, None, 1234.25],
    "Symbol": [None, ":", None],
    "Forklaring": ["", "Vises ikke av personvernhensyn", ""],
})


def test_csv_has_bom_semicolons_and_decimal_comma():
    data = downloads.csv_bytes(FRAME)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Serie;År;Verdi (kr);Symbol;Forklaring"
    assert lines[1].startswith("Larvik;2022;265549,5;;")
    assert lines[2].startswith("Larvik;2023;;:;")
    assert "1234,25" in lines[3]
    assert "265549.5" not in text


def test_csv_keeps_norwegian_letters():
    text = downloads.csv_bytes(pl.DataFrame({"Kommune": ["Bærum", "Tønsberg", "Åsnes"], "Tall": [1.5, 2.0, 3.0]}))
    assert "Bærum;1,5" in text.decode("utf-8-sig")


def test_xlsx_opens_with_title_headers_and_numbers():
    data = downloads.xlsx_bytes(FRAME, title="Kostnad per mottaker – Larvik")
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "Data"
    assert ws.cell(1, 1).value == "Kostnad per mottaker – Larvik"
    assert [c.value for c in ws[3]] == ["Serie", "År", "Verdi (kr)", "Symbol", "Forklaring"]
    assert ws.cell(4, 3).value == 265549.5
    assert isinstance(ws.cell(4, 3).value, float)
    assert ws.cell(5, 3).value is None
    assert ws.cell(5, 4).value == ":"
    assert ws.cell(4, 2).value == 2022 and ws.cell(4, 2).number_format == "General"


def test_xlsx_without_title_starts_with_headers():
    ws = load_workbook(io.BytesIO(downloads.xlsx_bytes(FRAME))).active
    assert ws.cell(1, 1).value == "Serie"
    assert ws.max_row == 1 + FRAME.height
