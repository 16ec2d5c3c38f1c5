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


def slide_token(figure_id: str, municipality: str | None = None) -> str:
    """One entry of `figurer=`: the figure id, with `@kommune` when the slide has a municipality of its own."""
    return f"{figure_id}{SLIDE_MUNICIPALITY}{municipality}" if municipality else figure_id


def parse_slide(token: str) -> tuple[str, str | None]:
    """"kostnad-hjemme@3907" -> ("kostnad-hjemme", "3907"); "andel-f254" -> ("andel-f254", None)."""
    figure_id, _, municipality = str(token).strip().partition(SLIDE_MUNICIPALITY)
    return figure_id.strip(), (municipality.strip() or None)


def presentation_slides(slides: list[tuple[str, dict[str, str]]]) -> tuple[list[str], dict[str, str]]:
    """(the `figurer` entries, the shared parameters) for slides given as (figure id, that figure's selection
    parameters). The shared parameters are all slides' parameters (a later slide's value wins, as before), but the
    municipality and its comparisons are the first municipality slide's; a slide of another municipality gets
    `@kommune`, so a Larvik figure and a Sandefjord figure each keep their own (the comparisons are shared; a
    slide's own municipality among them is left out, as on the pages). Slides of one municipality give today's URL,
    without any `@`."""
    shared: dict[str, str] = {}
    for _, params in slides:
        shared.update(params)
    first_params = next((p for _, p in slides if p.get("kommune")), None)
    first = first_params["kommune"] if first_params else None
    if first_params is not None:
        shared.update({k: first_params[k] for k in ("kommune", "sammenlign") if k in first_params})
    tokens = [slide_token(fid, p["kommune"] if p.get("kommune") and p["kommune"] != first else None)
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

