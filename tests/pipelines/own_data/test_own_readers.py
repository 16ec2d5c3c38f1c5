"""The XLSX reader: size and row limits checked before parsing, every reader failure a message, and the fast
reader's cells placed at the row and column the user sees in Excel."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from openpyxl.styles import Font

from pipelines.own_data import parse, readers
from pipelines.own_data.readers import FileError, read_grid

HEADER = ["Ansvar", "Ansvarsnavn", "Art", "Periode", "Revidert budsjett", "Regnskap"]


def workbook_bytes(rows, *, start_row=1, start_col=1, styled_corner=False) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Regnskap"
    if styled_corner:
        ws["A1"].font = Font(bold=True)  # formatted but empty: the used range does not start here
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            ws.cell(start_row + i, start_col + j, value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def with_sheet_xml(data: bytes, change) -> bytes:
    """The same workbook with its sheet XML rewritten by change(xml)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            body = src.read(item.filename)
            z.writestr(item, change(body) if item.filename == "xl/worksheets/sheet1.xml" else body)
    return out.getvalue()


def test_cells_keep_their_excel_rows_and_columns_when_the_table_starts_at_c3():
    rows = [HEADER, ["3110", "Nord", "10100", "2025-01", 100, 90], ["3120", "Sør", "10100", "2025-13", 100, 90]]
    data = workbook_bytes(rows, start_row=3, start_col=3, styled_corner=True)
    grid = read_grid(data)
    assert grid.row_numbers == [3, 4, 5]
    assert grid.top(1)[0][:3] == [None, None, "Ansvar"]
    parsed = parse("budget", data, file_name="c3.xlsx")
    assert parsed.header_row == 3
    assert [(p.row, p.column) for p in parsed.problems] == [(5, "Periode")]


def test_dates_booleans_and_whole_numbers_read_as_the_user_wrote_them():
    data = workbook_bytes([["Dato", "Ja", "Tall", "Tekst"], [dt.datetime(2025, 3, 1), True, 12.0, "  "]])
    grid = read_grid(data)
    assert grid.rows[1] == ["2025-03-01", "ja", "12", None]


def test_a_sheet_whose_dimension_says_too_many_rows_is_refused_before_parsing(monkeypatch):
    data = with_sheet_xml(workbook_bytes([HEADER, ["3110", "Nord", "10100", "2025-01", 1, 1]]),
                          lambda xml: xml.replace(b'<dimension ref="A1:F2"', b'<dimension ref="A1:F1500001"'))

    def never(*_a, **_k):
        raise AssertionError("the sheet must not be parsed")

    monkeypatch.setattr(readers, "_read_cells", never)
    with pytest.raises(FileError, match="har 1\u00a0500\u00a0001 rader; dashbordet importerer høyst 300\u00a0000"):
        read_grid(data)


def test_a_sheet_without_dimension_is_counted_and_refused_above_the_limit(monkeypatch):
    rows = [HEADER] + [["3110", "Nord", str(10000 + i), "2025-01", i, i] for i in range(60)]
    data = with_sheet_xml(workbook_bytes(rows), lambda xml: xml.replace(b'<dimension ref="A1:F61" />', b""))
    monkeypatch.setattr(readers, "MAX_ROWS", 50)
    parsed = parse("budget", data, file_name="stor.xlsx")
    assert not parsed.ok
    assert "har mer enn 50 rader" in parsed.problems[0].message
    monkeypatch.setattr(readers, "MAX_ROWS", 61)
    assert parse("budget", data, file_name="stor.xlsx").rows.height == 60


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    data = workbook_bytes([HEADER, ["3110", "Nord", "10100", "2025-01", 1, 1]])
    monkeypatch.setattr(readers, "MAX_XLSX_BYTES", 1000)
    with pytest.raises(FileError, match="høyst 0 MB"):
        read_grid(data)


@pytest.mark.parametrize("change", [
    lambda xml: xml.replace(b"<sheetData>", b"<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>99</v></c></row>"),
    lambda xml: xml[: len(xml) // 2],
])
def test_reader_failures_are_messages(change):
    data = with_sheet_xml(workbook_bytes([HEADER, ["3110", "Nord", "10100", "2025-01", 1, 1]]), change)
    parsed = parse("budget", data, file_name="skadet.xlsx")
    assert not parsed.ok
    assert "kan ikke åpnes som en XLSX-fil" in parsed.problems[0].message


def test_a_zip_that_is_not_a_workbook_is_a_message():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    with pytest.raises(FileError, match="kan ikke åpnes som en XLSX-fil"):
        read_grid(out.getvalue())


def test_a_csv_with_too_many_lines_is_refused_before_decoding(monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 50)
    data = ("Ansvar;Art;Periode;Revidert budsjett;Regnskap\n"
            + "".join(f"3110;{10000 + i};2025-01;1;1\n" for i in range(200))).encode()
    with pytest.raises(FileError, match="Filen har 201 linjer; dashbordet importerer høyst 50 rader"):
        read_grid(data)
    monkeypatch.setattr(readers, "MAX_ROWS", 200)
    assert len(read_grid(data).rows) == 201
