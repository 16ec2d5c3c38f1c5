"""The «Last ned» menu the embed and presentation views show: one button per published file."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _app():
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path.cwd() / "tests" / "dashboard" / "publish"))
    from test_files import known_bundle

    from dashboard.views.download_menu import download_menu
    download_menu(known_bundle(), key="vis")


def test_menu_offers_every_published_file():
    at = AppTest.from_function(_app, default_timeout=30).run()
    assert not at.exception
    buttons = at.get("download_button")
    labels = [b.proto.label for b in buttons]
    assert labels == ["HTML (virker uten nett)", "PNG-bilde", "SVG-bilde", "Excel (XLSX)", "CSV"]


def test_a_failed_image_gives_a_text_instead_of_breaking_the_view():
    from dashboard.publish import files as publish
    from dashboard.views.download_menu import _safe

    def broken():
        raise publish.PublishError("Fant ikke Chromium på /usr/bin/chromium.")
    assert _safe(broken)() == "Filen kunne ikke lages: Fant ikke Chromium på /usr/bin/chromium.".encode("utf-8")
    assert _safe(lambda: b"ok")() == b"ok"
