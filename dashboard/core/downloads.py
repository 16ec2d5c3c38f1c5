"""Tables as files users open in Excel: CSV with `;` and decimal comma (UTF-8 with BOM), and XLSX.

Text in these tables can come from the municipality's own files (unit, service and art names), and the files go
to colleagues and the public. A name such as `=HYPERLINK("http://…")` or `@SUM(1+1)*cmd|" /C calc"!A0` must reach
them as text, never as a formula: every text cell is written as text in XLSX, and a CSV text field that a
spreadsheet would evaluate gets a leading apostrophe. Numbers (also negative ones) stay numbers.
"""
from __future__ import annotations

import io

import polars as pl
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from pipelines.own_data.values import looks_like_formula, looks_like_formula_expr


# Excel's thousands separator in a number format is the comma; Excel shows it as the reader's own separator (a space
# in Norwegian Excel: 1 234 567). A literal space ("# ##0") is no separator: Excel printed 1234567 as "1234 567".


def neutralise_text(value):
    """A text a spreadsheet would evaluate, prefixed with `'` (shown by no spreadsheet as a formula); else as is."""
    return "'" + value if looks_like_formula(value) else value


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """Norwegian Excel opens `;`-separated UTF-8 with BOM and decimal comma without an import dialog."""
    out = io.StringIO()
    numeric = [c for c, t in frame.schema.items() if t.is_numeric()]
    text_columns = [c for c, t in frame.schema.items() if t in (pl.Utf8, pl.Categorical, pl.Enum)
                    or isinstance(t, (pl.Categorical, pl.Enum))]
    text = frame.with_columns([
        pl.col(c).cast(pl.Utf8).str.replace(r"\.", ",") for c in numeric if frame.schema[c].is_float()
    ] + [
        pl.when(looks_like_formula_expr(c)).then(pl.lit("'") + pl.col(c).cast(pl.Utf8))
        .otherwise(pl.col(c).cast(pl.Utf8)).alias(c) for c in text_columns
    ])
    text = text.rename({c: neutralise_text(c) for c in text.columns if looks_like_formula(c)})
    text.write_csv(out, separator=";")
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(frame: pl.DataFrame, sheet: str = "Data", title: str | None = None) -> bytes:
    """One table as a workbook; numbers stay numbers so users can calculate on them."""
    return xlsx_workbook({sheet: frame}, title=title)


def xlsx_workbook(sheets: dict[str, pl.DataFrame], *, title: str | None = None, note: str | None = None) -> bytes:
    """One sheet per frame (the unit scorecard has goals, budget and sick leave), each starting with the title and
    an optional note; numbers keep a Norwegian-looking number format."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        _write_sheet(wb.create_sheet(_sheet_name(name, wb.sheetnames)), frame, title=title, note=note)
    if not wb.sheetnames:
        wb.create_sheet("Tomt")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _write_sheet(ws, frame: pl.DataFrame, *, title: str | None, note: str | None) -> None:
    row0 = 1
    if title:
        _text_cell(ws, 1, 1, title).font = Font(bold=True)
        row0 = 2
    if note:
        _text_cell(ws, row0, 1, note).font = Font(italic=True, color="8A1C00")
        row0 += 1
    row0 += 1 if row0 > 1 else 0
    for j, name in enumerate(frame.columns, start=1):
        _text_cell(ws, row0, j, name).font = Font(bold=True)
    formats = [number_format(frame[c]) for c in frame.columns]
    for i, row in enumerate(frame.iter_rows(), start=row0 + 1):
        for j, value in enumerate(row, start=1):
            if isinstance(value, str):
                _text_cell(ws, i, j, value)
                continue
            cell = ws.cell(row=i, column=j, value=value)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and formats[j - 1]:
                cell.number_format = formats[j - 1]
    for j, name in enumerate(frame.columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = max(10, min(50, len(str(name)) + 4))


YEAR_COLUMNS = ("År", "Måned", "Til og med måned")


def number_format(column: pl.Series) -> str | None:
    """Excel's number format for a numeric column: `#,##0` with as many decimals as the values have (at most two).
    In a format code `,` is the thousands separator and `.` the decimal mark, which Excel shows in the reader's
    locale (1 234 567,5 in Norwegian); a space in the code (`# ##0`) is a literal space that groups nothing. Years
    and months are left as plain numbers (2 025 is no year)."""
    if column.name in YEAR_COLUMNS or not column.dtype.is_numeric() or column.dtype == pl.Boolean:
        return None
    decimals = 0
    if column.dtype.is_float():
        for value in column.drop_nulls().drop_nans().to_list():
            text = f"{round(value, 2):.2f}".rstrip("0")
            decimals = max(decimals, len(text.split(".")[1]))
            if decimals == 2:
                break
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _text_cell(ws, row: int, column: int, text: str):
    """A cell that holds `text` as text: openpyxl would otherwise store a string starting with `=` as a formula."""
    cell = ws.cell(row=row, column=column, value=text)
    cell.data_type = TYPE_STRING
    return cell


def _sheet_name(name: str, taken: list[str]) -> str:
    clean = "".join(ch for ch in name if ch not in '[]:*?/\\')[:31] or "Ark"
    candidate, n = clean, 2
    while candidate in taken:
        candidate = f"{clean[:28]} {n}"
        n += 1
    return candidate
