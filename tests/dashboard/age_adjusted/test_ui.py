"""The age-adjusted page's texts: written once per comparison from the comparison, and kept without it."""
from __future__ import annotations

from dashboard.age_adjusted import queries as aq
from dashboard.age_adjusted import sentences
from dashboard.age_adjusted import ui as age_adjusted_ui
from dashboard.age_adjusted.selection import COUNTRY, AgeAdjustedSelection
from dashboard.core import cache
from dashboard.core.text import markdown_text
from dashboard.kostra import queries
from dashboard.kostra.selection import Selection


def test_the_page_texts_are_kept_and_the_comparison_only_in_the_working_part(db_env, monkeypatch):
    year = aq.latest_complete_year("3907", COUNTRY)
    sel = AgeAdjustedSelection(Selection("3907", tuple(queries.default_comparisons("3907")), 2017, 2024), COUNTRY,
                               year)
    age_adjusted_ui._page_texts.cache_clear()
    texts = age_adjusted_ui.page_texts(sel)
    c = aq.compare(sel)
    assert texts.title == markdown_text(f"Hvorfor bruker {c.name} mer eller mindre? Aldersjustert sammenligning "
                                        f"med {c.reference_name}, {year}")
    assert texts.method == sentences.method_text(c)
    assert texts.missing == tuple(markdown_text(t) for t in sentences.missing_sentences(c))
    assert texts.caption.startswith(markdown_text(aq.source_line(c)))
    # the comparison (70–120 KB) is kept in the working part, the texts with the finished results
    assert any(key[0].endswith("_compare_latest") for key in cache.working.keys())
    assert not any(key[0].endswith("_compare_latest") for key in cache.results.keys())
    assert any(key[0].endswith("_page_texts") for key in cache.results.keys())
    # a later view of the same comparison reads its texts without the comparison
    cache.working.clear()
    monkeypatch.setattr(aq, "comparison_of", lambda *a, **k: (_ for _ in ()).throw(AssertionError("rebuilt")))
    assert age_adjusted_ui.page_texts(sel) is texts
