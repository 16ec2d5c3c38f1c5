"""A corpus of hostile names, imported as the municipality's own files, for tests that every page, /vis,
/presentasjon and every published format show them as text: no link, element or plotly template that was not ours.

Each name tries one way a text becomes markup: a Markdown link after a blank line (st.markdown), an HTML link
(plotly reads `<a href>` in names and hover texts), a plotly template (`%{…}`), a `javascript:` URL, an image with
an error handler, Markdown emphasis / Streamlit colour directive / maths, and a name long enough to break layouts.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

EVIL = "evil.example"
NAMES = {
    "9101": "Sone Nord\n\n[tekst](https://evil.example/md)",
    "9102": '<a href="https://evil.example/a">Sone Øst</a>',
    "9103": "Sone %{customdata} %{x} Vest",
    "9104": "[klikk](javascript:alert(1)) Sone Sør",
    "9105": "<img src=x onerror=alert(1)> Kjøkken",
    "9106": "**fet** _kursiv_ :red[rød] $x^2$ Bo og aktivitet",
    "9107": "Hjemmetjenesten " + "med et svært langt navn " * 8,
}
# what each name must read as on a page once whitespace is collapsed (the import and the pages do that)
SHOWN = {code: " ".join(name.split()) for code, name in NAMES.items()}
SECTOR = "<b>Helse</b> [og](https://evil.example/s) omsorg"
FRAME = "Ramme <a href='https://evil.example/f'>PO</a>"


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def files(directory: Path) -> list[tuple[str, Path]]:
    """(kind, path) of four files with the hostile names: budget, sick leave, goals and a budget frame."""
    directory.mkdir(parents=True, exist_ok=True)
    budget = _csv(["Ansvar", "Ansvarsnavn", "Sektor", "Tjeneste", "Art", "Periode", "Revidert budsjett", "Regnskap"],
                  [[code, name, SECTOR, "254", "10100", f"2025-{m:02d}", 100_000 + 1000 * i, 90_000 + 4000 * i * m]
                   for i, (code, name) in enumerate(NAMES.items()) for m in range(1, 7)])
    sick = _csv(["Ansvar", "Enhet", "År", "Måned", "Avtalte dagsverk", "Fraværsdager", "Egenmeldt", "Legemeldt",
                 "Korttid", "Langtid", "Antall ansatte", "Mål %"],
                [[code, name, 2025, m, 800, 40 + 5 * i, 10, 30 + 5 * i, 15, 25 + 5 * i, 40, "7,5"]
                 for i, (code, name) in enumerate(NAMES.items()) for m in range(1, 7)])
    goals = _csv(["Ansvar", "Enhet", "År", "Indikator", "Mål", "Resultat", "Høyere er bedre", "Kommentar"],
                 [[code, name, 2025, f"Brukertilfredshet {name}", 90, 85, "ja", f"Kommentar\n\n{name}"]
                  for code, name in NAMES.items()])
    frame = _csv(["Ramme", "År", "Beskrivelse", "Kategori", "Beløp (1000 kr)"],
                 [[FRAME, 2026, "Vedtatt ramme 2025", "start", "100 000"],
                  [FRAME, 2026, NAMES["9102"], "nytt tiltak", "2 000"],
                  [FRAME, 2026, NAMES["9101"], "innsparing", "-1 500"],
                  [FRAME, 2026, "Korrigert ramme 2026", "slutt", "100 500"]])
    out = []
    # the file names too: the source line under every figure and table names the imported file
    for kind, name, data in (("budget", "_kursiv_ budsjett.csv", budget), ("sick-leave", "**fet** sykefravær.csv", sick),
                             ("goals", "maal.csv", goals), ("budget-frame", "ramme.csv", frame)):
        path = directory / name
        path.write_bytes(data)
        out.append((kind, path))
    return out


def import_into(db_path: Path, directory: Path) -> None:
    from pipelines.own_data import import_file
    for kind, path in files(directory):
        import_file(db_path, kind, path)
