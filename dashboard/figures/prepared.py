"""A figure as the server keeps and sends it: JSON, not plotly figure objects.

Why: a plotly Figure object holds 300 KB to 1.1 MB of memory for a figure whose JSON is 6–53 KB, and a screen variant
made as a second Figure costs its validation again (issue 27). The builders return the figure as a dict
(dashboard.core.charts.figure), and it is kept as its JSON. A PreparedFigure keeps the figure sent to the browser
as its JSON, the titled figure (for files and images) as compressed JSON, its HTML legend, the bundle's texts, and its
two tables packed (they are read only when «Tall bak figuren» is opened or a file is made); it is cached in the one
byte-bounded store (dashboard.core.cache) under the database version it was read from. The screen variant is
derived from the finished figure's dict (charts.screen_spec), never from a second Figure.
"""
from __future__ import annotations

import pickle
import zlib
from dataclasses import dataclass, replace

import orjson
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.core import charts, db
from dashboard.core.figure import FigureBundle
from dashboard.figures.registry import build_figure


class SentFigure(go.Figure):
    """A finished figure's dict handed to st.plotly_chart as it is. Streamlit asks a figure object only for
    to_dict() (plotly.tools.return_figure_from_figure_or_data) before it writes the JSON; given a plain dict it would
    validate the whole figure again (a Figure made from it), which is the cost this module exists to avoid. No
    trace objects are made: the dict is the figure."""

    def __init__(self, spec: dict):  # noqa: D107 - deliberately no Figure.__init__
        object.__setattr__(self, "_sent_spec", spec)

    def to_dict(self) -> dict:
        return self._sent_spec

    def to_plotly_json(self) -> dict:
        return self._sent_spec

    def __repr__(self) -> str:
        return f"SentFigure({len(self._sent_spec.get('data') or [])} traces)"


def _json(spec: dict) -> bytes:
    """The figure's JSON exactly as st.plotly_chart writes it (plotly.io.to_json without validation)."""
    return pio.to_json(spec, validate=False).encode("utf-8")


def pack_tables(bundle: FigureBundle) -> bytes:
    """The bundle's table and download, pickled (polars writes them as Arrow IPC) and compressed.

    Why: a small polars frame holds about 9 KB of memory however few its cells (its columns' buffers and
    bookkeeping), while its estimated_size() counts the cells alone: two such frames made a cached figure hold
    27 KB where the byte budget counted 11. Packed they take about 2 KB, counted as they are, and unpacking them
    costs about 60 µs when asked."""
    return zlib.compress(pickle.dumps((bundle.table, bundle.download), protocol=pickle.HIGHEST_PROTOCOL), 1)


@dataclass(frozen=True)
class PreparedFigure:
    bundle: FigureBundle              # titles, takeaway, source; its fig, table and download are None (kept below)
    screen: bytes                     # the figure sent to the browser, as zlib-compressed JSON
    titled: bytes                     # the titled figure (files, images), as zlib-compressed JSON
    tables: bytes                     # the bundle's table and download (pack_tables)
    legend: tuple[charts.LegendItem, ...]
    version: tuple                    # the database file the figure was read from (the key of images made from it)

    def screen_dict(self) -> dict:
        """A fresh dict of the screen figure (the caller may change it)."""
        return orjson.loads(self.screen_json())

    def screen_json(self) -> bytes:
        """The figure sent to the browser, as JSON. Kept compressed: every figure's JSON repeats plotly's template
        (6.6 KB), and compressed a cached figure takes about half the room, so the one byte budget holds about
        twice as many municipalities' figures (decompressing costs some 50 µs a view)."""
        return zlib.decompress(self.screen)

    def sendable(self) -> SentFigure:
        return SentFigure(self.screen_dict())

    def with_tables(self) -> FigureBundle:
        """The bundle with its table and download (for «Tall bak figuren» and the data table under /vis)."""
        table, download = pickle.loads(zlib.decompress(self.tables))
        return replace(self.bundle, table=table, download=download)

    def full_bundle(self) -> FigureBundle:
        """The bundle with its tables and its titled figure (a fresh dict), for the files and images made from it
        (on click)."""
        return replace(self.with_tables(), fig=orjson.loads(zlib.decompress(self.titled)))


@db.per_database
def prepare(figure_id: str, sel, *, height: int | None = None, font_size: int | None = None,
            **options) -> PreparedFigure:
    """The figure for a selection, built once per figure, selection, options and database file and shared by every
    session (a figure depends on nothing else; building one costs 10–60 ms of server CPU where sending it costs
    about 2). With `height`, the screen figure at that fixed height (the embed view and the presentation), derived
    from the page's figure without building it again."""
    if height is not None:
        base = prepare(figure_id, sel, **options)
        screen = charts.fit_height_spec(base.screen_dict(), height, font_size=font_size)
        return replace(base, screen=zlib.compress(_json(screen), 1))
    bundle = build_figure(figure_id, sel, **options)
    titled_json = _json(bundle.fig)
    legend = tuple(charts.legend_of(bundle.fig))
    screen = zlib.compress(_json(charts.screen_spec(bundle.fig)), 1)  # the bundle's own dict, dropped after this
    titled = zlib.compress(titled_json, 1)
    return PreparedFigure(bundle=replace(bundle, fig=None, table=None, download=None), screen=screen, titled=titled,
                          tables=pack_tables(bundle), legend=legend, version=db.database_version())
