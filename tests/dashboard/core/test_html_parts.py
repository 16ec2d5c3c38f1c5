"""HTML around a figure: escaped texts, a legend that wraps, the data table as text alternative."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.core import charts, html_parts
from dashboard.figures import FigureBundle


def bundle(**kw) -> FigureBundle:
    args = dict(figure_id="kostnad-hjemme", title="Kostnad <b>– Larvik</b>", subtitle="kroner, 2017–2024",
                fig=go.Figure(), takeaway="Larvik brukte 1 kr.", source="Kilde: SSB, tabell 12209", is_demo=True,
                table=pl.DataFrame({"Serie": ["Larvik", "Gruppe"], "2024": ["261 816", None]}),
                download=pl.DataFrame({"Serie": ["Larvik"]}))
    return FigureBundle(**{**args, **kw})


def test_head_escapes_and_names_its_parts():
    head = html_parts.figure_head_html(bundle(), level="embed")
    assert "Kostnad &lt;b&gt;– Larvik&lt;/b&gt;" in head and "<b>" not in head
    assert "data-testid='chart-takeaway'>Larvik brukte 1 kr.</p>" in head and "fig-embed" in head
    assert "chart-takeaway" not in html_parts.figure_head_html(bundle(takeaway=None))


def test_foot_has_legend_source_and_demo_badge_only_for_demo():
    items = [charts.LegendItem("Lardal (0728, før sammenslåing)", "line", "#0072B2", "dot", 2),
             charts.LegendItem("Gruppe", "box", "#4D4D4D")]
    foot = html_parts.figure_foot_html(bundle(), items)
    assert "Lardal (0728, før sammenslåing)" in foot
    assert "#0072B2 0px 2px, transparent 2px 5px" in foot  # plotly's «dot»: 2 px on, 3 px off
    assert "border-radius: 0; background: #4D4D4D" in foot
    assert "chart-demo" in foot and "Kilde: SSB, tabell 12209" in foot
    assert "chart-demo" not in html_parts.figure_foot_html(bundle(is_demo=False))
    assert "chart-legend" not in html_parts.figure_foot_html(bundle(), [])


def test_table_is_the_text_alternative_with_empty_cells_not_none():
    table = html_parts.table_html(bundle().table, "Tall bak figuren")
    assert "<caption>Tall bak figuren</caption>" in table and "<th scope='col'>2024</th>" in table
    assert "<td>261 816</td>" in table and "None" not in table
    assert "Tallene står i tabellen" in html_parts.alt_text(bundle(), "i tabellen")


def test_alt_text_keeps_ssbs_symbols():
    """The screen-reader text used to turn «..» (tallgrunnlag mangler) into «.»."""
    from dataclasses import replace
    b = replace(bundle(), title="Kostnad per plass", takeaway="Larvik har «..» for 2024..")
    assert "«..»" in html_parts.alt_text(b) and html_parts.alt_text(b).startswith("Kostnad per plass. Larvik")


def test_legend_swatches_are_styled_spans_not_svg():
    """Streamlit's st.html removes <svg>: the app's legend was bare names, no way to tell the lines apart."""
    items = [charts.LegendItem("Larvik", "line", "#D55E00", "solid", 4),
             charts.LegendItem("Gruppe", "line", "#4D4D4D", "dashdot", 2),
             charts.LegendItem("Punkt", "marker", "#0072B2")]
    legend = html_parts.legend_html(items)
    assert "<svg" not in legend and legend.count("class='fig-swatch'") == 3
    assert "height: 4px; background: #D55E00;" in legend
    assert ("#4D4D4D 0px 7px, transparent 7px 10px, #4D4D4D 10px 12px, transparent 12px 15px" in legend)
    assert "border-radius: 50%; background: #0072B2" in legend
