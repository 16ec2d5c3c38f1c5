"""Published files without a browser: the offline HTML's content and escaping, the image layout for a fixed width,
the XLSX's data and source sheets, the presentation's slides, and the download list for the views."""
from __future__ import annotations

import io
import re

import plotly.graph_objects as go
import polars as pl
from openpyxl import load_workbook

from dashboard.core import charts
from dashboard.figures import FigureBundle
from dashboard.publish import files as publish

TITLE = "Kostnad per mottaker av hjemmetjenester – Larvik"
TAKEAWAY = "Larvik brukte 240 000 kr per mottaker av hjemmetjenester i 2023, 7 % over KOSTRA-gruppe 14 (225 000 kr)."
SOURCE = "Kilde: SSB, tabell 12209 (oppdatert 15.06.2025). Tall for 2023 er reviderte"


def known_bundle(*, is_demo: bool = True, title: str = TITLE, figure_id: str = "kostnad-hjemme") -> FigureBundle:
    rows = []
    for series, role, values, statuses in [
        ("Larvik", "selected", [200_000.0, None, 240_000.0], [None, ":", None]),
        ("KOSTRA-gruppe 14", "group", [205_000.0, 215_000.0, 225_000.0], [None, None, None]),
        ("Lardal (0728, før sammenslåing)", "predecessor", [190_000.0, None, None], [None, ".", "."]),
    ]:
        for year, value, status in zip([2021, 2022, 2023], values, statuses):
            rows.append({"series": series, "role": role, "year": year, "value": value, "status": status})
    frame = pl.DataFrame(rows)
    fig = go.Figure(charts.line_chart(frame, charts.ChartText(title=title, subtitle="kroner, 2021–2023", source=SOURCE,
                                                    is_demo=is_demo), unit="kr", decimals=0))
    table = pl.DataFrame({"Serie": ["Larvik", "KOSTRA-gruppe 14"], "2021": ["200 000", "205 000"],
                          "2022": [":", "215 000"], "2023": ["240 000", "225 000"]})
    download = frame.select(pl.col("series").alias("Serie"), pl.col("year").alias("År"),
                            pl.col("value").alias("Verdi (kr)"), pl.col("status").alias("Symbol"))
    return FigureBundle(figure_id=figure_id, title=title, subtitle="Korrigerte brutto driftsutgifter per mottaker "
                        "(kroner), 2021–2023", fig=fig, takeaway=TAKEAWAY, source=SOURCE, is_demo=is_demo,
                        table=table, download=download)


def test_figure_html_holds_title_chart_takeaway_source_demo_label_and_table():
    page = publish.figure_html(known_bundle())
    assert page.startswith("<!doctype html>") and '<html lang="nb">' in page
    assert f"<h1 class='kp-title'>{TITLE}</h1>" in page
    assert TAKEAWAY in page and SOURCE in page
    assert "DEMODATA" in page
    assert "<caption>Tallene i figuren</caption>" in page
    assert "<th scope='col'>2022</th>" in page and "<td>240 000</td>" in page
    assert "<td>:</td>" in page  # SSB's symbol as SSB shows it, never 0
    assert "Symboler:" in page  # the chart's explanation of the symbols moved into the source line


def test_figure_html_inlines_plotly_and_links_nothing():
    page = publish.figure_html(known_bundle())
    assert "Plotly.react" in page and len(page) > 1_000_000  # plotly.js inside the file itself
    assert not re.search(r"<(script|img|iframe)[^>]+src=", page, re.I)
    assert not re.search(r"<link\b", page, re.I) and "@import" not in page and "fonts.googleapis" not in page


def test_figure_html_leaves_title_and_source_to_the_page_not_the_chart():
    bundle = known_bundle()
    bare = publish.bare_figure(bundle.fig)
    texts = [a.text for a in bare.layout.annotations]
    assert bare.layout.title.text is None
    assert not any("Kilde:" in t or "DEMODATA" in t for t in texts)
    assert any(t == "<b>:</b>" for t in texts)  # the symbol at the foot of the chart stays
    assert len(go.Figure(bundle.fig).layout.annotations) > len(texts)  # the bundle's own figure is untouched


def test_real_data_has_no_demo_label():
    page = publish.figure_html(known_bundle(is_demo=False))
    assert "DEMODATA" not in page.split("<script>", 1)[0] + page.rsplit("</script>", 2)[-1]
    assert "data-demo" not in page


def test_text_is_escaped():
    page = publish.figure_html(known_bundle(title="<script>alert(1)</script> & co"))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page


def test_image_layout_wraps_the_title_for_the_export_width_and_keeps_source_and_demo_inside():
    long_title = "Kostnad per mottaker av hjemmetjenester sammenlignet med KOSTRA-gruppen og landet uten Oslo – Larvik"
    fig = publish.image_figure(known_bundle(title=long_title), width=800)
    assert fig.layout.width == 800
    by_name = {a.name: a.text for a in fig.layout.annotations if a.name}
    title_lines = [re.sub(r"<[^>]+>", "", line) for line in by_name["title"].split("<br>")]
    assert " ".join(title_lines[:2]).startswith("Kostnad per mottaker av hjemmetjenester")
    assert all(len(line) <= (800 - 100) / 8.6 for line in title_lines)  # wrapped for 800 px
    assert "Kilde: SSB, tabell 12209" in by_name["source"] and "240 000 kr" in by_name["source"]
    assert "DEMODATA" in by_name["demodata"]
    margin = fig.layout.margin
    assert fig.layout.height >= margin.t + margin.b + publish.EXPORT_PLOT_HEIGHT
    assert publish.image_size(known_bundle(), 1200)[0] == 1200


def test_image_layout_without_demo_has_no_demo_badge():
    fig = publish.image_figure(known_bundle(is_demo=False))
    assert not [a for a in fig.layout.annotations if "DEMODATA" in (a.text or "")]


def test_unknown_image_format_is_a_norwegian_error():
    try:
        publish.figure_images([known_bundle()], ("gif",))
    except publish.PublishError as exc:
        assert "Ukjent bildeformat" in str(exc)
    else:
        raise AssertionError("gif accepted")


def test_xlsx_has_data_and_source_sheets():
    wb = load_workbook(io.BytesIO(publish.figure_xlsx(known_bundle())))
    assert wb.sheetnames == ["Data", "Kilde"]
    data = [tuple(row) for row in wb["Data"].iter_rows(values_only=True)]
    assert data[0][0] == TITLE and "DEMODATA" in data[1][0]
    header = next(i for i, row in enumerate(data) if row[:2] == ("Serie", "År"))
    rows = data[header + 1:]
    assert ("Larvik", 2023, 240000.0, None) in [tuple(r[:4]) for r in rows]
    assert ("Larvik", 2022, None, ":") in [tuple(r[:4]) for r in rows]
    source = {row[0]: row[1] for row in wb["Kilde"].iter_rows(values_only=True) if row[0] and row[1]}
    assert source["Kilde"].startswith(SOURCE) and source["Figur"] == "kostnad-hjemme"
    assert source["Hovedpoeng"] == TAKEAWAY


def test_presentation_has_one_slide_per_figure_and_navigation():
    bundles = [known_bundle(figure_id=f) for f in ("kostnad-hjemme", "kostnad-institusjon", "andel-f254")]
    deck = publish.presentation_html(bundles)
    assert deck.count("class='kp-slide'") == 3
    assert [m for m in re.findall(r"data-figure-id='([^']+)'", deck)] == ["kostnad-hjemme", "kostnad-institusjon",
                                                                          "andel-f254"]
    assert 'id="kp-prev"' in deck and 'id="kp-next"' in deck and "ArrowRight" in deck and "side=" in deck
    assert deck.count("Plotly.react") == 1 and not re.search(r"<script[^>]+src=", deck)


def test_download_files_offer_html_images_xlsx_and_csv():
    files = publish.download_files(known_bundle())
    assert [f[1] for f in files] == ["kostnad-hjemme.html", "kostnad-hjemme.png", "kostnad-hjemme.svg",
                                     "kostnad-hjemme.xlsx", "kostnad-hjemme.csv"]
    html = dict((f[1], f[3]) for f in files)["kostnad-hjemme.html"]()
    assert html.startswith(b"<!doctype html>") and TAKEAWAY.encode() in html
    csv = dict((f[1], f[3]) for f in files)["kostnad-hjemme.csv"]()
    assert csv.startswith("\ufeff".encode()) and b"Serie;" in csv


def test_figure_html_with_the_shared_plotly_loads_it_from_beside_itself():
    page = publish.figure_html(known_bundle(), plotly_src=publish.PLOTLY_FILE)
    assert '<script src="plotly.min.js"></script>' in page and len(page) < 100_000
    assert re.findall(r"<script[^>]+src=\"([^\"]+)\"", page) == ["plotly.min.js"]  # relative: works from disk
    deck = publish.presentation_html([known_bundle(), known_bundle(figure_id="andel-f254")],
                                     plotly_src=publish.PLOTLY_FILE)
    assert '<script src="plotly.min.js"></script>' in deck and len(deck) < 200_000


def test_shared_plotly_is_the_finance_bundle_of_the_installed_plotly_version():
    path = publish.shared_plotly_path()
    assert path == publish.FINANCE_BUNDLE and path.stat().st_size < 1_500_000
    assert publish._js_version(path) == publish._js_version(publish._plotly_js_path())


def test_a_vendored_bundle_of_another_version_falls_back_to_the_full_plotly(tmp_path, monkeypatch):
    other = tmp_path / "plotly-finance.min.js"
    other.write_text("/**\n* plotly.js (finance - minified) v1.0.0\n*/\nvar Plotly={};", encoding="utf-8")
    monkeypatch.setattr(publish, "FINANCE_BUNDLE", other)
    publish.shared_plotly_path.cache_clear()
    try:
        assert publish.shared_plotly_path() == publish._plotly_js_path()
    finally:
        publish.shared_plotly_path.cache_clear()


def test_every_registered_figure_draws_only_trace_types_the_shared_bundle_has(db_env):
    from dashboard.figures import FIGURES
    from dashboard.publish.run import build_bundles
    bundles, _ = build_bundles(list(FIGURES), kommune="3909")
    assert len(bundles) == len(FIGURES)
    used = {trace.type for bundle in bundles for trace in go.Figure(bundle.fig).data}
    assert used and used <= publish.FINANCE_TRACES, used - publish.FINANCE_TRACES


def test_print_page_has_one_a4_page_per_figure_with_text_and_demo_label():
    bundles = [known_bundle(), known_bundle(figure_id="andel-f254", is_demo=False, title="Andel <f254>")]
    doc = publish.print_html(bundles, plotly_src=publish.PLOTLY_FILE)
    assert "@page{size:A4 landscape" in doc
    assert re.findall(r"<section class='kp-print-page' data-figure-id='([^']+)'", doc) == ["kostnad-hjemme",
                                                                                           "andel-f254"]
    first, second = doc.split("<section")[1:3]
    assert TITLE in first and TAKEAWAY in first and SOURCE in first and "DEMODATA" in first
    assert "Andel &lt;f254&gt;" in second and "DEMODATA" not in second and "2 / 2" in second


def test_a_hung_renderer_thread_never_keeps_the_process_from_exiting():
    """A renderer call stuck for good (a hung Chromium) must not keep a server or a test run alive at exit: the
    renderer's thread is a daemon, not a ThreadPoolExecutor worker that the interpreter joins when it exits."""
    import subprocess
    import sys
    code = ("import threading\n"
            "from dashboard.publish.files import _RendererThread\n"
            "worker = _RendererThread('kostra-bilder')\n"
            "worker.submit(threading.Event().wait)\n"
            "worker.shutdown(wait=False, cancel_futures=True)\n"
            "print('ute')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ute", done.stderr
