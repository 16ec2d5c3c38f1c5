"""The pages' figures: built once per figure, selection and database file; the screen figure and the bundle's titled
figure are the ones the page drew before the cache."""
from __future__ import annotations

import pytest

from dashboard import figures
from dashboard.core import charts
from dashboard.kostra import queries
from dashboard.kostra.selection import Selection
from dashboard.views import embed, page


def test_a_figure_is_built_once_per_selection_and_its_screen_copy_leaves_the_bundle_whole(db_env, monkeypatch):
    sel = Selection("3909", tuple(queries.default_comparisons("3909")), 2017, 2024)
    built = []
    original = figures.build_figure

    def counting(figure_id, selection, **options):
        built.append((figure_id, selection))
        return original(figure_id, selection, **options)

    monkeypatch.setattr(figures, "build_figure", counting)
    page.prepared.cache_clear()
    bundle, legend, screen = page.prepared("kostnad-hjemme", sel)
    again = page.prepared("kostnad-hjemme", Selection(sel.municipality, sel.comparisons, sel.from_year, sel.to_year,
                                                      notices=("a notice is not part of the figure",)))
    assert again[0] is bundle and again[2] is screen and len(built) == 1
    other = page.prepared("kostnad-hjemme", Selection("4203", sel.comparisons, sel.from_year, sel.to_year))
    assert other[0] is not bundle and len(built) == 2
    fresh = original("kostnad-hjemme", sel)
    assert screen is not bundle.fig
    # the same figures as a fresh build, and the screen figure the page drew before the cache (for_screen in place)
    assert bundle.fig.to_dict() == fresh.fig.to_dict()
    assert screen.to_json() == charts.for_screen(original("kostnad-hjemme", sel).fig).to_json()
    assert bundle.fig.layout.title.text == fresh.fig.layout.title.text and screen.layout.title.text is None
    assert bundle.fig.layout.height == fresh.fig.layout.height > screen.layout.height
    assert [a.name for a in bundle.fig.layout.annotations] == [a.name for a in fresh.fig.layout.annotations]
    assert [i.name for i in legend] == [t.name for t in fresh.fig.data if t.showlegend is not False]


@pytest.mark.parametrize("figure_id", ["rangering-gruppe", "brukere-alder", "alle-kommuner", "fremskriving-befolkning",
                                       "sykefravaer-enheter"])
def test_the_cached_figures_are_the_ones_the_page_drew_before(db_env, figure_id):
    spec = figures.spec(figure_id)
    params = {"enhet": "alle", "periode": "2025"} if spec.domain == "own" else {"kommune": "3909"}
    sel = embed.selection_for(spec, {k: [v] for k, v in params.items()})
    page.prepared.cache_clear()
    bundle, _, screen = page.prepared(figure_id, sel)
    fresh = figures.build_figure(figure_id, sel)
    assert bundle.fig.to_dict() == fresh.fig.to_dict()
    assert screen.to_json() == charts.for_screen(fresh.fig).to_json()
    assert bundle.table.equals(fresh.table) and bundle.takeaway == fresh.takeaway and bundle.source == fresh.source
