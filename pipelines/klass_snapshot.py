"""Writes the embedded KLASS responses (data/raw/klass/) from the facts in data/reference/klass/.

The build reads KLASS bodies only, so the offline snapshot has to look exactly like what a live
fetch records. Municipality and county codes are real (reconstructed from public lists, see
data/reference/klass/README.md). KOSTRA group membership cannot be known offline: it is generated
here, deterministically, and every 112 file carries `"_kostra_dashboard": {"demo": true}` so the
dashboard labels it as demo data.

Run: .venv/bin/python -m pipelines.klass_snapshot
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import orjson

from pipelines import klass

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT / "data" / "reference" / "klass"
OUT = ROOT / "data" / "raw" / "klass"
API = "https://data.ssb.no/api/klass/v1/classifications"

SNAPSHOT_DATES = ("2019-01-01", "2020-01-01", "2024-01-01")
CHANGES_WINDOW = ("2015-01-01", "2026-01-01")
GROUP_YEARS = range(2015, 2025)
NEW_GROUPING_FROM = 2020

# Which municipality list was valid on 1 January of a year (lists change only on 1 January).
LIST_IN_FORCE = (
    (dt.date(2024, 1, 1), "2024"),
    (dt.date(2020, 1, 1), "2020"),
    (dt.date(2018, 1, 1), "2019"),
    (dt.date(2017, 1, 1), "2017"),
    (dt.date(1900, 1, 1), "2016"),
)

REAL = {"demo": False, "note": "Rekonstruert fra offentlige kilder, ikke hentet direkte fra KLASS"}
DEMO = {"demo": True, "note": "Syntetisk gruppeinndeling (demodata)"}

# Demo grouping inputs, keyed by today's municipality code so a renumbered municipality keeps its group.
OSLO = "0301"
BIG_THREE = {"4601", "5001", "1103"}  # Bergen, Trondheim, Stavanger
LARGE = {
    "3909", "3905", "4001", "4003", "4203", "3907", "3301", "3107", "3105", "4204", "3201", "3203",
    "3205", "3222", "3207", "3209", "1108", "1804", "5501", "1508", "1106", "1149", "3103", "3101",
    "3403", "3405", "3407", "3411", "1506", "3303", "3305", "3901", "4627", "4626", "5035", "3911",
    "3903", "3312", "3314", "4614", "1124", "5037", "5503", "5601", "1833", "1505", "3420", "4202",
    "3232",
}


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(FACTS / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _municipality_lists() -> dict[str, dict[str, str]]:
    return {
        label: {row["code"]: row["name"] for row in _read_csv(f"municipalities_{label}.csv")}
        for label in ("2016", "2017", "2019", "2020", "2024")
    }


def _list_at(date: dt.date) -> str:
    return next(label for start, label in LIST_IN_FORCE if date >= start)


def _code_item(code: str, name: str, valid_from: str | None, valid_to: str | None) -> dict:
    return {
        "code": code,
        "parentCode": None,
        "level": "1",
        "name": name,
        "shortName": "",
        "presentationName": "",
        "validFrom": valid_from,
        "validTo": valid_to,
        "notes": "",
    }


def _write(name: str, body: dict, url: str, index: list[dict]) -> None:
    payload = orjson.dumps(body)
    (OUT / name).write_bytes(payload)
    index.append({"path": name, "url": url, "is_demo": body[klass.OUR_KEY]["demo"], "bytes": len(payload)})


def _version_end(date: str) -> str | None:
    later = [d for d in SNAPSHOT_DATES if d > date]
    return later[0] if later else None


def write_municipalities(lists: dict[str, dict[str, str]], index: list[dict]) -> None:
    for date in SNAPSHOT_DATES:
        names = lists[_list_at(dt.date.fromisoformat(date))]
        codes = [_code_item(c, n, date, _version_end(date)) for c, n in sorted(names.items())]
        _write(
            f"131_codesAt_{date}.json",
            {"codes": codes, klass.OUR_KEY: REAL},
            f"{API}/131/codesAt.json?date={date}&language=nb",
            index,
        )


def write_counties(index: list[dict]) -> None:
    rows = _read_csv("counties.csv")
    for date in SNAPSHOT_DATES:
        codes = [_code_item(r["code"], r["name"], date, _version_end(date)) for r in rows if r["snapshot_date"] == date]
        _write(
            f"104_codesAt_{date}.json",
            {"codes": codes, klass.OUR_KEY: REAL},
            f"{API}/104/codesAt.json?date={date}&language=nb",
            index,
        )


def write_changes(lists: dict[str, dict[str, str]], index: list[dict]) -> None:
    items = []
    for row in _read_csv("municipality_changes.csv"):
        when = dt.date.fromisoformat(row["change_date"])
        before = lists[_list_at(when - dt.timedelta(days=1))]
        after = lists[_list_at(when)]
        items.append(
            {
                "oldCode": row["old_code"],
                "oldName": before[row["old_code"]],
                "oldShortName": "",
                "newCode": row["new_code"],
                "newName": after[row["new_code"]],
                "newShortName": "",
                "changeOccurred": row["change_date"],
            }
        )
    start, end = CHANGES_WINDOW
    _write(
        f"131_changes_{start}_{end}.json",
        {"codeChanges": items, klass.OUR_KEY: REAL},
        f"{API}/131/changes.json?from={start}&to={end}&language=nb",
        index,
    )


def demo_group(today_code: str, year: int) -> int | None:
    """Synthetic KOSTRA group number. Oslo stands alone; Bergen/Trondheim/Stavanger and a fixed list of
    large municipalities get their own groups (before 2020 the large ones are group 13, as in the
    seed where Larvik is in KOSTRA-gruppe 13); the rest are spread over the remaining groups by code."""
    if today_code == OSLO:
        return None
    if year < NEW_GROUPING_FROM:
        if today_code in BIG_THREE:
            return 14
        if today_code in LARGE:
            return 13
        pool = [*range(1, 13), 15, 16]
        return pool[int(today_code) * 37 % len(pool)]
    if today_code in BIG_THREE:
        return 16
    if today_code in LARGE:
        return 14
    pool = [*range(1, 14), 15]
    return pool[(int(today_code) * 53 + 5) % len(pool)]


def write_groups(lists: dict[str, dict[str, str]], index: list[dict]) -> None:
    changes = klass.load_changes(OUT)
    today = {}
    for code, current, _ in klass.lineage(changes).iter_rows():
        today.setdefault(code, current)  # a split code follows its first successor
    for year in GROUP_YEARS:
        date = f"{year}-01-01"
        old_grouping = year < NEW_GROUPING_FROM
        valid_from, valid_to = ("2015-01-01", "2020-01-01") if old_grouping else ("2020-01-01", None)
        groups = [_code_item(f"EKG{n:02d}", f"KOSTRA-gruppe {n}", valid_from, valid_to) for n in range(1, 17)]
        _write(
            f"112_codesAt_{date}.json",
            {"codes": groups, klass.OUR_KEY: DEMO},
            f"{API}/112/codesAt.json?date={date}&language=nb",
            index,
        )
        items = []
        for code, name in sorted(lists[_list_at(dt.date(year, 1, 1))].items()):
            number = demo_group(today.get(code, code), year)
            if number is None:
                continue
            items.append(
                {
                    "sourceCode": f"EKG{number:02d}",
                    "sourceName": f"KOSTRA-gruppe {number}",
                    "sourceShortName": "",
                    "targetCode": code,
                    "targetName": name,
                    "targetShortName": "",
                }
            )
        items.sort(key=lambda i: (i["sourceCode"], i["targetCode"]))
        _write(
            f"112_correspondsAt_131_{date}.json",
            {"correspondenceItems": items, klass.OUR_KEY: DEMO},
            f"{API}/112/correspondsAt.json?targetClassificationId=131&date={date}&language=nb",
            index,
        )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    lists = _municipality_lists()
    index: list[dict] = []
    write_municipalities(lists, index)
    write_counties(index)
    write_changes(lists, index)
    write_groups(lists, index)
    (OUT / "index.json").write_bytes(
        orjson.dumps(
            {
                "source": "KLASS v1 (SSB), rekonstruert offline; se data/reference/klass/README.md",
                "accept": "application/json",
                "files": index,
            },
            option=orjson.OPT_INDENT_2,
        )
    )
    print(f"Skrev {len(index)} KLASS-filer til {OUT}")


if __name__ == "__main__":
    main()
