"""Shared checks that turn text columns into typed columns and collect every problem with row and column.

Each check looks at the whole column at once and reports each bad cell; nothing stops at the first error,
so the user fixes a file in one round.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from .model import MAX_PROBLEMS, Problem
from .schemas import Field, field_by_name
from .values import is_empty_expr, number_expr, parse_bool, parse_period, split_code_name

YEAR_MIN, YEAR_MAX = 2000, 2100


@dataclass
class Context:
    kind: str
    file_name: str
    headers: dict[str, str]          # field -> header text in the file
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dropped: int = 0                 # problems not kept beyond MAX_PROBLEMS

    def column(self, name: str) -> str:
        return self.headers.get(name) or field_by_name(self.kind)[name].label

    def add(self, row: int | None, name: str | None, message: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.dropped += 1
            return
        col = self.column(name) if name else None
        self.problems.append(Problem(self.file_name, row, col, message))

    def add_many(self, df: pl.DataFrame, name: str | None, make_message) -> None:
        """One problem per row of `df` (which has `_row`); make_message(row_dict) -> text."""
        room = MAX_PROBLEMS - len(self.problems)
        if room <= 0:
            self.dropped += df.height
            return
        for rec in df.head(room).iter_rows(named=True):
            self.add(rec["_row"], name, make_message(rec))
        self.dropped += max(0, df.height - room)

    def finish(self) -> list[Problem]:
        self.problems.sort(key=lambda p: (p.row is not None, p.row or 0))
        if self.dropped:
            self.problems.append(
                Problem(self.file_name, None, None, f"… og {self.dropped} problemer til av samme slag som over.")
            )
            self.dropped = 0
        return self.problems


def present(df: pl.DataFrame, name: str) -> bool:
    return name in df.columns


def to_number(df: pl.DataFrame, ctx: Context, name: str, *, percent=False, integer=False) -> pl.DataFrame:
    """Replace text column `name` by Float64 (or Int64); report cells that are not numbers."""
    if not present(df, name):
        return df
    parsed = f"__{name}"
    df = df.with_columns(number_expr(name, allow_percent=percent).alias(parsed))
    bad = df.filter(~is_empty_expr(name) & pl.col(parsed).is_null())
    ctx.add_many(bad, name, lambda r: f"«{r[name]}» er ikke et tall")
    if integer:
        frac = df.filter(pl.col(parsed).is_not_null() & (pl.col(parsed) != pl.col(parsed).round(0)))
        ctx.add_many(frac, name, lambda r: f"«{r[name]}» er ikke et helt tall")
        df = df.with_columns(pl.col(parsed).round(0).cast(pl.Int64))
    return df.drop(name).rename({parsed: name})


def check_range(df: pl.DataFrame, ctx: Context, name: str, lo=None, hi=None, message=None) -> None:
    if not present(df, name):
        return
    c = pl.col(name)
    cond = pl.lit(False)
    if lo is not None:
        cond = cond | (c < lo)
    if hi is not None:
        cond = cond | (c > hi)
    bad = df.filter(c.is_not_null() & cond)
    ctx.add_many(bad, name, message)


def split_codes(df: pl.DataFrame, code: str, name: str) -> pl.DataFrame:
    """`3110 Hjemmetjenesten Nord` in a code column fills the name column when the file has none."""
    if not present(df, code):
        return df
    values = df[code].unique().to_list()
    split = {v: split_code_name(v) for v in values if v is not None}
    if not any(n for _, n in split.values()):
        return df
    codes = df[code].replace_strict(
        {k: v[0] for k, v in split.items()}, default=None, return_dtype=pl.String
    )
    names = df[code].replace_strict(
        {k: v[1] for k, v in split.items()}, default=None, return_dtype=pl.String
    )
    df = df.with_columns(codes.alias(code))
    if present(df, name):
        return df.with_columns(pl.coalesce(pl.col(name), names).alias(name))
    return df.with_columns(names.alias(name))


def split_units(df: pl.DataFrame) -> pl.DataFrame:
    """Unit code and name from the file's unit columns, also when only a name column holds "3110 Nord"."""
    if present(df, "unit_code"):
        df = split_codes(df, "unit_code", "unit_name")
        if not present(df, "unit_name"):
            df = df.with_columns(pl.lit(None, dtype=pl.String).alias("unit_name"))
        return df
    values = [v for v in df["unit_name"].unique().to_list() if v is not None]
    split = {v: split_code_name(v) for v in values}
    codes = {k: (c if n else None) for k, (c, n) in split.items()}
    names = {k: (n if n else k) for k, (c, n) in split.items()}
    return df.with_columns(
        df["unit_name"].replace_strict(codes, default=None, return_dtype=pl.String).alias("unit_code"),
        df["unit_name"].replace_strict(names, default=None, return_dtype=pl.String).alias("unit_name"),
    )


def to_year_and_month(df: pl.DataFrame, ctx: Context, year: str, period: str, *, month_required: bool):
    """Fill `year` (Int64) and `period` (Int64 month or null) from År and/or Periode columns."""
    has_year, has_period = present(df, year), present(df, period)
    if has_year:
        df = to_number(df, ctx, year, integer=True)
    if has_period:
        values = [v for v in df[period].unique().to_list() if v is not None]
        parsed = {v: parse_period(v) for v in values}
        for v, (_, _, err) in parsed.items():
            if err:
                ctx.add_many(df.filter(pl.col(period) == v), period, lambda r, e=err: e)
        py = df[period].replace_strict({k: p[0] for k, p in parsed.items()}, default=None, return_dtype=pl.Int64)
        pm = df[period].replace_strict({k: p[1] for k, p in parsed.items()}, default=None, return_dtype=pl.Int64)
        df = df.with_columns(py.alias("__pyear"), pm.alias("__pmonth"))
        if has_year:
            clash = df.filter(
                pl.col("__pyear").is_not_null() & pl.col(year).is_not_null() & (pl.col("__pyear") != pl.col(year))
            )
            ctx.add_many(clash, period, lambda r: f"perioden «{r[period]}» hører til et annet år enn {r[year]}")
            df = df.with_columns(pl.coalesce(pl.col(year), pl.col("__pyear")).alias(year))
        else:
            df = df.with_columns(pl.col("__pyear").alias(year))
        df = df.drop(period).rename({"__pmonth": period}).drop("__pyear")
    else:
        df = df.with_columns(pl.lit(None, dtype=pl.Int64).alias(period))
    if year not in df.columns:
        df = df.with_columns(pl.lit(None, dtype=pl.Int64).alias(year))
    missing_year = df.filter(pl.col(year).is_null())
    where = year if has_year else period
    ctx.add_many(missing_year, where, lambda r: "mangler år")
    check_range(df, ctx, year, YEAR_MIN, YEAR_MAX,
                lambda r: f"året {r[year]} er ikke et gyldig år ({YEAR_MIN}–{YEAR_MAX})")
    check_range(df, ctx, period, 1, 12, lambda r: f"måned {r[period]} finnes ikke (må være 1–12)")
    if month_required:
        ctx.add_many(df.filter(pl.col(period).is_null() & pl.col(year).is_not_null()), period, lambda r: "mangler måned")
    return df


def to_bool(df: pl.DataFrame, ctx: Context, name: str) -> pl.DataFrame:
    if not present(df, name):
        return df
    values = [v for v in df[name].unique().to_list() if v is not None]
    parsed = {v: parse_bool(v) for v in values}
    for v, (_, err) in parsed.items():
        if err:
            ctx.add_many(df.filter(pl.col(name) == v), name, lambda r, e=err: e)
    return df.with_columns(
        df[name].replace_strict({k: p[0] for k, p in parsed.items()}, default=None, return_dtype=pl.Boolean).alias(name)
    )


def require(df: pl.DataFrame, ctx: Context, groups: list[tuple[str, ...]], found: list[str]) -> bool:
    """Each group is satisfied by any one of its fields; the message says what is missing and what was found."""
    fields = field_by_name(ctx.kind)
    missing = []
    for group in groups:
        if not any(present(df, g) for g in group):
            missing.append(" eller ".join(f"«{fields[g].label}»" for g in group))
    if missing:
        ctx.add(None, None,
                f"Mangler kolonne {', '.join(missing)}. Fant kolonnene: "
                f"{', '.join(f'«{h}»' for h in found) or '(ingen)'}. "
                "Gi kolonnene kjente navn, eller bruk et kolonnekart (--mapping).")
        return False
    return True


def check_duplicates(df: pl.DataFrame, ctx: Context, key: list[str], describe) -> None:
    """Rows with the same natural key: name all their row numbers in one problem per key."""
    dup = (
        df.group_by(key)
        .agg(pl.col("_row").sort().alias("rows"), pl.len().alias("n"))
        .filter(pl.col("n") > 1)
        .sort(pl.col("rows").list.first())
    )
    for rec in dup.iter_rows(named=True):
        rows = rec["rows"]
        listed = ", ".join(str(r) for r in rows[:10]) + (" …" if len(rows) > 10 else "")
        ctx.add(rows[0], None, f"radene {listed} gjelder det samme ({describe(rec)}); hver kombinasjon kan bare stå én gang")


def drop_sum_rows(df: pl.DataFrame, ctx: Context, key_fields: list[str]) -> pl.DataFrame:
    """Total lines ("Sum", "Totalt") at the bottom of reports would double the amounts; leave them out."""
    cols = [c for c in key_fields if c in df.columns]
    if not cols:
        return df
    text = pl.concat_str([pl.col(c).fill_null("") for c in cols], separator=" ").str.strip_chars().str.to_lowercase()
    is_sum = text.str.contains(r"^(sum|totalt?|samlet|i alt|hovedsum|delsum)\b")
    sums = df.filter(is_sum)
    if sums.height:
        rows = ", ".join(str(r) for r in sums["_row"].head(10).to_list())
        ctx.warnings.append(f"Sumlinjer ble hoppet over (rad {rows}{' …' if sums.height > 10 else ''}).")
    return df.filter(~is_sum)


def fields_of_type(kind: str, *types: str) -> list[Field]:
    from .schemas import SPECS

    return [f for f in SPECS[kind] if f.type in types]
