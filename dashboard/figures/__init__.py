"""The figure registry (registry.py) and the links that share a figure (links.py).

Imported as `from dashboard import figures`: figures.build_figure, figures.FIGURES, figures.embed_url, … .
"""
from dashboard.core.figure import FigureBundle, FigureSpec
from dashboard.figures.links import (
           SLIDE_KEYS,
           embed_url,
           iframe_snippet,
           page_url,
           parse_slide,
           parse_slide_choices,
           presentation_slides,
           presentation_url,
           selection_params,
           slide_token,
)
from dashboard.figures.registry import (
           DOMAINS,
           FIGURES,
           UnknownFigure,
           build_figure,
           spec,
)

__all__ = ["DOMAINS", "FIGURES", "SLIDE_KEYS", "FigureBundle", "FigureSpec", "UnknownFigure", "build_figure",
           "embed_url", "iframe_snippet", "page_url", "parse_slide", "parse_slide_choices", "presentation_slides",
           "presentation_url", "selection_params", "slide_token", "spec"]
