"""Demo population projection for the embedded snapshot, in the shape of SSB's table 14746 (JSON-stat 2.0).

Kept apart from snapshot.py because its cells have one more dimension (Alder, single years of age) than the
KOSTRA tables there. The numbers are synthetic: each municipality's demo population of the last KOSTRA year is
spread over single ages with a Norway-like age profile (large post-war cohorts, more elderly in small
municipalities) and carried forward year by year with survival, births and migration, so the 80+ wave of the
real projections shows. Every file says it is demo, exactly like the rest of the snapshot.
"""
from __future__ import annotations

import math
import random

import orjson

from pipelines import catalogue as cat_mod
from pipelines.demo.municipality_size import smallness

TABLE_ID = "14746"
AGES = [f"{a:03d}" for a in range(105)] + ["105+"]
HORIZON = 2045  # the 2026 projections go to 2045 at municipality level; the demo ends there too
UPDATED = "2025-06-12T06:00:00Z"


def _survival(age: int, level: float) -> float:
    """Gompertz survival from birth to `age`; `level` scales mortality (falls a little every year)."""
    return math.exp(-(0.00002 * level / 0.1) * (math.exp(0.1 * age) - 1))


def _base_profile(smallness: float) -> list[float]:
    """Relative size of each single-year cohort in the base year."""
    out = []
    for a in range(len(AGES)):
        boom = 1.18 if 56 <= a <= 78 else 1.0  # the large cohorts born 1947-1969
        old = 1 + 0.25 * smallness if a >= 60 else 1 - 0.05 * smallness
        out.append(boom * old * _survival(a, 1.0))
    return out


def _project(population: float, growth: float, smallness: float, years: list[int],
             rng: random.Random) -> dict[int, list[float]]:
    profile = _base_profile(smallness)
    total = sum(profile)
    pops = {years[0]: [population * p / total for p in profile]}
    births = pops[years[0]][0]
    migration = growth * 2.5 + rng.gauss(0, 0.002)
    for i, year in enumerate(years[1:], start=1):
        prev = pops[years[i - 1]]
        level = 0.985 ** i
        nxt = [births * (1 + growth) ** i]
        for a in range(1, len(AGES)):
            carried = prev[a - 1] + (prev[a] if a == len(AGES) - 1 else 0.0)
            surv = _survival(a, level) / _survival(a - 1, level)
            move = 1 + (migration if 18 <= a <= 45 else migration * 0.2)
            nxt.append(carried * surv * move)
        pops[year] = nxt
    return pops


def projection_json(table: cat_mod.Table, indicator: cat_mod.Indicator, regions: list[tuple[str, str]],
                    cells: dict[tuple[str, int], list[int]], years: list[int], demo_mark: dict, demo_note: str) -> bytes:
    """One JSON-stat 2.0 dataset with SSB's dimension order (Region, Alder, ContentsCode, Tid)."""
    values: list[int | None] = []
    for code, _ in regions:
        for a in range(len(AGES)):
            for year in years:
                values.append(cells[(code, year)][a])
    age_labels = {c: f"{int(c.rstrip('+'))} år" + (" eller eldre" if c.endswith("+") else "") for c in AGES}
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": f"DEMODATA – {table.id}: {table.title}",
        "source": "Statistisk sentralbyrå",
        "updated": UPDATED,
        "note": [demo_note],
        "role": {"time": [table.time_dim], "metric": ["ContentsCode"], "geo": [table.region_dim]},
        "id": [table.region_dim, "Alder", "ContentsCode", table.time_dim],
        "size": [len(regions), len(AGES), 1, len(years)],
        "dimension": {
            table.region_dim: {
                "label": "region",
                "category": {"index": {c: k for k, (c, _) in enumerate(regions)}, "label": dict(regions)},
                "extension": {"elimination": False, "show": "value"},
            },
            "Alder": {
                "label": "alder",
                "category": {"index": {c: k for k, c in enumerate(AGES)}, "label": age_labels},
                "extension": {"elimination": True, "show": "value"},
            },
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {"index": {indicator.source.contents_code: 0},
                             "label": {indicator.source.contents_code: indicator.source.contents_label},
                             "unit": {indicator.source.contents_code: {"base": "personer", "decimals": 0}}},
                "extension": {"elimination": False, "show": "value"},
            },
            table.time_dim: {
                "label": "år",
                "category": {"index": {str(y): k for k, y in enumerate(years)}, "label": {str(y): str(y) for y in years}},
                "extension": {"elimination": False, "show": "code"},
            },
        },
        "extension": {
            "px": {"tableid": table.id, "language": "no", "contents": table.title, "decimals": 0,
                   "official-statistics": False, "aggregallowed": True, "stub": [table.region_dim, "Alder"],
                   "heading": ["ContentsCode", table.time_dim]},
            "kostra_dashboard": demo_mark,
        },
        "value": values,
        "status": {},
    }
    return orjson.dumps(doc)


def add_projection(writer, catalogue: cat_mod.Catalogue, values: dict, names: dict[str, str], last_year: int,
                   *, demo_mark: dict, demo_note: str, fetched_at: str, seed: int) -> None:
    """Write ssb/14746/{table,data-000}.json: municipalities valid in `last_year`, base year = last_year + 1."""
    table = catalogue.tables[TABLE_ID]
    indicator = next(i for i in catalogue.sourced() if i.source.table == TABLE_ID)
    years = list(range(last_year + 1, HORIZON + 1))
    codes = sorted({code for (ind, code, year) in values if ind == "population" and year == last_year})
    cells: dict[tuple[str, int], list[int]] = {}
    for code in codes:
        pop = values[("population", code, last_year)]
        growth = (pop / values.get(("population", code, last_year - 1), pop)) - 1
        rng = random.Random(f"{seed}-projection-{code}")
        for year, ages in _project(pop, max(-0.012, min(0.015, growth)), smallness(pop), years, rng).items():
            cells[(code, year)] = [int(round(v)) for v in ages]
    regions = [(c, names.get(c, c)) for c in codes]
    body = projection_json(table, indicator, regions, cells, years, demo_mark, demo_note)
    base = "https://data.ssb.no/api/pxwebapi/v2"
    info = {"language": "no", "id": table.id, "label": f"DEMODATA – {table.id}: {table.title}", "description": "",
            "updated": UPDATED, "firstPeriod": str(years[0]), "lastPeriod": str(years[-1]), "category": "public",
            "variableNames": ["region", "alder", "statistikkvariabel", "år"], "discontinued": False,
            "source": "Statistisk sentralbyrå", "timeUnit": "Annual", "links": [], "kostra_dashboard": demo_mark}
    url = (f"{base}/tables/{table.id}/data?lang=no&outputFormat=json-stat2&valueCodes[{table.region_dim}]=*"
           f"&valueCodes[Alder]=*&valueCodes[ContentsCode]={indicator.source.contents_code}"
           f"&valueCodes[{table.time_dim}]=*")
    writer.files = [f for f in writer.files if f.table_id != table.id]
    writer.add(f"ssb/{table.id}/table.json", orjson.dumps(info, option=orjson.OPT_INDENT_2), kind="ssb_table",
               url=f"{base}/tables/{table.id}?lang=no", is_demo=True, table_id=table.id, updated=UPDATED,
               fetched_at=fetched_at, compress=False)
    writer.add(f"ssb/{table.id}/data-000.json", body, kind="ssb_data", url=url, is_demo=True, table_id=table.id,
               updated=UPDATED, fetched_at=fetched_at, compress=True)
