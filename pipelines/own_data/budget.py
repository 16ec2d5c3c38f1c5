"""Budget and accounts lines (per ansvar, tjeneste, art and period) from the accounting system export."""
from __future__ import annotations

import polars as pl

from .validate import (
    Context, check_duplicates, present, require, split_codes, split_units, to_number, to_year_and_month,
)

AMOUNTS = ("original_budget", "budget_changes", "revised_budget", "accounts")
COLUMNS = {
    "unit_code": pl.String, "unit_name": pl.String, "sector": pl.String,
    "service_code": pl.String, "service_name": pl.String, "art_code": pl.String, "art_name": pl.String,
    "year": pl.Int32, "period": pl.Int32,
    "original_budget": pl.Float64, "budget_changes": pl.Float64, "revised_budget": pl.Float64, "accounts": pl.Float64,
}
KEY = ["unit_code", "service_code", "art_code", "year", "period"]
# A file with all three budget columns should add up; rounding in 1000-kr exports allows a little slack.
TOLERANCE_KR = 1.0
# A file without one side is imported as what it is; its accounts (or budget) are stored as missing, never as 0,
# and the pages show a deviation only where both exist.
NO_ACCOUNTS = ("Filen har ingen kolonne for regnskap: bare budsjettet er importert. Regnskapet lagres som "
               "manglende (ikke 0), og avvik vises bare der regnskap finnes.")
NO_BUDGET = ("Filen har ingen kolonne for budsjett: bare regnskapet er importert. Budsjettet lagres som "
             "manglende (ikke 0), og avvik vises bare der budsjett finnes.")


def build(df: pl.DataFrame, ctx: Context, factor: float, found: list[str], **_) -> pl.DataFrame | None:
    if not require(df, ctx, [("unit_code", "unit_name"), ("year", "period"),
                             ("original_budget", "revised_budget", "accounts")], found):
        return None
    if not present(df, "accounts"):
        ctx.warnings.append(NO_ACCOUNTS)
    elif not any(present(df, c) for c in ("original_budget", "budget_changes", "revised_budget")):
        ctx.warnings.append(NO_BUDGET)
    df = split_units(df)
    df = split_codes(df, "service_code", "service_name")
    df = split_codes(df, "art_code", "art_name")
    no_unit = df.filter(pl.col("unit_code").is_null() & pl.col("unit_name").is_null())
    ctx.add_many(no_unit, "unit_code" if "unit_code" in ctx.headers else "unit_name", lambda r: "mangler ansvar/enhet")
    df = to_year_and_month(df, ctx, "year", "period", month_required=False)
    for name in AMOUNTS:
        df = to_number(df, ctx, name)
        if present(df, name):
            df = df.with_columns((pl.col(name).fill_null(0.0) * factor).alias(name))
    if present(df, "original_budget") and present(df, "budget_changes") and not present(df, "revised_budget"):
        df = df.with_columns((pl.col("original_budget") + pl.col("budget_changes")).alias("revised_budget"))
    if present(df, "original_budget") and present(df, "revised_budget") and not present(df, "budget_changes"):
        df = df.with_columns((pl.col("revised_budget") - pl.col("original_budget")).alias("budget_changes"))
    elif all(present(df, c) for c in ("original_budget", "budget_changes", "revised_budget")):
        off = df.filter(
            (pl.col("original_budget") + pl.col("budget_changes") - pl.col("revised_budget")).abs() > TOLERANCE_KR * factor
        )
        if off.height:
            rows = ", ".join(str(r) for r in off["_row"].head(5).to_list())
            ctx.warnings.append(
                f"Opprinnelig budsjett + endringer er ikke lik revidert budsjett i {off.height} rader (f.eks. rad {rows}). "
                "Sjekk at kolonnene er riktig koblet."
            )
    for name, dtype in COLUMNS.items():
        if not present(df, name):
            df = df.with_columns(pl.lit(None, dtype=dtype).alias(name))
    if ctx.problems:
        return None
    df = df.with_columns(pl.coalesce("unit_code", "unit_name").alias("_unit_key"))
    check_duplicates(
        df, ctx, ["_unit_key", "service_code", "art_code", "year", "period"],
        lambda r: f"ansvar {r['_unit_key']}, tjeneste {r['service_code'] or '–'}, art {r['art_code'] or '–'}, "
                  f"{_period_label(r['year'], r['period'])}",
    )
    return df.select([pl.col(n).cast(t) for n, t in COLUMNS.items()] + ["_row"])


def _period_label(year, period) -> str:
    return f"{year}-{period:02d}" if period else f"{year}"
