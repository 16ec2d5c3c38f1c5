"""Unit goals (the yearly scorecard): per unit, year and indicator a goal, a result and which way is good."""
from __future__ import annotations

import re

import polars as pl

from .schemas import field_by_name
from .validate import Context, check_duplicates, present, require, split_units, to_bool, to_number

COLUMNS = {
    "unit_code": pl.String, "unit_name": pl.String, "year": pl.Int32, "indicator": pl.String,
    "goal": pl.Float64, "result": pl.Float64, "higher_is_better": pl.Boolean, "unit": pl.String,
    "comment": pl.String,
}
KEY = ["unit_code", "year", "indicator"]
# Indicators where a lower number is the goal; used only when the file has no direction column.
LOWER_IS_BETTER = re.compile(r"fravær|fravaer|avvik|ventetid|klage|overtid|turnover|skade|fall|"
                             r"merforbruk|kostnad|liggedøgn|reinnleggelse", re.IGNORECASE)


def build(df: pl.DataFrame, ctx: Context, found: list[str], **_) -> pl.DataFrame | None:
    if not require(df, ctx, [("unit_code", "unit_name"), ("year",), ("indicator",), ("goal", "result")], found):
        return None
    for name, other in (("result", "goal"), ("goal", "result")):
        if not present(df, name):
            ctx.warnings.append(
                f"Filen har ingen kolonne «{field_by_name('goals')[name].label}»: bare "
                f"{'målene' if other == 'goal' else 'resultatene'} er importert, og om målet er nådd vises først "
                f"når {'resultatene' if name == 'result' else 'målene'} er importert.")
    df = split_units(df)
    no_unit = df.filter(pl.col("unit_code").is_null() & pl.col("unit_name").is_null())
    ctx.add_many(no_unit, "unit_code" if "unit_code" in ctx.headers else "unit_name", lambda r: "mangler enhet")
    ctx.add_many(df.filter(pl.col("indicator").is_null()), "indicator", lambda r: "mangler indikator")
    df = to_number(df, ctx, "year", integer=True)
    ctx.add_many(df.filter(pl.col("year").is_null()), "year", lambda r: "mangler år")
    ctx.add_many(df.filter((pl.col("year") < 2000) | (pl.col("year") > 2100)), "year",
                 lambda r: f"året {r['year']} er ikke et gyldig år (2000–2100)")
    for name in ("goal", "result"):
        df = to_number(df, ctx, name, percent=True)
    df = to_bool(df, ctx, "higher_is_better")
    for name, dtype in COLUMNS.items():
        if not present(df, name):
            df = df.with_columns(pl.lit(None, dtype=dtype).alias(name))
    if ctx.problems:
        return None
    guessed = df.filter(pl.col("higher_is_better").is_null())
    if guessed.height:
        lower = [i for i in guessed["indicator"].unique().sort().to_list() if LOWER_IS_BETTER.search(i)]
        ctx.warnings.append(
            "Retning (høyere eller lavere er bedre) mangler for noen indikatorer og er gjettet ut fra navnet"
            + (f": lavere er bedre for {', '.join(f'«{i}»' for i in lower)}, høyere for resten." if lower
               else ": høyere er bedre.")
        )
        df = df.with_columns(
            pl.coalesce(pl.col("higher_is_better"), ~pl.col("indicator").str.contains("(?i)" + LOWER_IS_BETTER.pattern))
            .alias("higher_is_better")
        )
    df = df.with_columns(pl.coalesce("unit_code", "unit_name").alias("_unit_key"))
    check_duplicates(df, ctx, ["_unit_key", "year", "indicator"],
                     lambda r: f"enhet {r['_unit_key']}, {r['year']}, «{r['indicator']}»")
    return df.select([pl.col(n).cast(t) for n, t in COLUMNS.items()] + ["_row"])
