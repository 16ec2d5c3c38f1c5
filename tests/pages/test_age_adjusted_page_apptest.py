"""AppTest for /aldersjustert: renders its figures with the takeaway and the method, the comparison round-trips through
the URL (`kommune`, `referanse`, `aar`), a missing input gets a sentence instead of a zero, and /vis and
/presentasjon draw its figures with the reference and year from the link."""
from __future__ import annotations

import html
import re

from apptest_pages import blocks, open_on_demand, seen  # noqa: E402 (tests/pages/apptest_pages.py)
from apptest_pages import open_page as open_app_page  # noqa: E402
from streamlit.testing.v1 import AppTest

PAGE = "pages/aldersjustert.py"


def open_page(params: dict[str, str] | None = None) -> AppTest:
    return open_app_page(PAGE, params)


def open_tables(at: AppTest) -> AppTest:
    """«Tall bak figuren» is filled when opened (dashboard/views/page.py): open every chart's table."""
    return open_on_demand(at, prefixes=("open-table-",))


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def parts(at: AppTest, testid: str) -> list[str]:
    return [html.unescape(m) for el in blocks(at) for m in re.findall(rf"data-testid='{testid}'>(.*?)</p>", el.value)]


def test_default_view(db_env):
    at = open_page()
    assert_clean(at)
    assert [seen(t.value) for t in at.title] == [
        "Hvorfor bruker Larvik mer eller mindre? Aldersjustert sammenligning med landet uten Oslo, 2024"]
    assert len(at.get("plotly_chart")) == 3 and len(open_tables(at).dataframe) == 3
    assert parts(at, "chart-title") == [
        "Hvorfor Larviks utgift avviker fra landet uten Oslo, 2024",
        "Dekningsgrad etter alder: Larvik og landet uten Oslo, 2024",
        "Demografi, dekningsgrad og enhetskostnad i Larvik mot landet uten Oslo, 2016–2024"]
    takeaway = parts(at, "chart-takeaway")[0]
    assert takeaway.startswith("Larviks modellerte utgift i 2024 er ") and "fordi" in takeaway \
        and "enn det landet uten Oslo ville brukt på Larviks innbyggere" in takeaway
    md = "\n".join(m.value for m in blocks(at))
    assert "i denne rekkefølgen" in md and "ikke den offisielle kostnadsnøkkelen" in md
    assert "demo-label" in md
    assert any("ikke inntektssystemets kostnadsnøkkel" in i.value for i in at.info)
    waterfall = at.dataframe[0].value
    amounts = dict(zip(waterfall["Steg"], waterfall["Beløp"]))
    assert set(amounts) >= {"Demografi", "Dekningsgrad", "Enhetskostnad", "Avstand i alt"}
    assert dict(at.query_params) == {"kommune": "3909", "sammenlign": "3201,4204,3301,3203,3205", "fra": "2017",
                                     "til": "2024", "referanse": "landet-uten-oslo", "aar": "2024"}


def test_url_comparison_is_reproduced(db_env):
    at = open_page({"kommune": "4203", "referanse": "gruppe", "aar": "2021"})
    assert_clean(at)
    assert at.selectbox(key="a_kommune").value == "4203"
    assert at.selectbox(key="a_referanse").value == "group"
    assert at.selectbox(key="a_aar").value == 2021
    assert "Arendal" in seen(at.title[0].value) and "KOSTRA-gruppe" in seen(at.title[0].value) and "2021" in seen(at.title[0].value)
    assert {k: v for k, v in dict(at.query_params).items() if k in ("kommune", "referanse", "aar")} == {
        "kommune": "4203", "referanse": "gruppe", "aar": "2021"}


def test_changing_reference_year_and_service_updates_url_and_figures(db_env):
    at = open_page()
    at.selectbox(key="a_referanse").set_value("4003").run()
    assert_clean(at)
    assert dict(at.query_params)["referanse"] == "4003"
    assert parts(at, "chart-title")[0] == "Hvorfor Larviks utgift avviker fra Skien, 2024"
    at.selectbox(key="a_aar").set_value(2020).run()
    assert dict(at.query_params)["aar"] == "2020" and dict(at.query_params)["referanse"] == "4003"
    assert parts(at, "chart-title")[0] == "Hvorfor Larviks utgift avviker fra Skien, 2020"
    at.get("button_group")[0].set_value("home_care").run()
    assert_clean(at)
    assert parts(at, "chart-title")[0] == "Hvorfor Larviks utgift avviker fra Skien: hjemmetjenester, 2020"
    assert dict(at.query_params)["aar"] == "2020"  # the service is a view of the same comparison


def test_a_year_before_the_municipality_existed_is_explained_not_drawn_as_zero(db_env):
    at = open_page({"kommune": "3909", "aar": "2016"})
    assert_clean(at)
    warnings = [seen(w.value) for w in at.warning]
    assert "Ingen av delene kan beregnes for 2016: innbyggere for Larvik «.» (ikke mulig å oppgi tall) mangler. " \
        "De vises ikke, heller ikke som 0." in warnings
    waterfall = open_tables(at).dataframe[0].value
    assert set(waterfall["Beløp"]) == {"."}


def test_a_suppressed_count_leaves_its_parts_missing_with_the_reason(db_env):
    at = open_page({"kommune": "1151", "aar": "2024"})  # Utsira: fewer than five home-service users 67+
    assert_clean(at)
    warnings = [seen(w.value) for w in at.warning]
    assert ("Delen for dekningsgrad og enhetskostnad kan ikke beregnes for 2024: mottakere av hjemmetjenester "
            "67–79 år og 80 år og over for Utsira «:» (vises ikke av personvernhensyn) mangler. Den vises ikke, "
            "heller ikke som 0.") in warnings
    waterfall = open_tables(at).dataframe[0].value
    amounts = dict(zip(waterfall["Steg"], waterfall["Beløp"]))
    assert amounts["Dekningsgrad"] == ":" and amounts["Enhetskostnad"] == ":" and amounts["Demografi"].endswith("kr")


def test_hostile_params_are_corrected_with_a_notice(db_env):
    at = open_page({"kommune": "3909", "referanse": "<script>alert(1)</script>", "aar": "1850"})
    assert_clean(at)
    text = " ".join(seen(w.value) for w in at.warning)
    assert "er ikke en referanse" in text and "ikke 1850" in text and "<script>" not in text
    assert dict(at.query_params)["referanse"] == "landet-uten-oslo" and dict(at.query_params)["aar"] == "2016"


def test_vis_and_presentation_draw_the_figures_with_reference_and_year(db_env):
    at = open_app_page("pages/vis.py", {"figur": "aldersjustert-fossefall-institusjon", "kommune": "3909",
                                        "referanse": "gruppe", "aar": "2022", "embed": "true"})
    assert_clean(at)
    assert len(at.get("plotly_chart")) == 1
    assert parts(at, "chart-title") == [
        "Hvorfor Larviks utgift avviker fra KOSTRA-gruppe 14: langtidsopphold i institusjon, 2022"]
    assert parts(at, "chart-takeaway")[0].startswith("Larviks modellerte utgift")
    at = open_app_page("pages/presentasjon.py", {"figurer": "aldersjustert-fossefall,aldersjustert-over-tid",
                                                 "kommune": "3909", "referanse": "4003", "aar": "2023", "side": "2"})
    assert_clean(at)
    assert parts(at, "chart-title") == ["Demografi, dekningsgrad og enhetskostnad i Larvik mot Skien, 2016–2024"]


def test_names_on_the_page_are_markdown_escaped(db_env):
    """The title, caption, warnings and method text carry municipality and group names: each is escaped, so a name
    with Markdown (from a table or a renamed municipality) shows as its characters."""
    at = open_page({"kommune": "3909", "referanse": "gruppe", "aar": "2024"})
    assert_clean(at)
    assert at.title[0].value.endswith("KOSTRA\\-gruppe 14\\, 2024")
    assert all("\\." in c.value for c in at.caption if "SSB" in c.value)
    method = next(m.value for m in at.markdown if "Slik er tallene regnet ut" in m.value)
    assert "Referansen er KOSTRA\\-gruppe 14" in method
