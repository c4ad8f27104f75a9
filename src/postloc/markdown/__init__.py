"""Posts in, posts out: Markdown and front matter parsed into blocks, segmented, rebuilt.

Pure text functions (no file I/O): :mod:`~postloc.markdown.parse` reads a post,
:mod:`~postloc.markdown.segment` picks the translatable segments,
:mod:`~postloc.markdown.rebuild` writes a post back with translations,
:mod:`~postloc.markdown.dialect` is the one Markdown dialect all of them share.
"""
