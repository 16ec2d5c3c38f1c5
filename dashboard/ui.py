"""Streamlit building blocks shared by the pages: selection in the sidebar and URL, notices, chart + table
+ downloads, the demo label. Pages stay thin: selection -> query -> chart -> show.
"""
from __future__ import annotations

import re
import traceback
from contextlib import contextmanager

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import downloads, queries
from dashboard.db import DatabaseUnavailable
from dashboard.selection import Selection, parse

ANALYST_PAGES = [
    ("pages/oversikt.py", "Oversikt"),
    ("pages/kostnad-per-mottaker.py", "Kostnad per mottaker"),
    ("pages/institusjon-vs-hjemme.py", "Institusjon vs. hjemme"),
    ("pages/brukere.py", "Brukere (IPLOS)"),
    ("pages/kilder.py", "Kilder og definisjoner"),
]


@contextmanager
def friendly_errors():
    """No tracebacks for users: a short Norwegian message, details only in the server log."""
    try:
        yield
    except DatabaseUnavailable as exc:
        st.error(str(exc))
    except Exception as exc:  # noqa: BLE001 - last line of defence for the UI
        traceback.print_exc()
        st.error("Noe gikk galt under visningen av denne siden. Prøv et annet utvalg, eller meld fra om feilen. "
                 f"({type(exc).__name__})")


def demo_label() -> None:
    if queries.database_is_demo():
        st.markdown(
            "<div data-testid='demo-label' style='background:#FFE8D6;border:1px solid #D55E00;color:#8A1C00;"
            "padding:6px 10px;border-radius:4px;margin-bottom:8px'><b>Demodata</b> – tallene i dette dashbordet er "
            "syntetiske (laget for demonstrasjon), ikke SSBs publiserte tall. Se «Kilder og definisjoner».</div>",
            unsafe_allow_html=True)


SELECTION_KEYS = ("kommune", "sammenlign", "fra", "til")


def _label(code: str, names: dict[str, str]) -> str:
    return f"{names.get(code, code)} ({code})"


def selection_sidebar() -> Selection:
    """Read the selection from the URL, show it in the sidebar, and write every change back to the URL."""
    names = queries.municipality_names()
    first, last = queries.year_range()
    default = next((c for c, n in names.items() if n == "Larvik"), next(iter(names)))
    params = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    if not any(k in params for k in SELECTION_KEYS) and "_last_selection" in st.session_state:
        # Switching page in the navigation menu drops the query string; carry the selection over instead of
        # falling back to the defaults. A URL that names a selection always wins.
        params = dict(st.session_state["_last_selection"])
    sel = parse(params, resolve=queries.resolve_code, names=names, default_municipality=default,
                default_comparisons=queries.default_comparisons, first_year=first, last_year=last)
    st.session_state["_last_selection"] = sel.query_params()
    wanted = sel.query_params()
    current = {k: st.query_params.get(k) for k in st.query_params.keys()}
    if current != wanted:
        st.query_params.from_dict(wanted)
    # The URL is the truth. Widget ids differ per page, so after a page switch the sidebar widgets would start
    # from their first option while the page shows the URL's selection; they are therefore set from the URL on
    # every run. After a widget change its callback has already written the URL, so the user's choice stands.
    st.session_state["w_kommune"] = sel.municipality
    st.session_state["w_sammenlign"] = [c for c in sel.comparisons if c in names]
    st.session_state["w_years"] = (sel.from_year, sel.to_year)

    def changed() -> None:
        muni = st.session_state["w_kommune"]
        comps = [c for c in st.session_state["w_sammenlign"] if c != muni][:5]
        if muni != sel.municipality and set(comps) == set(queries.default_comparisons(sel.municipality)) - {muni}:
            # the comparisons were the old municipality's defaults, not the user's choice: follow the new one
            comps = queries.default_comparisons(muni)
        a, b = st.session_state["w_years"]
        new = Selection(muni, tuple(comps), int(a), int(b))
        st.query_params.from_dict(new.query_params())
        st.session_state["_last_selection"] = new.query_params()

    codes = list(names)
    with st.sidebar:
        st.selectbox("Kommune", codes, key="w_kommune", format_func=lambda c: _label(c, names), on_change=changed,
                     placeholder="Velg kommune",
                     help="Søk på navn eller kommunenummer.")
        st.multiselect("Sammenlign med (høyst 5)", codes, key="w_sammenlign", max_selections=5,
                       placeholder="Velg kommuner",
                       format_func=lambda c: _label(c, names), on_change=changed,
                       help="Standard: de største kommunene i samme KOSTRA-gruppe.")
        st.slider("År", min_value=first, max_value=last, key="w_years", on_change=changed)
        st.caption("Utvalget ligger i adressen – kopier lenken for å dele nøyaktig denne visningen.")
    show_notices(sel.notices)
    return sel


def show_notices(notices: tuple[str, ...] | list[str]) -> None:
    """Every correction of the URL in one box: one line each, not a stack of warnings."""
    if len(notices) == 1:
        st.warning(notices[0])
    elif notices:
        st.warning("\n".join(f"- {n}" for n in notices))


def page_links(sel: Selection) -> None:
    cols = st.columns(len(ANALYST_PAGES))
    for col, (path, label) in zip(cols, ANALYST_PAGES):
        with col:
            st.page_link(path, label=label, query_params=sel.query_params())


def _file_stem(title: str) -> str:
    stem = re.sub(r"[^0-9A-Za-zæøåÆØÅ]+", "-", title).strip("-").lower()
    return stem[:60] or "data"


def chart_with_data(fig: go.Figure, table: pl.DataFrame, download: pl.DataFrame, *, key: str, title: str) -> None:
    """Chart, then its data as a table, downloadable as CSV and XLSX with Norwegian headers."""
    # the camera button saves a sharp PNG named after the chart, ready for meeting papers and slides
    st.plotly_chart(fig, key=f"chart-{key}", config={
        "displaylogo": False, "locale": "no",
        "toImageButtonOptions": {"format": "png", "filename": _file_stem(title), "scale": 2}})
    with st.expander("Tall bak figuren", expanded=False):
        st.dataframe(blank_nulls(table).to_pandas(), hide_index=True, key=f"table-{key}")
        download_buttons(download, key=key, title=title)


def blank_nulls(table: pl.DataFrame) -> pl.DataFrame:
    """Empty text cells instead of Python's None (a year a series has no row for, a field an indicator lacks)."""
    return table.with_columns(pl.col(pl.Utf8).fill_null(""))


def download_buttons(download: pl.DataFrame, *, key: str, title: str, columns: list[int] | None = None) -> None:
    """CSV and XLSX buttons; the files are made when clicked, not on every run (an XLSX per table would add
    ~10 ms to each rerun)."""
    stem = _file_stem(title)
    c1, c2, *_ = st.columns(columns or [1, 1])
    c1.download_button("Last ned CSV", lambda: downloads.csv_bytes(download), file_name=f"{stem}.csv",
                       mime="text/csv", key=f"csv-{key}")
    c2.download_button("Last ned Excel (XLSX)", lambda: downloads.xlsx_bytes(download, title=title),
                       file_name=f"{stem}.xlsx", key=f"xlsx-{key}",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def indicator_trend(indicator_id: str, sel: Selection, *, key: str, title: str | None = None,
                    include_country: tuple[str, ...] = ("group", "EAKUO")) -> None:
    """The standard comparison line chart for one indicator, with its data table and downloads."""
    from dashboard import charts
    info = queries.indicators()[indicator_id]
    frame = queries.comparison_series([indicator_id], sel.municipality, list(sel.comparisons), sel.from_year,
                                      sel.to_year, aggregates=include_country)
    names = queries.municipality_names()
    title = title or f"{info.short_label}, {names.get(sel.municipality, sel.municipality)} og sammenligning"
    unit_text = {"kr": "kroner", "%": "prosent", "ganger": "antall ganger"}.get(info.unit, info.unit)
    subtitle = f"{info.label} ({unit_text}), {sel.from_year}–{sel.to_year}. " \
               f"{queries.group_labels(sel.municipality, sel.from_year, sel.to_year)}"
    text = charts.ChartText(title=title, subtitle=subtitle, source=queries.source_line([indicator_id]),
                            is_demo=bool(frame["is_demo"].any()) if not frame.is_empty() else queries.database_is_demo())
    fig = charts.line_chart(frame, text, unit=info.unit, decimals=info.decimals,
                            break_year=queries.KOSTRA_BREAK_YEAR, break_label=queries.KOSTRA_BREAK_LABEL,
                            merger_years=queries.merger_years(frame))
    chart_with_data(fig, queries.display_table(frame, unit=info.unit, decimals=info.decimals),
                    queries.long_table(frame, unit=info.unit, decimals=info.decimals), key=key, title=title)


def group_ranking_chart(indicator_id: str, sel: Selection, *, key: str) -> None:
    """All municipalities in the selection's KOSTRA group for the last year, own municipality highlighted."""
    from dashboard import charts
    info = queries.indicators()[indicator_id]
    group_code, group_name = queries.group_of(sel.municipality, sel.to_year)
    if not group_code:
        st.info("Kommunen har ingen KOSTRA-gruppe dette året.")
        return
    frame = queries.group_ranking(indicator_id, group_code, sel.to_year)
    ov = queries.overview(sel.municipality, sel.to_year, [indicator_id])
    reference = (group_name, ov["group_value"][0]) if not ov.is_empty() else None
    names = queries.municipality_names()
    title = f"{info.short_label} i {group_name}, {sel.to_year}"
    text = charts.ChartText(
        title=title, subtitle=f"{info.label}. {names.get(sel.municipality)} er uthevet; stiplet linje er gruppens tall.",
        source=queries.source_line([indicator_id]),
        is_demo=bool(frame["is_demo"].any()) if not frame.is_empty() else queries.database_is_demo())
    fig = charts.ranking_bar(frame, text, unit=info.unit, decimals=info.decimals, highlight={sel.municipality},
                             comparisons=set(sel.comparisons), reference=reference)
    table = queries.ranking_table(frame, unit=info.unit, decimals=info.decimals)
    chart_with_data(fig, table, table, key=key, title=title)


def share_chart(sel: Selection, *, key: str) -> None:
    from dashboard import charts
    frame = queries.shares_for_year(sel.municipality, list(sel.comparisons), sel.to_year)
    title = f"Fordeling av netto driftsutgifter til pleie og omsorg {sel.to_year}"
    colours = dict(zip(frame["function"].unique(maintain_order=True).to_list(),
                       [charts.COMPARISON[0], charts.COMPARISON[1], charts.COMPARISON[3], charts.GROUP]))
    text = charts.ChartText(title=title, subtitle="Prosent av netto driftsutgifter til funksjon 234, 253, 254 og 261",
                            source=queries.source_line(queries.SHARE_INDICATORS),
                            is_demo=bool(frame["is_demo"].any()) if not frame.is_empty() else queries.database_is_demo())
    fig = charts.grouped_bar(frame, text, unit="%", decimals=1, x="series", colour_by="function", colours=colours,
                             stacked=True)
    table = queries.display_table(frame, unit="%", decimals=1, index="series", columns="function")
    download = queries.long_table(frame.with_columns(
        (frame["series"] + " – " + frame["function"]).alias("series")), unit="%", decimals=1)
    chart_with_data(fig, table, download, key=key, title=title)


def all_municipalities_scatter(sel: Selection, *, key: str) -> None:
    from dashboard import charts
    x_id, y_id = "home_care_share_of_care_net_expenditure", "home_care_cost_per_recipient"
    infos = queries.indicators()
    frame = queries.all_municipalities(x_id, y_id, sel.to_year)
    group_code, group_name = queries.group_of(sel.municipality, sel.to_year)
    members = set(frame.filter(frame["group_code"] == group_code)["current_code"].to_list()) if group_code else set()
    title = f"Alle kommuner {sel.to_year}: andel til hjemmetjenester og kostnad per mottaker"
    text = charts.ChartText(
        title=title, subtitle=f"Hvert punkt er en kommune. Mørk grå: {group_name or 'samme KOSTRA-gruppe'}.",
        source=queries.source_line([x_id, y_id]),
        is_demo=bool(frame["is_demo"].any()) if not frame.is_empty() else queries.database_is_demo())
    fig = charts.scatter(frame, text, x_label=infos[x_id].short_label, y_label=infos[y_id].short_label,
                         x_unit="%", y_unit="kr", highlight={sel.municipality}, comparisons=set(sel.comparisons),
                         group_members=members)
    table = queries.scatter_table(frame, x_label=infos[x_id].short_label, y_label=infos[y_id].short_label)
    chart_with_data(fig, table, table, key=key, title=title)


def users_by_service_chart(sel: Selection, *, key: str) -> None:
    from dashboard import charts
    frame = queries.users_by_service(sel.municipality, sel.from_year, sel.to_year)
    name = queries.municipality_names().get(sel.municipality, sel.municipality)
    title = f"Brukere per tjenestetype i {name}, {sel.from_year}–{sel.to_year}"
    text = charts.ChartText(title=title, subtitle="Antall personer per 31.12",
                            source=queries.source_line(queries.SERVICE_INDICATORS),
                            is_demo=bool(frame["is_demo"].any()) if not frame.is_empty() else queries.database_is_demo())
    fig = charts.line_chart(frame, text, unit="personer", decimals=0)
    chart_with_data(fig, queries.display_table(frame, unit="personer", decimals=0),
                    queries.long_table(frame, unit="personer", decimals=0), key=key, title=title)


def age_chart(sel: Selection, *, key: str) -> None:
    from dashboard import charts
    frame = queries.age_distribution(sel.municipality, list(sel.comparisons), sel.to_year)
    title = f"Brukere av helsetjenester i hjemmet etter alder {sel.to_year}"
    # the strong colour is kept for the chosen municipality alone
    colours = {"0–66 år": charts.COMPARISON[0], "67–79 år": charts.COMPARISON[1], "80–89 år": charts.COMPARISON[2],
               "90 år og over": charts.COMPARISON[3]}
    text = charts.ChartText(title=title, subtitle="Prosent av alle brukere av helsetjenester i hjemmet i regionen "
                            "(egen beregning på SSBs antall)",
                            source=queries.source_line(queries.AGE_INDICATORS) + ". Egen beregning: andeler",
                            is_demo=bool(frame["is_demo"].any()) if not frame.is_empty() else queries.database_is_demo())
    fig = charts.grouped_bar(frame, text, unit="%", decimals=1, x="series", colour_by="age_group", colours=colours,
                             stacked=True)
    table = queries.display_table(frame, unit="%", decimals=1, index="series", columns="age_group")
    download = queries.long_table(frame.with_columns((frame["series"] + " – " + frame["age_group"]).alias("series")),
                                  unit="%", decimals=1)
    chart_with_data(fig, table, download, key=key, title=title)


def overview_profile(sel: Selection, indicator_ids: list[str], *, key: str) -> None:
    from dashboard import charts
    name = queries.municipality_names().get(sel.municipality, sel.municipality)
    group = queries.group_of(sel.municipality, sel.to_year)[1]
    if group is None:
        st.info(f"{name} er ikke med i noen KOSTRA-gruppe i {sel.to_year}, så det er ingen gruppe å sammenligne med.")
        return
    frame = queries.overview_index(sel.municipality, sel.to_year, indicator_ids)
    title = f"{name} sammenlignet med {group}, {sel.to_year} (gruppen = 100)"
    text = charts.ChartText(title=title, subtitle="Over 100: høyere enn gruppen. Egen beregning på SSBs tall.",
                            source=queries.source_line(indicator_ids),
                            is_demo=bool(frame["is_demo"].any()) if not frame.is_empty() else queries.database_is_demo())
    fig = charts.index_bar(frame, text)
    table = frame.select(pl.col("indicator").alias("Indikator"), pl.col("own_text").alias(name),
                         pl.col("group_text").alias(group), pl.col("value").round(1).alias("Indeks (gruppen = 100)"),
                         pl.col("status").alias("Symbol"))
    chart_with_data(fig, table, table, key=key, title=title)
