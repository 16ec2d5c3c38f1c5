"""Presentation links with a municipality per slide: `figurer=kostnad-hjemme,kostnad-hjemme@3907`, and the same
URL as before when every slide has one municipality."""
from __future__ import annotations

from dashboard import figures


def test_slides_of_one_municipality_give_the_old_url():
    tokens, params = figures.presentation_slides([
        ("kostnad-hjemme", {"kommune": "3909", "sammenlign": "3907", "fra": "2018", "til": "2024"}),
        ("andel-f254", {"kommune": "3909", "sammenlign": "3907", "fra": "2018", "til": "2024"})])
    assert figures.presentation_url(tokens, params) == (
        "/presentasjon?figurer=kostnad-hjemme,andel-f254&kommune=3909&sammenlign=3907&fra=2018&til=2024")


def test_a_slide_of_another_municipality_keeps_its_own():
    tokens, params = figures.presentation_slides([
        ("kostnad-hjemme", {"kommune": "3909", "sammenlign": "3907,4203", "fra": "2018", "til": "2024"}),
        ("kostnad-hjemme", {"kommune": "3907", "sammenlign": "3909", "fra": "2018", "til": "2024"}),
        ("sykefravaer-enheter", {"enhet": "alle", "periode": "2025"})])
    assert tokens == ["kostnad-hjemme", "kostnad-hjemme@3907", "sykefravaer-enheter"]
    assert params == {"kommune": "3909", "sammenlign": "3907,4203", "fra": "2018", "til": "2024", "enhet": "alle",
                      "periode": "2025"}
    url = figures.presentation_url(tokens, params, side=2)
    assert url.startswith("/presentasjon?figurer=kostnad-hjemme,kostnad-hjemme@3907,sykefravaer-enheter&kommune=3909")
    assert url.endswith("&side=2")


def test_parse_slide_splits_the_municipality_off():
    assert figures.parse_slide("kostnad-hjemme@3907") == ("kostnad-hjemme", "3907")
    assert figures.parse_slide(" andel-f254 ") == ("andel-f254", None)
    assert figures.parse_slide("andel-f254@") == ("andel-f254", None)
    assert figures.slide_token("andel-f254", "3907") == "andel-f254@3907"
    assert figures.slide_token("andel-f254") == "andel-f254"
