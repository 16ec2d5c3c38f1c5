"""The managers' pages through Streamlit's AppTest: they render without exceptions, show their key elements and
the Demodata label, turn hostile URL parameters into warnings, and the /importer upload flow works end to end."""
from __future__ import annotations

from pathlib import Path

import pytest
from apptest_pages import blocks, open_on_demand  # noqa: E402 (tests/pages/apptest_pages.py)
from apptest_pages import open_page as open_app_page  # noqa: E402
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "fixtures" / "dashboard" / "own"


def open_page(page: str, **params) -> AppTest:
    return open_app_page(page, params)


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def has_demo_label(at: AppTest) -> bool:
    return any("data-testid='demo-label'" in m.value and "Demodata" in m.value for m in blocks(at))


def test_budsjettavvik_all_units(db_env):
    at = open_page("pages/budsjettavvik.py")
    assert not at.exception
    assert has_demo_label(at)
    assert all("DEMODATA" in c.proto.spec for c in at.get("plotly_chart"))
    labels = [m.label for m in at.metric]
    assert labels[:2] == ["Revidert budsjett", "Regnskap"]
    assert any(lbl.startswith("Avvik (") for lbl in labels) and "Økonomisk måloppnåelse" in labels
    assert at.metric[3].value.endswith("%") and "," in at.metric[3].value
    assert len(at.dataframe) >= 4  # units, sectors, units in sector, arts
    assert "Sum alle enheter" in at.dataframe[0].value.iloc[:, 0].tolist()
    assert "Budsjettramme" in texts(at.subheader)
    years = at.radio(key="bud_frame_year")
    assert years.options == ["2017", "2018", "2019", "2020"] and years.value == 2017
    assert not at.warning
    frame_chart = at.get("plotly_chart")[-1].proto.spec
    assert "461\xa0992" in frame_chart and "78\xa0040" in frame_chart  # 461 992 -> 78 040 (1000 kr), the seed
    years.set_value(2018).run()
    assert not at.exception
    assert "84\xa0540" in at.get("plotly_chart")[-1].proto.spec  # the 2018 frame ends at 84 540


def test_budsjettavvik_one_unit_year_to_date(db_env):
    at = open_page("pages/budsjettavvik.py", enhet="3120", periode="2025-06")
    assert not at.exception
    assert at.dataframe[0].value["Enhet"].tolist() == ["Hjemmetjenesten sone Sør"]
    assert any("januar–juni 2025" in s for s in texts(at.subheader))
    assert at.selectbox(key="bud_enhet").value == "3120"
    assert at.selectbox(key="bud_maaned").value == 6


def test_budsjettavvik_sidebar_change_updates_the_url(db_env):
    at = open_page("pages/budsjettavvik.py")
    at.selectbox(key="bud_enhet").set_value("3210").run()
    assert not at.exception
    assert at.query_params["enhet"] == "3210"
    at.selectbox(key="bud_maaned").set_value(3).run()
    assert at.query_params["periode"] == "2025-03"
    assert at.dataframe[0].value["Enhet"].tolist() == ["Solheim sykehjem"]


@pytest.mark.parametrize("page", ["pages/budsjettavvik.py", "pages/sykefravaer.py", "pages/enhetsrapport.py"])
@pytest.mark.parametrize("enhet, periode", [
    ("<script>alert(1)</script>", "2025"),
    ("3110' OR 1=1 --", "2025-13"),
    ("9999", "abc"),
    ("3110", "1899"),
])
def test_hostile_url_params_show_a_warning(db_env, page, enhet, periode):
    at = open_page(page, enhet=enhet, periode=periode)
    assert not at.exception
    assert not at.error
    warnings = texts(at.warning)
    assert warnings, (page, enhet, periode)
    assert all("<script" not in w for w in warnings)


def test_sykefravaer_all_units(db_env):
    at = open_page("pages/sykefravaer.py", periode="2025")
    assert not at.exception
    assert has_demo_label(at)
    assert [m.label for m in at.metric] == ["Enheter over målet", "Enheter som vises som «:»"]
    assert at.metric[1].value == "1"
    assert any(w.startswith("Over målet:") for w in texts(at.warning))
    table = at.dataframe[0].value
    small = table[table["Enhet"] == "Dagsenteret"].iloc[0]
    assert small["Sykefravær"] == ":" and small["Rullerende 12 mnd"] == ":" and small["Egenmeldt"] == ":"
    assert "Ikke nådd" in table["Status"].tolist()


def test_sykefravaer_small_unit_shows_colon(db_env):
    at = open_page("pages/sykefravaer.py", enhet="3310", periode="2025-06")
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values["Sykefravær januar–juni 2025"] == ":"
    assert values["Rullerende 12 måneder"] == ":"
    at.radio(key="syk_measure").set_value("Rullerende 12 måneder").run()
    at.radio(key="syk_split").set_value("Korttid / langtid").run()
    assert not at.exception


def test_enhetsrapport_scorecard(db_env):
    at = open_page("pages/enhetsrapport.py", enhet="3120", periode="2025")
    assert not at.exception
    assert has_demo_label(at)
    assert at.title[0].value == "Enhetsrapport 2025: Hjemmetjenesten sone Sør"
    scorecard = next(m.value for m in blocks(at) if "data-testid='scorecard'" in m.value)
    assert "Ikke nådd" in scorecard and "Nådd" in scorecard
    assert any("@media print" in m.value for m in blocks(at))
    assert any("Skriv ut" in m.value for m in blocks(at))
    labels = [m.label for m in at.metric]
    assert "Økonomisk måloppnåelse" in labels and "Sykefravær" in labels
    assert "Ikke nådd" in at.dataframe[0].value["Status"].tolist()


def test_enhetsrapport_defaults_to_one_unit(db_env):
    at = open_page("pages/enhetsrapport.py")
    assert not at.exception
    assert at.title[0].value.startswith("Enhetsrapport 2025: ")
    assert at.query_params["enhet"] in ("3110", "3120", "3130", "3210", "3220", "3310")


def test_importer_rejects_a_bad_file_and_writes_nothing(db_copy):
    before = db_copy.read_bytes()
    at = open_page("pages/importer.py")
    assert not at.exception
    bad = "Ansvar;År;Måned;Revidert budsjett;Regnskap\n3110;2025;13;100;12 3x4\n".encode()
    at.file_uploader(key="imp_file").set_value(("feil.csv", bad, "text/csv")).run()
    assert not at.exception
    assert any("ble ikke importert" in e for e in texts(at.error))
    problems = at.dataframe[0].value
    assert "2" in problems["Rad"].tolist()
    assert not [b for b in at.button if b.key == "imp_go"]
    assert db_copy.read_bytes() == before


def test_importer_previews_plans_and_imports(db_copy):
    at = open_page("pages/importer.py")
    data = (SEEDS / "budsjett-2016-seed.csv").read_bytes()
    at.file_uploader(key="imp_file").set_value(("budsjett-2016-seed.csv", data, "text/csv")).run()
    assert not at.exception
    assert not at.error
    preview = at.dataframe[0].value
    assert preview["Revidert budsjett (kr)"].tolist() == ["115\u00a0874\u00a0000"]
    plan = at.dataframe[1].value
    assert plan["Hva skjer"].tolist() == ["legges til"]
    assert any("demodata" in i for i in texts(at.info))
    at.button(key="imp_go").click().run()
    assert not at.exception
    assert any("Importerte 1 rader" in s for s in texts(at.success))
    assert at.button(key="imp_go").disabled  # the same file again would change nothing

    page = open_page("pages/budsjettavvik.py", periode="2016")
    assert not page.exception
    charts = page.get("plotly_chart")
    assert "DEMODATA" not in charts[0].proto.spec  # the imported accounts are real
    assert "DEMODATA" in charts[-1].proto.spec  # the budget frame is still the demo file
    sources = [m.value for m in blocks(page) if "data-testid='chart-source'" in m.value]
    assert "budsjett-2016-seed.csv" in sources[0] and "chart-demo" not in sources[0]
    row = page.dataframe[0].value.iloc[0]
    assert row["Mer-/mindreforbruk"] == "mindreforbruk 2\u00a0638\u00a0000\u00a0kr"
    assert row["Økonomisk måloppnåelse"] == "97,7\u00a0%"


# ---------------------------------------------------------------- downloads with formula-like names

FORMULA_FILES = [("budget", "b_formula_names.csv"), ("sick-leave", "s_formula_names.csv"),
                 ("goals", "g_formula_names.csv")]
EVIL_NAMES = ('=HYPERLINK("http://evil.example")', '@SUM(1+1)*cmd|" /C calc"!A0')


@pytest.fixture
def recorded_downloads(monkeypatch):
    """Every file the pages offer for download (the deferred callables are called), as (file name, bytes)."""
    from streamlit.elements.widgets.button import ButtonMixin
    seen: list[tuple[str, bytes]] = []
    original = ButtonMixin.download_button

    def record(self, label, data, file_name=None, *args, **kwargs):
        content = data() if callable(data) else data
        seen.append((file_name or label, content.encode() if isinstance(content, str) else bytes(content)))
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(ButtonMixin, "download_button", record)
    return seen


def test_every_download_writes_formula_like_names_as_text(db_copy, recorded_downloads):
    import csv
    import io

    from openpyxl import load_workbook

    from pipelines.own_data import import_file
    fixtures = ROOT / "tests" / "fixtures" / "own_data"
    for kind, name in FORMULA_FILES:
        import_file(db_copy, kind, fixtures / name)
    for page, params in [("pages/budsjettavvik.py", {"periode": "2025-02"}),
                         ("pages/budsjettavvik.py", {"enhet": "9901", "periode": "2025-02"}),
                         ("pages/sykefravaer.py", {"periode": "2025-01"}),
                         ("pages/sykefravaer.py", {"enhet": "9901", "periode": "2025-01"}),
                         ("pages/enhetsrapport.py", {"enhet": "9901", "periode": "2025"})]:
        at = open_page(page, **params)
        assert not at.exception, page
        open_on_demand(at, prefixes=("open-table-",), required=False)  # the charts' tables and their downloads
        assert not at.exception, page
    xlsx = [(n, d) for n, d in recorded_downloads if n.endswith(".xlsx")]
    csvs = [(n, d) for n, d in recorded_downloads if n.endswith(".csv")]
    assert len(xlsx) >= 8 and len(csvs) >= 8
    shown = 0
    for file_name, data in xlsx:
        wb = load_workbook(io.BytesIO(data))
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"], file_name
        shown += sum(1 for c in cells if c.value in EVIL_NAMES)
    for file_name, data in csvs:
        fields = [f for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";")
                  for f in row]
        assert not [f for f in fields if f.startswith(("=", "+", "@", "\t", "\r"))], file_name
        shown += sum(1 for f in fields if f.lstrip("'") in EVIL_NAMES)
    assert shown >= 6, "the names reach the downloads, as text"
