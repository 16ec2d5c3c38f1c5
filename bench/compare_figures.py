"""Old-vs-new figure comparison: every registered figure for a sample of municipalities, as it is sent.

Why: a rewrite of queries or figure builders for speed (issue 27) must not change what a user sees. This writes, per
figure and municipality, the page figure's JSON, the embed figure's JSON (/vis height), the HTML legend and the
bundle's texts and table, to a file; run it once on the old code (`--save`) and once on the new (`--compare`), and
it counts the cases that are identical (the figures' JSON as parsed objects; byte for byte counted apart) and lists
those that differ.

Run: .venv/bin/python bench/compare_figures.py --save /tmp/figs-old.pickle   (on main)
     .venv/bin/python bench/compare_figures.py --compare /tmp/figs-old.pickle (on the branch)
     [--municipalities 62] [--seed 27] [--db PATH]
"""
from __future__ import annotations

import argparse
import os
import pickle
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def cases(n: int, seed: int):
    from dashboard.figures import prepared, registry
    from dashboard.kostra import queries
    from dashboard.views.embed import EMBED_HEIGHT, selection_for
    codes = sorted(queries.municipality_names())
    sample = random.Random(seed).sample(codes, min(n, len(codes)))
    for code in sample:
        for figure_id, spec in registry.FIGURES.items():
            params = {"kommune": [code], "figur": [figure_id]}
            try:
                sel = selection_for(spec, params)
                page = prepared.prepare(figure_id, sel)
                embed = prepared.prepare(figure_id, sel, height=EMBED_HEIGHT)
            except Exception as exc:  # noqa: BLE001 - an error is an outcome to compare too
                yield (code, figure_id), ("error", type(exc).__name__, str(exc))
                continue
            bundle = page.with_tables()
            yield (code, figure_id), (page.screen_json(), embed.screen_json(), page.titled_json(), page.legend,
                                      bundle.title, bundle.subtitle, bundle.takeaway, bundle.source,
                                      bundle.is_demo, bundle.table.rows(), str(bundle.table.schema),
                                      bundle.download.rows(), str(bundle.download.schema))


def _as_sent(case: tuple) -> tuple:
    """A case with its three figure JSONs (page, embed, titled) parsed: what the browser reads is the objects,
    and a figure built as a dict lists its keys in another order than plotly's Figure wrote them."""
    if case and case[0] == "error":
        return case
    import orjson
    return tuple(orjson.loads(part) if i < 3 else part for i, part in enumerate(case))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path)
    group.add_argument("--compare", type=Path)
    ap.add_argument("--municipalities", type=int, default=62)
    ap.add_argument("--seed", type=int, default=27)
    ap.add_argument("--db", type=Path, default=ROOT / "data" / "kostra.duckdb")
    args = ap.parse_args()
    os.environ["KOSTRA_DB"] = str(args.db.resolve())
    found = dict(cases(args.municipalities, args.seed))
    if args.save:
        args.save.write_bytes(pickle.dumps(found))
        print(f"{len(found)} cases saved to {args.save}")
        return 0
    old = pickle.loads(args.compare.read_bytes())
    same = [k for k in old if k in found and _as_sent(found[k]) == _as_sent(old[k])]
    differ = [k for k in old if k in found and _as_sent(found[k]) != _as_sent(old[k])]
    byte_same = sum(1 for k in same if found[k] == old[k])
    missing = [k for k in old if k not in found] + [k for k in found if k not in old]
    errors = sum(1 for v in found.values() if v[0] == "error")
    print(f"{len(same)} of {len(old)} cases identical ({len({k[0] for k in old})} municipalities × "
          f"{len({k[1] for k in old})} figures: page JSON, embed JSON, titled figure, legend, texts, tables); "
          f"{len(differ)} differ, {len(missing)} missing; {errors} errors (in both); {byte_same} of the identical "
          "ones byte for byte (the figures' JSON compared as the objects the browser reads: key order aside)")
    for code, figure_id in differ[:20]:
        a, b = _as_sent(old[(code, figure_id)]), _as_sent(found[(code, figure_id)])
        parts = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        print(f"  {figure_id} {code}: parts {parts} differ")
    return 0 if not differ and not missing else 1


if __name__ == "__main__":
    sys.exit(main())
