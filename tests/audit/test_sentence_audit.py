"""The sentence audit: every age-adjusted takeaway and missing-data sentence for every municipality in the demo
database × every kind of reference (landet uten Oslo, the KOSTRA group, one other municipality) × every year,
checked by rules, not by examples:

- each number in a sentence equals its rounded value beside it: the head's amount is the sum of the parts' printed
  amounts, a part split by service is the sum of its printed service amounts, every printed amount is within one
  printed step of the exact value SQL returned, a percentage-point difference is the difference of the printed
  percentages, an amount «fra A til B» is the printed rounding of the exact amounts;
- each direction word agrees with the sign of the amount it describes (flere/mer/høyere > 0, færre/mindre/lavere
  < 0, «like»/«fra …» = 0), and a shift (services pointing different ways in coverage) is named as one;
- the possessive is right (never «Birkeness»), and a sentence names what is missing with SSB's symbol, never 0;
- a takeaway exists exactly when the split is complete, and a missing-data sentence exactly when it is not.

Speed: the audit reads a copy of the session database in which the view age_adjusted_inputs is stored as a table
with the same rows (the split's SQL is the page's own; only the view is not recomputed for each of ~1 100 queries).
The counts it checked are printed (pytest -s) and asserted to cover every municipality, reference and year.
"""
from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import polars as pl

from dashboard.age_adjusted import figures as aa_figures
from dashboard.age_adjusted import queries as aq
from dashboard.age_adjusted import sentences
from dashboard.age_adjusted.selection import COUNTRY, GROUP, AgeAdjustedSelection
from dashboard.core import db
from dashboard.core.text import possessive
from dashboard.kostra import queries as kostra_queries
from dashboard.kostra.selection import Selection

NB = "\u00a0"
AMOUNT = rf"([+\u2212]?\d[\d{NB}]*(?:,\d)?){NB}mill\.{NB}kr"
UP, DOWN = ("flere", "mer", "høyere"), ("færre", "mindre", "lavere")


def number(text: str) -> float:
    return float(text.replace(NB, "").replace("\u2212", "-").replace(",", ".").lstrip("+"))


def sign(value: float) -> int:
    return (value > 0) - (value < 0)


def direction(words: str) -> int | None:
    """+1, −1 or 0 from the direction words of a phrase (None when it has none)."""
    found = {w for w in re.findall(r"[a-zæøå]+", words)}
    up, down = bool(found & set(UP)), bool(found & set(DOWN))
    if up and down:
        raise AssertionError(f"both directions in one phrase: {words!r}")
    if up:
        return 1
    if down:
        return -1
    if "like" in found or words.startswith("fra "):
        return 0
    return None


class Audit:
    def __init__(self) -> None:
        self.failures: list[str] = []

    def check(self, ok: bool, what: str, text: str) -> None:
        if not ok and len(self.failures) < 30:
            self.failures.append(f"{what}: {text}")


def _exact(c: aq.Comparison, service: str, part: str) -> float:
    return c.row(service)[part]


def audit_takeaway(audit: Audit, c: aq.Comparison, service: str, text: str) -> None:
    row = c.row(service)
    step = aq.million_step(row["gap"], *(row[p] for p in aq.PARTS))
    own = possessive(c.name)
    what = "" if service == "total" else f" til {aq.SERVICE_WORDS[service]}"
    head, _, body = text.partition(" innbyggere: ")
    audit.check(head.startswith(f"{own} modellerte utgift{what} i {c.year} er ") and head.endswith(f"på {own}"),
                "whose spending and whose inhabitants", text)
    if c.name.endswith(("s", "x", "z")):
        audit.check(f"{c.name}s " not in text, "possessive", text)
    m = re.search(AMOUNT + r" (høyere|lavere)", head)
    gap = 0.0 if "er like høy som" in head else (number(m[1]) * (1 if m[2] == "høyere" else -1) if m else None)
    audit.check(gap is not None, "head amount", text)
    phrases = body.rstrip(".").split("; " if "; " in body else ", ")
    audit.check(len(phrases) == 3, "three parts", text)
    total = 0.0
    for part, phrase in zip(aq.PARTS, phrases):
        m = re.match(AMOUNT + " (.*)", phrase)
        audit.check(m is not None, "part amount", phrase)
        if m is None:
            continue
        amount = number(m[1]) * 1e6
        total += amount
        audit.check(abs(amount - _exact(c, service, part)) < step * 1.0001, "part within one step", phrase)
        rest = m[2]
        if ": " in rest:  # split by service: each with its own amount and direction
            label, _, services = rest.partition(": ")
            items = re.findall(r"([^,(]+) \(" + AMOUNT + r"\)", services)
            audit.check(len(items) == 2, "two services", phrase)
            audit.check(abs(sum(number(a) for _, a in items) * 1e6 - amount) < 1, "services add up", phrase)
            for words, a in items:
                audit.check(direction(words) == sign(number(a)), "service direction", phrase)
            for s, (_, a) in zip(aq.SERVICES, items):
                audit.check(abs(number(a) * 1e6 - _exact(c, s, part)) < step * 2.0001, "service within steps", phrase)
            signs = {sign(number(a)) for _, a in items}
            audit.check(("forskyvning" in label) == (part == "coverage" and signs == {1, -1}), "shift named", phrase)
            audit.check(len(signs) > 1 or signs == {0} or signs != {sign(amount)}, "split only when mixed", phrase)
        else:
            audit.check(direction(rest) == sign(amount), "part direction", phrase)
            if service == "total" and all(c.row(s) is not None and c.row(s)[part] is not None for s in aq.SERVICES):
                shares = aq.balanced({s: c.row(s)[part] for s in aq.SERVICES}, amount, step)
                audit.check({sign(v) for v in shares.values()} == {sign(amount)}, "no service hidden", phrase)
    audit.check(gap is not None and abs(total - gap * 1e6) < 1, "head is the sum of the parts", text)


def audit_missing(audit: Audit, c: aq.Comparison, text: str) -> None:
    audit.check("heller ikke som 0" in text or text.startswith(("Sammenligningen har ingen tall",
                                                                "Avstanden for")), "never as 0", text)
    audit.check(re.search(r"«(\.\.|\.|:|\.\.\.|-)»", text) is not None or "et tall" in text
                or text.startswith("Sammenligningen har ingen tall"), "SSB's symbol named", text)


def audit_coverage(audit: Audit, c: aq.Comparison, text: str) -> None:
    m = re.search(r"har ([\d,]+) prosentpoeng (flere|færre) .*\(([\d,]+)" + NB + r"% mot ([\d,]+)" + NB + r"%\)",
                  text)
    if m is None:
        audit.check(text.startswith(("Delen", "Ingen av", "Sammenligningen", "Avstanden")) or "like stor andel" in text,
                    "coverage sentence form", text)
        return
    diff, own, ref = number(m[1]), number(m[3]), number(m[4])
    audit.check(round(abs(own - ref), 1) == diff, "points from the printed percentages", text)
    audit.check((m[2] == "flere") == (own > ref), "coverage direction", text)


def audit_over_time(audit: Audit, c: aq.Comparison, text: str) -> None:
    m = re.search(r"endret seg mest \(fra " + AMOUNT + " til " + AMOUNT + r"\)", text)
    if m is None:
        return
    gaps = [number(a) for a in re.findall(r"var (?:til [^−\d]+ )?" + AMOUNT, text)]
    audit.check(len(gaps) >= 1, "over time gaps", text)
    if c.reference == GROUP:
        changes = aq.reference_changes(c)
        years = [int(y) for y in re.findall(r" i (\d{4})", text)[:2]]
        inside = [ch for ch in changes if years and years[0] < ch[0] <= years[-1]]
        audit.check(bool(inside) == ("Gruppen byttet" in text), "group change named", text)


def test_every_age_adjusted_sentence_holds_for_every_municipality_reference_and_year(audit_db, monkeypatch):
    monkeypatch.setenv("KOSTRA_DB", str(audit_db))
    started = time.perf_counter()
    names = kostra_queries.municipality_names()
    codes = sorted(names)
    years = aq.years()
    audit = Audit()
    counts = {"comparisons": 0, "takeaways": 0, "missing": 0, "coverage": 0, "over_time": 0}
    pairs = [(code, reference) for i, code in enumerate(codes)
             # one other municipality: a reference of the third kind
             for reference in (COUNTRY, GROUP, codes[(i + 1) % len(codes)])]

    def fetch(pair: tuple[str, str]) -> pl.DataFrame:  # the page's own query, two at a time (DuckDB frees the GIL)
        return db.query("age_adjusted_split", {"municipality": pair[0], "reference": pair[1],
                                               "from_year": aq.FIRST_YEAR})
    with ThreadPoolExecutor(max_workers=2) as pool:
        for (code, reference), every in zip(pairs, pool.map(fetch, pairs)):
            base = aq.comparison_of(code, reference, years[-1], every)
            by_year = every.filter(pl.col("level") == "age_group").partition_by("year", as_dict=True)
            for year in years:
                c = replace(base, year=year, coverage=by_year.get((year,), base.coverage.clear()))
                c.__dict__["cells"] = base.cells  # the same rows every year: index them once
                counts["comparisons"] += 1
                for service in ("total", *aq.SERVICES):
                    text = sentences.takeaway(c, service)
                    row = c.row(service)
                    complete = row is not None and row["gap"] is not None and all(row[p] is not None for p in aq.PARTS)
                    audit.check((text is not None) == complete, "a takeaway exactly when complete",
                                f"{code} {reference} {year} {service}")
                    if text is not None:
                        counts["takeaways"] += 1
                        audit_takeaway(audit, c, service, text)
                missing = sentences.missing_sentences(c)
                for text in missing:
                    counts["missing"] += 1
                    audit_missing(audit, c, text)
                audit.check(bool(missing) != aq.has_complete_split(c, year),
                            "a missing sentence exactly when incomplete", f"{code} {reference} {year}")
                text = aa_figures._coverage_sentence(c)
                if text:
                    counts["coverage"] += 1
                    audit_coverage(audit, c, text)
            frame = aq.parts_frame(base, "total")
            text = aa_figures._over_time_sentence(base, frame)
            if text:
                counts["over_time"] += 1
                audit_over_time(audit, base, text)
    seconds = time.perf_counter() - started
    print(f"\nsentence audit: {sum(v for k, v in counts.items() if k != 'comparisons')} sentences, {counts} "
          f"in {seconds:.0f} s")
    assert audit.failures == []
    assert counts["comparisons"] == len(codes) * 3 * len(years) and len(codes) >= 350
    assert counts["takeaways"] > len(codes) * 3 * len(years)  # most comparisons are complete in the demo data
