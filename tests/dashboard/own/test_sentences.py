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


def split(rows, **kw):
    return takeaway.split_takeaway(rows=rows, first="egenmeldt fravær", second="legemeldt fravær", period="2025",
                                   **kw)


def test_split_takeaway_counts_units_and_names_the_highest():
    text = plain(split([("Sone Sør", 1.2, 8.123), ("Sone Nord", 2.0, 5.0), ("Kjøkken", 3.0, 1.0)]))
    assert text == ("Legemeldt fravær var større enn egenmeldt fravær i 2 av 3 enheter i 2025; høyest legemeldt "
                    "fravær: Sone Sør (8,12 %).")
    mostly_first = plain(split([("A", 3.0, 1.0), ("B", 4.0, 2.0), ("C", 1.0, 2.0)]))
    assert mostly_first.startswith("Egenmeldt fravær var større enn legemeldt fravær i 2 av 3 enheter")
    assert split([]) is None
    assert plain(split([("Sone Sør", 1.1, 6.2)])) == (
        "I 2025 var legemeldt fravær 6,20 % og egenmeldt fravær 1,10 % av avtalte dagsverk i Sone Sør.")


def test_split_takeaway_compares_what_the_table_prints():
    # 2.004 and 2.001 both print as 2,00 %: neither part is larger
    text = plain(split([("A", 2.004, 2.001), ("B", 2.0, 2.0)]))
    assert text == "Egenmeldt fravær og legemeldt fravær var like store i alle 2 enhetene i 2025."


def test_the_frame_sentence_sums_the_printed_changes_to_the_printed_end():
    from dashboard.own.figures import frame_sentence
    steps = [("Start", 100_000.4, "absolute"), ("Lønn", 6_000.4, "relative"), ("Kutt", -1_500.4, "relative"),
             ("Tiltak", 0.4, "relative"), ("Slutt", 104_500.4, "total")]
    assert frame_sentence("PO", 2025, steps) == ("Rammen for PO går fra 100\u00a0000 til 104\u00a0500 (1000 kr) i "
                                                 "2025: økninger på 6\u00a0000 og reduksjoner på 1\u00a0500.")
    wrong = [*steps[:-1], ("Slutt", 104_700, "total")]
    assert "endringene summerer seg til 104\u00a0500, ikke 104\u00a0700" in frame_sentence("PO", 2025, wrong)
    assert frame_sentence("PO", 2025, steps[:1]) is None
