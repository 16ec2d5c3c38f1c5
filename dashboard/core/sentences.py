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


def balanced(parts: dict[str, float], total: float, step: float) -> dict[str, float]:
    """Each part rounded to `step` so that the rounded parts add up to the rounded total (largest remainder): a
    sentence or a chart that prints parts beside their total shows them adding up. The total may be a printed
    (already rounded) number, so a part may also be rounded down."""
    units = {k: v / step for k, v in parts.items()}
    out = {k: math.floor(u) for k, u in units.items()}
    short = round(total / step) - sum(out.values())
    order = sorted(units, key=lambda k: units[k] - out[k], reverse=True)
    for k in order[:max(0, short)]:
        out[k] += 1
    for k in order[::-1][:max(0, -short)]:
        out[k] -= 1
    return {k: v * step for k, v in out.items()}
