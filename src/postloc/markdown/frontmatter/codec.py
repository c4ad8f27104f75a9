"""What a front-matter format provides: one :class:`Codec` per format, used by the API.

Every offset a codec takes or gives is relative to the front matter source
(the text between the fences, or the JSON object itself); the API adds where
that source starts in the post.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from postloc.markdown.frontmatter.paths import Address
from postloc.markdown.model import Edit

LineOf = Callable[[int], int]
"""Turns an offset in the front matter source into a file line, for error messages."""


@dataclass(frozen=True, slots=True)
class Spot:
    """Where one named string sits in the front matter source, and how one is written there."""

    start: int
    """Offset of the value's first character (an opening quote included)."""
    end: int
    """Offset just after its last one (a closing quote included, trailing spaces not)."""
    style: str
    """What the format needs to write a replacement there: YAML's context (``block``,
    ``flow``, ``sequence``, ``flow-sequence``), TOML's string kind (``literal``, ``basic``),
    JSON's ``json``."""


@dataclass(frozen=True, slots=True)
class Codec:
    """The four things the API asks of a format."""

    load: Callable[[str, LineOf], dict[str, Any]]
    """``(source, line_of)`` → the mapping; BadFrontMatter with a file line on bad input."""
    spots: Callable[[str, Sequence[Address], LineOf], list[Spot]]
    """``(source, addresses, line_of)`` → the :class:`Spot` of each string value, in order."""
    write: Callable[[str, Spot], str]
    """``(text, spot)`` → the source that makes the value at ``spot`` read back as ``text``."""
    set_keys: Callable[[str, Mapping[str, Any], Sequence[tuple[str, Any]], str, LineOf], list[Edit]]
    """``(source, data, pairs, newline, line_of)`` → edits setting each top-level key of
    ``pairs`` (in place when present, else added where a new top-level key belongs)."""
