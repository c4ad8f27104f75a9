"""The values the Markdown side hands around: a parsed :class:`Post` and its :class:`Segment` s.

Pure data, no I/O: ``parse`` builds a Post from bytes, ``segment`` cuts it into
Segments, ``rebuild`` puts translated Segments back. Offsets always refer to
``Post.text`` (the decoded file, BOM removed, line endings untouched), so a
Segment's span can be replaced without re-reading anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

SEGMENT_KINDS: Final = (
    "title",
    "heading",
    "paragraph",
    "list-item",
    "table-cell",
    "blockquote",
    "alt-text",
    "link-title",
    "admonition-title",
    "footnote",
    "definition-term",
    "definition",
    "shortcode-param",
    "html",
    "html-attribute",
)
"""Kinds of segments besides ``front-matter:<key>``: the ``#. type:`` values listed in
docs/architecture.md ("What becomes a segment")."""

FRONT_MATTER_KIND_PREFIX: Final = "front-matter:"
"""Prefix of the kind of a front-matter field other than ``title``."""


FrontMatterFormat = Literal["yaml", "toml", "json"]
"""The three front matter formats Hugo reads: ``---`` YAML, ``+++`` TOML, ``{ … }`` JSON."""


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` of a post with ``new`` (an insertion when start == end)."""

    start: int
    end: int
    new: str


@dataclass(frozen=True, slots=True)
class Post:
    """One source post, decoded and split into front matter and Markdown body."""

    path: str
    """Path used in PO references: relative to the project root, posix (``source_posts/x.md``)."""
    slug: str
    """The post's identity: its path in ``posts_dir`` without the extension, made a safe
    name (``posts/hugo/faq``); see :mod:`postloc.markdown.slug`."""
    text: str
    """The whole decoded file, BOM removed, line endings exactly as in the file (CRLF kept)."""
    bom: bool
    """The file started with a UTF-8 BOM; rebuild puts it back."""
    front_matter: Mapping[str, Any]
    """The loaded front matter mapping; ``{}`` when there is none. Treat as read-only."""
    front_matter_span: tuple[int, int] | None
    """Offsets in ``text`` of the front matter source (between the fences); None without."""
    body_start: int
    """Offset in ``text`` where the Markdown body starts (just after the closing fence line)."""
    body_line: int = 1
    """1-based file line of ``body_start``, so body line numbers map to file lines."""
    front_matter_format: FrontMatterFormat = "yaml"
    """Format of the front matter (meaningless when ``front_matter_span`` is None)."""
    newline: str = "\n"
    """The file's first line ending (``\\n``, ``\\r\\n`` or ``\\r``); lines that rebuild
    adds use it."""

    @property
    def body(self) -> str:
        """The Markdown after the front matter, as markdown-it gets it."""
        return self.text[self.body_start :]


@dataclass(frozen=True, slots=True)
class Segment:
    """One translatable occurrence: a msgid plus where it sits in the post.

    ``text`` is the inline Markdown exactly as written, on one line: a soft
    line break (with the next line's container prefix and indentation)
    becomes one space. A hard break stays, written ``\\`` + newline; the
    author's two trailing spaces are kept instead when a backslash would
    change the text before it (after ``\\``, ``*``, ``_``, ``~``). A newline
    inside a code span, inline HTML or a link title becomes a space, the
    next line's indentation kept. Front-matter values are the YAML string,
    stripped of surrounding whitespace.
    """

    text: str
    """The msgid."""
    kind: str
    """One of :data:`SEGMENT_KINDS` or ``front-matter:<key>``."""
    line: int
    """1-based file line (front matter lines count) where the segment starts."""
    start: int
    """Offset in ``Post.text`` of the source text this segment replaces on export."""
    end: int
    """End offset (exclusive) of that source text."""

    @property
    def in_front_matter(self) -> bool:
        """True for ``title`` and ``front-matter:<key>`` segments (YAML values, not Markdown)."""
        return self.kind == "title" or self.kind.startswith(FRONT_MATTER_KIND_PREFIX)


def front_matter_kind(key: str) -> str:
    """The segment kind for front-matter ``key`` (``title`` is a kind of its own:
    docs/architecture.md, "What becomes a segment")."""
    return "title" if key == "title" else FRONT_MATTER_KIND_PREFIX + key
