"""parse(): file bytes -> validated rows or the full list of problems. Touches no database."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import polars as pl

from . import budget, budget_frame, goals, sick_leave
from .model import KINDS, ParseResult, Problem
from .readers import DELIMITER_NAMES, FileError, read_grid
from .schemas import SPECS, MappingError, amount_unit_hint, load_mapping
from .tables import cut_table, first_row_headers, locate_header, unit_hints
from .validate import Context, drop_sum_rows
from .values import looks_like_formula_expr

BUILDERS = {"budget": budget, "sick-leave": sick_leave, "goals": goals, "budget-frame": budget_frame}
AMOUNT_UNITS = {"kr": "kr", "1000kr": "1000kr", "1000 kr": "1000kr", "tusen": "1000kr", "nok": "kr"}
_DEMO_NAME = re.compile(r"(^|[^a-zæøå])demo([^a-zæøå]|$)", re.IGNORECASE)


def is_demo_name(file_name: str) -> bool:
    return bool(_DEMO_NAME.search(Path(file_name).name))


def parse(kind: str, path_or_bytes, *, file_name: str | None = None, sheet: str | None = None, mapping=None,
          amount_unit: str | None = None, is_demo: bool | None = None) -> ParseResult:
    """Read, find the header, convert and validate. `rows` is empty when there are problems.

    is_demo None means: demo when the file name contains the word "demo".
    """
    if kind not in KINDS:
        raise ValueError(f"Ukjent filtype «{kind}»; bruk en av {', '.join(KINDS)}")
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        data = bytes(path_or_bytes)
        file_name = file_name or "opplastet fil"
    else:
        path = Path(path_or_bytes)
        file_name = file_name or path.name
        try:
            data = path.read_bytes()
        except OSError:
            data = None
    sha = hashlib.sha256(data or b"").hexdigest()
    unit_opt = None
    if amount_unit is not None:
        unit_opt = AMOUNT_UNITS.get(str(amount_unit).strip().lower().replace(" ", "").replace("nok", "kr"))
    options = {"sheet": sheet, "mapping": _mapping_repr(mapping), "amount_unit": unit_opt}
    result = ParseResult(kind=kind, file_name=file_name, sha256=sha, rows=_empty(kind), options=options,
                         is_demo=is_demo_name(file_name) if is_demo is None else is_demo)

    def fail(message: str) -> ParseResult:
        result.problems.append(Problem(file_name, None, None, message))
        return result

    if data is None:
        return fail("Fant ikke filen eller fikk ikke lest den.")
    if amount_unit is not None and unit_opt is None:
        return fail(f"Ukjent beløpsenhet «{amount_unit}»; bruk kr eller 1000kr.")
    try:
        col_map = load_mapping(kind, mapping)
    except MappingError as exc:
        return fail(str(exc))
    try:
        grid = read_grid(data, sheet)
    except FileError as exc:
        return fail(str(exc))
    except UnicodeDecodeError:
        return fail("Filen kan ikke leses som tekst (ukjent tegnkoding).")
    result.encoding, result.delimiter, result.sheet = grid.encoding, grid.delimiter, grid.sheet
    result.warnings.extend(grid.warnings)
    hm = locate_header(grid, kind, col_map)
    if hm is None:
        expected = ", ".join(f"«{f.label}»" for f in SPECS[kind])
        found = ", ".join(f"«{h}»" for h in first_row_headers(grid)[:12]) or "(ingenting)"
        where = f"arket «{grid.sheet}»" if grid.sheet else "filen"
        others = [s for s in grid.sheet_names if s != grid.sheet]
        hint = (f" Filen har også arkene {', '.join(f'«{s}»' for s in others)}; velg ark med --sheet." if others else "")
        return fail(f"Fant ikke overskriftsraden i {where}. Forventet kolonner som {expected}. "
                    f"Første rad: {found}.{hint}{_width_hint(grid)}")
    result.header_row = grid.row_numbers[hm.row_index]
    if grid.delimiter is not None and (wide := _rows_wider_than_header(grid, hm.row_index)):
        header_width = _width(grid.rows[hm.row_index])
        name = DELIMITER_NAMES.get(grid.delimiter, grid.delimiter)
        for row_number, width in wide[:MAX_WIDE_ROWS]:
            result.problems.append(Problem(
                file_name, row_number, None,
                f"raden har {width} felt, men overskriftsraden (rad {result.header_row}) har {header_width}. Trolig "
                f"står skilletegnet «{grid.delimiter}» ({name}) inne i en verdi uten anførselstegn, for eksempel i et "
                "navn; sett verdien i anførselstegn eller fjern tegnet"))
        if len(wide) > MAX_WIDE_ROWS:
            result.problems.append(Problem(file_name, None, None,
                                           f"… og {len(wide) - MAX_WIDE_ROWS} rader til med for mange felt."))
        return result
    result.columns = dict(hm.headers)
    if hm.ignored:
        result.warnings.append("Disse kolonnene brukes ikke fordi en annen kolonne har samme betydning: "
                               + ", ".join(f"«{h}»" for h in hm.ignored) + ".")
    ctx = Context(kind=kind, file_name=file_name, headers=dict(hm.headers))
    _report_formulas(grid, hm, ctx)
    df, _ = cut_table(grid, hm)
    key_fields = [f.name for f in SPECS[kind] if f.type in ("code", "text")][:3]
    df = drop_sum_rows(df, ctx, key_fields)
    if df.height == 0:
        ctx.add(None, None, "Filen har overskrifter, men ingen datarader.")
        result.problems = ctx.finish()
        return result
    amount_fields = [f.name for f in SPECS[kind] if f.type == "amount"]
    factor = 1.0
    if amount_fields or hm.year_columns:
        unit = _resolve_amount_unit(ctx, hm, grid, amount_fields, unit_opt)
        result.amount_unit = unit
        factor = 1000.0 if unit == "1000kr" else 1.0
    rows = None
    if not ctx.problems:
        rows = BUILDERS[kind].build(df, ctx, factor=factor, hm=hm, grid=grid, found=hm.found_headers)
    result.problems = ctx.finish()
    result.warnings.extend(ctx.warnings)
    result.columns = dict(ctx.headers)
    if rows is not None and not result.problems:
        result.warnings.extend(_formula_like_names(rows, ctx))
        rows = one_line_names(rows, kind)
        result.rows = rows.drop("_row") if "_row" in rows.columns else rows
    return result


def one_line_names(rows: pl.DataFrame, kind: str) -> pl.DataFrame:
    """Names and other text fields with their whitespace collapsed to single spaces: a blank line or a tab inside
    a unit name is never meant, and would break the name across lines (or out of an HTML block) wherever it shows."""
    text = [f.name for f in SPECS[kind] if f.type in ("text", "code") and f.name in rows.columns
            and rows.schema[f.name] == pl.String]
    return rows.with_columns(pl.col(c).str.replace_all(r"[^\S\x{00A0}\x{202F}]+", " ").str.strip_chars() for c in text) if text else rows


def _formula_like_names(rows: pl.DataFrame, ctx: Context) -> list[str]:
    """Names a spreadsheet would run as formulas (`=HYPERLINK(…)`, `@SUM(…)`): imported as text, but said aloud,
    since such a name in an export to colleagues is more likely an attack or a slip than a real unit name."""
    found = []
    for name, dtype in rows.schema.items():
        if dtype != pl.String or name.startswith("_"):
            continue
        hits = rows.filter(looks_like_formula_expr(name))
        if hits.height:
            listed = ", ".join(str(r) for r in hits["_row"].head(5).to_list()) if "_row" in hits.columns else ""
            example = hits[name][0]
            found.append(
                f"Kolonne «{ctx.column(name)}» har {hits.height} verdi(er) som ser ut som en regnearkformel "
                f"(f.eks. «{example[:60]}»{f' på rad {listed}' if listed else ''}). De lagres som tekst, og "
                "nedlastinger fra dashbordet skriver dem som tekst, så de aldri regnes ut; sjekk at navnene stemmer.")
    return found


MAX_WIDE_ROWS = 20


def _width(cells: list[str | None]) -> int:
    """Fields up to the last non-empty one (trailing empty fields, "a;b;;", are harmless)."""
    return max((j + 1 for j, c in enumerate(cells) if c is not None), default=0)


def _rows_wider_than_header(grid, header_index: int) -> list[tuple[int, int]]:
    """(row number, fields) of CSV data rows with values beyond the header's last column: the columns after the
    extra field would be read shifted by one, so they are reported instead of read."""
    limit = _width(grid.rows[header_index])
    return [(grid.row_numbers[i], _width(cells)) for i, cells in enumerate(grid.rows[header_index + 1:],
                                                                            start=header_index + 1)
            if _width(cells) > limit]


def _width_hint(grid) -> str:
    """When the first row of a CSV has fewer fields than most rows under it, say so (an unquoted delimiter)."""
    if grid.delimiter is None or len(grid.rows) < 2:
        return ""
    widths = [_width(r) for r in grid.rows[1:]]
    common = max(set(widths), key=widths.count)
    first = _width(grid.rows[0])
    if common <= first:
        return ""
    examples = ", ".join(str(grid.row_numbers[i + 1]) for i, w in enumerate(widths) if w == common)
    examples = ", ".join(examples.split(", ")[:5])
    return (f" Rad {grid.row_numbers[0]} har {first} felt, men de fleste radene under har {common} (f.eks. rad "
            f"{examples}): trolig står skilletegnet «{grid.delimiter}» inne i verdier uten anførselstegn.")


def _resolve_amount_unit(ctx: Context, hm, grid, amount_fields, stated: str | None) -> str:
    per_column, title = unit_hints(hm, amount_fields)
    if title is None:  # captions such as "Tabell 5.14 ..., tall i 1 000 kr" are often printed below the table
        for texts in _single_cell_rows(grid, hm.row_index + 1):
            title = amount_unit_hint(texts) or title
    in_file = set(per_column.values()) | ({title} if title else set())
    if len(set(per_column.values())) > 1:
        ctx.add(None, None, "Beløpskolonnene oppgir ulike enheter (både kr og 1000 kr): "
                + ", ".join(f"«{ctx.column(k)}»" for k in per_column) + ". Bruk samme enhet i alle.")
        return "kr"
    file_unit = next(iter(per_column.values()), None) or title
    if stated and file_unit and stated != file_unit and len(in_file) == 1:
        where = f"kolonne «{ctx.column(next(iter(per_column)))}»" if per_column else "tittelen over tabellen"
        ctx.add(None, None, f"Du oppga beløp i {_unit_text(stated)}, men filen sier {_unit_text(file_unit)} ({where}). "
                            "Rett valget eller filen.")
        return stated
    unit = stated or file_unit
    if unit is None:
        ctx.warnings.append("Filen sier ikke om beløpene er i kr eller 1000 kr; de er lest som kr. "
                            "Oppgi beløpsenheten (1000 kr) ved importen hvis det er feil.")
        unit = "kr"
    return unit


def _single_cell_rows(grid, start: int) -> list[str]:
    """The text of every row below `start` that holds exactly one cell (a caption rather than a data row)."""
    if grid.frame is not None:
        cells = [c for c in grid.frame.columns if c != "_n"]
        lone = grid.frame.slice(start).filter(pl.sum_horizontal(pl.col(cells).is_not_null()) == 1)
        return [next(c for c in row if c is not None) for row in lone.select(cells).iter_rows()]
    return [texts[0] for cells in grid.rows[start:] if len(texts := [c for c in cells if c is not None]) == 1]


def _unit_text(unit: str) -> str:
    return "1000 kr" if unit == "1000kr" else "kr"


def _report_formulas(grid, hm, ctx: Context) -> None:
    wanted = {j: name for name, j in hm.columns.items()}
    for j, year in hm.year_columns.items():
        wanted[j] = str(year)
    for (i, j), formula in sorted(grid.formulas_without_value.items()):
        if i <= hm.row_index or j not in wanted:
            continue
        name = wanted[j]
        column = ctx.headers.get(name, name)
        ctx.problems.append(Problem(ctx.file_name, grid.row_numbers[i], column,
                                    f"cellen har formelen «{formula}» uten lagret verdi. Åpne filen i Excel og "
                                    "lagre den på nytt, eller lim inn verdiene i stedet for formlene."))


def _mapping_repr(mapping):
    if mapping is None or isinstance(mapping, dict):
        return mapping
    if isinstance(mapping, bytes):
        return hashlib.sha256(mapping).hexdigest()
    try:
        return hashlib.sha256(Path(mapping).read_bytes()).hexdigest()
    except OSError:
        return str(mapping)


def _empty(kind: str) -> pl.DataFrame:
    return pl.DataFrame(schema=BUILDERS[kind].COLUMNS)
