"""The build from the embedded snapshot needs no network: it runs with every socket connect refused.

`make run` on a machine without access to SSB must still produce the database, so any hidden
network use (a client created at import, a URL read during the build) has to fail this test.
"""
from __future__ import annotations

import socket

import duckdb
import pytest
import requests

from pipelines import catalogue as cat_mod
from pipelines.build import build
from pipelines.paths import RAW_DIR


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    attempts: list[object] = []

    def refuse(self, address, *args):
        attempts.append(address)
        raise NetworkUsed(f"nettverk brukt under bygging: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def test_the_guard_really_blocks_connections(no_network):
    with pytest.raises((NetworkUsed, requests.exceptions.ConnectionError)):
        requests.get("http://127.0.0.1:9/", timeout=1)
    assert no_network


def test_build_from_embedded_snapshot_works_offline(no_network, tmp_path):
    assert (RAW_DIR / "manifest.json").exists(), "data/raw/manifest.json mangler: øyeblikksbildet er ikke generert"
    result = build(RAW_DIR, tmp_path / "x.duckdb")
    assert no_network == []
    assert result.observations > 0
    con = duckdb.connect(str(tmp_path / "x.duckdb"), read_only=True)
    try:
        tables = con.execute("SELECT count(DISTINCT table_id) FROM observation").fetchone()[0]
        assert tables == len(cat_mod.load().tables)
        assert con.execute("SELECT count(*) FROM indicator_values").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM region").fetchone()[0] > 300
    finally:
        con.close()
