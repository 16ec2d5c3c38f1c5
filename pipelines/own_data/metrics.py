"""The managers' few formulas, in one place so pages, scorecards and tests agree on signs and rounding.

Conventions (domain guide section 7): avvik = revidert budsjett − regnskap; positive is mindreforbruk,
negative is merforbruk; økonomisk måloppnåelse = regnskap / revidert budsjett, in percent.
"""
from __future__ import annotations

import math

MIN_EMPLOYEES = 5  # below this a unit's sick leave is shown as ':' (see sql/views/own_sick_leave_display.sql)


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def budget_deviation(revised_budget: float | None, accounts: float | None) -> float | None:
    """Revidert budsjett − regnskap, in the unit given (positive = mindreforbruk)."""
    if _missing(revised_budget) or _missing(accounts):
        return None
    return revised_budget - accounts


def deviation_pct(revised_budget: float | None, accounts: float | None) -> float | None:
    """Avvik in percent of revidert budsjett; None when the budget is zero or missing."""
    dev = budget_deviation(revised_budget, accounts)
    if dev is None or revised_budget == 0:
        return None
    return dev / abs(revised_budget) * 100


def deviation_label(deviation: float | None) -> str:
    """'mindreforbruk' | 'merforbruk' | 'i balanse' | 'ingen data'."""
    if _missing(deviation):
        return "ingen data"
    if deviation > 0:
        return "mindreforbruk"
    if deviation < 0:
        return "merforbruk"
    return "i balanse"


def economic_goal_attainment(revised_budget: float | None, accounts: float | None) -> float | None:
    """Regnskap / revidert budsjett in percent (97.7 means 2,3 % under budget); None if budget is 0 or missing."""
    if _missing(revised_budget) or _missing(accounts) or revised_budget == 0:
        return None
    return accounts / revised_budget * 100


def goal_status(goal: float | None, result: float | None, higher_is_better: bool) -> str:
    """'met' | 'not_met' | 'no_data'; reaching the goal exactly counts as met."""
    if _missing(goal) or _missing(result):
        return "no_data"
    if higher_is_better:
        return "met" if result >= goal else "not_met"
    return "met" if result <= goal else "not_met"


GOAL_STATUS_LABELS = {"met": "Nådd", "not_met": "Ikke nådd", "no_data": "Ingen data"}


def sick_leave_pct(sick_days: float | None, agreed_work_days: float | None) -> float | None:
    """Sickness days lost / agreed working days, in percent."""
    if _missing(sick_days) or _missing(agreed_work_days) or agreed_work_days <= 0:
        return None
    return sick_days / agreed_work_days * 100


def is_suppressed(employees: int | None) -> bool:
    """True when the unit is too small to show sick leave (privacy, shown as ':')."""
    return employees is not None and employees < MIN_EMPLOYEES
