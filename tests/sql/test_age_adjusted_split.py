"""The age-adjusted split (sql/views/71_age_adjusted_pairs.sql, 72_age_adjusted_split.sql) on small
DuckDB databases made here: a hand-computed example to the krone, and properties that must hold for any inputs.

The method reads only the rows of `age_adjusted_inputs` (plus lineage and KOSTRA groups to find the group), so each
test writes those rows itself and runs the project's own SQL files on them."""
from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SQL = Path(__file__).resolve().parents[2] / "sql"
COLUMNS = ("region_code", "region_kind", "year", "service", "age_group", "age_order", "population",
           "population_status", "region_population", "region_population_status", "users", "users_status",
           "users_own_calculation", "unit_cost", "unit_cost_status", "is_demo")
SERVICES = ("home_care", "long_term")
AGES = ("0-66", "67+")
PARTS = ("demography", "coverage", "unit_cost")


def region(code: str, kind: str, year: int, pops: dict[str, float], users: dict[str, dict[str, float]],
           costs: dict[str, float], statuses: dict | None = None) -> list[tuple]:
    """Rows of age_adjusted_inputs for one region and year: pops[age], users[service][age], costs[service].
    `statuses[(service, 'users'|'unit_cost'|'population', age)] = symbol` blanks that input with SSB's symbol."""
    statuses = statuses or {}
    total = sum(pops.values())
    rows = []
    for service in SERVICES:
        for order, age in enumerate(pops, start=1):
            pop_s = statuses.get((service, "population", age))
            users_s = statuses.get((service, "users", age))
            cost_s = statuses.get((service, "unit_cost", None))
            rows.append((code, kind, year, service, age, order,
                         None if pop_s else pops[age], pop_s,
                         None if pop_s else total, pop_s,
                         None if users_s else users[service][age], users_s, False,
                         None if cost_s else costs[service], cost_s, False))
    return rows


def method_db(rows: list[tuple], membership: list[tuple] = ()) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute((SQL / "schema.sql").read_text(encoding="utf-8"))
    con.execute("CREATE TABLE age_adjusted_inputs (region_code VARCHAR, region_kind VARCHAR, year INTEGER, "
                "service VARCHAR, age_group VARCHAR, age_order INTEGER, population DOUBLE, population_status VARCHAR, "
                "region_population DOUBLE, region_population_status VARCHAR, users DOUBLE, users_status VARCHAR, "
                "users_own_calculation BOOLEAN, unit_cost DOUBLE, unit_cost_status VARCHAR, is_demo BOOLEAN)")
    con.executemany(f"INSERT INTO age_adjusted_inputs VALUES ({', '.join('?' * len(COLUMNS))})", rows)
    con.execute("INSERT INTO region VALUES ('9001', 'Eksempelby', 'municipality', NULL, NULL), "
                "('9002', 'Nabobygd', 'municipality', NULL, NULL), "
                "('EAKUO', 'Landet uten Oslo', 'country', NULL, NULL), "
                "('EKG99', 'KOSTRA-gruppe 99', 'kostra_group', NULL, NULL)")
    con.execute("INSERT INTO region_lineage VALUES ('9001', '9001', 'self', true), ('9002', '9002', 'self', true)")
    if membership:
        con.executemany("INSERT INTO kostra_group_membership VALUES (?, ?, ?, ?, false)", membership)
    for view in ("71_age_adjusted_pairs.sql", "72_age_adjusted_split.sql"):
        con.execute((SQL / "views" / view).read_text(encoding="utf-8"))
    return con


def split(con, municipality="9001", reference="EAKUO", from_year=2016) -> pl.DataFrame:
    sql = (SQL / "queries" / "age_adjusted_split.sql").read_text(encoding="utf-8")
    return con.execute(sql, {"municipality": municipality, "reference": reference, "from_year": from_year}).pl()


def row(frame: pl.DataFrame, service: str, year: int = 2024) -> dict:
    rows = frame.filter((pl.col("service") == service) & (pl.col("year") == year) & (pl.col("level") != "age_group"))
    assert rows.height == 1
    return rows.to_dicts()[0]


def age_row(frame: pl.DataFrame, service: str, age: str, year: int = 2024) -> dict:
    rows = frame.filter((pl.col("service") == service) & (pl.col("age_group") == age) & (pl.col("year") == year))
    assert rows.height == 1 and rows["level"][0] == "age_group"
    return rows.to_dicts()[0]


# ------------------------------------------------------------------------------------------- hand-computed example
# Eksempelby (9001): 800 inhabitants 0-66 and 200 aged 67+ (N = 1 000; shares 0,8 and 0,2).
# Landet uten Oslo: 8 500 and 1 500 (shares 0,85 and 0,15).
# Home services   ours: 8 users 0-66 (1 %), 60 users 67+ (30 %), 250 000 kr per recipient
#                 ref.: 85 users (1 %), 375 users (25 %), 200 000 kr
# Long-term stay  ours: 0 and 10 residents (0 % and 5 %), 1 000 000 kr per place
#                 ref.: 0 and 120 residents (0 % and 8 %), 1 200 000 kr
# Home services:  modelled   = (8 + 60) x 250 000                                          = 17 000 000
#                 baseline   = 1 000 x (0,85 x 1 % x 200 000 + 0,15 x 25 % x 200 000)        =  9 200 000
#                 gap        = 17 000 000 - 9 200 000                                       =  7 800 000
#                 demography = 1 000 x (-0,05 x 1 % x 200 000 + 0,05 x 25 % x 200 000)       =  2 400 000
#                 coverage   = 1 000 x (0,8 x 0 x 200 000 + 0,2 x 5 % x 200 000)             =  2 000 000
#                 unit cost  = 1 000 x (0,8 x 1 % x 50 000 + 0,2 x 30 % x 50 000)            =  3 400 000
# Long-term:      modelled   = 10 x 1 000 000                                               = 10 000 000
#                 baseline   = 1 000 x 0,15 x 8 % x 1 200 000                               = 14 400 000
#                 gap                                                                       = -4 400 000
#                 demography = 1 000 x 0,05 x 8 % x 1 200 000                               =  4 800 000
#                 coverage   = 1 000 x 0,2 x (-3 %) x 1 200 000                             = -7 200 000
#                 unit cost  = 1 000 x 0,2 x 5 % x (-200 000)                               = -2 000 000
# Total:          gap 3 400 000 = demography 7 200 000 + coverage -5 200 000 + unit cost 1 400 000
HAND = {
    "home_care": dict(modelled=17_000_000, baseline=9_200_000, gap=7_800_000,
                      demography=2_400_000, coverage=2_000_000, unit_cost=3_400_000),
    "long_term": dict(modelled=10_000_000, baseline=14_400_000, gap=-4_400_000,
                      demography=4_800_000, coverage=-7_200_000, unit_cost=-2_000_000),
    "total": dict(modelled=27_000_000, baseline=23_600_000, gap=3_400_000,
                  demography=7_200_000, coverage=-5_200_000, unit_cost=1_400_000),
}
OURS = dict(pops={"0-66": 800, "67+": 200},
            users={"home_care": {"0-66": 8, "67+": 60}, "long_term": {"0-66": 0, "67+": 10}},
            costs={"home_care": 250_000, "long_term": 1_000_000})
COUNTRY = dict(pops={"0-66": 8_500, "67+": 1_500},
               users={"home_care": {"0-66": 85, "67+": 375}, "long_term": {"0-66": 0, "67+": 120}},
               costs={"home_care": 200_000, "long_term": 1_200_000})


def hand_db(**statuses) -> duckdb.DuckDBPyConnection:
    return method_db(region("9001", "municipality", 2024, **OURS, statuses=statuses.get("ours"))
                     + region("EAKUO", "country", 2024, **COUNTRY, statuses=statuses.get("country")))


@pytest.mark.parametrize("service", ["home_care", "long_term", "total"])
def test_hand_computed_example_to_the_krone(service):
    got = row(split(hand_db()), service)
    for key, expected in HAND[service].items():
        assert round(got[key]) == expected, key
    assert got["reference_name"] == "Landet uten Oslo"
    assert got["population"] == 1_000
    assert got["gap_missing"] == [] and got["demography_missing"] == []


def test_the_age_group_rows_carry_the_inputs_and_add_up_to_their_service():
    got = split(hand_db())
    old = age_row(got, "home_care", "67+")
    assert (old["own_share"], old["reference_share"]) == (0.2, 0.15)
    assert (old["own_coverage"], old["reference_coverage"]) == (0.3, 0.25)
    assert (old["own_users"], old["reference_population"]) == (60, 1_500)
    assert round(old["demography"]) == 2_500_000 and round(age_row(got, "home_care", "0-66")["demography"]) == -100_000
    for service in ("home_care", "long_term"):
        ages = got.filter((pl.col("service") == service) & (pl.col("level") == "age_group"))
        assert ages.height == 2
        for part in ("demography", "coverage", "unit_cost", "gap"):
            assert abs(ages[part].sum() - row(got, service)[part]) < 0.5
    assert row(got, "total")["own_share"] is None  # inputs only on the age-group rows


def test_reference_is_the_kostra_group_of_that_year_or_one_chosen_municipality():
    rows = (region("9001", "municipality", 2024, **OURS) + region("EKG99", "kostra_group", 2024, **COUNTRY)
            + region("9002", "municipality", 2024, **COUNTRY) + region("EAKUO", "country", 2024, **OURS))
    con = method_db(rows, membership=[(2024, "EKG99", "KOSTRA-gruppe 99", "9001")])
    for reference, name in (("group", "KOSTRA-gruppe 99"), ("9002", "Nabobygd")):
        got = row(split(con, reference=reference), "total")
        assert got["reference_name"] == name
        assert {k: round(got[k]) for k in HAND["total"]} == HAND["total"]
    # against itself-shaped country figures every part is zero
    assert all(row(split(con, reference="EAKUO"), "total")[p] == 0 for p in (*PARTS, "gap"))


def test_no_kostra_group_that_year_leaves_every_part_missing_with_the_reason():
    con = method_db(region("9001", "municipality", 2024, **OURS) + region("EKG99", "kostra_group", 2024, **COUNTRY))
    got = row(split(con, reference="group"), "total")
    assert all(got[p] is None for p in (*PARTS, "gap"))
    assert "home_care|reference|population|67+|.." in got["demography_missing"]


def test_suppressed_users_leave_coverage_and_unit_cost_missing_never_zero():
    got = split(hand_db(ours={("home_care", "users", "67+"): ":"}))
    home, total, long_term = row(got, "home_care"), row(got, "total"), row(got, "long_term")
    assert round(home["demography"]) == HAND["home_care"]["demography"]  # needs only inhabitants and the reference
    assert home["coverage"] is None and home["unit_cost"] is None and home["gap"] is None
    assert home["coverage_missing"] == ["home_care|own|users|67+|:"]
    assert home["demography_missing"] == []
    assert total["coverage"] is None and total["gap"] is None and round(total["demography"]) == 7_200_000
    assert round(long_term["coverage"]) == HAND["long_term"]["coverage"]  # the other service is untouched


def test_missing_own_unit_cost_leaves_only_the_unit_cost_part_and_the_gap_missing():
    got = row(split(hand_db(ours={("long_term", "unit_cost", None): ".."})), "long_term")
    assert got["unit_cost"] is None and got["gap"] is None and got["modelled"] is None
    assert round(got["demography"]) == 4_800_000 and round(got["coverage"]) == -7_200_000
    assert got["unit_cost_missing"] == ["long_term|own|unit_cost||.."]


def test_missing_reference_unit_cost_leaves_all_three_parts_missing():
    got = row(split(hand_db(country={("home_care", "unit_cost", None): ".."})), "home_care")
    assert all(got[p] is None for p in (*PARTS, "gap", "baseline"))
    assert round(got["modelled"]) == 17_000_000


def test_years_before_from_year_are_left_out():
    rows = region("9001", "municipality", 2015, **OURS) + region("EAKUO", "country", 2015, **COUNTRY) \
        + region("9001", "municipality", 2016, **OURS) + region("EAKUO", "country", 2016, **COUNTRY)
    got = split(method_db(rows), from_year=2016)
    assert got["year"].unique().to_list() == [2016]
    assert got["level"].to_list() == ["age_group", "age_group", "service"] * 2 + ["total"]


# ------------------------------------------------------------------------------------------- properties

counts = st.integers(min_value=1, max_value=400_000)
costs = st.integers(min_value=10_000, max_value=3_000_000)


@st.composite
def region_inputs(draw, ages=AGES):
    pops = {a: draw(counts) for a in ages}
    users = {s: {a: draw(st.integers(min_value=0, max_value=pops[a])) for a in ages} for s in SERVICES}
    return dict(pops=pops, users=users, costs={s: draw(costs) for s in SERVICES})


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(ours=region_inputs(), ref=region_inputs())
def test_parts_always_sum_to_the_gap(ours, ref):
    got = split(method_db(region("9001", "municipality", 2024, **ours) + region("EAKUO", "country", 2024, **ref)))
    for service in (*SERVICES, "total"):
        r = row(got, service)
        assert all(r[k] is not None for k in (*PARTS, "gap"))
        assert abs(r["demography"] + r["coverage"] + r["unit_cost"] - r["gap"]) < 0.5
        assert abs(r["modelled"] - r["baseline"] - r["gap"]) < 0.5
    home = row(got, "home_care")  # modelled spending is users x unit cost
    assert abs(home["modelled"] - sum(ours["users"]["home_care"].values()) * ours["costs"]["home_care"]) < 0.5


@SETTINGS
@given(ref=region_inputs(), scale=st.integers(min_value=1, max_value=20))
def test_a_municipality_identical_to_the_reference_has_every_part_zero(ref, scale):
    """Identical per inhabitant (any size): same age shares, coverage and unit costs."""
    ours = dict(pops={a: p * scale for a, p in ref["pops"].items()},
                users={s: {a: u * scale for a, u in us.items()} for s, us in ref["users"].items()},
                costs=dict(ref["costs"]))
    got = split(method_db(region("9001", "municipality", 2024, **ours) + region("EAKUO", "country", 2024, **ref)))
    for service in (*SERVICES, "total"):
        r = row(got, service)
        assert [r[k] for k in (*PARTS, "gap")] == [0.0, 0.0, 0.0, 0.0]


@st.composite
def older_pair(draw):
    """Two regions with the same coverage in every age group (users and inhabitants are the same base numbers times
    a factor per age group, so users/inhabitants are equal to the last bit) and the same unit costs, ours with
    relatively more old inhabitants; coverage is higher among the old, as it is in care."""
    base_pop = {a: draw(st.integers(min_value=100, max_value=5_000)) for a in AGES}
    limits = {"0-66": (0.0, 0.05), "67+": (0.06, 0.6)}
    base_users = {s: {a: draw(st.integers(min_value=int(limits[a][0] * base_pop[a]),
                                          max_value=int(limits[a][1] * base_pop[a]))) for a in AGES}
                  for s in SERVICES}
    m_young, m_old = draw(st.integers(20, 200)), draw(st.integers(1, 40))
    n_young = draw(st.integers(20, 200))
    n_old = m_old * n_young // m_young + draw(st.integers(1, 20))  # n_old / n_young > m_old / m_young: ours older
    unit = {s: draw(costs) for s in SERVICES}

    def make(k):
        return dict(pops={a: base_pop[a] * k[a] for a in AGES},
                    users={s: {a: base_users[s][a] * k[a] for a in AGES} for s in SERVICES}, costs=dict(unit))
    return make({"0-66": n_young, "67+": n_old}), make({"0-66": m_young, "67+": m_old})


@SETTINGS
@given(pair=older_pair())
def test_only_an_older_population_gives_only_a_demography_part(pair):
    ours, ref = pair
    got = split(method_db(region("9001", "municipality", 2024, **ours) + region("EAKUO", "country", 2024, **ref)))
    for service in (*SERVICES, "total"):
        r = row(got, service)
        assert r["coverage"] == 0.0 and r["unit_cost"] == 0.0
        assert abs(r["demography"] - r["gap"]) < 0.5
        assert r["demography"] > 0  # more old inhabitants, who use more care: a positive demography part
