"""`python -m dashboard.publish`: every file per figure plus the presentation, and for bad input a Norwegian
message, a non-zero exit, no traceback and nothing written."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from dashboard.projection.scenario import Scenario
from dashboard.publish import files as publish
from dashboard.publish.cli import app
from dashboard.publish.files import PublishError
from dashboard.publish.run import build_bundles, kostra_selection, resolve

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), terminal_width=200)


def test_publish_writes_every_file_and_the_presentation(tmp_path):
    out = tmp_path / "figurer"
    result = run("--figur", "kostnad-hjemme", "--figur", "andel-f254", "--kommune", "3909", "--sammenlign", "3907",
                 "--fra", "2018", "--til", "2024", "--out", str(out))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{fid}.{ext}" for fid in ("kostnad-hjemme", "andel-f254")
                            for ext in ("html", "png", "svg", "xlsx")]
                           + ["presentasjon.html", "presentasjon.pdf", "plotly.min.js",
                              ".kostra-publish-andel-f254+kostnad-hjemme.json"])  # the set, named by its figures
    html = (out / "kostnad-hjemme.html").read_text(encoding="utf-8")
    assert "Larvik" in html and "Sandefjord" in html and "2018" in html and "Tønsberg" not in html
    assert '<script src="plotly.min.js"></script>' in html
    assert (out / "kostnad-hjemme.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "presentasjon.pdf").read_bytes()[:5] == b"%PDF-"
    assert [p.name for p in tmp_path.iterdir()] == ["figurer"]  # staged inside the folder, and the staging gone


def _assert_clean_failure(result, message: str, out: Path) -> None:
    assert result.exit_code != 0
    assert message in " ".join(result.output.split())  # the console wraps long messages
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert not out.exists()
    assert [p.name for p in out.parent.iterdir()] == []


@pytest.mark.parametrize("args, message", [
    (["--figur", "finnes-ikke", "--kommune", "3909"], "Ukjent figur «finnes-ikke»"),
    (["--figur", "kostnad-hjemme", "--kommune", "9999"], "Fant ingen kommune med nummer 9999"),
    (["--figur", "kostnad-hjemme", "--kommune", "<script>"], "er ikke et kommunenummer"),
    (["--figur", "kostnad-hjemme", "--kommune", "3909", "--sammenlign", "3907,12ab"], "«12ab» er ikke et kommunenummer"),
    (["--figur", "kostnad-hjemme", "--kommune", "3909", "--fra", "1990"], "Det finnes bare tall for"),
    (["--figur", "kostnad-hjemme", "--kommune", "3909", "--fra", "2024", "--til", "2018"], "--fra (2024) er etter --til"),
    (["--figur", "kostnad-hjemme"], "Oppgi kommunen med --kommune"),
    (["--figur", "kostnad-hjemme", "--kommune", "3909", "--til", "tjue"], "«tjue» er ikke et årstall (--til)"),
    (["--figur", "kostnad-hjemme", "--kommune", "3909", "--fra", "٢٠٢٢"], "«٢٠٢٢» er ikke et årstall (--fra)"),
    (["--figur", "aldersjustert-fossefall", "--kommune", "3909", "--aar", "２０２２"], "er ikke et årstall"),
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
    assert [p.name for p in tmp_path.iterdir()] == ["ut"]


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


def _values(xlsx: bytes) -> dict[tuple[str, int], float]:
    """(series, year) -> value from a published XLSX's data sheet."""
    rows = list(load_workbook(io.BytesIO(xlsx))["Data"].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[:2] == ("Serie", "År"))
    return {(r[0], r[1]): r[2] for r in rows[header + 1:] if r[0]}


PLACES = "Langtidsplasser i institusjon"


def test_a_scenario_changes_the_published_projection_like_on_the_page(tmp_path):
    out = tmp_path / "ut"
    result = run("--figur", "fremskriving-brukere", "--figur", "fremskriving-kostnad", "--kommune", "3909",
                 "--dekning80", "-10", "--hjemme", "20", "--kostvekst", "1,5", "--out", str(out))
    assert result.exit_code == 0, result.output
    published = _values((out / "fremskriving-brukere.xlsx").read_bytes())
    baseline_bundle, = build_bundles(["fremskriving-brukere"], kommune="3909")[0]
    baseline = _values(publish.figure_xlsx(baseline_bundle))
    assert not any(series.endswith("– scenario") for series, _ in baseline)
    # the baseline lines are the same; the scenario (fewer 80+ served, 20 % of residents at home) needs fewer places
    assert {k: v for k, v in published.items() if k[0].endswith("dagens dekningsgrad")} == baseline
    assert published[(f"{PLACES} – scenario", 2040)] < baseline[(f"{PLACES} – dagens dekningsgrad", 2040)]
    users_html = (out / "fremskriving-brukere.html").read_text(encoding="utf-8")
    assert "og i scenarioet" in users_html and "I scenarioet trenger Larvik" in users_html
    assert "1,5 % kostnadsvekst per år" in (out / "fremskriving-kostnad.html").read_text(encoding="utf-8")


def test_cost_growth_raises_the_published_cost_and_is_the_page_scenario():
    specs, selections, _ = resolve(["fremskriving-kostnad"], kommune="3909", kostvekst="2", gruppe=True)
    assert selections["fremskriving-kostnad"].scenario == Scenario(0, 0, True, 2.0)
    assert selections["fremskriving-kostnad"].query_params()["kostvekst"] == "2"  # the link back to the page
    (bundle,), _ = build_bundles(["fremskriving-kostnad"], kommune="3909", kostvekst="2")
    values = _values(publish.figure_xlsx(bundle))
    assert values[("Utgifter – scenario", 2040)] > values[("Utgifter – dagens dekningsgrad", 2040)]


@pytest.mark.parametrize("args, message", [
    (["--dekning80", "-90"], "Endring i dekningsgrad 80+ (%) kan være fra -50 til 50; dekning80=-90 er utenfor."),
    (["--hjemme", "80"], "kan være fra 0 til 50; hjemme=80 er utenfor."),
    (["--kostvekst", "<script>alert(1)</script>"], "er ikke et tall (kostvekst, Kostnadsvekst per år (%))."),
    (["--hjemme", "10; DROP TABLE observation"], "er ikke et tall (hjemme,"),
])
@pytest.mark.parametrize("figure", ["fremskriving-kostnad", "kostnad-hjemme"])
def test_a_bad_scenario_value_is_refused_and_nothing_written(tmp_path, args, message, figure):
    out = tmp_path / "ut"
    result = run("--figur", figure, "--kommune", "3909", *args, "--out", str(out))
    _assert_clean_failure(result, message, out)
    assert "endret til" not in result.output and "bruker 0" not in result.output  # no silent fallback


def test_a_bad_group_value_from_python_is_refused():
    with pytest.raises(PublishError, match=r"«ja» er ikke 0 eller 1 \(gruppe\)"):
        resolve(["fremskriving-brukere"], kommune="3909", gruppe="ja")


def test_a_scenario_without_projection_figures_is_named_as_unused():
    _, selections, notices = resolve(["kostnad-hjemme"], kommune="3909", hjemme="20")
    assert any("gjelder bare fremskriving-figurene" in n for n in notices)
    assert not hasattr(selections["kostnad-hjemme"], "scenario")


FIVE = ["kostnad-hjemme", "kostnad-institusjon", "andel-f254", "rangering-gruppe", "brukere-alder"]


def test_five_figures_and_the_presentation_are_light_and_self_contained_replaces_the_set(tmp_path):
    out = tmp_path / "ut"
    result = run(*[a for fid in FIVE for a in ("--figur", fid)], "--kommune", "3909", "--sett", "komite",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    total = sum(p.stat().st_size for p in out.iterdir())
    assert total <= 6_000_000, total  # issue 17: five figures and the presentation, every file, at most 6 MB
    assert (out / "plotly.min.js").stat().st_size < 1_500_000
    # the same set (named by the user) as one e-mailable file per figure: the shared plotly.js and the figures no
    # longer made go
    result = run("--figur", "kostnad-hjemme", "--kommune", "3909", "--self-contained", "--sett", "komite",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["kostnad-hjemme.html", "kostnad-hjemme.png", "kostnad-hjemme.svg", "kostnad-hjemme.xlsx",
                            "presentasjon.pdf", ".kostra-publish-komite.json"])
    html = (out / "kostnad-hjemme.html").read_text(encoding="utf-8")
    assert "<script src=" not in html and len(html) > 1_000_000
    assert "Fjernet" in result.output and "plotly.min.js" in " ".join(result.output.split())


def test_an_unwritable_folder_is_refused_before_anything_is_rendered(monkeypatch):
    def never(*_, **__):
        raise AssertionError("Chromium started for a folder that cannot be written")
    monkeypatch.setattr(publish.ImageRenderer, "__init__", never)
    result = run("--figur", "kostnad-hjemme", "--kommune", "3909", "--out", "/sys")
    assert result.exit_code == 1 and "Kan ikke skrive til mappen /sys: ingen skrivetilgang" in " ".join(result.output.split())
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- the age-adjusted figures (issue 18)

def test_age_adjusted_figures_are_published_with_reference_and_year(tmp_path):
    out = tmp_path / "ut"
    result = run("--figur", "aldersjustert-fossefall", "--kommune", "3909", "--referanse", "gruppe", "--aar", "2023",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    assert {f"aldersjustert-fossefall.{e}" for e in ("html", "png", "svg", "xlsx")} <= {p.name for p in out.iterdir()}
    html = (out / "aldersjustert-fossefall.html").read_text(encoding="utf-8")
    assert "Hvorfor Larviks utgift avviker fra KOSTRA-gruppe 14, 2023" in html and "DEMODATA" in html
    rows = list(load_workbook(io.BytesIO((out / "aldersjustert-fossefall.xlsx").read_bytes()))["Data"]
                .iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Kommune")
    amounts = {r[4]: r[5] for r in rows[header + 1:] if r and r[0]}
    assert amounts["Demografi"] + amounts["Dekningsgrad"] + amounts["Enhetskostnad"] == amounts["Avstand i alt"]


def test_age_adjusted_defaults_and_the_link_back_to_the_page():
    _, selections, notices = resolve(["aldersjustert-dekning"], kommune="3909")
    sel = selections["aldersjustert-dekning"]
    assert (sel.reference, sel.year, notices) == ("EAKUO", 2024, [])
    assert sel.query_params()["referanse"] == "landet-uten-oslo" and sel.query_params()["aar"] == "2024"


@pytest.mark.parametrize("args, message", [
    (["--referanse", "3909"], "Larvik kan ikke sammenlignes med seg selv (referanse)."),
    (["--referanse", "<script>"], "er ikke en referanse"),
    (["--aar", "1990"], "Sammenligningen har tall for 2016–2024, ikke 1990."),
])
def test_a_bad_reference_or_year_is_refused_and_nothing_written(tmp_path, args, message):
    out = tmp_path / "ut"
    result = run("--figur", "aldersjustert-over-tid", "--kommune", "3909", *args, "--out", str(out))
    _assert_clean_failure(result, message, out)
    assert "sammenligner med landet uten Oslo" not in result.output and "viser" not in result.output


def test_reference_and_year_without_age_adjusted_figures_are_named_as_unused():
    _, _, notices = resolve(["kostnad-hjemme"], kommune="3909", referanse="gruppe")
    assert any("gjelder bare aldersjustert-figurene" in n for n in notices)


def test_figur_takes_the_presentations_slide_syntax(db_env):
    """`publish` takes each slide's own municipality, reference, year and scenario as /presentasjon does."""
    from dashboard.publish import run as publish_run
    specs, selections, _ = publish_run.resolve(
        ["aldersjustert-fossefall@3907~referanse=gruppe~aar=2019", "fremskriving-kostnad~kostvekst=1.5",
         "kostnad-hjemme"], kommune="3909", aar="2024")
    assert [s.id for s in specs] == ["aldersjustert-fossefall", "fremskriving-kostnad", "kostnad-hjemme"]
    age = selections["aldersjustert-fossefall"]
    assert (age.municipality, age.reference, age.year) == ("3907", "group", 2019)
    assert selections["fremskriving-kostnad"].scenario.cost_growth_pct == 1.5
    assert selections["kostnad-hjemme"].municipality == "3909"
    with pytest.raises(publish_run.PublishError, match="flere ganger med ulike valg"):
        publish_run.resolve(["aldersjustert-fossefall~aar=2019", "aldersjustert-fossefall~aar=2020"], kommune="3909")
    with pytest.raises(publish_run.PublishError, match="ikke et årstall"):
        publish_run.resolve(["aldersjustert-fossefall~aar=٢٠١٩"], kommune="3909")


def test_a_users_own_presentation_pdf_stops_the_run_with_its_name(tmp_path):
    """The README promised other files are never touched; a presentasjon.pdf of the user's own was overwritten."""
    out = tmp_path / "ut"
    out.mkdir()
    (out / "presentasjon.pdf").write_bytes(b"min egen")
    result = run("--figur", "kostnad-hjemme", "--kommune", "3909", "--out", str(out))
    assert result.exit_code == 1 and "«presentasjon.pdf» finnes allerede" in " ".join(result.output.split())
    assert sorted(p.name for p in out.iterdir()) == ["presentasjon.pdf"]
    assert (out / "presentasjon.pdf").read_bytes() == b"min egen"
    assert run("--figur", "kostnad-hjemme", "--kommune", "3909", "--overwrite", "--out", str(out)).exit_code == 0
    assert (out / "presentasjon.pdf").read_bytes().startswith(b"%PDF")
