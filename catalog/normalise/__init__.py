"""Normalise: lenient page records to strict offerings, models and findings.

`offerings.normalise` is the entry point; `prices`, `dates` and `ids` hold the unit
registry, date reading and model-ID canonicalisation it uses.
"""
