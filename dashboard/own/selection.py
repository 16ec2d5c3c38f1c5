"""The manager's selection, read from and written to the URL (`enhet`, `periode`).

`enhet` is a unit code from the municipality's own files or `alle`; `periode` is a year (`2025`) or a
year and month (`2025-06`: the year to date through June). Parsing is a pure function so hostile
input (letters, script tags, SQL, month 13, years without data, unknown units) is tested without
Streamlit, and the page always gets a valid selection plus short Norwegian notices.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping, Sequence

ALL_UNITS = "alle"
MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember")
UNIT_RE = re.compile(r"^[0-9A-Za-zÆØÅæøå][0-9A-Za-zÆØÅæøå ._\-]{0,39}$")
PERIOD_RE = re.compile(r"\A([0-9]{4})(?:-([0-9]{1,2}))?\Z")  # ASCII digits only


@dataclass(frozen=True)
class OwnSelection:
    unit: str                 # a unit code, or ALL_UNITS
    year: int | None          # None only when there are no own data at all
    month: int | None = None  # None = the whole year; 1–12 = year to date through that month
    notices: tuple[str, ...] = field(default=(), compare=False)

    @property
    def to_month(self) -> int:
        return self.month or 12

    @property
    def is_all(self) -> bool:
        return self.unit == ALL_UNITS

    @property
    def period(self) -> str:
        if self.year is None:
            return ""
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)

    def period_label(self) -> str:
        """'2025' or 'januar–juni 2025' for titles."""
        if self.year is None:
            return ""
        if not self.month or self.month == 12:
            return str(self.year)
        if self.month == 1:
            return f"januar {self.year}"
        return f"januar–{MONTHS[self.month - 1]} {self.year}"

    def query_params(self) -> dict[str, str]:
        params = {"enhet": self.unit}
        if self.year is not None:
            params["periode"] = self.period
        return params


def clean(text: object, limit: int = 40) -> str:
    """A safe, short echo of user input for messages: no control characters or angle brackets, cut short."""
    text = re.sub(r"[\x00-\x1f\x7f<>`*_\[\]\\]", "", str(text))
    return text[:limit] + ("…" if len(text) > limit else "")


def _first(params: Mapping[str, object], key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    return None if value is None else str(value).strip()


def parse(params: Mapping[str, object], *, units: Mapping[str, str], years: Sequence[int],
          default_year: int | None = None, default_month: int | None = None, allow_all: bool = True,
          default_unit: str | None = None) -> OwnSelection:
    """Turn URL query parameters into a valid OwnSelection, explaining every correction in Norwegian.

    units: code -> name of the units that exist; years: the years with own data (any order).
    allow_all False (the unit scorecard) means `alle` is replaced by default_unit or the first unit.
    """
    notices: list[str] = []
    years = sorted({int(y) for y in years})
    fallback_unit = ALL_UNITS if allow_all else (default_unit if default_unit in units else next(iter(units), ALL_UNITS))

    unit = fallback_unit
    raw_unit = _first(params, "enhet")
    if raw_unit:
        by_lower = {str(c).lower(): c for c in units}
        if raw_unit.lower() == ALL_UNITS:
            if allow_all:
                unit = ALL_UNITS
            elif units:
                notices.append(f"Enhetsrapporten gjelder én enhet; viser {units.get(unit, unit)}.")
        elif not UNIT_RE.match(raw_unit):
            notices.append(f"«{clean(raw_unit)}» er ikke en gyldig enhetskode; "
                           f"viser {_unit_text(fallback_unit, units)}.")
        elif raw_unit in units or raw_unit.lower() in by_lower:
            unit = raw_unit if raw_unit in units else by_lower[raw_unit.lower()]
        else:
            notices.append(f"Fant ingen enhet med kode «{clean(raw_unit)}»; viser {_unit_text(fallback_unit, units)}.")

    if not years:
        return OwnSelection(unit, None, None, tuple(notices))
    first, last = years[0], years[-1]
    year = default_year if default_year in years else last
    month = default_month if default_year in years else None
    raw_period = _first(params, "periode")
    if raw_period:
        match = PERIOD_RE.match(raw_period)
        if not match:
            notices.append(f"«{clean(raw_period)}» er ikke en periode; bruk år (2025) eller år og måned (2025-06). "
                           f"Viser {_period_text(year, month)}.")
        else:
            wanted_year = int(match.group(1))
            wanted_month = int(match.group(2)) if match.group(2) else None
            if wanted_month is not None and not 1 <= wanted_month <= 12:
                notices.append(f"Måned {wanted_month} finnes ikke (1–12); viser hele {wanted_year}.")
                wanted_month = None
            if wanted_year in years:
                year, month = wanted_year, wanted_month
            else:
                span = f"{first}–{last}" if first != last else str(first)
                nearest = min(years, key=lambda y: (abs(y - wanted_year), -y))
                notices.append(f"Det finnes bare egne tall for {span}; viser {nearest} i stedet for {wanted_year}.")
                year, month = nearest, None
    if month == 12:
        month = None
    return OwnSelection(unit, year, month, tuple(notices))


def _unit_text(unit: str, units: Mapping[str, str]) -> str:
    return "alle enheter" if unit == ALL_UNITS else f"{units.get(unit, unit)}"


def _period_text(year: int, month: int | None) -> str:
    return OwnSelection(ALL_UNITS, year, month).period_label()
