"""Tables as files users open in Excel: CSV with `;` and decimal comma (UTF-8 with BOM), and XLSX."""
from __future__ import annotations

import io

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """Norwegian Excel opens `;`-separated UTF-8 with BOM and decimal comma without an import dialog."""
    out = io.StringIO()
    numeric = [c for c, t in frame.schema.items() if t.is_numeric()]
    text = frame.with_columns([
        pl.col(c).cast(pl.Utf8).str.replace(r"\.", ",") for c in numeric if frame.schema[c].is_float()
    ])
    text.write_csv(out, separator=";")
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(frame: pl.DataFrame, sheet: str = "Data", title: str | None = None) -> bytes:
    """Numbers stay numbers (with a Norwegian-looking number format) so users can calculate on them."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    row0 = 1
    if title:
        ws.cell(row=1, column=1, value=title).font = Font(bold=True)
        row0 = 3
    for j, name in enumerate(frame.columns, start=1):
        ws.cell(row=row0, column=j, value=name).font = Font(bold=True)
    for i, row in enumerate(frame.iter_rows(), start=row0 + 1):
        for j, value in enumerate(row, start=1):
            cell = ws.cell(row=i, column=j, value=value)
            if isinstance(value, float):
                cell.number_format = "# ##0.0"
            elif isinstance(value, int) and not isinstance(value, bool) and frame.columns[j - 1] not in ("År", "Måned"):
                cell.number_format = "# ##0"
    for j, name in enumerate(frame.columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = max(10, min(45, len(str(name)) + 4))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
