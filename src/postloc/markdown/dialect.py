"""The one Markdown dialect postloc reads: CommonMark plus GFM tables and strikethrough,
the extensions bloggers use (footnotes, definition lists, task lists, containers and
admonitions: :mod:`postloc.markdown.extensions`, each switchable per site), and
site-generator tags (Hugo shortcodes, Liquid, kramdown attribute lists) as markup.

Segmenting, rebuilding, HTML export, markup protection and the QA checks must
agree on what a post's Markdown means, so every markdown-it parser is built
here. A caller that needs a variation (raw HTML escaped, a rule disabled, links
kept as written) derives it from :func:`new_parser` in one visible line.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

PRESET: Final = "commonmark"
"""markdown-it's preset: CommonMark, raw HTML recognised."""
ENABLED_RULES: Final = ("table", "strikethrough")
"""GFM rules enabled on top of the preset."""


def new_parser(
    options: Mapping[str, Any] | None = None, *, kind: type[MarkdownIt] | None = None
) -> MarkdownIt:
    """A fresh parser of the dialect, for a caller that changes it.

    ``options`` update the preset's options; ``kind`` is a MarkdownIt subclass
    overriding its link hooks. Site tags come from
    :func:`postloc.markdown.sitesyntax.plugin.site_syntax` (no library reads them: see
    that module), the extensions from :func:`postloc.markdown.extensions.install` (a
    parse's ``env`` switches them off: :func:`~postloc.markdown.extensions.parse_env`).
    """
    from markdown_it import MarkdownIt

    from postloc.markdown.extensions import install
    from postloc.markdown.sitesyntax.plugin import site_syntax

    md = (kind or MarkdownIt)(PRESET, options).enable(list(ENABLED_RULES))
    return md.use(install).use(site_syntax)


@functools.cache
def markdown_parser() -> MarkdownIt:
    """The dialect's parser, built once and shared (so never changed: see :func:`new_parser`)."""
    return new_parser()
