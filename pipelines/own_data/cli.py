"""`python -m pipelines import budget|sick-leave|goals|budget-frame FILE`: the same import as the /importer page.

Prints what was added and replaced, or every problem with row and column, and exits 1 when the file
was rejected, so scripts can rely on the exit code.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from .model import KIND_LABELS, ImportRejected, ImportResult
from .parser import parse
from .readers import FileError
from .store import DatabaseBusy, default_db_path, import_parsed, plan

import_app = typer.Typer(add_completion=False, no_args_is_help=True,
                         help="Importer kommunens egne filer: budsjett/regnskap, sykefravær, enhetsmål, budsjettramme.")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DbOpt = typer.Option(None, "--db", help="Databasefil (standard: $KOSTRA_DB eller data/kostra.duckdb)")
SheetOpt = typer.Option(None, "--sheet", help="Arknavn i XLSX-filen (standard: første ark)")
MappingOpt = typer.Option(None, "--mapping", help="Kolonnekart (JSON eller TOML): {\"Regnskap\": \"overskrift i filen\"}")
UnitOpt = typer.Option(None, "--unit", help="Beløpsenhet i filen: kr eller 1000kr (standard: det filen sier, ellers kr)")
DryOpt = typer.Option(False, "--dry-run", help="Vis bare hva som ville blitt importert")


def _run(kind: str, file: Path, db: Optional[Path], sheet, mapping, unit, dry_run: bool) -> None:
    if not file.exists():
        err.print(f"[bold red]Feil:[/] Fant ikke filen «{file}».")
        raise typer.Exit(1)
    db_path = db or default_db_path()
    parsed = parse(kind, file, sheet=sheet, mapping=mapping, amount_unit=unit)
    try:
        if not parsed.ok:
            raise ImportRejected(parsed.problems, parsed.file_name)
        if dry_run:
            the_plan = plan(db_path, parsed)
            _print_summary(ImportResult("dry-run", None, the_plan, parsed), db_path)
            return
        result = import_parsed(db_path, parsed)
    except ImportRejected as exc:
        err.print(f"[bold red]Filen «{exc.file_name}» ble ikke importert[/] ({KIND_LABELS[kind]}). "
                  f"Databasen er uendret. Rett disse {len(exc.problems)} problemene og prøv igjen:")
        for p in exc.problems:
            err.print(f"  • {p}", highlight=False, markup=False)
        raise typer.Exit(1)
    except (DatabaseBusy, FileError) as exc:
        err.print(f"[bold red]Feil:[/] {exc}")
        raise typer.Exit(1)
    _print_summary(result, db_path)


def _print_summary(result: ImportResult, db_path: Path) -> None:
    p, parsed = result.plan, result.parsed
    demo = " (DEMODATA)" if parsed.is_demo else ""
    if result.status == "unchanged":
        out.print(f"«{p.file_name}» er allerede importert (parti {p.previous_batch_id}); ingenting er endret.")
        return
    verb = "ville importert" if result.status == "dry-run" else "importerte"
    unit = f", beløp i {'1000 kr' if parsed.amount_unit == '1000kr' else 'kr'}" if parsed.amount_unit else ""
    n = f"{p.rows_to_insert:,}".replace(",", "\u00a0")
    out.print(f"[bold]{verb.capitalize()}[/] {n} rader {parsed.what} fra «{p.file_name}»{demo} "
              f"til {db_path}{unit}.", highlight=False)
    table = Table("Periode / utsnitt", "Nye rader", "Erstatter", show_edge=False)
    for change in p.periods[:40]:
        table.add_row(change.label, str(change.new_rows), str(change.existing_rows))
    if len(p.periods) > 40:
        table.add_row(f"… {len(p.periods) - 40} til", "", "")
    out.print(table)
    # the table shows what each slice replaces (the same rule as the total); the line adds only what it does not
    # show: the total over several slices and the demo rows a real file removes
    said = []
    if p.rows_to_replace and len(p.periods) > 1:
        said.append(f"erstatter til sammen {p.rows_to_replace} eksisterende rader")
    if p.demo_rows_to_remove:
        said.append(f"fjerner {p.demo_rows_to_remove} rader demodata")
    if said:
        text = " og ".join(said)
        out.print(f"{text[0].upper()}{text[1:]}.")
    for w in [*parsed.warnings, *p.warnings]:
        out.print(f"[yellow]Merk:[/] {w}", highlight=False)


def _command(kind: str, doc: str):
    def command(file: Path = typer.Argument(..., help="CSV- eller XLSX-fil"), db: Optional[Path] = DbOpt,
                sheet: Optional[str] = SheetOpt, mapping: Optional[Path] = MappingOpt,
                unit: Optional[str] = UnitOpt, dry_run: bool = DryOpt) -> None:
        _run(kind, file, db, sheet, mapping, unit, dry_run)

    command.__doc__ = doc
    import_app.command(kind)(command)


_command("budget", "Budsjett og regnskap per ansvar, tjeneste, art og periode.")
_command("sick-leave", "Sykefravær per enhet og måned.")
_command("goals", "Enhetsmål: mål og resultat per enhet, indikator og år.")
_command("budget-frame", "Budsjettramme: fra fjorårets ramme gjennom endringene til korrigert ramme.")
