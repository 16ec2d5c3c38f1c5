"""One plain-language sentence per managers' figure (budget deviation, sick leave), computed from what it shows."""
from __future__ import annotations

from dashboard.core import fmt
from dashboard.core.sentences import shown


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


def split_takeaway(*, rows: list[tuple[str, float, float]], first: str, second: str, period: str,
                   decimals: int = 2) -> str | None:
    """«Legemeldt fravær var større enn egenmeldt fravær i 6 av 8 enheter i 2025; høyest legemeldt fravær: Sone Sør
    (8,12 %).»

    rows: (unit name, first part, second part) in per cent of agreed working days, for the units with both parts
    (suppressed units are left out by the caller). Compared as the table prints them (`decimals`), so a unit whose
    two parts read the same is never counted as larger. None when no unit has both parts."""
    if not rows:
        return None
    printed = [(name, shown(a, decimals), shown(b, decimals)) for name, a, b in rows]
    if len(printed) == 1:
        name, a, b = printed[0]
        return (f"I {period} var {second} {fmt.percent(b, decimals)} og {first} "
                f"{fmt.percent(a, decimals)} av avtalte dagsverk i {name}.")
    more_second = sum(1 for _, a, b in printed if b > a)
    more_first = sum(1 for _, a, b in printed if a > b)
    top_name, _, top = max(printed, key=lambda r: r[2])
    total = len(printed)
    if more_second == more_first == 0:
        return f"{first[:1].upper() + first[1:]} og {second} var like store i alle {total} enhetene i {period}."
    if more_second >= more_first:
        head = f"{second[:1].upper() + second[1:]} var større enn {first} i {more_second} av {total} enheter i {period}"
    else:
        head = f"{first[:1].upper() + first[1:]} var større enn {second} i {more_first} av {total} enheter i {period}"
    return f"{head}; høyest {second}: {top_name} ({fmt.percent(top, decimals)})."
