"""An SSB stand-in on 127.0.0.1 that behaves like PxWebApi v2 and KLASS v1, for the fetch tests.

Serves `/config`, `/tables?query=`, `/tables/{id}`, `/tables/{id}/metadata` and `/tables/{id}/data`
for every catalogue table from the recorded-style fixtures in tests/fixtures/fetch/ (written by its
make_fixtures.py), with SSB's shapes: JSON-stat 2.0 cut to the selection in the table's dimension
order, problem+json errors (400 "Non-existent value", "Missing selection for mandantory variable",
"Too many cells selected"), and the call limit from `/config` (429 with Retry-After). KLASS answers
from the recorded bodies valid on the requested date.

Scenarios change the served metadata the way SSB's tables change: `rename_table`, `end_table`,
`change_contents_code`, `change_label`, `change_unit` (kr -> 1000 kr), `move_contents` (a variable now in another
table), `remove_contents`; `fail` injects any response (503, HTML, truncated body). `first_contact` is what a
municipality's first live fetch meets (SSB as the second round of evidence shows it): 12209's cost figures are
«Utgifter per …» (KOSBDU…) and the catalogue's 2011 wording is found neither by code nor by label, labels end with
their unit, one guessed code is found by its label, and one entry lives in another table than the catalogue says.

`/tables?query=` matches every word against a table's id, title and the labels of its variables and values (SSB's
search indexes more than the title; a label's words find the table that has it).
"""
from __future__ import annotations

import itertools
import re
import threading
import time
from collections import deque
from pathlib import Path
from typing import Callable

import orjson
from werkzeug import Request, Response

from pipelines import catalogue as cat_mod

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "fetch"
SSB = "/api/pxwebapi/v2"
KLASS = "/api/klass/v1"
# every catalogue table: a table added to the catalogue without a fixture fails here, not in a live fetch
TABLES = tuple(cat_mod.load().tables)


def load(rel: str) -> dict:
    return orjson.loads((FIXTURES / rel).read_bytes())


def problem(status: int, title: str, headers: dict | None = None) -> Response:
    return Response(orjson.dumps({"type": "about:blank", "title": title, "status": status}), status=status,
                    content_type="application/problem+json", headers=headers)


def as_json(doc: dict) -> Response:
    return Response(orjson.dumps(doc), content_type="application/json")


def _selected(dim: str, expr: str, codes: list[str]) -> list[str] | Response:
    if expr == "*":
        return codes
    match = re.fullmatch(r"from\((.+)\)", expr)
    if match:
        return [c for c in codes if c >= match.group(1)]
    match = re.fullmatch(r"top\((\d+)\)", expr)
    if match:
        return codes[-int(match.group(1)):]
    wanted = expr.split(",")
    unknown = [c for c in wanted if c not in codes]
    if unknown:
        return problem(400, f"Non-existent value {unknown[0]} for variable {dim}")
    return wanted


def cut(doc: dict, query: dict[str, str], meta: dict, max_cells: int) -> Response:
    """What PxWebApi answers for `valueCodes[...]`: the selected cells, in the table's dimension order.

    A dimension left out is summed by SSB when it may be eliminated (the fixture then holds the
    eliminated answer), refused when it may not.
    """
    for dim in meta["id"]:
        if dim not in query and not meta["dimension"][dim]["extension"]["elimination"]:
            return problem(400, f"Missing selection for mandantory variable {dim}")
    for dim in query:
        if dim not in meta["dimension"]:
            return problem(400, f"Non-existent variable {dim}")
    picks: list[list[str]] = []
    eliminated = [d for d in doc["id"] if d not in query and meta["dimension"][d]["extension"]["elimination"]
                  and len(doc["id"]) > 1]
    for dim in doc["id"]:
        codes = list(doc["dimension"][dim]["category"]["index"])
        if dim in eliminated:  # SSB sums a dimension the query leaves out (07459's Alder for the total)
            picks.append(codes)
            continue
        if dim not in query:
            return problem(400, f"Selection on {dim} is missing and the fixture cannot eliminate it")
        live = list(meta["dimension"][dim]["category"]["index"])
        chosen = _selected(dim, query[dim], live)
        if isinstance(chosen, Response):
            return chosen
        picks.append([c for c in chosen if c in codes] if len(chosen) else chosen)
    cells = 1
    for d, p in zip(doc["id"], picks):
        cells *= 1 if d in eliminated else len(p)  # SSB counts the cells it answers with
    if cells > max_cells:
        return problem(400, "Too many cells selected")
    sizes = doc["size"]
    strides = [1] * len(sizes)
    for k in range(len(sizes) - 2, -1, -1):
        strides[k] = strides[k + 1] * sizes[k + 1]
    positions = [[doc["dimension"][d]["category"]["index"][c] for c in p] for d, p in zip(doc["id"], picks)]
    status_in = doc.get("status") or {}
    values, status = [], {}
    for combo in itertools.product(*positions):
        flat = sum(p * s for p, s in zip(combo, strides))
        if str(flat) in status_in:
            status[str(len(values))] = status_in[str(flat)]
        values.append(doc["value"][flat])
    if eliminated:
        values, status = _summed(doc["id"], picks, values, status, eliminated)
        picks = [p for d, p in zip(doc["id"], picks) if d not in eliminated]
        doc = {**doc, "id": [d for d in doc["id"] if d not in eliminated],
               "dimension": {d: v for d, v in doc["dimension"].items() if d not in eliminated}}
    out = orjson.loads(orjson.dumps(doc))
    for dim, chosen in zip(doc["id"], picks):
        cat = out["dimension"][dim]["category"]
        live_labels = meta["dimension"][dim]["category"].get("label", {})
        cat["index"] = {c: i for i, c in enumerate(chosen)}
        cat["label"] = {c: live_labels.get(c, cat["label"].get(c, c)) for c in chosen}
        if "unit" in cat:
            cat["unit"] = {c: cat["unit"][c] for c in chosen if c in cat["unit"]}
    out["size"] = [len(p) for p in picks]
    out["value"], out["status"] = values, status
    return as_json(out)


def _summed(ids: list[str], picks: list[list[str]], values: list, status: dict, eliminated: list[str]):
    """Values over `picks` (row-major) with the `eliminated` dimensions summed out: null with the first symbol
    when any summed cell has one, as SSB's elimination never turns a symbol into zero."""
    keep = [k for k, d in enumerate(ids) if d not in eliminated]
    sums: dict[tuple, list] = {}
    for n, combo in enumerate(itertools.product(*[range(len(p)) for p in picks])):
        key = tuple(combo[k] for k in keep)
        cell = sums.setdefault(key, [0.0, None])
        if values[n] is None or cell[0] is None:
            cell[0] = None
            cell[1] = cell[1] or status.get(str(n), "..")
        else:
            cell[0] += values[n]
    out_values, out_status = [], {}
    for n, (value, symbol) in enumerate(sums.values()):
        out_values.append(value)
        if value is None:
            out_status[str(n)] = symbol
    return out_values, out_status


class StandIn:
    """SSB PxWebApi v2 + KLASS v1 from the fixtures, with hooks to make them change or fail."""

    def __init__(self) -> None:
        self.config = load("config.json")
        self.tables = {t: load(f"tables/{t}.json") for t in TABLES}
        self.metadata = {t: load(f"metadata/{t}.json") for t in TABLES}
        self.data = {t: load(f"data/{t}.json") for t in TABLES}
        self.klass = {p.stem: orjson.loads(p.read_bytes()) for p in (FIXTURES / "klass").glob("*.json")}
        self.fail: Callable[[Request], Response | None] = lambda request: None
        self.enforce_call_limit = False
        self.retry_after = "1"
        self._calls: deque[float] = deque()
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- scenarios

    def rename_table(self, old: str, new: str) -> None:
        """SSB replaced table `old` by `new` (same content, new id): `old` answers 404."""
        for store in (self.tables, self.metadata, self.data):
            store[new] = orjson.loads(orjson.dumps(store.pop(old)))
        self.tables[new]["id"] = new
        self.tables[new]["label"] = self.tables[new]["label"].replace(old, new)

    def end_table(self, table_id: str) -> None:
        self.tables[table_id]["discontinued"] = True

    def change_contents_code(self, table_id: str, old: str, new: str) -> None:
        for doc in (self.metadata[table_id], self.data[table_id]):
            cat = doc["dimension"]["ContentsCode"]["category"]
            cat["index"] = {(new if c == old else c): i for c, i in cat["index"].items()}
            cat["label"] = {(new if c == old else c): v for c, v in cat["label"].items()}
            if "unit" in cat:
                cat["unit"] = {(new if c == old else c): v for c, v in cat["unit"].items()}

    def change_label(self, table_id: str, code: str, label: str) -> None:
        self.metadata[table_id]["dimension"]["ContentsCode"]["category"]["label"][code] = label

    def change_unit(self, table_id: str, code: str, base: str, label: str, scale: float = 1.0) -> None:
        """SSB publishes `code` in another unit from now on (kr -> 1000 kr): label suffix, metadata unit and the
        values (divided by `scale`) change together, as in a new edition of the table."""
        for doc in (self.metadata[table_id], self.data[table_id]):
            cat = doc["dimension"]["ContentsCode"]["category"]
            cat["label"][code] = label
            cat.setdefault("unit", {})[code] = {**cat.get("unit", {}).get(code, {"decimals": 0}), "base": base}
            if "value" in doc and scale != 1.0:
                cells = _cells(doc)
                _set_contents(doc, _contents(doc), {k: ((v / scale if v is not None else None), st) if
                                                    _key_contents(doc, k) == code else (v, st)
                                                    for k, (v, st) in cells.items()})

    def add_contents(self, table_id: str, code: str, label: str, like: str, unit: dict | None = None) -> None:
        """A new variable with the values of `like` (e.g. a second code under the same label)."""
        for doc in (self.metadata[table_id], self.data[table_id]):
            cells = _cells(doc)
            i = doc["id"].index("ContentsCode")
            copies = {k[:i] + (code,) + k[i + 1:]: v for k, v in cells.items() if k[i] == like}
            _set_contents(doc, {**_contents(doc), code: label}, {**cells, **copies})
            if unit is not None:
                doc["dimension"]["ContentsCode"]["category"].setdefault("unit", {})[code] = unit

    def move_contents(self, from_table: str, code: str, to_table: str) -> None:
        """SSB publishes `code` in `to_table` (same regions and years) and no longer in `from_table`."""
        label = _contents(self.metadata[from_table])[code]
        unit = self.metadata[from_table]["dimension"]["ContentsCode"]["category"].get("unit", {}).get(code)
        moved = {k: v for k, v in _cells(self.data[from_table]).items() if _key_contents(self.data[from_table], k) == code}
        for doc in (self.metadata[from_table], self.data[from_table]):
            _set_contents(doc, {c: lab for c, lab in _contents(doc).items() if c != code},
                          {k: v for k, v in _cells(doc).items() if _key_contents(doc, k) != code})
        for doc in (self.metadata[to_table], self.data[to_table]):
            _set_contents(doc, {**_contents(doc), code: label}, {**_cells(doc), **moved})
            if unit is not None:
                doc["dimension"]["ContentsCode"]["category"].setdefault("unit", {})[code] = unit

    def remove_contents(self, table_id: str, code: str) -> None:
        """SSB no longer has `code` in `table_id` (a variable from an older KOSTRA wording)."""
        for doc in (self.metadata[table_id], self.data[table_id]):
            _set_contents(doc, {c: lab for c, lab in _contents(doc).items() if c != code},
                          {k: v for k, v in _cells(doc).items() if _key_contents(doc, k) != code})

    def first_contact(self) -> dict[str, str]:
        """SSB as a municipality's first live fetch meets it (second round of evidence, December 2026).

        - 12209 names its cost figures «Utgifter per …» with codes beginning KOSBDU; the catalogue's 2011 wording
          («Korrigerte brutto driftsutgifter pr. mottaker …», «… andel av netto driftsutgifter til plo») and its
          guessed codes are not there at all: found neither by code nor by label.
        - every label ends with its unit, «(antall)», «(prosent)», «(kr)», as SSB's API sends them;
        - municipal places sit under another code than the catalogue's guess, same label: found by label;
        - cost per municipal place is in 12209, not 12293 where the catalogue's inference put it: found elsewhere.
        12292 has no inhabitants by age and 07459 comes by one-year age (the fixtures as recorded).
        The KOSBDU codes and labels besides KOSBDU253261oppd0000 are the stand-in's (SSB's are not public).

        Returns what each affected entry should come to: 'resolved', 'moved' or 'not_found' (a person must choose)."""
        self.add_contents("12209", "KOSBDU254mott0000", "Utgifter per mottaker av hjemmetjenester (kr)",
                          like="KOSkorrbrmotthj0000", unit={"base": "kr", "decimals": 0})
        self.add_contents("12209", "KOSBDUpleieinnb0000", "Utgifter til omsorgstjenester per innbygger (kr)",
                          like="KOSnettoploinnb0000", unit={"base": "kr", "decimals": 0})
        gone = {"home_care_cost_per_recipient": "KOSkorrbrmotthj0000",
                "care_net_expenditure_per_inhabitant": "KOSnettoploinnb0000",
                "home_care_share_of_care_net_expenditure": "KOSandelf2540000",
                "institution_share_of_care_net_expenditure": "KOSandelf2530000",
                "premises_share_of_care_net_expenditure": "KOSandelf2610000",
                "activity_share_of_care_net_expenditure": "KOSandelf2340000"}
        for code in gone.values():
            self.remove_contents("12209", code)
        self.change_contents_code("11875", "KOSinstkommplass0000", "KOSinstkommdrift0000")
        self.move_contents("12293", "KOSKBDUplass0000", "12209")
        for table_id in ("12209", "12292", "12293", "11875"):
            self.with_unit_suffixes(table_id)
        return {**{ind: "not_found" for ind in gone}, "municipal_institution_places": "resolved",
                "institution_cost_per_place": "moved"}

    def with_unit_suffixes(self, table_id: str) -> None:
        """Labels as SSB's API sends them: ending with the unit, «… (antall)», «… (prosent)», «… (kr)»."""
        suffix = {"kr": "kr", "prosent": "prosent", "antall": "antall", "1000 kr": "1000 kr"}
        for doc in (self.metadata[table_id], self.data[table_id]):
            cat = doc["dimension"]["ContentsCode"]["category"]
            for code, label in cat["label"].items():
                base = (cat.get("unit", {}).get(code) or {}).get("base")
                if base in suffix and not re.search(r"\([^()]*\)\s*$", label):
                    cat["label"][code] = f"{label} ({suffix[base]})"

    def updated(self, table_id: str, when: str) -> None:
        """SSB published a new edition of the table."""
        self.tables[table_id]["updated"] = when
        self.metadata[table_id]["updated"] = when
        self.data[table_id]["updated"] = when

    # ---------------------------------------------------------------- serving

    def _over_call_limit(self) -> bool:
        now = time.monotonic()
        window = float(self.config["timeWindow"])
        with self._lock:
            while self._calls and self._calls[0] <= now - window:
                self._calls.popleft()
            if len(self._calls) >= int(self.config["maxCallsPerTimeWindow"]):
                return True
            self._calls.append(now)
            return False

    def __call__(self, request: Request) -> Response:
        failure = self.fail(request)
        if failure is not None:
            return failure
        if request.path.startswith(KLASS + "/"):
            return self.klass_answer(request.path[len(KLASS):], request.args)
        if self.enforce_call_limit and self._over_call_limit():
            return problem(429, "Too Many Requests", {"Retry-After": self.retry_after})
        path = request.path[len(SSB):]
        if path == "/config":
            return as_json(self.config)
        if path == "/tables":
            return as_json(self.search(request.args.get("query", "")))
        match = re.fullmatch(r"/tables/(\w+)(/metadata|/data)?", path)
        if not match or match.group(1) not in self.tables:
            return problem(404, f"Table {match.group(1) if match else path} not found")
        table_id, part = match.groups()
        if part is None:
            return as_json(self.tables[table_id])
        if part == "/metadata":
            return as_json(self.metadata[table_id])
        query = {m.group(1): v for k, v in request.args.items() if (m := re.fullmatch(r"valueCodes\[(.+)\]", k))}
        return cut(self.data[table_id], query, self.metadata[table_id], self.config["maxDataCells"])

    def search(self, query: str) -> dict:
        """`/tables?query=`: tables whose id, title or variable and value labels contain every word of the query."""
        words = [w.casefold() for w in query.split() if w]

        def text(t: dict) -> str:
            meta = self.metadata.get(t["id"], {})
            labels = [lab for d in meta.get("dimension", {}).values()
                      for lab in [d.get("label", ""), *d.get("category", {}).get("label", {}).values()]]
            return " ".join([t["id"], t["label"], *labels]).casefold()
        hits = [t for t in self.tables.values() if all(w in text(t) for w in words)]
        tables = [{"type": "Table", **{k: t.get(k) for k in (
            "id", "label", "description", "updated", "firstPeriod", "lastPeriod", "category", "variableNames",
            "discontinued", "source", "subjectCode", "timeUnit", "links")}} for t in hits]
        return {"language": "no", "tables": tables,
                "page": {"pageNumber": 1, "pageSize": 20, "totalElements": len(tables), "totalPages": 1,
                         "links": []}, "links": []}

    def klass_answer(self, path: str, args) -> Response:
        """The recorded body valid on the requested date, as KLASS answers any date."""
        match = re.fullmatch(r"/classifications/(\d+)/(codesAt|changes|correspondsAt)\.json", path)
        if not match:
            return problem(404, "Not found")
        cls, kind = match.groups()
        if kind == "changes":
            body = next(b for name, b in self.klass.items() if name.startswith(f"{cls}_changes_"))
            items = [c for c in body["codeChanges"] if args["from"] <= c["changeOccurred"] <= args["to"]]
            return as_json({"codeChanges": items})
        prefix = f"{cls}_{kind}_" + (f"{args['targetClassificationId']}_" if kind == "correspondsAt" else "")
        dated = sorted((name[len(prefix):], body) for name, body in self.klass.items() if name.startswith(prefix))
        valid = [body for date, body in dated if date <= args["date"]]
        if not valid:
            return problem(404, f"No version of classification {cls} valid at {args['date']}")
        return as_json(valid[-1])


# ---------------------------------------------------------------- cells of a JSON-stat document, by code


class VirtualTime:
    """A clock that moves only when the client sleeps. With a no-op sleep on the real clock, the client's rate limiter
    (SSB's 30 calls a minute) would spin until the window really passed: a fetch split into many queries took minutes
    of busy waiting. Here it waits the window out at once, and the limiter's arithmetic is still what runs."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def limit_in_virtual_time(monkeypatch) -> None:
    """SSB's call limit (the stand-in's /config: 30 calls a minute) kept in VirtualTime by every SSB client made
    without a clock of its own, as the command line makes them: a `catalogue check` or `fetch` of more than 30 calls
    waited a real minute for the window, in a test where the limit is not what is tested. The limiter still counts
    every call and waits out the window; only its wait takes no time. The tests of the limit itself
    (test_http_client.py, test_fetch.py's call-limit test) give a clock, or do not use this."""
    from pipelines import http_client
    real = http_client.SlidingWindowLimiter

    def limiter(max_calls, window, *, clock=time.monotonic, sleep=time.sleep):
        if clock is time.monotonic and sleep is time.sleep:
            virtual = VirtualTime()
            clock, sleep = virtual.clock, virtual.sleep
        return real(max_calls, window, clock=clock, sleep=sleep)

    monkeypatch.setattr(http_client, "SlidingWindowLimiter", limiter)


def answer_on(server, monkeypatch, services: StandIn | None = None) -> StandIn:
    """The stand-in answering every request on the loopback `server` (tests/pipelines/conftest.py), and the clients'
    SSB_API_URL and KLASS_API_URL pointing at it through `monkeypatch` (a test's own, or a module fixture's
    pytest.MonkeyPatch()); returns the stand-in so a test can change or fail what it serves."""
    services = services or StandIn()
    server.clear()
    server.expect_request(re.compile(".*")).respond_with_handler(services)
    monkeypatch.setenv("SSB_API_URL", server.url_for(SSB))
    monkeypatch.setenv("KLASS_API_URL", server.url_for(KLASS))
    return services


def _contents(doc: dict) -> dict[str, str]:
    cat = doc["dimension"]["ContentsCode"]["category"]
    return {c: cat["label"].get(c, c) for c in sorted(cat["index"], key=cat["index"].get)}


def _key_contents(doc: dict, key: tuple) -> str:
    return key[doc["id"].index("ContentsCode")]


def _cells(doc: dict) -> dict[tuple, tuple]:
    """(code per dimension, in doc order) -> (value, status); empty for metadata (no values)."""
    if "value" not in doc:
        return {}
    codes = [sorted(doc["dimension"][d]["category"]["index"], key=doc["dimension"][d]["category"]["index"].get)
             for d in doc["id"]]
    status = doc.get("status") or {}
    return {combo: (doc["value"][n], status.get(str(n))) for n, combo in enumerate(itertools.product(*codes))}


def _set_contents(doc: dict, contents: dict[str, str], cells: dict[tuple, tuple]) -> None:
    """Rewrite ContentsCode (codes and labels) and, for data, the values in row-major order ('..' where none)."""
    cat = doc["dimension"]["ContentsCode"]["category"]
    units = cat.get("unit", {})
    cat["index"] = {c: i for i, c in enumerate(contents)}
    cat["label"] = dict(contents)
    if "unit" in cat:
        cat["unit"] = {c: units.get(c, {"base": "", "decimals": 0}) for c in contents}
    doc["size"] = [len(doc["dimension"][d]["category"]["index"]) for d in doc["id"]]
    if "value" not in doc:
        return
    codes = [sorted(doc["dimension"][d]["category"]["index"], key=doc["dimension"][d]["category"]["index"].get)
             for d in doc["id"]]
    values, status = [], {}
    for n, combo in enumerate(itertools.product(*codes)):
        value, symbol = cells.get(combo, (None, ".."))
        values.append(value)
        if symbol is not None:
            status[str(n)] = symbol
    doc["value"], doc["status"] = values, status
