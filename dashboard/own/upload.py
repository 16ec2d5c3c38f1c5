"""The /importer page's steps as plain functions: parse an upload, describe its problems, preview and plan,
and import on confirm. Everything the user sees is Norwegian; the database is only written by import_parsed,
which replaces the file atomically (the app's read-only connection reopens on the new file).
"""
from __future__ import annotations

import polars as pl

from dashboard.core import db, fmt
from pipelines import own_data
from pipelines.own_data.model import KIND_LABELS
from pipelines.own_data.schemas import SPECS

KINDS = own_data.KINDS
AMOUNT_UNITS = {"fra filen": None, "kr": "kr", "1000 kr": "1000kr"}
PREVIEW_ROWS = 20


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def parse_upload(kind: str, data: bytes, file_name: str, *, sheet: str | None = None, amount_unit: str = "fra filen",
                 mapping_text: str | None = None) -> own_data.ParseResult:
    """Parse and validate uploaded bytes; nothing is written. amount_unit is one of AMOUNT_UNITS' keys."""
    mapping = mapping_text.encode("utf-8") if mapping_text and mapping_text.strip() else None
    return own_data.parse(kind, data, file_name=file_name, sheet=(sheet or "").strip() or None,
                          amount_unit=AMOUNT_UNITS.get(amount_unit), mapping=mapping)


def problems_table(parsed: own_data.ParseResult) -> pl.DataFrame:
    """Every problem with row and column, as the user sees them in Excel."""
    return pl.DataFrame({
        "Fil": [p.file for p in parsed.problems],
        "Rad": [str(p.row) if p.row is not None else "" for p in parsed.problems],
        "Kolonne": [p.column or "" for p in parsed.problems],
        "Problem": [p.message for p in parsed.problems],
    }, schema={"Fil": pl.Utf8, "Rad": pl.Utf8, "Kolonne": pl.Utf8, "Problem": pl.Utf8})


def preview_table(parsed: own_data.ParseResult, rows: int = PREVIEW_ROWS) -> pl.DataFrame:
    """The first rows as they will be stored, with Norwegian column names (amounts in kr)."""
    labels = {f.name: f.label for f in SPECS[parsed.kind]}
    labels.update({"amount": "Beløp (kr)", "original_budget": "Opprinnelig budsjett (kr)",
                   "budget_changes": "Budsjettendringer (kr)", "revised_budget": "Revidert budsjett (kr)",
                   "accounts": "Regnskap (kr)", "line_no": "Rekkefølge"})
    head = parsed.rows.head(rows)
    head = head.with_columns([
        pl.col(c).map_elements(_decimal_text, return_dtype=pl.Utf8) for c, t in head.schema.items() if t.is_float()])
    # empty cells show empty, as in the other tables (pandas would print None)
    head = head.with_columns([pl.col(c).cast(pl.Utf8).fill_null("") for c, t in head.schema.items()
                              if t == pl.Utf8 or t.is_integer()])
    return head.rename({c: labels.get(c, c) for c in head.columns if labels.get(c, c) not in head.columns})


def _decimal_text(value: float) -> str:
    """'115 874 000', '412,4', '10,31': Norwegian, with only the decimals the value has (at most 2)."""
    decimals = 0 if float(value).is_integer() else (1 if round(value, 1) == round(value, 2) else 2)
    return fmt.number(value, decimals)


def file_summary(parsed: own_data.ParseResult) -> str:
    """'1 234 rader, semikolon-separert, UTF-8, beløp i 1000 kr (omregnet til kr)'."""
    parts = [f"{fmt.number(parsed.rows.height)} rader"]
    if parsed.sheet:
        parts.append(f"ark «{parsed.sheet}»")
    if parsed.delimiter:
        parts.append({";": "semikolon-separert", ",": "komma-separert", "\t": "tabulator-separert"}
                     .get(parsed.delimiter, f"skilletegn «{parsed.delimiter}»"))
    if parsed.encoding:
        parts.append(parsed.encoding)
    if parsed.header_row:
        parts.append(f"overskrifter på rad {parsed.header_row}")
    if parsed.amount_unit:
        parts.append("beløp i 1000 kr (lagres i kr)" if parsed.amount_unit == "1000kr" else "beløp i kr")
    if parsed.is_demo:
        parts.append("merket som demodata (filnavnet inneholder «demo»)")
    return ", ".join(parts)


def plan(parsed: own_data.ParseResult) -> own_data.ImportPlan:
    """What an import would add and replace in the app's database (read-only)."""
    return own_data.plan(db.ensure_database(), parsed)


def plan_table(the_plan: own_data.ImportPlan) -> pl.DataFrame:
    label = {"budget": "Periode", "sick-leave": "Måned", "goals": "Enhet og år", "budget-frame": "Ramme"}
    return pl.DataFrame({
        label.get(the_plan.kind, "Periode"): [p.label for p in the_plan.periods],
        "Nye rader": [p.new_rows for p in the_plan.periods],
        "Rader i dag (erstattes)": [p.existing_rows for p in the_plan.periods],
        "Hva skjer": ["erstattes" if p.existing_rows else "legges til" for p in the_plan.periods],
    }, schema={label.get(the_plan.kind, "Periode"): pl.Utf8, "Nye rader": pl.Int64,
               "Rader i dag (erstattes)": pl.Int64, "Hva skjer": pl.Utf8})


def plan_summary(the_plan: own_data.ImportPlan) -> str:
    if the_plan.already_imported:
        return "Denne filen er allerede importert med de samme valgene; en ny import endrer ingenting."
    text = (f"{fmt.number(the_plan.rows_to_insert)} rader legges inn; "
            f"{fmt.number(the_plan.rows_to_replace)} eksisterende rader erstattes.")
    if the_plan.demo_rows_to_remove:
        text += f" {fmt.number(the_plan.demo_rows_to_remove)} rader med demodata fjernes."
    return text


def run_import(parsed: own_data.ParseResult, author: dict | None = None) -> own_data.ImportResult:
    """Write the parsed file into the app's database (atomic replace), recording who imported it (`author`: the
    login's sub, e-mail and name; None: the machine's user). Raises ImportRejected / DatabaseBusy."""
    result = own_data.import_parsed(db.ensure_database(), parsed, author=author)
    # the shared read connection follows the swapped file now: DuckDB hands a new connection to the same path the
    # instance still open on the old file, so the plan shown after the import would read the old one
    db.connection().close()
    return result


def recent_imports(limit: int = 20) -> pl.DataFrame:
    """The latest imports with their author, as the /importer page lists them (Norwegian columns)."""
    frame = db.query("own_recent_imports", {"limit": int(limit)})

    def author(r: dict) -> str:
        if r["is_demo"] and not r["imported_by_name"]:
            return "demodata (innebygd)"
        parts = [p for p in (r["imported_by_name"], r["imported_by_email"]) if p]
        if r["imported_by_email"] and r["imported_by_name"] == r["imported_by_email"]:
            parts = [r["imported_by_email"]]
        return " · ".join(parts) or "ukjent"

    rows = frame.to_dicts()
    return pl.DataFrame({
        "Nr.": [r["batch_id"] for r in rows],
        "Tidspunkt (UTC)": [r["imported_at"].strftime("%d.%m.%Y %H:%M") for r in rows],
        "Filtype": [kind_label(r["kind"]) for r in rows],
        "Fil": [r["file_name"] for r in rows],
        "Rader": [fmt.number(r["rows"]) for r in rows],
        "Importert av": [author(r) for r in rows],
        "Bruker-id (sub)": [r["imported_by_sub"] or "" for r in rows],
    }, schema={"Nr.": pl.Int64, "Tidspunkt (UTC)": pl.Utf8, "Filtype": pl.Utf8, "Fil": pl.Utf8, "Rader": pl.Utf8,
               "Importert av": pl.Utf8, "Bruker-id (sub)": pl.Utf8})


def result_message(result: own_data.ImportResult) -> str:
    if result.status == "unchanged":
        return f"«{result.parsed.file_name}» var allerede importert – ingenting er endret."
    return (f"Importerte {fmt.number(result.plan.rows_to_insert)} rader fra «{result.parsed.file_name}» "
            f"({result.parsed.what}, import nr. {result.batch_id}). Sidene viser de nye tallene nå.")
