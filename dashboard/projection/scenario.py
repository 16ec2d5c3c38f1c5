"""The projection page's scenario, read from and written to the URL (`dekning80`, `hjemme`, `gruppe`, `kostvekst`).

A pure function like dashboard/kostra/selection.py, so hostile or out-of-range values are tested without Streamlit and a
shared link always reproduces exactly the scenario it was copied from.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Mapping

from dashboard.kostra.selection import Selection, _clean, _first

# (key, lowest, highest, step): the ranges the page's sliders offer
COVERAGE_80 = ("dekning80", -50, 50, 5)     # per cent change of coverage 80+ (hverdagsmestring, velferdsteknologi)
HOME_INSTEAD = ("hjemme", 0, 50, 5)         # per cent of long-term residents served at home instead
COST_GROWTH = ("kostvekst", -3.0, 5.0, 0.5)  # real growth of unit costs, per cent a year
GROUP_KEY = "gruppe"
SCENARIO_KEYS = (COVERAGE_80[0], HOME_INSTEAD[0], GROUP_KEY, COST_GROWTH[0])
# ASCII digits only: `\d` would also take «٣» or «３», which float() reads but nobody types into a shared link
NUMBER_RE = re.compile(r"^[+\-−]?[0-9]{1,3}([.,][0-9]{1,2})?$")


@dataclass(frozen=True)
class Scenario:
    coverage_80_change_pct: int = 0
    home_instead_pct: int = 0
    use_group_coverage: bool = False
    cost_growth_pct: float = 0.0
    notices: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_baseline(self) -> bool:
        return self == Scenario()

    def query_params(self) -> dict[str, str]:
        return {COVERAGE_80[0]: str(self.coverage_80_change_pct), HOME_INSTEAD[0]: str(self.home_instead_pct),
                GROUP_KEY: "1" if self.use_group_coverage else "0",
                COST_GROWTH[0]: f"{self.cost_growth_pct:g}"}

    def sql_params(self) -> dict:
        return {"coverage_80_change_pct": float(self.coverage_80_change_pct),
                "home_instead_pct": float(self.home_instead_pct),
                "use_group_coverage": self.use_group_coverage, "cost_growth_pct": float(self.cost_growth_pct)}


class ScenarioError(ValueError):
    """A value the page corrects with a notice; a strict caller (`publish`) refuses it instead of publishing a
    scenario nobody asked for."""


def parse(params: Mapping[str, object], *, strict: bool = False) -> Scenario:
    """URL query parameters -> a valid Scenario; every correction explained in one Norwegian sentence.

    strict: raise ScenarioError at the first bad value, with the same sentence but without the correction."""
    notices: list[str] = []

    def note(problem: str, correction: str, refusal: str = "") -> None:
        if strict:
            raise ScenarioError(f"{problem}{refusal}.")
        notices.append(f"{problem}; {correction}.")

    def number(spec: tuple, label: str, integer: bool) -> float:
        key, low, high, _ = spec
        raw = _first(params, key)
        if raw is None or raw == "":
            return 0
        if not NUMBER_RE.fullmatch(raw):
            note(f"«{_clean(raw)}» er ikke et tall ({key}, {label})", "bruker 0")
            return 0
        value = float(raw.replace(",", ".").replace("−", "-"))
        if integer and value != int(value):
            whole = int(math.floor(abs(value) + 0.5)) * (1 if value >= 0 else -1)  # half away from zero, as in school
            note(f"{label} er et helt tall", f"{key}={_clean(raw)} er rundet til {whole}",
                 f"; {key}={_clean(raw)} har desimaler")
            value = whole
        if value < low or value > high:
            clamped = min(max(value, low), high)
            note(f"{label} kan være fra {low:g} til {high:g}", f"{key}={_clean(raw)} er endret til {clamped:g}",
                 f"; {key}={_clean(raw)} er utenfor")
            value = clamped
        return int(value) if integer else float(value)

    coverage = number(COVERAGE_80, "Endring i dekningsgrad 80+ (%)", True)
    home = number(HOME_INSTEAD, "Andel langtidsbeboere som får tjenester hjemme (%)", True)
    growth = number(COST_GROWTH, "Kostnadsvekst per år (%)", False)
    raw_group = _first(params, GROUP_KEY)
    group = False
    if raw_group not in (None, "", "0", "1"):
        note(f"«{_clean(raw_group)}» er ikke 0 eller 1 ({GROUP_KEY})", "bruker egen dekningsgrad")
    else:
        group = raw_group == "1"
    return Scenario(coverage, home, group, growth, tuple(notices))


@dataclass(frozen=True)
class ProjectionSelection:
    """What a projection figure needs: the municipality (with the other pages' selection, kept for the links) and the
    scenario. Its query_params carry both, so share/embed links and the presentation reproduce the scenario."""
    selection: Selection
    scenario: Scenario

    @property
    def municipality(self) -> str:
        return self.selection.municipality

    @property
    def notices(self) -> tuple[str, ...]:
        return tuple(self.selection.notices) + tuple(self.scenario.notices)

    def query_params(self) -> dict[str, str]:
        return {**self.selection.query_params(), **self.scenario.query_params()}
