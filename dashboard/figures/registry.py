"""The figure registry: every chart has a stable id and one builder, collected from the domains listed here.

The pages, the embed view (/vis), the presentation (/presentasjon) and the publish command all draw through
build_figure, so a chart has one implementation wherever it appears. The registry knows no domain beyond the one
explicit list below: each domain package declares its own figures as (FigureSpec, builder) pairs in `FIGURES`.
"""
from __future__ import annotations

from typing import Callable

from dashboard.age_adjusted import figures as age_adjusted
from dashboard.core.figure import FigureBundle, FigureSpec
from dashboard.kostra import figures as kostra
from dashboard.own import figures as own
from dashboard.projection import figures as projection

# the domains that draw figures, in menu order
DOMAINS = (kostra, own, projection, age_adjusted)


class UnknownFigure(ValueError):
    """A figure id that is not in the registry (a stale or mistyped link)."""


FIGURES: dict[str, FigureSpec] = {spec.id: spec for domain in DOMAINS for spec, _ in domain.FIGURES}
_BUILDERS: dict[str, Callable[..., FigureBundle]] = {spec.id: build for domain in DOMAINS
                                                     for spec, build in domain.FIGURES}


def spec(figure_id: str) -> FigureSpec:
    try:
        return FIGURES[figure_id]
    except (KeyError, TypeError):
        raise UnknownFigure(f"Ukjent figur: «{str(figure_id)[:40]}».") from None


def build_figure(figure_id: str, selection, **options) -> FigureBundle:
    """The bundle for one figure id and selection (Selection for "kostra" figures, OwnSelection for "own").

    options are the few page-level switches a chart has (e.g. scale=1000 for amounts in 1000 kr).
    Raises UnknownFigure for an id that is not in the registry.
    """
    spec(figure_id)
    return _BUILDERS[figure_id](selection, **options)

