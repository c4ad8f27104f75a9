"""Gettext catalogues: PO reading and writing, entry states, merging templates into catalogues.

Works on text and polib objects, never on paths. The layout and states are in
docs/architecture.md ("PO conventions").
"""
