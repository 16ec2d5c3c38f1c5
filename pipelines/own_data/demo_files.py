"""Writes the labelled demo files in data/own/ (fictional care units; the budget frame lines are the public
2017–2020 home-services frame). Deterministic, so regenerating gives identical files:

    .venv/bin/python -m pipelines.own_data.demo_files
"""
from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from .metrics import sick_leave_pct

OUT_DIR = Path(__file__).resolve().parents[2] / "data" / "own"
YEARS = (2023, 2024, 2025)
SECTOR = "Helse og omsorg"
# code, name, KOSTRA function, function name, yearly net budget 2023 (kr), accounts drift, employees, sick base %, goal %
UNITS = (
    ("3110", "Hjemmetjenesten sone Nord", "254", "Helse- og omsorgstjenester i hjemmet", 38_000_000, -0.020, 55, 7.6, 8.5),
    ("3120", "Hjemmetjenesten sone Sør", "254", "Helse- og omsorgstjenester i hjemmet", 34_000_000, 0.012, 48, 10.3, 8.5),
    ("3130", "Hjemmetjenesten sone Øst", "254", "Helse- og omsorgstjenester i hjemmet", 29_000_000, -0.005, 40, 7.0, 8.5),
    ("3210", "Solheim sykehjem", "253", "Helse- og omsorgstjenester i institusjon", 62_000_000, 0.045, 85, 11.4, 9.0),
    ("3220", "Fjordtun omsorgssenter", "253", "Helse- og omsorgstjenester i institusjon", 45_000_000, 0.008, 60, 9.1, 9.0),
    ("3310", "Dagsenteret", "234", "Aktivisering og servicetjenester overfor eldre og personer med funksjonsnedsettelser",
     6_000_000, -0.030, 4, 5.0, 6.0),
)
# art, name, share of net budget (income negative), follows the wage settlement from May
ARTS = (
    ("10100", "Fastlønn", 0.640, True), ("10200", "Lønn vikarer", 0.070, True), ("10300", "Ekstrahjelp", 0.030, True),
    ("10400", "Overtidslønn", 0.015, True), ("10900", "Pensjon", 0.110, False),
    ("10990", "Arbeidsgiveravgift", 0.105, False), ("11200", "Medisinsk forbruksmateriell", 0.030, False),
    ("11600", "Transport og bilgodtgjørelse", 0.020, False), ("16200", "Brukerbetaling", -0.030, False),
    ("17100", "Refusjon sykepenger", -0.025, False),
)
SEASON = (1.0, 1.0, 0.95, 0.95, 1.0, 1.05, 1.35, 1.05, 0.95, 0.95, 0.95, 0.85)  # holiday temps in July
SICK_SEASON = (1.25, 1.2, 1.1, 0.95, 0.9, 0.85, 0.75, 0.85, 0.95, 1.05, 1.1, 1.25)


def _kr(x: float) -> str:
    """1 234 567,00 with no-break spaces, as accounting exports write it."""
    s = f"{abs(x):,.2f}".replace(",", "\u00a0").replace(".", ",")
    return ("-" if x < 0 else "") + s


def budget_csv() -> str:
    rnd = random.Random(2023)
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(["Ansvar", "Ansvarsnavn", "Sektor", "Tjeneste", "Tjenestenavn", "Art", "Artsnavn", "Periode",
                "Opprinnelig budsjett", "Budsjettendringer", "Revidert budsjett", "Regnskap"])
    for y_i, year in enumerate(YEARS):
        for code, name, fn, fn_name, base, drift, *_ in UNITS:
            yearly = base * (1.045 ** y_i)
            for month in range(1, 13):
                for art, art_name, share, wage in ARTS:
                    season = SEASON[month - 1] if art in ("10200", "10300") else 1.0
                    original = round(yearly * share / 12 * season)
                    change = round(original * 0.032) if wage and month >= 5 else 0
                    revised = original + change
                    noise = rnd.gauss(0, 0.04 if share > 0 else 0.12)
                    tilt = drift * (3.0 if art in ("10200", "10400") else 1.0)
                    accounts = round(revised * (1 + tilt + noise), 2)
                    w.writerow([code, name, SECTOR, fn, fn_name, art, art_name, f"{year}-{month:02d}",
                                _kr(original), _kr(change), _kr(revised), _kr(accounts)])
    return out.getvalue()


def sick_leave_rows() -> list[list]:
    rnd = random.Random(2024)
    rows = []
    for y_i, year in enumerate(YEARS):
        for code, name, _fn, _fnn, _b, _d, employees, base, goal in UNITS:
            for month in range(1, 13):
                agreed = round(employees * 0.72 * (21 - (4 if month == 7 else 0)), 1)
                pct = max(0.5, base * SICK_SEASON[month - 1] * (1 - 0.04 * y_i) + rnd.gauss(0, 0.9))
                sick = round(agreed * pct / 100, 1)
                short = round(sick * rnd.uniform(0.25, 0.4), 1)
                self_cert = round(short * rnd.uniform(0.55, 0.8), 1)
                rows.append([code, name, year, month, agreed, sick, self_cert, round(sick - self_cert, 1), short,
                             round(sick - short, 1), round(sick_leave_pct(sick, agreed), 2), employees, goal])
    return rows


def goals_csv(sick_rows: list[list]) -> str:
    rnd = random.Random(2025)
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(["Ansvar", "Enhet", "År", "Indikator", "Mål", "Resultat", "Høyere er bedre", "Måleenhet", "Kommentar"])
    for year in YEARS:
        for code, name, _fn, _fnn, _b, _d, _e, _base, sick_goal in UNITS:
            days = [(r[5], r[4]) for r in sick_rows if r[0] == code and r[2] == year]
            sick_year = sum(d for d, _ in days) / sum(a for _, a in days) * 100
            survey_done = not (year == 2023 and code in ("3110", "3210"))
            staff_survey = year != 2024
            lines = [
                ("Brukerundersøkelse", 4.5, round(rnd.uniform(4.1, 5.2), 1) if survey_done else None, "ja", "skala 1–6",
                 "" if survey_done else "Ikke gjennomført i år"),
                ("Gjennomsnittlig stillingsstørrelse", 67, round(rnd.uniform(60, 72), 1), "ja", "%", ""),
                ("Andel ansatte med relevant utdanning", 75, round(rnd.uniform(68, 82), 1), "ja", "%", ""),
                ("Sykefravær", sick_goal, round(sick_year, 2), "nei", "%", ""),
                ("Medarbeiderundersøkelse", 4.5, round(rnd.uniform(4.0, 5.1), 1) if staff_survey else None, "ja",
                 "skala 1–6", "" if staff_survey else "Gjennomføres annethvert år"),
            ]
            for ind, goal, result, hib, unit, comment in lines:
                fmt = lambda x: "" if x is None else f"{x}".replace(".", ",")  # noqa: E731
                w.writerow([code, name, year, ind, fmt(goal), fmt(result), hib, unit, comment])
    return out.getvalue()


# Tabell 5.14 "Budsjettramme for Hjemmebaserte tjenester 2017-2020, tall i 1 000 kr" from a public budget
# document (see the budget-frame seed); line number, text, amounts 2017..2020. None = a heading line.
FRAME_LINES = (
    ("", "Opprinnelig vedtatt netto budsjettramme 2016", (461_992, 461_992, 461_992, 461_992)),
    ("", "Endringer:", None),
    ("128", "Vedtatt styrking av hjemmetjenesten fra 2016 avvikles iht. vedtatte planer", (-4_000,) * 4),
    ("129", "Effektiviseringskrav Hjemmebaserte tjenester", (-1_400,) * 4),
    ("131", "ROP-natt fra statlig til kommunal finansiering", (1_900,) * 4),
    ("132", "Cosdoc+ (nettbrett og lisens)", (500, 3_000, 1_500, 1_500)),
    ("133", "Logistikkprogram hjemmesykepleien, innrulling + lisenser", (500, 1_000, 1_000, 1_000)),
    ("134", "Gevinstrealisering nytt logistikkprogram hjemmesykepleien", (0, -1_000, -1_000, -1_000)),
    ("135", "Omorganisering nye virksomheter", (1_000,) * 4),
    ("", "Intern overføring mellom rammene – fra hjemmebaserte tjenester til bofellesskap PUH", (-270_900,) * 4),
    ("", "Intern overføring mellom rammene – fra hjemmebaserte tjenester til bofellesskap psykisk helse/ROP",
     (-114_052,) * 4),
    ("", "Driftskonsekvenser av investeringer:", None),
    ("137", "Dagsenterplasser, PUH, 15 brukere", (2_500, 7_000, 7_000, 7_000)),
    ("", "Korrigert netto budsjettramme 2017-2020", (78_040, 84_540, 83_040, 83_040)),
)


def write_all(out_dir: Path = OUT_DIR) -> list[Path]:
    import openpyxl

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    p = out_dir / "budsjett-regnskap-demo-2023-2025.csv"
    p.write_bytes(b"\xef\xbb\xbf" + budget_csv().encode("utf-8"))
    paths.append(p)

    sick = sick_leave_rows()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sykefravær"
    ws.append(["Sykefravær per enhet og måned – DEMODATA (fiktive enheter)"])
    ws.append([])
    ws.append(["Ansvar", "Enhet", "År", "Måned", "Avtalte dagsverk", "Fraværsdager", "Egenmeldt", "Legemeldt",
               "Korttid", "Langtid", "Sykefravær %", "Antall ansatte", "Mål %"])
    for row in sick:
        ws.append(row)
    p = out_dir / "sykefravaer-demo-2023-2025.xlsx"
    _save_stable(wb, p)
    paths.append(p)

    p = out_dir / "enhetsmaal-demo-2023-2025.csv"
    p.write_bytes(b"\xef\xbb\xbf" + goals_csv(sick).encode("utf-8"))
    paths.append(p)

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Budsjettramme"
    ws.append(["Budsjettramme for Hjemmebaserte tjenester 2017–2020"])
    ws.append(["Tall i 1 000 kr. DEMODATA: linjene er hentet fra et offentlig budsjettdokument (tabell 5.14)."])
    ws.append(["Linjenr", "Beskrivelse", 2017, 2018, 2019, 2020])
    for ref, text, amounts in FRAME_LINES:
        ws.append([ref or None, text, *(amounts or (None,) * 4)])
    p = out_dir / "budsjettramme-demo-hjemmebaserte-2017-2020.xlsx"
    _save_stable(wb, p)
    paths.append(p)
    return paths


def _save_stable(wb, path: Path) -> None:
    """openpyxl stamps the current time into docProps/core.xml; pin it so regenerating changes nothing."""
    import datetime as dt

    fixed = dt.datetime(2025, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.save(path)


if __name__ == "__main__":
    for path in write_all():
        print(path)
