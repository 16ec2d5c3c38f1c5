"""What a figure is, for every domain: its spec (stable id, menu label, page) and the bundle a builder returns.

Plain data, no domain and no registry: each domain package lists its figures as (FigureSpec, builder) pairs, and
dashboard.figures.registry collects them, so the views, the presentation and `publish` draw every chart the same way.
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard.core import charts


@dataclass(frozen=True)
class FigureBundle:
    figure_id: str
    title: str                 # large plain-language Norwegian title
    subtitle: str              # what is measured, unit, years
    fig: dict                  # the titled figure from the chart functions, as plotly's dict (charts.figure)
    takeaway: str | None       # one sentence computed from the data
    source: str                # "Kilde: SSB, tabell … (oppdatert …). Tall for 2024 er reviderte …"
    is_demo: bool
    table: pl.DataFrame        # display table (text cells): the chart's text alternative
    download: pl.DataFrame     # numeric long table for CSV/XLSX

    def __post_init__(self) -> None:
        """Every download says what its numbers are: a table without a per-row «Datagrunnlag» column gets one for the
        whole figure («Demodata» when the figure is demo, i.e. any row it is made from is), so a CSV or XLSX file
        passed on never presents demo numbers as SSB's or the municipality's."""
        download = self.download
        if isinstance(download, pl.DataFrame) and DATA_BASIS not in download.columns and download.width:
            real = "SSB" if self.source.startswith("Kilde: SSB") else "Kommunens data"
            object.__setattr__(self, "download", download.with_columns(
                pl.lit("Demodata" if self.is_demo else real).alias(DATA_BASIS)))


DATA_BASIS = "Datagrunnlag"


@dataclass(frozen=True)
class FigureSpec:
    id: str       # stable, used in links: "kostnad-hjemme"
    label: str    # Norwegian short description for menus
    page: str     # url path of the full page
    domain: str   # "kostra" (dashboard.kostra.selection.Selection), "own" (dashboard.own.selection.OwnSelection) or
                  # "projection" (dashboard.projection.scenario.ProjectionSelection: municipality + scenario)



def bundle(figure_id: str, text: charts.ChartText, fig: dict, table: pl.DataFrame, download: pl.DataFrame,
           sentence: str | None) -> FigureBundle:
    """A bundle from a chart's text block (title, subtitle, source line, demo flag) and its tables."""
    return FigureBundle(figure_id=figure_id, title=text.title, subtitle=text.subtitle or "", fig=fig,
                        takeaway=sentence, source=text.source, is_demo=text.is_demo, table=table, download=download)
