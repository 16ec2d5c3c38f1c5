"""The server runs its event loop on uvloop (pyproject.toml): Streamlit picks it when it is installed."""
from __future__ import annotations

import asyncio
import sys

import pytest


@pytest.mark.skipif(sys.platform == "win32", reason="uvloop is not installed on Windows (pyproject.toml)")
def test_streamlit_runs_the_server_loop_on_uvloop():
    import uvloop
    from streamlit.web import bootstrap

    factory = bootstrap._get_uvloop_loop_factory()  # what bootstrap._run_server_loop starts the server with
    assert factory is not None
    loop = factory()
    try:
        assert isinstance(loop, uvloop.Loop) and isinstance(loop, asyncio.AbstractEventLoop)
    finally:
        loop.close()
