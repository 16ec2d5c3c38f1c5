"""The unit scorecard as one XLSX workbook with a sheet per part (goals, budget, sick leave), because a unit
leader pastes the parts into the annual report separately."""
from __future__ import annotations

import io

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


def xlsx_workbook(sheets: dict[str, pl.DataFrame], *, title: str | None = None, note: str | None = None) -> bytes:
    """One sheet per frame; numbers stay numbers, each sheet starts with the title and an optional note."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        ws = wb.create_sheet(_sheet_name(name, wb.sheetnames))
        row0 = 1
        if title:
            ws.cell(row=1, column=1, value=title).font = Font(bold=True)
            row0 = 2
        if note:
            ws.cell(row=row0, column=1, value=note).font = Font(italic=True, color="8A1C00")
            row0 += 1
        row0 += 1 if row0 > 1 else 0
        for j, col in enumerate(frame.columns, start=1):
            ws.cell(row=row0, column=j, value=col).font = Font(bold=True)
        for i, row in enumerate(frame.iter_rows(), start=row0 + 1):
            for j, value in enumerate(row, start=1):
                cell = ws.cell(row=i, column=j, value=value)
                if isinstance(value, float):
                    cell.number_format = "# ##0.0"
        for j, col in enumerate(frame.columns, start=1):
            ws.column_dimensions[get_column_letter(j)].width = max(10, min(50, len(str(col)) + 4))
    if not wb.sheetnames:
        wb.create_sheet("Tomt")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_name(name: str, taken: list[str]) -> str:
    clean = "".join(ch for ch in name if ch not in '[]:*?/\\')[:31] or "Ark"
    candidate, n = clean, 2
    while candidate in taken:
        candidate = f"{clean[:28]} {n}"
        n += 1
    return candidate
