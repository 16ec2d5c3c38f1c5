"""The JSON-stat decoder's fast path: the top-level `value` array and `status` object read
vectorised straight from the raw bytes. Internal to pipelines.jsonstat, which owns the checks,
the messages and the plain path every decline here falls back to.

Why it exists: the build decodes queries close to SSB's cell limit (~800 000 cells), and most
of a full `orjson.loads` goes into one Python float per cell for `value` and a dict entry per
symbol for `status`. Target (bench/bench_jsonstat.py, 720 000 cells): `jsonstat.read` within
2.5x of orjson.loads and at least 40x faster than pyjstat.

How: the two members are cut out of the bytes and replaced by a sentinel before orjson parses
the small rest. Arrow's parser reads the numbers straight from the bytes (on two pool threads
for a big array, while the caller builds the dimension columns), numpy checks that they are
JSON numbers, and the status symbols become Arrow strings over the same bytes. Whatever these
readers do not take (sparse or array forms, escapes, foreign tokens, a cut that was not the
top-level member) comes back as None or `Unreadable`, and the caller decodes the plain way, so
both paths decode alike and every syntax error is worded by the full parse; the tests compare
them on generated documents.
"""
from __future__ import annotations

import os
import re
import secrets
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["Pairs", "PendingNumbers", "StatusText", "Unreadable", "split_big_members"]

_WS = b" \t\n\r"
_NUMBER_BYTES = b"0123456789,.-+eEnul"
_STRAY_CONTROL = bytes(c for c in range(0x20) if c not in _WS)
# A member key, then the bracket that opens its value. Only the bracket position matters: the
# cut is proven to be the top-level member afterwards (see split_big_members).
_MEMBER = re.compile(rb'"(value|status)"[ \t\n\r]*:[ \t\n\r]*([\[{])')
_COMMA, _COLON, _QUOTE, _DOT, _PLUS, _MINUS, _ZERO = (ord(c) for c in ',:".+-0')
_PARALLEL_BYTES = 1_000_000
_pool: ThreadPoolExecutor | None = None


class Unreadable(Exception):
    """The fast reading of a member failed; the full parse decides what the document is."""


@dataclass(frozen=True)
class Pairs:
    """A `status` object read from text: keys and symbols in document order, maybe repeated."""

    keys: pl.Series
    values: pl.Series


@dataclass(frozen=True)
class StatusText:
    """A compact `status` object without escapes: its bytes and the four quote positions of
    each entry. The usual SSB case (keys plain increasing cell numbers) becomes the column
    directly; anything else goes through `pairs()` and the general code."""

    span: bytes
    quotes: np.ndarray

    def pairs(self) -> Pairs:
        q = self.quotes
        keys = pl.from_arrow(_string_slices(self.span, q[:, 0] + 1, q[:, 1])).gather_every(2)
        values = pl.from_arrow(_string_slices(self.span, q[:, 2] + 1, q[:, 3])).gather_every(2)
        return Pairs(keys, values)

    def column(self, n_cells: int) -> pl.Series | None:
        positions = self._positions(n_cells)
        if positions is None:
            return None
        q = self.quotes
        symbols = pc.cast(_string_slices(self.span, q[:, 2] + 1, q[:, 3]), pa.string_view())
        symbol_views = np.frombuffer(symbols.buffers()[1], dtype=np.uint8).reshape(-1, 16)[::2]
        views = np.zeros((n_cells, 16), dtype=np.uint8)
        views[positions] = symbol_views
        valid = np.zeros(n_cells, dtype=bool)
        valid[positions] = True
        array = pa.Array.from_buffers(pa.string_view(), n_cells, [
            pa.py_buffer(np.packbits(valid, bitorder="little")), pa.py_buffer(views), *symbols.buffers()[2:]])
        return pl.Series("status", array)

    def _positions(self, n_cells: int) -> np.ndarray | None:
        """Keys that are plain cell numbers, strictly increasing and inside the dataset; else
        None. Arrow reads "0x1f" as hex, so any x sends the object the general way."""
        if b"x" in self.span or b"X" in self.span:
            return None
        q = self.quotes
        try:
            keys = pc.cast(_string_slices(self.span, q[:, 0] + 1, q[:, 1]), pa.int64())
        except pa.ArrowInvalid:
            return None
        positions = np.frombuffer(keys.buffers()[1], dtype=np.int64, count=len(keys))[::2]
        if positions[0] < 0 or positions[-1] >= n_cells or (np.diff(positions) <= 0).any():
            return None
        return positions


class PendingNumbers:
    """The `value` array while it is read on the pool, in two halves split at a comma; the
    caller builds the dimension columns meanwhile. result() is None when the text was not JSON
    numbers and nulls after all."""

    def __init__(self, content: bytes) -> None:
        middle = content.find(b",", len(content) // 2) if len(content) >= _PARALLEL_BYTES else -1
        self._result: pl.Series | None = None
        self._parts: list[Future | pl.Series | None]
        if middle < 0:
            self._parts = [_read_numbers(content)]
        else:
            pool = _thread_pool()
            self._parts = [pool.submit(_read_numbers, content[:middle], False),
                           pool.submit(_read_numbers, content[middle + 1:], False)]

    def result(self) -> pl.Series | None:
        if self._parts:
            parts = [p.result() if isinstance(p, Future) else p for p in self._parts]
            self._parts = []
            if all(p is not None for p in parts):
                self._result = parts[0] if len(parts) == 1 else pl.concat(parts)
        return self._result


def _thread_pool() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="jsonstat")
    return _pool


def _forget_pool() -> None:
    """A forked child has none of the parent's threads; a pool it inherited would never run."""
    global _pool
    _pool = None


os.register_at_fork(after_in_child=_forget_pool)


def split_big_members(data: Any) -> tuple[dict[str, Any], Any, Any] | None:
    """(doc, value, status) without orjson touching the big members, or None for the full path.

    A cut is replaced by a random sentinel string before the rest is parsed. Only a complete
    JSON array of numbers (or object of strings) is ever used, and swapping one complete JSON
    value for another keeps the rest of the document's structure; so finding the sentinel as the
    parsed document's own top-level member proves the cut was that member (nested `"value"` keys
    in extensions, keys that merely end in `value`, repeated keys: all are left to orjson)."""
    raw = _as_bytes(data)
    if raw is None:
        return None
    spans = _candidate_spans(raw)
    if not spans:
        return None
    doc = _parse_around(raw, spans)
    if doc is None:
        return None
    # The numbers first: Arrow parses them on the pool while the calling thread does the rest.
    values = PendingNumbers(raw[spans["value"][0] + 1:spans["value"][1] - 1]) if "value" in spans else doc.get("value")
    status = _symbol_pairs(raw[slice(*spans["status"])]) if "status" in spans else doc.get("status")
    if status is None and "status" in spans:
        return None
    doc.pop("value", None)
    doc.pop("status", None)
    return doc, values, status


def _parse_around(raw: bytes, spans: dict[str, tuple[int, int]]) -> dict[str, Any] | None:
    """orjson on the document with each span swapped for a sentinel; a span that turns out not to
    be the top-level member is dropped (it stays in the text) and the rest parsed again. `spans`
    is trimmed to the cuts that held."""
    token = secrets.token_hex(12)
    while spans:
        pieces, position = [], 0
        for key, (start, end) in sorted(spans.items(), key=lambda item: item[1]):
            pieces += [raw[position:start], f'"\\u0000{key}:{token}"'.encode()]
            position = end
        pieces.append(raw[position:])
        try:
            doc = orjson.loads(b"".join(pieces))
        except orjson.JSONDecodeError:
            return None
        if not isinstance(doc, dict):
            return None
        wrong = [key for key in spans if doc.get(key) != f"\x00{key}:{token}"]
        if not wrong:
            return doc
        for key in wrong:
            del spans[key]
    return None


def _as_bytes(data: Any) -> bytes | None:
    if isinstance(data, str):
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: orjson gives the message
            return None
    return bytes(data)


def _candidate_spans(raw: bytes) -> dict[str, tuple[int, int]]:
    """Byte spans (brackets included) of the longest `"value": [...]` and `"status": {...}`.
    The scan jumps over each span it takes, so the numbers themselves are never looked at here;
    a span cut short by a `]` or `}` inside a string fails the readers later and falls back."""
    best: dict[str, tuple[int, int]] = {}
    position = 0
    while (match := _MEMBER.search(raw, position)) is not None:
        key = match.group(1).decode()
        start = match.end() - 1
        if (key == "value") != (match.group(2) == b"["):
            position = match.end()  # a sparse value object or a status array: orjson reads it
            continue
        end = raw.find(b"]" if key == "value" else b"}", start)
        if end < 0:
            return {}
        end += 1
        old = best.get(key)
        if old is None or end - start > old[1] - old[0]:
            best[key] = (start, end)
        position = end
    status = best.get("status")
    if status and raw.find(b"\\", *status) >= 0:
        del best["status"]  # escapes: decoding them is orjson's job
    return best


def _read_numbers(content: bytes, may_be_empty: bool = True) -> pl.Series | None:
    """The numbers between a JSON array's brackets as Float64, or None if the text is anything
    but JSON numbers and nulls (or empty when it may not be: half an array). Arrow's parser
    (fast_float, correctly rounded like orjson) reads them straight from the bytes: the Arrow
    strings are the numbers with the commas between them as null strings, so nothing is copied.
    The forms Arrow accepts but JSON does not (`+1`, `.5`, `5.`, `01`) are rejected first."""
    if content.translate(None, _NUMBER_BYTES):
        compact = _without_whitespace(content)
        if compact is None:
            return None
        content = compact
    if not content:
        return pl.Series("value", [], dtype=pl.Float64) if may_be_empty else None
    if len(content) >= 2**31 - 1:
        return None
    text = np.frombuffer(content, dtype=np.uint8)
    commas = np.flatnonzero(text == _COMMA)
    n = len(commas) + 1
    # Arrow offsets: element 2i is number i, element 2i+1 the comma after it (a null string).
    bounds = np.empty(2 * n, dtype=np.int32)
    bounds[0], bounds[1:-1:2], bounds[2::2], bounds[-1] = 0, commas, commas + 1, len(content)
    starts, ends = bounds[0::2], bounds[1::2]
    first = np.take(text, starts, mode="clip")
    if (first == _COMMA).any():  # an empty element: ",," or a comma at either end
        return None
    nulls = first == ord("n")
    minus_zero = _json_number_shapes(content, text, commas, starts, ends, first, nulls)
    if minus_zero is None:
        return None
    valid = np.zeros(2 * n - 1, dtype=bool)
    valid[0::2] = ~nulls
    strings = pa.StringArray.from_buffers(2 * n - 1, pa.py_buffer(bounds), pa.py_buffer(content),
                                          pa.py_buffer(np.packbits(valid, bitorder="little")))
    try:
        parsed = pc.cast(strings, pa.float64())
    except pa.ArrowInvalid:
        return None
    numbers = np.frombuffer(parsed.buffers()[1], dtype=np.float64, count=2 * n - 1)[::2].copy()
    numbers[nulls] = 0.0  # Arrow leaves whatever was in memory under a null
    if np.isinf(numbers).any():  # orjson refuses numbers beyond float range
        return None
    numbers[minus_zero] = 0.0  # orjson reads the integer -0 as 0, while -0.0 stays negative zero
    validity = pa.py_buffer(np.packbits(~nulls, bitorder="little")) if nulls.any() else None
    return pl.Series("value", pa.Array.from_buffers(pa.float64(), n, [validity, pa.py_buffer(numbers)]))


def _without_whitespace(content: bytes) -> bytes | None:
    """Pretty-printed arrays: drop JSON whitespace, unless it sat inside an element (`1 2`)."""
    if content.translate(None, _NUMBER_BYTES + _WS):
        return None
    text = np.frombuffer(content, dtype=np.uint8)
    keep = np.flatnonzero((text != 32) & (text != 10) & (text != 13) & (text != 9))
    kept = text[keep]
    split_element = (np.diff(keep) > 1) & (kept[:-1] != _COMMA) & (kept[1:] != _COMMA)
    return None if split_element.any() else kept.tobytes()


def _is_digit(codes: np.ndarray) -> np.ndarray:
    return (codes - np.uint8(_ZERO)) < 10


def _json_number_shapes(content: bytes, text: np.ndarray, commas: np.ndarray, starts: np.ndarray,
                        ends: np.ndarray, first: np.ndarray, nulls: np.ndarray) -> np.ndarray | None:
    """JSON's number grammar where Arrow is more lenient. Returns the elements that are the
    integer `-0`, or None if some element is not a JSON number or null."""
    last = len(content) - 1
    null_index = np.flatnonzero(nulls)
    null_at = starts[null_index]
    if len(null_at) and not ((ends[null_index] - null_at == 4).all() and (
            (text[null_at + 1] == ord("u")) & (text[null_at + 2] == ord("l")) & (text[null_at + 3] == ord("l"))).all()):
        return None
    if b"+" in content:  # a plus sign only in an exponent
        plus = np.flatnonzero(text == _PLUS)
        if plus[0] == 0 or not np.isin(text[plus - 1], (ord("e"), ord("E"))).all():
            return None
    if b"." in content and not _dots_between_digits(content, text, first, commas):
        return None
    signed = np.flatnonzero((first == _MINUS) | (first == _ZERO))
    negative = first[signed] == _MINUS
    lead = starts[signed] + negative
    if (lead >= ends[signed]).any():  # a lone "-"
        return None
    digit = text[lead]
    after = text[np.minimum(lead + 1, last)]
    more = lead + 1 < ends[signed]
    if not _is_digit(digit).all() or ((digit == _ZERO) & more & _is_digit(after)).any():
        return None  # "-x" or a leading zero ("01", "-01")
    return signed[negative & (digit == _ZERO) & ~more]


def _dots_between_digits(content: bytes, text: np.ndarray, first: np.ndarray, commas: np.ndarray) -> bool:
    """Arrow takes ".5", "5." and "1.e5"; JSON wants a digit on both sides of the point. Without
    an exponent, a point can only miss a digit at either end of its number ("-.5" fails the
    sign check)."""
    if b"e" in content or b"E" in content:
        dot, digit = text == _DOT, _is_digit(text)
        return not (dot[0] or dot[-1] or (dot[1:-1] & ~(digit[:-2] & digit[2:])).any())
    return not ((first == _DOT).any() or content.endswith(b".") or (np.take(text, commas - 1) == _DOT).any())


def _string_slices(buffer: bytes, starts: np.ndarray, ends: np.ndarray,
                   valid: np.ndarray | None = None) -> pa.StringArray:
    """Arrow strings for buffer[starts[i]:ends[i]] without copying: element 2i is slice i, the
    odd elements are the gaps between slices, marked null. `buffer` must be valid UTF-8."""
    n = len(starts)
    bounds = np.empty(2 * n, dtype=np.int32)
    bounds[0::2], bounds[1::2] = starts, ends
    mask = np.zeros(2 * n - 1, dtype=bool)
    mask[0::2] = True if valid is None else valid
    return pa.StringArray.from_buffers(2 * n - 1, pa.py_buffer(bounds), pa.py_buffer(buffer),
                                       pa.py_buffer(np.packbits(mask, bitorder="little")),
                                       int(2 * n - 1 - np.count_nonzero(mask)))


def _symbol_pairs(span: bytes) -> StatusText | Pairs | None:
    """A JSON object of strings without escapes, from its quotes: each entry has four, and the
    bytes between them must be exactly `{`, `:`, `,` and `}`. Spaced-out objects go through
    str.split instead."""
    if b"\\" in span:  # escapes: decoding them is orjson's job
        return None
    if not span.isascii():
        try:
            span.decode("utf-8")
        except UnicodeDecodeError:
            return None
    text = np.frombuffer(span, dtype=np.uint8)
    quotes = np.flatnonzero(text == _QUOTE)
    if len(quotes) % 4:
        return None
    if not len(quotes):
        empty = pl.Series([], dtype=pl.String)
        return Pairs(empty, empty) if span[1:-1].strip(_WS) == b"" else None
    q = quotes.reshape(-1, 4)
    compact = (span[:1] == b"{" and span[-1:] == b"}" and q[0, 0] == 1 and q[-1, 3] == len(span) - 2
               and (q[:, 2] - q[:, 1] == 2).all()
               and (text[q[:, 1] + 1] == _COLON).all() and (q[1:, 0] - q[:-1, 3] == 2).all()
               and (text[q[:-1, 3] + 1] == _COMMA).all())
    if not compact:
        return _spaced_symbol_pairs(span)
    if (text < 0x20).any():  # a raw control character inside a string: not JSON
        return None
    return StatusText(span, q)


def _spaced_symbol_pairs(span: bytes) -> Pairs | None:
    if span.translate(None, _STRAY_CONTROL) != span:
        return None
    parts = span.decode("utf-8").split('"')
    ws = _WS.decode()
    if parts[0].strip(ws) != "{" or parts[-1].strip(ws) != "}":
        return None
    if not all(p.strip(ws) == ":" for p in parts[2::4]) or not all(p.strip(ws) == "," for p in parts[4:-1:4]):
        return None
    strings = "".join(parts[1::2])
    if "\n" in strings or "\t" in strings or "\r" in strings:
        return None
    return Pairs(pl.Series(parts[1::4], dtype=pl.String), pl.Series(parts[3::4], dtype=pl.String))

