"""The hostile-names corpus (tests/hostile_names.py) through every published format: HTML (one figure and the
presentation), SVG, XLSX and CSV hold the names as text, never as a link, an element, a formula or a plotly
template. Tested through the public functions of dashboard.publish.files and .run."""
from __future__ import annotations

import plotly.graph_objects as go

import io
import re
from html.parser import HTMLParser

import pytest

from hostile_names import EVIL, SHOWN, import_into

OWN_FIGURES = ["budsjettavvik-enheter", "budsjett-maaned", "budsjettramme", "sykefravaer-enheter",
               "sykefravaer-maaned", "sykefravaer-rullerende", "sykefravaer-egenmeldt-legemeldt",
               "sykefravaer-korttid-langtid"]


class Tags(HTMLParser):
    """Every element and attribute of a document, for asserting there is none we did not write."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def foreign(markup: str) -> list[str]:
    parser = Tags()
    parser.feed(markup)
    out = []
    for tag, attrs in parser.tags:
        href = attrs.get("href") or attrs.get("xlink:href") or ""
        if EVIL in href or href.strip().lower().startswith("javascript:"):
            out.append(f"{tag} {href}")
        if tag == "img" or "onerror" in attrs:
            out.append(tag)
    return out


@pytest.fixture(scope="module")
def bundles(built_db, tmp_path_factory):
    import shutil

    from dashboard.publish import run
    where = tmp_path_factory.mktemp("hostile-publish")
    db = where / "kostra.duckdb"
    shutil.copy(built_db, db)
    import_into(db, where / "files")
    mp = pytest.MonkeyPatch()
    mp.setenv("KOSTRA_DB", str(db))
    try:
        built, _ = run.build_bundles(OWN_FIGURES, enhet="alle", periode="2025-06")
        yield built
    finally:
        mp.undo()


def test_plotly_figures_hold_names_as_escaped_data_never_in_templates(bundles):
    for bundle in bundles:
        fig = bundle.fig
        for trace in fig["data"]:
            template = trace.get("hovertemplate") or ""
            assert EVIL not in template and "Sone" not in template, (bundle.figure_id, template)
            texts = [trace.get("name")] + list(trace.get("y") or []) + list(trace.get("x") or [])
            for text in (t for t in texts if isinstance(t, str)):
                assert "<a " not in text and "<img" not in text and "\n" not in text, (bundle.figure_id, text)
    names = {t.name for b in bundles if b.figure_id == "sykefravaer-maaned" for t in go.Figure(b.fig).data}
    assert '&lt;a href="https://evil.example/a"&gt;Sone Øst&lt;/a&gt;' in names  # plotly shows it as the text
    assert "Sone &#37;{customdata} &#37;{x} Vest" in names  # plotly fills %{…} in names from `meta`


def test_published_html_has_no_link_or_element_from_a_name(bundles):
    from dashboard.publish import files
    for bundle in bundles:
        page = files.figure_html(bundle)
        assert foreign(page) == [], bundle.figure_id
        assert '<a href="https://evil' not in page and "<img src=x" not in page
    deck = files.presentation_html(bundles)
    assert foreign(deck) == []
    table_page = files.figure_html(next(b for b in bundles if b.figure_id == "sykefravaer-enheter"))
    assert "&lt;a href=&quot;https://evil.example/a&quot;&gt;Sone Øst&lt;/a&gt;" in table_page  # the table cell


def test_published_xlsx_and_csv_hold_the_names_as_text_not_formulas(bundles):
    import openpyxl

    from dashboard.core import downloads
    from dashboard.publish import files
    units = next(b for b in bundles if b.figure_id == "sykefravaer-enheter")
    book = openpyxl.load_workbook(io.BytesIO(files.figure_xlsx(units)))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert SHOWN["9102"] in texts and SHOWN["9106"] in texts and SHOWN["9101"] in texts
    csv_text = downloads.csv_bytes(units.download).decode("utf-8-sig")
    assert SHOWN["9103"] in csv_text and "\n\n" not in csv_text


def test_published_svg_draws_names_as_text(bundles):
    from dashboard.publish import files
    chosen = [b for b in bundles if b.figure_id in ("sykefravaer-enheter", "sykefravaer-maaned")]
    images = files.figure_images(chosen, ("svg",))
    for (figure_id, _), svg in images.items():
        markup = svg.decode("utf-8")
        assert foreign(markup) == [], figure_id
        assert not re.search(r"<a[\s>]", markup), figure_id
    text = " ".join(re.sub(r"<[^>]+>", " ", svg.decode("utf-8")) for svg in images.values())
    assert "%{customdata}" in text  # the template in a name is drawn as written, not filled in
    assert "Sone %{customdata} %{x} Vest" in text  # in the legend too, where plotly fills %{…} from `meta`
    assert re.search(r"&(#60|lt);a href", text) and "Sone Øst" in text  # the tag of a name is drawn as its characters
