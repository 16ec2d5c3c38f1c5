"""Command line: `python -m pipelines build|fetch|status|catalogue|import|make-demo`.

Figures are published by the dashboard: `python -m dashboard.publish` (`publish` here passes on to it for a while).

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
    from pipelines.build import BuildError
    from pipelines.build import build as run_build
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
          if_updated: bool = typer.Option(False, "--if-updated",
                                          help="Hent bare tabeller SSB har oppdatert siden forrige henting"),
          timeout: float = typer.Option(110.0, "--timeout", min=1.0,
                                        help="Lengste ventetid i sekunder for ett svar, alle nye forsøk medregnet"),
          db: Optional[Path] = DbOption) -> None:
    """Hent ferske data fra SSB og KLASS, lagre rå svar med manifest, og bygg databasen.

    Avslutningskode: 0 = alt oppdatert (eller ingenting å oppdatere), 1 = feil (ingenting endret),
    3 = delvis oppdatert (noen indikatorer beholder sine tidligere tall; se meldingen).
    """
    from pipelines.fetch import EXIT_FAILED, FetchFailed, fetch_all
    try:
        outcome = fetch_all(raw_dir=raw, db_path=db or default_db_path(), tables=tables, from_year=from_year,
                            console=console, if_updated=if_updated, total_timeout=timeout)
    except (FetchFailed, cat_mod.CatalogueError) as exc:
        _fail(str(exc), EXIT_FAILED)
    raise typer.Exit(outcome.exit_code)


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
    if info["stale"]:
        out.print(f"[bold yellow]Ikke oppdatert ved siste henting ({len(info['stale'])}):[/] "
                  + ", ".join(i for i, _ in info["stale"]) + " – de viser tidligere tall (se `catalogue check`).")
    for name, rows in info["own_data"].items():
        label = {"own_budget_line": "budsjett og regnskap", "own_sick_leave": "sykefravær",
                 "own_unit_goal": "enhetsmål", "own_budget_frame": "budsjettramme", "own_unit": "enheter",
                 "own_import_batch": "importer"}.get(name, name)
        out.print(f"Egne data – {label}: {rows} rader")


@app.command("catalogue")
def catalogue_cmd(action: Optional[str] = typer.Argument(None, help="«check»: kontroller hver oppføring mot SSB; "
                                                                    "«choose» OPPFØRING TABELL KODE: velg SSBs variabel"),
                  choice: Optional[list[str]] = typer.Argument(None, help="Med choose: oppføring, tabell og kode"),
                  as_json: bool = typer.Option(False, "--json", help="Skriv katalogen som JSON"),
                  write: bool = typer.Option(False, "--write",
                                             help="Med check: skriv det som ble funnet tilbake i katalogfilen"),
                  timeout: float = typer.Option(110.0, "--timeout", min=1.0,
                                                help="Lengste ventetid i sekunder for ett svar fra SSB")) -> None:
    """Skriv ut indikatorkatalogen, eller kontroller den mot SSB (`catalogue check`, krever nett).

    `catalogue check` avslutter med 0 når alle oppføringer stemmer, 3 når noen ikke gjør det (også når de ble
    funnet ved navn), 1 ved feil. `catalogue check --write` retter det som ble funnet og viser endringen.
    """
    try:
        cat = cat_mod.load()
    except cat_mod.CatalogueError as exc:
        _fail(str(exc))
    if action == "check":
        _catalogue_check(cat, timeout, write)
        return
    if action == "choose":
        if not choice or len(choice) != 3:
            _fail("Bruk: python -m pipelines catalogue choose OPPFØRING TABELL KODE "
                  "(for eksempel home_care_cost_per_recipient 12209 KOSBDU…); se forslagene fra `catalogue check`.")
        _catalogue_choose(cat, *choice, timeout=timeout)
        return
    if action is not None:
        _fail(f"Ukjent handling «{action}». Bruk `catalogue`, `catalogue check` eller `catalogue choose`.")
    if write:
        _fail("--write hører til `catalogue check --write`.")
    if as_json:
        sys.stdout.write(json.dumps(cat.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    t = RichTable("Id", "Navn", "Enhet", "Kilde")
    for ind in cat.indicators.values():
        src = (f"SSB {ind.source.table} / {ind.source.contents_code}" if ind.source
               else f"egen beregning: {ind.formula.op}({ind.formula.numerator}, {ind.formula.denominator})")
        t.add_row(ind.id, ind.short_label, ind.unit, src)
    Console().print(t)


def _catalogue_check(cat: cat_mod.Catalogue, timeout: float, write: bool = False) -> None:
    """One row per catalogue entry: ok, found by label, or what changed at SSB, with suggestions."""
    import datetime as dt

    from pipelines.catalogue_check import diff, verdicts, write_back
    from pipelines.fetch import EXIT_FAILED, EXIT_PARTLY_UPDATED, check_catalogue
    from pipelines.http_client import FetchError, SsbClient
    with SsbClient(total_timeout=timeout, notify=lambda text: console.print(text, markup=False)) as client:
        try:
            checks = check_catalogue(client, cat, list(cat.tables))
        except FetchError as exc:
            _fail(f"Kunne ikke kontrollere katalogen mot SSB: {exc}", EXIT_FAILED)
    results = verdicts(cat, checks)
    out = Console(width=max(Console().width, 160))
    t = RichTable("Tabell", "Indikator", "Kode", "Status", "Forklaring", "Forslag fra SSB", show_lines=False)
    for v in results:
        t.add_row(v.table_id, v.indicator_id, v.code, v.status_text, v.message,
                  "" if v.ok or v.resolution else ("\n".join(v.suggestions) or "–"))
    out.print(t)
    for v in results:
        if v.candidates:
            out.print(f"[bold]{v.indicator_id}[/]: ikke funnet hos SSB under koden {v.code} eller navnet. "
                      f"Nærmeste variabler hos SSB (samme tabell først, så SSBs tabellsøk):", highlight=False)
            for n, c in enumerate(v.candidates, 1):
                out.print(f"  {n}. {c.text()}", markup=False, highlight=False)
            first = v.candidates[0]
            out.print(f"  Velg med: python -m pipelines catalogue choose {v.indicator_id} {first.table_id} "
                      f"{first.code}", markup=False, highlight=False)
    found = [v for v in results if v.resolution is not None]
    bad = [v for v in results if not v.ok and v.resolution is None]
    total = len(results)
    out.print(f"{total - len(found) - len(bad)} av {total} oppføringer stemmer med SSB."
              + (f" {len(found)} funnet ved navn (`fetch` bruker SSBs kode; `catalogue check --write` retter "
                 f"katalogen)." if found else "")
              + (f" {len(bad)} må rettes i katalogen; `fetch` beholder de tidligere tallene for dem." if bad else ""))
    if write:
        path = cat_mod.catalogue_path()
        skipped: list[str] = []
        try:
            old, new = write_back(path, cat, checks, results, dt.date.today(), skipped)
        except cat_mod.CatalogueError as exc:
            _fail(str(exc))
        for line in skipped:
            out.print(f"[yellow]Endret i filen under kontrollen:[/] {line}", highlight=False)
        if old == new:
            out.print(f"Ingenting å skrive i {path}.")
        else:
            sys.stdout.write(diff(old, new, path.name))
            out.print(f"Skrev {path}: {len(found)} oppføringer rettet etter navn, "
                      f"{sum(v.ok for v in results)} bekreftet; {len(bad)} urørt.")
        if bad:
            raise typer.Exit(EXIT_PARTLY_UPDATED)
        return
    if found or bad:
        raise typer.Exit(EXIT_PARTLY_UPDATED)


def _catalogue_choose(cat: cat_mod.Catalogue, indicator_id: str, table_id: str, code: str, *, timeout: float) -> None:
    """Write a person's choice of SSB's variable into the catalogue, after checking it against SSB's metadata."""
    import datetime as dt
    import getpass

    from pipelines.catalogue_check import ChoiceError, choose, diff
    from pipelines.fetch import EXIT_FAILED, _region_dim, parse_dimensions
    from pipelines.http_client import FetchError, SsbClient
    with SsbClient(total_timeout=timeout, notify=lambda text: console.print(text, markup=False)) as client:
        try:
            info = client.table(table_id)
            meta = client.metadata_fetched(table_id).json()
            dims = parse_dimensions(meta)
        except FetchError as exc:
            _fail(f"Kunne ikke lese tabell {table_id} hos SSB: {exc}", EXIT_FAILED)
        except ValueError as exc:
            _fail(f"Metadata for tabell {table_id} fra SSB kan ikke leses: {exc}", EXIT_FAILED)
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "ukjent bruker"
    path = cat_mod.catalogue_path()
    try:
        old, new = choose(path, cat, indicator_id, table_id, code, dims, info, _region_dim(dims, meta), user,
                          dt.datetime.now(dt.timezone.utc))
    except (ChoiceError, cat_mod.CatalogueError) as exc:
        _fail(str(exc))
    sys.stdout.write(diff(old, new, path.name))
    console.print(f"Skrev {path}: {indicator_id} henter nå {code} fra tabell {table_id} (valgt av {user}). "
                  f"Kjør `python -m pipelines fetch` for å hente tallene.", markup=False, highlight=False)


@app.command("make-demo")
def make_demo(raw: Path = typer.Option(RAW_DIR, "--raw")) -> None:
    """Lag det syntetiske øyeblikksbildet av SSB-tabellene på nytt (demodata)."""
    from pipelines.demo.snapshot import generate
    path = generate(raw)
    console.print(f"Skrev demodata og {path}")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True}, add_help_option=False)
def publish(ctx: typer.Context) -> None:
    """Flyttet: bruk `python -m dashboard.publish` (samme valg). Denne varianten sender videre dit en stund til."""
    import subprocess
    console.print("[yellow]Merk:[/] publish er flyttet til [bold]python -m dashboard.publish[/] (samme valg); "
                  "`python -m pipelines publish` sender videre dit en stund til.")
    # a new process, not an import: the pipelines never import the dashboard
    raise typer.Exit(subprocess.call([sys.executable, "-m", "dashboard.publish", *ctx.args]))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
