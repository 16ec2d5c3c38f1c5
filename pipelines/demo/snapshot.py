"""Generate the embedded demo snapshot: synthetic SSB responses in exactly SSB's JSON-stat 2.0 shape.

There is no network to SSB where the project is built and tested, yet the dashboard must start with
data and the build must be exercised end to end. So we write responses that look exactly like
PxWebApi v2's, for the real municipality codes and names from KLASS, with synthetic values of
plausible level, spread and trend. Every file says it is demo (label prefix, a note and
`extension.kostra_dashboard.demo`), the manifest says so, and so does every database row.

Run: `python -m pipelines make-demo` (rewrites data/raw/ssb/ and the manifest; keeps data/raw/klass/).
"""
from __future__ import annotations

import itertools
import math
import random
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import orjson
import polars as pl

from pipelines import catalogue as cat_mod
from pipelines import klass
from pipelines.demo import projection as projection_demo
from pipelines.demo.municipality_size import smallness
from pipelines.raw_store import RawFile, RawWriter, read_manifest, sha256

YEARS = list(range(2015, 2025))
UPDATED = {2024: "2025-06-15T06:00:00Z"}
DEMO_MARK = {"demo": True, "note": "Syntetiske verdier (demodata) laget av pipelines/demo/snapshot.py – ikke SSBs tall."}
DEMO_NOTE = "DEMODATA: verdiene i denne tabellen er syntetiske og ikke publisert av SSB."
KOSTRA_BREAK_NOTE = (
    "Fra og med 2020 er kommunene delt inn i nye KOSTRA-grupper. Tall for KOSTRA-grupper før og etter 2020 "
    "er derfor ikke sammenlignbare."
)

# Approximate populations of the largest municipalities (today's codes) so that the demo has a
# realistic size distribution; all others are drawn from a log-normal distribution.
KNOWN_POPULATION = {
    "0301": 709_000, "4601": 291_000, "5001": 214_000, "1103": 148_000, "3201": 131_000,
    "4204": 116_000, "3301": 103_000, "3203": 97_000, "3205": 92_000, "3107": 85_000,
    "1108": 82_000, "5501": 78_000, "1508": 60_000, "3907": 65_000, "3105": 59_000,
    "3905": 58_000, "4003": 56_000, "1804": 53_000, "3909": 48_000, "4203": 46_000,
    "4001": 37_000, "3101": 31_500, "3103": 51_000, "1106": 38_000, "3807": 56_000,
    # the smallest municipalities, so that a user who knows them is not put off by a town-sized Kvitsøy
    "1151": 200, "1144": 560, "4629": 390, "4633": 530, "1856": 460, "1835": 450, "1857": 700, "4222": 1_000,
    "5614": 850, "5616": 1_000, "5052": 560, "4636": 790, "1145": 880, "5044": 850, "5630": 950, "5626": 1_100,
    "1816": 470, "1839": 1_000, "1836": 1_200, "1580": 9_500,
}


@dataclass
class Profile:
    population: float
    growth: float
    cost_home: float
    cost_inst: float
    share_home: float
    share_premises: float
    share_activity: float
    net_per_inh: float
    cov_home: float
    cov_inst: float
    recipients_rate: float
    long_term_rate: float


def _profile(code: str, rng: random.Random) -> Profile:
    pop = KNOWN_POPULATION.get(code) or math.exp(rng.gauss(math.log(5_500), 1.05))
    pop = max(200.0, min(pop, 80_000.0)) if code not in KNOWN_POPULATION else pop
    s = smallness(pop)
    return Profile(
        population=pop,
        growth=rng.gauss(0.004 - 0.004 * s, 0.005),
        cost_home=235_000 * math.exp(0.16 * s + rng.gauss(0, 0.17)),
        cost_inst=1_180_000 * math.exp(0.07 * s + rng.gauss(0, 0.11)),
        share_home=51 + rng.gauss(0, 6) - 2.5 * s,
        share_premises=max(1.0, 4.2 + rng.gauss(0, 1.4)),
        share_activity=max(2.0, 6.0 + rng.gauss(0, 1.8)),
        net_per_inh=21_500 * math.exp(0.33 * s + rng.gauss(0, 0.12)),
        cov_home=29 + rng.gauss(0, 4.5),
        cov_inst=11 + rng.gauss(0, 2.4) + 1.2 * s,
        recipients_rate=0.040 * math.exp(0.22 * s + rng.gauss(0, 0.14)),
        long_term_rate=0.0055 * math.exp(0.30 * s + rng.gauss(0, 0.15)),
    )


def _perturbed(p: Profile, rng: random.Random) -> Profile:
    """A predecessor municipality: the successor's profile with its own deviations."""
    return Profile(
        population=p.population, growth=p.growth + rng.gauss(0, 0.003),
        cost_home=p.cost_home * math.exp(rng.gauss(0, 0.12)), cost_inst=p.cost_inst * math.exp(rng.gauss(0, 0.08)),
        share_home=p.share_home + rng.gauss(0, 4), share_premises=max(1.0, p.share_premises + rng.gauss(0, 1)),
        share_activity=max(2.0, p.share_activity + rng.gauss(0, 1)), net_per_inh=p.net_per_inh * math.exp(rng.gauss(0, 0.1)),
        cov_home=p.cov_home + rng.gauss(0, 3), cov_inst=p.cov_inst + rng.gauss(0, 1.5),
        recipients_rate=p.recipients_rate * math.exp(rng.gauss(0, 0.1)),
        long_term_rate=p.long_term_rate * math.exp(rng.gauss(0, 0.1)),
    )


def _yearly(p: Profile, year: int, rng: random.Random, weight: float) -> dict[str, float | None]:
    """One municipality-year of values. `weight` is the share of today's municipality the code covered."""
    t = year - 2015
    price = 1.034 ** t * (1.03 if year >= 2022 else 1.0)
    pop = p.population * weight * (1 + p.growth) ** (t - 9)
    home = p.cost_home * price * math.exp(rng.gauss(0, 0.045) + 0.008 * t)
    inst = p.cost_inst * price * math.exp(rng.gauss(0, 0.035) + 0.006 * t)
    share_home = min(80.0, max(25.0, p.share_home + 0.35 * t + rng.gauss(0, 1.2)))
    share_prem = max(0.5, p.share_premises + rng.gauss(0, 0.4))
    share_act = max(1.0, p.share_activity + rng.gauss(0, 0.5))
    share_inst = max(5.0, 100 - share_home - share_prem - share_act)
    recipients = pop * p.recipients_rate * math.exp(rng.gauss(0, 0.03))
    age80 = 0.37 + rng.gauss(0, 0.03)
    age67 = 0.18 + rng.gauss(0, 0.02)
    long_term = pop * p.long_term_rate * (1 - 0.012 * t) * math.exp(rng.gauss(0, 0.04))
    short_term = pop * 0.0012 * math.exp(rng.gauss(0, 0.2))
    return {
        "home_care_cost_per_recipient": home,
        "institution_cost_per_place": inst,
        "care_net_expenditure_per_inhabitant": p.net_per_inh * price * math.exp(rng.gauss(0, 0.03)),
        "home_care_share_of_care_net_expenditure": share_home,
        "institution_share_of_care_net_expenditure": share_inst,
        "premises_share_of_care_net_expenditure": share_prem,
        "activity_share_of_care_net_expenditure": share_act,
        "home_care_coverage_80_plus": max(8.0, p.cov_home - 0.3 * t + rng.gauss(0, 0.8)),
        "institution_coverage_80_plus": max(3.0, p.cov_inst - 0.18 * t + rng.gauss(0, 0.5)),
        "home_care_recipients": recipients,
        "home_care_recipients_0_66": recipients * (1 - age80 - age67),
        "home_care_recipients_80_plus": recipients * age80,
        "institution_long_term_residents": long_term,
        "institution_short_term_residents": short_term,
        "housing_24h_residents": pop * 0.0031 * math.exp(rng.gauss(0, 0.3)),
        "municipal_institution_places": long_term * 1.1 + short_term,
        "population": pop,
    }


def _valid_in(regions: pl.DataFrame, year: int) -> pl.DataFrame:
    jan1 = date(year, 1, 1)
    return regions.filter(
        (pl.col("kind") == "municipality")
        & (pl.col("valid_from").is_null() | (pl.col("valid_from") <= jan1))
        & (pl.col("valid_to").is_null() | (pl.col("valid_to") > jan1))
    )


def municipality_values(klass_dir: Path, seed: int = 20261124) -> tuple[dict, pl.DataFrame]:
    """values[(indicator_id, code, year)] -> value for every municipality code valid in each year."""
    regions = klass.load_regions(klass_dir)
    lineage = klass.lineage(klass.load_changes(klass_dir))
    rng = random.Random(seed)
    current_codes = sorted(_valid_in(regions, max(YEARS))["code"].to_list())
    profiles = {c: _profile(c, rng) for c in current_codes}
    lin = {row["code"]: row for row in lineage.iter_rows(named=True)}
    names = dict(zip(regions["code"].to_list(), regions["name"].to_list()))
    values: dict[tuple[str, str, int], float | None] = {}
    for year in YEARS:
        valid = _valid_in(regions, year)["code"].to_list()
        mapped: dict[str, list[str]] = {}
        for code in valid:
            targets = lineage.filter(pl.col("code") == code)["current_code"].to_list() if code in lin else [code]
            targets = [t for t in targets if t in profiles] or [current_codes[zlib.crc32(code.encode()) % len(current_codes)]]
            mapped[code] = targets
        # a code's share of each current municipality it became part of: a stable random size, the
        # predecessor that gave the new municipality its name being the larger one (as in real mergers)
        size = {code: (0.3 + 0.7 * random.Random(f"size-{code}").random())
                * (3.0 if any(names.get(t) == names.get(code) for t in targets) else 1.0)
                for code, targets in mapped.items()}
        total: dict[str, float] = {}
        for code, targets in mapped.items():
            for t in targets:
                total[t] = total.get(t, 0.0) + size[code]
        for code, targets in mapped.items():
            prof = profiles[targets[0]]
            weight = sum(size[code] / total[t] for t in targets)
            if weight < 0.999:  # a predecessor: its own level, not a copy of its successor's
                prof = _perturbed(prof, random.Random(f"profile-{code}"))
            yrng = random.Random(f"{seed}-{code}-{year}")
            for ind, v in _yearly(prof, year, yrng, weight).items():
                values[(ind, code, year)] = v
    return values, regions


def _group_values(values: dict, membership: pl.DataFrame, regions: pl.DataFrame, catalogue) -> dict:
    """KOSTRA-group and country figures as SSB makes them: sums for counts, population-weighted means for ratios."""
    out: dict = {}
    by_year_group: dict[tuple[int, str], list[str]] = {}
    for row in membership.iter_rows(named=True):
        by_year_group.setdefault((row["year"], row["group_code"]), []).append(row["municipality_code"])
    for year in YEARS:
        valid = _valid_in(regions, year)["code"].to_list()
        by_year_group[(year, "EAK")] = valid
        by_year_group[(year, "EAKUO")] = [c for c in valid if c != "0301"]
    for (year, group), members in by_year_group.items():
        if year not in YEARS:
            continue
        for ind in catalogue.sourced():
            if not catalogue.tables[ind.source.table].region_dim.startswith("KOK"):
                continue  # non-KOSTRA tables (population, 11645) have no KOSTRA groups; the build sums members
            pairs = [(values.get((ind.id, m, year)), values.get(("population", m, year)) or 0) for m in members]
            pairs = [(v, w) for v, w in pairs if v is not None]
            if not pairs:
                continue
            if ind.aggregatable:
                out[(ind.id, group, year)] = sum(v for v, _ in pairs)
            else:
                total_w = sum(w for _, w in pairs) or 1
                out[(ind.id, group, year)] = sum(v * w for v, w in pairs) / total_w
    return out


def _status_for(ind, code: str, year: int, value: float | None) -> tuple[float | None, str | None]:
    """Round like SSB and put status markers where SSB would have them."""
    if value is None:
        return None, "."
    r = random.Random(f"status-{ind.id}-{code}-{year}")
    if ind.aggregatable:
        value = float(round(value))
        if ind.group == "iplos" and value < 5 and not code.startswith("E"):
            return None, ":"  # privacy: fewer than 5 users
    else:
        value = round(value, ind.decimals)
    if not code.startswith("E") and ind.group != "population" and r.random() < 0.006:
        return None, ".."  # not available (late or rejected reporting)
    return value, None


def _jsonstat(table: cat_mod.Table, indicators: list, regions: list[tuple[str, str]], cells: dict,
              year_list: list[int]) -> bytes:
    region_codes = [c for c, _ in regions]
    contents = [i.source.contents_code for i in indicators]
    values: list[float | None] = []
    status: dict[str, str] = {}
    n = 0
    for rc in region_codes:
        for ind in indicators:
            for year in year_list:
                v, s = cells.get((ind.id, rc, year), (None, "."))
                values.append(v)
                if s is not None:
                    status[str(n)] = s
                n += 1
    unit = {i.source.contents_code: {"base": i.unit, "decimals": i.decimals} for i in indicators}
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": f"DEMODATA – {table.id}: {table.title}, etter region, statistikkvariabel og år",
        "source": "Statistisk sentralbyrå",
        "updated": UPDATED[2024],
        "note": [DEMO_NOTE] + ([KOSTRA_BREAK_NOTE] if table.region_dim.startswith("KOK") else []),
        "role": {"time": [table.time_dim], "metric": ["ContentsCode"], "geo": [table.region_dim]},
        "id": [table.region_dim, "ContentsCode", table.time_dim],
        "size": [len(region_codes), len(contents), len(year_list)],
        "dimension": {
            table.region_dim: {
                "label": "region",
                "category": {
                    "index": {c: k for k, c in enumerate(region_codes)},
                    "label": {c: name for c, name in regions},
                },
                "extension": {"elimination": False, "show": "value"},
            },
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {
                    "index": {c: k for k, c in enumerate(contents)},
                    "label": {i.source.contents_code: i.source.contents_label for i in indicators},
                    "unit": unit,
                },
                "extension": {"elimination": False, "show": "value"},
            },
            table.time_dim: {
                "label": "år",
                "category": {
                    "index": {str(y): k for k, y in enumerate(year_list)},
                    "label": {str(y): str(y) for y in year_list},
                },
                "extension": {"elimination": False, "show": "code"},
            },
        },
        "extension": {
            "px": {
                "tableid": table.id,
                "language": "no",
                "contents": table.title,
                "decimals": 0,
                "official-statistics": False,
                "aggregallowed": table.id == "07459",
                "stub": [table.region_dim],
                "heading": ["ContentsCode", table.time_dim],
            },
            "kostra_dashboard": DEMO_MARK,
        },
        "value": values,
        "status": status,
    }
    return orjson.dumps(doc)


def _table_json(table: cat_mod.Table, indicators: list) -> bytes:
    doc = {
        "language": "no",
        "id": table.id,
        "label": f"DEMODATA – {table.id}: {table.title}",
        "description": "",
        "updated": UPDATED[2024],
        "firstPeriod": str(YEARS[0]),
        "lastPeriod": str(YEARS[-1]),
        "category": "public",
        "variableNames": ["region", "statistikkvariabel", "år"],
        "discontinued": False,
        "source": "Statistisk sentralbyrå",
        "timeUnit": "Annual",
        "links": [],
        "kostra_dashboard": DEMO_MARK,
    }
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2)


# ---------------------------------------------------------------------------------------------
# care details: table 11645 (users by service and age), 11875 (places), 12292 nursing-home residents


AGE_SHARES = {  # share of each service's users per 11645 age group (synthetic, plausible)
    "home_care_users": {"0_49": 0.16, "50_66": 0.14, "67_79": 0.22, "80_89": 0.31, "90_plus": 0.17},
    "long_term_residents": {"0_49": 0.01, "50_66": 0.04, "67_79": 0.17, "80_89": 0.43, "90_plus": 0.35},
}


def care_detail_values(values: dict) -> dict:
    """Values for the indicators of tables 11645 and 11875 and nursing-home residents, derived from the
    municipality-year values already drawn (own random stream, so the older indicators keep their numbers)."""
    out: dict = {}
    for (ind, code, year), v in values.items():
        if ind != "home_care_recipients" or v is None:
            continue
        rng = random.Random(f"care-detail-{code}-{year}")
        long_term = values.get(("institution_long_term_residents", code, year)) or 0.0
        short_term = values.get(("institution_short_term_residents", code, year)) or 0.0
        places = values.get(("municipal_institution_places", code, year))
        out[("nursing_home_residents", code, year)] = (long_term + short_term) * (0.9 + rng.gauss(0, 0.03))
        if places is not None:
            out[("nursing_home_places", code, year)] = places * (0.88 + rng.gauss(0, 0.04))
            # all places available includes private ones: a little more than the municipal places
            extra = random.Random(f"all-places-{code}-{year}")
            out[("institution_places_all", code, year)] = places * (1.06 + abs(extra.gauss(0, 0.05)))
        # care's share of all net expenditure (SSB's omsorgstjenester, f234+253+254+256+261): a stable level per
        # municipality, higher where the population is old (own random streams: the other numbers stay as they were)
        level = random.Random(f"care-share-{code}").gauss(31.0, 3.5)
        out[("care_share_of_total_net_expenditure", code, year)] = level + random.Random(
            f"care-share-{code}-{year}").gauss(0.15 * (year - 2015), 0.6)
        totals = {"home_care_users": v * (0.72 + rng.gauss(0, 0.04)), "long_term_residents": long_term}
        for prefix, shares in AGE_SHARES.items():
            for age, share in shares.items():
                out[(f"{prefix}_age_{age}", code, year)] = totals[prefix] * share * math.exp(rng.gauss(0, 0.08))
    return out


AGE_GROUP_SHARES = {"0_66": 0.835, "67_79": 0.115, "80_89": 0.040, "90_plus": 0.010}  # Norway-like, around 2020


def population_age_values(values: dict) -> dict:
    """Inhabitants by age group (12292's population_age_* indicators) from the population already drawn: each code
    keeps one age profile (older in small municipalities, as in Norway), ageing a little every year. Own random
    stream, so every other demo number stays as it was."""
    out: dict = {}
    for (ind, code, year), pop in values.items():
        if ind != "population" or pop is None:
            continue
        profile = random.Random(f"age-profile-{code}")
        older = math.exp(0.22 * smallness(pop) + profile.gauss(0, 0.12))
        ageing = 1 + 0.018 * (year - 2015)
        shares = {"67_79": AGE_GROUP_SHARES["67_79"] * older * ageing,
                  "80_89": AGE_GROUP_SHARES["80_89"] * older * ageing ** 1.3,
                  "90_plus": AGE_GROUP_SHARES["90_plus"] * older * ageing ** 1.5}
        shares["0_66"] = 1 - sum(shares.values())
        for age, share in shares.items():
            out[(f"population_age_{age}", code, year)] = pop * share
    return out


def accounts_and_staffing_values(values: dict) -> dict:
    """Issue 23: the accounts our own calculation uses (12367, 1000 kr) and the IPLOS, staffing and place figures
    analysts ask for (12209, 12292). The accounts are drawn so that our calculation lands near the demo's SSB figure
    (cost per home-services recipient, the f25x shares) without equalling it, as the real two differ by rounding and
    definition. Own random streams, so every other demo number stays as it was."""
    out: dict = {}
    for (ind, code, year), recipients in values.items():
        if ind != "home_care_recipients" or recipients is None:
            continue
        get = lambda key: values.get((key, code, year))  # noqa: E731
        rng = random.Random(f"accounts-{code}-{year}")
        gross_f254 = get("home_care_cost_per_recipient") * recipients / 1000 * math.exp(rng.gauss(0, 0.02))
        out[("accounts_corrected_gross_f254", code, year)] = gross_f254
        share_home = get("home_care_share_of_care_net_expenditure")
        # net is gross less income (user fees, refunds): about 87 % of the corrected gross on f254
        total_net = gross_f254 * (0.87 + rng.gauss(0, 0.02)) / (share_home / 100)
        for function, share_id in (("234", "activity_share_of_care_net_expenditure"),
                                   ("253", "institution_share_of_care_net_expenditure"),
                                   ("254", "home_care_share_of_care_net_expenditure"),
                                   ("261", "premises_share_of_care_net_expenditure")):
            out[(f"accounts_net_f{function}", code, year)] = (get(share_id) / 100 * total_net
                                                              * math.exp(rng.gauss(0, 0.01)))
        pop = get("population") or 1.0
        level = random.Random(f"staffing-{code}")
        noise = random.Random(f"staffing-{code}-{year}")
        s = smallness(pop)
        out[("institution_cost_per_day", code, year)] = (get("institution_cost_per_place") / (365 * 0.95)
                                                         * math.exp(noise.gauss(0, 0.04)))
        out[("home_health_hours_per_week", code, year)] = 4.6 * math.exp(0.12 * s + level.gauss(0, 0.18)
                                                                         + noise.gauss(0, 0.05))
        out[("home_care_users_80_plus_extensive_needs", code, year)] = (
            (get("home_care_recipients_80_plus") or 0.0) * 0.16 * math.exp(level.gauss(0, 0.15) + noise.gauss(0, 0.05)))
        out[("home_dwellers_high_intensity", code, year)] = recipients * 0.045 * math.exp(level.gauss(0, 0.2)
                                                                                        + noise.gauss(0, 0.06))
        out[("man_years_per_user", code, year)] = 0.55 * math.exp(0.1 * s + level.gauss(0, 0.12) + noise.gauss(0, 0.03))
        out[("health_education_share", code, year)] = min(95.0, max(50.0, 76 + level.gauss(0, 5) + noise.gauss(0, 1.2)
                                                                    + 0.3 * (year - 2015)))
        private = 0.0 if level.random() < 0.7 else level.uniform(2, 30)
        out[("private_institution_places_share", code, year)] = max(0.0, private + (noise.gauss(0, 1) if private else 0))
    return out


def _rounded_only(ind, code: str, year: int, value: float | None) -> tuple[float | None, str | None]:
    """11645 as SSB publishes it: whole persons, '.' where the code did not exist, no suppression."""
    return (None, ".") if value is None else (float(round(value)), None)


# 12367's accounting dimensions, labelled as SSB labels them (KLASS 277 functions, KLASS 259 arts)
ACCOUNTS_LABELS = {
    "KOKregnskapsomfa0000": {"A": "Kommuner/fylkeskommuner",
                             "B": "Kommuner/fylkeskommuner eksl. foretak, IKS, og samarbeid."},
    "KOKfunksjon0000": {"234": "234 Aktiviserings- og servicetjenester overfor eldre og personer med "
                               "funksjonsnedsettelser", "253": "253 Helse- og omsorgstjenester i institusjon",
                        "254": "254 Helse- og omsorgstjenester til hjemmeboende", "261": "261 Institusjonslokaler"},
    "KOKart0000": {"AGD4": "Korrigerte brutto driftsutgifter på funksjon/tjenesteområde",
                   "AGD2": "Netto driftsutgifter på funksjon/tjenesteområde"},
}


def _filtered_table(table: cat_mod.Table, indicators: list, regions: list[tuple[str, str]], cells: dict,
                    base: str) -> tuple[bytes, str]:
    """A table with extra dimensions besides region, contents and time (11645: TenesteType x Alder), in
    SSB's dimension order (region, extra dimensions, contents, time), as the catalogue's filters select it."""
    extra = list(dict.fromkeys(d for i in indicators for d in i.source.filters))
    codes = {d: list(dict.fromkeys(i.source.filters[d] for i in indicators if d in i.source.filters)) for d in extra}
    contents = list(dict.fromkeys(i.source.contents_code for i in indicators))
    by_key = {(i.source.contents_code, tuple(i.source.filters.get(d) for d in extra)): i for i in indicators}
    region_codes = [c for c, _ in regions]
    values: list[float | None] = []
    status: dict[str, str] = {}
    for rc, *rest in itertools.product(region_codes, *[codes[d] for d in extra], contents, YEARS):
        *filt, cc, year = rest
        ind = by_key.get((cc, tuple(filt)))
        v, s = cells.get((ind.id, rc, year), (None, ".")) if ind else (None, ".")
        if s is not None:
            status[str(len(values))] = s
        values.append(v)
    labels = {"TenesteType": {"15": "Helsetenester i heimen", "21": "Langtidsopphald i institusjon"},
              "Alder": {"00-49": "0-49 år", "50-66": "50-66 år", "67-79": "67-79 år", "80-89": "80-89 år",
                        "90+": "90 år eller eldre", "Ialt": "Alle aldrar"},
              **ACCOUNTS_LABELS}
    dimension = {
        table.region_dim: {"label": "region", "category": {
            "index": {c: k for k, c in enumerate(region_codes)}, "label": dict(regions)},
            "extension": {"elimination": False, "show": "value"}},
    }
    for d in extra:
        dimension[d] = {"label": d.lower(), "category": {
            "index": {c: k for k, c in enumerate(codes[d])},
            "label": {c: labels.get(d, {}).get(c, c) for c in codes[d]}},
            "extension": {"elimination": False, "show": "value"}}
    dimension["ContentsCode"] = {"label": "statistikkvariabel", "category": {
        "index": {c: k for k, c in enumerate(contents)},
        "label": {i.source.contents_code: i.source.contents_label for i in indicators},
        "unit": {i.source.contents_code: {"base": i.unit, "decimals": i.decimals} for i in indicators}},
        "extension": {"elimination": False, "show": "value"}}
    dimension[table.time_dim] = {"label": "år", "category": {
        "index": {str(y): k for k, y in enumerate(YEARS)}, "label": {str(y): str(y) for y in YEARS}},
        "extension": {"elimination": False, "show": "code"}}
    ids = [table.region_dim, *extra, "ContentsCode", table.time_dim]
    doc = {
        "version": "2.0", "class": "dataset",
        "label": f"DEMODATA – {table.id}: {table.title}, etter region, {', '.join(d.lower() for d in extra)}, "
                 "statistikkvariabel og år",
        "source": "Statistisk sentralbyrå", "updated": UPDATED[2024], "note": [DEMO_NOTE],
        "role": {"time": [table.time_dim], "metric": ["ContentsCode"], "geo": [table.region_dim]},
        "id": ids, "size": [len(dimension[d]["category"]["index"]) for d in ids], "dimension": dimension,
        "extension": {"px": {"tableid": table.id, "language": "no", "contents": table.title, "decimals": 0,
                             "official-statistics": False, "aggregallowed": True,
                             "stub": [table.region_dim, *extra], "heading": ["ContentsCode", table.time_dim]},
                      "kostra_dashboard": DEMO_MARK},
        "value": values, "status": status,
    }
    query = "".join(f"&valueCodes[{d}]={','.join(codes[d])}" for d in extra)
    url = (f"{base}/tables/{table.id}/data?lang=no&outputFormat=json-stat2&valueCodes[{table.region_dim}]=*"
           f"{query}&valueCodes[ContentsCode]={','.join(contents)}&valueCodes[{table.time_dim}]=from({YEARS[0]})")
    return orjson.dumps(doc), url


def _age_weight(age: int) -> float:
    """Relative size of one year of age within its group (flat to 66, then fewer each year): a Norway-like shape."""
    return 1.0 if age < 67 else math.exp(-0.075 * (age - 67)) * (0.25 if age >= 100 else 1.0)


def _one_year_ages(table: cat_mod.Table, indicators: list, regions: list[tuple[str, str]], values: dict,
                   base: str) -> tuple[bytes, str]:
    """07459 as SSB answers the age groups' query: Region × Alder (one-year ages 000…105+) × ContentsCode × Tid, Kjonn
    left out (SSB sums both sexes). Each entry's group total is split over its ages in whole persons (largest
    remainder, so the ages add up to the group exactly); '.' where the region did not exist that year."""
    ages = list(dict.fromkeys(c for i in indicators for d, codes in i.source.sum_over.items() for c in codes))
    contents = list(dict.fromkeys(i.source.contents_code for i in indicators))
    per_age: dict[tuple[str, str, int], float] = {}
    for ind in indicators:
        codes = ind.source.sum_over["Alder"]
        weights = [_age_weight(int(c.rstrip("+"))) for c in codes]
        for rc, _ in regions:
            for year in YEARS:
                total = values.get((ind.id, rc, year))
                if total is None:
                    continue
                whole = round(total)
                exact = [whole * w / sum(weights) for w in weights]
                floors = [math.floor(x) for x in exact]
                rest = whole - sum(floors)
                for k in sorted(range(len(codes)), key=lambda k: floors[k] - exact[k])[:rest]:
                    floors[k] += 1
                for code, n in zip(codes, floors):
                    per_age[(rc, code, year)] = float(n)
    region_codes = [c for c, _ in regions]
    out: list[float | None] = []
    status: dict[str, str] = {}
    for rc, age, _cc, year in itertools.product(region_codes, ages, contents, YEARS):
        v = per_age.get((rc, age, year))
        if v is None:
            status[str(len(out))] = "."
        out.append(v)
    age_label = {a: ("105 år eller eldre" if a == "105+" else f"{int(a)} år") for a in ages}
    ind = indicators[0]
    dimension = {
        "Region": {"label": "region", "category": {"index": {c: k for k, c in enumerate(region_codes)},
                                                   "label": dict(regions)},
                   "extension": {"elimination": True, "eliminationValueCode": "0", "show": "value"}},
        "Alder": {"label": "alder", "category": {"index": {a: k for k, a in enumerate(ages)}, "label": age_label},
                  "extension": {"elimination": True, "show": "value"}},
        "ContentsCode": {"label": "statistikkvariabel", "category": {
            "index": {c: k for k, c in enumerate(contents)}, "label": {ind.source.contents_code: ind.source.contents_label},
            "unit": {ind.source.contents_code: {"base": ind.unit, "decimals": ind.decimals}}},
            "extension": {"elimination": False, "show": "value"}},
        table.time_dim: {"label": "år", "category": {"index": {str(y): k for k, y in enumerate(YEARS)},
                                                      "label": {str(y): str(y) for y in YEARS}},
                         "extension": {"elimination": False, "show": "code"}},
    }
    ids = ["Region", "Alder", "ContentsCode", table.time_dim]
    doc = {
        "version": "2.0", "class": "dataset",
        "label": f"DEMODATA – {table.id}: {table.title}",
        "source": "Statistisk sentralbyrå", "updated": UPDATED[2024], "note": [DEMO_NOTE],
        "role": {"time": [table.time_dim], "metric": ["ContentsCode"], "geo": ["Region"]},
        "id": ids, "size": [len(dimension[d]["category"]["index"]) for d in ids], "dimension": dimension,
        "extension": {"px": {"tableid": table.id, "language": "no", "contents": table.title, "decimals": 0,
                             "official-statistics": False, "aggregallowed": True,
                             "stub": ["Region", "Alder"], "heading": ["ContentsCode", table.time_dim]},
                      "kostra_dashboard": DEMO_MARK},
        "value": out, "status": status,
    }
    url = (f"{base}/tables/{table.id}/data?lang=no&outputFormat=json-stat2&valueCodes[Region]=*"
           f"&valueCodes[Alder]={','.join(ages)}&valueCodes[ContentsCode]={','.join(contents)}"
           f"&valueCodes[{table.time_dim}]=from({YEARS[0]})")
    return orjson.dumps(doc), url


def _klass_entries(raw_dir: Path) -> list[RawFile]:
    """Manifest entries for the recorded KLASS bodies, from data/raw/klass/index.json (URL and demo flag per file)."""
    index = orjson.loads((raw_dir / "klass" / "index.json").read_bytes())
    entries = []
    for f in index["files"]:
        body = (raw_dir / "klass" / f["path"]).read_bytes()
        entries.append(RawFile(path=f"klass/{f['path']}", kind="klass", url=f["url"],
                               fetched_at=index.get("fetched_at", "2026-11-24T00:00:00+00:00"),
                               sha256=sha256(body), is_demo=bool(f.get("is_demo")),
                               name=f["path"].removesuffix(".json")))
    return entries


def generate(raw_dir: Path, seed: int = 20261124) -> Path:
    """Write data/raw/ssb/* and a manifest that lists them plus the KLASS files already in raw_dir/klass."""
    raw_dir = Path(raw_dir)
    catalogue = cat_mod.load()
    klass_dir = raw_dir / "klass"
    values, regions = municipality_values(klass_dir, seed)
    values.update(care_detail_values(values))
    values.update(population_age_values(values))
    values.update(accounts_and_staffing_values(values))
    membership = klass.load_group_membership(klass_dir)
    groups = _group_values(values, membership, regions, catalogue)
    all_values = {**values, **groups}
    names = dict(zip(regions["code"].to_list(), regions["name"].to_list()))
    kostra_names = {
        r["code"]: (f"{r['name']} ({(r['valid_from'].year if r['valid_from'] else YEARS[0])}-{r['valid_to'].year - 1})"
                    if r["valid_to"] else r["name"]) for r in regions.iter_rows(named=True)}

    # keep the KLASS entries of an existing manifest (they carry their own URLs and demo flags)
    writer = RawWriter(raw_dir)
    try:
        writer.files = [f for f in read_manifest(raw_dir) if f.kind == "klass"]
    except Exception:
        writer.files = []
    if not writer.files:
        writer.files = _klass_entries(raw_dir)

    muni_codes = sorted({code for (_, code, _) in values})
    group_codes = sorted({g for (_, g, _) in groups if g.startswith("EKG")})
    base = "https://data.ssb.no/api/pxwebapi/v2"
    for table in catalogue.tables.values():
        if table.id == projection_demo.TABLE_ID:
            continue  # one more dimension (single years of age): written by projection_demo below
        inds = [i for i in catalogue.sourced() if i.source.table == table.id]
        summed = [i for i in inds if i.source.sum_over]  # 07459's age groups: one-year ages, a query of their own
        inds = [i for i in inds if not i.source.sum_over]
        if not table.region_dim.startswith("KOK"):  # population and 11645: municipalities only
            region_list = [(c, names.get(c, c)) for c in muni_codes]
        else:  # KOSTRA tables label a code that is no longer current with its years, «Larvik (2018-2019)»
            region_list = [(c, kostra_names.get(c, c)) for c in muni_codes] + \
                [(g, f"KOSTRA-gruppe {int(g[3:])}") for g in group_codes] + \
                [("EAK", "Landet"), ("EAKUO", "Landet uten Oslo")]
        status_for = _rounded_only if any(i.source.filters for i in inds) else _status_for
        cells = {}
        for ind in inds:
            for code, _ in region_list:
                for year in YEARS:
                    cells[(ind.id, code, year)] = status_for(ind, code, year, all_values.get((ind.id, code, year)))
        if any(i.source.filters for i in inds):
            body, url = _filtered_table(table, inds, region_list, cells, base)
        else:
            body = _jsonstat(table, inds, region_list, cells, YEARS)
            contents = ",".join(i.source.contents_code for i in inds)
            url = (f"{base}/tables/{table.id}/data?lang=no&outputFormat=json-stat2"
                   f"&valueCodes[{table.region_dim}]=*&valueCodes[ContentsCode]={contents}"
                   f"&valueCodes[{table.time_dim}]=from({YEARS[0]})")
        writer.files = [f for f in writer.files if f.table_id != table.id]
        writer.add(f"ssb/{table.id}/table.json", _table_json(table, inds), kind="ssb_table",
                   url=f"{base}/tables/{table.id}?lang=no", is_demo=True, table_id=table.id,
                   updated=UPDATED[2024], fetched_at="2026-11-24T00:00:00+00:00", compress=False)
        writer.add(f"ssb/{table.id}/data-000.json", body, kind="ssb_data", url=url, is_demo=True,
                   table_id=table.id, updated=UPDATED[2024], fetched_at="2026-11-24T00:00:00+00:00",
                   compress=True)
        if summed:
            body, url = _one_year_ages(table, summed, region_list, all_values, base)
            writer.add(f"ssb/{table.id}/data-001.json", body, kind="ssb_data", url=url, is_demo=True,
                       table_id=table.id, updated=UPDATED[2024], fetched_at="2026-11-24T00:00:00+00:00",
                       compress=True)
    projection_demo.add_projection(writer, catalogue, values, names, YEARS[-1], demo_mark=DEMO_MARK, demo_note=DEMO_NOTE,
                                   fetched_at="2026-11-24T00:00:00+00:00", seed=seed)
    return writer.write_manifest(snapshot="demo", generated_by="pipelines/demo/snapshot.py", seed=seed)
