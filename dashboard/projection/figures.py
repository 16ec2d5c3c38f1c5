"""The projection page's figures for the figure registry (dashboard/figures/registry.py): `fremskriving-befolkning`,
`fremskriving-brukere`, `fremskriving-kostnad`.

They take a ProjectionSelection (municipality + scenario; a plain Selection means today's coverage), so the share and
embed links, the presentation and `publish` carry the scenario (`dekning80`, `hjemme`, `gruppe`, `kostvekst`).
The charts are the page's own (dashboard/projection/queries.py, drawn with dashboard/core/charts.py).
"""
from __future__ import annotations

from dashboard.core.figure import FigureBundle, FigureSpec
from dashboard.kostra.selection import Selection
from dashboard.projection import queries as projection
from dashboard.projection.scenario import ProjectionSelection, Scenario
from dashboard.projection.scenario import parse as parse_scenario

DOMAIN = "projection"


def selection_from_params(params: dict, kostra_selection, *, strict: bool = False) -> ProjectionSelection:
    """The figures' selection from URL parameters: the KOSTRA selection (as the pages read it) plus the scenario.

    /vis and /presentasjon pass kostra_ui.kostra_selection; `publish` passes its strict one and strict=True, so a bad
    scenario value raises dashboard.projection.scenario.ScenarioError instead of falling back with a notice."""
    return ProjectionSelection(kostra_selection(params), parse_scenario(params, strict=strict))


def _project(sel: ProjectionSelection | Selection) -> projection.Projection:
    scenario = sel.scenario if isinstance(sel, ProjectionSelection) else Scenario()
    return projection.project(sel.municipality, scenario)


def _sentence(p: projection.Projection, *sentences: str | None) -> str | None:
    """The takeaway, or what cannot be computed (never an empty head above a gap)."""
    text = " ".join(s for s in sentences if s)
    if text:
        return text
    missing = projection.missing_explanations(p)
    return missing[0] if missing else None


def _bundle(figure_id: str, fig: projection.Figure, p: projection.Projection, sentence: str | None,
            is_demo: bool | None = None):
    """`is_demo`: the figure's own inputs (population alone, or with coverage and unit costs): demo if any is."""
    return FigureBundle(figure_id=figure_id, title=fig.title, subtitle=fig.subtitle, fig=fig.fig,
                        takeaway=sentence, source=projection.source_line(p),
                        is_demo=p.is_demo if is_demo is None else is_demo, table=fig.table, download=fig.download)


def population(sel, **_) -> FigureBundle:
    p = _project(sel)
    return _bundle("fremskriving-befolkning", projection.cached_population_figure(p), p,
                   _sentence(p, projection.population_takeaway(p)))


def users(sel, **_) -> FigureBundle:
    p = _project(sel)
    return _bundle("fremskriving-brukere", projection.users_figure(p), p,
                   _sentence(p, projection.takeaway(p), projection.scenario_takeaway(p)), p.users_is_demo)


def cost(sel, **_) -> FigureBundle:
    p = _project(sel)
    return _bundle("fremskriving-kostnad", projection.cost_figure(p), p, _sentence(p, projection.cost_takeaway(p)),
                   p.cost_is_demo)


FIGURES = [
    (FigureSpec("fremskriving-befolkning", "Innbyggere 67 år og over etter aldersgruppe til 2040",
                "fremskriving", DOMAIN), population),
    (FigureSpec("fremskriving-brukere", "Mottakere av helsetjenester i hjemmet og langtidsplasser som trengs til 2040",
                "fremskriving", DOMAIN), users),
    (FigureSpec("fremskriving-kostnad", "Utgifter til helsetjenester i hjemmet og langtidsplasser til 2040",
                "fremskriving", DOMAIN), cost),
]
