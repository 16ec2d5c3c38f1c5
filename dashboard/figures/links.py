"""Links to a figure: its page, its embed view (/vis), a presentation of several, and the <iframe> snippet.

They carry the selection as URL parameters, so a politician's link opens exactly the chart that was shared.
"""
from __future__ import annotations

from html import escape
from urllib.parse import quote, urlencode

from dashboard.figures.registry import spec


def selection_params(figure_id: str, selection) -> dict[str, str]:
    """The URL parameters that reproduce a figure's selection (kommune/sammenlign/fra/til or enhet/periode)."""
    return dict(selection.query_params()) if selection is not None else {}


def _query(params: dict[str, str]) -> str:
    return urlencode(params, quote_via=quote, safe=",@")


def embed_url(figure_id, selection, base: str = "") -> str:
    """"/vis?figur=kostnad-hjemme&kommune=3909&sammenlign=…&fra=2017&til=2024&embed=true"."""
    spec(figure_id)
    params = {"figur": figure_id, **selection_params(figure_id, selection), "embed": "true"}
    return f"{base.rstrip('/')}/vis?{_query(params)}"


def page_url(figure_id, selection, base: str = "") -> str:
    """The full page the figure is drawn on, with the same selection."""
    path = spec(figure_id).page
    return f"{base.rstrip('/')}/{path}?{_query(selection_params(figure_id, selection))}"


SLIDE_MUNICIPALITY = "@"  # `figurer=kostnad-hjemme@3909,kostnad-hjemme@3907`: a slide's own municipality
SLIDE_CHOICE = "~"        # `aldersjustert-fossefall@3909~referanse=gruppe~aar=2019`: a slide's own choices
# the page choices a slide keeps for itself (the age-adjusted reference and year, the projection's scenario): in a
# presentation of several slides the last slide's choices used to win for all
SLIDE_KEYS = ("referanse", "aar", "dekning80", "hjemme", "gruppe", "kostvekst")
_SAFE_VALUE = __import__("re").compile(r"\A[0-9A-Za-z.+-]{1,20}\Z")


def slide_token(figure_id: str, municipality: str | None = None, choices: dict[str, str] | None = None) -> str:
    """One entry of `figurer=`: the figure id, with `@kommune` when the slide has a municipality of its own and
    `~key=value` for each of its own choices (a decimal comma written as a point: the comma separates slides)."""
    token = f"{figure_id}{SLIDE_MUNICIPALITY}{municipality}" if municipality else figure_id
    for key, value in (choices or {}).items():
        value = str(value).replace(",", ".")
        if key in SLIDE_KEYS and _SAFE_VALUE.match(value):
            token += f"{SLIDE_CHOICE}{key}={value}"
    return token


def parse_slide(token: str) -> tuple[str, str | None]:
    """"kostnad-hjemme@3907" -> ("kostnad-hjemme", "3907"); "andel-f254" -> ("andel-f254", None)."""
    figure_id, municipality, _ = parse_slide_choices(token)
    return figure_id, municipality


def parse_slide_choices(token: str) -> tuple[str, str | None, dict[str, str]]:
    """"aldersjustert-fossefall@3909~referanse=gruppe~aar=2019" -> (id, "3909", {"referanse": "gruppe", "aar":
    "2019"}); unknown keys are left out (the selection parsers check the values, as for the URL's own)."""
    head, *rest = str(token).strip().split(SLIDE_CHOICE)
    figure_id, _, municipality = head.partition(SLIDE_MUNICIPALITY)
    choices = {}
    for item in rest:
        key, _, value = item.partition("=")
        if key.strip() in SLIDE_KEYS:
            choices[key.strip()] = value.strip()
    return figure_id.strip(), (municipality.strip() or None), choices


def presentation_slides(slides: list[tuple[str, dict[str, str]]]) -> tuple[list[str], dict[str, str]]:
    """(the `figurer` entries, the shared parameters) for slides given as (figure id, that figure's selection
    parameters). The shared parameters are all slides' parameters but their own choices (SLIDE_KEYS), which each
    slide carries in its token (`~aar=2019`), so no slide's choices rewrite another's; the municipality and its
    comparisons are the first municipality slide's; a slide of another municipality gets `@kommune`, so a Larvik
    figure and a Sandefjord figure each keep their own (the comparisons are shared; a slide's own municipality among
    them is left out, as on the pages). Slides of one municipality without choices of their own give today's URL."""
    shared: dict[str, str] = {}
    for _, params in slides:
        shared.update({k: v for k, v in params.items() if k not in SLIDE_KEYS})
    first_params = next((p for _, p in slides if p.get("kommune")), None)
    first = first_params["kommune"] if first_params else None
    if first_params is not None:
        shared.update({k: first_params[k] for k in ("kommune", "sammenlign") if k in first_params})
    tokens = [slide_token(fid, p["kommune"] if p.get("kommune") and p["kommune"] != first else None,
                          {k: p[k] for k in SLIDE_KEYS if p.get(k)})
              for fid, p in slides]
    return tokens, shared


def presentation_url(figure_ids: list[str], params: dict[str, str], base: str = "", side: int | None = None) -> str:
    """"/presentasjon?figurer=a,b@3907,c&kommune=…&side=2"; params hold the slides' shared parameters (ids may
    carry a slide's own municipality, see presentation_slides)."""
    query = {"figurer": ",".join(figure_ids), **params}
    if side:
        query["side"] = str(side)
    return f"{base.rstrip('/')}/presentasjon?{_query(query)}"


def iframe_snippet(url: str, title: str, width: int = 800, height: int = 450) -> str:
    return (f'<iframe src="{escape(url, quote=True)}" title="{escape(title, quote=True)}" width="{width}" '
            f'height="{height}" style="border:0" loading="lazy"></iframe>')

