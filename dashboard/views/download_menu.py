"""The published files offered as downloads in the embed and presentation views (one compact «Last ned» menu).

Why a module of its own: dashboard/publish/files.py makes files and knows nothing of Streamlit; the views call
`download_menu(bundle, key=…)` after drawing a figure. The files are made only when a button is clicked (Streamlit
runs a callable `data` then, in a worker thread), so showing the menu costs nothing. Images and the presentation's
PDF go through the server's one image service (dashboard/publish/image_service.py): one Chromium at a time, the
bytes cached per figure, selection, database version and format, and a file saying «busy» when too many ask at once.
"""
from __future__ import annotations

import hashlib
import html
import io
from typing import Callable, Hashable

import orjson
import streamlit as st

from dashboard import figures
from dashboard.core import charts, db
from dashboard.publish import files as publish
from dashboard.publish import image_service
from dashboard.views import door

PDF_LABEL = "PDF (hele presentasjonen)"
PDF_NAME = "presentasjon.pdf"


class on_demand:  # noqa: N801 - used like a function: on_demand(ready)
    """A prepared figure's bundle whose titled figure is made only when a file is asked for: the menu reads only
    the figure id while it is drawn, and the files are made on click (a plotly Figure costs memory and time that
    most views never need)."""

    def __init__(self, ready):
        self.figure_id = ready.bundle.figure_id
        self.version = ready.version
        self._ready = ready
        self._bundle = None

    def __getattr__(self, name: str):
        if self._bundle is None:
            self._bundle = self._ready.full_bundle()
        return getattr(self._bundle, name)


def selection_key(figure_id: str, selection) -> tuple:
    """What a figure's file depends on besides the database: its id and the selection's URL parameters."""
    return (figure_id, tuple(sorted(figures.selection_params(figure_id, selection).items())))


def _bundle_key(bundle) -> tuple:
    """Without a selection: the bundle's own content (the figure and its texts) identifies the image."""
    digest = hashlib.sha256(orjson.dumps(charts.spec_of(bundle.fig)))
    for text in (bundle.title, bundle.subtitle, bundle.takeaway or "", bundle.source, str(bundle.is_demo)):
        digest.update(b"\0" + text.encode("utf-8"))
    return (bundle.figure_id, digest.hexdigest())


def image_maker(bundle, selection=None) -> Callable[[str], bytes]:
    """image(fmt) -> PNG/SVG bytes through the server's image service."""
    door.require_figure(bundle.figure_id)  # the door: no image maker for a figure this visitor may not see

    def image(fmt: str) -> bytes:
        what = selection_key(bundle.figure_id, selection) if selection is not None else _bundle_key(bundle)
        # the version of the file the figure was drawn from, not the file in use when the button is clicked: a
        # page drawn before a fetch must not store its picture under the new file's version
        version = getattr(bundle, "version", None) or db.database_version()
        key = ("image", what, version, fmt)
        return image_service.service().get(
            key, lambda renderer: renderer.render([bundle], (fmt,))[(bundle.figure_id, fmt)])
    return image


def deck_pdf_maker(slides: tuple[Hashable, ...], prepared: Callable[[], list]) -> Callable[[], bytes]:
    """The presentation's PDF (all slides, each with its own selection) through the server's image service.
    `slides` identifies the deck (figure ids and selections); `prepared()` gives its PreparedFigures (from the shared
    cache), whose database versions key the PDF, so a PDF is stored under the file its figures were read from."""
    def pdf() -> bytes:
        ready = prepared()
        key = ("pdf", slides, tuple(sorted({r.version for r in ready})))
        return image_service.service().get(key, lambda renderer: renderer.pdf([r.full_bundle() for r in ready]))
    return pdf


def download_menu(bundle, *, key: str, selection=None, deck_pdf: Callable[[], bytes] | None = None) -> None:
    """A «Last ned» popover with the figure as offline HTML, PNG, SVG, XLSX and CSV (and, on /presentasjon, the
    whole presentation as a PDF)."""
    if not door.may_see_figure(bundle.figure_id):  # the door: no downloads for a figure this visitor may not see
        return
    with st.popover("Last ned", icon=":material/download:"):
        st.caption("Filene virker uten nett og uten denne appen – for møtepapirer og nettsider. Bilder og PDF lages "
                   "ett om gangen på serveren.")
        entries = publish.download_files(bundle, image=image_maker(bundle, selection))
        if deck_pdf is not None:
            entries.append((PDF_LABEL, PDF_NAME, "application/pdf", deck_pdf))
        for label, file_name, mime, make in entries:
            st.download_button(label, data=_safe(make, file_name), file_name=file_name, mime=mime,
                               key=f"{key}-{file_name}", on_click="ignore", width="stretch")


def _safe(make, file_name: str = ""):
    """A failed or refused file must not break the view. A busy image service gives a file of the asked-for kind
    that says so (an image, a PDF), so the reader sees the message where the picture would be; other failures
    (no Chromium on the server) give a text explaining it."""
    def run():
        try:
            return make()
        except image_service.RendererBusy as exc:
            return message_file(file_name.rsplit(".", 1)[-1], str(exc))
        except publish.PublishError as exc:
            return f"Filen kunne ikke lages: {exc}".encode("utf-8")
    return run


def message_file(fmt: str, text: str) -> bytes:
    """A small PNG, SVG or PDF showing `text` (drawn by Pillow or written as SVG: no browser needed)."""
    import textwrap
    lines = textwrap.wrap(text, 60)
    if fmt == "svg":
        body = "".join(f"<text x='24' y='{44 + 30 * i}'>{html.escape(line)}</text>" for i, line in enumerate(lines))
        return (f"<svg xmlns='http://www.w3.org/2000/svg' width='800' height='{60 + 30 * len(lines)}' "
                f"font-family='Arial, sans-serif' font-size='20'><rect width='100%' height='100%' fill='#FFF4D6'/>"
                f"{body}</svg>").encode("utf-8")
    if fmt not in ("png", "pdf"):
        return text.encode("utf-8")
    from PIL import Image, ImageDraw, ImageFont
    font = ImageFont.load_default(size=20)
    image = Image.new("RGB", (800, 60 + 30 * len(lines)), "#FFF4D6")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((24, 24 + 30 * i), line, fill="#1a1a1a", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG" if fmt == "png" else "PDF")
    return out.getvalue()
