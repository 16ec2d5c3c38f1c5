"""Published files that need no server: one offline HTML file per figure, one offline presentation, PNG/SVG images
and an XLSX workbook, all drawn from a `dashboard.figures.FigureBundle` (the same chart code the pages use).

Why files: a municipality's web site and the committee's meeting papers reach hundreds of readers at once; a static
file served by any web server (or opened from disk) costs nothing per reader and keeps working when the app is down.
Everything here is offline: plotly.js comes from the installed plotly package or the vendored finance bundle of the same
version (vendor/README.md), written beside the files or inlined, no CDN, no web fonts, and images
are rendered by the system Chromium (`/usr/bin/chromium`, through playwright's `executable_path`), never a browser
downloaded at run time.
"""
from __future__ import annotations

import base64
import html
import os
import tempfile
import textwrap
import urllib.parse
import queue
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

import plotly.graph_objects as go
import polars as pl

from dashboard.core import charts, downloads, html_parts

CHROMIUM = os.environ.get("KOSTRA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# seconds one Chromium call (start, a figure's images, a PDF) may take before the renderer counts as hung: it is then
# replaced and the call tried once more (a hung renderer used to hold the image lock for good)
CALL_TIMEOUT_S = float(os.environ.get("KOSTRA_CHROMIUM_TIMEOUT", "90"))
EXPORT_WIDTH = 1200          # px; PNG/SVG for meeting papers and web pages (16:9-ish at the computed height)
EXPORT_PLOT_HEIGHT = 420     # px of plot area in an exported image (at least)
DEMO_TEXT = "DEMODATA – syntetiske tall, ikke SSBs tall"
TABLE_CAPTION = "Tallene i figuren"
FONT = "Arial, Helvetica, sans-serif"  # system fonts only: the files must not load web fonts


class PublishError(RuntimeError):
    """A Norwegian message for the analyst running `publish` (browser missing, rendering failed)."""


# ------------------------------------------------------------------------------------------------ chart chrome

def _is_source_annotation(ann) -> bool:
    """charts._finish puts the source line at the paper's bottom-left, pushed below the plot by a negative yshift."""
    return ann.name == "source" or (ann.xref == "paper" and ann.yref == "paper" and ann.x == 0 and ann.y == 0
            and (ann.yshift or 0) < 0 and ann.yanchor == "bottom")


def _is_demo_annotation(ann) -> bool:
    return ann.name == "demodata" or "DEMODATA" in (ann.text or "")


def _plain(text: str) -> str:
    return " ".join((text or "").replace("<br>", " ").split())


def source_line(bundle) -> str:
    """The bundle's source line, plus the chart's explanation of SSB's symbols when the chart added one."""
    line = bundle.source
    for ann in charts.plotly_figure(bundle.fig).layout.annotations or ():
        if _is_source_annotation(ann):
            text = _plain(ann.text)
            if "Symboler:" in text and "Symboler:" not in line:
                line = f"{line}. Symboler:{text.split('Symboler:', 1)[1]}"
    return line


def bare_figure(fig) -> go.Figure:
    """The chart for a page whose width the browser decides, as the app's screen views draw it
    (charts.for_screen: no in-figure title or source line, long axis titles and category labels wrapped), with
    plotly's legend kept (the offline files lay it out for their width, see _RENDER_JS) and without the in-plot
    Demodata badge (the page shows its own). Other annotations (SSB symbols, breaks) stay. `fig`: the figure's
    dict (a bundle's) or a plotly Figure; a new Figure is returned."""
    fig = charts.plotly_figure(fig)
    show_legend = fig.layout.showlegend
    # horizontal bars keep the plot height their chart function gave them (one readable row per category)
    horizontal = any(getattr(t, "orientation", None) == "h" for t in fig.data)
    min_plot = int((fig.layout.height or 0) - (fig.layout.margin.t or 0) - (fig.layout.margin.b or 0)) if horizontal else 0
    out = charts.plotly_figure(charts.for_screen(fig))
    out.layout.annotations = [a for a in (out.layout.annotations or ())
                              if not (_is_source_annotation(a) or _is_demo_annotation(a))]
    if horizontal:  # each category at least as tall as its (wrapped) label
        labels = [str(v) for t in out.data if getattr(t, "orientation", None) == "h" and t.y is not None
                  for v in t.y]
        min_plot = max(min_plot, sum(15 * (label.count("<br>") + 1) + 12 for label in dict.fromkeys(labels)))
    out.update_layout(showlegend=show_legend, font_family=FONT, hoverlabel_font_family=FONT, autosize=True,
                      width=None, meta={"tickRoom": tick_room(out), "minPlot": max(0, min_plot)})
    return out


def tick_room(fig: go.Figure) -> int:
    """Pixels below the plot for the x tick labels and the x axis title, before the legend starts: what the chart
    function gave slanted labels (kept by charts.for_screen), and two lines more for a (wrapped) axis title."""
    room = max(58, int(fig.layout.margin.b or 0) + 6)
    title = fig.layout.xaxis.title.text if fig.layout.xaxis.title else None
    if title:
        room = max(room, 44 + 20 * (title.count("<br>") + 1))
    return room


def _legend_names(fig: go.Figure) -> list[str]:
    if fig.layout.showlegend is False:
        return []
    names = [t.name for t in fig.data if t.showlegend is not False and t.name]
    if len(fig.data) == 1 and fig.layout.showlegend is None and fig.data[0].showlegend is None:
        return []  # plotly shows no legend for a single trace
    return names


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, max(8, width), break_long_words=True) or [text]


# ------------------------------------------------------------------------------------------------ images

def _legend_height(names: list[str], per_row: int, chars: int) -> int:
    height = 0
    for i in range(0, len(names), per_row):
        lines = max(len(_wrap(n, chars)) for n in names[i:i + per_row])
        height += 22 + 16 * (lines - 1)
    return height


def image_figure(bundle, width: int = EXPORT_WIDTH) -> go.Figure:
    """The figure laid out for a fixed-width image: the title and subtitle wrapped for that width, the takeaway,
    source line and Demodata label inside the image, the legend wrapped below the plot. Height follows the text."""
    fig = bare_figure(bundle.fig)
    titled = charts.spec_of(bundle.fig)["layout"]
    source_margin = titled.get("margin") or {}
    # the plot keeps at least the height the chart function gave it (a ranking of 48 municipalities needs ~1000 px)
    plot_height = max(EXPORT_PLOT_HEIGHT, int((titled.get("height") or 500) - (source_margin.get("t") or 0)
                                              - (source_margin.get("b") or 0)))
    demo = 32 if bundle.is_demo else 0
    title_lines = _wrap(bundle.title, int((width - 100) / 14))
    subtitle_lines = _wrap(bundle.subtitle, int((width - 100) / 8.6)) if bundle.subtitle else []
    head = 32 * len(title_lines) + 21 * len(subtitle_lines)
    top = 18 + demo + head + 30
    names = _legend_names(fig)
    per_row = 3 if max((len(n) for n in names), default=0) <= 40 else 2
    chars = int((width - 100) / per_row / 7.6) - 4
    legend = _legend_height(names, per_row, chars)
    foot = []
    if bundle.takeaway:
        foot += [f"<b>{html.escape(line)}</b>" for line in _wrap(bundle.takeaway, int((width - 100) / 8.4))]
    foot += [html.escape(line) for line in _wrap(source_line(bundle), int((width - 100) / 7.0))]
    ticks = tick_room(fig)
    bottom = ticks + 2 + legend + 10 + 18 * len(foot) + 12
    height = top + plot_height + bottom
    if names:
        fig.for_each_trace(lambda t: t.update(name="<br>".join(_wrap(t.name, chars))) if t.name else None)
    text = "<br>".join(f"<span style='font-size:24px;color:#111'><b>{html.escape(line)}</b></span>"
                       for line in title_lines)
    if subtitle_lines:
        text += "<br>" + "<br>".join(f"<span style='font-size:16px;color:#3a3a3a'>{html.escape(line)}</span>"
                                     for line in subtitle_lines)
    fig.update_layout(
        width=width, height=height, autosize=False,
        margin={"l": 80, "r": 40, "t": top, "b": bottom, "autoexpand": True},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -ticks / plot_height, "yanchor": "top",
                "entrywidth": 1 / per_row - 0.01, "entrywidthmode": "fraction", "font": {"size": 13}},
    )
    # the height is fixed (the PNG's size is known before rendering); long category labels may widen the left margin
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    fig.add_annotation(text=text, xref="paper", yref="paper", x=0, y=1, yshift=top - 18 - demo, xanchor="left",
                       yanchor="top", align="left", showarrow=False, font={"family": FONT, "size": 16},
                       name="title")
    fig.add_annotation(text="<br>".join(foot), xref="paper", yref="paper", x=0, y=0,
                       yshift=-(bottom - 12), xanchor="left", yanchor="bottom", align="left", showarrow=False,
                       font={"size": 13, "color": "#333", "family": FONT}, name="source")
    if bundle.is_demo:
        fig.add_annotation(text=f"<b>{DEMO_TEXT}</b>", xref="paper", yref="paper", x=0, y=1,
                           yshift=top - 14, xanchor="left", yanchor="top", showarrow=False,
                           font={"size": 13, "color": "#8A1C00", "family": FONT}, bgcolor="#FFE8D6",
                           bordercolor="#D55E00", borderwidth=1, borderpad=4, name="demodata")
    return fig


def image_size(bundle, width: int = EXPORT_WIDTH) -> tuple[int, int]:
    """(width, height) in px of the exported PNG/SVG of this bundle."""
    fig = image_figure(bundle, width)
    return int(fig.layout.width), int(fig.layout.height)


_IMAGE_PAGE = ("<!doctype html><html lang='nb'><head><meta charset='utf-8'><script src=\"{src}\"></script></head>"
               "<body></body></html>")
# one plotly render per figure: the SVG, and the PNG drawn from that SVG on a canvas (what Plotly.toImage does for
# PNG anyway), so asking for both formats does not draw the figure twice
_TO_IMAGE_JS = """async ([figJson, formats, width, height]) => {
  const fig = JSON.parse(figJson);
  const svg = await Plotly.toImage({data: fig.data, layout: fig.layout, config: {staticPlot: true}},
                                   {format: 'svg', width: width, height: height, scale: 1});
  const out = {};
  if (formats.includes('svg')) out.svg = svg;
  if (formats.includes('png')) {
    const img = new Image();
    img.src = svg;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = width; canvas.height = height;
    canvas.getContext('2d').drawImage(img, 0, 0, width, height);
    out.png = canvas.toDataURL('image/png');
  }
  return out;
}"""


def figure_images(bundles: Iterable, formats: tuple[str, ...] = ("png", "svg"), *,
                  width: int = EXPORT_WIDTH) -> dict[tuple[str, str], bytes]:
    """PNG and SVG of every bundle, rendered by plotly.js inside one system Chromium started once (fast: five figures
    in a couple of seconds). The page is blank and offline: every network request is refused."""
    bundles = list(bundles)
    _check_formats(formats)
    if not bundles or not formats:
        return {}
    with ImageRenderer(width) as renderer:
        return renderer.render(bundles, formats)


def _check_formats(formats: tuple[str, ...]) -> None:
    unknown = set(formats) - {"png", "svg"}
    if unknown:
        raise PublishError(f"Ukjent bildeformat: {', '.join(sorted(unknown))} (bruk png eller svg).")


class _RendererThread:
    """One daemon thread that runs the renderer's calls in order (playwright's sync API must stay on the thread that
    started it). Not a ThreadPoolExecutor: its workers are joined when the interpreter exits, so a renderer thread
    stuck in a hung Chromium call would keep a server or a test run from ever exiting."""

    def __init__(self, name: str):
        self._calls: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (call := self._calls.get()) is not None:
            future, fn, args = call
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
                future.set_exception(exc)

    def submit(self, fn: Callable, *args) -> Future:
        future: Future = Future()
        self._calls.put((future, fn, args))
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        if cancel_futures:  # calls still queued are cancelled, not run on a renderer being abandoned
            pending = []
            while True:
                try:
                    pending.append(self._calls.get_nowait())
                except queue.Empty:
                    break
            for call in pending:
                if call is not None:
                    call[0].cancel()
        self._calls.put(None)
        if wait:
            self._thread.join()


class ImageRenderer:
    """The system Chromium with plotly.js loaded, started in a thread of its own as soon as this is made, so a caller
    can build figures and write HTML while the browser starts (plotly.js takes a second or two to parse).

    All playwright calls run in that one thread: playwright's sync API is bound to the thread that started it and
    refuses to run in a thread with a running asyncio loop (a test session or a server that drives a browser).

    Every call has a timeout (CALL_TIMEOUT_S; playwright's evaluate and pdf have none): a renderer that does not
    answer in time is replaced — its playwright driver ended by its process id, so its Chromium goes with it, and a
    new thread with a new Chromium started — and the call is tried once more; a second timeout is a PublishError.
    """

    def __init__(self, width: int = EXPORT_WIDTH, *, timeout_s: float | None = None):
        if not os.path.exists(CHROMIUM):
            raise PublishError(f"Fant ikke Chromium på {CHROMIUM}. Installer Debians chromium-pakke "
                               "(eller sett KOSTRA_CHROMIUM til nettleserens sti).")
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as exc:  # pragma: no cover - playwright is a main dependency
            raise PublishError("Python-pakken playwright mangler; installer prosjektet på nytt (pip install -e .).") from exc
        self.width = width
        self.timeout_s = CALL_TIMEOUT_S if timeout_s is None else timeout_s
        self.replaced = 0  # how many hung renderers were replaced (for tests)
        self._begin()

    def _begin(self) -> None:
        self._pool = _RendererThread("kostra-bilder")
        self._state: dict = {}
        self._started = self._pool.submit(self._start)

    def _call(self, work: Callable, *args):
        """work(*args) in the renderer's thread, after the start, within the timeout; on a timeout the renderer is
        replaced and the work tried once more."""
        for attempt in (1, 2):
            state = self._state
            try:
                self._started.result(timeout=self.timeout_s)
                return self._pool.submit(work, *args).result(timeout=self.timeout_s)
            except FutureTimeout:
                self._abandon(state)
                self.replaced += 1
                self._begin()
                if attempt == 2:
                    raise PublishError(f"Chromium svarte ikke innen {self.timeout_s:g} s, heller ikke etter en "
                                       "omstart; prøv igjen senere.") from None
        raise AssertionError("unreachable")

    def _abandon(self, state: dict) -> None:
        """End a hung renderer without waiting for its thread (which waits on Chromium): its playwright driver by its
        process id (Chromium exits when the driver's pipe closes), then its thread and temporary files."""
        pool = self._pool
        pw = state.get("pw")
        try:
            proc = pw._impl_obj._connection._transport._proc  # the driver process playwright started
            proc.kill()
        except Exception:  # noqa: BLE001 - a driver already gone, or another playwright layout: nothing to end
            pass
        pool.shutdown(wait=False, cancel_futures=True)
        tmp = state.get("tmp")
        if tmp is not None:
            try:
                tmp.cleanup()
            except OSError:
                pass

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright
        tmp = tempfile.TemporaryDirectory(prefix="kostra-bilder-")
        self._state["tmp"] = tmp
        # a file page loading plotly.js from the installed package: Chromium reads it from disk far faster than a
        # 4.8 MB script pushed through the DevTools protocol
        page_file = Path(tmp.name) / "bilder.html"
        page_file.write_text(_IMAGE_PAGE.format(src=html.escape(_plotly_js_path().as_uri(), quote=True)),
                             encoding="utf-8")
        with self._errors():
            pw = self._state["pw"] = sync_playwright().start()
            browser = self._state["browser"] = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = self._state["page"] = browser.new_page()
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                       else route.abort())
            page.goto(page_file.as_uri(), wait_until="load")

    def _errors(self):
        from contextlib import contextmanager

        from playwright.sync_api import Error as PlaywrightError

        @contextmanager
        def guard():
            try:
                yield
            except PlaywrightError as exc:
                raise PublishError(f"Chromium klarte ikke å lage bildene: {str(exc).splitlines()[0]}") from exc
        return guard()

    def render(self, bundles: Iterable, formats: tuple[str, ...] = ("png", "svg")) -> dict[tuple[str, str], bytes]:
        _check_formats(formats)
        jobs = []
        for bundle in bundles:
            fig = image_figure(bundle, self.width)
            jobs.append((bundle.figure_id, fig.to_json(validate=False), int(fig.layout.width), int(fig.layout.height)))
        return self._call(self._render, jobs, formats)

    def _render(self, jobs, formats) -> dict[tuple[str, str], bytes]:
        out: dict[tuple[str, str], bytes] = {}
        with self._errors():
            for figure_id, fig_json, w, h in jobs:
                urls = self._state["page"].evaluate(_TO_IMAGE_JS, [fig_json, list(formats), w, h])
                for fmt in formats:
                    out[(figure_id, fmt)] = _decode_data_url(urls[fmt])
        return out

    def pdf(self, bundles: Iterable) -> bytes:
        """presentasjon.pdf of the bundles (print_html printed by this Chromium): A4 landscape, one figure a page."""
        pages, figs = print_sections(list(bundles))
        return self._call(self._pdf, pages, figs)

    def preload_print(self) -> None:
        """Open the print page now (in the renderer's thread, after the start), so a PDF asked for later does not
        wait for its plotly.js to load: `publish` always makes one."""
        self._pool.submit(self._print_page)

    def _print_page(self):
        """The print page (plotly.js loaded, no figures), opened once and reused for every PDF."""
        if "print_page" not in self._state:
            self._started.result()
            page_file = Path(self._state["tmp"].name) / "utskrift.html"
            page_file.write_text(print_html([], plotly_src=shared_plotly_path().as_uri()), encoding="utf-8")
            with self._errors():
                page = self._state["browser"].new_page(viewport={"width": PRINT_VIEWPORT[0],
                                                                 "height": PRINT_VIEWPORT[1]})
                page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                           else route.abort())
                page.goto(page_file.as_uri(), wait_until="load")
                page.wait_for_function("document.body.dataset.rendered === 'true'", timeout=60_000)
                page.emulate_media(media="print")
            self._state["print_page"] = page
        return self._state["print_page"]

    def _pdf(self, pages: str, figs: str) -> bytes:
        page = self._print_page()
        with self._errors():
            error = page.evaluate("""async ([pages, figs]) => {
                try { await kpPrintReplace(pages, figs); return null; } catch (err) { return String(err); } }""",
                                  [pages, figs])
            if error:
                raise PublishError(f"Chromium klarte ikke å tegne figurene til PDF-en: {error}")
            return page.pdf(format="A4", landscape=True, print_background=True, prefer_css_page_size=True)

    def _stop(self) -> None:
        for key, action in (("browser", "close"), ("pw", "stop"), ("tmp", "cleanup")):
            if key in self._state:
                try:
                    getattr(self._state.pop(key), action)()
                except Exception:  # noqa: BLE001 - closing must not hide the error that got us here
                    pass

    def close(self) -> None:
        state = self._state
        try:
            self._pool.submit(self._stop).result(timeout=self.timeout_s)
        except FutureTimeout:  # hung: end it without waiting
            self._abandon(state)
            return
        self._pool.shutdown()

    def __enter__(self) -> "ImageRenderer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _plotly_js_path() -> Path:
    import plotly
    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def _decode_data_url(url: str) -> bytes:
    header, _, payload = url.partition(",")
    if header.endswith(";base64"):
        return base64.b64decode(payload)
    return urllib.parse.unquote(payload).encode("utf-8")


# ------------------------------------------------------------------------------------------------ HTML

PLOTLY_FILE = "plotly.min.js"  # the one copy of plotly.js beside the published HTML files (default mode)
FINANCE_BUNDLE = Path(__file__).resolve().parent / "vendor" / "plotly-finance.min.js"
# trace types plotly.js's finance bundle draws (vendor/README.md); every figure in the registry must use only these
FINANCE_TRACES = frozenset({"scatter", "bar", "waterfall", "histogram", "pie", "funnel", "funnelarea", "indicator",
                            "ohlc", "candlestick"})


def _js_version(path: Path) -> str | None:
    """"3.7.0" from the licence header plotly.js bundles start with."""
    import re
    with path.open(encoding="utf-8") as fh:
        head = fh.read(300)
    match = re.search(r"plotly\.js(?: \([^)]*\))? v(\d+\.\d+\.\d+)", head)
    return match.group(1) if match else None


@lru_cache(maxsize=1)
def shared_plotly_path() -> Path:
    """The plotly.js written beside the published files: the vendored finance bundle (1.2 MB; scatter, bar and
    waterfall are all we draw) when it is the installed plotly package's plotly.js version, else the full bundle."""
    try:
        if FINANCE_BUNDLE.exists() and _js_version(FINANCE_BUNDLE) == _js_version(_plotly_js_path()):
            return FINANCE_BUNDLE
    except OSError:
        pass
    return _plotly_js_path()


def plotly_js_bytes() -> bytes:
    """plotly.js to write beside the published files as PLOTLY_FILE (see shared_plotly_path)."""
    return shared_plotly_path().read_bytes()


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js to inline in a self-contained file (the files must load nothing from the network): the same
    bundle as the shared file (shared_plotly_path), so a single file is ~1.3 MB rather than ~4.9 MB."""
    return shared_plotly_path().read_text(encoding="utf-8")


_CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#fff;color:#111;font-family:Arial,Helvetica,sans-serif;line-height:1.4}
.kp-page{max-width:1400px;margin:0 auto;padding:16px clamp(10px,3vw,32px) 32px}
.kp-title{font-size:clamp(1.45rem,1.1rem + 1.6vw,2.4rem);line-height:1.2;margin:0 0 .3em;overflow-wrap:anywhere}
.kp-subtitle{font-size:clamp(1rem,.95rem + .3vw,1.2rem);color:#3a3a3a;margin:0 0 .6em;overflow-wrap:anywhere}
.kp-demo{display:inline-block;background:#FFE8D6;color:#8A1C00;border:1px solid #D55E00;border-radius:4px;
  padding:.15em .5em;font-weight:bold;font-size:.95rem;margin:0 0 .6em}
.kp-chart{width:100%;min-height:260px}
.kp-takeaway{font-size:clamp(1.05rem,1rem + .4vw,1.35rem);font-weight:bold;margin:.6em 0 .3em;overflow-wrap:anywhere}
.kp-source{font-size:.95rem;color:#3a3a3a;margin:.2em 0 1em;overflow-wrap:anywhere}
.kp-scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.95rem}
th,td{border-bottom:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
td:not(:first-child){text-align:right;white-space:nowrap}
th{background:#f2f2f2}
caption{text-align:left;font-weight:bold;font-size:1.15rem;padding:.2em 0 .4em}
figure{margin:0}
"""

_SLIDES_CSS = """
html,body{height:100%}
body{margin:0;background:#fff;color:#000;font-family:Arial,Helvetica,sans-serif;line-height:1.3;overflow:hidden;
  display:flex;flex-direction:column;height:100vh}
#kp-deck{flex:1 1 0;min-height:0;display:flex;flex-direction:column}
.kp-slide{display:none;flex:1 1 0;min-height:0;overflow:hidden;flex-direction:column;padding:2.2vh 3vw 0}
.kp-slide.kp-active{display:flex}
.kp-slide .kp-title{font-size:clamp(1.6rem,1rem + 2.4vw,3.2rem);line-height:1.15;margin:0 0 .2em;overflow-wrap:anywhere}
.kp-slide .kp-subtitle{font-size:clamp(1rem,.8rem + .8vw,1.6rem);color:#222;margin:0 0 .3em;overflow-wrap:anywhere}
.kp-slide .kp-chart{flex:1 1 0;min-height:0;width:100%;overflow:hidden}
.kp-slide .kp-takeaway{font-size:clamp(1.1rem,.8rem + 1.2vw,2rem);font-weight:bold;margin:.3em 0 .1em;overflow-wrap:anywhere}
.kp-slide .kp-source{font-size:clamp(.85rem,.7rem + .35vw,1.1rem);color:#222;margin:0 0 .2em;overflow-wrap:anywhere}
.kp-demo{align-self:flex-start;background:#FFE8D6;color:#8A1C00;border:2px solid #D55E00;border-radius:4px;
  padding:.1em .5em;font-weight:bold;font-size:clamp(.9rem,.7rem + .5vw,1.3rem);margin:0 0 .3em}
.kp-slide details{font-size:1rem;margin:0 0 .3em}
.kp-slide details[open]{flex:1 1 0;min-height:0;overflow:auto}
.kp-slide:has(details[open]) .kp-chart{display:none}
.kp-nav{flex:0 0 auto;display:flex;align-items:center;justify-content:center;gap:1.5rem;padding:.3rem 0 .6rem}
.kp-nav button{font-size:clamp(1rem,.8rem + .6vw,1.5rem);padding:.35em 1.1em;background:#003B73;color:#fff;
  border:0;border-radius:6px;cursor:pointer}
.kp-nav button:disabled{background:#767676}
.kp-nav button:focus-visible{outline:4px solid #E69F00;outline-offset:2px}
.kp-counter{font-size:clamp(1rem,.8rem + .6vw,1.5rem);font-weight:bold}
/* a phone or a narrow window: the slide scrolls and the chart takes the height its legend needs */
@media (max-width: 700px) {
  body{overflow:auto;height:auto;display:block}
  #kp-deck{display:block}
  .kp-slide{overflow:visible;padding-bottom:.5rem}
  .kp-slide .kp-chart{flex:none;overflow:visible}
  .kp-nav{position:sticky;bottom:0;background:#fff;border-top:1px solid #ccc}
}
table{border-collapse:collapse;font-size:1rem}
th,td{border-bottom:1px solid #ccc;padding:.25em .6em;text-align:left}
td:not(:first-child){text-align:right;white-space:nowrap}
caption{text-align:left;font-weight:bold}
"""

# Lays the chart out for the width it gets, on load and on every resize: legend entries per row and the
# wrapping of long legend names follow the width, and the room below the plot follows the legend's rows.
_RENDER_JS = r"""
function kpWrap(text, width) {
  const words = String(text).split(' '); const lines = []; let line = '';
  for (const w of words) {
    if (line && (line + ' ' + w).length > width) { lines.push(line); line = w; } else { line = line ? line + ' ' + w : w; }
  }
  if (line) lines.push(line);
  return lines;
}
function kpLayout(el, fig, plotHeight) {
  const width = Math.max(280, el.clientWidth);
  const perRow = width < 600 ? 1 : (width < 1000 ? 2 : 3);
  const chars = Math.max(12, Math.floor((width - 60) / perRow / 7.8) - 4);
  const showLegend = fig.layout.showlegend !== false;
  const data = fig.data.map(t => t.name ? Object.assign({}, t, {name: kpWrap(t.name, chars).join('<br>')}) : t);
  const single = fig.data.length === 1 && fig.layout.showlegend === undefined && fig.data[0].showlegend === undefined;
  const shown = showLegend && !single ? fig.data.filter(t => t.showlegend !== false && t.name) : [];
  let legend = 0;
  for (let i = 0; i < shown.length; i += perRow) {
    const lines = Math.max(...shown.slice(i, i + perRow).map(t => kpWrap(t.name, chars).length));
    legend += 22 + 16 * (lines - 1);
  }
  const ticks = ((fig.layout.meta || {}).tickRoom) || 58;  // tick labels and axis title (publish.tick_room)
  const bottom = ticks + 4 + legend;
  const outside = fig.data.some(t => t.textposition === 'outside');  // value labels past the bar's end
  const plotH = Math.max(140, plotHeight(width, 16 + bottom));
  const layout = Object.assign({}, fig.layout, {
    autosize: true, width: undefined, height: plotH + 16 + bottom,
    margin: {l: width < 600 ? 8 : 16, r: outside ? 44 : (width < 600 ? 8 : 24), b: bottom, autoexpand: true,
             t: Math.min(36, (fig.layout.margin || {}).t || 16)},
    legend: Object.assign({}, fig.layout.legend || {}, {orientation: 'h', x: 0, xanchor: 'left', y: -ticks / plotH,
      yanchor: 'top', entrywidth: 1 / perRow - 0.01, entrywidthmode: 'fraction'}),
  });
  return {data: data, layout: layout};
}
function kpRender(el, fig, plotHeight) {
  const config = {displayModeBar: false, responsive: false, locale: 'nb'};
  const draw = () => { const f = kpLayout(el, fig, plotHeight); return Plotly.react(el, f.data, f.layout, config); };
  const size = () => el.clientWidth + 'x' + el.clientHeight;
  let last = '', timer = null;
  const onResize = () => {
    if (el.offsetParent === null || size() === last) return;
    clearTimeout(timer); timer = setTimeout(() => { last = size(); draw(); }, 60);
  };
  window.addEventListener('resize', onResize);
  el.closest('section, main').querySelectorAll('details').forEach(d => d.addEventListener('toggle', onResize));
  last = size();
  return draw();
}
"""


def _figure_json(bundle) -> str:
    return bare_figure(bundle.fig).to_json(validate=False).replace("</", "<\\/")


def _text_blocks(bundle, heading: str = "h1") -> tuple[str, str]:
    """(header html, footer html) of one figure: title, subtitle, Demodata label; takeaway and source line."""
    e = html.escape
    head = f"<{heading} class='kp-title'>{e(bundle.title)}</{heading}>"
    if bundle.subtitle:
        head += f"<p class='kp-subtitle'>{e(bundle.subtitle)}</p>"
    if bundle.is_demo:
        head += f"<p class='kp-demo' data-demo='true'>{e(DEMO_TEXT)}</p>"
    foot = ""
    if bundle.takeaway:
        foot += f"<p class='kp-takeaway'>{e(bundle.takeaway)}</p>"
    foot += f"<p class='kp-source'>{e(source_line(bundle))}</p>"
    return head, foot


def plotly_tag(src: str | None = None) -> str:
    """plotly.js for a published page: `<script src>` of the shared file beside it (`PLOTLY_FILE`, loaded relatively,
    so the folder works from disk and from any web server), or inlined when src is None (one self-contained file)."""
    if src is None:
        return f"<script>{plotly_js()}</script>"
    return f'<script src="{html.escape(src, quote=True)}"></script>'


def figure_html(bundle, *, plotly_src: str | None = None) -> str:
    """One HTML file for one figure: large title, chart, takeaway, source line, the Demodata label for demo data,
    and the data table (the chart's text alternative). Opens offline; loads nothing from the network. With
    plotly_src (`PLOTLY_FILE`) it loads plotly.js from that file beside it; without, plotly.js is inlined."""
    e = html.escape
    head, foot = _text_blocks(bundle)
    chart_id = f"kp-chart-{e(bundle.figure_id)}"
    return f"""<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="kostra-pleie-omsorg publish">
<title>{e(bundle.title)}</title>
<style>{_CSS}</style>
{plotly_tag(plotly_src)}
</head>
<body>
<main class="kp-page" data-figure-id="{e(bundle.figure_id)}">
<figure>
<header>{head}</header>
<div id="{chart_id}" class="kp-chart" role="img" aria-label="{e(bundle.title)}. Tallene står i tabellen under figuren."></div>
<figcaption>{foot}</figcaption>
</figure>
<section class="kp-table">
<div class="kp-scroll">{html_parts.table_html(bundle.table, TABLE_CAPTION, css_class='kp-data')}</div>
</section>
</main>
<script>{_RENDER_JS}</script>
<script>
(function () {{
  const fig = {_figure_json(bundle)};
  const el = document.getElementById("{chart_id}");
  kpRender(el, fig, w => Math.max(((fig.layout.meta || {{}}).minPlot) || 0,
                                   Math.round(Math.min(460, Math.max(240, w * 0.5))))).then(() => el.setAttribute("data-rendered", "true"));
}})();
</script>
</body>
</html>
"""


def presentation_html(bundles: list, *, title: str = "Presentasjon", plotly_src: str | None = None) -> str:
    """All figures as slides in one offline file at projector size: large fonts, high contrast, previous/next
    buttons and the arrow keys, and the slide number in the address (`#side=2`) so every slide can be linked."""
    e = html.escape
    slides, figs = [], []
    for i, bundle in enumerate(bundles, start=1):
        head, foot = _text_blocks(bundle, "h1" if i == 1 else "h2")
        slides.append(
            f"<section class='kp-slide' id='side-{i}' data-figure-id='{e(bundle.figure_id)}' "
            f"aria-roledescription='lysbilde' aria-label='{i} av {len(bundles)}'>"
            f"{head}<div class='kp-chart' id='kp-chart-{i}' role='img' aria-label='{e(bundle.title)}'></div>{foot}"
            f"<details><summary>Vis tallene (tabell)</summary>{html_parts.table_html(bundle.table, TABLE_CAPTION, css_class='kp-data')}</details></section>")
        figs.append(_figure_json(bundle))
    n = len(bundles)
    return f"""<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>{_SLIDES_CSS}</style>
{plotly_tag(plotly_src)}
</head>
<body>
<main id="kp-deck">{''.join(slides)}</main>
<nav class="kp-nav" aria-label="Lysbilder">
<button type="button" id="kp-prev" aria-label="Forrige lysbilde">◀ Forrige</button>
<span class="kp-counter" id="kp-counter" aria-live="polite">1 / {n}</span>
<button type="button" id="kp-next" aria-label="Neste lysbilde">Neste ▶</button>
</nav>
<script>{_RENDER_JS}</script>
<script>
(function () {{
  const figs = [{','.join(figs)}];
  const n = {n};
  const drawn = {{}};
  let current = 1;
  function fromHash() {{
    const m = /side=(\\d+)/.exec(location.hash);
    const k = m ? parseInt(m[1], 10) : 1;
    return Math.min(Math.max(isNaN(k) ? 1 : k, 1), n);
  }}
  function show(k, push) {{
    current = Math.min(Math.max(k, 1), n);
    document.querySelectorAll('.kp-slide').forEach((s, i) => s.classList.toggle('kp-active', i + 1 === current));
    document.getElementById('kp-counter').textContent = current + ' / ' + n;
    document.getElementById('kp-prev').disabled = current === 1;
    document.getElementById('kp-next').disabled = current === n;
    if (push && location.hash !== '#side=' + current) history.replaceState(null, '', '#side=' + current);
    const el = document.getElementById('kp-chart-' + current);
    if (!drawn[current]) {{
      drawn[current] = true;
      const slide = document.getElementById('side-' + current);
      kpRender(el, figs[current - 1], (w, chrome) => window.innerWidth <= 700 ? Math.round(Math.max(240, w * 0.6))
        : Math.round(el.clientHeight || window.innerHeight * 0.5) - chrome)
        .then(() => el.setAttribute('data-rendered', 'true'));
    }}
  }}
  document.getElementById('kp-prev').addEventListener('click', () => show(current - 1, true));
  document.getElementById('kp-next').addEventListener('click', () => show(current + 1, true));
  document.addEventListener('keydown', ev => {{
    if (ev.key === 'ArrowRight' || ev.key === 'PageDown' || ev.key === ' ') {{ show(current + 1, true); ev.preventDefault(); }}
    if (ev.key === 'ArrowLeft' || ev.key === 'PageUp') {{ show(current - 1, true); ev.preventDefault(); }}
    if (ev.key === 'Home') show(1, true);
    if (ev.key === 'End') show(n, true);
  }});
  window.addEventListener('hashchange', () => show(fromHash(), false));
  show(fromHash(), false);
}})();
</script>
</body>
</html>
"""


# ------------------------------------------------------------------------------------------------ PDF

PRINT_MARGIN_MM = 12
PRINT_VIEWPORT = (1032, 699)   # px of an A4 landscape page (297 × 210 mm at 96 px/in) inside the 12 mm margins, less 1 mm
# so that rounding never pushes a page over and leaves a blank one

_PRINT_CSS = """
@page{size:A4 landscape;margin:12mm}
*{box-sizing:border-box}
html,body{margin:0;padding:0;background:#fff;color:#000;font-family:Arial,Helvetica,sans-serif;line-height:1.3}
.kp-print-page{height:185mm;width:273mm;display:flex;flex-direction:column;overflow:hidden;break-after:page;
  page-break-after:always}
.kp-print-page:last-of-type{break-after:auto;page-break-after:auto}
.kp-title{font-size:24px;line-height:1.2;margin:0 0 4px;overflow-wrap:anywhere}
.kp-subtitle{font-size:14px;color:#222;margin:0 0 4px;overflow-wrap:anywhere}
.kp-demo{align-self:flex-start;background:#FFE8D6;color:#8A1C00;border:1.5px solid #D55E00;border-radius:3px;
  padding:1px 6px;font-weight:bold;font-size:13px;margin:0 0 4px;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.kp-chart{flex:1 1 0;min-height:0;width:100%;overflow:hidden}
.kp-takeaway{font-size:16px;font-weight:bold;margin:6px 0 2px;overflow-wrap:anywhere}
.kp-source{font-size:11.5px;color:#222;margin:0;overflow-wrap:anywhere}
.kp-page-number{font-size:11px;color:#444;text-align:right;margin:2px 0 0}
"""


def print_sections(bundles: list) -> tuple[str, str]:
    """(the pages' HTML, the figures as one JSON array) of the PDF: one A4 page per figure with its texts."""
    e = html.escape
    pages, figs = [], []
    n = len(bundles)
    for i, bundle in enumerate(bundles, start=1):
        head, foot = _text_blocks(bundle, "h1" if i == 1 else "h2")
        pages.append(f"<section class='kp-print-page' data-figure-id='{e(bundle.figure_id)}'>{head}"
                     f"<div class='kp-chart' id='kp-chart-{i}' role='img' aria-label='{e(bundle.title)}'></div>"
                     f"{foot}<p class='kp-page-number'>{i} / {n}</p></section>")
        figs.append(_figure_json(bundle))
    return "".join(pages), "[" + ",".join(figs) + "]"


# Draws the charts of the pages in #kp-print, each into the height its page leaves it, as static plots (no resize
# listeners: a server's print page is reused for PDF after PDF).
_PRINT_JS = r"""
window.kpPrint = function (figs) {
  return Promise.all(figs.map((fig, i) => {
    const el = document.getElementById('kp-chart-' + (i + 1));
    const f = kpLayout(el, fig, (w, chrome) => Math.round(el.clientHeight) - chrome);
    return Plotly.newPlot(el, f.data, f.layout, {staticPlot: true, displayModeBar: false});
  }));
};
window.kpPrintReplace = function (pages, figsJson) {
  document.querySelectorAll('#kp-print .js-plotly-plot').forEach(el => Plotly.purge(el));
  document.getElementById('kp-print').innerHTML = pages;
  return window.kpPrint(JSON.parse(figsJson));
};
"""


def print_html(bundles: list, *, plotly_src: str | None = None, title: str = "Presentasjon") -> str:
    """The page Chromium prints as presentasjon.pdf: A4 landscape, one figure per page with its title, the chart,
    the takeaway and the source line, and the Demodata label on demo figures. Charts are drawn by plotly.js into the
    space the text leaves (vector graphics in the PDF); `document.body.dataset.rendered` says when all are drawn.
    With no bundles it is the renderer's print page, filled PDF after PDF through `kpPrintReplace`."""
    pages, figs = print_sections(bundles)
    return f"""<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>{_PRINT_CSS}</style>
{plotly_tag(plotly_src)}
</head>
<body>
<main id="kp-print">{pages}</main>
<script>{_RENDER_JS}{_PRINT_JS}</script>
<script>
window.kpPrint({figs}).then(() => {{ document.body.dataset.rendered = 'true'; }},
  err => {{ document.body.dataset.rendered = 'error'; document.body.dataset.error = String(err); }});
</script>
</body>
</html>
"""


# ------------------------------------------------------------------------------------------------ XLSX, downloads

def source_frame(bundle) -> pl.DataFrame:
    """The source sheet: what the figure shows and where the numbers come from."""
    rows = [("Figur", bundle.figure_id), ("Tittel", bundle.title), ("Beskrivelse", bundle.subtitle or ""),
            ("Hovedpoeng", bundle.takeaway or ""), ("Kilde", source_line(bundle)),
            ("Demodata", DEMO_TEXT if bundle.is_demo else "Nei")]
    return pl.DataFrame({"Felt": [r[0] for r in rows], "Verdi": [r[1] for r in rows]})


def figure_xlsx(bundle) -> bytes:
    """Data sheet (the numeric long table) and a source sheet, written by dashboard/core/downloads.py."""
    return downloads.xlsx_workbook({"Data": bundle.download, "Kilde": source_frame(bundle)}, title=bundle.title,
                                   note=DEMO_TEXT if bundle.is_demo else None)


def download_files(bundle, *, image: Callable[[str], bytes] | None = None,
                   ) -> list[tuple[str, str, str, Callable[[], bytes]]]:
    """What the embed and presentation views offer as downloads: (label, file name, mime type, make bytes).
    Lazy callables, so a view pays for Chromium only when someone asks for an image. `image(fmt)` makes the PNG or
    SVG (a server passes its bounded, cached image service); without it each image starts a Chromium of its own."""
    fid = bundle.figure_id
    if image is None:
        def image(fmt: str) -> bytes:
            return figure_images([bundle], (fmt,))[(fid, fmt)]
    return [
        ("HTML (virker uten nett)", f"{fid}.html", "text/html", lambda: figure_html(bundle).encode("utf-8")),
        ("PNG-bilde", f"{fid}.png", "image/png", lambda: image("png")),
        ("SVG-bilde", f"{fid}.svg", "image/svg+xml", lambda: image("svg")),
        ("Excel (XLSX)", f"{fid}.xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", lambda: figure_xlsx(bundle)),
        ("CSV", f"{fid}.csv", "text/csv", lambda: downloads.csv_bytes(bundle.download)),
    ]
