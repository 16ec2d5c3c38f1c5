"""Query functions for the managers' pages: the municipality's own budget, accounts, sick leave and unit goals.

Every figure on those pages comes from here (SQL in sql/queries/own_*.sql, formulas from
pipelines.own_data.metrics), so it can be tested against the database without Streamlit. Frames
returned here keep numbers numeric (kr, percent); the *_table functions turn them into Norwegian text.
"""
from __future__ import annotations


import polars as pl

from dashboard.core import db, fmt
from pipelines.own_data import metrics

ALL = "alle"
STATUS_TEXT = {"met": "Nådd", "not_met": "Ikke nådd", "no_data": "Mangler tall", "suppressed": "Vises ikke (:)"}
SOURCE_TEXT = {
    "budget": "kommunens regnskap",
    "sick-leave": "kommunens personalsystem (sykefravær)",
    "goals": "enhetenes målekort",
    "budget-frame": "kommunens budsjettdokument (budsjettramme)",
}
SUPPRESSED = ":"
deviation_label = metrics.deviation_label  # "mindreforbruk" | "merforbruk" | "i balanse" | "ingen data"
SUPPRESSED_TEXT = "Vises ikke av personvernhensyn (færre enn 5 ansatte)"
TOTAL_SUPPRESSED_TEXT = "Vises ikke: summen minus enhetene som vises ville gitt en enhet som vises som «:»"


# ---------------------------------------------------------------- register, periods, sources

@db.per_database
def _units() -> pl.DataFrame:
    return db.query("own_units")


def units() -> pl.DataFrame:
    """columns: unit_code, unit_name, sector, is_demo."""
    return _units()


def unit_names() -> dict[str, str]:
    frame = units()
    return dict(zip(frame["unit_code"].to_list(), frame["unit_name"].to_list()))


def sectors() -> list[str]:
    return sorted({s or "Uten sektor" for s in units()["sector"].to_list()})


@db.per_database
def _periods() -> pl.DataFrame:
    return db.query("own_periods")


def years(kind: str) -> list[int]:
    """Years with own data of one kind ('budget', 'sick-leave', 'goals', 'budget-frame')."""
    frame = _periods()
    return sorted(frame.filter(pl.col("kind") == kind)["year"].to_list())


def last_month(kind: str, year: int) -> int | None:
    """The last month with data in a year (None when the year only has whole-year rows or no rows)."""
    frame = _periods().filter((pl.col("kind") == kind) & (pl.col("year") == year))
    return None if frame.is_empty() else frame["last_month"][0]


@db.per_database
def _sources() -> pl.DataFrame:
    return db.query("own_sources")


def sources(kind: str | None = None) -> pl.DataFrame:
    """The import batches behind what is shown. columns: kind, batch_id, file_name, imported_at, is_demo, amount_unit."""
    frame = _sources()
    return frame if kind is None else frame.filter(pl.col("kind") == kind)


def is_demo(kind: str | None = None) -> bool:
    """True when any rows shown for this kind (or any kind) come from the labelled demo files."""
    frame = sources(kind)
    return bool(frame["is_demo"].any()) if not frame.is_empty() else False


def source_line(kind: str) -> str:
    """'Kilde: kommunens regnskap, importert 24.11.2026 fra budsjett.csv' for the foot of a chart or table."""
    frame = sources(kind).sort("imported_at")
    what = SOURCE_TEXT.get(kind, "kommunens egne data")
    if frame.is_empty():
        return f"Kilde: {what} (ikke importert ennå)"
    names = list(dict.fromkeys(frame["file_name"].to_list()))
    shown = ", ".join(names[:3]) + (f" og {len(names) - 3} til" if len(names) > 3 else "")
    date = fmt.norwegian_date(frame["imported_at"].max())
    return f"Kilde: {what}, importert {date} fra {shown}"


# ---------------------------------------------------------------- budget and accounts

def _with_deviation(frame: pl.DataFrame) -> pl.DataFrame:
    """Add avvik (kr and %), mer-/mindreforbruk and økonomisk måloppnåelse using the shared formulas.

    The budget compared with the accounts is that of the lines that have accounts (budget_with_accounts): a
    budget-only import (no «Regnskap» column) stores accounts as missing, and those lines show their budget but no
    deviation, rather than a «mindreforbruk» of their whole budget."""
    budget_col = "budget_with_accounts" if "budget_with_accounts" in frame.columns else "revised_budget"
    rb, acc = frame[budget_col].to_list(), frame["accounts"].to_list()
    return frame.with_columns(
        pl.Series("deviation", [metrics.budget_deviation(b, a) for b, a in zip(rb, acc)], dtype=pl.Float64),
        pl.Series("deviation_pct", [metrics.deviation_pct(b, a) for b, a in zip(rb, acc)], dtype=pl.Float64),
        pl.Series("deviation_label", [metrics.deviation_label(metrics.budget_deviation(b, a))
                                      for b, a in zip(rb, acc)], dtype=pl.Utf8),
        pl.Series("attainment_pct", [metrics.economic_goal_attainment(b, a) for b, a in zip(rb, acc)],
                  dtype=pl.Float64),
    )


def _params(year: int, to_month: int, unit: str = ALL, sector: str = ALL) -> dict:
    return {"year": int(year), "to_month": int(to_month), "unit": str(unit), "sector": str(sector)}


def budget_units(year: int, to_month: int = 12, unit: str = ALL, sector: str = ALL) -> pl.DataFrame:
    """One row per unit, largest overrun (merforbruk) first.

    columns: sector, unit_code, unit_name, original_budget, budget_changes, revised_budget, accounts, is_demo,
    deviation, deviation_pct, deviation_label, attainment_pct (amounts in kr)
    """
    frame = db.query("own_budget_units", _params(year, to_month, unit, sector))
    return _with_deviation(frame).sort("deviation", nulls_last=True, maintain_order=True)


def budget_total(frame: pl.DataFrame, label: str = "Sum alle enheter") -> pl.DataFrame:
    """The total row of a budget frame (same columns), with the formulas applied to the sums."""
    def total(col: str):
        values = [v for v in frame[col].to_list() if v is not None] if frame.height else []
        return float(sum(values)) if values else None

    row = pl.DataFrame({
        "sector": [label], "unit_code": [None], "unit_name": [label],
        **{c: [total(c)] for c in ("original_budget", "budget_changes", "revised_budget", "accounts")},
        "is_demo": [bool(frame["is_demo"].any()) if frame.height else False],
        "budget_with_accounts": [total("budget_with_accounts")],
    }, schema={"sector": pl.Utf8, "unit_code": pl.Utf8, "unit_name": pl.Utf8, "original_budget": pl.Float64,
               "budget_changes": pl.Float64, "revised_budget": pl.Float64, "accounts": pl.Float64,
               "is_demo": pl.Boolean, "budget_with_accounts": pl.Float64})
    return _with_deviation(row)


def accounts_note(total: dict) -> str | None:
    """A sentence for the page when some budget lines have no accounts (imported from a budget-only file)."""
    budget, compared = total.get("revised_budget"), total.get("budget_with_accounts")
    if budget is None or (compared is not None and abs(budget - compared) < 0.5):
        return None
    if compared is None:
        return "Det finnes ikke regnskap for dette utvalget ennå (budsjettet er importert uten regnskap), så avvik " \
               "kan ikke beregnes."
    return (f"Regnskap mangler for en del av budsjettet ({amount_text(budget - compared)} av "
            f"{amount_text(budget)}, importert uten regnskap). Avviket sammenligner bare budsjettlinjene som har "
            "regnskap.")


def budget_sectors(year: int, to_month: int = 12) -> pl.DataFrame:
    """One row per sector (first level of the drill-down), largest overrun first. Columns as budget_units."""
    frame = budget_units(year, to_month)
    if frame.is_empty():
        return frame
    def total(col: str) -> pl.Expr:  # missing (not 0) when no unit in the sector has the figure
        return pl.when(pl.col(col).is_not_null().any()).then(pl.col(col).sum()).alias(col)

    grouped = frame.group_by("sector").agg(
        *(total(c) for c in ("original_budget", "budget_changes", "revised_budget", "accounts",
                             "budget_with_accounts")),
        pl.col("is_demo").any(),
    ).with_columns(pl.col("sector").alias("unit_name"), pl.lit(None, pl.Utf8).alias("unit_code"))
    return _with_deviation(grouped.select(frame.columns[:9])).sort("deviation", nulls_last=True)


def budget_arts(year: int, to_month: int = 12, unit: str = ALL, sector: str = ALL) -> pl.DataFrame:
    """One row per (service, art) for the unit (last level of the drill-down), largest overrun first.

    columns: service_code, service_name, art_code, art_name, original_budget, budget_changes, revised_budget,
    accounts, is_demo, deviation, deviation_pct, deviation_label, attainment_pct
    """
    frame = db.query("own_budget_arts", _params(year, to_month, unit, sector))
    return _with_deviation(frame).sort("deviation", nulls_last=True, maintain_order=True)


def budget_monthly(year: int, to_month: int = 12, unit: str = ALL) -> pl.DataFrame:
    """columns: month, revised_budget, accounts, ytd_budget, ytd_accounts, is_demo (kr)."""
    return db.query("own_budget_monthly", {"year": int(year), "to_month": int(to_month), "unit": str(unit)})


def amount_text(value, scale: int = 1) -> str:
    """'115 874 000 kr' (scale 1), or '115 874' when the table shows 1000 kr (scale 1000; the unit is in the header)."""
    if value is None:
        return "Mangler tall"
    if scale == 1000:
        return fmt.number(value / 1000, 0)
    return fmt.kroner(value)


def _unit_header(name: str, scale: int) -> str:
    return f"{name} (1000 kr)" if scale == 1000 else name


def compact_amount(value: float | None) -> str:
    """'229,4 mill. kr' / '90,8 mrd. kr' for key-figure cards, where a full kroner amount does not fit."""
    if value is None:
        return "Mangler tall"
    return fmt.compact_kroner(value)


def _signed_amount(value, scale: int) -> str:
    if value is None:
        return "Mangler tall"
    text = amount_text(value, scale)
    return f"+{text}" if value > 0 else text


def deviation_text(deviation: float | None, scale: int = 1) -> str:
    """'mindreforbruk 2 638 000 kr' / 'merforbruk 1 439 000 kr' / 'i balanse' / 'Mangler tall'."""
    label = metrics.deviation_label(deviation)
    if label == "ingen data":
        return "Mangler tall"
    if label == "i balanse":
        return "i balanse"
    return f"{label} {amount_text(abs(deviation), scale)}"


def budget_table(frame: pl.DataFrame, *, scale: int = 1, level: str = "unit") -> pl.DataFrame:
    """Norwegian text table for the screen. level: 'sector' | 'unit' | 'art'."""
    if level == "art":
        first = [pl.concat_str([pl.col("art_code").fill_null(""), pl.col("art_name").fill_null("")], separator=" ")
                 .str.strip_chars().alias("Art"),
                 pl.concat_str([pl.col("service_code").fill_null(""), pl.col("service_name").fill_null("")],
                               separator=" ").str.strip_chars().alias("Tjeneste")]
    elif level == "sector":
        first = [pl.col("sector").alias("Sektor")]
    else:
        first = [pl.col("unit_name").alias("Enhet"), pl.col("unit_code").fill_null("").alias("Ansvar")]
    rows = frame.to_dicts()
    return frame.select(first).with_columns(
        pl.Series(_unit_header("Revidert budsjett", scale), [amount_text(r["revised_budget"], scale) for r in rows], dtype=pl.Utf8),
        pl.Series(_unit_header("Regnskap", scale), [amount_text(r["accounts"], scale) for r in rows], dtype=pl.Utf8),
        pl.Series(_unit_header("Avvik", scale), [_signed_amount(r["deviation"], scale) for r in rows], dtype=pl.Utf8),
        pl.Series("Avvik %", ["Mangler tall" if r["deviation_pct"] is None else
                              ("+" if r["deviation_pct"] > 0 else "") + fmt.percent(r["deviation_pct"], 1)
                              for r in rows], dtype=pl.Utf8),
        pl.Series(_unit_header("Mer-/mindreforbruk", scale), [deviation_text(r["deviation"], scale) for r in rows], dtype=pl.Utf8),
        pl.Series("Økonomisk måloppnåelse", [fmt.percent(r["attainment_pct"], 1) if r["attainment_pct"] is not None
                                             else "Mangler tall" for r in rows], dtype=pl.Utf8),
    )


def budget_download(frame: pl.DataFrame, *, level: str = "unit") -> pl.DataFrame:
    """Numeric table for CSV/XLSX (kr, Norwegian headers) so users can calculate on it."""
    if level == "art":
        first = [pl.col("service_code").alias("Tjeneste"), pl.col("service_name").alias("Tjenestenavn"),
                 pl.col("art_code").alias("Art"), pl.col("art_name").alias("Artsnavn")]
    elif level == "sector":
        first = [pl.col("sector").alias("Sektor")]
    else:
        first = [pl.col("sector").alias("Sektor"), pl.col("unit_code").alias("Ansvar"),
                 pl.col("unit_name").alias("Enhet")]
    return frame.select(
        *first,
        pl.col("original_budget").round(0).alias("Opprinnelig budsjett (kr)"),
        pl.col("budget_changes").round(0).alias("Budsjettendringer (kr)"),
        pl.col("revised_budget").round(0).alias("Revidert budsjett (kr)"),
        pl.col("accounts").round(0).alias("Regnskap (kr)"),
        pl.col("deviation").round(0).alias("Avvik (kr)"),
        pl.col("deviation_pct").round(1).alias("Avvik (%)"),
        pl.col("deviation_label").alias("Mer-/mindreforbruk"),
        pl.col("attainment_pct").round(1).alias("Økonomisk måloppnåelse (%)"),
        pl.when(pl.col("is_demo")).then(pl.lit("Demodata")).otherwise(pl.lit("Kommunens data")).alias("Datagrunnlag"),
    )


def monthly_table(frame: pl.DataFrame, *, scale: int = 1) -> pl.DataFrame:
    from dashboard.own.selection import MONTHS
    rows = frame.to_dicts()
    columns = {
        "Måned": [MONTHS[r["month"] - 1] for r in rows],
        _unit_header("Revidert budsjett", scale): [amount_text(r["revised_budget"], scale) for r in rows],
        _unit_header("Regnskap", scale): [amount_text(r["accounts"], scale) for r in rows],
        _unit_header("Budsjett hittil i år", scale): [amount_text(r["ytd_budget"], scale) for r in rows],
        _unit_header("Regnskap hittil i år", scale): [amount_text(r["ytd_accounts"], scale) for r in rows],
        _unit_header("Avvik hittil i år", scale): [
            _signed_amount(metrics.budget_deviation(r["ytd_budget_with_accounts"], r["ytd_accounts"]), scale)
            for r in rows],
    }
    return pl.DataFrame(columns, schema={k: pl.Utf8 for k in columns})


def monthly_download(frame: pl.DataFrame, year: int) -> pl.DataFrame:
    return frame.select(
        pl.lit(year).alias("År"), pl.col("month").alias("Måned"),
        pl.col("revised_budget").round(0).alias("Revidert budsjett (kr)"), pl.col("accounts").round(0).alias("Regnskap (kr)"),
        pl.col("ytd_budget").round(0).alias("Budsjett hittil i år (kr)"),
        pl.col("ytd_accounts").round(0).alias("Regnskap hittil i år (kr)"),
        (pl.col("ytd_budget_with_accounts") - pl.col("ytd_accounts")).round(0).alias("Avvik hittil i år (kr)"),
    )


# ---------------------------------------------------------------- budget frame

@db.per_database
def _frames() -> pl.DataFrame:
    return db.query("own_budget_frame")


def budget_frames() -> pl.DataFrame:
    """columns: frame_name, year, line_no, ref_no, description, category, amount (kr), is_demo."""
    return _frames()


def frame_names() -> list[str]:
    return list(dict.fromkeys(budget_frames()["frame_name"].to_list()))


def frame_years(frame_name: str) -> list[int]:
    return sorted(set(budget_frames().filter(pl.col("frame_name") == frame_name)["year"].to_list()))


CATEGORY_TEXT = {"start": "Utgangspunkt", "price_wage": "Pris- og lønnsvekst", "new_measure": "Nytt tiltak",
                 "saving": "Innsparing", "transfer": "Overføring mellom rammer",
                 "investment_consequence": "Driftskonsekvens av investering", "other": "Annen endring",
                 "end": "Korrigert ramme"}


def frame_lines(frame_name: str, year: int) -> pl.DataFrame:
    return budget_frames().filter((pl.col("frame_name") == frame_name) & (pl.col("year") == year)).sort("line_no")


def _short(text: str, width: int) -> str:
    """Keep the start and the end of a long line ("Intern overføring … til bofellesskap PUH"): the end tells
    two transfers apart, and waterfall categories must be unique."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    head = width * 3 // 5
    tail = width - head - 1
    start, end = text[:head], text[-tail:]
    # cut between words, never inside one ("Opprinnelig vedtatt … ramme 2016", not "…ettramme 2016")
    if " " in start and not text[head].isspace():
        start = start.rsplit(" ", 1)[0]
    if not text[-tail - 1].isspace():  # take the whole first word of the end
        cut = text.rfind(" ", 0, len(text) - tail)
        end = text[cut + 1:] if cut >= len(start) else end
    return start.rstrip() + " … " + end.lstrip()


def _wrap(text: str, width: int = 24) -> str:
    words, lines, line = text.split(" "), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)


def frame_steps(frame_name: str, year: int, *, scale: int = 1000, width: int = 34,
                wrap: int | None = None) -> list[tuple[str, float, str]]:
    """(label, amount, measure) for dashboard.core.charts.waterfall: start frame, each change, end frame."""
    steps, seen = [], set()
    for r in frame_lines(frame_name, year).iter_rows(named=True):
        measure = {"start": "absolute", "end": "total"}.get(r["category"], "relative")
        text = r["description"]
        if r["ref_no"]:
            text = f"{r['ref_no']} {text}"
        label = _short(text, width)
        if wrap:
            label = _wrap(label, wrap)
        while label in seen:
            label += " "
        seen.add(label)
        steps.append((label, r["amount"] / scale, measure))
    return steps


def frame_table(frame_name: str, year: int) -> pl.DataFrame:
    lines = frame_lines(frame_name, year)
    rows = lines.to_dicts()
    return pl.DataFrame({
        "Linjenr": [r["ref_no"] or "" for r in rows],
        "Beskrivelse": [r["description"] for r in rows],
        "Type": [CATEGORY_TEXT.get(r["category"], r["category"]) for r in rows],
        "Beløp (1000 kr)": [fmt.number(r["amount"] / 1000, 0) for r in rows],
    }, schema={"Linjenr": pl.Utf8, "Beskrivelse": pl.Utf8, "Type": pl.Utf8, "Beløp (1000 kr)": pl.Utf8})


def frame_download(frame_name: str) -> pl.DataFrame:
    return budget_frames().filter(pl.col("frame_name") == frame_name).select(
        pl.col("frame_name").alias("Ramme"), pl.col("year").alias("År"), pl.col("line_no").alias("Rekkefølge"),
        pl.col("ref_no").alias("Linjenr"), pl.col("description").alias("Beskrivelse"),
        pl.col("category").replace_strict(CATEGORY_TEXT, default=pl.col("category")).alias("Type"),
        (pl.col("amount") / 1000).round(0).alias("Beløp (1000 kr)"),
    )


# ---------------------------------------------------------------- sick leave

@db.per_database
def sick_leave_units(year: int, to_month: int = 12, unit: str = ALL) -> pl.DataFrame:
    """One row per unit for the period, highest sick leave first, suppressed units (':') last. Cached per database
    file (an import swaps the file): the page, its table and its three charts all read it on every run.

    columns: see sql/queries/own_sick_leave_units.sql, plus goal_status ('met' | 'not_met' | 'no_data' |
    'suppressed') and over_goal (bool).
    """
    frame = db.query("own_sick_leave_units", {"year": int(year), "to_month": int(to_month), "unit": str(unit)})
    statuses = []
    for r in frame.iter_rows(named=True):
        if r["status"] == SUPPRESSED:
            statuses.append("suppressed")
        else:
            statuses.append(metrics.goal_status(r["goal_pct"], r["sick_leave_pct"], higher_is_better=False))
    frame = frame.with_columns(pl.Series("goal_status", statuses, dtype=pl.Utf8))
    frame = frame.with_columns((pl.col("goal_status") == "not_met").alias("over_goal"))
    return frame.sort("sick_leave_pct", descending=True, nulls_last=True, maintain_order=True)


TOTAL_NAME = "Alle enheter"


def sick_leave_total(year: int, to_month: int = 12) -> dict:
    """All units together for the period and the rolling 12 months, with secondary suppression: hidden (':') when a
    unit in the sum is hidden, since the sum minus the units shown would give it (sql/queries/own_sick_leave_total.sql).
    A fresh dict of the cached row (the page and the figure both ask)."""
    return dict(_sick_leave_total(int(year), int(to_month)))


@db.per_database
def _sick_leave_total(year: int, to_month: int) -> tuple:
    return tuple(db.query("own_sick_leave_total", {"year": year, "to_month": to_month}).row(0, named=True).items())


def with_sick_leave_total(units: pl.DataFrame, total: dict) -> pl.DataFrame:
    """The per-unit rows followed by the «Alle enheter» row (for the table and its download). The total's ':' says
    it is hidden to protect a small unit; its goal is empty (units have different goals)."""
    if units.is_empty():
        return units
    suppressed = total["status"] == SUPPRESSED
    row = {c: None for c in units.columns}
    row.update(unit_code=ALL, unit_name=TOTAL_NAME, sick_leave_pct=total["sick_leave_pct"],
               rolling_12_pct=None if total["rolling_status"] == SUPPRESSED else total["rolling_12_pct"],
               status=SUPPRESSED if suppressed else "", goal_status="suppressed" if suppressed else "no_data",
               over_goal=False, is_demo=total["is_demo"])
    if "rolling_status" in units.columns:
        row["rolling_status"] = total["rolling_status"]
    return pl.concat([units, pl.DataFrame([row], schema=units.schema)], how="vertical")


@db.per_database
def sick_leave_monthly(year: int, to_month: int = 12, unit: str = ALL) -> pl.DataFrame:
    """Cached per database file. columns: unit_code, unit_name, year, month, sick_leave_pct, rolling_12_pct, goal_pct, status, is_demo."""
    return db.query("own_sick_leave_monthly", {"year": int(year), "to_month": int(to_month), "unit": str(unit)})


def pct_text(value: float | None, status: str | None = None, decimals: int = 1) -> str:
    """'10,3 %', or ':' for a suppressed unit (never a number or 0), or 'Mangler tall'."""
    if status == SUPPRESSED:
        return SUPPRESSED
    if value is None:
        return "Mangler tall"
    return fmt.percent(value, decimals)


def sick_leave_table(frame: pl.DataFrame) -> pl.DataFrame:
    rows = frame.to_dicts()
    col = {
        "Enhet": [r["unit_name"] for r in rows],
        "Sykefravær": [pct_text(r["sick_leave_pct"], r["status"], 2) for r in rows],
        "Mål": [pct_text(r["goal_pct"], None, 1) if r["goal_pct"] is not None else "Mangler mål" for r in rows],
        "Status": [STATUS_TEXT[r["goal_status"]] for r in rows],
        "Rullerende 12 mnd": [pct_text(r["rolling_12_pct"], r.get("rolling_status") or r["status"], 2) for r in rows],
        "Egenmeldt": [pct_text(r["self_certified_pct"], r["status"], 2) for r in rows],
        "Legemeldt": [pct_text(r["doctor_certified_pct"], r["status"], 2) for r in rows],
        "Korttid": [pct_text(r["short_term_pct"], r["status"], 2) for r in rows],
        "Langtid": [pct_text(r["long_term_pct"], r["status"], 2) for r in rows],
    }
    return pl.DataFrame(col, schema={k: pl.Utf8 for k in col})


def sick_leave_download(frame: pl.DataFrame, year: int, to_month: int) -> pl.DataFrame:
    """Numeric download; suppressed figures stay empty with ':' in the Symbol column (never 0)."""
    return frame.select(
        pl.col("unit_code").alias("Ansvar"), pl.col("unit_name").alias("Enhet"),
        pl.lit(year).alias("År"), pl.lit(to_month).alias("Til og med måned"),
        pl.col("sick_leave_pct").round(2).alias("Sykefravær (%)"),
        pl.col("goal_pct").round(2).alias("Mål (%)"),
        pl.col("goal_status").replace_strict(STATUS_TEXT).alias("Status"),
        pl.col("rolling_12_pct").round(2).alias("Rullerende 12 måneder (%)"),
        pl.col("self_certified_pct").round(2).alias("Egenmeldt (%)"),
        pl.col("doctor_certified_pct").round(2).alias("Legemeldt (%)"),
        pl.col("short_term_pct").round(2).alias("Korttid (%)"),
        pl.col("long_term_pct").round(2).alias("Langtid (%)"),
        pl.col("status").alias("Symbol"),
        pl.when((pl.col("status") == SUPPRESSED) & (pl.col("unit_code") == ALL)).then(pl.lit(TOTAL_SUPPRESSED_TEXT))
        .when(pl.col("status") == SUPPRESSED).then(pl.lit(SUPPRESSED_TEXT)).otherwise(pl.lit("")).alias("Forklaring"),
        *([pl.col("rolling_status").alias("Symbol rullerende 12 måneder")] if "rolling_status" in frame.columns else []),
    )


def sick_leave_monthly_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Wide: one row per unit, one column per month, the month's sick leave as text (':' for small units)."""
    from dashboard.own.selection import MONTHS
    if frame.is_empty():
        return pl.DataFrame({"Enhet": []}, schema={"Enhet": pl.Utf8})
    texts = frame.with_columns(
        pl.struct("sick_leave_pct", "status").map_elements(
            lambda s: pct_text(s["sick_leave_pct"], s["status"], 2), return_dtype=pl.Utf8).alias("text"),
        pl.col("month").map_elements(lambda m: MONTHS[m - 1][:3], return_dtype=pl.Utf8).alias("mnd"))
    wide = texts.pivot(values="text", index="unit_name", on="mnd", aggregate_function="first")
    return wide.rename({"unit_name": "Enhet"})


def sick_leave_monthly_download(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("unit_code").alias("Ansvar"), pl.col("unit_name").alias("Enhet"), pl.col("year").alias("År"),
        pl.col("month").alias("Måned"), pl.col("sick_leave_pct").round(2).alias("Sykefravær (%)"),
        pl.col("rolling_12_pct").round(2).alias("Rullerende 12 måneder (%)"), pl.col("goal_pct").alias("Mål (%)"),
        pl.col("status").alias("Symbol"),
    )


# ---------------------------------------------------------------- unit scorecard

def _is_sick_leave_indicator(name: str | None) -> bool:
    return bool(name) and name.strip().lower().startswith("sykefrav")


def scorecard(unit: str, year: int) -> pl.DataFrame:
    """One row per indicator on the unit's scorecard for the year, with status.

    A sick-leave result is hidden (':') when the unit's sick leave is suppressed that year, so the scorecard
    cannot reveal what the sick-leave page hides.
    columns: indicator, goal, result, higher_is_better, unit, comment, is_demo, status, status_text
    """
    frame = db.query("own_unit_goals", {"unit": str(unit), "year": int(year)})
    suppressed = False
    if frame.height and any(_is_sick_leave_indicator(i) for i in frame["indicator"].to_list()):
        sl = sick_leave_units(year, 12, unit)
        suppressed = bool(sl.height) and sl["status"][0] == SUPPRESSED
    statuses, results = [], []
    for r in frame.iter_rows(named=True):
        if suppressed and _is_sick_leave_indicator(r["indicator"]):
            statuses.append("suppressed")
            results.append(None)
        else:
            statuses.append(metrics.goal_status(r["goal"], r["result"], r["higher_is_better"]))
            results.append(r["result"])
    return frame.with_columns(
        pl.Series("result", results, dtype=pl.Float64),
        pl.Series("status", statuses, dtype=pl.Utf8),
        pl.Series("status_text", [STATUS_TEXT[s] for s in statuses], dtype=pl.Utf8),
    )


def _goal_value(value, unit: str | None) -> str:
    if value is None:
        return "–"
    decimals = 0 if float(value).is_integer() else (2 if round(value, 1) != value else 1)
    text = fmt.number(value, decimals)
    if unit == "%":
        return f"{text}{fmt.NBSP}%"
    return text


def scorecard_table(frame: pl.DataFrame) -> pl.DataFrame:
    rows = frame.to_dicts()
    col = {
        "Indikator": [r["indicator"] for r in rows],
        "Mål": [_goal_value(r["goal"], r["unit"]) for r in rows],
        "Resultat": [SUPPRESSED if r["status"] == "suppressed" else _goal_value(r["result"], r["unit"]) for r in rows],
        "Status": [r["status_text"] for r in rows],
        "Måleenhet": [r["unit"] or "" for r in rows],
        "Kommentar": [r["comment"] or "" for r in rows],
    }
    return pl.DataFrame(col, schema={k: pl.Utf8 for k in col})


def scorecard_download(frame: pl.DataFrame, unit: str, year: int) -> pl.DataFrame:
    return frame.select(
        pl.lit(unit).alias("Ansvar"), pl.lit(year).alias("År"), pl.col("indicator").alias("Indikator"),
        pl.col("goal").alias("Mål"), pl.col("result").alias("Resultat"),
        pl.col("higher_is_better").replace_strict({True: "ja", False: "nei"}, return_dtype=pl.Utf8)
        .alias("Høyere er bedre"),
        pl.col("unit").alias("Måleenhet"), pl.col("status_text").alias("Status"),
        pl.col("comment").alias("Kommentar"),
    )


def unit_key_figures(unit: str, year: int, to_month: int = 12) -> dict:
    """The unit's budget and sick-leave figures for the scorecard page, as Norwegian text and raw numbers."""
    budget = budget_units(year, to_month, unit)
    sick = sick_leave_units(year, to_month, unit)
    out: dict = {"has_budget": not budget.is_empty(), "has_sick_leave": not sick.is_empty()}
    if not budget.is_empty():
        b = budget.row(0, named=True)
        out.update(revised_budget=b["revised_budget"], accounts=b["accounts"], deviation=b["deviation"],
                   attainment_pct=b["attainment_pct"],
                   revised_budget_text=amount_text(b["revised_budget"], 1), accounts_text=amount_text(b["accounts"], 1),
                   deviation_text=deviation_text(b["deviation"]),
                   deviation_label=metrics.deviation_label(b["deviation"]),
                   revised_budget_compact=compact_amount(b["revised_budget"]),
                   accounts_compact=compact_amount(b["accounts"]), deviation_compact=compact_amount(b["deviation"]),
                   attainment_text=fmt.percent(b["attainment_pct"], 1) if b["attainment_pct"] is not None
                   else "Mangler tall")
    if not sick.is_empty():
        s = sick.row(0, named=True)
        out.update(sick_leave_pct=s["sick_leave_pct"], goal_pct=s["goal_pct"], sick_status=s["status"],
                   sick_goal_status=s["goal_status"],
                   sick_leave_text=pct_text(s["sick_leave_pct"], s["status"], 2),
                   rolling_text=pct_text(s["rolling_12_pct"], s["status"], 2),
                   goal_text=pct_text(s["goal_pct"], None, 1) if s["goal_pct"] is not None else "Mangler mål",
                   sick_status_text=STATUS_TEXT[s["goal_status"]])
    return out


def key_figures_download(figures: dict, unit: str, year: int, to_month: int) -> pl.DataFrame:
    rows = [
        ("Revidert budsjett (kr)", figures.get("revised_budget")),
        ("Regnskap (kr)", figures.get("accounts")),
        ("Avvik (kr, positivt = mindreforbruk)", figures.get("deviation")),
        ("Økonomisk måloppnåelse (%)", figures.get("attainment_pct")),
        ("Sykefravær (%)", figures.get("sick_leave_pct")),
        ("Mål sykefravær (%)", figures.get("goal_pct")),
    ]
    return pl.DataFrame({
        "Ansvar": [unit] * len(rows), "År": [year] * len(rows), "Til og med måned": [to_month] * len(rows),
        "Nøkkeltall": [r[0] for r in rows],
        "Verdi": [None if r[1] is None else round(float(r[1]), 2) for r in rows],
        "Symbol": [SUPPRESSED if r[0].startswith(("Sykefravær",)) and figures.get("sick_status") == SUPPRESSED
                   else "" for r in rows],
    }, schema={"Ansvar": pl.Utf8, "År": pl.Int64, "Til og med måned": pl.Int64, "Nøkkeltall": pl.Utf8,
               "Verdi": pl.Float64, "Symbol": pl.Utf8})


def with_total(frame: pl.DataFrame, label: str = "Sum alle enheter") -> pl.DataFrame:
    """The rows followed by their total row (for the per-unit table)."""
    return pl.concat([frame, budget_total(frame, label)], how="vertical_relaxed") if frame.height else frame


def default_drill_unit(frame: pl.DataFrame, selected: str) -> str | None:
    """The unit to open in the drill-down: the selected one, else the one with the largest overrun."""
    codes = frame["unit_code"].to_list()
    if selected in codes:
        return selected
    return codes[0] if codes else None
