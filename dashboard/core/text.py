"""Text from data, files or a URL, made safe for each place it is shown: always text, never markup.

A unit name comes from a file somebody uploaded, a municipality name from a table, a figure id from a link. Each
renderer reads its own markup in such text: Markdown (`[tekst](https://…)`, `**`, a blank line that ends an HTML
block), HTML (`<a href>`), plotly's pseudo-HTML in names, tick labels and hover texts (`<a>`, `<b>`, `<br>`), and
plotly's templates (`%{…}`, read in hover templates and, filled from `meta`, in trace names and titles: names go in
as data, never spliced into a template, and their `%{` is escaped). One module so every page, /vis, /presentasjon
and the published files escape the same way.
"""
from __future__ import annotations

import re
import string
from html import escape

# every whitespace but the no-break spaces (U+00A0, U+202F) that keep «1 234 kr» and «44,7 %» on one line
_BREAKING_SPACE = re.compile(r"[^\S\u00a0\u202f]+")
# GFM's autolink literals are found in the text *after* parsing, so escapes do not stop them: an invisible word
# joiner after `://`, `www` and `@` breaks the pattern (https://x, www.x, a@b.no) without changing what is seen
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)
# a word joiner of the text's own is written as a character reference, so it is told apart from ours and kept
OWN_WORD_JOINER = "&#8288;"
_PUNCTUATION = frozenset(string.punctuation)


def one_line(text: object) -> str:
    """Whitespace collapsed to single spaces: a blank line or a tab in a name is never meant, and a blank line
    inside st.markdown's HTML ends the HTML block, so what follows is read as Markdown. No-break spaces stay (the
    numbers in our sentences use them)."""
    return _BREAKING_SPACE.sub(" ", _whole_characters(str(text))).strip(" ")


def _whole_characters(text: str) -> str:
    """A surrogate pair joined into its character, a lone surrogate (half a character, which no UTF-8 page, file or
    protobuf can carry) as U+FFFD, the replacement character: every escape then gives text that can be written."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def html_text(text: object) -> str:
    """For HTML: escaped, on one line."""
    return escape(one_line(text))


def plotly_text(text: object) -> str:
    """For plotly names, titles, category labels and hover texts: `<`, `>` and `&` as entities (plotly reads `<a>`,
    `<b>`, `<br>` in these and shows entities as their characters), and the `%` of `%{` as `&#37;`, since plotly
    fills `%{…}` in trace names and titles from the trace's `meta` (an unknown key becomes empty); on one line."""
    return escape(one_line(text), quote=False).replace("%{", "&#37;{")


def markdown_text(text: object) -> str:
    """For Streamlit elements that read Markdown (st.title, st.caption, st.info, st.warning, …): every ASCII
    punctuation character backslash-escaped (CommonMark's escapes), so links, emphasis, `:colour[…]` directives,
    `$…$` maths and HTML all show as the characters they are, on one line; web and e-mail addresses are not made
    into links (see WORD_JOINER). A word joiner in the text itself is written as `&#8288;` (Markdown reads the
    character reference as the character), so every character reads back as itself, whatever the text holds."""
    line = one_line(text)
    breaks = {match.start() for match in _AUTOLINK.finditer(line)}
    out = []
    for i, char in enumerate(line):
        if i in breaks:
            out.append(WORD_JOINER)
        if char in _PUNCTUATION:
            out.append("\\" + char)
        elif char == WORD_JOINER:
            out.append(OWN_WORD_JOINER)
        else:
            out.append(char)
    if len(line) in breaks:
        out.append(WORD_JOINER)
    return "".join(out)


def possessive(name: str) -> str:
    """A name in the genitive as Norwegian writes it: «Larviks», «Hvalers», but «Birkenes'», «Nes'», «Moss'» – a
    name ending in s, x or z takes an apostrophe, never another s (Språkrådet). One function for every title, bar
    label, sentence and published file, so no place writes «Birkeness»."""
    return name + ("'" if name[-1:].lower() in ("s", "x", "z") else "s")
