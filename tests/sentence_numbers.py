"""Read the numbers back out of a Norwegian sentence, so property tests can check a sentence against what it
prints (1 234,5 with non-breaking spaces and a real minus sign)."""
from __future__ import annotations

import re

NUMBER = re.compile(r"[\u2212-]?\d+(?:\u00a0\d{3})*(?:,\d+)?")


def numbers(text: str) -> list[float]:
    return [float(m.replace("\u00a0", "").replace(",", ".").replace("\u2212", "-")) for m in NUMBER.findall(text)]


def number_before(text: str, marker: str) -> float:
    """The number printed just before `marker` («19 % under» → 19)."""
    head = text[:text.index(marker)]
    return numbers(head)[-1]


def number_in_parentheses(text: str) -> float:
    return numbers(text[text.rindex("(") + 1:text.rindex(")")])[0]
