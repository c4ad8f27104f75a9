"""One post's export: which translation a reader sees for each segment, and the document.

The project-wide export (paths, stale outputs, ``--prune``) is :mod:`postloc.project.outputs`.
"""
