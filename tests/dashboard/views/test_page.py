"""The pages' figures: built once per figure, selection and database file, and drawn from a copy."""
from __future__ import annotations

from dashboard import figures
from dashboard.kostra import queries
from dashboard.kostra.selection import Selection
from dashboard.views import page


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
    assert bundle.fig.layout.title.text == fresh.fig.layout.title.text and screen.layout.title.text is None
    assert bundle.fig.layout.height == fresh.fig.layout.height > screen.layout.height
    assert [a.name for a in bundle.fig.layout.annotations] == [a.name for a in fresh.fig.layout.annotations]
    assert [i.name for i in legend] == [t.name for t in fresh.fig.data if t.showlegend is not False]
