"""The managers' takeaway sentences on known numbers, in Norwegian number formatting."""
from __future__ import annotations

from dashboard.own import sentences as takeaway

NB = "\u00a0"


def plain(text: str) -> str:
    return text.replace(NB, " ").replace("\u2212", "-")


def test_units_over():
    assert takeaway.units_over(count_over=2, total=6, what="hadde merforbruk", period="2025") == \
        "2 av 6 enheter hadde merforbruk i 2025."
    assert takeaway.units_over(count_over=0, total=6, what="hadde merforbruk", period="2025") == \
        "Ingen av 6 enheter hadde merforbruk i 2025."


def test_highest_unit():
    assert takeaway.highest_unit(rows=[], month="juni", year=2025, measure="per måned") is None
    assert plain(takeaway.highest_unit(rows=[("Sone Sør", 9.84), ("Sone Nord", 4.2)], month="juni", year=2025,
                                       measure="per måned")) == \
        "Sykefravær per måned i juni 2025: høyest i Sone Sør (9,8 %) av 2 enheter."
    assert plain(takeaway.highest_unit(rows=[("Sone Sør", 9.84)], month="juni", year=2025,
                                       measure="rullerende 12 måneder")) == \
        "Sykefravær rullerende 12 måneder i juni 2025: 9,8 % i Sone Sør."
