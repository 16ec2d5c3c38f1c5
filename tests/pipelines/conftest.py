"""The loopback HTTP server the SSB stand-in (tests/ssb_standin.py) answers on, shared by the fetch, catalogue-check
and first-contact tests: one per test module, cleared by each test that installs its handler."""
from __future__ import annotations

import logging

import pytest
from pytest_httpserver import HTTPServer


@pytest.fixture(scope="module")
def server():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    srv = HTTPServer(host="127.0.0.1", port=0)
    srv.start()
    yield srv
    srv.clear()
    srv.stop()
