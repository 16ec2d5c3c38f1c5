"""Budget frame walks (from last year's frame through each change to the corrected frame) for the waterfall.

Budget documents print these wide (one column per economic-plan year, as in the 2017–2020 frame for
home services); some users will also keep them long (År, Beskrivelse, Beløp). Both are accepted.
"""
from __future__ import annotations

import re
from pathlib import PurePath

import polars as pl

from .readers import Grid
from .tables import HeaderMatch
from .validate import Context, present, to_number
from .values import number_expr

COLUMNS = {
    "frame_name": pl.String, "year": pl.Int32, "line_no": pl.Int32, "ref_no": pl.String,
    "description": pl.String, "category": pl.String, "amount": pl.Float64,
}
KEY = ["frame_name", "year", "line_no"]
CATEGORIES = ("start", "price_wage", "new_measure", "saving", "transfer", "investment_consequence", "other", "end")
CATEGORY_WORDS = {
    "start": "start|utgangspunkt|opprinnelig|vedtatt ramme|fjorårets ramme",
    "price_wage": "price_wage|pris|lønn|deflator",
    "new_measure": "new_measure|nytt tiltak|nye tiltak|tiltak|styrking|økning",
    "saving": "saving|innsparing|effektivisering|kutt|reduksjon|nedtrekk",
    "transfer": "transfer|overføring|intern overføring",
    "investment_consequence": "investment_consequence|investering|driftskonsekvens",
    "other": "other|annet|øvrig|teknisk",
    "end": "end|slutt|korrigert|ny ramme|sluttramme",
}
_SAVING = re.compile(r"effektiviser|innsparing|kutt|reduksjon|gevinst|nedtrekk|avvikles|bortfall|reduser", re.I)
_PRICE = re.compile(r"lønn|prisvekst|pris- og|deflator|lønnsoppgjør|prisjust", re.I)
_TRANSFER = re.compile(r"overføring|overført|flyttet fra|flyttet til", re.I)
_INVEST_SECTION = re.compile(r"driftskonsekvens|investering", re.I)
TOLERANCE = 1.0  # in the file's unit: budget documents round each line


def build(df: pl.DataFrame, ctx: Context, factor: float, hm: HeaderMatch, grid: Grid, found: list[str],
          **_) -> pl.DataFrame | None:
    frame_default = _frame_name_from(hm.title_lines, ctx.file_name)
    if hm.year_columns:
        long = _melt_wide(df, ctx, hm, grid)
    else:
        long = _long(df, ctx, found)
    if long is None or ctx.problems:
        return None
    if present(long, "frame_name"):
        long = long.with_columns(pl.col("frame_name").fill_null(frame_default))
    else:
        long = long.with_columns(pl.lit(frame_default).alias("frame_name"))
    long = long.with_columns((pl.col("amount") * factor).alias("amount"))
    out = []
    for (frame, year), part in long.group_by(["frame_name", "year"], maintain_order=True):
        part = _categorise(part.with_row_index("line_no", offset=1), ctx, frame, year, factor)
        if part is not None:
            out.append(part)
    if ctx.problems or not out:
        if not out and not ctx.problems:
            ctx.add(None, None, "Fant ingen linjer med beløp.")
        return None
    result = pl.concat(out, how="diagonal_relaxed")
    return result.select([pl.col(n).cast(t) for n, t in COLUMNS.items()] + ["_row"])


def _frame_name_from(title_lines: list[str], file_name: str) -> str:
    for line in title_lines:
        text = re.sub(r",?\s*tall i .*$|\(.*kr\)", "", line, flags=re.I).strip(" ,.-")
        text = re.sub(r"^(tabell [\d.]+\s*)?budsjettramme(n)? for\s+", "", text, flags=re.I)
        if text and not re.fullmatch(r"[\d\s.,-]+", text):
            return text[:1].upper() + text[1:]
    stem = PurePath(file_name).stem.replace("_", " ").replace("-", " ").strip()
    return stem or "Budsjettramme"


def _melt_wide(df: pl.DataFrame, ctx: Context, hm: HeaderMatch, grid: Grid) -> pl.DataFrame | None:
    body = grid.rows[hm.row_index + 1:]
    if "description" not in df.columns:
        used = set(hm.columns.values()) | set(hm.year_columns)
        width = max((len(r) for r in body), default=0)
        best, best_count = None, 0
        for j in range(width):
            if j in used:
                continue
            count = sum(1 for r in body if j < len(r) and r[j] and re.search(r"[A-Za-zÆØÅæøå]", r[j]))
            if count > best_count:
                best, best_count = j, count
        if best is None:
            ctx.add(None, None, "Fant ingen kolonne med beskrivelse av linjene i budsjettrammen.")
            return None
        df = df.with_columns(pl.Series("description", [(r[best].strip() if best < len(r) and r[best] else None) for r in body]))
        ctx.headers["description"] = (grid.rows[hm.row_index][best] or "Beskrivelse") if best < len(grid.rows[hm.row_index]) else "Beskrivelse"
    parts = []
    for j, year in hm.year_columns.items():
        col = f"__y{year}"
        ctx.headers[col] = str(year)
        values = pl.Series(col, [(r[j].strip() if j < len(r) and r[j] else None) for r in body], dtype=pl.String)
        parts.append(values)
    wide = df.with_columns(parts)
    for j, year in hm.year_columns.items():
        col = f"__y{year}"
        raw = f"__raw{year}"
        wide = wide.with_columns(pl.col(col).alias(raw))
        parsed = wide.with_columns(number_expr(col).alias("__n"))
        bad = parsed.filter(pl.col(col).is_not_null() & ~pl.col(col).is_in(["-", "–"]) & pl.col("__n").is_null())
        ctx.add_many(bad, col, lambda r, c=col: f"«{r[c]}» er ikke et tall")
        wide = parsed.drop(col).rename({"__n": col})
    year_cols = [f"__y{y}" for y in hm.year_columns.values()]
    has_amount = pl.any_horizontal([pl.col(c).is_not_null() for c in year_cols])
    wide = wide.with_columns(has_amount.alias("_has_amount"))
    wide = _mark_sections(wide)
    wide = wide.filter(pl.col("_has_amount"))
    rows = []
    keep = [c for c in ("frame_name", "ref_no", "description", "category", "_section", "_row") if c in wide.columns]
    for year in hm.year_columns.values():
        rows.append(wide.select(keep + [pl.lit(year).alias("year"), pl.col(f"__y{year}").fill_null(0.0).alias("amount")]))
    long = pl.concat(rows, how="vertical_relaxed")
    ctx.add_many(long.filter(pl.col("description").is_null()), "description", lambda r: "linjen mangler beskrivelse")
    return long.sort(["year", "_row"])


def _mark_sections(df: pl.DataFrame) -> pl.DataFrame:
    """Rows without amounts ("Endringer:", "Driftskonsekvenser av investeringer:") head the lines below them."""
    section, out = None, []
    for rec in df.select("description", "_has_amount").iter_rows():
        desc, has = rec
        if not has:
            section = "investment" if desc and _INVEST_SECTION.search(desc) else None
            out.append(None)
        else:
            out.append(section)
    return df.with_columns(pl.Series("_section", out, dtype=pl.String))


def _long(df: pl.DataFrame, ctx: Context, found: list[str]) -> pl.DataFrame | None:
    from .validate import require

    if not require(df, ctx, [("year",), ("description",), ("amount",)], found):
        return None
    df = to_number(df, ctx, "year", integer=True)
    ctx.add_many(df.filter(pl.col("year").is_null()), "year", lambda r: "mangler år")
    ctx.add_many(df.filter((pl.col("year") < 2000) | (pl.col("year") > 2100)), "year",
                 lambda r: f"året {r['year']} er ikke et gyldig år (2000–2100)")
    df = to_number(df, ctx, "amount")
    df = df.with_columns(pl.col("amount").is_not_null().alias("_has_amount"))
    df = _mark_sections(df).filter(pl.col("_has_amount"))
    ctx.add_many(df.filter(pl.col("description").is_null()), "description", lambda r: "linjen mangler beskrivelse")
    return df


def _categorise(part: pl.DataFrame, ctx: Context, frame: str, year: int, factor: float) -> pl.DataFrame | None:
    n = part.height
    cats: list[str | None] = []
    explicit = part["category"].to_list() if "category" in part.columns else [None] * n
    for i, rec in enumerate(part.iter_rows(named=True)):
        given = explicit[i]
        if given:
            cat = _category_from_word(given)
            if cat is None:
                ctx.add(rec["_row"], "category",
                        f"«{given}» er ikke en kjent kategori (bruk f.eks. start, pris og lønn, nytt tiltak, "
                        "innsparing, overføring, investering, annet, slutt)")
            cats.append(cat)
            continue
        if i == 0:
            cats.append("start")
        elif i == n - 1:
            cats.append("end")
        elif rec.get("_section") == "investment":
            cats.append("investment_consequence")
        else:
            desc = rec["description"] or ""
            if _TRANSFER.search(desc):
                cats.append("transfer")
            elif _PRICE.search(desc):
                cats.append("price_wage")
            elif _SAVING.search(desc) or rec["amount"] < 0:
                cats.append("saving")
            else:
                cats.append("new_measure")
    if ctx.problems:
        return None
    part = part.with_columns(pl.Series("category", cats, dtype=pl.String))
    starts = part.filter(pl.col("category") == "start")
    ends = part.filter(pl.col("category") == "end")
    if starts.height != 1 or ends.height != 1:
        ctx.add(None, None, f"Rammen «{frame}» for {year} må ha nøyaktig én startlinje og én sluttlinje "
                            f"(fant {starts.height} og {ends.height}).")
        return None
    walk = part.filter(~pl.col("category").is_in(["start", "end"]))["amount"].sum()
    expected = starts["amount"][0] + walk
    actual = ends["amount"][0]
    if abs(expected - actual) > TOLERANCE * factor:
        unit = 1000 if factor == 1000 else 1
        ctx.add(ends["_row"][0], None,
                f"rammen for {year} går ikke opp: startlinjen {_n(starts['amount'][0] / unit)} pluss endringene "
                f"{_n(walk / unit)} gir {_n(expected / unit)}, men sluttlinjen er {_n(actual / unit)}")
        return None
    if "ref_no" not in part.columns:
        part = part.with_columns(pl.lit(None, dtype=pl.String).alias("ref_no"))
    return part


def _category_from_word(text: str) -> str | None:
    t = text.strip().lower()
    for cat, words in CATEGORY_WORDS.items():
        if any(t == w or t.startswith(w) for w in words.split("|")):
            return cat
    return None


def _n(x: float) -> str:
    return f"{x:,.0f}".replace(",", "\u00a0").replace("-", "−")
