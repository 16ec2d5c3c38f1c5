"""The bare views: /vis (one figure, for an iframe or a link) and /presentasjon (one figure per screen).

No menu, no sidebar, no widgets but the presentation's two buttons: a politician sees the title, the chart, the
takeaway, the source line and the Demodata label. Every figure is drawn through dashboard.figures, the same code the
pages use. Parameters are read as the pages read them (old municipality codes resolve; hostile input gives a short
Norwegian notice), and an unknown figure id gives a message instead of a traceback.
"""
from __future__ import annotations

import traceback
import zlib

import streamlit as st

from dashboard import figures
from dashboard.figures import prepared as prepared_figures
from dashboard.core import db, html_parts
from dashboard.core.db import DatabaseUnavailable
from dashboard.core.text import html_text
from dashboard.kostra import ui as kostra_ui
from dashboard.own import ui as own_ui
from dashboard.views import door
from dashboard.views import download_menu as publish_ui
from dashboard.views import page as ui

# the app's frame gone: no header bar, no sidebar or its toggle, little padding, so the figure fits 800×450
BARE_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stSidebarNav"], footer { display: none !important; }
.stMainBlockContainer, [data-testid="stMainBlockContainer"], .block-container {
  padding: 0.5rem 0.75rem 0.25rem !important; max-width: 100% !important; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.35rem; }
.fig-embed .fig-title { font-size: clamp(1.1rem, 2.6vw, 1.6rem); }
.fig-embed .fig-takeaway { font-size: clamp(0.95rem, 2vw, 1.15rem); }
.fig-embed .fig-sub { display: none; }
.fig-slide .fig-title { font-size: clamp(1.4rem, 3.2vw, 2.4rem); line-height: 1.2; color: #000; }
.fig-slide .fig-takeaway { font-size: clamp(1.1rem, 2.2vw, 1.6rem); color: #000; }
.fig-slide .fig-sub { font-size: clamp(0.9rem, 1.3vw, 1.1rem); color: #333; }
.fig-slide .fig-legend { font-size: 1.05rem; }
.sr-only { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
           clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
.fig-notice { font-size: 0.85rem; color: #5c3b00; background: #FFF4D6; padding: 2px 6px; border-radius: 3px; }
.fig-message { font-size: 1.2rem; color: #1a1a1a; }
/* the presentation's «Forrige» / «Neste» stay on screen at 1280×720 (a projector), whatever the slide holds above */
.st-key-slide-nav { position: fixed; left: 0; right: 0; bottom: 0; z-index: 999990; background: #fff;
                    padding: 0.3rem 0.75rem 0.4rem; border-top: 1px solid #d0d0d0; }
[data-testid="stMainBlockContainer"]:has(.st-key-slide-nav) { padding-bottom: 4.5rem !important; }
</style>"""

# ← and → move between slides (as in the published presentation): the keys click our own buttons, so the slide
# number goes into the URL the same way; ignored while typing in a field or with a modifier key held
ARROW_KEYS_JS = """<script>
if (!window.kpSlideKeys) {
  window.kpSlideKeys = true;
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.target.closest && event.target.closest("input, textarea, select, [contenteditable]")) return;
    const key = {ArrowLeft: "prev", ArrowRight: "next"}[event.key];
    const button = key && document.querySelector(`.st-key-${key} button`);
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  });
}
</script>"""

EMBED_HEIGHT = 236       # the chart in /vis: title, takeaway and source line around it fit an 800×450 frame
SLIDE_HEIGHT = 360       # the chart on a slide at 1280×720 with large fonts, above the fixed «Forrige» / «Neste» bar
SLIDE_FONT = 16
OWN_KIND = {"budsjettavvik": "budget", "sykefravaer": "sick-leave"}


def _params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params.keys()}


def _first(params: dict, key: str) -> str | None:
    values = params.get(key) or []
    return str(values[-1]).strip() if values else None


def selection_for(spec: figures.FigureSpec, params: dict):
    """The figure's selection from URL parameters: kommune/sammenlign/fra/til or enhet/periode."""
    if spec.domain == "own":
        return own_ui.own_selection(params, OWN_KIND.get(spec.page, "budget"))
    if spec.domain == "projection":  # municipality + scenario (dashboard/projection/figures.py)
        from dashboard.projection import figures as projection_figures
        return projection_figures.selection_from_params(params, kostra_ui.kostra_selection)
    if spec.domain == "age_adjusted":  # municipality + referanse + aar (dashboard/age_adjusted/figures.py)
        from dashboard.age_adjusted import figures as age_adjusted_figures
        return age_adjusted_figures.selection_from_params(params, kostra_ui.kostra_selection)
    return kostra_ui.kostra_selection(params)


def message(text: str) -> None:
    st.html(f"<p class='fig-message' data-testid='embed-message'>{html_text(text)}</p>")


def notices_html(notices) -> str:
    return "".join(f"<p class='fig-notice' data-testid='embed-notice'>{html_text(n)}</p>" for n in notices)


def prepared(figure_id: str, sel, *, height: int, font_size: int | None = None) -> prepared_figures.PreparedFigure:
    """The figure at a fixed height, kept per figure, selection and database file in the shared cache: an embed link
    in a municipality's web page is opened by many readers, and building a figure costs more than sending it."""
    return prepared_figures.prepare(figure_id, sel, height=height, font_size=font_size)


def draw(figure_id: str, sel, *, level: str, height: int, key: str, notices=(), font_size=None):
    """Title and takeaway, the chart at a fixed height, then the source line with the Demodata badge.
    Returns the PreparedFigure, so the view can offer its published files (dashboard/views/download_menu.py)."""
    ready = prepared(figure_id, sel, height=height, font_size=font_size)
    bundle = ready.bundle
    # st.html, not st.markdown: Markdown reads links and emphasis in names even inside escaped HTML
    st.html(notices_html(notices) + html_parts.figure_head_html(bundle, level=level))
    st.plotly_chart(ready.sendable(), key=f"chart-{key}", config=ui.plotly_config(bundle.title), theme=None,
                    alt=html_parts.alt_text(bundle, "i tabellen etter figuren"))
    st.html(_foot(figure_id, sel, height=height, font_size=font_size))
    return ready


def _foot(figure_id: str, sel, *, height: int, font_size: int | None) -> str:
    """The source line, legend and the data table for screen readers (the chart's text alternative, out of sight so
    the figure fits its frame)."""
    return zlib.decompress(_packed_foot(figure_id, sel, height=height, font_size=font_size)).decode("utf-8")


@db.per_database
def _packed_foot(figure_id: str, sel, *, height: int, font_size: int | None) -> bytes:
    """_foot's HTML, kept compressed as it is sent: a table of every municipality is a few thousand escaped cells,
    the same for every reader of the link (16 KB of text on average, a fifth of that compressed)."""
    ready = prepared(figure_id, sel, height=height, font_size=font_size)
    table = html_parts.table_html(ready.with_tables().table, f"Tall bak figuren: {ready.bundle.title}")
    return zlib.compress((ready.foot_html + f"<div class='sr-only'>{table}</div>").encode("utf-8"), 1)


def _guarded(render) -> None:
    try:
        render()
    except DatabaseUnavailable as exc:
        message(str(exc))
    except Exception as exc:  # noqa: BLE001 - a link in a meeting paper must never show a traceback
        traceback.print_exc()
        message(f"Figuren kunne ikke vises ({type(exc).__name__}). Prøv lenken igjen senere, eller meld fra.")


def single_figure() -> None:
    """/vis?figur=<id>&…: one figure and nothing else."""
    st.html(BARE_CSS)

    def render() -> None:
        params = _params()
        figure_id = _first(params, "figur")
        if not figure_id or figure_id not in figures.FIGURES:
            shown = escape_id(figure_id)
            message(f"Fant ingen figur med id «{shown}». Sjekk lenken." if figure_id else
                    "Lenken mangler figur (figur=…). Se README for gyldige figur-id-er.")
            return
        if not door.may_see_figure(figure_id):  # before its selection or figure is read
            door.refuse("Denne figuren", figure=True)
            return
        spec = figures.FIGURES[figure_id]
        sel = selection_for(spec, params)
        ready = draw(figure_id, sel, level="embed", height=EMBED_HEIGHT, key="vis", notices=sel.notices)
        publish_ui.download_menu(publish_ui.on_demand(ready), key="vis", selection=sel)  # the same files `publish` writes, made on click
    _guarded(render)


def escape_id(text: str | None) -> str:
    """A short, harmless echo of an id from the URL."""
    import re
    return re.sub(r"[^0-9A-Za-zæøåÆØÅ_-]", "", str(text or ""))[:40]


def slides(params: dict) -> tuple[list[tuple[str, str | None, dict]], list[str]]:
    """(known slides in order as (figure id, the slide's own municipality or None, its own choices), unknown ids)
    from `figurer=a,b@3907,c~aar=2019`: `@kommune` gives one slide a municipality of its own, `~key=value` choices of
    its own (links.presentation_slides)."""
    raw = _first(params, "figurer") or ""
    known, unknown = [], []
    for part in [p.strip() for p in raw.split(",") if p.strip()][:30]:
        figure_id, municipality, choices = figures.parse_slide_choices(part)
        if figure_id in figures.FIGURES:
            known.append((figure_id, municipality, choices))
        else:
            unknown.append(figure_id)
    return known, unknown


def slide_ids(params: dict) -> tuple[list[str], list[str]]:
    """(known figure ids in order, unknown ids) from `figurer=a,b,c` (a slide's `@kommune` left out)."""
    known, unknown = slides(params)
    return [fid for fid, _, _ in known], unknown


def slide_params(params: dict, municipality: str | None, choices: dict | None = None) -> dict:
    """The URL's parameters as one slide sees them: its own municipality, when it has one, over `kommune`, and its
    own choices over the shared ones (an old link's shared `aar` still applies to a slide without its own)."""
    own = {key: [value] for key, value in (choices or {}).items()}
    return {**params, **own, **({"kommune": [municipality]} if municipality else {})}


def deck_pdf(params: dict, deck: list[tuple[str, str | None, dict]]):
    """The «Last ned» entry's maker for the whole presentation as a PDF, each slide with its own selection.
    Selections are read now (cheap, in the script run); the figures are built only when the PDF is not cached."""
    chosen = []
    for figure_id, municipality, choices in deck:
        door.require_figure(figure_id)
        chosen.append((figure_id, selection_for(figures.FIGURES[figure_id],
                                                slide_params(params, municipality, choices))))
    key = tuple(publish_ui.selection_key(fid, sel) for fid, sel in chosen)
    return publish_ui.deck_pdf_maker(key, lambda: [prepared(fid, sel, height=SLIDE_HEIGHT, font_size=SLIDE_FONT)
                                                   for fid, sel in chosen])


def slide_number(params: dict, count: int) -> tuple[int, str | None]:
    raw = _first(params, "side")
    if raw is None or raw == "":
        return 1, None
    if not raw.isdigit():
        return 1, f"«{escape_id(raw)}» er ikke et sidetall; viser side 1."
    n = int(raw)
    if not 1 <= n <= count:
        clamped = min(max(n, 1), count)
        return clamped, f"Presentasjonen har {count} sider; viser side {clamped}."
    return n, None


def _go(n: int) -> None:
    st.query_params["side"] = str(n)


def presentation() -> None:
    """/presentasjon?figurer=a,b,c&…&side=2: one figure per screen, previous/next, the slide number in the URL."""
    st.html(BARE_CSS)

    def render() -> None:
        params = _params()
        deck, unknown = slides(params)
        notices = [f"Ukjent figur: «{escape_id(u)}»; den er hoppet over." for u in unknown]
        # the door, per figure id before any slide is read: a slide this visitor may not see is left out
        refused = [fid for fid, *_ in deck if not door.may_see_figure(fid)]
        deck = [slide for slide in deck if slide[0] not in refused]
        if refused and not deck:
            door.refuse("Denne presentasjonen", figure=True)
            return
        notices += [f"«{escape_id(fid)}» er ikke offentlig; den er hoppet over." for fid in dict.fromkeys(refused)]
        if not deck:
            message("Presentasjonen har ingen figurer. Bruk «Del / bygg inn» → «Legg til i presentasjon» under "
                    "figurene på sidene, eller lag lenken selv: /presentasjon?figurer=kostnad-hjemme,andel-f254.")
            return
        n, notice = slide_number(params, len(deck))
        if notice:
            notices.append(notice)
        if _first(params, "side") != str(n):
            st.query_params["side"] = str(n)
        figure_id, municipality, choices = deck[n - 1]
        spec = figures.FIGURES[figure_id]
        sel = selection_for(spec, slide_params(params, municipality, choices))
        ready = draw(figure_id, sel, level="slide", height=SLIDE_HEIGHT, key=f"slide-{n}",
                     notices=[*notices, *sel.notices], font_size=SLIDE_FONT)
        with st.container(key="slide-nav"):  # fixed to the bottom of the screen (BARE_CSS)
            left, middle, right = st.columns([1, 2, 1], vertical_alignment="center")
            left.button("← Forrige", key="prev", disabled=n == 1, on_click=_go, args=(n - 1,), width="stretch")
            middle.html(f"<p style='text-align:center;margin:0;font-size:1.1rem' data-testid='slide-number'>"
                        f"Side {n} av {len(deck)}</p>")
            right.button("Neste →", key="next", disabled=n == len(deck), on_click=_go, args=(n + 1,),
                         width="stretch")
            st.html(ARROW_KEYS_JS, unsafe_allow_javascript=True)
        publish_ui.download_menu(publish_ui.on_demand(ready), key=f"slide-{n}", selection=sel,
                                 deck_pdf=deck_pdf(params, deck))
    _guarded(render)
