"""The access door through Streamlit's AppTest (`at.user`, `at.secrets`): who may open which page and figure, and a
refused request never runs its queries (every own-data query and the figure builder are recorded)."""
from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from access_roles import ACCESS, write_access  # noqa: E402 (tests/access_roles.py)
from apptest_pages import APP, blocks  # noqa: E402 (tests/pages/apptest_pages.py)
from streamlit.testing.v1 import AppTest

from dashboard import figures
from dashboard.own import queries as own_queries

AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32, "client_id": "dashbord",
        "client_secret": "hemmelig", "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
ANONYMOUS = {}
NO_ROLE = {"is_logged_in": True, "sub": "s-ola", "email": "ola@larvik.kommune.no", "name": "Ola"}
LEDER = {**NO_ROLE, "sub": "s-kari", "email": "kari@larvik.kommune.no", "name": "Kari", "roles": ["leder"]}
IMPORT = {**NO_ROLE, "sub": "s-per", "email": "per@larvik.kommune.no", "name": "Per", "roles": ["import"]}
VISITORS = {"anonymous": ANONYMOUS, "no role": NO_ROLE, "leder": LEDER, "import": IMPORT}


@pytest.fixture
def shared(tmp_path, monkeypatch, db_env):
    path = write_access(tmp_path)
    monkeypatch.setenv("KOSTRA_ACCESS_FILE", str(path))
    return path


@pytest.fixture
def recorded(monkeypatch):
    """Every call of an own-data query or of the figure builder, by name."""
    calls: list[str] = []

    def recorder(name, fn):
        def wrapped(*args, **kwargs):
            calls.append(name)
            return fn(*args, **kwargs)
        return wrapped

    for name, fn in vars(own_queries).items():
        if callable(fn) and not inspect.isclass(fn) and getattr(fn, "__module__", "") == own_queries.__name__:
            monkeypatch.setattr(own_queries, name, recorder(name, fn))
    monkeypatch.setattr(figures, "build_figure", recorder("build_figure", figures.build_figure))
    return calls


def open_as(user: dict, page: str, params: dict | None = None, *, auth: bool = True,
            embedded: bool = False) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if embedded:
        at.context = {"is_embedded": True}  # in a browser: an iframe, or `embed=true` (Streamlit keeps that param)
    if auth:
        at.secrets["auth"] = AUTH
    at.user = dict(user) if user else {}
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def refused(at: AppTest) -> bool:
    return any("data-testid='access-refused'" in b.value for b in blocks(at))


def login_button(at: AppTest) -> bool:
    return any(b.label == "Logg inn" for b in at.button)


OWN_PAGES = ["pages/budsjettavvik.py", "pages/sykefravaer.py", "pages/enhetsrapport.py"]


@pytest.mark.parametrize("who", ["anonymous", "no role", "import"])
@pytest.mark.parametrize("page", OWN_PAGES)
def test_own_pages_are_refused_without_leder_and_run_no_query(shared, recorded, who, page):
    at = open_as(VISITORS[who], page)
    assert refused(at)
    assert login_button(at) == (who == "anonymous")
    assert not at.get("plotly_chart") and not at.dataframe and not at.metric
    assert recorded == []


@pytest.mark.parametrize("page", OWN_PAGES)
def test_a_leder_sees_the_own_pages(shared, page):
    at = open_as(LEDER, page)
    assert not refused(at)
    assert at.get("plotly_chart") or at.dataframe
    assert any("Logg ut" == b.label for b in at.sidebar.button)
    assert any("Kari" in c.value for c in at.sidebar.caption)


@pytest.mark.parametrize("who, allowed", [("anonymous", False), ("no role", False), ("leder", False),
                                          ("import", True)])
def test_importer_needs_the_import_role(shared, recorded, who, allowed):
    at = open_as(VISITORS[who], "pages/importer.py")
    assert refused(at) != allowed
    assert bool(at.get("file_uploader")) == allowed
    if not allowed:
        assert recorded == []


@pytest.mark.parametrize("who", list(VISITORS))
def test_kostra_pages_are_public(shared, who):
    at = open_as(VISITORS[who], "pages/kostnad-per-mottaker.py")
    assert not refused(at) and at.get("plotly_chart")


def test_the_menu_hides_what_the_visitor_may_not_open(shared):
    """The menu is drawn by the browser; what it may show is in the navigation message: refused pages are
    registered as stand-ins (their files never run) and hidden by the style that comes with them."""
    at = open_as(ANONYMOUS, "pages/oversikt.py")
    style = [b.value for b in blocks(at) if "stSidebarNav" in b.value and "display: none" in b.value]
    assert style and all(f'a[href$="/{p}"]' in style[-1] for p in ("budsjettavvik", "sykefravaer", "importer"))
    at = open_as(LEDER, "pages/oversikt.py")
    style = [b.value for b in blocks(at) if "stSidebarNav" in b.value and "display: none" in b.value]
    assert 'a[href$="/budsjettavvik"]' not in style[-1] and 'a[href$="/importer"]' in style[-1]


@pytest.mark.parametrize("who", ["anonymous", "no role", "import"])
def test_vis_refuses_an_own_figure_before_building_it(shared, recorded, who):
    at = open_as(VISITORS[who], "pages/vis.py", {"figur": "sykefravaer-enheter", "enhet": "alle", "periode": "2025"})
    assert refused(at)
    assert not at.get("plotly_chart") and not at.get("popover")  # no chart, no «Last ned»
    assert recorded == []


def test_vis_in_an_iframe_says_the_figure_is_not_public(shared, recorded):
    at = open_as(ANONYMOUS, "pages/vis.py", {"figur": "budsjettavvik-enheter"}, embedded=True)
    assert any("Denne figuren er ikke offentlig" in b.value for b in blocks(at))
    assert not login_button(at) and recorded == []


def test_vis_shows_an_own_figure_to_a_leder_and_a_kostra_figure_to_anyone(shared):
    at = open_as(LEDER, "pages/vis.py", {"figur": "sykefravaer-enheter", "enhet": "alle", "periode": "2025"})
    assert not refused(at) and len(at.get("plotly_chart")) == 1 and at.get("popover")
    at = open_as(ANONYMOUS, "pages/vis.py", {"figur": "kostnad-hjemme", "kommune": "3909", "embed": "true"})
    assert not refused(at) and len(at.get("plotly_chart")) == 1 and at.get("popover")


def test_presentation_leaves_out_slides_the_visitor_may_not_see(shared, recorded):
    params = {"figurer": "sykefravaer-enheter,kostnad-hjemme,budsjettavvik-enheter", "kommune": "3909"}
    at = open_as(ANONYMOUS, "pages/presentasjon.py", params)
    assert not refused(at) and len(at.get("plotly_chart")) == 1
    assert any("Side 1 av 1" in b.value for b in blocks(at))
    assert any("ikke offentlig" in b.value for b in blocks(at))
    assert not set(recorded) - {"build_figure"}  # no own-data query (the KOSTRA slide's figure may be cached)
    at = open_as(ANONYMOUS, "pages/presentasjon.py", {"figurer": "sykefravaer-enheter"})
    assert refused(at) and not at.get("plotly_chart")
    at = open_as(LEDER, "pages/presentasjon.py", params)
    assert any("Side 1 av 3" in b.value for b in blocks(at))


def test_local_mode_opens_everything_and_says_so_on_own_pages(db_env):
    at = open_as({}, "pages/sykefravaer.py", auth=False)
    assert not refused(at) and at.get("plotly_chart")
    assert any("åpne for alle som bruker denne maskinen" in c.value for c in at.caption)
    assert not any(b.label in ("Logg inn", "Logg ut") for b in at.button)
    at = open_as({}, "pages/importer.py", auth=False)
    assert not refused(at) and at.get("file_uploader")
    at = open_as({}, "pages/kostnad-per-mottaker.py", auth=False)
    assert not any("denne maskinen" in c.value for c in at.caption)


def test_requiring_login_for_kostra_refuses_anonymous_visitors(shared, recorded):
    shared.write_text(ACCESS.replace("kostra = true", "kostra = false"), encoding="utf-8")
    at = open_as(ANONYMOUS, "pages/vis.py", {"figur": "kostnad-hjemme", "kommune": "3909"})
    assert refused(at) and not at.get("plotly_chart") and recorded == []
    at = open_as(NO_ROLE, "pages/vis.py", {"figur": "kostnad-hjemme", "kommune": "3909"})
    assert not refused(at) and at.get("plotly_chart")
    recorded.clear()
    for page in ("pages/oversikt.py", "pages/kilder.py"):
        at = open_as(ANONYMOUS, page)
        assert refused(at) and login_button(at) and not at.dataframe and not at.metric
    assert recorded == []


SEED_BUDGET = Path(__file__).resolve().parents[1] / "fixtures" / "dashboard" / "own" / "budsjett-2016-seed.csv"


def test_an_import_records_its_author_from_the_login_and_importer_lists_it(db_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("KOSTRA_ACCESS_FILE", str(write_access(tmp_path)))
    at = open_as(IMPORT, "pages/importer.py")
    at.file_uploader(key="imp_file").set_value(("budsjett-2016-seed.csv", SEED_BUDGET.read_bytes(), "text/csv")).run()
    at.button(key="imp_go").click().run()
    assert not at.exception and any("Importerte 1 rader" in s.value for s in at.success)
    imports = at.dataframe[-1].value
    newest = imports.iloc[0]
    assert newest["Fil"] == "budsjett-2016-seed.csv"
    assert newest["Importert av"] == "Per · per@larvik.kommune.no" and newest["Bruker-id (sub)"] == "s-per"
    assert "demodata (innebygd)" in imports["Importert av"].tolist()  # the built-in demo files, before


def test_a_local_import_is_the_machine_users(db_copy):
    import getpass
    at = open_as({}, "pages/importer.py", auth=False)
    at.file_uploader(key="imp_file").set_value(("budsjett-2016-seed.csv", SEED_BUDGET.read_bytes(), "text/csv")).run()
    at.button(key="imp_go").click().run()
    newest = at.dataframe[-1].value.iloc[0]
    assert newest["Importert av"] == getpass.getuser() and newest["Bruker-id (sub)"] == ""
