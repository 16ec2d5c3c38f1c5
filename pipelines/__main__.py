"""Command line: `python -m pipelines build|fetch|status|catalogue|import|make-demo|publish`.

Every command prints a Norwegian one-line reason and exits non-zero on failure, never a traceback,
because the people running it are analysts, not developers.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table as RichTable

from pipelines import catalogue as cat_mod
from pipelines.paths import RAW_DIR, default_db_path

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Datapipeline for KOSTRA-dashbordet (SSB, KLASS og kommunens egne filer).")
console = Console(stderr=True)

try:  # own-data import commands (budget, sykefravær, mål) live in their own module
    from pipelines.own_data.cli import import_app
    app.add_typer(import_app, name="import", help="Importer kommunens egne filer (CSV/XLSX).")
except ImportError:  # pragma: no cover - only while the module is missing
    pass

DbOption = typer.Option(None, "--db", help="Databasefil (standard: $KOSTRA_DB eller data/kostra.duckdb)")


def _fail(message: str, code: int = 1) -> None:
    console.print(f"[bold red]Feil:[/] {message}")
    raise typer.Exit(code)


@app.command()
def build(raw: Path = typer.Option(RAW_DIR, "--raw", help="Mappe med rådata og manifest.json"),
          db: Optional[Path] = DbOption) -> None:
    """Bygg databasen fra rådata på disk (ingen nettverk)."""
    from pipelines.build import BuildError, build as run_build
    try:
        result = run_build(raw, db or default_db_path())
    except BuildError as exc:
        _fail(str(exc))
    demo = " (DEMODATA)" if result.is_demo else ""
    console.print(f"Bygde {result.db_path} på {result.seconds:.1f} s: {result.observations:,} observasjoner, "
                  f"{result.derived:,} egne beregninger{demo}".replace(",", " "))


@app.command()
def fetch(tables: Optional[list[str]] = typer.Option(None, "--tables", help="Bare disse SSB-tabellene"),
          from_year: int = typer.Option(2015, "--from-year", help="Første år som hentes"),
          raw: Path = typer.Option(RAW_DIR, "--raw", help="Mappe rådata lagres i (erstattes atomisk)"),
          db: Optional[Path] = DbOption) -> None:
    """Hent ferske data fra SSB og KLASS, lagre rå svar med manifest, og bygg databasen."""
    from pipelines.fetch import FetchFailed, fetch_all
    try:
        fetch_all(raw_dir=raw, db_path=db or default_db_path(), tables=tables, from_year=from_year, console=console)
    except FetchFailed as exc:
        _fail(str(exc))


@app.command()
def status(db: Optional[Path] = DbOption) -> None:
    """Vis hva databasen inneholder: tabeller, år, regioner, oppdateringstid, demo eller ekte."""
    from pipelines.status import StatusError, database_status
    path = db or default_db_path()
    try:
        info = database_status(path)
    except StatusError as exc:
        _fail(str(exc))
    out = Console()
    out.print(f"[bold]{path}[/]  bygget {info['built_at']}  "
              + ("[bold yellow]DEMODATA[/]" if info["is_demo"] else "[green]ekte data[/]"))
    t = RichTable("Tabell", "Tittel", "År", "Regioner", "Observasjoner", "SSB oppdatert", "Hentet", "Demo")
    for row in info["tables"]:
        t.add_row(row["table_id"], row["title"][:60], f"{row['first_year']}–{row['last_year']}",
                  str(row["regions"]), str(row["observations"]), row["updated"] or "", row["fetched_at"] or "",
                  "ja" if row["is_demo"] else "nei")
    out.print(t)
    out.print(f"Regioner: {info['regions']}  ·  Endringer i kommunenummer: {info['region_changes']}  ·  "
              f"Egne beregninger: {info['derived']}")
    for name, rows in info["own_data"].items():
        label = {"own_budget_line": "budsjett og regnskap", "own_sick_leave": "sykefravær",
                 "own_unit_goal": "enhetsmål", "own_budget_frame": "budsjettramme", "own_unit": "enheter",
                 "own_import_batch": "importer"}.get(name, name)
        out.print(f"Egne data – {label}: {rows} rader")


@app.command("catalogue")
def catalogue_cmd(as_json: bool = typer.Option(False, "--json", help="Skriv katalogen som JSON")) -> None:
    """Skriv ut indikatorkatalogen."""
    cat = cat_mod.load()
    if as_json:
        sys.stdout.write(json.dumps(cat.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    t = RichTable("Id", "Navn", "Enhet", "Kilde")
    for ind in cat.indicators.values():
        src = (f"SSB {ind.source.table} / {ind.source.contents_code}" if ind.source
               else f"egen beregning: {ind.formula.op}({ind.formula.numerator}, {ind.formula.denominator})")
        t.add_row(ind.id, ind.short_label, ind.unit, src)
    Console().print(t)


@app.command("make-demo")
def make_demo(raw: Path = typer.Option(RAW_DIR, "--raw")) -> None:
    """Lag det syntetiske øyeblikksbildet av SSB-tabellene på nytt (demodata)."""
    from pipelines.demo_snapshot import generate
    path = generate(raw)
    console.print(f"Skrev demodata og {path}")


@app.command()
def publish(figur: list[str] = typer.Option(..., "--figur", help="Figur-id (kan gjentas), f.eks. kostnad-hjemme"),
            kommune: Optional[str] = typer.Option(None, "--kommune", help="Kommunenummer, f.eks. 3909"),
            sammenlign: Optional[list[str]] = typer.Option(
                None, "--sammenlign", help="Kommuner å sammenligne med (kommaliste eller gjentatt)"),
            fra: Optional[str] = typer.Option(None, "--fra", help="Første år"),
            til: Optional[str] = typer.Option(None, "--til", help="Siste år"),
            enhet: Optional[str] = typer.Option(None, "--enhet", help="Enhet (figurer fra egne data)"),
            periode: Optional[str] = typer.Option(None, "--periode", help="År eller år-måned (egne data), f.eks. 2025-06"),
            out: Path = typer.Option(..., "--out", help="Mappe filene skrives til"),
            db: Optional[Path] = DbOption) -> None:
    """Lag filer som ikke trenger server: <id>.html, .png, .svg og .xlsx per figur, og presentasjon.html."""
    import os
    if db:
        os.environ["KOSTRA_DB"] = str(db)
    from dashboard.publish import PublishError
    from dashboard.publish_run import publish_figures
    try:
        result = publish_figures(figur, out, kommune=kommune, sammenlign=sammenlign, fra=fra, til=til,
                                 enhet=enhet, periode=periode)
    except PublishError as exc:
        _fail(str(exc))
    for notice in result.notices:
        console.print(f"[yellow]Merk:[/] {notice}")
    console.print(f"Skrev {len(result.files)} filer til {result.out_dir} på {result.seconds:.1f} s:")
    for path in result.files:
        console.print(f"  {path.name}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
