"""What the demo generators share: how "small" a municipality is, from its population.

Small municipalities have higher unit costs and older inhabitants; the KOSTRA tables (snapshot.py) and the
population projection (projection.py) use this one definition, so the two demo sets tell the same story.
"""
from __future__ import annotations

import math


def smallness(pop: float) -> float:
    """About 0 at 10 000 inhabitants, up to 1.5 for the smallest and down to -1 for the largest."""
    return max(-1.0, min(1.5, math.log10(10_000 / max(pop, 200))))
