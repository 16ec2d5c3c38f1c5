"""Imports keep names as the text they are, with whitespace collapsed: a blank line or a tab inside a unit name
from a spreadsheet cell is never meant, and would break the name out of an HTML block wherever it is shown."""
from __future__ import annotations

from hostile_names import NAMES, SHOWN, files
from pipelines.own_data.parser import parse


def test_every_text_field_is_collapsed_to_one_line_and_kept_otherwise(tmp_path):
    parsed = {kind: parse(kind, path) for kind, path in files(tmp_path)}
    assert all(p.ok for p in parsed.values()), {k: [str(x) for x in p.problems] for k, p in parsed.items()}
    sick = dict(zip(parsed["sick-leave"].rows["unit_code"], parsed["sick-leave"].rows["unit_name"]))
    assert sick == SHOWN
    assert NAMES["9101"] != SHOWN["9101"]  # the corpus does have a blank line to collapse
    goals = parsed["goals"].rows
    assert all("\n" not in c for c in goals["comment"]) and f"Kommentar {SHOWN['9101']}" in goals["comment"]
    frame = parsed["budget-frame"].rows
    assert SHOWN["9101"] in frame["description"].to_list()
