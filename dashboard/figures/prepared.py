"""A figure as the server keeps and sends it: JSON, not plotly figure objects.

Why: a plotly Figure object holds 300 KB to 1.1 MB of memory for a figure whose JSON is 6–53 KB, and a screen variant
made as a second Figure costs its validation again (issue 27). The builders return the figure as a dict
(dashboard.core.charts.figure), and it is kept as its JSON. A PreparedFigure keeps the figure sent to the browser
and the titled figure (for files and images) as compressed JSON (pack_figures), the HTML under the chart (legend and
source line) as it is sent, the bundle's texts, and its two tables packed (they are read only when «Tall bak figuren»
is opened or a file is made); it is cached in the one byte-bounded store (dashboard.core.cache) under the database
version it was read from. The screen variant is derived from the finished figure's dict (charts.screen_spec), never
from a second Figure.
"""
from __future__ import annotations

import pickle
import zlib
from dataclasses import dataclass, replace
from functools import lru_cache

import orjson
import polars as pl
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.core import charts, db
from dashboard.core.figure import FigureBundle
from dashboard.core.html_parts import figure_foot_html
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


def _frame_parts(frame: pl.DataFrame | None):
    return None if frame is None else (frame.columns, frame.dtypes, frame.rows())


def _frame(parts) -> pl.DataFrame | None:
    if parts is None:
        return None
    columns, dtypes, rows = parts
    return pl.DataFrame(rows, schema=list(zip(columns, dtypes)), orient="row")


def pack_tables(bundle: FigureBundle) -> bytes:
    """The bundle's table and download as their columns, types and rows, pickled and compressed.

    Why: a small polars frame holds about 9 KB of memory however few its cells (its columns' buffers and
    bookkeeping), while its estimated_size() counts the cells alone: two such frames made a cached figure hold
    27 KB where the byte budget counted 11. Packed as rows they take about 1.2 KB (as Arrow IPC, 2.1: its schema is
    most of a small table), counted as they are; unpacking them costs about 0.1 ms, when asked."""
    parts = (_frame_parts(bundle.table), _frame_parts(bundle.download))
    return zlib.compress(pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL), 1)


@lru_cache(maxsize=1)
def _zdict() -> bytes:
    """plotly's template as a figure's JSON writes it: every figure repeats it (3.4 KB), so the compressor is given
    it beforehand and each figure's copy costs a few bytes."""
    return _json({"layout": {"template": charts.default_template()}})


def _pack(data: bytes, zdict: bytes) -> bytes:
    packer = zlib.compressobj(1, zdict=zdict[-32768:])  # zlib reads the last 32 KB of a dictionary
    return packer.compress(data) + packer.flush()


def _unpack(packed: bytes, zdict: bytes) -> bytes:
    unpacker = zlib.decompressobj(zdict=zdict[-32768:])
    return unpacker.decompress(packed) + unpacker.flush()


def pack_figures(screen_json: bytes, titled_json: bytes) -> tuple[bytes, bytes]:
    """The screen figure compressed against plotly's template, and the titled figure against the screen figure:
    the two are the same figure but for its titles and margins, so the titled one takes a few hundred bytes, and a
    view unpacks the screen figure alone."""
    return _pack(screen_json, _zdict()), _pack(titled_json, screen_json)


@dataclass(frozen=True)
class PreparedFigure:
    bundle: FigureBundle              # titles, takeaway, source; its fig, table and download are None (kept below)
    screen: bytes                     # the figure sent to the browser, compressed (pack_figures)
    titled: bytes                     # the titled figure (files, images), compressed against the screen figure
    tables: bytes                     # the bundle's table and download (pack_tables)
    foot: bytes                       # the legend and the source line under the chart, as the HTML sent (compressed)
    version: tuple                    # the database file the figure was read from (the key of images made from it)

    def screen_dict(self) -> dict:
        """A fresh dict of the screen figure (the caller may change it)."""
        return orjson.loads(self.screen_json())

    def screen_json(self) -> bytes:
        """The figure sent to the browser, as JSON. Kept compressed: every figure's JSON repeats plotly's template,
        and compressed a cached figure takes a fraction of the room, so the one byte budget holds several times as
        many municipalities' figures (unpacking costs some 15 µs a view)."""
        return _unpack(self.screen, _zdict())

    @property
    def foot_html(self) -> str:
        """The legend and the source line under the chart, as sent (a legend's HTML repeats its swatches' styles:
        compressed it takes a third of the room)."""
        return zlib.decompress(self.foot).decode("utf-8")

    def titled_json(self) -> bytes:
        """The titled figure (for files and images), as JSON."""
        return _unpack(self.titled, self.screen_json())

    @property
    def legend(self) -> tuple[charts.LegendItem, ...]:
        """The legend the foot shows, read from the titled figure (the foot itself is kept as its HTML)."""
        return tuple(charts.legend_of(orjson.loads(self.titled_json())))

    def sendable(self) -> SentFigure:
        return SentFigure(self.screen_dict())

    def with_tables(self) -> FigureBundle:
        """The bundle with its table and download (for «Tall bak figuren» and the data table under /vis)."""
        table, download = (_frame(parts) for parts in pickle.loads(zlib.decompress(self.tables)))
        return replace(self.bundle, table=table, download=download)

    def full_bundle(self) -> FigureBundle:
        """The bundle with its tables and its titled figure (a fresh dict), for the files and images made from it
        (on click)."""
        return replace(self.with_tables(), fig=orjson.loads(self.titled_json()))


@db.per_database
def prepare(figure_id: str, sel, *, height: int | None = None, font_size: int | None = None,
            **options) -> PreparedFigure:
    """The figure for a selection, built once per figure, selection, options and database file and shared by every
    session (a figure depends on nothing else; building one costs 10–60 ms of server CPU where sending it costs
    about 2). With `height`, the screen figure at that fixed height (the embed view and the presentation), derived
    from the page's figure without building it again."""
    if height is not None:
        base = prepare(figure_id, sel, **options)
        base_screen = base.screen_json()
        screen = charts.fit_height_spec(orjson.loads(base_screen), height, font_size=font_size)
        packed_screen, packed_titled = pack_figures(_json(screen), _unpack(base.titled, base_screen))
        return replace(base, screen=packed_screen, titled=packed_titled)
    bundle = build_figure(figure_id, sel, **options)
    titled_json = _json(bundle.fig)
    foot = zlib.compress(figure_foot_html(bundle, charts.legend_of(bundle.fig)).encode("utf-8"), 1)
    screen_json = _json(charts.screen_spec(bundle.fig))  # the bundle's own dict, dropped after this
    screen, titled = pack_figures(screen_json, titled_json)
    return PreparedFigure(bundle=replace(bundle, fig=None, table=None, download=None), screen=screen, titled=titled,
                          tables=pack_tables(bundle), foot=foot, version=db.database_version())
