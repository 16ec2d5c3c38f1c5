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


def test_each_slide_keeps_its_own_reference_year_and_scenario():
    """«Legg til i presentasjon» put one referanse/aar/scenario in the link: the last slide's choices won for all."""
    tokens, params = figures.presentation_slides([
        ("aldersjustert-fossefall", {"kommune": "3909", "referanse": "gruppe", "aar": "2019"}),
        ("aldersjustert-fossefall", {"kommune": "3909", "referanse": "landet-uten-oslo", "aar": "2024"}),
        ("fremskriving-kostnad", {"kommune": "3909", "kostvekst": "1,5", "gruppe": "1"})])
    assert tokens == ["aldersjustert-fossefall~referanse=gruppe~aar=2019",
                      "aldersjustert-fossefall~referanse=landet-uten-oslo~aar=2024",
                      "fremskriving-kostnad~gruppe=1~kostvekst=1.5"]
    assert params == {"kommune": "3909"}
    assert figures.parse_slide_choices(tokens[0]) == ("aldersjustert-fossefall", None,
                                                      {"referanse": "gruppe", "aar": "2019"})
    assert figures.parse_slide_choices("x@3907~aar=2020~ukjent=1") == ("x", "3907", {"aar": "2020"})
    assert figures.slide_token("x", None, {"aar": "<script>"}) == "x"  # only plain values go into a token


def test_presentation_slides_are_drawn_with_their_own_choices_and_old_links_still_work(db_env):
    from dashboard.views import embed
    url_params = {"figurer": ["aldersjustert-fossefall~referanse=gruppe~aar=2019,aldersjustert-fossefall@3907"],
                  "kommune": ["3909"], "aar": ["2022"]}
    deck, unknown = embed.slides(url_params)
    assert unknown == [] and len(deck) == 2
    spec = figures.FIGURES["aldersjustert-fossefall"]
    first = embed.selection_for(spec, embed.slide_params(url_params, *deck[0][1:]))
    second = embed.selection_for(spec, embed.slide_params(url_params, *deck[1][1:]))
    assert (first.municipality, first.reference, first.year) == ("3909", "group", 2019)
    assert (second.municipality, second.reference, second.year) == ("3907", "EAKUO", 2022)  # an old link's shared aar
