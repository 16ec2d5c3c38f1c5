"""`python -m pipelines publish`: every file per figure plus the presentation, and for bad input a Norwegian
message, a non-zero exit, no traceback and nothing written."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dashboard import publish
from dashboard.publish_run import kostra_selection, resolve
from pipelines.__main__ import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["publish", *args], terminal_width=200)


def test_publish_writes_every_file_and_the_presentation(tmp_path):
    out = tmp_path / "figurer"
    result = run("--figur", "kostnad-hjemme", "--figur", "andel-f254", "--kommune", "3909", "--sammenlign", "3907",
                 "--fra", "2018", "--til", "2024", "--out", str(out))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{fid}.{ext}" for fid in ("kostnad-hjemme", "andel-f254")
                            for ext in ("html", "png", "svg", "xlsx")] + ["presentasjon.html"])
    html = (out / "kostnad-hjemme.html").read_text(encoding="utf-8")
    assert "Larvik" in html and "Sandefjord" in html and "2018" in html and "Tønsberg" not in html
    assert (out / "kostnad-hjemme.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".figurer-")]  # staging folder gone


def _assert_clean_failure(result, message: str, out: Path) -> None:
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert not out.exists()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}-")]


@pytest.mark.parametrize("args, message", [
    (["--figur", "finnes-ikke", "--kommune", "3909"], "Ukjent figur «finnes-ikke»"),
    (["--figur", "kostnad-hjemme", "--kommune", "9999"], "Fant ingen kommune med nummer 9999"),
    (["--figur", "kostnad-hjemme", "--kommune", "<script>"], "er ikke et kommunenummer"),
    (["--figur", "kostnad-hjemme", "--kommune", "3909", "--sammenlign", "3907,12ab"], "«12ab» er ikke et kommunenummer"),
    (["--figur", "kostnad-hjemme", "--kommune", "3909", "--fra", "1990"], "Det finnes bare tall for"),
    (["--figur", "kostnad-hjemme", "--kommune", "3909", "--fra", "2024", "--til", "2018"], "--fra (2024) er etter --til"),
    (["--figur", "kostnad-hjemme"], "Oppgi kommunen med --kommune"),
    (["--figur", "kostnad-hjemme", "--kommune", "3909", "--til", "tjue"], "«tjue» er ikke et årstall (--til)"),
    (["--figur", "budsjettavvik-enheter", "--enhet", "finnes-ikke"], "Fant ingen enhet med kode «finnes-ikke»"),
])
def test_bad_input_gives_a_norwegian_message_and_writes_nothing(tmp_path, args, message):
    out = tmp_path / "ut"
    _assert_clean_failure(run(*args, "--out", str(out)), message, out)


def test_failed_rendering_leaves_an_existing_folder_as_it_was(tmp_path, monkeypatch):
    out = tmp_path / "ut"
    out.mkdir()
    (out / "kostnad-hjemme.html").write_text("forrige versjon", encoding="utf-8")

    def broken(*_, **__):
        raise publish.PublishError("Chromium klarte ikke å lage bildene: testfeil")
    monkeypatch.setattr(publish.ImageRenderer, "render", broken)
    result = run("--figur", "kostnad-hjemme", "--kommune", "3909", "--out", str(out))
    assert result.exit_code == 1 and "Chromium klarte ikke" in result.output and "Traceback" not in result.output
    assert [p.name for p in out.iterdir()] == ["kostnad-hjemme.html"]
    assert (out / "kostnad-hjemme.html").read_text(encoding="utf-8") == "forrige versjon"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ut-")]


def test_missing_chromium_is_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setattr(publish, "CHROMIUM", str(tmp_path / "ingen-chromium"))
    result = run("--figur", "kostnad-hjemme", "--kommune", "3909", "--out", str(tmp_path / "ut"))
    assert result.exit_code == 1 and "Fant ikke Chromium" in result.output
    assert not (tmp_path / "ut").exists()


def test_old_municipality_code_resolves_like_on_the_pages():
    sel = kostra_selection("0709", None, None, None)
    assert sel.municipality == "3909"
    assert any("0709" in n and "Larvik" in n for n in sel.notices)


def test_comparisons_given_repeatedly_or_as_a_list_are_the_same():
    a = kostra_selection("3909", ["3907", "3905"], 2018, 2024)
    b = kostra_selection("3909", ["3907,3905"], 2018, 2024)
    assert a == b and a.comparisons == ("3907", "3905") and (a.from_year, a.to_year) == (2018, 2024)


def test_figures_given_as_a_list_keep_their_order_once_each():
    specs, selections, _ = resolve(["andel-f254,kostnad-hjemme", "andel-f254"], kommune="3909")
    assert [s.id for s in specs] == ["andel-f254", "kostnad-hjemme"]
    assert selections["kostnad-hjemme"].municipality == "3909"
