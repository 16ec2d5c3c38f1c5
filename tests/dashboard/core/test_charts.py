"""Chart builders: title, source line, demo label, gaps for SSB symbols, fixed colours, Norwegian separators."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboard.core import charts

NB = "\u00a0"


def series_frame() -> pl.DataFrame:
    rows = []
    for series, role, values, statuses in [
        ("Larvik", "selected", [200_000.0, None, 240_000.0], [None, ":", None]),
        ("Sandefjord", "comparison", [210_000.0, 220_000.0, None], [None, None, ".."]),
        ("KOSTRA-gruppen", "group", [205_000.0, 215_000.0, 225_000.0], [None, None, None]),
        ("Landet uten Oslo", "country", [230_000.0, 235_000.0, 238_000.0], [None, None, None]),
    ]:
        for year, value, status in zip([2021, 2022, 2023], values, statuses):
            rows.append({"series": series, "role": role, "year": year, "value": value, "status": status})
    return pl.DataFrame(rows)


def text(is_demo: bool = True) -> charts.ChartText:
    return charts.ChartText(title="Kostnad per mottaker – Larvik", subtitle="kroner",
                            source="Kilde: SSB, tabell 12209 (oppdatert 15.06.2025)", is_demo=is_demo)


def annotation_texts(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def test_line_chart_has_title_source_and_demo_label():
    fig = go.Figure(charts.line_chart(series_frame(), text(), unit="kr", decimals=0))
    assert "Kostnad per mottaker – Larvik" in fig.layout.title.text
    # the source line, followed by what the symbols drawn in this chart mean
    assert any(t.startswith("Kilde: SSB, tabell 12209 (oppdatert 15.06.2025). Symboler: ") for t in annotation_texts(fig))
    assert any("DEMODATA" in t for t in annotation_texts(fig))


def test_real_data_carries_no_demo_label():
    fig = go.Figure(charts.line_chart(series_frame(), text(is_demo=False), unit="kr", decimals=0))
    assert not any("DEMODATA" in (t or "") for t in annotation_texts(fig))


def test_status_cells_are_gaps_with_symbol_in_hover_never_zero():
    fig = go.Figure(charts.line_chart(series_frame(), text(), unit="kr", decimals=0))
    larvik = trace(fig, "Larvik")
    assert list(larvik.y) == [200_000.0, None, 240_000.0]
    assert larvik.connectgaps is False
    assert larvik.customdata[1] == ": – Vises ikke av personvernhensyn"
    sandefjord = trace(fig, "Sandefjord")
    assert sandefjord.y[2] is None
    assert sandefjord.customdata[2].startswith("..")
    # the symbol is written on the chart itself at the foot of the gap
    assert "<b>:</b>" in annotation_texts(fig)
    assert "<b>..</b>" in annotation_texts(fig)


def test_selected_municipality_uses_the_strong_colour_and_group_country_the_neutrals():
    fig = go.Figure(charts.line_chart(series_frame(), text(), unit="kr", decimals=0))
    assert trace(fig, "Larvik").line.color == charts.SELECTED
    assert trace(fig, "KOSTRA-gruppen").line.color == charts.GROUP
    assert trace(fig, "Landet uten Oslo").line.color == charts.COUNTRY
    assert trace(fig, "Sandefjord").line.color == charts.COMPARISON[0]
    assert fig.data[0].name == "Larvik", "the selected municipality is drawn first, so it leads the legend"


def test_hover_and_axes_use_norwegian_formats():
    fig = go.Figure(charts.line_chart(series_frame(), text(), unit="kr", decimals=0))
    assert fig.layout.separators == "," + NB
    assert trace(fig, "Larvik").customdata[0] == f"200{NB}000{NB}kr"
    assert fig.layout.yaxis.ticksuffix == f"{NB}kr"


def test_break_line_is_marked_inside_the_year_range():
    fig = go.Figure(charts.line_chart(series_frame(), text(), unit="kr", decimals=0, break_year=2021,
                            break_label="Ny KOSTRA-gruppering fra 2020"))
    assert "Ny KOSTRA-gruppering fra 2020" in annotation_texts(fig)
    assert any(s.type == "line" and s.x0 == 2021.5 for s in fig.layout.shapes)


def test_empty_frame_says_so_in_norwegian():
    empty = series_frame().clear()
    fig = go.Figure(charts.line_chart(empty, text(), unit="kr", decimals=0))
    assert "Ingen tall for dette utvalget" in annotation_texts(fig)
    assert fig.layout.title.text


def ranking_frame() -> pl.DataFrame:
    return pl.DataFrame({
        "region_name": ["Larvik", "Sandefjord", "Tønsberg", "Holmestrand"],
        "current_code": ["3909", "3907", "3905", "3903"],
        "value": [250_000.0, 230_000.0, None, 210_000.0],
        "status": [None, None, ":", None],
    })


def test_ranking_bar_highlights_the_selected_municipality_and_shows_symbols():
    fig = go.Figure(charts.ranking_bar(ranking_frame(), text(), unit="kr", decimals=0, highlight={"3909"},
                             comparisons={"3907"}, reference=("KOSTRA-gruppe 14", 225_000.0)))
    bar = fig.data[0]
    colours = dict(zip(bar.y, bar.marker.color))
    assert colours["Larvik"] == charts.SELECTED
    assert colours["Sandefjord"] == charts.COMPARISON[0]
    assert colours["Holmestrand"] == charts.OTHER
    labels = dict(zip(bar.y, bar.text))
    assert labels["Tønsberg"].startswith(":")
    assert any(f"KOSTRA-gruppe 14: 225{NB}000{NB}kr" == t for t in annotation_texts(fig))
    assert fig.layout.title.text and "DEMODATA" in " ".join(annotation_texts(fig))


def test_scatter_puts_selection_on_top_in_the_strong_colour():
    frame = pl.DataFrame({
        "region_name": ["Larvik", "Sandefjord", "Bergen", "Oslo"],
        "current_code": ["3909", "3907", "4601", "0301"],
        "region_code": ["3909", "3907", "4601", "0301"],
        "x_value": [44.7, 40.0, 38.0, None],
        "y_value": [250_000.0, 230_000.0, 300_000.0, 310_000.0],
    })
    fig = go.Figure(charts.scatter(frame, text(), x_label="Andel", y_label="Kostnad", x_unit="%", y_unit="kr",
                         highlight={"3909"}, comparisons={"3907"}, group_members={"3909", "3907", "4601"}))
    assert fig.data[-1].name == "Valgt kommune"
    assert fig.data[-1].marker.color == charts.SELECTED
    assert list(fig.data[-1].x) == [44.7]
    assert f"44,7{NB}%" in fig.data[-1].customdata[0]
    all_points = sum(len(t.x) for t in fig.data)
    assert all_points == 3, "a municipality without both figures is not plotted at 0"


def test_grouped_bar_keeps_gaps_for_symbols():
    frame = pl.DataFrame({"series": ["Larvik", "Larvik", "Gruppen", "Gruppen"],
                          "function": ["Hjemme", "Institusjon", "Hjemme", "Institusjon"],
                          "value": [44.7, None, 40.0, 50.0], "status": [None, "..", None, None]})
    fig = go.Figure(charts.grouped_bar(frame, text(), unit="%", decimals=1, x="series", colour_by="function"))
    inst = trace(fig, "Institusjon")
    assert inst.y[0] is None
    assert inst.text[0].startswith("..")
    assert trace(fig, "Hjemme").customdata[0] == f"44,7{NB}%"


@pytest.mark.parametrize("role, colour", [("selected", charts.SELECTED), ("group", charts.GROUP),
                                          ("country", charts.COUNTRY)])
def test_role_colours_are_fixed(role, colour):
    assert charts.style_for(role, 3)["color"] == colour


def test_merger_marked_where_the_predecessors_end():
    import polars as pl

    from dashboard.core import charts
    from dashboard.kostra import queries
    frame = pl.DataFrame({
        "series": ["Larvik"] * 3 + ["Larvik (0709, før sammenslåing)", "Lardal (0728, før sammenslåing)"],
        "role": ["selected"] * 3 + ["predecessor", "predecessor"],
        "region_code": ["3909"] * 3 + ["0709", "0728"],
        "year": [2018, 2019, 2020, 2017, 2017], "value": [1.0, 2.0, 2.5, 1.5, 0.5], "status": [None] * 5})
    assert queries.merger_years(frame) == ((2018, "Sammenslåing"),)
    fig = go.Figure(charts.line_chart(frame, charts.ChartText("t", "Kilde: SSB", False), unit="kr", decimals=0,
                            break_year=2019, break_label="Ny KOSTRA-gruppering fra 2020", merger_years=((2018, "Sammenslåing"),)))
    labels = [a.text for a in fig.layout.annotations]
    assert "Sammenslåing 2018" in labels and "Ny KOSTRA-gruppering fra 2020" in labels
    assert sorted(s.x0 for s in fig.layout.shapes) == [2017.5, 2019.5]


def test_predecessor_that_gave_the_name_is_drawn_in_its_successors_colour():
    import polars as pl

    from dashboard.core import charts
    frame = pl.DataFrame({
        "series": ["Larvik", "Tønsberg", "Tønsberg (0704, før sammenslåing)", "Re (0716, før sammenslåing)"],
        "role": ["selected", "comparison", "predecessor", "predecessor"],
        "region_code": ["3909", "3905", "0704", "0716"], "year": [2020, 2020, 2019, 2019],
        "value": [1.0, 2.0, 1.5, 0.5], "status": [None] * 4,
        "successor_code": [None, None, "3905", "3905"], "main_line": [False, False, True, False]})
    fig = go.Figure(charts.line_chart(frame, charts.ChartText("t", "Kilde: SSB", False), unit="kr", decimals=0))
    lines = {t.name: t.line for t in fig.data}
    assert lines["Tønsberg (0704, før sammenslåing)"].color == lines["Tønsberg"].color
    assert lines["Tønsberg (0704, før sammenslåing)"].dash == "dot"
    assert lines["Re (0716, før sammenslåing)"].color == charts.OTHER


def test_status_marks_are_explained_on_the_chart():
    import polars as pl

    from dashboard.core import charts
    frame = pl.DataFrame({"series": ["Røst"] * 3, "role": ["selected"] * 3, "region_code": ["1856"] * 3,
                          "year": [2022, 2023, 2024], "value": [3.0, None, None], "status": [None, ":", ".."]})
    fig = go.Figure(charts.line_chart(frame, charts.ChartText("t", "Kilde: SSB", False), unit="personer", decimals=0))
    source = next(a.text for a in fig.layout.annotations if a.text.startswith("Kilde"))
    assert "«:» vises ikke av personvernhensyn" in source
    assert "«..» tallgrunnlag mangler" in source
    assert [t.y for t in fig.data][0] == (3.0, None, None)  # gaps, never 0


def test_break_labels_read_away_from_the_right_edge():
    frame = pl.concat([series_frame(), series_frame().with_columns(pl.col("year") + 3)])
    fig = go.Figure(charts.line_chart(frame, text(), unit="kr", decimals=0, break_year=2021, break_label="Venstre",
                            merger_years=((2025, "Sammenslåing"),)))
    anchors = {a.text: a.xanchor for a in fig.layout.annotations}
    assert anchors["Venstre"] == "left" and anchors["Sammenslåing 2025"] == "right"
    assert len(fig.layout.shapes) == 2 and {s.x0 for s in fig.layout.shapes} == {2021.5, 2024.5}


def test_screen_figure_wraps_axis_titles_and_long_category_labels():
    frame = pl.DataFrame({"region_name": ["Hjemmetjenesten sone Nord og Vest (samlet)", "B"],
                          "current_code": ["1", "2"], "value": [1.0, 2.0], "status": [None, None]})
    fig = go.Figure(charts.for_screen(charts.ranking_bar(frame, text(), unit="kr", decimals=0, highlight={"1"})))
    assert any("<br>" in str(y) for y in fig.data[0].y)
    assert fig.layout.yaxis.automargin is True and not fig.layout.title.text
    scatter = go.Figure(charts.scatter(pl.DataFrame({"region_name": ["A"], "current_code": ["1"], "region_code": ["1"],
                                           "x_value": [1.0], "y_value": [2.0]}), text(),
                             x_label="Andel hjemmetjenester av netto driftsutgifter", y_label="Kostnad",
                             x_unit="%", y_unit="kr", highlight={"1"}))
    assert "<br>" in go.Figure(charts.for_screen(scatter)).layout.xaxis.title.text


def test_screen_figure_wraps_every_trace_on_the_axis_alike():
    """sykefravaer-enheter: the bars' «Hjemmetjenesten sone<br>Nord» and the goal marks' unwrapped name were two
    categories, seven rows for six units."""
    names = ["Hjemmetjenesten sone Nord", "Dagsenteret"]
    fig = go.Figure(charts.figure([{"type": "bar", "orientation": "h", "y": names, "x": [1, 2]},
                         {"type": "scatter", "mode": "markers", "y": names, "x": [1.5, 2.5]}], {}))
    screen = go.Figure(charts.for_screen(fig))
    assert list(screen.data[0].y) == list(screen.data[1].y) == ["Hjemmetjenesten sone<br>Nord", "Dagsenteret"]


def test_legend_items_follow_the_traces_styles():
    fig = go.Figure(charts.line_chart(series_frame(), text(), unit="kr", decimals=0))
    items = {i.name: i for i in charts.legend_items(fig)}
    assert items["Larvik"].colour == charts.SELECTED and items["Larvik"].kind == "line"
    assert items["KOSTRA-gruppen"].dash == "dash" and items["Landet uten Oslo"].dash == "dot"


def test_fitting_wraps_long_category_labels_level_and_leaves_short_ones_as_they_are():
    """At 800×450 a slanted axis is levelled with its labels wrapped (an ellipsis stays with the word before it);
    an axis whose labels fit their share is left exactly as it was."""
    long = {"data": [{"type": "waterfall", "x": ["Opprinnelig vedtatt … budsjettramme 2016", "B", "C"]}],
            "layout": {"height": 600, "margin": {"l": 90, "r": 16, "t": 36, "b": 230}, "xaxis": {"tickangle": -35}}}
    fitted = charts.fit_height_spec(long, 450)
    axis = fitted["layout"]["xaxis"]
    assert axis["tickangle"] == 0 and axis["tickvals"][0] == "Opprinnelig vedtatt … budsjettramme 2016"
    assert axis["ticktext"][0] == "Opprinnelig vedtatt …<br>budsjettramme 2016"
    assert fitted["layout"]["margin"]["b"] < 230 and fitted["layout"]["height"] == 450
    short = {"data": [{"type": "bar", "x": ["Larvik", "Asker"]}],
             "layout": {"height": 600, "margin": {"l": 90, "r": 16, "t": 36, "b": 52}, "xaxis": {"showgrid": False}}}
    assert charts.fit_height_spec(short, 450)["layout"]["xaxis"] == {"showgrid": False}


def test_a_dense_ranking_keeps_the_highlighted_names_that_do_not_collide():
    """49 bars in a 236 px chart: no room for every name, but the chosen municipality's (and the comparisons' where
    they don't run into it or each other) are kept, so the embedded ranking still says which bar is whose."""
    names = [f"Kommune {i}" for i in range(49)]
    colours = [charts.OTHER] * 49
    colours[40] = charts.SELECTED
    colours[41] = colours[10] = colours[25] = charts.COMPARISON[0]
    spec = {"data": [{"type": "bar", "orientation": "h", "y": names, "x": list(range(49)),
                      "marker": {"color": colours}}],
            "layout": {"height": 1238, "margin": {"l": 120, "r": 16, "t": 36, "b": 60}, "yaxis": {}}}
    axis = charts.fit_height_spec(spec, 236)["layout"]["yaxis"]
    # plot 140 px / 49 rows ≈ 2.9 px a row: Kommune 41 is one row from the chosen one and is left out
    assert axis["tickmode"] == "array" and axis["tickvals"] == ["Kommune 10", "Kommune 25", "Kommune 40"]
    assert axis["ticktext"] == axis["tickvals"]
    plain = {"data": [{"type": "bar", "orientation": "h", "y": names, "x": list(range(49)),
                       "marker": {"color": charts.COMPARISON[0]}}],
             "layout": {"height": 1238, "margin": {"l": 120, "r": 16, "t": 36, "b": 60}, "yaxis": {}}}
    assert charts.fit_height_spec(plain, 236)["layout"]["yaxis"] == {"showticklabels": False}


def test_fitting_a_dense_axis_keeps_every_label_line_within_its_share():
    """Twelve budget lines at 800 px: «Hjemmebaserte» is wider than its 58 px, so it ran into its neighbours. Now
    the font steps down (to 9 px at the least) and a word still too wide is broken with a hyphen, at most four
    lines a label."""
    names = ["Opprinnelig vedtatt … budsjettramme 2016", "129 … Hjemmebaserte tjenester", "PUH, 15 brukere"]
    names += [f"Tiltak {i}" for i in range(9)]
    spec = {"data": [{"type": "waterfall", "x": names}],
            "layout": {"height": 640, "margin": {"l": 90, "r": 16, "t": 36, "b": 250}, "xaxis": {"tickangle": -35}}}
    axis = charts.fit_height_spec(spec, 450)["layout"]["xaxis"]
    size = axis["tickfont"]["size"]
    share = (800 - 90 - 16) / len(names)
    assert charts.DENSE_FONT <= size < 13 and axis["tickangle"] == 0
    for tick in axis["ticktext"]:
        lines = tick.split("<br>")
        assert len(lines) <= charts.DENSE_LINES
        assert all(len(line) * 0.6 * size <= share for line in lines), tick
    assert axis["ticktext"][1].startswith("129 …<br>Hjemmebas-<br>erte")
    assert axis["ticktext"][0].endswith("…") and axis["tickvals"] == names
