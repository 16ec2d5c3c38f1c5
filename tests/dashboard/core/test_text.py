"""Text from data and URLs for each renderer: whitespace collapsed, and no markup each renderer would read."""
from __future__ import annotations

import html
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


# any code point, lone surrogates included (st.text() leaves them out), and the characters our escapes use
ANY_TEXT = st.lists(st.one_of(st.characters(codec=None, exclude_categories=()),
                              st.sampled_from(["\u2060", "\\", "&#8288;", "&", "%{", "<br>", "@", "www.", "://"]))
                    ).map("".join)


def _markdown_read_back(out: str) -> str:
    """What CommonMark shows for `out`: a backslash escape as its character, a character reference as its
    character, and our word joiners (invisible) gone."""
    return re.sub(r"\\(.)|&#8288;|\u2060", lambda m: m.group(1) or ("\u2060" if m.group(0) == "&#8288;" else ""), out)


def test_a_word_joiner_backslash_and_lone_surrogate_read_back():
    raw = "Sone\u2060Nord \\ https://x a@b \ud800 \ud83d\ude00"
    assert _markdown_read_back(text.markdown_text(raw)) == "Sone\u2060Nord \\ https://x a@b \ufffd \U0001f600"
    assert text.one_line("\ud800") == "\ufffd"


@given(ANY_TEXT)
def test_markdown_text_reads_back_as_the_collapsed_text(raw):
    """Reading the escapes back gives exactly the text, whatever it holds, so nothing is lost or added."""
    out = text.markdown_text(raw)
    assert _markdown_read_back(out) == text.one_line(raw)
    assert "\n" not in out
    out.encode("utf-8")  # no half characters: a page, a file and a protobuf can carry it


@given(ANY_TEXT)
def test_html_and_plotly_text_read_back_as_the_collapsed_text(raw):
    for escaped in (text.html_text(raw), text.plotly_text(raw)):
        assert html.unescape(escaped) == text.one_line(raw)
        assert "<" not in escaped
        escaped.encode("utf-8")
    assert "%{" not in text.plotly_text(raw)


def test_possessive_takes_an_apostrophe_after_s_x_and_z_and_an_s_otherwise():
    assert [text.possessive(n) for n in ("Birkenes", "Nes", "Moss", "Hvaler", "Larvik", "Fox", "Lindesnes")] == \
        ["Birkenes'", "Nes'", "Moss'", "Hvalers", "Larviks", "Fox'", "Lindesnes'"]


def test_no_module_makes_a_genitive_by_pasting_an_s_after_a_name():
    """Every genitive goes through text.possessive: an f-string `{name}s ` would write «Birkeness»."""
    from pathlib import Path
    root = Path(__file__).resolve().parents[3]
    pasted = [f"{path.relative_to(root)}:{i}" for folder in ("dashboard", "pages", "pipelines")
              for path in (root / folder).rglob("*.py")
              for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
              if re.search(r"(name|title)\}s\b", line)]
    assert pasted == []
