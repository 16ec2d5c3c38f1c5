"""The SSB/KLASS client against a real HTTP server on 127.0.0.1 with injected faults.

Sleeps go through an injected fake clock, so Retry-After and rate limits are checked by what the
client asked to wait, never by measuring time.
"""
from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections import Counter
from email.utils import formatdate
from pathlib import Path

import orjson
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from pipelines.http_client import (
    USER_AGENT,
    FetchError,
    KlassClient,
    SlidingWindowLimiter,
    SsbClient,
    estimate_cells,
    halve_selection,
    normalise_selection,
    split_selection,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "http"
BASE = "/api/pxwebapi/v2"
DATA_PATH = f"{BASE}/tables/12292/data"
REGION = "KOKkommuneregion0000"
REGIONS = ["3805", "3806", "3807", "3803", "4203", "EKG13", "EAKUO"]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def config_body(**overrides: int) -> bytes:
    doc = orjson.loads(fixture("config.json"))
    doc.update(overrides)
    return orjson.dumps(doc)


class FakeClock:
    """Monotonic time that only moves when the client sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def dataset_for(regions: list[str], years: list[str]) -> bytes:
    """A JSON-stat 2.0 body shaped like data-12292.json for the requested slice."""
    doc = orjson.loads(fixture("data-12292.json"))
    dims = doc["dimension"]
    dims[REGION]["category"] = {
        "index": {code: i for i, code in enumerate(regions)},
        "label": {code: f"Region {code}" for code in regions},
    }
    dims["Tid"]["category"] = {
        "index": {year: i for i, year in enumerate(years)},
        "label": {year: year for year in years},
    }
    doc["size"] = [len(regions), 1, len(years)]
    doc["value"] = list(range(len(regions) * len(years)))
    doc.pop("status", None)
    return orjson.dumps(doc)


@pytest.fixture(scope="module")
def _server():
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def httpserver(_server):
    """pytest-httpserver on 127.0.0.1, threaded so a deliberately slow handler blocks nobody."""
    yield _server
    _server.clear()


@pytest.fixture
def fake():
    return FakeClock()


@pytest.fixture
def client(httpserver, fake):
    with SsbClient(
        httpserver.url_for(BASE), timeout=(2, 5), retries=3, backoff_factor=0.01, body_retries=1,
        clock=fake.clock, sleep=fake.sleep,
    ) as c:
        yield c


def serve_config(httpserver, **overrides: int) -> None:
    httpserver.expect_request(f"{BASE}/config").respond_with_data(
        config_body(**overrides), content_type="application/json",
    )


def data_requests(httpserver) -> list[Request]:
    return [req for req, _ in httpserver.log if req.path == DATA_PATH]


SELECTION = {REGION: ["3805", "EKG13", "EAKUO"], "ContentsCode": ["KOSkjernetotalt0000"], "Tid": "top(2)"}


# ---------------------------------------------------------------------------- success paths

def test_data_returns_exact_bytes_with_url_time_and_hash(httpserver, client):
    serve_config(httpserver)
    body = fixture("data-12292.json")
    httpserver.expect_request(DATA_PATH).respond_with_data(body, content_type="application/json")

    parts = client.data("12292", SELECTION)

    assert len(parts) == 1
    part = parts[0]
    assert part.body == body
    assert part.sha256 == hashlib.sha256(body).hexdigest()
    assert part.fetched_at.tzinfo is not None
    assert "valueCodes[KOKkommuneregion0000]=3805,EKG13,EAKUO" in part.url
    assert "outputFormat=json-stat2" in part.url and "lang=no" in part.url
    (request,) = data_requests(httpserver)
    assert request.args["valueCodes[Tid]"] == "top(2)"
    assert request.args["valueCodes[ContentsCode]"] == "KOSkjernetotalt0000"
    assert request.args["outputFormat"] == "json-stat2"


def test_config_is_read_once_and_sets_the_rate_limit(httpserver, client):
    serve_config(httpserver, maxCallsPerTimeWindow=7, timeWindow=11, maxDataCells=1234)

    first = client.config()
    second = client.config()

    assert first["maxDataCells"] == 1234 and second is first
    assert sum(1 for req, _ in httpserver.log if req.path == f"{BASE}/config") == 1
    assert (client.limiter.max_calls, client.limiter.window) == (7, 11.0)


def test_config_without_limits_is_refused(httpserver, client):
    httpserver.expect_request(f"{BASE}/config").respond_with_json({"apiVersion": "2.0"})
    with pytest.raises(FetchError, match="maxDataCells"):
        client.config()


def test_table_and_metadata_use_the_v2_paths_and_params(httpserver, client):
    table = fixture("table-12292.json")
    meta = fixture("metadata-12292.json")
    httpserver.expect_request(f"{BASE}/tables/12292", query_string={"lang": "no"}).respond_with_data(
        table, content_type="application/json")
    httpserver.expect_request(
        f"{BASE}/tables/12292/metadata", query_string={"lang": "no", "outputFormat": "json-stat2"},
    ).respond_with_data(meta, content_type="application/json")

    assert client.table("12292")["updated"] == "2025-06-16T06:00:00Z"
    assert client.table_raw("12292") == table
    assert client.metadata("12292")["id"] == ["KOKkommuneregion0000", "ContentsCode", "Tid"]
    assert client.metadata_raw("12292") == meta


def test_user_agent_and_accept_headers_are_sent(httpserver, client):
    serve_config(httpserver)
    client.config()
    (request, _), = httpserver.log
    assert request.headers["User-Agent"] == USER_AGENT
    assert "kostra-pleie-omsorg" in request.headers["User-Agent"]
    assert "application/json" in request.headers["Accept"]


# ---------------------------------------------------------------------------- retries

def test_429_with_retry_after_seconds_is_waited_out_then_retried(httpserver, client, fake):
    httpserver.expect_oneshot_request(f"{BASE}/config").respond_with_data(
        fixture("problem-429.json"), status=429, headers={"Retry-After": "1"},
        content_type="application/problem+json")
    serve_config(httpserver)

    assert client.config()["maxDataCells"] == 800000
    assert len(httpserver.log) == 2
    assert [status for _, resp in httpserver.log for status in [resp.status_code]] == [429, 200]
    assert 1.0 in fake.sleeps


def test_429_with_retry_after_http_date_is_honoured(httpserver, client, fake):
    when = formatdate(time.time() + 30, usegmt=True)
    httpserver.expect_oneshot_request(f"{BASE}/config").respond_with_data(
        fixture("problem-429.json"), status=429, headers={"Retry-After": when})
    serve_config(httpserver)

    client.config()
    assert len(httpserver.log) == 2
    assert any(25 <= s <= 31 for s in fake.sleeps), fake.sleeps


def test_429_that_never_ends_names_the_limit(httpserver, client):
    httpserver.expect_request(f"{BASE}/config").respond_with_data(
        fixture("problem-429.json"), status=429, headers={"Retry-After": "1"})
    with pytest.raises(FetchError, match="HTTP 429") as err:
        client.config()
    assert err.value.status == 429
    assert len(httpserver.log) == 4  # 1 + 3 retries


def test_500_then_503_then_success(httpserver, client, fake):
    httpserver.expect_oneshot_request(f"{BASE}/config").respond_with_data("feil", status=500)
    httpserver.expect_oneshot_request(f"{BASE}/config").respond_with_data("borte", status=503)
    serve_config(httpserver)

    assert client.config()["timeWindow"] == 60
    assert [resp.status_code for _, resp in httpserver.log] == [500, 503, 200]
    assert fake.sleeps and all(s < 1 for s in fake.sleeps)  # backoff used, and tiny in tests


def test_persistent_503_gives_fetch_error_after_all_tries(httpserver, client):
    httpserver.expect_request(f"{BASE}/config").respond_with_data("borte", status=503)
    with pytest.raises(FetchError) as err:
        client.config()
    assert err.value.status == 503
    assert "HTTP 503" in str(err.value) and "4 forsøk" in str(err.value)
    assert err.value.url.endswith("/config")
    assert len(httpserver.log) == 4


class SlowHandler:
    """Sleeps longer than the client's read timeout on the first `slow_calls` requests.

    The server finishes (and logs) a slow request after the client has given up, so a test using this handler
    calls wait_idle() before it ends: otherwise that late log entry lands in the next test's httpserver.log."""

    def __init__(self, slow_calls: int, body: bytes) -> None:
        self.slow_calls = slow_calls
        self.body = body
        self.calls = 0
        self.in_flight = 0
        self.lock = threading.Condition()

    def __call__(self, request: Request) -> Response:
        with self.lock:
            self.calls += 1
            slow = self.calls <= self.slow_calls
            self.in_flight += 1
        try:
            if slow:
                time.sleep(0.6)
            return Response(self.body, content_type="application/json")
        finally:
            with self.lock:
                self.in_flight -= 1
                self.lock.notify_all()

    def wait_idle(self, timeout: float = 5) -> None:
        with self.lock:
            assert self.lock.wait_for(lambda: self.in_flight == 0, timeout), "slow requests still running"
        time.sleep(0.05)  # the server logs the exchange just after the handler returns


def test_read_timeout_then_success(httpserver, fake):
    handler = SlowHandler(1, config_body())
    httpserver.expect_request(f"{BASE}/config").respond_with_handler(handler)
    with SsbClient(httpserver.url_for(BASE), timeout=(1, 0.2), retries=2, backoff_factor=0,
                   clock=fake.clock, sleep=fake.sleep) as c:
        assert c.config()["maxDataCells"] == 800000
    assert handler.calls == 2
    handler.wait_idle()


def test_persistent_read_timeout_gives_fetch_error(httpserver, fake):
    handler = SlowHandler(99, config_body())
    httpserver.expect_request(f"{BASE}/config").respond_with_handler(handler)
    with SsbClient(httpserver.url_for(BASE), timeout=(1, 0.2), retries=1, backoff_factor=0,
                   clock=fake.clock, sleep=fake.sleep) as c:
        with pytest.raises(FetchError, match="svarte ikke innen 0.2 sekunder") as err:
            c.config()
    assert err.value.url.endswith("/config")
    assert handler.calls == 2
    handler.wait_idle()


def test_connection_refused_gives_fetch_error(fake):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with SsbClient(f"http://127.0.0.1:{port}{BASE}", retries=1, backoff_factor=0,
                   clock=fake.clock, sleep=fake.sleep) as c:
        with pytest.raises(FetchError, match="Fikk ikke kontakt med SSB"):
            c.config()


# ---------------------------------------------------------------------------- broken bodies

def short_body_handler(body: bytes, *, missing: int = 500, times: int = 99):
    calls = {"n": 0}

    def handler(request: Request) -> Response:
        calls["n"] += 1
        response = Response(body, content_type="application/json")
        if calls["n"] <= times:
            response.headers["Content-Length"] = str(len(body) + missing)
        return response

    return handler, calls


def test_truncated_body_is_retried_then_fails_clearly(httpserver, client):
    serve_config(httpserver)
    handler, calls = short_body_handler(fixture("data-12292.json"))
    httpserver.expect_request(DATA_PATH).respond_with_handler(handler)

    with pytest.raises(FetchError, match="avbrutt før det var komplett") as err:
        client.data("12292", SELECTION)
    assert "500 byte manglet" in str(err.value)
    assert "tabell 12292" in str(err.value)
    assert err.value.url and "/tables/12292/data" in err.value.url
    assert calls["n"] == 2  # first try + body_retries=1


def test_truncated_body_once_then_complete(httpserver, client):
    serve_config(httpserver)
    body = fixture("data-12292.json")
    handler, calls = short_body_handler(body, times=1)
    httpserver.expect_request(DATA_PATH).respond_with_handler(handler)

    (part,) = client.data("12292", SELECTION)
    assert part.body == body
    assert calls["n"] == 2


def test_body_cut_inside_json_names_the_byte(httpserver, client):
    serve_config(httpserver)
    httpserver.expect_request(DATA_PATH).respond_with_data(
        fixture("data-12292.json")[:1234], content_type="application/json")
    with pytest.raises(FetchError) as err:
        client.data("12292", SELECTION)
    assert "Svaret fra SSB for tabell 12292 var ikke gyldig JSON (avkortet ved byte 1234)" in str(err.value)


def test_html_error_page_with_200_is_not_json(httpserver, client):
    serve_config(httpserver)
    httpserver.expect_request(DATA_PATH).respond_with_data(
        fixture("error-page.html"), content_type="text/html")
    with pytest.raises(FetchError) as err:
        client.data("12292", SELECTION)
    message = str(err.value)
    assert "ikke gyldig JSON" in message and "HTML" in message
    assert "midlertidig utilgjengelig" in message
    assert DATA_PATH in message


def test_json_that_is_not_a_dataset_is_refused(httpserver, client):
    serve_config(httpserver)
    httpserver.expect_request(DATA_PATH).respond_with_json({"class": "collection", "link": {}})
    with pytest.raises(FetchError, match="ikke et JSON-stat-datasett"):
        client.data("12292", SELECTION)


# ---------------------------------------------------------------------------- SSB's own errors

@pytest.mark.parametrize("name, text", [
    ("problem-400-non-existent-value.json", "Non-existent value"),
    ("problem-400-missing-selection.json", "Missing selection for mandantory variable"),
])
def test_400_carries_ssb_message_and_is_not_retried(httpserver, client, name, text):
    serve_config(httpserver)
    httpserver.expect_request(DATA_PATH).respond_with_data(
        fixture(name), status=400, content_type="application/problem+json")
    with pytest.raises(FetchError) as err:
        client.data("12292", SELECTION)
    assert err.value.status == 400
    assert text in str(err.value) and text in err.value.detail
    assert "tabell 12292" in str(err.value)
    assert len(data_requests(httpserver)) == 1


# ---------------------------------------------------------------------------- splitting

class CellLimitServer:
    """Refuses more than `max_regions` regions with SSB's cell-limit problem, else answers."""

    def __init__(self, refusal: bytes, status: int, max_regions: int) -> None:
        self.refusal = refusal
        self.status = status
        self.max_regions = max_regions
        self.refused = 0

    def __call__(self, request: Request) -> Response:
        regions = request.args[f"valueCodes[{REGION}]"].split(",")
        if len(regions) > self.max_regions:
            self.refused += 1
            return Response(self.refusal, status=self.status, content_type="application/problem+json")
        years = request.args["valueCodes[Tid]"].split(",")
        return Response(dataset_for(regions, years), content_type="application/json")


def regions_in(parts) -> list[str]:
    return [code for part in parts for code in part.json()["dimension"][REGION]["category"]["index"]]


@pytest.mark.parametrize("name, status", [
    ("problem-400-too-many-cells.json", 400),
    ("problem-403-cell-limit.json", 403),
])
def test_cell_limit_refusal_splits_until_every_region_is_fetched_once(httpserver, client, name, status):
    serve_config(httpserver)
    server = CellLimitServer(fixture(name), status, max_regions=2)
    httpserver.expect_request(DATA_PATH).respond_with_handler(server)

    parts = client.data("12292", {REGION: REGIONS, "ContentsCode": ["KOSkjernetotalt0000"],
                                  "Tid": ["2023", "2024"]})

    assert server.refused >= 1
    assert len(parts) >= 4
    assert Counter(regions_in(parts)) == Counter(REGIONS)
    assert regions_in(parts) == REGIONS  # order kept


def test_cell_limit_refusal_that_cannot_be_split_says_so(httpserver, client):
    serve_config(httpserver)
    server = CellLimitServer(fixture("problem-400-too-many-cells.json"), 400, max_regions=0)
    httpserver.expect_request(DATA_PATH).respond_with_handler(server)
    with pytest.raises(FetchError, match="kan ikke deles") as err:
        client.data("12292", {REGION: ["3805", "3806"], "ContentsCode": ["KOSkjernetotalt0000"],
                              "Tid": ["2024"]})
    assert "Too many cells selected" in str(err.value)
    assert server.refused == 2  # both regions, then the first alone: stops there


@pytest.mark.parametrize("tid, sizes", [(["2023", "2024"], None), ("top(2)", {"Tid": 2})])
def test_proactive_split_keeps_every_query_under_max_data_cells(httpserver, client, tid, sizes):
    serve_config(httpserver, maxDataCells=6)
    seen: list[int] = []

    def handler(request: Request) -> Response:
        regions = request.args[f"valueCodes[{REGION}]"].split(",")
        seen.append(len(regions) * 2)
        return Response(dataset_for(regions, ["2023", "2024"]), content_type="application/json")

    httpserver.expect_request(DATA_PATH).respond_with_handler(handler)
    parts = client.data("12292", {REGION: REGIONS, "ContentsCode": ["KOSkjernetotalt0000"], "Tid": tid},
                        sizes=sizes)

    assert seen == [6, 6, 2]  # 3 + 3 + 1 regions, two years each
    assert regions_in(parts) == REGIONS


# ---------------------------------------------------------------------------- rate limiting

def test_calls_per_window_stay_within_the_config_limit(httpserver, client, fake):
    stamps: list[float] = []

    def stamped(body: bytes):
        def handler(request: Request) -> Response:
            stamps.append(fake.now)
            return Response(body, content_type="application/json")
        return handler

    httpserver.expect_request(f"{BASE}/config").respond_with_handler(
        stamped(config_body(maxCallsPerTimeWindow=3, timeWindow=10)))
    httpserver.expect_request(DATA_PATH).respond_with_handler(stamped(fixture("data-12292.json")))
    for _ in range(8):
        client.data("12292", SELECTION)

    assert len(stamps) == 9  # /config + 8 data calls
    for i in range(len(stamps) - 3):
        assert stamps[i + 3] - stamps[i] >= 10, stamps
    assert sum(fake.sleeps) >= 20  # 9 calls at 3 per 10 s need at least two full waits


def test_sliding_window_limiter_alone():
    fake = FakeClock()
    limiter = SlidingWindowLimiter(2, 5, clock=fake.clock, sleep=fake.sleep)
    times = []
    for _ in range(5):
        limiter.acquire()
        times.append(fake.now)
    assert times == [1000.0, 1000.0, 1005.0, 1005.0, 1010.0]


def test_retries_count_against_the_rate_limit(httpserver, client, fake):
    serve_config(httpserver, maxCallsPerTimeWindow=2, timeWindow=30)
    client.config()
    httpserver.expect_oneshot_request(f"{BASE}/tables/12292").respond_with_data("x", status=502)
    httpserver.expect_request(f"{BASE}/tables/12292").respond_with_data(
        fixture("table-12292.json"), content_type="application/json")
    before = fake.now
    client.table("12292")
    # config + 502 fill the window of 2; the retry has to wait for the window to move.
    assert fake.now - before >= 29


# ---------------------------------------------------------------------------- KLASS and setup

def test_klass_get_returns_validated_bytes(httpserver, fake):
    body = fixture("klass-131-codesAt.json")
    httpserver.expect_request(
        "/api/klass/v1/classifications/131/codesAt.json", query_string={"date": "2024-01-01"},
    ).respond_with_data(body, content_type="application/json")
    with KlassClient(httpserver.url_for("/api/klass/v1"), retries=1, sleep=fake.sleep) as klass:
        fetched = klass.get("classifications/131/codesAt.json", {"date": "2024-01-01"})
    assert fetched.body == body
    assert fetched.json()["codes"][0]["name"] == "Larvik"
    (request, _), = httpserver.log
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"] == USER_AGENT


def test_klass_error_is_norwegian_and_names_klass(httpserver, fake):
    httpserver.expect_request("/api/klass/v1/classifications/999").respond_with_json(
        {"error": "not found", "message": "Classification not found"}, status=404)
    with KlassClient(httpserver.url_for("/api/klass/v1"), retries=0, sleep=fake.sleep) as klass:
        with pytest.raises(FetchError, match="KLASS avviste spørringen") as err:
            klass.get("classifications/999", {})
    assert err.value.status == 404


def test_base_urls_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("SSB_API_URL", "http://127.0.0.1:9/ssb/")
    monkeypatch.setenv("KLASS_API_URL", "http://127.0.0.1:9/klass")
    assert SsbClient().base_url == "http://127.0.0.1:9/ssb"
    assert KlassClient().base_url == "http://127.0.0.1:9/klass"
    monkeypatch.delenv("SSB_API_URL")
    monkeypatch.delenv("KLASS_API_URL")
    assert SsbClient().base_url == "https://data.ssb.no/api/pxwebapi/v2"
    assert KlassClient().base_url == "https://data.ssb.no/api/klass/v1"


# ---------------------------------------------------------------------------- pure helpers

def test_split_selection_covers_each_code_once_and_fits():
    selection = normalise_selection({REGION: REGIONS, "ContentsCode": ["a", "b", "c"], "Tid": ["1", "2"]})
    parts = split_selection(selection, 5)
    assert all(estimate_cells(p) <= 5 for p in parts)
    combos = Counter((r, c) for p in parts for r in p[REGION] for c in p["ContentsCode"])
    assert set(combos.values()) == {1} and len(combos) == len(REGIONS) * 3


def test_halve_selection_and_estimates():
    selection = normalise_selection({REGION: ["1"], "ContentsCode": ["a", "b", "c"], "Tid": "top(4)"})
    first, second = halve_selection(selection)
    assert first["ContentsCode"] == ("a",) and second["ContentsCode"] == ("b", "c")
    assert halve_selection(normalise_selection({REGION: ["1"], "Tid": "*"})) is None
    assert estimate_cells(selection) == 3
    assert estimate_cells(selection, {"Tid": 4}) == 12
    assert estimate_cells(selection, {"Tid": 4, "ContentsCode": 99}) == 12  # explicit lists are counted
    with pytest.raises(ValueError):
        normalise_selection({REGION: []})
