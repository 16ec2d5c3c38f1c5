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
    return urlencode(params, quote_via=quote, safe=",")


def embed_url(figure_id, selection, base: str = "") -> str:
    """"/vis?figur=kostnad-hjemme&kommune=3909&sammenlign=…&fra=2017&til=2024&embed=true"."""
    spec(figure_id)
    params = {"figur": figure_id, **selection_params(figure_id, selection), "embed": "true"}
    return f"{base.rstrip('/')}/vis?{_query(params)}"


def page_url(figure_id, selection, base: str = "") -> str:
    """The full page the figure is drawn on, with the same selection."""
    path = spec(figure_id).page
    return f"{base.rstrip('/')}/{path}?{_query(selection_params(figure_id, selection))}"


def presentation_url(figure_ids: list[str], params: dict[str, str], base: str = "", side: int | None = None) -> str:
    """"/presentasjon?figurer=a,b,c&kommune=…&side=2"; params hold both selections' parameters as needed."""
    query = {"figurer": ",".join(figure_ids), **params}
    if side:
        query["side"] = str(side)
    return f"{base.rstrip('/')}/presentasjon?{_query(query)}"


def iframe_snippet(url: str, title: str, width: int = 800, height: int = 450) -> str:
    return (f'<iframe src="{escape(url, quote=True)}" title="{escape(title, quote=True)}" width="{width}" '
            f'height="{height}" style="border:0" loading="lazy"></iframe>')

