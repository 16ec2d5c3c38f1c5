"""Turn whatever the accounting or HR system exported (CSV in some encoding and delimiter, or XLSX) into a grid
of text cells with the row numbers the user sees, so every later step works on one shape and can name rows.

Nothing here knows about budgets or sick leave; problems found here are about the file as a file.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field

csv.field_size_limit(10_000_000)

DELIMITERS = (";", "\t", ",", "|")
DELIMITER_NAMES = {";": "semikolon", "\t": "tabulator", ",": "komma", "|": "loddrett strek"}
# Double-encoded UTF-8 (UTF-8 bytes decoded as Windows-1252 and saved again) shows up as these pairs.
MOJIBAKE = re.compile("Ã[¦¸¥†˜…]|Ã\u0098|Ã\u0085|â€")


class FileError(Exception):
    """The file cannot be read as a table at all; the message is for the user."""


@dataclass
class Grid:
    """Cells as text (None = empty), one list per row, and the 1-based row number of each row in the file."""

    rows: list[list[str | None]]
    row_numbers: list[int]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    # (row index in `rows`, column index) -> formula text, for formula cells that have no cached value
    formulas_without_value: dict[tuple[int, int], str] = field(default_factory=dict)
    sheet_names: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def sniff_format(data: bytes) -> str:
    """'xlsx' or 'csv'; raises FileError for files that are something else under a misleading name."""
    head = data[:2048]
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError(
            "Filen er i det gamle Excel-formatet (.xls), som ikke støttes. Lagre den som .xlsx eller CSV og prøv igjen."
        )
    if head.startswith(b"%PDF"):
        raise FileError("Filen er en PDF, ikke en CSV- eller XLSX-fil. Eksporter tallene som CSV eller XLSX.")
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith((b"\xff\xfe", b"\xfe\xff")):
        probe = head.decode("utf-16", errors="ignore").lstrip("\ufeff \t\r\n").lower().encode()
    if probe.startswith((b"<!doctype", b"<html", b"<?xml", b"<table", b"<head", b"<body")) or b"<html" in probe[:512]:
        raise FileError(
            "Filen er en HTML-/XML-side, ikke en CSV-fil (noen systemer lagrer en nettside med filendelsen .csv "
            "eller .xls). Eksporter på nytt som CSV eller XLSX."
        )
    return "csv"


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding used: BOMs decide; otherwise UTF-8 if it decodes, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise FileError("Filen inneholder binære data og er verken en CSV- eller en XLSX-fil.")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits most sample lines into the same number (>1) of fields.

    Counting raw characters fails on decimal commas; counting fields per line with csv rules and
    taking the most common count rewards the delimiter that gives a consistent table shape.
    """
    sample = [ln for ln in lines if ln.strip()][:60]
    best, best_score = ";", (-1, -1)
    for rank, delim in enumerate(DELIMITERS):
        counts = Counter(len(r) for r in csv.reader(sample, delimiter=delim))
        if not counts:
            continue
        width, freq = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if width < 2:
            continue
        score = (freq, width if delim != "," else width - 1)
        if score > best_score:
            best, best_score = delim, score
    return best


def read_csv(data: bytes) -> Grid:
    text, encoding = decode(data)
    if not text.strip():
        raise FileError("Filen er tom.")
    bad = MOJIBAKE.search(text[:200_000])
    if bad:
        raise FileError(
            f"Teksten ser ut til å ha feil tegnkoding («{bad.group(0)}» der det skulle stått æ, ø eller å). "
            "Filen er trolig lagret to ganger med ulik tegnkoding; eksporter den på nytt som UTF-8 eller Windows-1252."
        )
    lines = text.splitlines()
    delim = sniff_delimiter(lines[:200])
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    for record in reader:
        if not record or all(not c.strip() for c in record):
            continue
        rows.append([c if c.strip() else None for c in record])
        numbers.append(reader.line_num)
    return Grid(rows=rows, row_numbers=numbers, encoding=encoding, delimiter=delim)


def _cell_text(value, number_format: str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, (int, float)):
        if number_format and "%" in number_format:
            value = value * 100  # a cell formatted as percent holds 0.1031 for 10,31 %
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


def read_xlsx(data: bytes, sheet: str | None = None) -> Grid:
    """Cached values (data_only) with merged ranges filled from their top-left cell.

    Merged header cells ("Budsjett 2024" over three columns) and merged unit cells down the rows both
    mean "this value applies to every cell in the range", so filling them is what the reader intends.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise FileError("Filen kan ikke åpnes som en XLSX-fil (den er skadet eller i et annet format).") from exc
    if sheet is not None:
        if sheet not in wb.sheetnames:
            raise FileError(f"Arket «{sheet}» finnes ikke. Ark i filen: {', '.join(wb.sheetnames)}.")
        ws = wb[sheet]
    else:
        visible = [w for w in wb.worksheets if w.sheet_state == "visible"]
        ws = (visible or wb.worksheets)[0]
    fills: dict[tuple[int, int], object] = {}
    for rng in ws.merged_cells.ranges:
        top_left = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                fills[(r, c)] = top_left
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    index_of_row: dict[int, int] = {}
    for excel_row in ws.iter_rows():
        values = []
        for cell in excel_row:
            value = cell.value
            if value is None and fills:
                value = fills.get((cell.row, cell.column))
            values.append(_cell_text(value, getattr(cell, "number_format", None)))
        if any(v is not None for v in values):
            rownum = excel_row[0].row
            index_of_row[rownum] = len(rows)
            rows.append(values)
            numbers.append(rownum)
    missing = _formulas_without_value(data, ws.title, index_of_row, rows, numbers)
    if not rows and not missing:
        raise FileError(f"Arket «{ws.title}» er tomt.")
    return Grid(rows=rows, row_numbers=numbers, sheet=ws.title, formulas_without_value=missing,
                sheet_names=list(wb.sheetnames))


def _formulas_without_value(data, title, index_of_row, rows, numbers) -> dict[tuple[int, int], str]:
    """Formula cells whose cached value is missing (the file was written by a program, never opened in Excel).

    Reading them as empty would silently import zeros, so they are reported instead.
    """
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=False, read_only=True)
    ws = wb[title]
    out: dict[tuple[int, int], str] = {}
    for excel_row in ws.iter_rows():
        for cell in excel_row:
            value = getattr(cell, "value", None)
            if isinstance(value, str) and value.startswith("=") and getattr(cell, "data_type", None) == "f":
                idx = index_of_row.get(cell.row)
                if idx is None:
                    idx = _insert_row(cell.row, index_of_row, rows, numbers)
                row = rows[idx]
                if len(row) < cell.column:
                    row.extend([None] * (cell.column - len(row)))
                if row[cell.column - 1] is None:
                    out[(idx, cell.column - 1)] = value
    wb.close()
    return out


def _insert_row(rownum, index_of_row, rows, numbers) -> int:
    """A row that only holds uncached formulas looked empty; put it back so it can be reported."""
    width = max((len(r) for r in rows), default=0)
    pos = sum(1 for n in numbers if n < rownum)
    rows.insert(pos, [None] * max(width, 1))
    numbers.insert(pos, rownum)
    index_of_row.clear()
    index_of_row.update({n: i for i, n in enumerate(numbers)})
    return pos


def read_grid(data: bytes, sheet: str | None = None) -> Grid:
    if not data or not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileError("Filen er tom.")
    fmt = sniff_format(data)
    if fmt == "xlsx":
        return read_xlsx(data, sheet)
    if sheet is not None:
        grid = read_csv(data)
        grid.warnings.append(f"Ark «{sheet}» er oppgitt, men filen er en CSV-fil; arkvalget ignoreres.")
        return grid
    return read_csv(data)
