"""JSON-stat 2.0 decoder: SSB PxWebApi v2 responses (outputFormat=json-stat2) -> polars.

Why our own decoder instead of pyjstat: a KOSTRA query is close to SSB's cell limit (~800 000
cells), and pyjstat builds its frame one Python row at a time through pandas, which is far too
slow for the build. pyjstat is kept as the reference implementation in the tests.

Why two paths: the top-level `value` array and `status` object are read vectorised from the
raw bytes when they can be (pipelines/jsonstat_fast.py says why and how). Whatever that path
declines goes through the plain full-orjson path here, which also words every syntax error, so
both paths decode alike; the tests compare them on generated documents.

Why so strict: a truncated or hand-edited raw file must stop the build with a message that
says what is wrong, never become a table with shifted or silently zeroed cells. A cell without
a value stays null; SSB's symbol (`..`, `.`, `:`, `-`) goes to `status`.
"""
from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import orjson
import polars as pl
import pyarrow as pa

from pipelines.jsonstat_fast import Pairs, PendingNumbers, StatusText, Unreadable, split_big_members

__all__ = ["JsonStatError", "JsonStatMeta", "decode", "read", "read_meta"]

_NUMBER_TYPES = frozenset({int, float, type(None)})
DEMO_EXTENSION_KEY = "kostra_dashboard"
class JsonStatError(ValueError):
    """The document is not a usable JSON-stat 2.0 dataset; the message says what and where."""


@dataclass(frozen=True)
class JsonStatMeta:
    """Dataset-level metadata the build records next to the cells (edition, source, notes)."""

    label: str | None
    updated: str | None
    source: str | None
    notes: list[str]
    extension: dict[str, Any]
    dimension_ids: tuple[str, ...]
    sizes: tuple[int, ...]
    dimension_labels: dict[str, str]
    categories: dict[str, dict[str, str]]
    dimension_notes: dict[str, list[str]] = field(default_factory=dict)
    category_notes: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    units: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    roles: dict[str, list[str]] = field(default_factory=dict)

    @property
    def n_cells(self) -> int:
        return math.prod(self.sizes)

    @property
    def is_demo(self) -> bool:
        """True for our own synthetic snapshot, which must never pass for SSB's figures."""
        marker = self.extension.get(DEMO_EXTENSION_KEY)
        return isinstance(marker, dict) and marker.get("demo") is True


@dataclass(frozen=True)
class _Dimension:
    id: str
    codes: list[str]
    labels: list[str]


def read(data: bytes | bytearray | memoryview | str, *, labels: bool = True,
         name: str | None = None) -> pl.DataFrame:
    """Decode a JSON-stat 2.0 dataset into one row per cell, in the document's row-major order.

    Columns: one per dimension id holding category codes, `<dim>_label` after each when
    `labels`, then `value` (Float64, null where missing) and `status` (String or null).
    `name` (e.g. the raw file's path) is put in front of error messages.
    """
    return decode(data, labels=labels, name=name)[0]


def read_meta(data: bytes | bytearray | memoryview | str, *, name: str | None = None) -> JsonStatMeta:
    """Only the metadata; the document is still checked so a broken file is caught here too."""
    doc, values, status = _load(data, name)
    try:
        dims = _dimensions(doc, name)
        _check_value_length(_resolved(values), dims, name)
    except (Unreadable, JsonStatError) as exc:
        if not _fell_short(values, exc):
            raise
        doc, values, _ = _load(data, name, fast=False)
        dims = _dimensions(doc, name)
        _check_value_length(values, dims, name)
    return _meta(doc, dims)


def decode(data: bytes | bytearray | memoryview | str, *, labels: bool = True,
           name: str | None = None) -> tuple[pl.DataFrame, JsonStatMeta]:
    """Cells and metadata from one parse, for the build (which needs both per raw file)."""
    doc, values, status = _load(data, name)
    try:
        return _decoded(doc, values, status, labels, name)
    except (Unreadable, JsonStatError) as exc:
        if not _fell_short(values, exc):
            raise
    return _decoded(*_load(data, name, fast=False), labels, name)


def _decoded(doc: dict[str, Any], values: Any, status: Any, labels: bool,
             name: str | None) -> tuple[pl.DataFrame, JsonStatMeta]:
    dims = _dimensions(doc, name)
    n_cells = math.prod(len(d.codes) for d in dims)
    # Columns and status while the numbers are parsed on the pool; a status error is still
    # reported after any value error, as the plain path does.
    columns, chunk_rows = _dimension_columns(dims, n_cells, labels)
    try:
        status_column, status_error = _status(status, n_cells, name), None
    except JsonStatError as exc:
        status_column, status_error = None, exc
    value = _values(_resolved(values), n_cells, name)
    if status_error is not None:
        raise status_error
    value, status_column = _in_chunks(value, chunk_rows), _in_chunks(status_column, chunk_rows)
    frame = columns.with_columns(value, status_column) if columns.width else pl.DataFrame([value, status_column])
    return frame, _meta(doc, dims)


def _resolved(values: Any) -> Any:
    if isinstance(values, PendingNumbers):
        series = values.result()
        if series is None:
            raise Unreadable
        return series
    return values


def _fell_short(values: Any, exc: Exception) -> bool:
    """Whether to decode again the plain way: the fast reading of `value` failed, so a syntax
    error (which the plain parse reports first) may lie there."""
    return isinstance(exc, Unreadable) or (isinstance(values, PendingNumbers) and values.result() is None)


# --- parsing ----------------------------------------------------------------------------------

def _fail(name: str | None, message: str) -> JsonStatError:
    prefix = f"{name}: " if name else ""
    return JsonStatError(f"{prefix}Ugyldig JSON-stat: {message}")


def _load(data: Any, name: str | None, *, fast: bool = True) -> tuple[dict[str, Any], Any, Any]:
    """The document plus its `value` and `status` members, read the fast way when possible.

    `value` may come back as `PendingNumbers` and `status` as `StatusText` or `Pairs` (from
    jsonstat_fast); every other form is what orjson gives. Syntax problems always surface
    through the full parse, so the messages do not depend on which way the document was read."""
    if not isinstance(data, (bytes, bytearray, memoryview, str)):
        raise _fail(name, f"forventet bytes eller tekst, fikk {type(data).__name__}")
    split = split_big_members(data) if fast else None
    if split is None:
        doc = _parse_json(data, name)
        _check_dataset(doc, name)
        return doc, doc.get("value"), doc.get("status")
    doc, values, status = split
    _check_dataset(doc, name)
    return doc, values, status


def _parse_json(data: Any, name: str | None) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise _fail(name, f"ikke gyldig JSON (avkortet eller ødelagt fil?): {exc.msg} "
                          f"ved byte {_byte_offset(data, exc.pos)} (linje {exc.lineno}, "
                          f"kolonne {exc.colno})") from None


def _check_dataset(doc: Any, name: str | None) -> None:
    if not isinstance(doc, dict):
        raise _fail(name, f"toppnivået er {_json_type(doc)}, ikke et objekt med class «dataset»")
    if doc.get("class") != "dataset":
        raise _fail(name, f"class er {doc.get('class')!r}, forventet 'dataset' "
                          "(bare JSON-stat-datasett støttes)")
    version = doc.get("version")
    if not (isinstance(version, str) and version.startswith("2.")):
        raise _fail(name, f"version er {version!r}, forventet '2.0' (JSON-stat 2.0)")


def _byte_offset(data: Any, char_pos: int) -> int:
    """orjson reports a character position; for bytes input the byte offset is what helps."""
    if isinstance(data, str):
        return len(data[:char_pos].encode("utf-8", errors="replace"))
    text = bytes(data).decode("utf-8", errors="replace")
    return len(text[:char_pos].encode("utf-8", errors="replace"))


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "en boolsk verdi"
    if isinstance(value, (int, float)):
        return "et tall"
    if isinstance(value, str):
        return "tekst"
    if isinstance(value, list):
        return "en liste"
    return "et objekt"


# --- structure --------------------------------------------------------------------------------

def _dimensions(doc: dict[str, Any], name: str | None) -> list[_Dimension]:
    ids, sizes, dim_objs = doc.get("id"), doc.get("size"), doc.get("dimension")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise _fail(name, "«id» mangler eller er ikke en liste med dimensjonsnavn")
    if len(set(ids)) != len(ids):
        raise _fail(name, f"«id» har samme dimensjon flere ganger: {ids}")
    if not isinstance(sizes, list) or not all(
            isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in sizes):
        raise _fail(name, "«size» mangler eller er ikke en liste med ikke-negative heltall")
    if len(sizes) != len(ids):
        raise _fail(name, f"«size» har {len(sizes)} tall, men «id» har {len(ids)} dimensjoner")
    if not isinstance(dim_objs, dict):
        raise _fail(name, "«dimension» mangler eller er ikke et objekt")
    _check_column_names(ids, name)
    return [_dimension(dim_id, size, dim_objs.get(dim_id), name) for dim_id, size in zip(ids, sizes)]


def _check_column_names(ids: list[str], name: str | None) -> None:
    taken = set(ids)
    for dim_id in ids:
        if dim_id in ("value", "status") or f"{dim_id}_label" in taken:
            raise _fail(name, f"dimensjonsnavnet «{dim_id}» kolliderer med en kolonne i resultatet")


def _dimension(dim_id: str, size: int, obj: Any, name: str | None) -> _Dimension:
    where = f"dimensjon «{dim_id}»"
    if not isinstance(obj, dict):
        raise _fail(name, f"{where} står i «id», men mangler i «dimension»")
    category = obj.get("category")
    if not isinstance(category, dict):
        raise _fail(name, f"{where} mangler «category»")
    index, label = category.get("index"), category.get("label")
    if label is not None and not isinstance(label, dict):
        raise _fail(name, f"{where}: category.label er ikke et objekt")
    if index is None:
        # JSON-stat allows leaving out the index for a dimension with a single category.
        if not label or len(label) != 1:
            raise _fail(name, f"{where} mangler category.index (kan bare utelates ved én kategori)")
        codes = list(label)
    elif isinstance(index, list):
        codes = index
        if not all(isinstance(c, str) for c in codes):
            raise _fail(name, f"{where}: category.index inneholder noe annet enn koder (tekst)")
        if len(set(codes)) != len(codes):
            raise _fail(name, f"{where}: category.index har samme kode flere ganger")
    elif isinstance(index, dict):
        codes = _codes_from_positions(index, where, name)
    else:
        raise _fail(name, f"{where}: category.index er {_json_type(index)}, ikke liste eller objekt")
    if len(codes) != size:
        raise _fail(name, f"{where} har {len(codes)} kategorier, men «size» sier {size}")
    label = label or {}
    texts = [label.get(code, code) for code in codes]
    if not all(isinstance(t, str) for t in texts):
        raise _fail(name, f"{where}: category.label har en etikett som ikke er tekst")
    return _Dimension(dim_id, list(codes), texts)


def _codes_from_positions(index: dict[str, Any], where: str, name: str | None) -> list[str]:
    positions = list(index.values())
    if not all(isinstance(p, int) and not isinstance(p, bool) for p in positions) or \
            sorted(positions) != list(range(len(positions))):
        raise _fail(name, f"{where}: category.index-posisjonene er ikke 0..{len(positions) - 1} "
                          "uten hull eller dubletter")
    codes = [""] * len(positions)
    for code, position in index.items():
        codes[position] = code
    return codes


# --- columns ----------------------------------------------------------------------------------

def _dimension_columns(dims: list[_Dimension], n_cells: int, labels: bool) -> tuple[pl.DataFrame, int]:
    """Row-major: dimension k repeats each category prod(sizes[k+1:]) times, the whole block
    prod(sizes[:k]) times. Each column is written directly as Arrow string views (16 bytes a
    cell, copied by numpy), which costs a third of a polars gather per string column.

    Why chunks: every dimension after the first one with several categories repeats with a
    period that divides the chunk length, so all chunks of such a column are one shared buffer;
    only that first dimension is written out in full. Returns the frame and the rows per chunk,
    which the value and status columns are cut to as well (polars wants aligned chunks)."""
    chunk_rows = _chunk_rows([len(d.codes) for d in dims], n_cells)
    columns: list[pl.Series] = []
    inner = n_cells
    for dim in dims:
        size = len(dim.codes)
        inner = inner // size if size else 0
        outer = n_cells // (inner * size) if size and inner else 0
        codes = _repeated_strings(dim.id, dim.codes, inner, outer, chunk_rows)
        columns.append(codes)
        if labels:  # a time dimension's labels are usually its codes: share the memory then
            columns.append(codes.alias(f"{dim.id}_label") if dim.labels == dim.codes
                           else _repeated_strings(f"{dim.id}_label", dim.labels, inner, outer, chunk_rows))
    return pl.DataFrame(columns), chunk_rows


_CHUNK_ROWS = 1 << 16


def _chunk_rows(sizes: list[int], n_cells: int) -> int:
    """The period of the dimensions after the first one with several categories, times the
    smallest divisor of that one's size that reaches _CHUNK_ROWS; n_cells means one chunk."""
    lead = next((k for k, size in enumerate(sizes) if size > 1), None)
    if lead is None or n_cells < 2 * _CHUNK_ROWS:
        return n_cells
    period = math.prod(sizes[lead + 1:])
    for parts in range(1, sizes[lead] + 1):
        if sizes[lead] % parts == 0 and period * parts >= _CHUNK_ROWS:
            return period * parts
    return n_cells


def _repeated_strings(name: str, texts: list[str], inner: int, outer: int, chunk_rows: int) -> pl.Series:
    """`texts`, each repeated `inner` times, the whole tiled `outer` times, as a String series
    in chunks of `chunk_rows` (shared when the pattern repeats within a chunk)."""
    views, data = _string_views(texts)
    n_cells, period = outer * len(texts) * inner, len(texts) * inner
    if n_cells == 0 or chunk_rows in (0, n_cells):
        return pl.Series(name, _views_array(views, data, inner, outer))
    if len(texts) == 1:  # a single category: every chunk is the same constant
        chunks = [_views_array(views, data, chunk_rows, 1)] * (n_cells // chunk_rows)
    elif chunk_rows % period == 0:
        shared = _views_array(views, data, inner, chunk_rows // period)
        chunks = [shared] * (n_cells // chunk_rows)
    else:
        whole = _views_array(views, data, inner, outer)
        chunks = [whole.slice(start, chunk_rows) for start in range(0, n_cells, chunk_rows)]
    return pl.from_arrow(pa.chunked_array(chunks), rechunk=False).alias(name)


def _views_array(views: np.ndarray, data: bytes, inner: int, outer: int) -> pa.Array:
    cells = np.ascontiguousarray(np.broadcast_to(views[None, :, None], (outer, len(views), inner)).reshape(-1))
    return pa.Array.from_buffers(pa.string_view(), len(cells), [None, pa.py_buffer(cells), pa.py_buffer(data)])


def _in_chunks(series: pl.Series, chunk_rows: int) -> pl.Series:
    if chunk_rows in (0, len(series)):
        return series
    whole = series.rechunk()
    return pl.concat([whole.slice(start, chunk_rows) for start in range(0, len(whole), chunk_rows)], rechunk=False)


_VIEW = np.dtype((np.void, 16))


def _string_views(texts: list[str]) -> tuple[np.ndarray, bytes]:
    """Arrow's string-view layout: length, then up to 12 bytes inline, else a 4-byte prefix and
    the offset into one data buffer."""
    views = bytearray(16 * len(texts))
    data = bytearray()
    for i, text in enumerate(texts):
        raw = text.encode("utf-8")
        if len(raw) <= 12:
            struct.pack_into("<I12s", views, 16 * i, len(raw), raw)
        else:
            struct.pack_into("<I4sII", views, 16 * i, len(raw), raw[:4], 0, len(data))
            data += raw
    return np.frombuffer(views, dtype=_VIEW), bytes(data)


def _check_value_length(values: Any, dims: list[_Dimension], name: str | None) -> None:
    n_cells = math.prod(len(d.codes) for d in dims)
    if isinstance(values, (list, pl.Series)) and len(values) != n_cells:
        raise _fail(name, f"«value» har {len(values)} celler, men produktet av «size» er {n_cells}")
    if not isinstance(values, (list, dict, pl.Series)):
        raise _fail(name, "«value» mangler eller er verken liste eller objekt")


def _values(values: Any, n_cells: int, name: str | None) -> pl.Series:
    if isinstance(values, (list, pl.Series)):
        if len(values) != n_cells:
            raise _fail(name, f"«value» har {len(values)} celler, men produktet av «size» er {n_cells}")
        return values if isinstance(values, pl.Series) else _numbers(values, name)
    if isinstance(values, dict):
        keys = list(values)
        index = _sparse_index(keys, n_cells, "value", name)
        dense = pl.Series("value", [], dtype=pl.Float64).extend_constant(None, n_cells)
        return dense.scatter(index, _numbers(list(values.values()), name, keys)) if len(index) else dense
    raise _fail(name, "«value» mangler eller er verken liste eller objekt")


def _numbers(values: list[Any], name: str | None, keys: list[str] | None = None) -> pl.Series:
    """JSON numbers and null only: text or a boolean here means a broken or foreign file.

    polars rejects text but quietly reads true/false as 1.0/0.0, and checking the type of every
    cell in Python would cost as much as building the column; so only cells that came out as
    exactly 0 or 1 are looked at again."""
    try:
        numbers = pl.Series("value", values, dtype=pl.Float64, strict=True)
    except (TypeError, OverflowError, pl.exceptions.PolarsError):
        numbers, suspects = None, range(len(values))
    else:
        suspects = ((numbers == 0.0) | (numbers == 1.0)).arg_true().to_list()
    for position in suspects:
        if type(values[position]) not in _NUMBER_TYPES:
            bad = values[position]
            where = keys[position] if keys else position
            raise _fail(name, f"«value» for celle {where} er {_json_type(bad)} ({bad!r:.40}), ikke et tall")
    if numbers is None:  # every cell is a number, yet polars refused them (e.g. beyond float range)
        raise _fail(name, "«value» kan ikke leses som flyttall")
    return numbers


def _sparse_index(keys: list[str] | pl.Series, n_cells: int, what: str, name: str | None) -> np.ndarray:
    """Object keys are cell positions written as decimal text ("0", "17"); anything else is an error."""
    if len(keys) == 0:
        return np.empty(0, dtype=np.int64)
    index = pl.Series(keys, dtype=pl.String).str.to_integer(base=10, strict=False).cast(pl.Int64)
    if index.null_count():
        bad = keys[int(index.is_null().arg_max())]
        raise _fail(name, f"«{what}»-objektet har nøkkelen {bad!r}, som ikke er en celleposisjon (heltall)")
    low, high = index.min(), index.max()
    if low < 0 or high >= n_cells:
        bad = keys[int(index.arg_min() if low < 0 else index.arg_max())]
        raise _fail(name, f"«{what}»-posisjon {bad} er utenfor datasettet ({n_cells} celler, 0..{n_cells - 1})")
    positions = index.to_numpy()
    # SSB writes the keys in increasing order; only otherwise pay for a uniqueness check.
    if len(positions) > 1 and not (np.diff(positions) > 0).all() and index.n_unique() != len(positions):
        raise _fail(name, f"«{what}»-objektet har samme celleposisjon flere ganger (f.eks. «1» og «01»)")
    return positions


def _status(status: Any, n_cells: int, name: str | None) -> pl.Series:
    empty = pl.Series("status", [], dtype=pl.String)
    if status is None:
        return empty.extend_constant(None, n_cells)
    if isinstance(status, str):
        # JSON-stat: a single symbol applies to every cell.
        return empty.extend_constant(status, n_cells)
    if isinstance(status, list):
        if len(status) == 1 and n_cells != 1:
            return empty.extend_constant(_symbols(status, name)[0], n_cells)
        if len(status) != n_cells:
            raise _fail(name, f"«status» har {len(status)} elementer, men datasettet har {n_cells} celler")
        return _symbols(status, name)
    if isinstance(status, StatusText):
        column = status.column(n_cells)
        if column is not None:
            return column
        status = status.pairs()
    if isinstance(status, Pairs) and status.keys.n_unique() != len(status.keys):
        status = dict(zip(status.keys, status.values))  # a repeated key: the last one wins, as in orjson
    if isinstance(status, (dict, Pairs)):
        if isinstance(status, Pairs):
            keys, symbols = status.keys, status.values
        else:
            keys, symbols = list(status), list(status.values())
        index = _sparse_index(keys, n_cells, "status", name)
        dense = empty.extend_constant(None, n_cells)
        return dense.scatter(index, _symbols(symbols, name, keys)) if len(index) else dense
    raise _fail(name, f"«status» er {_json_type(status)}, forventet tekst, liste eller objekt")


def _symbols(symbols: list[Any] | pl.Series, name: str | None,
             keys: list[str] | pl.Series | None = None) -> pl.Series:
    if isinstance(symbols, pl.Series):  # read from the text: strings by construction
        return symbols.alias("status")
    try:
        return pl.Series("status", symbols, dtype=pl.String, strict=True)
    except TypeError:
        position, bad = next((i, v) for i, v in enumerate(symbols)
                             if v is not None and not isinstance(v, str))
        where = keys[position] if keys else position
        raise _fail(name, f"«status» for celle {where} er {_json_type(bad)}, "
                          "ikke et symbol (tekst)") from None


# --- metadata ---------------------------------------------------------------------------------

def _meta(doc: dict[str, Any], dims: list[_Dimension]) -> JsonStatMeta:
    dim_objs = doc["dimension"]
    dimension_notes: dict[str, list[str]] = {}
    category_notes: dict[str, dict[str, list[str]]] = {}
    units: dict[str, dict[str, dict[str, Any]]] = {}
    dimension_labels: dict[str, str] = {}
    for dim in dims:
        obj = dim_objs[dim.id]
        dimension_labels[dim.id] = obj["label"] if isinstance(obj.get("label"), str) else dim.id
        if obj.get("note"):
            dimension_notes[dim.id] = _note_list(obj["note"])
        category = obj["category"]
        if isinstance(category.get("note"), dict):
            category_notes[dim.id] = {code: _note_list(n) for code, n in category["note"].items()}
        if isinstance(category.get("unit"), dict):
            units[dim.id] = {code: u for code, u in category["unit"].items() if isinstance(u, dict)}
    role = doc.get("role")
    return JsonStatMeta(
        label=_text_or_none(doc.get("label")),
        updated=_text_or_none(doc.get("updated")),
        source=_text_or_none(doc.get("source")),
        notes=_note_list(doc.get("note")),
        extension=doc.get("extension") if isinstance(doc.get("extension"), dict) else {},
        dimension_ids=tuple(d.id for d in dims),
        sizes=tuple(len(d.codes) for d in dims),
        dimension_labels=dimension_labels,
        categories={d.id: dict(zip(d.codes, d.labels)) for d in dims},
        dimension_notes=dimension_notes,
        category_notes=category_notes,
        units=units,
        roles={k: list(v) for k, v in role.items() if isinstance(v, list)} if isinstance(role, dict) else {},
    )


def _note_list(note: Any) -> list[str]:
    """JSON-stat notes are a list of strings; a lone string is accepted as one note."""
    if note is None:
        return []
    if isinstance(note, str):
        return [note]
    if isinstance(note, list):
        return [n for n in note if isinstance(n, str)]
    return []


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None
