"""Small units stay small: no sum, rolling figure or download lets a hidden unit's sick leave be worked out by
subtraction (secondary suppression).

The attack: every figure the sick-leave figures and their downloads show is a sum of (unit, month) cells (sick days
over agreed days; the agreed days are taken as known, the strongest assumption). A hidden unit is exposed when some
combination of shown sums isolates any of its hidden months: a vector on its hidden cells alone in the span of what is
shown. The test collects every shown number from every download (per unit, «Alle enheter», per month, rolling
12 months, each month of two years) and checks that span with linear algebra, and tries the plain subtraction
(«Alle enheter» minus the units shown) on every total.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from dashboard import figures
from dashboard.own import queries as oq
from dashboard.own.selection import ALL_UNITS, OwnSelection
from pipelines import own_data

# (unit, name, employees per month): two large units; a small one with 3 employees January–March 2016 (6 after);
# one that drops to 4 in February 2016 and June 2017: periods with no, one and two units hidden
UNITS = [("3100", "Stor enhet", lambda y, m: 40), ("3200", "Mellomstor enhet", lambda y, m: 12),
         ("3900", "Lite bofellesskap", lambda y, m: 3 if (y, m) <= (2016, 3) else 6),
         ("3300", "Dagsenter", lambda y, m: 4 if (y, m) in ((2016, 2), (2017, 6)) else 8)]
YEARS = (2016, 2017)
SUM_FIGURES = ["sykefravaer-enheter", "sykefravaer-maaned", "sykefravaer-rullerende",
               "sykefravaer-egenmeldt-legemeldt", "sykefravaer-korttid-langtid"]


def _days(code: str, y: int, m: int) -> tuple[float, float]:
    agreed = {"3100": 800, "3200": 240, "3900": 60, "3300": 160}[code] + m
    sick = round(agreed * (0.04 + (int(code) % 7) * 0.01 + m * 0.002 + (y - 2016) * 0.01), 1)
    return agreed, sick


@pytest.fixture(scope="module")
def small_units_db(built_db, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("suppression")
    path = folder / "kostra.duckdb"
    shutil.copy(built_db, path)
    lines = ["Ansvar;Enhet;År;Måned;Avtalte dagsverk;Fraværsdager;Antall ansatte;Mål %"]
    for y in YEARS:
        for m in range(1, 13):
            for code, name, employees in UNITS:
                agreed, sick = _days(code, y, m)
                lines.append(f"{code};{name};{y};{m};{agreed};{str(sick).replace('.', ',')};{employees(y, m)};7")
    csv = folder / "sykefravaer.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    own_data.import_file(path, "sick-leave", csv)
    return path


@pytest.fixture
def small_units(small_units_db, monkeypatch):
    monkeypatch.setenv("KOSTRA_DB", str(small_units_db))
    return small_units_db


CELLS = [(code, y, m) for code, _, _ in UNITS for y in YEARS for m in range(1, 13)]
INDEX = {cell: i for i, cell in enumerate(CELLS)}
HIDDEN = {(code, y, m) for code, _, employees in UNITS for y in YEARS for m in range(1, 13) if employees(y, m) < 5}


def _window(y: int, m: int, months: int) -> list[tuple[int, int]]:
    end = y * 12 + m - 1
    return [((ym // 12), ym % 12 + 1) for ym in range(end - months + 1, end + 1) if ym // 12 in YEARS]


def _support(units: list[str], span: list[tuple[int, int]]) -> np.ndarray:
    row = np.zeros(len(CELLS))
    for code in units:
        for y, m in span:
            row[INDEX[(code, y, m)]] = _days(code, y, m)[0]  # sick days = pct × agreed days: a weighted sum
    return row


def shown_sums(selections) -> list[tuple[np.ndarray, float, str]]:
    """Every number the sick-leave downloads show, as (its cells, its value, where), over the given selections."""
    codes = [code for code, _, _ in UNITS]
    out = []
    for sel in selections:
        y, m = sel.year, sel.to_month
        for figure_id in SUM_FIGURES:
            download = figures.build_figure(figure_id, sel).download
            for row in download.iter_rows(named=True):
                who = codes if row["Ansvar"] == ALL_UNITS else [row["Ansvar"]]
                if "Måned" in row:  # the monthly downloads: that month, and the 12 months ending it
                    spans = {"Sykefravær (%)": [(row["År"], row["Måned"])],
                             "Rullerende 12 måneder (%)": _window(row["År"], row["Måned"], 12)}
                else:  # per unit or all units: the year to date, and the 12 months ending the period
                    spans = {"Sykefravær (%)": [(y, k) for k in range(1, m + 1)],
                             "Rullerende 12 måneder (%)": _window(y, m, 12),
                             **{c: [(y, k) for k in range(1, m + 1)] for c in
                                ("Egenmeldt (%)", "Legemeldt (%)", "Korttid (%)", "Langtid (%)")}}
                for column, span in spans.items():
                    if row.get(column) is not None:
                        out.append((_support(who, span), row[column], f"{figure_id} {sel} {row['Ansvar']} {column}"))
    return out


def _selections():
    return [OwnSelection(ALL_UNITS, y, None if m == 12 else m) for y in YEARS for m in range(1, 13)] + \
           [OwnSelection(code, 2017, None if m == 12 else m) for code, _, _ in UNITS for m in (5, 6, 7, 12)]


def test_no_shown_sum_contains_a_hidden_month(small_units):
    """Every shown number, total or not, is over cells that are shown themselves: a unit that is ':' in one month
    makes every sum over that month ':' (its year to date, its rolling 12 months, and «Alle enheter»)."""
    shown = shown_sums(_selections())
    assert len(shown) > 300
    hidden_columns = [INDEX[h] for h in HIDDEN]
    leaking = [where for support, _, where in shown if support[hidden_columns].any()]
    assert leaking == []


def test_no_combination_of_shown_sums_isolates_a_hidden_unit(small_units):
    """Linear algebra on everything shown: no vector on one unit's hidden months lies in the span of the shown
    sums, so neither subtraction across units nor across periods can single it out."""
    rows = np.array([support for support, _, _ in shown_sums(_selections())])
    rank = np.linalg.matrix_rank(rows)
    for code in {h[0] for h in HIDDEN}:
        cells = [INDEX[h] for h in HIDDEN if h[0] == code]
        basis = np.zeros((len(cells), len(CELLS)))
        basis[np.arange(len(cells)), cells] = 1
        assert np.linalg.matrix_rank(np.vstack([rows, basis])) == rank + len(cells), code


def test_the_total_minus_the_units_shown_gives_nothing(small_units):
    """The plain subtraction on every «Alle enheter» in the table download of each period."""
    tried = subtracted = 0
    for y in YEARS:
        for m in range(1, 13):
            sel = OwnSelection(ALL_UNITS, y, None if m == 12 else m)
            download = figures.build_figure("sykefravaer-enheter", sel).download
            total = download.filter(pl.col("Ansvar") == ALL_UNITS).row(0, named=True)
            units = download.filter(pl.col("Ansvar") != ALL_UNITS)
            hidden = units.filter(pl.col("Symbol") == ":")["Ansvar"].to_list()
            for column in ("Sykefravær (%)", "Rullerende 12 måneder (%)"):
                tried += 1
                if total[column] is None:
                    continue
                subtracted += 1
                assert units[column].null_count() == 0 or column.startswith("Rullerende"), (y, m, column)
                assert not hidden or column.startswith("Rullerende"), (y, m, hidden)
                weights = {r["Ansvar"]: sum(_days(r["Ansvar"], yy, mm)[0] for yy, mm in (
                    [(y, k) for k in range(1, m + 1)] if column.startswith("Syk") else _window(y, m, 12)))
                    for r in units.iter_rows(named=True)}
                shown = units.filter(pl.col(column).is_not_null())
                rest = sum(weights.values()) - sum(weights[c] for c in shown["Ansvar"])
                assert rest == 0, (y, m, column)  # nothing left over: the total is the shown units' own sum
                worked_out = sum(r[column] * weights[r["Ansvar"]] for r in shown.iter_rows(named=True))
                assert worked_out / sum(weights.values()) == pytest.approx(total[column], abs=0.01)
    assert tried == 48 and subtracted >= 8  # totals shown in 2017 before June, and rolling ones


def test_the_total_is_shown_when_no_unit_in_it_is_hidden_and_says_why_when_hidden(small_units):
    download = figures.build_figure("sykefravaer-enheter", OwnSelection(ALL_UNITS, 2016, 3)).download
    total = download.filter(pl.col("Ansvar") == ALL_UNITS).row(0, named=True)
    assert total["Sykefravær (%)"] is None and total["Symbol"] == ":" and "ville gitt" in total["Forklaring"]
    table = oq.sick_leave_table(oq.with_sick_leave_total(oq.sick_leave_units(2016, 3),
                                                         oq.sick_leave_total(2016, 3)))
    assert table.filter(pl.col("Enhet") == oq.TOTAL_NAME)["Sykefravær"][0] == ":"
    # May 2017: nobody hidden in the year to date nor in the 12 months before it: the total is there
    total = oq.sick_leave_total(2017, 5)
    assert total["status"] == "" and total["rolling_status"] == ""
    agreed = sum(_days(c, 2017, k)[0] for c, _, _ in UNITS for k in range(1, 6))
    sick = sum(_days(c, 2017, k)[1] for c, _, _ in UNITS for k in range(1, 6))
    assert total["sick_leave_pct"] == pytest.approx(sick / agreed * 100)
    assert total["rolling_12_pct"] is not None
