"""Front matter: where it sits, what it holds, which values are translated, writing them back.

The rest of the Markdown side sees front matter only through these four
functions, so a format is added here and nowhere else: :func:`locate` finds
it (YAML ``---``, TOML ``+++`` or a JSON object, as Hugo reads them:
:mod:`~postloc.markdown.frontmatter.fences`), :func:`load` reads the
mapping, :func:`segments` lists the values the configured field paths name
(:mod:`~postloc.markdown.frontmatter.paths`) with their source spans, and
:func:`edits` writes translated values and export's extra keys back in the
post's own format, every other byte kept. Each format is one
:class:`~postloc.markdown.frontmatter.codec.Codec`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any, Final

from postloc.errors import BadFrontMatter
from postloc.markdown.frontmatter.codec import Codec, LineOf
from postloc.markdown.frontmatter.fences import Fences, find_fences
from postloc.markdown.frontmatter.json_matter import JSON
from postloc.markdown.frontmatter.paths import parse_path, path_of_kind, select
from postloc.markdown.frontmatter.toml_matter import TOML
from postloc.markdown.frontmatter.yaml_codec import YAML, new_front_matter
from postloc.markdown.frontmatter.yaml_scalars import format_scalar
from postloc.markdown.lines import LineTable, line_number, line_starts
from postloc.markdown.model import Edit, FrontMatterFormat, Post, Segment

__all__ = ["Fences", "edits", "format_scalar", "load", "locate", "segments"]

_CODECS: Final[dict[FrontMatterFormat, Codec]] = {"yaml": YAML, "toml": TOML, "json": JSON}


def locate(text: str) -> Fences | None:
    """Where the front matter of a post's ``text`` sits, and its format; None without one.

    Raises BadFrontMatter (no path: the caller adds it) for an opening fence never closed
    and for a JSON object that does not read.
    """
    return find_fences(text)


def load(text: str, fences: Fences, starts: list[int], path: str) -> dict[str, Any]:
    """The front matter mapping between ``fences``; BadFrontMatter naming ``path`` and the
    file line on bad input. ``starts`` are the text's line starts."""
    offset = fences.start

    def line_of(index: int) -> int:
        return line_number(starts, offset + index)

    try:
        return _CODECS[fences.format].load(text[fences.start : fences.end], line_of)
    except BadFrontMatter as exc:
        raise BadFrontMatter(exc.message, path=path, line=exc.line) from None


def segments(post: Post, lines: LineTable, fields: Sequence[str]) -> list[Segment]:
    """The non-blank strings the field paths ``fields`` name, in source order, stripped.

    ``title`` is a kind of its own, any other path's values are ``front-matter:<path>``.
    """
    if post.front_matter_span is None:
        return []
    with _naming(post):
        return _segments(post, lines, fields)


def _segments(post: Post, lines: LineTable, fields: Sequence[str]) -> list[Segment]:
    assert post.front_matter_span is not None
    base, end = post.front_matter_span
    chosen = [
        c for c in select(post.front_matter, [parse_path(f) for f in fields]) if c.value.strip()
    ]
    codec = _CODECS[post.front_matter_format]
    spots = codec.spots(post.text[base:end], [c.address for c in chosen], _line_of(post))
    found = [
        Segment(
            c.value.strip(), c.path.kind, lines.number(base + s.start), base + s.start, base + s.end
        )
        for c, s in zip(chosen, spots, strict=True)
    ]
    return sorted(found, key=lambda segment: segment.start)


def edits(
    post: Post,
    translated: Sequence[tuple[Segment, str]],
    extra: Sequence[tuple[str, Any]] = (),
) -> list[Edit]:
    """Edits writing each front-matter segment's translation and setting each ``extra`` key
    (in place when present, else added; a post without front matter gets a YAML one).

    An ``extra`` key wins over translated values inside the top-level value it replaces; an
    empty translation, or one equal to the source, leaves the value's bytes alone.
    """
    for key, _value in extra:
        if not isinstance(key, str):
            raise TypeError(f"front matter key must be a string, not {key!r}")
    if post.front_matter_span is None:
        return [Edit(0, 0, new_front_matter(extra, post.newline))] if extra else []
    with _naming(post):
        return _edits(post, translated, extra)


def _edits(
    post: Post, translated: Sequence[tuple[Segment, str]], extra: Sequence[tuple[str, Any]]
) -> list[Edit]:
    assert post.front_matter_span is not None
    base, end = post.front_matter_span
    source = post.text[base:end]
    codec = _CODECS[post.front_matter_format]
    line_of = _line_of(post)
    extra_keys = {key for key, _value in extra}
    wanted = [
        (segment, translation)
        for segment, translation in translated
        if translation.strip()
        and translation != segment.text
        and path_of_kind(segment.kind).steps[0].key not in extra_keys
    ]
    found: list[Edit] = []
    if wanted:
        paths = list(dict.fromkeys(path_of_kind(segment.kind) for segment, _ in wanted))
        chosen = select(post.front_matter, paths)
        spots = codec.spots(source, [c.address for c in chosen], line_of)
        by_span = {(base + s.start, base + s.end): s for s in spots}
        for segment, translation in wanted:
            spot = by_span.get((segment.start, segment.end))
            if spot is None:
                raise ValueError(f"segment at offset {segment.start} is no front-matter value")
            found.append(Edit(segment.start, segment.end, codec.write(translation, spot)))
    for edit in codec.set_keys(source, post.front_matter, extra, post.newline, line_of):
        found.append(Edit(base + edit.start, base + edit.end, edit.new))
    return found


def _line_of(post: Post) -> LineOf:
    """File line of an offset in the post's front matter source (for error messages)."""
    base = post.front_matter_span[0] if post.front_matter_span else 0

    def line_of(index: int) -> int:
        return line_number(line_starts(post.text), base + index)

    return line_of


@contextlib.contextmanager
def _naming(post: Post) -> Iterator[None]:
    """Name the post in a BadFrontMatter raised without a path (the codecs know no paths)."""
    try:
        yield
    except BadFrontMatter as exc:
        if exc.path is not None:
            raise
        raise BadFrontMatter(exc.message, path=post.path, line=exc.line) from None
