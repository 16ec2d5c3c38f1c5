"""JSON-stat 2.0 decoder: SSB PxWebApi v2 responses (outputFormat=json-stat2) -> polars.

Why our own decoder instead of pyjstat: a KOSTRA query is close to SSB's cell limit (~800 000
cells), and pyjstat builds its frame one Python row at a time through pandas, which is far too
slow for the build. Here orjson parses the document and every column is built from index
arrays (numpy/polars), so the cost per cell is a few vectorised gathers. pyjstat is kept as
the reference implementation in the tests.

Why so strict: a truncated or hand-edited raw file must stop the build with a message that
says what is wrong, never become a table with shifted or silently zeroed cells. A cell without
a value stays null; SSB's symbol (`..`, `.`, `:`, `-`) goes to `status`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import orjson
import polars as pl

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
    doc = _parse(data, name)
    dims = _dimensions(doc, name)
    _check_value_length(doc, dims, name)
    return _meta(doc, dims)


def decode(data: bytes | bytearray | memoryview | str, *, labels: bool = True,
           name: str | None = None) -> tuple[pl.DataFrame, JsonStatMeta]:
    """Cells and metadata from one parse, for the build (which needs both per raw file)."""
    doc = _parse(data, name)
    dims = _dimensions(doc, name)
    n_cells = math.prod(len(d.codes) for d in dims)
    columns = _dimension_columns(dims, n_cells, labels)
    value = _values(doc, n_cells, name)
    status = _status(doc, n_cells, name)
    frame = columns.with_columns(value, status) if columns.width else pl.DataFrame([value, status])
    return frame, _meta(doc, dims)


# --- parsing and structure --------------------------------------------------------------------

def _fail(name: str | None, message: str) -> JsonStatError:
    prefix = f"{name}: " if name else ""
    return JsonStatError(f"{prefix}Ugyldig JSON-stat: {message}")


def _parse(data: Any, name: str | None) -> dict[str, Any]:
    if not isinstance(data, (bytes, bytearray, memoryview, str)):
        raise _fail(name, f"forventet bytes eller tekst, fikk {type(data).__name__}")
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise _fail(name, f"ikke gyldig JSON (avkortet eller ødelagt fil?): {exc.msg} "
                          f"ved byte {_byte_offset(data, exc.pos)} (linje {exc.lineno}, "
                          f"kolonne {exc.colno})") from None
    if not isinstance(doc, dict):
        raise _fail(name, f"toppnivået er {_json_type(doc)}, ikke et objekt med class «dataset»")
    if doc.get("class") != "dataset":
        raise _fail(name, f"class er {doc.get('class')!r}, forventet 'dataset' "
                          "(bare JSON-stat-datasett støttes)")
    version = doc.get("version")
    if not (isinstance(version, str) and version.startswith("2.")):
        raise _fail(name, f"version er {version!r}, forventet '2.0' (JSON-stat 2.0)")
    return doc


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

def _dimension_columns(dims: list[_Dimension], n_cells: int, labels: bool) -> pl.DataFrame:
    """Row-major: dimension k repeats each category prod(sizes[k+1:]) times, the whole block
    prod(sizes[:k]) times. Codes are gathered through a positions column, in one parallel select."""
    positions: dict[str, np.ndarray] = {}
    exprs: list[pl.Expr] = []
    inner = n_cells
    for k, dim in enumerate(dims):
        size = len(dim.codes)
        inner = inner // size if size else 0
        outer = n_cells // (inner * size) if size and inner else 0
        key = f"__pos{k}"
        positions[key] = np.tile(np.repeat(np.arange(size, dtype=np.uint32), inner), outer)
        exprs.append(pl.lit(pl.Series(dim.codes, dtype=pl.String)).gather(pl.col(key)).alias(dim.id))
        if labels:
            exprs.append(pl.lit(pl.Series(dim.labels, dtype=pl.String))
                         .gather(pl.col(key)).alias(f"{dim.id}_label"))
    return pl.DataFrame(positions).select(exprs) if dims else pl.DataFrame()


def _check_value_length(doc: dict[str, Any], dims: list[_Dimension], name: str | None) -> None:
    values, n_cells = doc.get("value"), math.prod(len(d.codes) for d in dims)
    if isinstance(values, list) and len(values) != n_cells:
        raise _fail(name, f"«value» har {len(values)} celler, men produktet av «size» er {n_cells}")
    if not isinstance(values, (list, dict)):
        raise _fail(name, "«value» mangler eller er verken liste eller objekt")


def _values(doc: dict[str, Any], n_cells: int, name: str | None) -> pl.Series:
    values = doc.get("value")
    if isinstance(values, list):
        if len(values) != n_cells:
            raise _fail(name, f"«value» har {len(values)} celler, men produktet av «size» er {n_cells}")
        return _numbers(values, name)
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


def _sparse_index(keys: list[str], n_cells: int, what: str, name: str | None) -> np.ndarray:
    """Object keys are cell positions written as decimal text ("0", "17"); anything else is an error."""
    if not keys:
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


def _status(doc: dict[str, Any], n_cells: int, name: str | None) -> pl.Series:
    status = doc.get("status")
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
    if isinstance(status, dict):
        keys = list(status)
        index = _sparse_index(keys, n_cells, "status", name)
        dense = empty.extend_constant(None, n_cells)
        return dense.scatter(index, _symbols(list(status.values()), name, keys)) if len(index) else dense
    raise _fail(name, f"«status» er {_json_type(status)}, forventet tekst, liste eller objekt")


def _symbols(symbols: list[Any], name: str | None, keys: list[str] | None = None) -> pl.Series:
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
