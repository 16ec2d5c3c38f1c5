"""The analyst's selection, read from and written to the URL (`kommune`, `sammenlign`, `fra`, `til`).

Parsing is a pure function so every hostile input (letters, script tags, SQL, reversed or
out-of-range years, unknown or historical codes) is tested without Streamlit, and so that
the page always gets a valid selection plus short Norwegian notices to show.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Mapping

CODE_RE = re.compile(r"\A[0-9]{4}\Z")  # ASCII digits: `\d` also takes «٣٩٠٩»
MAX_COMPARISONS = 5
DEFAULT_MUNICIPALITY_NAME = "Larvik"


@dataclass(frozen=True)
class Resolution:
    """What a code in a URL led to: today's code(s), with the name it had, and how it got there."""
    code: str
    current_codes: tuple[str, ...]
    code_name: str | None
    via_kind: str | None  # 'self' | 'renumber' | 'merge' | 'split'


@dataclass(frozen=True)
class Selection:
    municipality: str
    comparisons: tuple[str, ...]
    from_year: int
    to_year: int
    notices: tuple[str, ...] = field(default=(), compare=False)

    def query_params(self) -> dict[str, str]:
        # `sammenlign` is always written, empty when the user removed every comparison: a missing key means
        # "use the defaults", so dropping it would bring the defaults back on the next run or a shared link.
        return {"kommune": self.municipality, "sammenlign": ",".join(self.comparisons),
                "fra": str(self.from_year), "til": str(self.to_year)}


def _clean(text: str, limit: int = 40) -> str:
    """A safe, short echo of user input for messages (Streamlit escapes HTML; we also cut length)."""
    text = re.sub(r"[\x00-\x1f<>]", "", str(text))
    return text[:limit] + ("…" if len(text) > limit else "")


def _first(params: Mapping[str, object], key: str) -> str | None:
    value = params.get(key)
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    return None if value is None else str(value).strip()


def parse(params: Mapping[str, object], *, resolve: Callable[[str], Resolution | None],
          names: Mapping[str, str], default_municipality: str, default_comparisons: Callable[[str], list[str]],
          first_year: int, last_year: int, default_span: int = 8) -> Selection:
    """Turn URL query parameters into a valid Selection, explaining every correction in Norwegian."""
    notices: list[str] = []

    def resolve_one(raw: str, role: str) -> str | None:
        if not CODE_RE.match(raw):
            notices.append(f"«{_clean(raw)}» er ikke et kommunenummer ({role}); kommunenummer har fire siffer.")
            return None
        if raw in names:  # today's municipality: nothing to resolve (saves a query per code on every rerun)
            return raw
        res = resolve(raw)
        if res is None or not res.current_codes:
            notices.append(f"Fant ingen kommune med nummer {raw} ({role}).")
            return None
        current = res.current_codes[0]
        if raw != current:
            old_name = res.code_name or raw
            new_name = names.get(current, current)
            if res.via_kind == "renumber":
                notices.append(f"Kommunenummer {raw} ({old_name}) er i dag {current} {new_name}; viser {new_name}.")
            elif res.via_kind == "merge":
                notices.append(f"{raw} {old_name} ble slått sammen og er i dag en del av {current} {new_name}; "
                               f"viser {new_name}.")
            elif res.via_kind == "split":
                others = ", ".join(f"{c} {names.get(c, c)}" for c in res.current_codes)
                notices.append(f"{raw} {old_name} ble delt ({others}); viser {current} {new_name}.")
            else:
                notices.append(f"Kommunenummer {raw} er i dag {current} {new_name}.")
        return current

    municipality = None
    raw_kommune = _first(params, "kommune")
    if raw_kommune:
        municipality = resolve_one(raw_kommune, "kommune")
    if municipality is None:
        municipality = default_municipality
        if raw_kommune:
            notices.append(f"Viser {names.get(municipality, municipality)} i stedet.")

    comparisons: list[str] = []
    raw_cmp = _first(params, "sammenlign")
    if raw_cmp is None:
        comparisons = [c for c in default_comparisons(municipality) if c != municipality][:MAX_COMPARISONS]
    elif raw_cmp:
        parts = [p.strip() for p in raw_cmp.split(",") if p.strip()]
        for part in parts[: MAX_COMPARISONS * 3]:
            code = resolve_one(part, "sammenligning")
            if code and code != municipality and code not in comparisons:
                comparisons.append(code)
        if len(comparisons) > MAX_COMPARISONS:
            notices.append(f"Du kan sammenligne med høyst {MAX_COMPARISONS} kommuner; de første {MAX_COMPARISONS} vises.")
            comparisons = comparisons[:MAX_COMPARISONS]

    def year(key: str, default: int) -> int:
        raw = _first(params, key)
        if raw is None or raw == "":
            return default
        if not re.fullmatch(r"[0-9]{4}", raw):
            notices.append(f"«{_clean(raw)}» er ikke et årstall ({key}); bruker {default}.")
            return default
        value = int(raw)
        if value < first_year or value > last_year:
            clamped = min(max(value, first_year), last_year)
            notices.append(f"Det finnes bare tall for {first_year}–{last_year}; {key}={value} er endret til {clamped}.")
            return clamped
        return value

    to_year = year("til", last_year)
    from_year = year("fra", max(first_year, to_year - default_span + 1))
    if from_year > to_year:
        notices.append(f"Fra-år ({from_year}) var etter til-år ({to_year}); årene er byttet om.")
        from_year, to_year = to_year, from_year
    return Selection(municipality, tuple(comparisons), from_year, to_year, tuple(notices))
