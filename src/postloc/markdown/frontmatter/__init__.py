"""Front matter: where it sits, what it holds, which values are translated, writing them back.

The rest of the Markdown side sees front matter only through these four
functions, so a format is added here and nowhere else: :func:`locate` finds
the fences, :func:`load` reads the mapping, :func:`segments` lists the
translatable values with their source spans, :func:`edits` writes translated
values and export's extra keys back, every other byte kept. YAML is read by
:mod:`~postloc.markdown.frontmatter.yaml_matter`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

from yaml.nodes import CollectionNode, MappingNode, ScalarNode

from postloc.errors import BadFrontMatter
from postloc.markdown.frontmatter.yaml_matter import (
    Entry,
    Fences,
    compose,
    construct,
    double_quoted,
    entries,
    find_fences,
    format_key,
    format_scalar,
)
from postloc.markdown.lines import LineTable, line_number, line_starts
from postloc.markdown.model import (
    FRONT_MATTER_KIND_PREFIX,
    Edit,
    Post,
    Segment,
    front_matter_kind,
)

__all__ = [
    "Entry",
    "Fences",
    "compose",
    "construct",
    "double_quoted",
    "edits",
    "entries",
    "find_fences",
    "format_key",
    "format_scalar",
    "load",
    "locate",
    "segments",
]

_STR_TAG: Final = "tag:yaml.org,2002:str"


def locate(text: str) -> Fences | None:
    """Where the front matter of a post's ``text`` sits; None when it has none.

    Raises BadFrontMatter (no path: the caller adds it) for an opening fence never closed.
    """
    return find_fences(text)


def load(text: str, fences: Fences, starts: list[int], path: str) -> dict[str, Any]:
    """The front matter mapping between ``fences``; BadFrontMatter naming ``path`` and the
    file line on bad input. ``starts`` are the text's line starts."""
    offset = fences.yaml_start

    def line_of(index: int) -> int:
        return line_number(starts, offset + index)

    try:
        node = compose(text[fences.yaml_start : fences.yaml_end], line_of)
        return construct(node, line_of)
    except BadFrontMatter as exc:
        raise BadFrontMatter(exc.message, path=path, line=exc.line) from None


def segments(post: Post, lines: LineTable, fields: Sequence[str]) -> list[Segment]:
    """String values of the top-level keys in ``fields``, in source order."""
    if post.front_matter_span is None:
        return []
    offset, end = post.front_matter_span
    node = compose(post.text[offset:end], lambda i: lines.number(offset + i))
    wanted = set(fields)
    found = []
    for entry in entries(node):
        value = entry.value
        if entry.key not in wanted or not isinstance(value, ScalarNode) or value.tag != _STR_TAG:
            continue
        text = value.value.strip()
        if not text:
            continue
        start = offset + value.start_mark.index
        source = post.text[start : offset + value.end_mark.index]
        stop = start + len(source.rstrip())
        found.append(Segment(text, front_matter_kind(entry.key), lines.number(start), start, stop))
    return found


def edits(
    post: Post,
    translated: Sequence[tuple[Segment, str]],
    extra: Sequence[tuple[str, Any]] = (),
) -> list[Edit]:
    """Edits writing each front-matter segment's translation and setting each ``extra`` key
    (in place when present, else appended; a post without front matter gets one).

    An ``extra`` key wins over a translated value of the same key; an empty
    translation, or one equal to the source, leaves the value's bytes alone.
    """
    node = _node(post)
    flow = bool(node is not None and node.flow_style)
    extra_keys = {key for key, _value in extra}
    found: list[Edit] = []
    for segment, translation in translated:
        key = segment.kind.removeprefix(FRONT_MATTER_KIND_PREFIX)
        if translation.strip() and translation != segment.text and key not in extra_keys:
            found.append(Edit(segment.start, segment.end, format_scalar(translation, flow)))
    found.extend(_extra_edits(post, node, flow, extra))
    return found


def _node(post: Post) -> MappingNode | None:
    if post.front_matter_span is None:
        return None
    start, end = post.front_matter_span
    return compose(post.text[start:end], lambda i: line_number(line_starts(post.text), start + i))


def _extra_edits(
    post: Post, node: MappingNode | None, flow: bool, extra: Sequence[tuple[str, Any]]
) -> list[Edit]:
    """Edits that set each ``extra`` key: in place when present, else appended."""
    if not extra:
        return []
    nl = post.newline
    if post.front_matter_span is None:
        lines = "".join(f"{format_key(k)}: {format_scalar(v)}{nl}" for k, v in extra)
        return [Edit(0, 0, f"---{nl}{lines}---{nl}")]
    base, yaml_end = post.front_matter_span
    yaml_text = post.text[base:yaml_end]
    existing = {entry.key: entry for entry in entries(node)}
    found: list[Edit] = []
    for key, value in extra:
        if not isinstance(key, str):
            raise TypeError(f"front matter key must be a string, not {key!r}")
        new = format_scalar(value, flow)
        entry = existing.get(key)
        if entry is None:
            found.append(_append(post, node, flow, key, new))
            continue
        old = post.front_matter.get(key)
        if type(old) is type(value) and old == value:
            continue
        target = entry.value
        start, end = target.start_mark.index, target.end_mark.index
        end = start + len(yaml_text[start:end].rstrip())
        empty = start == target.end_mark.index or (
            isinstance(target, CollectionNode) and not target.flow_style
        )
        colon = _colon_after(yaml_text, entry.key_end)
        if empty and colon is not None:
            found.append(Edit(base + colon + 1, base + max(end, colon + 1), " " + new))
        else:
            found.append(Edit(base + start, base + end, new))
    return found


def _colon_after(yaml_text: str, pos: int) -> int | None:
    """Offset of the ``:`` that follows a key ending at ``pos`` (None if not found)."""
    found = re.compile(r"[ \t]*:").match(yaml_text, pos)
    return found.end() - 1 if found else None


def _append(post: Post, node: MappingNode | None, flow: bool, key: str, new: str) -> Edit:
    assert post.front_matter_span is not None
    base, yaml_end = post.front_matter_span
    if node is not None and flow:
        close = base + node.end_mark.index - 1
        separator = ", " if node.value else ""
        quoted = format_scalar(key, flow=True)
        return Edit(close, close, f"{separator}{quoted}: {new}")
    # Same indentation as the existing keys: YAML may indent the whole mapping.
    indent = " " * node.value[0][0].start_mark.column if node is not None and node.value else ""
    line = f"{indent}{format_key(key)}: {new}{post.newline}"
    return Edit(yaml_end, yaml_end, line)
