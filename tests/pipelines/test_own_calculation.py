"""Our own calculation from the accounts (issue 23, item 4): cost per home-services recipient and the f254/f253/f261/
f234 shares from 12367 (konsern, AGD4 / AGD2) and 12292's users, shown wherever SSB's own figure has no confirmed
code, and SSB's own figure once a check has confirmed it.

The calculation is checked by hand against the cells the SSB stand-in serves (tests/fixtures/fetch/), after a real
fetch and build on 127.0.0.1: a municipality, a KOSTRA group and «landet uten Oslo» (SSB's own sums, so the ratio
of sums, never an average of ratios), and a cell SSB suppresses («:»), which leaves the shares missing, never 0.
"""
from __future__ import annotations

import datetime as dt
import io
import itertools
from pathlib import Path

import duckdb
import orjson
import pytest
from rich.console import Console

from pipelines import catalogue as cat_mod
from pipelines.fetch import fetch_all
from pipelines.http_client import KlassClient, SsbClient

from ssb_standin import FIXTURES, VirtualTime, answer_on  # noqa: E402  (tests/ssb_standin.py)

SHARES = {"234": "activity_share_of_care_net_expenditure", "253": "institution_share_of_care_net_expenditure",
          "254": "home_care_share_of_care_net_expenditure", "261": "premises_share_of_care_net_expenditure"}


def _cells(table_id: str) -> dict[tuple, float | None]:
    """{(code per dimension, in the table's order): value} of the stand-in's recorded table."""
    doc = orjson.loads((FIXTURES / f"data/{table_id}.json").read_bytes())
    codes = [sorted(doc["dimension"][d]["category"]["index"], key=doc["dimension"][d]["category"]["index"].get)
             for d in doc["id"]]
    return {combo: doc["value"][n] for n, combo in enumerate(itertools.product(*codes))}


def _account(region: str, function: str, art: str, year: int) -> float | None:
    return _cells("12367")[(region, "A", function, art, "KOSbelop0000", str(year))]


def _users(region: str, year: int) -> float | None:
    return _cells("12292")[(region, "KOSkjernetotalt0000", str(year))]


@pytest.fixture(scope="module")
def fetched(server, tmp_path_factory) -> Path:
    """A fetch from the stand-in with the catalogue as committed (SSB's cost and share codes not confirmed)."""
    root = tmp_path_factory.mktemp("own-calculation")
    mp = pytest.MonkeyPatch()
    answer_on(server, mp)
    limit = VirtualTime()  # SSB's 30 calls a minute, waited out at once (ssb_standin.VirtualTime)
    try:
        fetch_all(raw_dir=root / "raw", db_path=root / "kostra.duckdb", from_year=2023, today=dt.date(2024, 6, 1),
                  console=Console(file=io.StringIO(), width=120),
                  ssb=SsbClient(retries=0, backoff_factor=0, body_retries=0, timeout=(2, 5), clock=limit.clock,
                                sleep=limit.sleep),
                  klass=KlassClient(retries=0, backoff_factor=0, body_retries=0, timeout=(2, 5)))
    finally:
        mp.undo()
        server.clear()
    return root / "kostra.duckdb"


def _shown(db: Path, indicator_id: str) -> dict[tuple[str, int], tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {(r, y): (v, s, own, demo) for r, y, v, s, own, demo in con.execute(
            "SELECT region_code, year, value, status, is_own_calculation, is_demo FROM indicator_values "
            "WHERE indicator_id = ?", [indicator_id]).fetchall()}
    finally:
        con.close()


@pytest.mark.parametrize("region, year", [("3909", 2024), ("3805", 2023), ("EKG13", 2024), ("EAKUO", 2023)])
def test_cost_per_recipient_is_corrected_gross_f254_times_1000_over_users_by_hand(fetched, region, year):
    value, status, own, demo = _shown(fetched, "home_care_cost_per_recipient")[(region, year)]
    expected = _account(region, "254", "AGD4", year) * 1000 / _users(region, year)
    assert own is True and demo is False and status is None
    assert value == pytest.approx(expected, rel=1e-12)
    # and not SSB's own (unconfirmed) figure, which the stand-in also serves under the catalogue's code
    ssb = _cells("12209")[(region, "KOSkorrbrmotthj0000", str(year))]
    assert value != pytest.approx(ssb, rel=1e-3)


@pytest.mark.parametrize("region, year", [("3909", 2024), ("EKG13", 2023), ("EAKUO", 2024)])
def test_shares_are_net_expenditure_on_each_function_over_the_four_by_hand(fetched, region, year):
    net = {f: _account(region, f, "AGD2", year) for f in SHARES}
    total = sum(net.values())
    got = {}
    for function, indicator_id in SHARES.items():
        value, status, own, demo = _shown(fetched, indicator_id)[(region, year)]
        assert own is True and demo is False and status is None
        assert value == pytest.approx(100 * net[function] / total, rel=1e-12)
        got[function] = value
    assert sum(got.values()) == pytest.approx(100.0)


def test_a_suppressed_account_leaves_every_share_missing_with_ssbs_symbol(fetched):
    # the stand-in suppresses f261 for 3806 in 2023 («:»): the sum of the four is missing, so is every share
    assert _account("3806", "261", "AGD2", 2023) is None
    for indicator_id in SHARES.values():
        value, status, own, _ = _shown(fetched, indicator_id)[("3806", 2023)]
        assert value is None and status == ":" and own is True
    # cost per recipient needs only f254: it is there
    value, status, _, _ = _shown(fetched, "home_care_cost_per_recipient")[("3806", 2023)]
    assert value == pytest.approx(_account("3806", "254", "AGD4", 2023) * 1000 / _users("3806", 2023))


def test_the_institution_to_home_ratio_builds_on_the_figure_shown(fetched):
    ratio = _shown(fetched, "institution_to_home_cost_ratio")[("3909", 2024)][0]
    place = _shown(fetched, "institution_cost_per_place")[("3909", 2024)][0]
    home = _shown(fetched, "home_care_cost_per_recipient")[("3909", 2024)][0]
    assert ratio == pytest.approx(place / home)


# ---------------------------------------------------------------- the switch, on the catalogue alone

def _confirmed(text: str, indicator_id: str, table_id: str) -> str:
    """The catalogue text with `indicator_id`'s source and `table_id` marked verified (as `check --write` does)."""
    start = text.index(f'id = "{indicator_id}"')
    src = text.index("verified = false", text.index("[indicator.source]", start))
    text = text[:src] + "verified = true" + text[src + len("verified = false"):]
    tab = text.index(f'id = "{table_id}"')
    flag = text.index("verified = ", tab)
    end = text.index("\n", flag)
    return text[:flag] + "verified = true" + text[end:]


def test_ssbs_own_figure_is_used_once_a_check_has_confirmed_its_code():
    text = cat_mod.CATALOGUE_PATH.read_text(encoding="utf-8")
    before = cat_mod.with_stand_ins(cat_mod.parse(text)).indicators["home_care_cost_per_recipient"]
    assert before.source is None and before.own_calculation
    assert before.formula.inputs == ("accounts_corrected_gross_f254", "home_care_recipients")
    assert before.formula.scale == 1000 and "12367" in before.definition and "Avvik" in before.definition
    after = cat_mod.with_stand_ins(cat_mod.parse(_confirmed(text, "home_care_cost_per_recipient", "12209")))
    shown = after.indicators["home_care_cost_per_recipient"]
    assert shown.source.contents_code == "KOSkorrbrmotthj0000" and shown.formula is None
    assert not shown.own_calculation
    # the shares still have unconfirmed codes: still ours
    assert after.indicators["home_care_share_of_care_net_expenditure"].source is None
    # a confirmed code in a table that is not itself confirmed is not enough
    half = _confirmed(text, "home_care_cost_per_recipient", "12209").replace(
        'id = "12209"\ntitle = "Utvalgte nøkkeltall for helse og omsorg, etter region, statistikkvariabel og år"\n'
        'region_dim = "KOKkommuneregion0000"\ntime_dim = "Tid"\nfirst_year = 2015\nverified = true',
        'id = "12209"\ntitle = "Utvalgte nøkkeltall for helse og omsorg, etter region, statistikkvariabel og år"\n'
        'region_dim = "KOKkommuneregion0000"\ntime_dim = "Tid"\nfirst_year = 2015\nverified = false')
    assert half != _confirmed(text, "home_care_cost_per_recipient", "12209")
    assert cat_mod.with_stand_ins(cat_mod.parse(half)).indicators["home_care_cost_per_recipient"].source is None


def test_a_persons_choice_shows_ssbs_figure_and_a_failed_fetch_shows_ours_not_nothing():
    """`catalogue choose` (basis = "chosen") confirms SSB's figure like a verified check; if the latest fetch's check
    then fails it (SSB dropped or renamed the variable), our calculation is shown rather than «ikke funnet»."""
    text = cat_mod.CATALOGUE_PATH.read_text(encoding="utf-8")
    start = text.index('id = "home_care_cost_per_recipient"')
    basis = text.index("basis = ", text.index("[indicator.source]", start))
    end = text.index("\n", basis)
    chosen = cat_mod.parse(text[:basis] + 'basis = "chosen"' + text[end:])
    assert chosen.indicators["home_care_cost_per_recipient"].source.basis == "chosen"
    assert cat_mod.ssb_figure_confirmed(chosen, "home_care_cost_per_recipient")
    shown = cat_mod.with_stand_ins(chosen).indicators["home_care_cost_per_recipient"]
    assert shown.source is not None and not shown.own_calculation
    failed = cat_mod.with_stand_ins(chosen, failed={"home_care_cost_per_recipient"})
    assert failed.indicators["home_care_cost_per_recipient"].source is None
    assert failed.indicators["home_care_cost_per_recipient"].own_calculation
    verified = cat_mod.parse(_confirmed(text, "home_care_cost_per_recipient", "12209"))
    assert cat_mod.with_stand_ins(verified, failed={"home_care_cost_per_recipient"}).indicators[
        "home_care_cost_per_recipient"].source is None
    # found by label in that same fetch: SSB's figure after all
    assert cat_mod.with_stand_ins(verified, found={"home_care_cost_per_recipient"},
                                  failed={"home_care_cost_per_recipient"}).indicators[
        "home_care_cost_per_recipient"].source is not None


def test_every_stand_in_matches_its_ssb_figure_and_names_its_method():
    cat = cat_mod.load()
    stand_ins = {i.stands_in_for: i for i in cat.indicators.values() if i.stands_in_for}
    assert set(stand_ins) == {"home_care_cost_per_recipient", *SHARES.values()}
    for target_id, own in stand_ins.items():
        target = cat.indicators[target_id]
        assert (own.unit, own.kind, own.decimals) == (target.unit, target.kind, target.decimals)
        assert own.own_calculation and own.definition.startswith("Egen beregning fra regnskapet")
        assert "12367" in own.definition and "Avvik fra SSBs definisjon" in own.definition
    for ind in cat.indicators.values():
        if ind.source and ind.source.table == "12367":
            assert ind.source.filters["KOKregnskapsomfa0000"] == "A"  # konsern throughout
            assert ind.unit == "1000 kr" and ind.source.contents_code == "KOSbelop0000" and ind.source.basis == "evidence"


@pytest.mark.parametrize("change, message", [
    (lambda t: t.replace('stands_in_for = "home_care_cost_per_recipient"', 'stands_in_for = "population_x"'),
     "stands_in_for må peke på en indikator med SSB-kilde"),
    (lambda t: t.replace('stands_in_for = "home_care_share_of_care_net_expenditure"',
                         'stands_in_for = "home_care_cost_per_recipient"'), "enhet og type må være som for"),
])
def test_a_stand_in_that_cannot_stand_in_is_refused_in_norwegian(change, message):
    text = change(cat_mod.CATALOGUE_PATH.read_text(encoding="utf-8"))
    with pytest.raises(cat_mod.CatalogueError, match=message):
        cat_mod.parse(text)
