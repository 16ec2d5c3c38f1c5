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
        ws.cell(row=1, column=1, value=title).font = Font(bold=True)
        row0 = 2
    if note:
        ws.cell(row=row0, column=1, value=note).font = Font(italic=True, color="8A1C00")
        row0 += 1
    row0 += 1 if row0 > 1 else 0
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
        ws.column_dimensions[get_column_letter(j)].width = max(10, min(50, len(str(name)) + 4))


def _sheet_name(name: str, taken: list[str]) -> str:
    clean = "".join(ch for ch in name if ch not in '[]:*?/\\')[:31] or "Ark"
    candidate, n = clean, 2
    while candidate in taken:
        candidate = f"{clean[:28]} {n}"
        n += 1
    return candidate
