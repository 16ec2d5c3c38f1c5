"""Turn whatever the accounting or HR system exported (CSV in some encoding and delimiter, or XLSX) into a grid
of text cells with the row numbers the user sees, so every later step works on one shape and can name rows.

Nothing here knows about budgets or sick leave; problems found here are about the file as a file.
"""
from __future__ import annotations

import csv
import html
import io
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field

import polars as pl

csv.field_size_limit(10_000_000)

DELIMITERS = (";", "\t", ",", "|")
DELIMITER_NAMES = {";": "semikolon", "\t": "tabulator", ",": "komma", "|": "loddrett strek"}
# Double-encoded UTF-8 (UTF-8 bytes decoded as Windows-1252 and saved again) shows up as these pairs.
MOJIBAKE = re.compile("Ã[¦¸¥†˜…]|Ã\u0098|Ã\u0085|â€")


class FileError(Exception):
    """The file cannot be read as a table at all; the message is for the user."""


class Grid:
    """Cells as text (None = empty), one list per row, and the 1-based row number of each row in the file.

    A large plain XLSX sheet arrives as a polars frame (`frame`: text columns c0, c1, … for columns A, B, … and
    `_n`, the row number) and stays one: `top()` gives the first rows for finding the header and cut_table takes
    columns straight from the frame, so 200 000 rows are never turned into Python lists. `rows`/`row_numbers`
    still work on it (made on first use) for the few steps that want lists.
    """

    def __init__(self, rows: list[list[str | None]] | None = None, row_numbers: list[int] | None = None, *,
                 frame=None, encoding: str | None = None, delimiter: str | None = None, sheet: str | None = None,
                 formulas_without_value: dict[tuple[int, int], str] | None = None,
                 sheet_names: list[str] | None = None, warnings: list[str] | None = None):
        self._rows, self._numbers, self.frame = rows, row_numbers, frame
        self.encoding, self.delimiter, self.sheet = encoding, delimiter, sheet
        # (row index in `rows`, column index) -> formula text, for formula cells that have no cached value
        self.formulas_without_value = formulas_without_value or {}
        self.sheet_names = sheet_names or []
        self.warnings = warnings or []

    @property
    def rows(self) -> list[list[str | None]]:
        if self._rows is None:
            self._rows = [list(r) for r in self.frame.drop("_n").iter_rows()]
        return self._rows

    @property
    def row_numbers(self) -> list[int]:
        if self._numbers is None:
            self._numbers = self.frame["_n"].to_list()
        return self._numbers

    def __len__(self) -> int:
        return self.frame.height if self._rows is None else len(self._rows)

    def top(self, n: int) -> list[list[str | None]]:
        """The first n rows as lists (the header is searched for there)."""
        if self._rows is None:
            return [list(r) for r in self.frame.head(n).drop("_n").iter_rows()]
        return self._rows[:n]


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
    lines = data.count(b"\n")
    if lines > MAX_ROWS + MAX_TITLE_LINES:  # counted on the bytes, before anything is decoded or split
        raise FileError(f"Filen har {_rows_text(lines)} linjer; dashbordet importerer høyst {_rows_text(MAX_ROWS)} "
                        "rader fra én fil. Del eksporten opp (for eksempel ett år eller ett halvår per fil) og "
                        "importer delene hver for seg.")
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


# Limits checked before a spreadsheet is parsed, so a huge or crafted file gets a message in about a second
# instead of stalling the server (documented in README.md, «Importer egne data»). A year of a large
# municipality's accounts per unit, art and month is about 200 000 rows (8-9 MB as XLSX).
MAX_XLSX_BYTES = 60_000_000          # the .xlsx file itself
MAX_ROWS = 300_000                   # rows in the chosen sheet (memory grows with rows: ~420 MB at 200 000 x 10)
MAX_SHEET_XML_BYTES = 800_000_000    # the sheet unpacked (a zip bomb is small packed and huge unpacked)
MAX_TITLE_LINES = 100                # a CSV may have title and caption lines besides its rows
_CHUNK = 4 << 20
_PERCENT_FORMATS = {9, 10}           # Excel's built-in 0% and 0.00%
_DATETIME_TEXT = r"^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?$"


def _rows_text(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


@dataclass
class _SheetScan:
    """What the fast reader does not tell: merged ranges, formulas without a cached value, percent-formatted cells."""

    rows: int = 0
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)   # min_row, min_col, max_row, max_col
    formulas: list[tuple[int, int, str]] = field(default_factory=list)      # row, col (1-based), "=..."
    percent_cells: list[tuple[int, int]] = field(default_factory=list)


_DIMENSION = re.compile(rb'<dimension\s+ref="\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?"')
_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"')
_UNCACHED_FORMULA = re.compile(
    rb'<c\s+r="([A-Z]{1,3})(\d+)"[^>]*>\s*<f(?:\s[^>]*)?(?:/>|>(.*?)</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>', re.S)


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _too_many_rows(n: int, sheet: str, *, exact: bool) -> FileError:
    return FileError(
        f"Arket «{sheet}» har {'' if exact else 'mer enn '}{_rows_text(n if exact else MAX_ROWS)} rader; dashbordet "
        f"importerer høyst {_rows_text(MAX_ROWS)} rader fra én fil. Del eksporten opp (for eksempel ett år eller "
        "ett halvår per fil) og importer delene hver for seg.")


def _workbook_sheets(zf: zipfile.ZipFile) -> list[tuple[str, str, bool]]:
    """(name, path of the sheet's XML in the zip, visible) in the workbook's order."""
    book = zf.read("xl/workbook.xml")
    rels = zf.read("xl/_rels/workbook.xml.rels")
    targets = {m.group(1).decode(): m.group(2).decode() for m in re.finditer(
        rb'<Relationship\b(?=[^>]*\bId="([^"]+)")(?=[^>]*\bTarget="([^"]+)")[^>]*>', rels)}
    out = []
    for m in re.finditer(rb"<(?:\w+:)?sheet\b([^>]*)>", book):
        attrs = m.group(1)
        name = re.search(rb'\bname="([^"]*)"', attrs)
        rid = re.search(rb'\br:id="([^"]*)"', attrs) or re.search(rb'\bid="([^"]*)"', attrs)
        state = re.search(rb'\bstate="([^"]*)"', attrs)
        if not name or not rid or rid.group(1).decode() not in targets:
            continue
        target = targets[rid.group(1).decode()].lstrip("/")
        path = target if target.startswith("xl/") else "xl/" + target
        out.append((html.unescape(name.group(1).decode("utf-8")), path, not state or state.group(1) == b"visible"))
    return out


def _percent_styles(zf: zipfile.ZipFile) -> set[int]:
    """Indexes of cell formats (the `s` of a cell) that show numbers as percent."""
    try:
        styles = zf.read("xl/styles.xml")
    except KeyError:
        return set()
    percent_formats = set(_PERCENT_FORMATS)
    for m in re.finditer(rb'<numFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"', styles):
        if b"%" in m.group(2):
            percent_formats.add(int(m.group(1)))
    section = re.search(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", styles, re.S)
    if not section:
        return set()
    out = set()
    for i, m in enumerate(re.finditer(rb"<xf\b([^>]*)", section.group(1))):
        fmt_id = re.search(rb'numFmtId="(\d+)"', m.group(1))
        if fmt_id and int(fmt_id.group(1)) in percent_formats:
            out.add(i)
    return out


def _scan_sheet(zf: zipfile.ZipFile, path: str, title: str, percent_styles: set[int]) -> _SheetScan:
    """One streaming pass over the sheet's XML (never all of it in memory), stopping as soon as it has too many rows."""
    scan = _SheetScan()
    percent = (re.compile(rb'<c\s+r="([A-Z]{1,3})(\d+)"[^>]*?\ss="(' + b"|".join(str(i).encode() for i in percent_styles)
                          + rb')"') if percent_styles else None)
    def take(piece: bytes) -> None:
        scan.rows += piece.count(b"<row ") + piece.count(b"<row>")
        if scan.rows > MAX_ROWS:
            raise _too_many_rows(scan.rows, title, exact=False)
        if b"<f" in piece:
            for m in _UNCACHED_FORMULA.finditer(piece):
                text = html.unescape((m.group(3) or b"").decode("utf-8", "replace"))
                scan.formulas.append((int(m.group(2)), _col_number(m.group(1)), "=" + text))
        if percent is not None:
            scan.percent_cells.extend((int(m.group(2)), _col_number(m.group(1))) for m in percent.finditer(piece))
        if b"<mergeCell" in piece:
            for m in _MERGE.finditer(piece):
                scan.merges.append((int(m.group(2)), _col_number(m.group(1)), int(m.group(4)), _col_number(m.group(3))))

    carry = b""
    with zf.open(path) as fh:
        chunk = fh.read(65536)
        dim = _DIMENSION.search(chunk)
        if dim and dim.group(4) and int(dim.group(4)) > MAX_ROWS:
            raise _too_many_rows(int(dim.group(4)), title, exact=True)
        while chunk:
            buf = carry + chunk
            cut = buf.rfind(b"</row>")  # a piece always ends after a whole row, so no cell is cut in two
            cut = cut + len(b"</row>") if cut >= 0 else buf.rfind(b">") + 1
            take(buf[:cut])
            carry = buf[cut:]
            chunk = fh.read(_CHUNK)
    take(carry)
    return scan


def read_xlsx(data: bytes, sheet: str | None = None) -> Grid:
    """Cell text from the fast Rust reader (fastexcel/calamine), cached values of formulas, merged ranges filled
    from their top-left cell.

    Size and row count are checked first (from the zip's directory and one streaming pass over the sheet), so an
    export too large to handle is refused with a message before anything is parsed. Merged header cells
    ("Budsjett 2024" over three columns) and merged unit cells down the rows both mean "this value applies to every
    cell in the range", so filling them is what the reader intends.
    """
    if len(data) > MAX_XLSX_BYTES:
        raise FileError(f"Filen er {len(data) / 1e6:.0f} MB; dashbordet tar imot XLSX-filer på høyst "
                        f"{MAX_XLSX_BYTES / 1e6:.0f} MB. Del eksporten opp, eller lagre den som CSV.")
    broken = FileError("Filen kan ikke åpnes som en XLSX-fil (den er skadet eller i et annet format).")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        sheets = _workbook_sheets(zf)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise broken from exc
    if not sheets:
        raise broken
    names = [name for name, _, _ in sheets]
    if sheet is not None:
        if sheet not in names:
            raise FileError(f"Arket «{sheet}» finnes ikke. Ark i filen: {', '.join(names)}.")
        title, path, _ = sheets[names.index(sheet)]
    else:
        title, path, _ = next((s for s in sheets if s[2]), sheets[0])
    try:
        info = zf.getinfo(path)
        if info.file_size > MAX_SHEET_XML_BYTES:
            raise FileError(f"Arket «{title}» er for stort til å importeres ({info.file_size / 1e6:.0f} MB utpakket). "
                            "Del eksporten opp og importer delene hver for seg.")
        scan = _scan_sheet(zf, path, title, _percent_styles(zf))
    except FileError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, zlib.error) as exc:
        raise broken from exc
    frame = _read_cells(data, title, broken)
    if not (scan.percent_cells or scan.merges or scan.formulas):
        if frame.height == 0:
            raise FileError(f"Arket «{title}» er tomt.")
        return Grid(frame=frame, sheet=title, sheet_names=names)
    # cells to fix by hand (few, in hand-made sheets): work on lists
    grid = Grid(frame=frame)
    return _finish_grid(grid.rows, grid.row_numbers, scan, title, names)


def _read_cells(data: bytes, title: str, broken: FileError) -> pl.DataFrame:
    """Every non-empty row as text columns c0, c1, … (column A, B, …) and `_n`, its row number in the sheet."""
    import fastexcel

    try:
        loaded = fastexcel.read_excel(data).load_sheet(title, header_row=None, skip_rows=0, dtypes="string")
        offset = min((c.absolute_index for c in loaded.available_columns()), default=0)
        frame = loaded.to_polars()
    except Exception as exc:  # noqa: BLE001 - any reader failure is a message to the user, never a traceback
        raise broken from exc
    names = [f"c{offset + j}" for j in range(frame.width)]
    cleaned = frame.rename(dict(zip(frame.columns, names))).select(
        [pl.lit(None, dtype=pl.String).alias(f"c{j}") for j in range(offset)] + [
            pl.when(pl.col(c).str.strip_chars() == "").then(None)
            .when(pl.col(c) == "true").then(pl.lit("ja")).when(pl.col(c) == "false").then(pl.lit("nei"))
            .otherwise(pl.col(c).str.replace(_DATETIME_TEXT, "${1}")).alias(c)
            for c in names]
    ).with_row_index("_n", offset=1).with_columns(pl.col("_n").cast(pl.Int64))
    if not names:
        return cleaned
    return cleaned.filter(pl.any_horizontal(pl.col(names).is_not_null()))


def _finish_grid(rows, numbers, scan: _SheetScan, title: str, names: list[str]) -> Grid:
    index_of_row = {n: i for i, n in enumerate(numbers)}
    for r, c in scan.percent_cells:  # a cell formatted as percent holds 0.1031 for 10,31 %
        i = index_of_row.get(r)
        if i is not None and c - 1 < len(rows[i]) and rows[i][c - 1] is not None:
            try:
                value = float(rows[i][c - 1]) * 100
            except ValueError:
                continue
            rows[i][c - 1] = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    for min_row, min_col, max_row, max_col in scan.merges:
        top = index_of_row.get(min_row)
        value = rows[top][min_col - 1] if top is not None and min_col - 1 < len(rows[top]) else None
        if value is None:
            continue
        for r in range(min_row, max_row + 1):
            _, row = _row_at(r, max_col, index_of_row, rows, numbers)
            for c in range(min_col, max_col + 1):
                if row[c - 1] is None:
                    row[c - 1] = value
    missing: dict[tuple[int, int], str] = {}
    for r, c, formula in scan.formulas:
        i, row = _row_at(r, c, index_of_row, rows, numbers)
        if row[c - 1] is None:
            missing[(i, c - 1)] = formula
    if not rows and not missing:
        raise FileError(f"Arket «{title}» er tomt.")
    return Grid(rows=rows, row_numbers=numbers, sheet=title, formulas_without_value=missing, sheet_names=names)


def _row_at(rownum, width, index_of_row, rows, numbers) -> tuple[int, list]:
    """The grid row for sheet row `rownum` (inserted if the sheet row looked empty), at least `width` cells wide."""
    i = index_of_row.get(rownum)
    if i is None:
        i = _insert_row(rownum, index_of_row, rows, numbers)
    row = rows[i]
    if len(row) < width:
        row.extend([None] * (width - len(row)))
    return i, row


def _insert_row(rownum, index_of_row, rows, numbers) -> int:
    """A row that only holds uncached formulas (or merged cells) looked empty; put it back so it can be reported."""
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
