"""What every takeaway sentence needs: whether a value is missing, and what SSB's symbol in its place means.

Kept apart from the domains' sentences so «..», «.» and «:» are explained in the same words everywhere.
"""
from __future__ import annotations

import math

from dashboard.core import fmt


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def status_text(status: str | None) -> str:
    """«:» (vises ikke av personvernhensyn) – what SSB's symbol means, in a sentence."""
    symbol = status or ".."
    meaning = fmt.status_meaning(symbol) or "tall mangler"
    return f"«{symbol}» ({meaning[:1].lower() + meaning[1:]})"


def shown(value: float, decimals: int = 0) -> float:
    """The value as a reader sees it printed with `decimals` decimals (fmt.number rounds the same way), so a
    difference a sentence prints is the difference of the numbers printed beside it, never of hidden decimals."""
    return float(f"{value:.{decimals}f}")
