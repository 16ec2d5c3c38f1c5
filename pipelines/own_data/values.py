"""Cell text -> typed values, the way Norwegian exports write them.

Numbers are parsed as polars expressions (a 100 000-row accounts file has half a million amount cells);
periods and yes/no are parsed per distinct value, of which there are few.
"""
from __future__ import annotations

import re

import polars as pl

EMPTY_MARKERS = ("", "-", "–", "—", "..", ".")


def number_expr(col: str, *, allow_percent: bool = False) -> pl.Expr:
    """Float from text such as `1 234,50`, `1.234,50`, `−12`, `(12)`, `12-`, `10,31 %`, `1234.5`.

    Rules: all whitespace (also no-break and narrow no-break space) is a thousands separator; when both
    `,` and `.` occur the last one is the decimal mark; a single `,` is a decimal comma; repeated `,` or `.`
    are thousands separators. A lone dash or empty cell is empty (null). Unparseable text gives null;
    callers compare with the raw text to report it.

    Built as a chain of single-use steps (each `pipe` evaluates its input once): referring to the same
    sub-expression in several when/then branches made polars evaluate it again per branch.
    """
    s = pl.col(col).str.replace_all(r"\s", "").str.replace_all("[−–—]", "-")
    s = s.str.replace(r"(?i)(kr|nok|,-|\.-)$", "")
    if allow_percent:
        s = s.str.replace(r"%$", "")
    # (12) and 12- are negative
    s = s.str.replace(r"^\((.*)\)$", "-$1").str.replace(r"^(\d[\d.,]*)-$", "-$1")
    # both separators: the last one is the decimal mark -> drop the other, normalise the decimal to "."
    s = s.str.replace(r"^([+-]?\d{1,3}(?:\.\d{3})+),(\d*)$", "${1}d${2}").str.replace(
        r"^([+-]?\d{1,3}(?:,\d{3})+)\.(\d*)$", "${1}d${2}")
    s = s.map_batches(_separators, return_dtype=pl.String)
    # only plain decimal syntax may reach the cast: Rust's float parser would accept "inf", "nan", "1e5"
    s = s.str.extract(r"^([+-]?(?:\d+\.?\d*|\.\d+))$", 1)
    return s.cast(pl.Float64, strict=False).alias(col)


def _separators(s: pl.Series) -> pl.Series:
    """Runs once per column on the whole series: resolves thousands separators and the decimal mark."""
    has_d = s.str.contains("d", literal=True)
    n_comma = s.str.count_matches(",", literal=True)
    n_dot = s.str.count_matches(".", literal=True)
    grouped = s.str.replace_all(r"[.,]", "").str.replace("d", ".", literal=True)
    single_comma = s.str.replace(",", ".", literal=True)
    no_commas = s.str.replace_all(",", "", literal=True)
    no_dots = s.str.replace_all(".", "", literal=True)
    out = (
        pl.DataFrame({"s": s, "has_d": has_d, "c": n_comma, "d": n_dot, "g": grouped, "sc": single_comma,
                      "nc": no_commas, "nd": no_dots})
        .select(
            pl.when(pl.col("has_d")).then(pl.col("g"))
            .when((pl.col("c") == 1) & (pl.col("d") == 0)).then(pl.col("sc"))
            .when((pl.col("c") > 1) & (pl.col("d") == 0)).then(pl.col("nc"))
            .when((pl.col("d") > 1) & (pl.col("c") == 0)).then(pl.col("nd"))
            .when((pl.col("c") > 0) & (pl.col("d") > 0)).then(pl.lit(None, dtype=pl.String))
            .otherwise(pl.col("s"))
        )
        .to_series()
    )
    return out.alias(s.name)


def is_empty_expr(col: str) -> pl.Expr:
    c = pl.col(col)
    return c.is_null() | c.str.strip_chars().is_in(list(EMPTY_MARKERS))


MONTH_NAMES = {
    "jan": 1, "januar": 1, "feb": 2, "februar": 2, "mar": 3, "mars": 3, "apr": 4, "april": 4, "mai": 5,
    "jun": 6, "juni": 6, "jul": 7, "juli": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10, "nov": 11, "november": 11, "des": 12, "desember": 12,
}
_YEAR_MONTH = re.compile(r"^(\d{4})\s*[-./ ]?\s*(\d{1,2})(?:[-./]\d{1,2})?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[-./ ]\s*(\d{4})$")
_DATE_NO = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_NAME_YEAR = re.compile(r"^([a-zæøå]+)\.?\s*[-./ ]?\s*(\d{4})?$")


def parse_period(text: str | None) -> tuple[int | None, int | None, str | None]:
    """(year, month, error) from `3`, `03`, `202403`, `2024-03`, `2024.3`, `03.2024`, `01.03.2024`,
    `mars`, `mars 2024`, `2024` (a whole year: month None). Month 13 etc. is returned as is and judged later.
    """
    if text is None:
        return None, None, None
    t = text.strip().lower()
    if t in EMPTY_MARKERS:
        return None, None, None
    if re.fullmatch(r"\d{1,2}", t):
        return None, int(t), None
    if re.fullmatch(r"\d{4}", t):
        return int(t), None, None
    if re.fullmatch(r"\d{1,2}[.,]0+", t):  # 3.0 from a spreadsheet number
        return None, int(t.split(".")[0].split(",")[0]), None
    m = _DATE_NO.match(t)
    if m:
        return int(m.group(3)), int(m.group(2)), None
    m = _YEAR_MONTH.match(t)
    if m:
        return int(m.group(1)), int(m.group(2)), None
    m = _MONTH_YEAR.match(t)
    if m:
        return int(m.group(2)), int(m.group(1)), None
    m = _NAME_YEAR.match(t)
    if m and m.group(1) in MONTH_NAMES:
        return (int(m.group(2)) if m.group(2) else None), MONTH_NAMES[m.group(1)], None
    return None, None, f"«{text.strip()}» er ikke en periode (bruk f.eks. 3, 2024-03, 202403 eller mars 2024)"


TRUE_WORDS = {"ja", "j", "true", "sann", "1", "x", "høy", "høyt", "hoy", "høyere", "stigende", "opp", "+", "yes", "y"}
FALSE_WORDS = {"nei", "n", "false", "usann", "0", "lav", "lavt", "lavere", "synkende", "ned", "-", "no"}


def parse_bool(text: str | None) -> tuple[bool | None, str | None]:
    if text is None or not text.strip():
        return None, None
    t = text.strip().lower()
    if t in TRUE_WORDS or t.startswith("høyere er bedre"):
        return True, None
    if t in FALSE_WORDS or t.startswith("lavere er bedre"):
        return False, None
    return None, f"«{text.strip()}» er verken ja eller nei (bruk ja/nei, høy/lav eller 1/0)"


_CODE_AND_NAME = re.compile(r"^\s*([0-9][0-9A-Za-z.]*)\s*(?:[-–:]\s*|\s+)(\S.*?)\s*$")


def split_code_name(text: str | None) -> tuple[str | None, str | None]:
    """`3110 Hjemmetjenesten Nord` -> ('3110', 'Hjemmetjenesten Nord'); a bare code stays a code."""
    if text is None:
        return None, None
    m = _CODE_AND_NAME.match(text)
    if m:
        return m.group(1), m.group(2)
    t = text.strip()
    return (t or None), None


# Spreadsheets evaluate a cell typed or opened (CSV) as "=…", "+…", "−…" or "@…", and some read a leading tab or
# carriage return past; "-12,5" or "+3" alone are numbers, not formulas, and stay as they are.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?[\d\s\u00a0\u202f.,]*%?$")


def looks_like_formula(text) -> bool:
    """True for text a spreadsheet would evaluate as a formula (or DDE command) if given it as a cell."""
    return isinstance(text, str) and text.startswith(FORMULA_START) and not _PLAIN_NUMBER.match(text)


def looks_like_formula_expr(col: str) -> pl.Expr:
    """looks_like_formula as a polars expression over a text column (null is False)."""
    c = pl.col(col)
    return (c.str.contains(r"^[=+\-@\t\r]") & ~c.str.contains(_PLAIN_NUMBER.pattern)).fill_null(False)
