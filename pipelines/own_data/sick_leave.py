"""Sick leave per unit and month from the HR system: days lost, agreed days, percent, split and goal."""
from __future__ import annotations

import polars as pl

from .validate import (
    Context, check_duplicates, check_range, present, require, split_units, to_number, to_year_and_month,
)

DAYS = ("sick_days", "self_certified_days", "doctor_certified_days", "short_term_days", "long_term_days",
        "agreed_work_days")
COLUMNS = {
    "unit_code": pl.String, "unit_name": pl.String, "year": pl.Int32, "month": pl.Int32,
    "sick_days": pl.Float64, "self_certified_days": pl.Float64, "doctor_certified_days": pl.Float64,
    "short_term_days": pl.Float64, "long_term_days": pl.Float64, "agreed_work_days": pl.Float64,
    "sick_leave_pct": pl.Float64, "employees": pl.Int32, "goal_pct": pl.Float64,
}
KEY = ["unit_code", "year", "month"]
PCT_TOLERANCE = 0.1   # percentage points between a stated percent and days/agreed days
DAYS_TOLERANCE = 0.5  # days between the total and its egenmeldt+legemeldt or short+long split


def build(df: pl.DataFrame, ctx: Context, found: list[str], **_) -> pl.DataFrame | None:
    if not require(df, ctx, [("unit_code", "unit_name"), ("year", "month"), ("sick_days", "sick_leave_pct",
                                                                              "self_certified_days")], found):
        return None
    if not present(df, "employees"):
        ctx.warnings.append("Filen har ingen kolonne «Antall ansatte»: enheter med under 5 ansatte kan derfor ikke "
                            "skjules av personvernhensyn, og fraværet vises for alle enheter. Ta med kolonnen hvis "
                            "noen enheter er små.")
    df = split_units(df)
    no_unit = df.filter(pl.col("unit_code").is_null() & pl.col("unit_name").is_null())
    ctx.add_many(no_unit, "unit_code" if "unit_code" in ctx.headers else "unit_name", lambda r: "mangler enhet")
    df = to_year_and_month(df, ctx, "year", "month", month_required=True)
    for name in DAYS:
        df = to_number(df, ctx, name)
        check_range(df, ctx, name, lo=0, message=lambda r, n=name: f"antall dager kan ikke være negativt ({_fmt(r[n])})")
    for name in ("sick_leave_pct", "goal_pct"):
        df = to_number(df, ctx, name, percent=True)
        check_range(df, ctx, name, 0, 100, lambda r, n=name: f"prosenten {_fmt(r[n])} er utenfor 0–100")
    df = to_number(df, ctx, "employees", integer=True)
    check_range(df, ctx, "employees", lo=0, message=lambda r: f"antall ansatte kan ikke være negativt ({r['employees']})")
    for name, dtype in COLUMNS.items():
        if not present(df, name):
            df = df.with_columns(pl.lit(None, dtype=dtype).alias(name))
    split_total = pl.col("self_certified_days") + pl.col("doctor_certified_days")
    df = df.with_columns(pl.coalesce(pl.col("sick_days"), split_total).alias("sick_days"))
    if not present(df, "sick_leave_pct") or df["sick_leave_pct"].null_count() == df.height:
        missing_agreed = df.filter(pl.col("agreed_work_days").is_null() & pl.col("sick_days").is_not_null())
        if missing_agreed.height:
            ctx.add(None, None, "Uten kolonne «Sykefravær %» trengs «Avtalte dagsverk» for å regne ut fraværsprosenten.")
    over = df.filter(pl.col("sick_days") > pl.col("agreed_work_days"))
    ctx.add_many(over, "sick_days",
                 lambda r: f"fraværsdager ({_fmt(r['sick_days'])}) er flere enn avtalte dagsverk ({_fmt(r['agreed_work_days'])})")
    if ctx.problems:
        return None
    computed = pl.when(pl.col("agreed_work_days") > 0).then(pl.col("sick_days") / pl.col("agreed_work_days") * 100)
    stated = df.filter(pl.col("sick_leave_pct").is_not_null() & computed.is_not_null()
                       & ((pl.col("sick_leave_pct") - computed).abs() > PCT_TOLERANCE))
    if stated.height:
        ctx.warnings.append(
            f"Oppgitt sykefravær % stemmer ikke med fraværsdager / avtalte dagsverk i {stated.height} rader "
            f"(f.eks. rad {stated['_row'][0]}); den oppgitte prosenten brukes."
        )
    df = df.with_columns(pl.coalesce(pl.col("sick_leave_pct"), computed).alias("sick_leave_pct"))
    pcts = df["sick_leave_pct"].drop_nulls()
    if pcts.len() >= 3 and pcts.max() <= 1.0 and pcts.max() > 0:
        ctx.warnings.append("Alle fraværsprosentene er 1 eller lavere – er de oppgitt som brøk (0,1031) i stedet for prosent (10,31)?")
    for a, b, label in (("self_certified_days", "doctor_certified_days", "egenmeldt + legemeldt"),
                        ("short_term_days", "long_term_days", "korttid + langtid")):
        off = df.filter((pl.col(a) + pl.col(b) - pl.col("sick_days")).abs() > DAYS_TOLERANCE)
        if off.height:
            ctx.warnings.append(f"{label} er ikke lik fraværsdagene i {off.height} rader (f.eks. rad {off['_row'][0]}).")
    df = df.with_columns(pl.coalesce("unit_code", "unit_name").alias("_unit_key"))
    check_duplicates(df, ctx, ["_unit_key", "year", "month"],
                     lambda r: f"enhet {r['_unit_key']}, {r['year']}-{r['month']:02d}")
    return df.select([pl.col(n).cast(t) for n, t in COLUMNS.items()] + ["_row"])


def _fmt(x) -> str:
    if x is None:
        return "–"
    return f"{x:.2f}".rstrip("0").rstrip(".").replace(".", ",")
