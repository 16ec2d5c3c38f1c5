"""Text from data and URLs for each renderer: whitespace collapsed, and no markup each renderer would read."""
from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from dashboard.core import text

HOSTILE = "Sone Nord\n\n[tekst](https://evil.example/md) <a href='x'>Øst</a> %{customdata} **fet** :red[x] $y$ a@b.no"


def test_one_line_collapses_blank_lines_tabs_and_runs_of_spaces():
    assert text.one_line(" Sone\n\n Nord\t  Vest ") == "Sone Nord Vest"
    assert text.one_line("1\u00a0234\u00a0kr\n44,7\u202f%") == "1\u00a0234\u00a0kr 44,7\u202f%"  # no-break spaces stay


def test_html_text_escapes_tags_and_quotes_on_one_line():
    assert text.html_text(HOSTILE).count("<") == 0 and "&lt;a href=&#x27;x&#x27;&gt;" in text.html_text(HOSTILE)
    assert "\n" not in text.html_text(HOSTILE)


def test_plotly_text_escapes_tags_and_templates_but_keeps_the_characters():
    out = text.plotly_text(HOSTILE)
    assert "<" not in out and ">" not in out and "%{" not in out
    assert "&lt;a href='x'&gt;Øst&lt;/a&gt;" in out and "&#37;{customdata}" in out


def test_markdown_text_escapes_every_markdown_construct():
    out = text.markdown_text(HOSTILE)
    for construct in ("[tekst]", "](", "**", ":red[", "$y$"):
        assert construct not in out
    assert "\\<a href" in out  # Streamlit would escape a bare tag; escaped here too
    assert "https\\:\u2060\\/\\/" in out and "@\u2060b" in out  # no autolink literal, no e-mail link
    assert "\n" not in out


@given(st.text())
def test_markdown_text_reads_back_as_the_collapsed_text(raw):
    """Removing the escapes and word joiners gives exactly the text, so nothing is lost or added."""
    out = text.markdown_text(raw)
    assert re.sub(r"\\(.)", r"\1", out).replace(text.WORD_JOINER, "") == text.one_line(raw)
    assert "\n" not in out
