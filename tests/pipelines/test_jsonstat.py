"""Tests for pipelines.jsonstat and its fast path (pipelines.jsonstat_fast): agreement with
pyjstat on SSB-shaped responses, properties on generated documents against a naive reference
decoder, clear errors for broken documents, and the fast path agreeing with the plain one."""
from __future__ import annotations

import itertools
import json
import math
import warnings
from unittest import mock
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines import jsonstat, jsonstat_fast
from pipelines.jsonstat import JsonStatError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "jsonstat"
SSB_FIXTURES = ["12292_status_object.json", "12362_status_array.json", "11645_sparse_value.json"]


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def doc_of(name: str) -> dict[str, Any]:
    return orjson.loads(load(name))


def dumps(doc: Any) -> bytes:
    return orjson.dumps(doc)


# --- agreement with pyjstat -------------------------------------------------------------------

def pyjstat_frames(raw: bytes):
    """pyjstat's frames named by id and by label. pyjstat 2.4 works with pandas 3 here, but warns
    (its from_json_stat is deprecated), so the warnings are silenced for the reference only."""
    from pyjstat import pyjstat

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_id = pyjstat.Dataset.read(raw.decode()).write("dataframe", naming="id")
        by_label = pyjstat.Dataset.read(raw.decode()).write("dataframe")
    return by_id, by_label


@pytest.mark.parametrize("fixture", SSB_FIXTURES)
def test_agrees_with_pyjstat_on_codes_labels_and_values(fixture: str) -> None:
    raw = load(fixture)
    ours = jsonstat.read(raw)
    meta = jsonstat.read_meta(raw)
    by_id, by_label = pyjstat_frames(raw)

    assert ours.height == len(by_id) == meta.n_cells
    for position, dim in enumerate(meta.dimension_ids):
        assert ours[dim].to_list() == by_id[dim].tolist()
        assert ours[f"{dim}_label"].to_list() == by_label.iloc[:, position].tolist()
    theirs = by_id["value"].tolist()
    for mine, ref in zip(ours["value"].to_list(), theirs):
        if mine is None:
            assert ref is None or math.isnan(ref)
        else:
            assert mine == pytest.approx(ref)


# --- the recorded-style fixtures, cell by cell ---------------------------------------------------

def test_status_object_puts_symbols_on_their_cells_and_leaves_values_null() -> None:
    frame = jsonstat.read(load("12292_status_object.json"))
    assert frame.columns == [
        "KOKkommuneregion0000", "KOKkommuneregion0000_label", "ContentsCode", "ContentsCode_label",
        "Tid", "Tid_label", "value", "status",
    ]
    assert frame.schema["value"] == jsonstat.pl.Float64
    assert all(frame.schema[c] == jsonstat.pl.String for c in frame.columns if c != "value")
    row = frame.row(6, named=True)
    assert (row["KOKkommuneregion0000"], row["ContentsCode"], row["Tid"]) == ("3805", "KOSkjerne80aarov0000", "2023")
    assert row["value"] is None and row["status"] == ".."
    ekg13 = frame.filter(jsonstat.pl.col("KOKkommuneregion0000") == "EKG13")
    assert ekg13["value"].null_count() == 8
    assert ekg13["status"].to_list() == ["."] * 4 + [":"] * 4
    assert frame["status"].null_count() == 32 - 10
    first = frame.row(0, named=True)
    assert first["value"] == 2105.0 and first["status"] is None
    assert first["KOKkommuneregion0000_label"] == "Larvik"


def test_status_array_keeps_dash_and_the_value_beside_it() -> None:
    frame = jsonstat.read(load("12362_status_array.json"))
    assert frame.height == 36
    doc = doc_of("12362_status_array.json")
    assert frame["status"].to_list() == doc["status"]
    dash = frame.filter(jsonstat.pl.col("status") == "-").row(0, named=True)
    assert (dash["KOKkommuneregion0000"], dash["KOKfunksjon0000"], dash["Tid"], dash["value"]) == ("EKG13", "261", "2023", 0.0)
    ended = frame.filter((jsonstat.pl.col("KOKkommuneregion0000") == "3805") & (jsonstat.pl.col("Tid") == "2024"))
    assert ended["value"].to_list() == [None] * 3 and ended["status"].to_list() == ["."] * 3


def test_sparse_value_object_fills_missing_cells_with_null() -> None:
    frame = jsonstat.read(load("11645_sparse_value.json"))
    doc = doc_of("11645_sparse_value.json")
    expected = [doc["value"].get(str(i)) for i in range(24)]
    assert frame["value"].to_list() == [None if v is None else float(v) for v in expected]
    assert frame["status"].to_list() == [doc["status"].get(str(i)) for i in range(24)]
    # Tid has no category.label: the label is the code.
    assert frame["Tid_label"].to_list() == frame["Tid"].to_list()


def test_labels_off_gives_codes_value_and_status_only() -> None:
    raw = load("12362_status_array.json")
    frame = jsonstat.read(raw, labels=False)
    assert frame.columns == ["KOKkommuneregion0000", "KOKfunksjon0000", "KOKart0000", "ContentsCode", "Tid", "value", "status"]
    assert frame.equals(jsonstat.read(raw).select(frame.columns))


def test_text_input_gives_the_same_frame_as_bytes() -> None:
    raw = load("12292_status_object.json")
    assert jsonstat.read(raw.decode()).equals(jsonstat.read(raw))


def test_read_meta_reports_ssb_edition_notes_and_categories() -> None:
    meta = jsonstat.read_meta(load("12292_status_object.json"))
    assert meta.updated == "2025-06-16T06:00:00Z"
    assert meta.label.startswith("12292: Omsorgstjenester")
    assert meta.source == "Statistisk sentralbyrå"
    assert meta.notes[0] == "Tall for 2024 er reviderte."
    assert meta.extension["px"]["tableid"] == "12292"
    assert meta.dimension_ids == ("KOKkommuneregion0000", "ContentsCode", "Tid")
    assert meta.sizes == (4, 2, 4)
    assert list(meta.categories["KOKkommuneregion0000"].items()) == [
        ("3805", "Larvik"), ("3803", "Tønsberg"), ("EKG13", "Kostragruppe 13"), ("EAKUO", "Landet uten Oslo")]
    assert meta.dimension_labels["ContentsCode"] == "statistikkvariabel"
    assert meta.dimension_notes["KOKkommuneregion0000"][0].startswith("Kommunenummer")
    assert "ny gruppering" in meta.category_notes["KOKkommuneregion0000"]["EKG13"][0]
    assert meta.units["ContentsCode"]["KOSkjernetotalt0000"] == {"base": "personer", "decimals": 0}
    assert meta.roles["geo"] == ["KOKkommuneregion0000"]
    assert meta.is_demo is False


def test_demo_marker_and_single_category_without_index() -> None:
    raw = load("demo_12209_marker.json")
    meta = jsonstat.read_meta(raw)
    assert meta.is_demo is True
    frame, meta_again = jsonstat.decode(raw)
    assert meta_again == meta
    assert frame["ContentsCode"].unique().to_list() == ["KOSandelpo0000"]
    assert frame["ContentsCode_label"][0].startswith("Andel netto driftsutgifter")
    assert frame["Tid"].to_list() == ["2023", "2024", "2025"] * 3
    assert frame["value"].to_list() == [34.1, 34.9, 35.6, 33.2, 33.8, None, 31.0, 31.4, 31.9]
    assert frame["status"].to_list() == [None] * 5 + [".."] + [None] * 3


@pytest.mark.parametrize("marker", [{"demo": False}, {"demo": "true"}, True, None])
def test_only_a_true_demo_flag_counts_as_demo(marker: Any) -> None:
    doc = doc_of("demo_12209_marker.json")
    doc["extension"]["kostra_dashboard"] = marker
    assert jsonstat.read_meta(dumps(doc)).is_demo is False


def test_single_status_string_applies_to_every_cell() -> None:
    doc = doc_of("12292_status_object.json")
    doc["status"] = "p"
    assert jsonstat.read(dumps(doc))["status"].to_list() == ["p"] * 32
    doc["status"] = ["e"]
    assert jsonstat.read(dumps(doc))["status"].to_list() == ["e"] * 32


def test_empty_dimension_gives_empty_frame_with_the_same_columns() -> None:
    doc = {"version": "2.0", "class": "dataset", "id": ["a", "b"], "size": [2, 0],
           "dimension": {"a": {"category": {"index": ["x", "y"]}}, "b": {"category": {"index": []}}},
           "value": []}
    frame = jsonstat.read(dumps(doc))
    assert frame.height == 0
    assert frame.columns == ["a", "a_label", "b", "b_label", "value", "status"]


# --- properties on generated documents ----------------------------------------------------------

CODE = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789æøå.-", min_size=1, max_size=6)
NUMBER = st.one_of(st.none(), st.integers(-10**9, 10**9),
                   st.floats(allow_nan=False, allow_infinity=False, width=64))
SYMBOL = st.sampled_from(["..", ".", ":", "-"])


@st.composite
def documents(draw) -> tuple[dict[str, Any], dict[str, Any]]:
    """A JSON-stat dataset in any of the allowed shapes, plus the plain facts it encodes."""
    n_dims = draw(st.integers(1, 4))
    dim_ids = draw(st.lists(st.text(alphabet="abcdefghijKLMNOP0123", min_size=1, max_size=8),
                            min_size=n_dims, max_size=n_dims, unique=True)
                   .filter(lambda ids: not any(f"{i}_label" in ids or i in ("value", "status") for i in ids)))
    dims, codes_by_dim, labels_by_dim = {}, [], []
    for dim_id in dim_ids:
        codes = draw(st.lists(CODE, min_size=0 if draw(st.integers(0, 9)) == 0 else 1, max_size=4, unique=True))
        labels = {c: draw(st.text(max_size=10)) for c in codes if draw(st.booleans())}
        category: dict[str, Any] = {}
        if draw(st.booleans()):
            category["index"] = codes
        else:
            # An object index: insertion order need not follow the positions.
            pairs = list(enumerate(codes))
            order = draw(st.permutations(pairs))
            category["index"] = {code: position for position, code in order}
        if labels or draw(st.booleans()):
            category["label"] = labels
        dims[dim_id] = {"label": dim_id.upper(), "category": category}
        codes_by_dim.append(codes)
        labels_by_dim.append([labels.get(c, c) for c in codes])
    n_cells = math.prod(len(c) for c in codes_by_dim)
    values = draw(st.lists(NUMBER, min_size=n_cells, max_size=n_cells))
    statuses = draw(st.lists(st.one_of(st.none(), SYMBOL), min_size=n_cells, max_size=n_cells))
    doc: dict[str, Any] = {"version": "2.0", "class": "dataset", "id": dim_ids,
                           "size": [len(c) for c in codes_by_dim], "dimension": dims}
    if draw(st.booleans()):
        doc["value"] = values
    else:
        doc["value"] = {str(i): v for i, v in enumerate(values) if v is not None or draw(st.booleans())}
        if draw(st.booleans()):  # key order is free in an object
            doc["value"] = dict(reversed(list(doc["value"].items())))
    status_form = draw(st.sampled_from(["absent", "object", "array", "string"]))
    if status_form == "absent":
        statuses = [None] * n_cells
    elif status_form == "object":
        doc["status"] = {str(i): s for i, s in enumerate(statuses) if s is not None}
    elif status_form == "array":
        doc["status"] = statuses
    else:
        symbol = draw(SYMBOL)
        doc["status"] = symbol
        statuses = [symbol] * n_cells
    facts = {"ids": dim_ids, "codes": codes_by_dim, "labels": labels_by_dim,
             "values": values, "statuses": statuses}
    return doc, facts


def reference_rows(facts: dict[str, Any]) -> list[tuple]:
    """The slow, obvious decoder: the Cartesian product in `id` order, last dimension fastest."""
    combos = itertools.product(*[list(zip(c, lab)) for c, lab in zip(facts["codes"], facts["labels"])])
    return [tuple(x for pair in combo for x in pair) + (value, status)
            for combo, value, status in zip(combos, facts["values"], facts["statuses"])]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_match_the_reference_decoder(case) -> None:
    doc, facts = case
    frame = jsonstat.read(dumps(doc))
    expected = reference_rows(facts)
    assert frame.height == len(expected) == math.prod(doc["size"])
    columns = [c for dim in facts["ids"] for c in (dim, f"{dim}_label")] + ["value", "status"]
    assert frame.columns == columns
    got = frame.rows()
    for mine, ref in zip(got, expected):
        assert mine[:-2] == ref[:-2]
        assert mine[-1] == ref[-1]
        if ref[-2] is None:
            assert mine[-2] is None
        else:
            assert mine[-2] == float(ref[-2])


@settings(max_examples=60, deadline=None)
@given(documents())
def test_labels_off_is_the_labelled_frame_without_label_columns(case) -> None:
    doc, facts = case
    raw = dumps(doc)
    plain = jsonstat.read(raw, labels=False)
    assert plain.columns == facts["ids"] + ["value", "status"]
    assert plain.equals(jsonstat.read(raw).select(plain.columns))
    meta = jsonstat.read_meta(raw)
    assert meta.sizes == tuple(doc["size"])
    assert [list(meta.categories[d]) for d in facts["ids"]] == facts["codes"]


# --- malformed documents --------------------------------------------------------------------

def broken(mutate) -> bytes:
    doc = doc_of("12292_status_object.json")
    mutate(doc)
    return dumps(doc)


def _set(path: list[Any], value: Any):
    def mutate(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value
    return mutate


MALFORMED = [
    ("truncated", load("12292_status_object.json")[:900], r"ikke gyldig JSON.*byte 900"),
    ("garbage after", load("12292_status_object.json") + b"x", r"ikke gyldig JSON.*unexpected content"),
    ("empty", b"", r"ikke gyldig JSON"),
    ("bad utf-8", b'{"label": "\xff"}', r"ikke gyldig JSON"),
    ("array at top", b"[1, 2]", r"toppnivået er en liste"),
    ("collection", broken(_set(["class"], "collection")), r"class er 'collection'"),
    ("no class", broken(_set(["class"], KeyError)), r"class er None"),
    ("version 1", broken(_set(["version"], "1.0")), r"version er '1.0'"),
    ("no version", broken(_set(["version"], KeyError)), r"version er None"),
    ("id not list", broken(_set(["id"], "Tid")), r"«id» mangler"),
    ("size length", broken(_set(["size"], [4, 2])), r"«size» har 2 tall, men «id» har 3"),
    ("size negative", broken(_set(["size"], [4, -2, 4])), r"«size» mangler eller er ikke"),
    ("dimension missing", broken(_set(["dimension", "Tid"], KeyError)), r"dimensjon «Tid» står i «id», men mangler"),
    ("category count", broken(_set(["size"], [5, 2, 4])), r"«KOKkommuneregion0000» har 4 kategorier, men «size» sier 5"),
    ("index gaps", broken(_set(["dimension", "Tid", "category", "index", "2024"], 7)), r"«Tid».*posisjonene"),
    ("index duplicate code", broken(_set(["dimension", "Tid", "category", "index"], ["2021", "2021", "2023", "2024"])),
     r"«Tid».*samme kode"),
    ("value too short", broken(lambda d: d["value"].pop()), r"«value» har 31 celler, men produktet av «size» er 32"),
    ("value missing", broken(_set(["value"], KeyError)), r"«value» mangler"),
    ("value text", broken(_set(["value", 3], "2170")), r"«value» for celle 3 er tekst.*ikke et tall"),
    ("value boolean", broken(_set(["value", 5], True)), r"«value» for celle 5 er en boolsk verdi"),
    ("value false", broken(_set(["value", 0], False)), r"«value» for celle 0 er en boolsk verdi"),
    ("value object", broken(_set(["value", 2], {"v": 1})), r"«value» for celle 2 er et objekt"),
    ("sparse out of range", broken(_set(["value"], {"0": 1, "32": 2})), r"«value»-posisjon 32 er utenfor datasettet \(32 celler"),
    ("sparse negative", broken(_set(["value"], {"-1": 1})), r"«value»-posisjon -1 er utenfor"),
    ("sparse not integer", broken(_set(["value"], {"0": 1, "1.5": 2})), r"nøkkelen '1.5', som ikke er en celleposisjon"),
    ("sparse duplicate", broken(_set(["value"], {"1": 1, "01": 2})), r"samme celleposisjon flere ganger"),
    ("sparse value text", broken(_set(["value"], {"0": 1, "4": "x"})), r"«value» for celle 4 er tekst"),
    ("status out of range", broken(_set(["status", "40"], "..")), r"«status»-posisjon 40 er utenfor datasettet"),
    ("status array length", broken(_set(["status"], [None] * 31)), r"«status» har 31 elementer, men datasettet har 32"),
    ("status not text", broken(_set(["status", "6"], 1)), r"«status» for celle 6 er et tall"),
    ("status number", broken(_set(["status"], 3)), r"«status» er et tall"),
]


@pytest.mark.parametrize("raw, pattern", [(raw, pattern) for _, raw, pattern in MALFORMED],
                         ids=[case[0] for case in MALFORMED])
def test_malformed_documents_are_rejected_with_a_clear_message(raw: bytes, pattern: str) -> None:
    with pytest.raises(JsonStatError, match=pattern):
        jsonstat.read(raw)


@pytest.mark.parametrize("raw, pattern", [(raw, pattern) for case, raw, pattern in MALFORMED
                                           if not case.startswith(("value", "sparse", "status"))
                                           or case in ("value too short", "value missing")],
                         ids=[case for case, _, _ in MALFORMED
                              if not case.startswith(("value", "sparse", "status"))
                              or case in ("value too short", "value missing")])
def test_read_meta_rejects_broken_structure_too(raw: bytes, pattern: str) -> None:
    with pytest.raises(JsonStatError, match=pattern):
        jsonstat.read_meta(raw)


def test_errors_are_value_errors_and_name_the_file() -> None:
    with pytest.raises(ValueError, match=r"^data/raw/ssb/12292/data-001\.json\.gz: Ugyldig JSON-stat: "):
        jsonstat.read(b"{", name="data/raw/ssb/12292/data-001.json.gz")


def test_byte_offset_counts_bytes_not_characters() -> None:
    raw = '{"label": "Tønsberg og Færder", "x": [1, 2'.encode()
    with pytest.raises(JsonStatError, match=rf"byte {len(raw)} "):
        jsonstat.read(raw)


def test_column_name_clash_is_rejected() -> None:
    doc = {"version": "2.0", "class": "dataset", "id": ["value"], "size": [1],
           "dimension": {"value": {"category": {"index": ["a"]}}}, "value": [1]}
    with pytest.raises(JsonStatError, match=r"«value» kolliderer"):
        jsonstat.read(dumps(doc))


def test_values_that_are_one_or_zero_numbers_are_accepted() -> None:
    doc = doc_of("12292_status_object.json")
    doc["value"][:4] = [0, 1, 0.0, 1.0]
    assert jsonstat.read(dumps(doc))["value"].to_list()[:4] == [0.0, 1.0, 0.0, 1.0]


# --- the fast path (value/status cut from the raw bytes) against the plain orjson path -----------

def decode_plain(raw: bytes | str, labels: bool = True):
    """The full-orjson path, which is also what the fast path falls back to."""
    doc, values, status = jsonstat._load(raw, None, fast=False)
    return jsonstat._decoded(doc, values, status, labels, None)


def assert_same_frames(fast, plain) -> None:
    assert fast.columns == plain.columns and fast.schema == plain.schema
    assert fast.equals(plain)
    # equals() takes -0.0 for 0.0; orjson reads the integer -0 as 0 but -0.0 as negative zero.
    mine, ref = fast["value"].fill_null(1.0).to_numpy(), plain["value"].fill_null(1.0).to_numpy()
    assert (np.signbit(mine) == np.signbit(ref)).all()


def outcome(raw: bytes | str, labels: bool = True):
    """The frame, meta and error message of both paths (messages must match too)."""
    results = []
    for decoder in (lambda: jsonstat.decode(raw, labels=labels), lambda: decode_plain(raw, labels)):
        try:
            results.append(decoder())
        except JsonStatError as exc:
            results.append(str(exc))
    return results


def assert_same_outcome(raw: bytes | str, labels: bool = True) -> None:
    fast, plain = outcome(raw, labels)
    if isinstance(plain, str) or isinstance(fast, str):
        assert fast == plain
    else:
        assert_same_frames(fast[0], plain[0])
        assert fast[1] == plain[1]


def takes_fast_path(raw: bytes | str) -> bool:
    split = jsonstat_fast.split_big_members(raw)
    if split is None:
        return False
    values = split[1]
    return not isinstance(values, jsonstat_fast.PendingNumbers) or values.result() is not None


JSON_NUMBER = st.from_regex(r"-?(0|[1-9][0-9]{0,19})(\.[0-9]{1,19})?([eE][+-]?[0-9]{1,3})?", fullmatch=True)
NUMBER_TEXT = st.one_of(st.just("null"), JSON_NUMBER,
                        st.sampled_from(["1e5", "-0.5", "12.0", "0", "-0", "-0.0", "1E+2", "2.5e-3", "123456789",
                                         "9007199254740993", "18446744073709551615", "1e308", "5e-324"]))


def array_text(tokens: list[str], spaced: bool) -> str:
    if not spaced:
        return "[" + ",".join(tokens) + "]"
    return "[\n    " + ",\n    ".join(tokens) + "\n  ]"


@st.composite
def written_documents(draw) -> str:
    """A generated dataset written out by hand: number spellings orjson.dumps never makes,
    compact or pretty-printed, and `"value"` keys nested where only the top-level one counts."""
    doc, facts = draw(documents())
    n_cells = math.prod(doc["size"])
    if draw(st.integers(0, 3)):  # mostly the dense form, which is the one written by hand below
        doc["value"] = facts["values"]
    dense = isinstance(doc["value"], list)
    tokens = [draw(NUMBER_TEXT) for _ in range(n_cells)]
    if draw(st.booleans()):
        nested = draw(st.lists(st.integers(0, 9), max_size=3))
        doc["extension"] = {"value": nested, "note": {"value": "value", "status": {"0": "x"}}}
    if draw(st.booleans()):
        first = facts["ids"][0]
        doc["dimension"][first]["extension"] = {"show": "value", "value": [0.5]}
    spaced = draw(st.booleans())
    text = orjson.dumps(doc, option=orjson.OPT_INDENT_2 if spaced else 0).decode()
    if dense:
        old = orjson.dumps(doc["value"], option=orjson.OPT_INDENT_2 if spaced else 0).decode()
        if spaced and "\n" in old:  # orjson indents nested lists further; find the member instead
            old = old.replace("\n", "\n  ")
        key = '"value": ' if spaced else '"value":'
        position = text.rindex(key + old)
        text = text[:position] + key + array_text(tokens, spaced) + text[position + len(key) + len(old):]
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(written_documents(), st.booleans(), st.booleans())
def test_fast_path_and_plain_path_agree_on_written_documents(text: str, as_bytes: bool, labels: bool) -> None:
    assert_same_outcome(text.encode() if as_bytes else text, labels)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.booleans())
def test_dense_compact_documents_take_the_fast_path(case, spaced: bool) -> None:
    doc, _ = case
    raw = orjson.dumps(doc, option=orjson.OPT_INDENT_2 if spaced else 0)
    if isinstance(doc["value"], list) or isinstance(doc.get("status"), dict):
        assert takes_fast_path(raw)
    assert_same_outcome(raw)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(NUMBER_TEXT, st.text(alphabet="0123456789.-+eEnul ,\n", min_size=1, max_size=6)),
                max_size=12))
def test_number_reader_accepts_exactly_what_orjson_reads_as_numbers(tokens: list[str]) -> None:
    content = ",".join(tokens).encode()
    try:
        parsed = orjson.loads(b"[" + content + b"]")
        expected = jsonstat._numbers(parsed, None)
    except (orjson.JSONDecodeError, JsonStatError):
        expected = None
    got = jsonstat_fast._read_numbers(content)
    if expected is None:
        assert got is None
    else:
        assert got is not None and got.equals(expected)
        assert (np.signbit(got.fill_null(1.0).to_numpy()) == np.signbit(expected.fill_null(1.0).to_numpy())).all()


SYMBOL_TEXT = st.one_of(SYMBOL, st.text(max_size=4), st.text(min_size=10, max_size=20))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.integers(0, 40).map(str), st.text(max_size=3)), SYMBOL_TEXT), max_size=8),
       st.sampled_from([None, 2]), st.booleans())
def test_status_reader_agrees_with_orjson_or_declines(pairs, indent, ascii_only: bool) -> None:
    obj = dict(pairs)
    raw = orjson.dumps(obj, option=orjson.OPT_INDENT_2 if indent else 0)
    if ascii_only:
        raw = json.dumps(obj, ensure_ascii=True).encode()
    got = jsonstat_fast._symbol_pairs(raw)
    if got is None:
        assert b"\\" in raw, f"a plain object of strings was declined: {raw!r}"
        return
    if isinstance(got, jsonstat_fast.StatusText):
        column = got.column(40)
        if column is not None:  # the direct route: keys were increasing cell numbers
            keys = [int(k) for k in orjson.loads(raw)]
            assert keys == sorted(set(keys)) and all(k < 40 for k in keys)
            assert column.to_list() == [obj.get(str(i)) for i in range(40)]
        got = got.pairs()
    assert dict(zip(got.keys.to_list(), got.values.to_list())) == orjson.loads(raw)


@pytest.mark.parametrize("status", [
    {"0": "..", "5": "Et langt symbol over tolv byte", "31": "æøå"},
    {"3": ".", "1": ":"}, {"01": ".", "1": ":"}, {"1x": "."}, {"": "."}, {"32": "."}, {"-1": "."},
    {"0000000000000000000001": "."}, {"99999999999999999999": "."}, {"1": "a", "2": "b", "02": "c"}])
def test_status_keys_and_symbols_of_every_kind_agree(status: dict[str, str]) -> None:
    doc = doc_of("12292_status_object.json")
    doc["status"] = status
    assert_same_outcome(dumps(doc))


def test_repeated_status_key_in_text_is_last_wins_like_orjson() -> None:
    raw = load("12292_status_object.json")
    start = raw.index(b'"status"')
    end = raw.index(b"}", start) + 1
    raw = raw[:start] + b'"status":{"2":"a","5":"b","2":"c"}' + raw[end:]
    status = jsonstat.read(raw)["status"].to_list()
    assert status[2] == "c" and status[5] == "b"
    assert_same_outcome(raw)


def ssb_sized(n_cells: int, seed: int = 7) -> tuple[dict[str, Any], list[Any]]:
    """Big enough for the two-halves reading on the pool (more than 1 MB of numbers)."""
    rng = np.random.default_rng(seed)
    regions = [f"{i:04d}" for i in range(n_cells // 100)]
    years = [str(1925 + i) for i in range(100)]
    amounts = np.round(rng.lognormal(8, 2, n_cells), 1).tolist()
    values = [None if i % 9 == 0 else (int(a) if i % 2 else a) for i, a in enumerate(amounts)]
    doc = {"version": "2.0", "class": "dataset", "id": ["region", "Tid"], "size": [len(regions), 100],
           "dimension": {"region": {"category": {"index": regions}}, "Tid": {"category": {"index": years}}},
           "value": values, "status": {str(i): ".." for i in range(0, n_cells, 9)}}
    return doc, values


def test_big_document_is_read_in_two_halves_like_the_plain_path() -> None:
    doc, _ = ssb_sized(200_000)
    raw = dumps(doc)
    start = raw.index(b'"value":[')
    assert raw.index(b"]", start) - start > jsonstat_fast._PARALLEL_BYTES
    assert takes_fast_path(raw)
    assert_same_outcome(raw)


@pytest.mark.parametrize("where", ["first half", "second half", "at the split"])
@pytest.mark.parametrize("bad", ["01", ".5", "1.", "+1", "1e400", "nul", "true", '"1"', "1 2", ""])
def test_bad_number_in_a_big_array_gives_the_plain_message(where: str, bad: str) -> None:
    doc, values = ssb_sized(200_000)
    position = {"first half": 10, "second half": len(values) - 10, "at the split": len(values) // 2}[where]
    marker = 424242.25
    values[position] = marker
    raw = dumps(doc).replace(b"424242.25", bad.encode(), 1)
    fast, plain = outcome(raw, labels=False)
    assert isinstance(plain, str) and fast == plain


def test_fast_path_is_taken_for_recorded_fixtures_and_agrees() -> None:
    for fixture in ["12292_status_object.json", "12362_status_array.json", "demo_12209_marker.json"]:
        raw = load(fixture)
        assert takes_fast_path(raw), fixture
        assert_same_outcome(raw)
        assert_same_outcome(dumps(orjson.loads(raw)))


def test_nested_value_arrays_longer_than_the_real_one_fall_back_correctly() -> None:
    doc = doc_of("12292_status_object.json")
    doc = {"x": {"value": list(range(1000)), "status": {str(i): "x" for i in range(500)}}, **doc}
    raw = dumps(doc)
    assert jsonstat_fast.split_big_members(raw) is None
    frame = jsonstat.read(raw)
    original = doc_of("12292_status_object.json")["value"]
    assert frame["value"].to_list() == [None if v is None else float(v) for v in original]
    assert_same_outcome(raw)


def test_repeated_top_level_members_follow_orjson() -> None:
    raw = load("12292_status_object.json")
    body = raw.rstrip()[:-1]
    extra = b', "value": [' + b",".join([b"7"] * 32) + b'], "status": {"0": "a", "0": "b"}}'
    frame = jsonstat.read(body + extra)
    assert frame["value"].to_list() == [7.0] * 32
    assert frame["status"].to_list() == ["b"] + [None] * 31
    assert_same_outcome(body + extra)
    earlier = raw.replace(b'"class"', b'"value": [1, 2], "status": {"0": "z"}, "class"', 1)
    assert_same_outcome(earlier)


def test_key_ending_in_value_is_not_the_value_member() -> None:
    doc = doc_of("12292_status_object.json")
    doc["extension"] = {'x"value': [9] * 40}
    raw = dumps(doc)
    assert jsonstat.read(raw)["value"].to_list()[0] == 2105.0
    assert_same_outcome(raw)


@pytest.mark.parametrize("status", [
    b'{"0": "\\u002e"}', b'{"0": "a}"}', b'{"0": ".", "1": ":"}', b'{ }', b'{"0":"\x01"}', b'{"0":"\xff"}',
    b'{"0": "..",}', b'{"0" "x"}', b'{"0": "x" "1": "y"}', "{\"0\": \"\u00e6\"}".encode(), b'{"0": "x\ny"}'])
def test_status_objects_in_odd_spellings_agree(status: bytes) -> None:
    raw = load("12292_status_object.json")
    start = raw.index(b'"status"')
    end = raw.index(b"}", start) + 1
    assert_same_outcome(raw[:start] + b'"status": ' + status + raw[end:])


def test_str_input_with_lone_surrogate_gets_the_json_message() -> None:
    text = load("12292_status_object.json").decode().replace("Larvik", "Larvik\ud800")
    fast, plain = outcome(text)
    assert isinstance(fast, str) and fast == plain


def test_syntax_error_in_values_wins_over_a_structure_error_as_in_the_plain_path() -> None:
    doc = doc_of("12292_status_object.json")
    doc["size"] = [5, 2, 4]
    raw = dumps(doc).replace(b"2105", b"2105.", 1)
    with pytest.raises(JsonStatError, match="ikke gyldig JSON"):
        jsonstat.read(raw)
    assert_same_outcome(raw)
    with pytest.raises(JsonStatError, match="ikke gyldig JSON"):
        jsonstat.read_meta(raw)


def test_value_error_is_reported_before_a_status_error_on_both_paths() -> None:
    doc = doc_of("12292_status_object.json")
    doc["value"].pop()
    doc["status"]["40"] = ".."
    raw = dumps(doc)
    with pytest.raises(JsonStatError, match=r"«value» har 31 celler"):
        jsonstat.read(raw)
    assert_same_outcome(raw)


def test_a_forked_child_gets_a_fresh_pool() -> None:
    doc, _ = ssb_sized(200_000)
    raw = dumps(doc)
    first = jsonstat.read(raw, labels=False)
    inherited = jsonstat_fast._thread_pool()
    jsonstat_fast._forget_pool()  # what os.register_at_fork runs in the child
    assert jsonstat_fast._thread_pool() is not inherited
    assert jsonstat.read(raw, labels=False).equals(first)
    inherited.shutdown(wait=False)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_chunked_columns_match_the_reference_decoder(case) -> None:
    """Big frames come in aligned chunks whose repeating columns share one buffer; with tiny
    chunks the generated documents take that route too."""
    doc, facts = case
    with mock.patch.object(jsonstat, "_CHUNK_ROWS", 2):
        frame = jsonstat.read(dumps(doc))
    assert len({column.n_chunks() for column in frame.get_columns()}) == 1
    expected = reference_rows(facts)
    for mine, ref in zip(frame.rows(), expected):
        assert mine[:-2] == ref[:-2] and mine[-1] == ref[-1]
        assert mine[-2] == (None if ref[-2] is None else float(ref[-2]))
    assert frame.height == len(expected)


def test_kostra_sized_frame_is_chunk_aligned_and_shares_repeating_columns() -> None:
    doc, values = ssb_sized(200_000)
    frame = jsonstat.read(dumps(doc))
    assert [c.n_chunks() for c in frame.get_columns()] == [2] * 6
    assert frame["Tid"].to_list()[99_995:100_005] == ["2020", "2021", "2022", "2023", "2024",
                                                      "1925", "1926", "1927", "1928", "1929"]
    assert frame["region"][100_000] == "1000" and frame["value"].to_list() == [
        None if v is None else float(v) for v in values]
