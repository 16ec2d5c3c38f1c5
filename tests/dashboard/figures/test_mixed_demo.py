"""Demo never passes as SSB: on databases that mix real and demo tables, every figure id is demo exactly when a row
it is made from is demo, and its download says so.

Two mixed databases are built from the embedded snapshot with some tables turned "real" (the demo marker taken off
the recorded responses, as a live fetch of those tables would leave them while the others keep their demo rows):
- a real population projection (14746) with demo coverage and unit costs (everything else demo);
- every SSB table real except 12209 (real 12292, 12293, 11645, 07459, 14746 and 12367; demo 12209).
"""
from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import orjson
import pytest

from dashboard import figures
from dashboard.kostra.selection import Selection
from dashboard.own.selection import OwnSelection
from pipelines import catalogue as cat_mod
from pipelines.build import build
from pipelines.raw_store import read_manifest, sha256

ROOT = Path(__file__).resolve().parents[3]
ALL_SSB = {"12209", "12292", "12293", "11875", "11645", "07459", "14746", "12367"}


def _mixed(tmp: Path, real: set[str]) -> Path:
    """data/raw with the tables in `real` stripped of every demo mark, built into a database."""
    raw = tmp / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    manifest = orjson.loads((raw / "manifest.json").read_bytes())
    for entry in manifest["files"]:
        if entry.get("table_id") not in real or not entry["kind"].startswith("ssb"):
            continue
        path = raw / entry["path"]
        body = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        doc = orjson.loads(body)
        doc.get("extension", {}).pop("kostra_dashboard", None)
        doc.pop("kostra_dashboard", None)
        if isinstance(doc.get("label"), str):
            doc["label"] = doc["label"].removeprefix("DEMODATA – ")
        if isinstance(doc.get("note"), list):
            doc["note"] = [n for n in doc["note"] if "DEMODATA" not in n]
        body = orjson.dumps(doc)
        path.write_bytes(gzip.compress(body, mtime=0) if path.suffix == ".gz" else body)
        entry["sha256"], entry["is_demo"] = sha256(body), False
    (raw / "manifest.json").write_bytes(orjson.dumps(manifest))
    assert {e.table_id for e in read_manifest(raw) if e.kind == "ssb_data" and not e.is_demo} == real
    db = tmp / "kostra.duckdb"
    build(raw, db)
    return db


@pytest.fixture(scope="module")
def real_projection(tmp_path_factory) -> Path:
    return _mixed(tmp_path_factory.mktemp("real-projection"), {"14746"})


@pytest.fixture(scope="module")
def demo_12209(tmp_path_factory) -> Path:
    return _mixed(tmp_path_factory.mktemp("demo-12209"), ALL_SSB - {"12209"})


def _tables_of(indicator_id: str) -> set[str]:
    """The SSB tables an indicator is made from, as the build applied the catalogue (our calculation from the
    accounts stands in for SSB's unconfirmed cost per recipient)."""
    ind = cat_mod.with_stand_ins(cat_mod.load()).indicators[indicator_id]
    if ind.source:
        return {ind.source.table}
    return {t for i in ind.formula.inputs for t in _tables_of(i)}


def _inputs(figure_id: str, source: str) -> set[str]:
    """The SSB tables a figure is made from: the ones its source line names; the projection's population figure is
    made from the projection alone, its users figure from the projection and the user counts (11645)."""
    if figure_id == "fremskriving-befolkning":
        return {"14746"}
    if figure_id == "fremskriving-brukere":
        return {"14746", "11645"}
    if figure_id == "fremskriving-kostnad":
        return {"14746", "11645", *_tables_of("home_care_cost_per_recipient"), *_tables_of("institution_cost_per_place")}
    return set(re.findall(r"tabell (\d{5})", source))


def _check_every_figure(db: Path, demo_tables: set[str], monkeypatch) -> dict[str, bool]:
    monkeypatch.setenv("KOSTRA_DB", str(db))
    kostra_sel = Selection("3909", ("3907", "4203"), 2017, 2024)
    own_sel = OwnSelection("alle", 2025)
    seen = {}
    for figure_id, spec in sorted(figures.FIGURES.items()):
        bundle = figures.build_figure(figure_id, own_sel if spec.domain == "own" else kostra_sel)
        if spec.domain == "own":
            expected = True  # the municipality's own files in the snapshot are demo files
        else:
            inputs = _inputs(figure_id, bundle.source)
            assert inputs, (figure_id, bundle.source)
            expected = bool(inputs & demo_tables)
        assert bundle.is_demo is expected, (figure_id, bundle.source)
        basis = bundle.download["Datagrunnlag"].to_list()
        if expected:
            assert "Demodata" in basis, figure_id  # every CSV/XLSX download of a demo figure says so
        else:
            assert "Demodata" not in basis and basis, figure_id
        seen[figure_id] = bundle.is_demo
    return seen


def test_real_projection_with_demo_coverage_and_costs(real_projection, monkeypatch):
    seen = _check_every_figure(real_projection, ALL_SSB - {"14746"}, monkeypatch)
    assert seen["fremskriving-befolkning"] is False
    assert seen["fremskriving-brukere"] is True and seen["fremskriving-kostnad"] is True
    assert seen["kostnad-hjemme"] is True


def test_real_12292_with_demo_12209(demo_12209, monkeypatch):
    seen = _check_every_figure(demo_12209, {"12209"}, monkeypatch)
    assert seen["mottakere-andel-befolkning"] is False and seen["brukere-tjeneste"] is False
    # cost per recipient is our calculation from the accounts (12367) and users (12292), both real here
    assert seen["kostnad-hjemme"] is False and seen["forhold-institusjon-hjemme"] is False
    assert seen["kostnad-institusjon"] is False  # 12293: real
    assert seen["fremskriving-brukere"] is False and seen["fremskriving-kostnad"] is False
    assert seen["dekning-80-pluss"] is True and seen["kostnad-oppholdsdogn"] is True  # SSB's 12209: demo
    assert seen["profil-gruppe"] is True
