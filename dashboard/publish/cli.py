"""`python -m dashboard.publish`: write a figure's files (HTML, PNG, SVG, XLSX), the presentation and its PDF, no server needed.

Lives with the dashboard because it draws the dashboard's figures; the pipelines (`python -m pipelines`) fetch and
build the data and never import the dashboard. Like the pipelines' commands, a failure is a Norwegian one-line reason
and a non-zero exit, never a traceback.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from dashboard.publish.files import PublishError
from dashboard.publish.run import publish_figures

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Publiser figurer fra KOSTRA-dashbordet som filer (HTML, PNG, SVG, XLSX og presentasjon).")
console = Console(stderr=True)
DbOption = typer.Option(None, "--db", help="Databasefil (standard: $KOSTRA_DB eller data/kostra.duckdb)")


def _fail(message: str, code: int = 1) -> None:
    console.print(f"[bold red]Feil:[/] {message}")
    raise typer.Exit(code)


@app.command()
def publish(figur: list[str] = typer.Option(..., "--figur", help="Figur-id (kan gjentas), f.eks. kostnad-hjemme"),
            kommune: Optional[str] = typer.Option(None, "--kommune", help="Kommunenummer, f.eks. 3909"),
            sammenlign: Optional[list[str]] = typer.Option(
                None, "--sammenlign", help="Kommuner å sammenligne med (kommaliste eller gjentatt)"),
            fra: Optional[str] = typer.Option(None, "--fra", help="Første år"),
            til: Optional[str] = typer.Option(None, "--til", help="Siste år"),
            enhet: Optional[str] = typer.Option(None, "--enhet", help="Enhet (figurer fra egne data)"),
            periode: Optional[str] = typer.Option(None, "--periode", help="År eller år-måned (egne data), f.eks. 2025-06"),
            dekning80: Optional[str] = typer.Option(
                None, "--dekning80", help="Fremskriving: endring i dekningsgrad 80+ i prosent (-50 til 50)"),
            hjemme: Optional[str] = typer.Option(
                None, "--hjemme", help="Fremskriving: prosent av langtidsbeboerne som får tjenester hjemme (0 til 50)"),
            gruppe: bool = typer.Option(False, "--gruppe", help="Fremskriving: KOSTRA-gruppens dekningsgrad"),
            kostvekst: Optional[str] = typer.Option(
                None, "--kostvekst", help="Fremskriving: kostnadsvekst per år i prosent (-3 til 5), f.eks. 1,5"),
            referanse: Optional[str] = typer.Option(
                None, "--referanse", help="Aldersjustert: landet-uten-oslo (standard), gruppe eller et kommunenummer"),
            aar: Optional[str] = typer.Option(None, "--aar", help="Aldersjustert: året (standard: siste år)"),
            out: Path = typer.Option(..., "--out", help="Mappe filene skrives til"),
            self_contained: bool = typer.Option(
                False, "--self-contained",
                help="Hver HTML-fil med plotly.js inni seg (én fil å sende på e-post, ca. 5 MB hver) i stedet for "
                     "én felles plotly.min.js ved siden av filene"),
            sett: Optional[str] = typer.Option(
                None, "--sett", help="Navn på settet (standard: figurenes id-er). Flere sett kan dele en mappe; hvert "
                                     "har sitt manifest, og en publisering rører bare sitt eget setts filer"),
            overwrite: bool = typer.Option(
                False, "--overwrite", help="Erstatt filer i mappen med samme navn som ikke er skrevet av dette settet "
                                           "(uten: publiseringen stopper og nevner filen)"),
            db: Optional[Path] = DbOption) -> None:
    """Lag filer som ikke trenger server: <id>.html, .png, .svg og .xlsx per figur, presentasjon.pdf, og
    presentasjon.html med flere figurer. HTML-filene laster plotly.min.js fra samme mappe (--self-contained: inni).

    Scenarioet for fremskriving-figurene gis som på /fremskriving: --dekning80, --hjemme, --gruppe, --kostvekst;
    referansen og året for aldersjustert-figurene som på /aldersjustert: --referanse, --aar."""
    if db:
        os.environ["KOSTRA_DB"] = str(db)
    try:
        result = publish_figures(figur, out, kommune=kommune, sammenlign=sammenlign, fra=fra, til=til,
                                 enhet=enhet, periode=periode, dekning80=dekning80, hjemme=hjemme, gruppe=gruppe,
                                 kostvekst=kostvekst, referanse=referanse, aar=aar,
                                 self_contained=self_contained, set_name=sett, overwrite=overwrite)
    except PublishError as exc:
        _fail(str(exc))
    for notice in result.notices:
        console.print(f"[yellow]Merk:[/] {notice}")
    console.print(f"Skrev {len(result.files)} filer til {result.out_dir} på {result.seconds:.1f} s:")
    for path in result.files:
        console.print(f"  {path.name}")
    if result.removed:
        console.print(f"Fjernet {len(result.removed)} filer fra en tidligere publisering som ikke lages nå: "
                      + ", ".join(result.removed))


def main() -> None:
    app()
