"""Numbers as Norwegian users write them: 1 234 567 kr, 44,7 %, 02.09.2020.

One module so that tables, hover texts, axis ticks and downloads agree to the character.
"""
from __future__ import annotations

import math
from datetime import date, datetime

NBSP = "\u00a0"

# SSB's standard symbols and what they mean (shown in hover texts, tables and the sources page).
STATUS_MEANING = {
    ".": "Ikke mulig å oppgi tall (fantes ikke eller var ikke i bruk dette året)",
    "..": "Tallgrunnlag mangler (ikke kommet inn eller for usikkert til å publiseres)",
    "...": "Tall kan ikke offentliggjøres ennå",
    ":": "Vises ikke av personvernhensyn",
    "-": "Null",
}

UNIT_SUFFIX = {"kr": "kr", "%": "%", "ganger": "ganger", "personer": "", "plasser": "", "1000 kr": "1000 kr"}


def number(value: float | int | None, decimals: int = 0, *, status: str | None = None) -> str:
    """`1 234 567` / `44,7`; a missing value shows SSB's symbol (never 0)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return status or ".."
    if status == "-":
        return "0"
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # −0,0: a value that rounds to zero has no sign
    return text.replace(",", NBSP).replace(".", ",").replace("-", "\u2212")


def with_unit(value: float | int | None, unit: str, decimals: int = 0, *, status: str | None = None) -> str:
    text = number(value, decimals, status=status)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return text
    suffix = UNIT_SUFFIX.get(unit, unit)
    return f"{text}{NBSP}{suffix}" if suffix else text


def kroner(value: float | None, decimals: int = 0) -> str:
    return with_unit(value, "kr", decimals)


def compact_kroner(value: float | None) -> str:
    """Large sums short enough for a key-figure card: `90,8 mrd. kr`, `229,4 mill. kr`; below a million in full.

    A card four to a row at 1280 px holds about a dozen characters; «90 845,2 mill. kr» was cut."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ".."
    if abs(value) >= 1_000_000_000:
        return f"{number(value / 1_000_000_000, 1)}{NBSP}mrd.{NBSP}kr"
    if abs(value) >= 1_000_000:
        return f"{number(value / 1_000_000, 1)}{NBSP}mill.{NBSP}kr"
    return kroner(value)


def percent(value: float | None, decimals: int = 1) -> str:
    return with_unit(value, "%", decimals)


def signed(value: float | None, unit: str, decimals: int = 0) -> str:
    """Change from last year with an explicit sign: `+1 234 kr`, `−2,3 prosentpoeng`."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    sign = "+" if value > 0 else ""
    if unit == "%":
        return f"{sign}{number(value, decimals)}{NBSP}prosentpoeng"
    return f"{sign}{with_unit(value, unit, decimals)}"


def status_meaning(status: str | None) -> str:
    return STATUS_MEANING.get(status or "", "")


def norwegian_date(value: date | datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return value.strftime("%d.%m.%Y")


def plotly_separators() -> str:
    """Plotly's `separators`: decimal mark, then thousands mark."""
    return "," + NBSP
