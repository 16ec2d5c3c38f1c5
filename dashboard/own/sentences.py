"""One plain-language sentence per managers' figure (budget deviation, sick leave), computed from what it shows."""
from __future__ import annotations

from dashboard.core import fmt


def units_over(*, count_over: int, total: int, what: str, period: str) -> str:
    """«3 av 8 enheter hadde merforbruk i 2025.»"""
    if total == 0:
        return f"Ingen enheter har tall for {period}."
    if count_over == 0:
        return f"Ingen av {total} enheter {what} i {period}."
    return f"{count_over} av {total} enheter {what} i {period}."


def highest_unit(*, rows: list[tuple[str, float]], month: str, year: int, measure: str) -> str | None:
    """«Sykefravær per måned i juni 2025: høyest i Sone Sør (9,8 %).» Suppressed units (:) are left out by the
    caller; None when no unit has a figure."""
    if not rows:
        return None
    if len(rows) == 1:
        name, value = rows[0]
        return f"Sykefravær {measure} i {month} {year}: {fmt.percent(value, 1)} i {name}."
    name, value = max(rows, key=lambda r: r[1])
    return f"Sykefravær {measure} i {month} {year}: høyest i {name} ({fmt.percent(value, 1)}) av {len(rows)} enheter."
