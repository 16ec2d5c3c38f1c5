"""`python -m dashboard.publish`: resolve a selection strictly, build the figures, write every file or none.

Why strict: the pages fall back to a default with a notice, but a scheduled job that silently publishes Larvik
instead of a mistyped municipality would put wrong figures on a web site. Here a bad figure id, municipality code,
unit, period, year or scenario value stops the run with a Norwegian message, and nothing is written. Old
municipality codes still resolve the way the pages resolve them (dashboard/kostra/selection.py), with a notice. The
projection figures' scenario (--dekning80, --hjemme, --gruppe, --kostvekst) is read by the page's own code
(dashboard/projection/scenario.py, through projection_figures.selection_from_params, as /vis reads it).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.publish import files as publish
from dashboard.publish.files import PublishError
from dashboard.publish.folder import FolderWriter, WriteResult, set_name_for

OWN_KIND_BY_PAGE = {"budsjettavvik": "budget", "sykefravaer": "sick-leave", "enhetsrapport": "goals"}
MAX_COMPARISONS = 5


@dataclass
class PublishResult:
    out_dir: Path
    files: list[Path]
    notices: list[str] = field(default_factory=list)
    seconds: float = 0.0
    removed: list[str] = field(default_factory=list)   # files of an earlier run that this run no longer makes


def _specs(figure_ids: list[str]):
    """(specs in the order given, {figure id: (its own municipality or None, its own choices)}): `--figur` takes the
    presentation's slide syntax, `aldersjustert-fossefall@3907~referanse=gruppe~aar=2019` (links.parse_slide_choices).
    Files are named by figure id, so one figure twice with different choices is refused."""
    from dashboard import figures
    if not figure_ids:
        raise PublishError("Oppgi minst én figur med --figur (for eksempel --figur kostnad-hjemme).")
    specs, own = [], {}
    for token in [part.strip() for item in figure_ids for part in str(item).split(",") if part.strip()]:
        fid, municipality, choices = figures.parse_slide_choices(token)
        if fid not in figures.FIGURES:
            known = ", ".join(sorted(figures.FIGURES))
            raise PublishError(f"Ukjent figur «{_clean(fid)}». Kjente figurer: {known}.")
        if fid in own and own[fid] != (municipality, choices):
            raise PublishError(f"Figuren {fid} står flere ganger med ulike valg; filene har figurens navn, så "
                               "publiser dem i hver sin mappe (--out).")
        if fid not in own:
            own[fid] = (municipality, choices)
            specs.append(figures.FIGURES[fid])
    return specs, own


def kostra_selection(kommune: str | None, sammenlign: list[str] | None, fra: int | str | None,
                     til: int | str | None):
    """A dashboard.kostra.selection.Selection, or PublishError naming what is wrong. Old codes resolve with a notice."""
    from dashboard.kostra import queries
    from dashboard.kostra.selection import CODE_RE, parse
    if not kommune:
        raise PublishError("Oppgi kommunen med --kommune (kommunenummer med fire siffer, for eksempel 3909).")
    names = queries.municipality_names()
    codes = [kommune] + [c.strip() for part in (sammenlign or []) for c in part.split(",") if c.strip()]
    for role, code in [("kommune", codes[0])] + [("sammenligning", c) for c in codes[1:]]:
        if not CODE_RE.match(code):
            raise PublishError(f"«{_clean(code)}» er ikke et kommunenummer ({role}); kommunenummer har fire siffer.")
        if code not in names:
            res = queries.resolve_code(code)
            if res is None or not res.current_codes:
                raise PublishError(f"Fant ingen kommune med nummer {code} ({role}).")
    if len(codes) - 1 > MAX_COMPARISONS:
        raise PublishError(f"Du kan sammenligne med høyst {MAX_COMPARISONS} kommuner (fikk {len(codes) - 1}).")
    first, last = queries.year_range()
    fra, til = _year(fra, "--fra"), _year(til, "--til")
    for key, value in (("--fra", fra), ("--til", til)):
        if value is not None and not first <= value <= last:
            raise PublishError(f"Det finnes bare tall for {first}–{last}; {key} {value} er utenfor.")
    if fra is not None and til is not None and fra > til:
        raise PublishError(f"--fra ({fra}) er etter --til ({til}).")
    params: dict[str, str] = {"kommune": kommune}
    if sammenlign is not None:
        params["sammenlign"] = ",".join(codes[1:])
    if fra is not None:
        params["fra"] = str(fra)
    if til is not None:
        params["til"] = str(til)
    default = next((c for c, n in names.items() if n == "Larvik"), next(iter(names)))
    return parse(params, resolve=queries.resolve_code, names=names, default_municipality=default,
                 default_comparisons=queries.default_comparisons, first_year=first, last_year=last)


def _year(value, option: str) -> int | None:
    """A year from the command line (text or number), or PublishError in Norwegian."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]{4}", text):  # ASCII digits: `\d` also takes «٢٠٢٢»
        raise PublishError(f"«{_clean(text)}» er ikke et årstall ({option}); skriv fire siffer, f.eks. 2024.")
    return int(text)


def own_selection(kind: str, enhet: str | None, periode: str | None):
    """A dashboard.own.selection.OwnSelection for one kind of own data; any correction is an error here."""
    from dashboard.own import queries as own_queries
    from dashboard.own.selection import parse
    years = own_queries.years(kind)
    if not years:
        raise PublishError("Databasen har ingen egne tall av denne typen ennå; importer dem først "
                           "(python -m pipelines import …).")
    last = years[-1]
    last_month = own_queries.last_month(kind, last)
    params = {k: v for k, v in (("enhet", enhet), ("periode", periode)) if v}
    sel = parse(params, units=own_queries.unit_names(), years=years, default_year=last,
                default_month=last_month if last_month and last_month < 12 else None,
                allow_all=kind != "goals")
    if sel.notices:  # the pages' fallback ("; viser …") does not happen here: say only what is wrong
        raise PublishError(" ".join(re.sub(r"[;.]\s*[Vv]iser [^.]*\.?$", ".", n) for n in sel.notices))
    return sel


def scenario_params(dekning80=None, hjemme=None, gruppe=None, kostvekst=None) -> dict[str, str]:
    """The scenario options as the page's URL parameters (gruppe: a flag, or 0/1 as in the URL)."""
    if gruppe is True:
        gruppe = "1"
    elif gruppe is False:
        gruppe = None
    given = (("dekning80", dekning80), ("hjemme", hjemme), ("gruppe", gruppe), ("kostvekst", kostvekst))
    return {key: str(value).strip() for key, value in given if value is not None}


def projection_selection(kostra, params: dict[str, str]):
    """A ProjectionSelection (municipality + scenario) built as /vis builds it, but strict: a bad scenario value is
    a PublishError with the page's sentence, never a silent fallback."""
    from dashboard.projection import figures as projection_figures
    from dashboard.projection.scenario import ScenarioError
    try:
        return projection_figures.selection_from_params(params, lambda _params: kostra, strict=True)
    except ScenarioError as exc:
        raise PublishError(str(exc)) from exc


def age_adjusted_selection(kostra, referanse: str | None, aar: str | None):
    """An AgeAdjustedSelection (municipality + reference + year) built as /vis builds it, but strict: a bad reference
    or year is a PublishError with the page's sentence, never a silent fallback."""
    from dashboard.age_adjusted import figures as age_adjusted_figures
    from dashboard.age_adjusted.selection import AgeAdjustedError
    params = {k: str(v).strip() for k, v in (("referanse", referanse), ("aar", aar)) if v is not None}
    try:
        return age_adjusted_figures.selection_from_params(params, lambda _params: kostra, strict=True)
    except AgeAdjustedError as exc:
        raise PublishError(str(exc)) from exc


def _clean(text: str) -> str:
    text = re.sub(r"[\x00-\x1f<>]", "", str(text))
    return text[:40] + ("…" if len(text) > 40 else "")


def resolve(figure_ids: list[str], *, kommune=None, sammenlign=None, fra=None, til=None, enhet=None,
            periode=None, dekning80=None, hjemme=None, gruppe=None,
            kostvekst=None, referanse=None, aar=None) -> tuple[list, dict[str, object], list[str]]:
    """(figure specs in the order given, the selection for each figure id, notices); PublishError when wrong."""
    from dashboard.age_adjusted.figures import DOMAIN as AGE_ADJUSTED
    from dashboard.projection.figures import DOMAIN as PROJECTION
    specs, own_choices = _specs(figure_ids)
    kommune = kommune or next((m for m, _ in own_choices.values() if m), None)
    notices: list[str] = []
    selections: dict[str, object] = {}
    kostra = None
    own: dict[str, object] = {}
    scenario = scenario_params(dekning80, hjemme, gruppe, kostvekst)
    if scenario:
        projection_selection(None, scenario)  # a bad value stops the run even when no projection figure is asked for
        if not any(s.domain == PROJECTION for s in specs):
            notices.append("Scenarioet (--dekning80, --hjemme, --gruppe, --kostvekst) gjelder bare "
                           "fremskriving-figurene; det er ikke brukt her.")
    if any(s.domain != "own" for s in specs):
        kostra = kostra_selection(kommune, sammenlign, fra, til)
        notices += list(kostra.notices)
    if (referanse is not None or aar is not None) and not any(s.domain == AGE_ADJUSTED for s in specs):
        notices.append("--referanse og --aar gjelder bare aldersjustert-figurene; de er ikke brukt her.")
    for s in specs:
        municipality, choices = own_choices[s.id]
        figure_kostra = kostra
        if municipality and s.domain != "own":  # the figure's own municipality (`@3907`), as on a slide
            figure_kostra = kostra_selection(municipality, sammenlign, fra, til)
        if s.domain == "own":
            kind = OWN_KIND_BY_PAGE.get(s.page, "budget")
            if kind not in own:
                own[kind] = own_selection(kind, enhet, periode)
            selections[s.id] = own[kind]
        elif s.domain == PROJECTION:
            selections[s.id] = projection_selection(figure_kostra, {**scenario, **{
                k: v for k, v in choices.items() if k in ("dekning80", "hjemme", "gruppe", "kostvekst")}})
        elif s.domain == AGE_ADJUSTED:
            selections[s.id] = age_adjusted_selection(figure_kostra, choices.get("referanse", referanse),
                                                      choices.get("aar", aar))
        else:
            selections[s.id] = figure_kostra
    return specs, selections, notices


def build_bundles(figure_ids: list[str], **selection) -> tuple[list, list[str]]:
    """The FigureBundles for the figure ids (in the order given), and the notices to show the user."""
    from dashboard import figures
    specs, selections, notices = resolve(figure_ids, **selection)
    return [figures.build_figure(s.id, selections[s.id]) for s in specs], notices


def write_files(bundles: list, out_dir: Path, *, images: tuple[str, ...] = ("png", "svg"),
                xlsx: bool = True, pdf: bool = True, self_contained: bool = False,
                renderer: publish.ImageRenderer | None = None, writer: FolderWriter | None = None) -> WriteResult:
    """Every file of the set, staged inside out_dir and moved in as a whole (dashboard/publish/folder.py): a failure
    leaves out_dir as it was, and our files from an earlier run that this run does not write are removed.

    Default: the HTML files load one shared plotly.min.js beside them; self_contained inlines plotly.js in each
    (one file to e-mail, ~4.9 MB each)."""
    if writer is None:
        with FolderWriter(out_dir) as own_writer:
            return write_files(bundles, out_dir, images=images, xlsx=xlsx, pdf=pdf, self_contained=self_contained,
                               renderer=renderer, writer=own_writer)
    src = None if self_contained else publish.PLOTLY_FILE
    if not self_contained:
        writer.put(publish.PLOTLY_FILE, publish.plotly_js_bytes())
    for bundle in bundles:
        writer.put(f"{bundle.figure_id}.html", publish.figure_html(bundle, plotly_src=src).encode("utf-8"))
        if xlsx:
            writer.put(f"{bundle.figure_id}.xlsx", publish.figure_xlsx(bundle))
    if len(bundles) > 1:
        writer.put("presentasjon.html", publish.presentation_html(bundles, plotly_src=src).encode("utf-8"))
    if images or pdf:
        own_renderer = renderer is None
        renderer = renderer or publish.ImageRenderer()
        try:
            for (fid, fmt), data in (renderer.render(bundles, images) if images else {}).items():
                writer.put(f"{fid}.{fmt}", data)
            if pdf:
                writer.put("presentasjon.pdf", renderer.pdf(bundles))
        finally:
            if own_renderer:
                renderer.close()
    return writer.commit()


def publish_figures(figure_ids: list[str], out_dir: Path, *, self_contained: bool = False,
                    set_name: str | None = None, overwrite: bool = False, **selection) -> PublishResult:
    """Build and write the files for `figure_ids`; raises PublishError with a Norwegian message.

    The folder is checked for writing first (before any rendering), then Chromium starts (in its own thread) once
    the selection is known to be valid, while the figures are built and their HTML and XLSX written: that overlap
    keeps five figures well under ten seconds."""
    from dashboard import figures
    from dashboard.core.db import DatabaseUnavailable
    t0 = time.perf_counter()
    try:
        specs, selections, notices = resolve(figure_ids, **selection)
        name = set_name_for([s.id for s in specs], set_name)  # one manifest per set: sets can share a folder
        with FolderWriter(out_dir, name, overwrite=overwrite) as writer, publish.ImageRenderer() as renderer:
            renderer.preload_print()  # opened while the figures are built: presentasjon.pdf is always made
            bundles = [figures.build_figure(s.id, selections[s.id]) for s in specs]
            result = write_files(bundles, out_dir, renderer=renderer, writer=writer, self_contained=self_contained)
    except DatabaseUnavailable as exc:
        raise PublishError(str(exc)) from exc
    return PublishResult(Path(out_dir), result.written, notices + result.notices, time.perf_counter() - t0,
                         removed=result.removed)
