"""The aldersjustert- figures in the registry: built through figures.build_figure for the page's selection and for a
plain one, their links carrying `referanse` and `aar`, their downloads to the krone."""
from __future__ import annotations

import plotly.graph_objects as go

from urllib.parse import parse_qs, urlparse

import pytest

from dashboard import figures
from dashboard.age_adjusted import figures as aa_figures
from dashboard.age_adjusted import queries as aq
from dashboard.age_adjusted.selection import COUNTRY, GROUP, AgeAdjustedSelection
from dashboard.kostra import ui as kostra_ui
from dashboard.kostra.selection import Selection

IDS = ["aldersjustert-fossefall", "aldersjustert-fossefall-hjemme", "aldersjustert-fossefall-institusjon",
       "aldersjustert-dekning", "aldersjustert-over-tid"]
BASE = Selection("3909", (), 2017, 2024)


@pytest.fixture
def asel(db_env):
    return AgeAdjustedSelection(BASE, GROUP, 2022)


@pytest.mark.parametrize("figure_id", IDS)
def test_registered_and_built_for_the_selection(asel, figure_id):
    spec = figures.FIGURES[figure_id]
    assert spec.page == "aldersjustert" and spec.domain == "age_adjusted"
    bundle = figures.build_figure(figure_id, asel)
    assert bundle.figure_id == figure_id and bundle.is_demo
    assert bundle.source.startswith("Kilde: SSB, tabell 07459") and "tabell 11645" in bundle.source
    assert "Egen beregning" in bundle.source
    assert bundle.takeaway and bundle.table.height > 0 and bundle.download.height > 0
    assert "DEMODATA" in " ".join(a.text for a in go.Figure(bundle.fig).layout.annotations)
    if figure_id != "aldersjustert-over-tid":
        assert "2022" in bundle.title and "KOSTRA-gruppe 14" in bundle.title


def test_a_plain_selection_means_the_country_without_oslo_and_the_latest_year(db_env):
    bundle = figures.build_figure("aldersjustert-fossefall", BASE)
    assert bundle.title == "Hvorfor Larviks utgift avviker fra landet uten Oslo, 2024"
    assert bundle.takeaway.startswith("Larviks modellerte utgift i 2024 er ") and \
        "enn det landet uten Oslo ville brukt på Larviks innbyggere: " in bundle.takeaway


def test_the_waterfall_draws_the_split_the_sql_returned(asel):
    bundle = figures.build_figure("aldersjustert-fossefall-hjemme", asel)
    trace = go.Figure(bundle.fig).data[0]
    assert list(trace.measure) == ["absolute", "relative", "relative", "relative", "total"]
    row = aq.compare(asel).row("home_care")
    assert list(trace.y[1:4]) == pytest.approx([row[p] / 1e6 for p in aq.PARTS], abs=0.1)  # one step of 0,1 mill. kr
    download = bundle.download
    parts = dict(zip(download["Steg"], download["Beløp (kr)"]))
    assert parts["Demografi"] + parts["Dekningsgrad"] + parts["Enhetskostnad"] == parts["Avstand i alt"]
    assert parts["Avstand i alt"] == round(row["gap"])


def test_parts_over_time_stack_above_and_below_zero_with_the_gap_as_a_line(asel):
    bundle = figures.build_figure("aldersjustert-over-tid", asel)
    assert go.Figure(bundle.fig).layout.barmode == "relative"
    assert [t.name for t in go.Figure(bundle.fig).data] == ["Demografi", "Dekningsgrad", "Enhetskostnad", "Avstand i alt"]
    gap = go.Figure(bundle.fig).data[3]
    assert list(gap.x) == list(range(2016, 2025)) and gap.y[0] is None  # 2016: Larvik did not exist yet, not 0
    assert list(bundle.table.columns) == ["Serie", *[str(y) for y in range(2016, 2025)]]
    assert bundle.table.row(0)[1] == "."


def test_a_cached_figure_is_never_changed_by_the_screen_helpers(asel):
    from dashboard.core import charts
    first = figures.build_figure("aldersjustert-dekning", asel)
    charts.screen_spec(first.fig)  # changes the dict it is given
    again = figures.build_figure("aldersjustert-dekning", asel)
    assert again.fig is not first.fig and again.title in go.Figure(again.fig).layout.title.text


def test_links_carry_reference_and_year_and_read_back_the_same(asel):
    for url in (figures.embed_url("aldersjustert-fossefall", asel), figures.page_url("aldersjustert-fossefall", asel)):
        query = parse_qs(urlparse(url).query)
        assert query["kommune"] == ["3909"] and query["referanse"] == ["gruppe"] and query["aar"] == ["2022"]
    assert urlparse(figures.page_url("aldersjustert-dekning", asel)).path == "/aldersjustert"
    params = parse_qs(urlparse(figures.embed_url("aldersjustert-over-tid", asel)).query)
    again = aa_figures.selection_from_params(params, kostra_ui.kostra_selection)
    assert (again.municipality, again.reference, again.year) == ("3909", GROUP, 2022)
    municipality = AgeAdjustedSelection(BASE, "4003", 2024)
    params = parse_qs(urlparse(figures.embed_url("aldersjustert-dekning", municipality)).query)
    assert params["referanse"] == ["4003"]
    assert aa_figures.selection_from_params(params, kostra_ui.kostra_selection).reference == "4003"
    assert aa_figures.selection_from_params({"kommune": ["3909"]}, kostra_ui.kostra_selection).reference == COUNTRY


def test_member_sums_for_the_reference_are_named_as_our_calculation(db_env):
    group = figures.build_figure("aldersjustert-dekning", AgeAdjustedSelection(BASE, GROUP, 2022))
    assert "Langtidsbeboere etter alder for KOSTRA-gruppe 14 er summen av kommunene (egen beregning)" in group.subtitle
    municipality = figures.build_figure("aldersjustert-dekning", AgeAdjustedSelection(BASE, "4003", 2022))
    assert "summen av kommunene" not in municipality.subtitle  # Skien's own counts: nothing summed


def test_the_page_opens_on_the_latest_year_with_a_complete_split(db_env, monkeypatch, request):
    """When the newest year lacks SSB's users (11645, 12293 a year behind), no `aar` means the latest year that can
    be split, and the later year's missing inputs are named on the page; an asked-for year is kept."""
    full = aq.split("3909", COUNTRY)
    import polars as pl
    lagging = full.with_columns(pl.when(pl.col("year") == 2024).then(None).otherwise(pl.col(p)).alias(p)
                                for p in (*aq.PARTS, "gap"))
    monkeypatch.setattr(aq, "split", lambda municipality, reference: lagging)
    aq.latest_complete_year.cache_clear()  # cached per database file; the split is faked without a new file
    request.addfinalizer(aq.latest_complete_year.cache_clear)  # and the faked answer must not outlive the test
    params = {"kommune": ["3909"]}
    assert aa_figures.selection_from_params(params, kostra_ui.kostra_selection).year == 2023
    assert aa_figures.selection_from_params({**params, "aar": ["2024"]}, kostra_ui.kostra_selection).year == 2024
    assert aq.latest_complete_year("3909", COUNTRY) == 2023
    from dashboard.age_adjusted import ui as aa_ui
    later = aa_ui.later_missing(aq.comparison_of("3909", COUNTRY, 2023, lagging))
    assert later and all(text.startswith("2024: ") and "kan ikke beregnes for 2024" in text for text in later)


def test_a_group_over_time_names_each_years_group_and_marks_the_change(db_env):
    """Larvik was in KOSTRA-gruppe 13 until 2019 and 14 from 2020: the figure is the same for every chosen year, and
    never names one year's group for all years."""
    bundles = [figures.build_figure("aldersjustert-over-tid", AgeAdjustedSelection(BASE, GROUP, y))
               for y in (2019, 2024)]
    assert bundles[0].title == bundles[1].title and "KOSTRA-gruppe 1" not in bundles[0].title
    assert bundles[0].takeaway == bundles[1].takeaway
    assert "til KOSTRA-gruppe 13 " in bundles[0].takeaway and "til KOSTRA-gruppe 14 " in bundles[0].takeaway
    assert "Gruppen byttet i 2020 (KOSTRA-gruppe 13 → KOSTRA-gruppe 14)" in bundles[0].takeaway
    assert "fra 2020 KOSTRA-gruppe 14 (før KOSTRA-gruppe 13)" in bundles[0].subtitle
    shapes = bundles[0].fig["layout"]["shapes"]
    assert [s["x0"] for s in shapes] == [2019.5]


def test_the_coverage_sentence_subtracts_the_shown_percentages(db_env):
    import re
    for ref in (COUNTRY, GROUP, "3907", "3807"):
        for year in (2019, 2024):
            text = figures.build_figure("aldersjustert-dekning", AgeAdjustedSelection(BASE, ref, year)).takeaway
            m = re.search(r"har ([\d,]+) prosentpoeng (flere|færre) .*\(([\d,]+)\u00a0% mot ([\d,]+)\u00a0%\)", text)
            if m is None:
                continue
            diff, own, other = (float(g.replace(",", ".")) for g in (m[1], m[3], m[4]))
            assert round(abs(own - other), 1) == diff and (m[2] == "flere") == (own > other)


def test_the_waterfalls_step_names_wrap_level_instead_of_turning(asel):
    """At 800×450 (/vis) the long step names turned 30° and left the bars about 40 px: they wrap onto lines."""
    fig = go.Figure(figures.build_figure("aldersjustert-fossefall", asel).fig)
    xaxis = fig.layout.xaxis
    assert xaxis.tickangle == 0 and list(xaxis.tickvals) == list(fig.data[0].x)
    assert all(len(line) <= 16 for tick in xaxis.ticktext for line in tick.split("<br>"))
    assert xaxis.ticktext[0] == "KOSTRA-gruppe 14<br>med Larviks<br>innbyggere"
