"""HTTP access to SSB's PxWebApi v2 and KLASS: the only module that talks to the network.

Everything here returns the exact bytes SSB sent (the pipeline stores them under data/raw/ and
hashes them), and every failure becomes a `FetchError` with a Norwegian message naming the URL,
so a nightly fetch either gets complete, valid JSON or stops with a sentence a person can act on.

Being a good client is part of the job: transient failures (5xx, 429, dropped connections,
timeouts, truncated bodies) are retried with backoff, `Retry-After` is honoured, calls stay
under the limits SSB publishes in `/config`, and queries too big for `maxDataCells` are split.
"""
from __future__ import annotations

import hashlib
import math
import os
import re
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import orjson
import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ProtocolError, ReadTimeoutError
from urllib3.util.retry import Retry

DEFAULT_SSB_URL = "https://data.ssb.no/api/pxwebapi/v2"
DEFAULT_KLASS_URL = "https://data.ssb.no/api/klass/v1"
USER_AGENT = "kostra-pleie-omsorg-dashboard/0.1 (KOSTRA pleie og omsorg; pipelines)"

DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 60.0)
# The longest one request may take, all retries and waits included: a server that never answers is
# given up within two minutes, whatever the per-try timeout and the number of retries.
DEFAULT_TOTAL_TIMEOUT = 110.0
DEFAULT_RETRIES = 5
DEFAULT_BACKOFF = 1.0
DEFAULT_BODY_RETRIES = 2
DEFAULT_MAX_RETRY_AFTER = 120.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

# SSB's published limits (www.ssb.no API guide: 800 000 cells, 30 calls per 60 s). Used only until
# /config has been read, so the very first calls are already polite.
FALLBACK_MAX_CALLS = 30
FALLBACK_TIME_WINDOW = 60.0

# Region dimensions are split first: their codes are independent, and one file per region slice
# is the natural unit when a query has to be divided.
REGION_DIMS = ("KOKkommuneregion0000", "Region")
MAX_SPLIT_DEPTH = 12

# PxWeb answers an oversized query with 400 "Too many cells selected" (PxWeb ProblemUtility) or,
# per the PxApiSpecs OpenAPI file, 403 "... exceeds the number of allowed". Matched loosely on
# purpose: the wording has changed between releases.
_CELL_LIMIT_PATTERNS = re.compile(
    r"too many (cells|values)|maxdatacells|cell limit|exceeds? the (number|limit|maximum)"
    r"|number of allowed|for mange (celler|verdier)",
    re.IGNORECASE,
)
_EXPRESSION_CHARS = set("*?()[]")

Selection = dict[str, "tuple[str, ...] | str"]


class FetchError(RuntimeError):
    """A request to SSB or KLASS failed; the message is Norwegian and names the URL."""

    def __init__(
        self, message: str, *, url: str | None = None, status: int | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.detail = detail


class CellLimitError(FetchError):
    """SSB refused a query because it selects more cells than `maxDataCells`."""


@dataclass(frozen=True)
class Fetched:
    """One response body exactly as received, with what the manifest needs to describe it."""

    url: str
    body: bytes
    fetched_at: datetime
    sha256: str

    def json(self) -> Any:
        return orjson.loads(self.body)


class SlidingWindowLimiter:
    """At most `max_calls` calls in any `window` seconds, counted over real request attempts."""

    def __init__(
        self, max_calls: int, window: float, *, clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._calls: deque[float] = deque()
        self.configure(max_calls, window)

    def configure(self, max_calls: int, window: float) -> None:
        if max_calls < 1 or window <= 0:
            raise ValueError(f"Ugyldig grense: {max_calls} kall per {window} sekunder")
        self.max_calls = int(max_calls)
        self.window = float(window)

    def acquire(self) -> None:
        while True:
            now = self._clock()
            while self._calls and self._calls[0] <= now - self.window:
                self._calls.popleft()
            if len(self._calls) < self.max_calls:
                self._calls.append(now)
                return
            self._sleep(max(self._calls[0] + self.window - now, 0.001))


class _DeadlineReached(Exception):
    """Raised from inside a retry wait when the request's overall deadline would pass."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Retry(Retry):
    """urllib3's Retry with an injectable sleep and hooks around each wait.

    `before_attempt` lets the rate limiter count retries too (SSB counts every request, not every
    logical fetch); `on_wait(seconds, response)` reports the retry and raises when waiting would
    pass the request's deadline.
    """

    sleeper: Callable[[float], None] = staticmethod(time.sleep)
    before_attempt: Callable[[], None] | None = None
    on_wait: Callable[[float, Any], None] | None = None

    def new(self, **kw: Any) -> _Retry:
        fresh = super().new(**kw)
        fresh.sleeper = self.sleeper
        fresh.before_attempt = self.before_attempt
        fresh.on_wait = self.on_wait
        return fresh

    def sleep(self, response: Any = None) -> None:
        wait = None
        if self.respect_retry_after_header and response is not None:
            wait = self.get_retry_after(response)
        if wait is None:
            wait = self.get_backoff_time()
        if self.on_wait is not None:
            self.on_wait(wait, response)
        if wait > 0:
            self.sleeper(wait)
        if self.before_attempt is not None:
            self.before_attempt()


def make_retry(
    retries: int = DEFAULT_RETRIES, *, backoff_factor: float = DEFAULT_BACKOFF,
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER, sleep: Callable[[float], None] = time.sleep,
    before_attempt: Callable[[], None] | None = None, on_wait: Callable[[float, Any], None] | None = None,
) -> Retry:
    """The retry policy for 429 and 5xx (GET only). Connection errors and timeouts are retried by the
    client itself, so each new try gets only the time left before the request's deadline."""
    retry = _Retry(
        total=retries, connect=0, read=0, status=retries, other=0, redirect=5,
        allowed_methods=frozenset({"GET"}), status_forcelist=RETRY_STATUSES,
        backoff_factor=backoff_factor, backoff_max=60.0, retry_after_max=max_retry_after,
        respect_retry_after_header=True, raise_on_status=False, raise_on_redirect=True,
    )
    retry.sleeper = sleep
    retry.before_attempt = before_attempt
    retry.on_wait = on_wait
    return retry


# ---------------------------------------------------------------------------- selections

def _is_countable(codes: tuple[str, ...] | str) -> bool:
    return isinstance(codes, tuple) and not any(_EXPRESSION_CHARS & set(c) for c in codes)


def normalise_selection(value_codes: Mapping[str, Sequence[str] | str]) -> Selection:
    """Lists become tuples of explicit codes; a string is kept as one selection expression."""
    selection: Selection = {}
    for dim, codes in value_codes.items():
        if isinstance(codes, str):
            if not codes.strip():
                raise ValueError(f"Tomt utvalg for dimensjonen {dim}")
            selection[dim] = codes.strip()
        else:
            as_tuple = tuple(str(c).strip() for c in codes)
            if not as_tuple or not all(as_tuple):
                raise ValueError(f"Tomt utvalg for dimensjonen {dim}")
            selection[dim] = as_tuple
    return selection


def estimate_cells(selection: Selection, sizes: Mapping[str, int] | None = None) -> int:
    """Cells the query selects; a lower bound when an expression has no size hint (counted as 1)."""
    total = 1
    for dim, codes in selection.items():
        if _is_countable(codes):
            total *= len(codes)
        elif sizes and dim in sizes:
            total *= max(int(sizes[dim]), 1)
    return total


def _split_dim(selection: Selection) -> str | None:
    candidates = [d for d, c in selection.items() if _is_countable(c) and len(c) > 1]
    if not candidates:
        return None
    for dim in candidates:
        if dim in REGION_DIMS or "region" in dim.lower():
            return dim
    return max(candidates, key=lambda d: len(selection[d]))


def split_selection(
    selection: Selection, max_cells: int, sizes: Mapping[str, int] | None = None,
) -> list[Selection]:
    """Divide a selection into parts under `max_cells`, region first, keeping code order."""
    cells = estimate_cells(selection, sizes)
    dim = _split_dim(selection)
    if cells <= max_cells or dim is None:
        return [selection]
    codes = selection[dim]
    assert isinstance(codes, tuple)
    per_code = math.ceil(cells / len(codes))
    chunk = max(1, max_cells // per_code)
    parts: list[Selection] = []
    for start in range(0, len(codes), chunk):
        part = {**selection, dim: codes[start:start + chunk]}
        parts.extend(split_selection(part, max_cells, sizes))
    return parts


def halve_selection(selection: Selection) -> tuple[Selection, Selection] | None:
    """Two halves of the best splittable dimension, or None when nothing can be divided."""
    dim = _split_dim(selection)
    if dim is None:
        return None
    codes = selection[dim]
    middle = len(codes) // 2
    return {**selection, dim: codes[:middle]}, {**selection, dim: codes[middle:]}


# ---------------------------------------------------------------------------- shared client

def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _problem_message(body: bytes) -> str | None:
    """SSB's own text from a problem+json body (title and detail), if there is one."""
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(doc, dict):
        return None
    parts: list[str] = []
    for key in ("title", "detail"):
        text = doc.get(key)
        if isinstance(text, str) and text.strip() and text.strip() not in parts:
            parts.append(text.strip())
    errors = doc.get("errors")
    if isinstance(errors, dict):
        for field, messages in errors.items():
            if isinstance(messages, list):
                parts.append(f"{field}: {'; '.join(str(m) for m in messages)}")
    return ": ".join(parts) if parts else None


def _html_title(body: bytes) -> str:
    match = re.search(rb"<title[^>]*>(.*?)</title>", body[:4096], re.IGNORECASE | re.DOTALL)
    if not match:
        return ""
    title = " ".join(match.group(1).decode("utf-8", "replace").split())
    return f" «{title[:120]}»" if title else ""


def _causes(exc: BaseException):
    """The chain of errors behind a requests exception (reasons, wrapped args, causes)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        reason = getattr(current, "reason", None)
        nested = [reason] if isinstance(reason, BaseException) else []
        nested += [a for a in getattr(current, "args", ()) if isinstance(a, BaseException)]
        nested += [e for e in (current.__cause__, current.__context__) if e is not None]
        todo.extend(nested)


def _incomplete_detail(exc: BaseException) -> str:
    for cause in _causes(exc):
        partial = getattr(cause, "partial", None)
        expected = getattr(cause, "expected", None)
        if isinstance(partial, int) and isinstance(expected, int):
            return f"fikk {partial} byte, {expected} byte manglet"
    return "forbindelsen ble brutt midt i svaret"


def _os_error_name(causes: list[BaseException], exc: BaseException) -> str:
    for cause in causes:
        if isinstance(cause, OSError) and not isinstance(cause, requests.RequestException):
            return type(cause).__name__
    return type(exc).__name__


class _HttpClient:
    """Session, retries, limits and validation shared by the SSB and KLASS clients."""

    source = "SSB"
    accept = "application/json, application/problem+json;q=0.9, */*;q=0.1"

    def __init__(
        self, base_url: str, *, session: requests.Session | None = None,
        timeout: tuple[float, float] | float = DEFAULT_TIMEOUT, retries: int = DEFAULT_RETRIES,
        backoff_factor: float = DEFAULT_BACKOFF, body_retries: int = DEFAULT_BODY_RETRIES,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER, limiter: SlidingWindowLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep, user_agent: str = USER_AGENT,
        total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT, notify: Callable[[str], None] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.total_timeout = total_timeout
        self.notify = notify
        self._deadline: float | None = None
        self._subject = ""
        self.retries = retries
        self.body_retries = body_retries
        self.backoff_factor = backoff_factor
        self.limiter = limiter
        self._sleep = sleep
        self._headers = {"User-Agent": user_agent, "Accept": self.accept}
        if session is None:
            session = requests.Session()
            retry = make_retry(
                retries, backoff_factor=backoff_factor, max_retry_after=max_retry_after,
                sleep=sleep, before_attempt=self._before_attempt, on_wait=self._on_wait,
            )
            adapter = HTTPAdapter(max_retries=retry)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        session.headers.update(self._headers)
        self.session = session

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> _HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _before_attempt(self) -> None:
        if self.limiter is not None:
            self.limiter.acquire()

    def url(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        url = f"{self.base_url}/{path.lstrip('/')}"
        if params:
            url += "?" + urlencode([(k, v) for k, v in params.items() if v is not None])
        return url

    def _read_timeout(self) -> float:
        return self.timeout[1] if isinstance(self.timeout, tuple) else float(self.timeout)

    def get_url(
        self, url: str, *, subject: str, validate: Callable[[Any], str | None] | None = None,
    ) -> Fetched:
        """GET one URL and return its validated bytes; every failure becomes a FetchError."""
        response = self._send(url, subject)
        body = response.content
        # requests percent-encodes the brackets in valueCodes[...]; keep the readable URL we sent
        # (SSB decodes both the same) unless a redirect took us elsewhere.
        final_url = response.url if response.history else url
        if not 200 <= response.status_code < 300:
            raise self._status_error(response, subject, final_url)
        doc = self._parse_json(body, final_url, subject)
        if validate is not None:
            problem = validate(doc)
            if problem:
                raise FetchError(
                    f"Svaret fra {self.source} for {subject} var gyldig JSON, men {problem}. "
                    f"URL: {final_url}", url=final_url, status=response.status_code,
                )
        return Fetched(
            url=final_url, body=body, fetched_at=_utc_now(), sha256=hashlib.sha256(body).hexdigest(),
        )

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc or self.base_url

    def _tell(self, text: str) -> None:
        if self.notify is not None:
            self.notify(text)

    def _remaining(self) -> float | None:
        return None if self._deadline is None else self._deadline - time.monotonic()

    def _on_wait(self, seconds: float, response: Any) -> None:
        """Before urllib3 waits to retry a 429/5xx: give up if the wait would pass the deadline, else say so."""
        status = getattr(response, "status", None)
        why = f"HTTP {status}" if status else "ingen svar"
        remaining = self._remaining()
        if remaining is not None and seconds >= remaining:
            raise _DeadlineReached(why)
        self._tell(f"{self.host} svarte {why} på {self._subject}; prøver igjen om {seconds:.0f} s")

    def _timeout_now(self) -> tuple[float, float]:
        connect, read = self.timeout if isinstance(self.timeout, tuple) else (self.timeout, self.timeout)
        remaining = self._remaining()
        if remaining is None:
            return (connect, read)
        return (max(min(connect, remaining), 0.05), max(min(read, remaining), 0.05))

    def _deadline_error(self, url: str, subject: str, why: str) -> FetchError:
        waited = f"{self.total_timeout:g}"
        if why == "ingen svar":
            what = f"{self.host} svarte ikke på {subject}"
        else:
            what = f"{self.host} svarte fortsatt {why} på {subject}"
        return FetchError(
            f"Ga opp etter {waited} sekunder: {what}. Prøv igjen senere, eller gi mer tid med --timeout. URL: {url}",
            url=url, status=None,
        )

    def _send(self, url: str, subject: str) -> requests.Response:
        """One logical request: retries (with backoff) until it answers, the retries run out or the
        request's overall deadline (`total_timeout`) passes, whichever comes first."""
        self._deadline = time.monotonic() + self.total_timeout if self.total_timeout else None
        self._subject = subject
        attempt = 0
        transport_retries = 0
        try:
            while True:
                attempt += 1
                self._before_attempt()
                attempt_timeout = self._timeout_now()
                try:
                    return self.session.get(url, timeout=attempt_timeout, headers=self._headers)
                except _DeadlineReached as exc:
                    raise self._deadline_error(url, subject, exc.reason) from None
                except (requests.exceptions.ChunkedEncodingError, ProtocolError) as exc:
                    # The body stopped short of its Content-Length: retry the whole request a couple of
                    # times (urllib3's Retry never sees this; it happens while reading the body).
                    if attempt <= self.body_retries:
                        self._tell(f"Svaret fra {self.host} på {subject} ble avbrutt; prøver igjen")
                        self._sleep(self.backoff_factor * (2 ** (attempt - 1)))
                        continue
                    raise FetchError(
                        f"Svaret fra {self.source} for {subject} ble avbrutt før det var komplett "
                        f"({_incomplete_detail(exc)}), også etter {attempt} forsøk. URL: {url}", url=url,
                    ) from None
                except requests.exceptions.ContentDecodingError:
                    raise FetchError(
                        f"Svaret fra {self.source} for {subject} kunne ikke pakkes ut (ødelagt komprimering). "
                        f"URL: {url}", url=url,
                    ) from None
                except requests.exceptions.RequestException as exc:
                    remaining = self._remaining()
                    timed_out = self._is_timeout(exc)
                    if remaining is not None and remaining <= 0.05:
                        raise self._deadline_error(url, subject, "ingen svar" if timed_out else
                                                   _os_error_name(list(_causes(exc)), exc)) from None
                    if transport_retries < self.retries:
                        transport_retries += 1
                        wait = self.backoff_factor * (2 ** (transport_retries - 1)) if transport_retries > 1 else 0.0
                        if remaining is not None and wait >= remaining:
                            raise self._deadline_error(url, subject, "ingen svar") from None
                        why = (f"ingen svar innen {attempt_timeout[1]:.0f} s" if timed_out
                               else _os_error_name(list(_causes(exc)), exc))
                        self._tell(f"{self.host}: {why} på {subject}; prøver igjen "
                                   f"({transport_retries} av {self.retries})")
                        if wait > 0:
                            self._sleep(wait)
                        continue
                    raise self._transport_error(exc, url, subject) from None
        finally:
            self._deadline = None

    @staticmethod
    def _is_timeout(exc: BaseException) -> bool:
        return isinstance(exc, requests.exceptions.Timeout) or any(
            isinstance(c, (ReadTimeoutError, TimeoutError)) for c in _causes(exc))

    def _transport_error(self, exc: BaseException, url: str, subject: str) -> FetchError:
        causes = list(_causes(exc))
        tries = self.retries + 1
        if isinstance(exc, requests.exceptions.ReadTimeout) or any(
            isinstance(c, ReadTimeoutError) for c in causes
        ):
            return FetchError(
                f"{self.source} svarte ikke innen {self._read_timeout():g} sekunder for {subject} "
                f"({tries} forsøk). Prøv igjen senere. URL: {url}", url=url,
            )
        return FetchError(
            f"Fikk ikke kontakt med {self.source} for {subject} etter {tries} forsøk "
            f"({_os_error_name(causes, exc)}). Sjekk nettverket. URL: {url}", url=url,
        )

    def _status_error(self, response: requests.Response, subject: str, url: str) -> FetchError:
        status = response.status_code
        message = _problem_message(response.content)
        history = getattr(getattr(response.raw, "retries", None), "history", None)
        tries = len(history) + 1 if history is not None else 1
        if status == 429:
            return FetchError(
                f"{self.source} avviste spørringen for {subject} fordi det kom for mange spørringer "
                f"(HTTP 429), også etter {tries} forsøk. Vent et minutt og prøv igjen. URL: {url}",
                url=url, status=status, detail=message,
            )
        if status >= 500:
            return FetchError(
                f"{self.source} svarte med serverfeil (HTTP {status}) for {subject} etter {tries} "
                f"forsøk. Prøv igjen senere. URL: {url}", url=url, status=status, detail=message,
            )
        text = message or response.reason or "ingen forklaring"
        cls = CellLimitError if status in (400, 403) and _CELL_LIMIT_PATTERNS.search(text) else FetchError
        return cls(
            f"{self.source} avviste spørringen for {subject} (HTTP {status}): {text}. URL: {url}",
            url=url, status=status, detail=message,
        )

    def _parse_json(self, body: bytes, url: str, subject: str) -> Any:
        stripped = body.strip()
        where = f"Svaret fra {self.source} for {subject} var ikke gyldig JSON"
        if not stripped:
            raise FetchError(f"{where} (svaret var tomt). URL: {url}", url=url)
        if stripped[:1] == b"<":
            raise FetchError(f"{where} (fikk en HTML-side{_html_title(body)}). URL: {url}", url=url)
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            pos = getattr(exc, "pos", None)
            if "end of data" in str(exc.msg) or pos is None or pos >= len(body.rstrip()) - 1:
                why = f"avkortet ved byte {len(body)}"
            else:
                why = f"feil ved byte {pos}: {exc.msg}"
            raise FetchError(f"{where} ({why}). URL: {url}", url=url) from None


def _require_object(doc: Any) -> str | None:
    return None if isinstance(doc, dict) else "ikke et JSON-objekt"


def _require_dataset(doc: Any) -> str | None:
    """A JSON-stat 2.0 dataset must say so and carry the parts the decoder reads."""
    if not isinstance(doc, dict):
        return "ikke et JSON-stat-datasett (ikke et JSON-objekt)"
    if doc.get("class") != "dataset":
        return f"ikke et JSON-stat-datasett (class er {doc.get('class')!r})"
    missing = [key for key in ("id", "size", "dimension", "value") if key not in doc]
    if missing:
        return f"JSON-stat-datasettet mangler {', '.join(missing)}"
    return None


# ---------------------------------------------------------------------------- SSB

class SsbClient(_HttpClient):
    """PxWebApi v2 (data.ssb.no/api/pxwebapi/v2): config, table info, metadata and data."""

    def __init__(
        self, base_url: str | None = None, *, session: requests.Session | None = None,
        timeout: tuple[float, float] | float = DEFAULT_TIMEOUT, retries: int = DEFAULT_RETRIES,
        backoff_factor: float = DEFAULT_BACKOFF, body_retries: int = DEFAULT_BODY_RETRIES,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER, clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep, user_agent: str = USER_AGENT,
        total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT, notify: Callable[[str], None] | None = None,
    ) -> None:
        limiter = SlidingWindowLimiter(FALLBACK_MAX_CALLS, FALLBACK_TIME_WINDOW, clock=clock, sleep=sleep)
        super().__init__(
            base_url or os.environ.get("SSB_API_URL") or DEFAULT_SSB_URL, session=session,
            timeout=timeout, retries=retries, backoff_factor=backoff_factor, body_retries=body_retries,
            max_retry_after=max_retry_after, limiter=limiter, sleep=sleep, user_agent=user_agent,
            total_timeout=total_timeout, notify=notify,
        )
        self._config: dict[str, Any] | None = None

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Fetched:
        return self.get_url(self.url(path, params), subject=path.lstrip("/"), validate=_require_object)

    def config(self) -> dict[str, Any]:
        """The API's limits; read once, then used for splitting and rate limiting."""
        if self._config is None:
            fetched = self.get_url(self.url("config"), subject="/config", validate=_require_object)
            config = fetched.json()
            for key in ("maxDataCells", "maxCallsPerTimeWindow", "timeWindow"):
                value = config.get(key)
                if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                    raise FetchError(
                        f"Svaret fra SSB for /config mangler et gyldig {key} (fikk {value!r}). "
                        f"URL: {fetched.url}", url=fetched.url,
                    )
            assert self.limiter is not None
            self.limiter.configure(config["maxCallsPerTimeWindow"], config["timeWindow"])
            self._config = config
        return self._config

    def search_tables(self, query: str, *, lang: str = "no") -> dict[str, Any]:
        """`/tables?query=…`: SSB's table search (used to suggest a replacement for a missing table)."""
        return self.get_url(self.url("tables", {"query": query, "lang": lang, "pageSize": 20}),
                            subject=f"tabellsøk «{query}»", validate=_require_object).json()

    def table_fetched(self, table_id: str, *, lang: str = "no") -> Fetched:
        return self.get_url(
            self.url(f"tables/{quote(table_id)}", {"lang": lang}), subject=f"tabell {table_id}",
            validate=_require_object,
        )

    def table(self, table_id: str, *, lang: str = "no") -> dict[str, Any]:
        return self.table_fetched(table_id, lang=lang).json()

    def table_raw(self, table_id: str, *, lang: str = "no") -> bytes:
        return self.table_fetched(table_id, lang=lang).body

    def metadata_fetched(self, table_id: str, *, lang: str = "no") -> Fetched:
        url = self.url(f"tables/{quote(table_id)}/metadata", {"lang": lang, "outputFormat": "json-stat2"})
        return self.get_url(url, subject=f"tabell {table_id} (metadata)", validate=_require_object)

    def metadata(self, table_id: str, *, lang: str = "no") -> dict[str, Any]:
        return self.metadata_fetched(table_id, lang=lang).json()

    def metadata_raw(self, table_id: str, *, lang: str = "no") -> bytes:
        return self.metadata_fetched(table_id, lang=lang).body

    def data_url(self, table_id: str, selection: Selection, *, lang: str = "no") -> str:
        """`valueCodes[DIM]=a,b,c` in readable form (brackets and commas unescaped, as SSB documents)."""
        params = [("lang", lang), ("outputFormat", "json-stat2")]
        for dim, codes in selection.items():
            params.append((f"valueCodes[{dim}]", ",".join(codes) if isinstance(codes, tuple) else codes))
        query = "&".join(
            f"{quote(key, safe='[]')}={quote(value, safe=',*?()[]:')}" for key, value in params
        )
        return f"{self.base_url}/tables/{quote(table_id)}/data?{query}"

    def data(
        self, table_id: str, value_codes: Mapping[str, Sequence[str] | str], *, lang: str = "no",
        sizes: Mapping[str, int] | None = None,
    ) -> list[Fetched]:
        """JSON-stat 2.0 bodies for one selection: usually one, several when it had to be split.

        `sizes` gives the number of values behind an expression (`*`, `top(4)`) so the proactive
        split can count it; without it SSB's refusal triggers a reactive split instead.
        """
        selection = normalise_selection(value_codes)
        max_cells = int(self.config()["maxDataCells"])
        fetched: list[Fetched] = []
        for part in split_selection(selection, max_cells, sizes):
            fetched.extend(self._data_part(table_id, part, lang, depth=0))
        return fetched

    def _data_part(self, table_id: str, selection: Selection, lang: str, depth: int) -> list[Fetched]:
        url = self.data_url(table_id, selection, lang=lang)
        try:
            return [self.get_url(url, subject=f"tabell {table_id}", validate=_require_dataset)]
        except CellLimitError as exc:
            halves = halve_selection(selection) if depth < MAX_SPLIT_DEPTH else None
            if halves is None:
                raise FetchError(
                    f"Spørringen mot tabell {table_id} er for stor for SSB og kan ikke deles mer "
                    f"({exc.detail or 'for mange celler'}). Velg færre verdier. URL: {url}",
                    url=url, status=exc.status, detail=exc.detail,
                ) from None
            return [f for half in halves for f in self._data_part(table_id, half, lang, depth + 1)]


# ---------------------------------------------------------------------------- KLASS

class KlassClient(_HttpClient):
    """KLASS (data.ssb.no/api/klass/v1): classifications, changes and correspondences as JSON."""

    source = "KLASS"
    accept = "application/json"

    def __init__(
        self, base_url: str | None = None, *, session: requests.Session | None = None,
        timeout: tuple[float, float] | float = DEFAULT_TIMEOUT, retries: int = DEFAULT_RETRIES,
        backoff_factor: float = DEFAULT_BACKOFF, body_retries: int = DEFAULT_BODY_RETRIES,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER, sleep: Callable[[float], None] = time.sleep,
        user_agent: str = USER_AGENT, total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(
            base_url or os.environ.get("KLASS_API_URL") or DEFAULT_KLASS_URL, session=session,
            timeout=timeout, retries=retries, backoff_factor=backoff_factor, body_retries=body_retries,
            max_retry_after=max_retry_after, sleep=sleep, user_agent=user_agent,
            total_timeout=total_timeout, notify=notify,
        )

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Fetched:
        return self.get_url(self.url(path, params), subject=path.lstrip("/"), validate=_require_object)
