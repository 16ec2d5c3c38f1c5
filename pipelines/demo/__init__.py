"""The embedded demo snapshot: synthetic SSB responses in SSB's exact JSON-stat 2.0 shape, marked demo everywhere.

snapshot.py writes the KOSTRA tables and the manifest, projection.py the population projection (table 14746);
municipality_size.py holds what both need. Run with `python -m pipelines make-demo`.
"""
