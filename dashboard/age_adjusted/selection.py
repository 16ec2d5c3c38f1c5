"""The age-adjusted page's own choices, read from and written to the URL: `referanse` and `aar` (besides `kommune`).

A pure function like dashboard/kostra/selection.py, so hostile or out-of-range values are tested without Streamlit and
a shared link always reproduces exactly the comparison it was copied from.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Mapping

from dashboard.kostra.selection import Resolution, Selection, _clean, _first

REFERENCE_KEY = "referanse"
YEAR_KEY = "aar"
AGE_ADJUSTED_KEYS = (REFERENCE_KEY, YEAR_KEY)
COUNTRY = "EAKUO"        # landet uten Oslo: the default, as for every economy comparison
GROUP = "group"          # the municipality's KOSTRA group in the chosen year
# the URL's words for the two aggregate references (a municipality is its four-digit code)
REFERENCE_WORDS = {COUNTRY: "landet-uten-oslo", GROUP: "gruppe"}
_WORD_ALIASES = {"landet-uten-oslo": COUNTRY, "landet": COUNTRY, "eakuo": COUNTRY, "gruppe": GROUP,
                 "kostra-gruppe": GROUP, "kostragruppe": GROUP}
# ASCII digits only, the whole text: `\d` also takes «٢٠٢٢», and `$` a trailing newline
CODE_RE = re.compile(r"\A[0-9]{4}\Z")
YEAR_RE = re.compile(r"\A[0-9]{4}\Z")


class AgeAdjustedError(ValueError):
    """A value the page corrects with a notice; a strict caller (`publish`) refuses it instead."""


@dataclass(frozen=True)
class AgeAdjustedSelection:
    """What an age-adjusted figure needs: the municipality (with the other pages' selection, kept for the links),
    the reference (COUNTRY, GROUP or a municipality's code) and the year."""
    selection: Selection
    reference: str
    year: int
    own_notices: tuple[str, ...] = field(default=(), compare=False)

    @property
    def municipality(self) -> str:
        return self.selection.municipality

    @property
    def notices(self) -> tuple[str, ...]:
        return tuple(self.selection.notices) + tuple(self.own_notices)

    def query_params(self) -> dict[str, str]:
        return {**self.selection.query_params(), REFERENCE_KEY: REFERENCE_WORDS.get(self.reference, self.reference),
                YEAR_KEY: str(self.year)}


def parse(params: Mapping[str, object], *, selection: Selection, names: Mapping[str, str],
          resolve: Callable[[str], Resolution | None], years: list[int], strict: bool = False) -> AgeAdjustedSelection:
    """URL parameters -> a valid AgeAdjustedSelection; every correction explained in one Norwegian sentence.

    years: the years the comparison has (ascending); the default is the latest. strict: raise AgeAdjustedError at the
    first bad value instead of correcting it."""
    notices: list[str] = []

    def note(problem: str, correction: str) -> None:
        if strict:
            raise AgeAdjustedError(f"{problem}.")
        notices.append(f"{problem}; {correction}.")

    reference = COUNTRY
    raw = _first(params, REFERENCE_KEY)
    if raw:
        word = raw.lower()
        if word in _WORD_ALIASES:
            reference = _WORD_ALIASES[word]
        elif CODE_RE.match(raw):
            code = raw if raw in names else None
            if code is None:
                res = resolve(raw)
                code = res.current_codes[0] if res is not None and res.current_codes else None
                if code is not None and not strict:
                    notices.append(f"Kommunenummer {raw} er i dag {code} {names.get(code, code)}; sammenligner med "
                                   f"{names.get(code, code)}.")
            if code is None:
                note(f"Fant ingen kommune med nummer {raw} (referanse)", "sammenligner med landet uten Oslo")
            elif code == selection.municipality:
                note(f"{names.get(code, code)} kan ikke sammenlignes med seg selv (referanse)",
                     "sammenligner med landet uten Oslo")
            else:
                reference = code
        else:
            note(f"«{_clean(raw)}» er ikke en referanse (referanse= landet-uten-oslo, gruppe eller et kommunenummer)",
                 "sammenligner med landet uten Oslo")

    year = years[-1] if years else 0
    raw_year = _first(params, YEAR_KEY)
    if raw_year and years:
        if not YEAR_RE.match(raw_year):
            note(f"«{_clean(raw_year)}» er ikke et årstall (aar)", f"viser {year}")
        elif int(raw_year) not in years:
            nearest = min(years, key=lambda y: (abs(y - int(raw_year)), -y))
            note(f"Sammenligningen har tall for {years[0]}–{years[-1]}, ikke {raw_year}", f"viser {nearest}")
            year = nearest
        else:
            year = int(raw_year)
    return AgeAdjustedSelection(selection, reference, year, tuple(notices))
