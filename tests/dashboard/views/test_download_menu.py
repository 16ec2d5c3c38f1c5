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


def test_a_busy_image_service_gives_a_file_of_the_asked_kind_that_says_so():
    from dashboard.publish.image_service import BUSY_MESSAGE, RendererBusy
    from dashboard.views.download_menu import _safe

    def busy():
        raise RendererBusy(BUSY_MESSAGE)
    png = _safe(busy, "kostnad-hjemme.png")()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    svg = _safe(busy, "kostnad-hjemme.svg")().decode("utf-8")
    assert svg.startswith("<svg") and "Serveren lager bilder for andre akkurat nå." in svg
    assert _safe(busy, "presentasjon.pdf")()[:5] == b"%PDF-"


def test_images_are_cached_per_figure_selection_database_and_format(db_env, monkeypatch):
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path.cwd() / "tests" / "dashboard" / "publish"))
    from test_files import known_bundle

    from dashboard.kostra.selection import Selection
    from dashboard.publish import image_service
    from dashboard.views.download_menu import image_maker

    class Renderer:
        def render(self, bundles, formats):
            calls.append((bundles[0].figure_id, formats))
            return {(bundles[0].figure_id, formats[0]): f"{formats[0]} {len(calls)}".encode()}

        def close(self):
            pass
    calls: list = []
    monkeypatch.setattr(image_service, "_SERVICE", image_service.ImageService(make_renderer=Renderer))
    larvik, sandefjord = Selection("3909", ("3907",), 2018, 2024), Selection("3907", ("3909",), 2018, 2024)
    bundle = known_bundle()
    first = image_maker(bundle, larvik)("png")
    assert image_maker(bundle, larvik)("png") == first  # another reader of the same figure: from the cache
    assert image_maker(bundle, sandefjord)("png") != first
    assert image_maker(bundle, larvik)("svg") != first
    assert len(calls) == 3


def test_an_image_of_a_figure_drawn_before_a_swap_is_stored_under_the_version_it_was_drawn_from(db_copy, monkeypatch):
    """A page drawn before a fetch, whose PNG is asked for after it: the picture shows the old file's numbers, so it
    is keyed on the old file's version, never served to readers of the new file."""
    import shutil

    from dashboard.core import db
    from dashboard.figures import prepared
    from dashboard.kostra.selection import Selection
    from dashboard.publish import image_service
    from dashboard.views.download_menu import image_maker, on_demand

    keys = []

    class Service:
        def get(self, key, make):
            keys.append(key)
            return b"png"

    monkeypatch.setattr(image_service, "service", lambda: Service())
    larvik = Selection("3909", ("3907",), 2018, 2024)
    ready = prepared.prepare("kostnad-hjemme", larvik)
    drawn_from = db.database_version()
    assert ready.version == drawn_from
    swapped = db_copy.with_name("swapped.duckdb")  # a fetch replaces the file (a new inode)
    shutil.copy(db_copy, swapped)
    swapped.replace(db_copy)
    assert db.database_version() != drawn_from
    image_maker(on_demand(ready), larvik)("png")
    assert keys[-1][2] == drawn_from
