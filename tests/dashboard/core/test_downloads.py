"""Downloads open in Norwegian Excel: CSV with BOM, `;` and decimal comma; XLSX with Norwegian headers."""
from __future__ import annotations

import csv
import io
import zipfile

import polars as pl
from openpyxl import load_workbook

from dashboard.core import downloads

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


def test_xlsx_numbers_use_excels_thousands_separator_shown_as_a_space_in_norwegian_excel():
    frame = pl.DataFrame({"Enhet": ["A"], "Beløp": [1_234_567], "Andel": [44.7]})
    ws = load_workbook(io.BytesIO(downloads.xlsx_bytes(frame))).active
    assert ws.cell(2, 2).value == 1_234_567 and ws.cell(2, 2).number_format == "#,##0"
    assert ws.cell(2, 3).value == 44.7 and ws.cell(2, 3).number_format == "#,##0.0"


def test_xlsx_without_title_starts_with_headers():
    ws = load_workbook(io.BytesIO(downloads.xlsx_bytes(FRAME))).active
    assert ws.cell(1, 1).value == "Serie"
    assert ws.max_row == 1 + FRAME.height


EVIL = ['=HYPERLINK("http://evil.example")', '@SUM(1+1)*cmd|" /C calc"!A0', "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def formula_cells(xlsx: bytes) -> list[str]:
    """Every cell a spreadsheet would evaluate: openpyxl reads formula cells back with data_type 'f'."""
    wb = load_workbook(io.BytesIO(xlsx))
    return [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_xlsx_writes_formula_like_names_as_text():
    frame = pl.DataFrame({"Enhet": EVIL, "Avvik (kr)": [-1500.0, 2.0, -3.0, 4.0, 5.0, 6.0]})
    data = downloads.xlsx_bytes(frame, title='=HYPERLINK("http://evil.example") tittel')
    assert formula_cells(data) == []
    ws = load_workbook(io.BytesIO(data)).active
    assert [ws.cell(r, 1).value for r in range(4, 9)] == EVIL[:5]  # shown exactly as written, as text
    assert ws.cell(4, 2).value == -1500 and ws.cell(4, 2).data_type == "n"  # negative numbers stay numbers
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()


def test_xlsx_workbook_writes_every_sheet_and_note_as_text():
    frame = pl.DataFrame({"Indikator": EVIL[:2], "Mål": [1.0, 2.0]})
    data = downloads.xlsx_workbook({"Mål": frame, "Budsjett": frame}, title="=1+1", note="@SUM(1)")
    assert formula_cells(data) == []


def test_csv_prefixes_fields_a_spreadsheet_would_evaluate():
    frame = pl.DataFrame({"Enhet": [*EVIL, "Nord", "-", "-12,5", None],
                          "Avvik (kr)": [-1500.0, 2.0, -3.0, 4.0, 5.0, 6.0, -7.5, 8.0, 9.0, 10.0]})
    rows = list(csv.reader(io.StringIO(downloads.csv_bytes(frame).decode("utf-8-sig"), newline=""), delimiter=";"))
    names = [r[0] for r in rows[1:]]
    assert names[:6] == ["'" + e for e in EVIL]
    assert names[6:] == ["Nord", "-", "-12,5", ""]  # plain text, a dash and a number-like text are left alone
    assert [r[1] for r in rows[1:3]] == ["-1500,0", "2,0"]  # real negative numbers stay numbers
    assert not any(f.startswith(("=", "+", "@", "\t", "\r")) for r in rows for f in r)


def test_xlsx_numbers_have_a_format_excel_shows_with_a_thousands_separator():
    frame = pl.DataFrame({"År": [2024, 2025], "Måned": [1, 12], "Antall": [1234567, 12],
                          "Kroner": [265549.5, 1000.25], "Prosent": [44.7, 5.0], "Hele": [1000.0, 2.0]})
    ws = load_workbook(io.BytesIO(downloads.xlsx_bytes(frame))).active
    formats = {ws.cell(1, j).value: ws.cell(2, j).number_format for j in range(1, frame.width + 1)}
    # `,` is Excel's thousands separator in a format code (shown as a space in Norwegian); `# ##0` grouped nothing
    assert formats == {"År": "General", "Måned": "General", "Antall": "#,##0", "Kroner": "#,##0.00",
                       "Prosent": "#,##0.0", "Hele": "#,##0"}
    assert ws.cell(2, 3).value == 1234567 and ws.cell(2, 4).value == 265549.5  # still numbers
