"""YAML front matter (``---``) as a :class:`~postloc.markdown.frontmatter.codec.Codec`.

Values are found through the composed nodes, whose marks are exact source
offsets; a translation is one scalar written for the context it lands in
(a block or flow mapping or sequence), so every other byte stays.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from yaml.nodes import CollectionNode, MappingNode, Node, SequenceNode

from postloc.markdown.frontmatter.codec import Codec, LineOf, Spot
from postloc.markdown.frontmatter.paths import Address
from postloc.markdown.frontmatter.yaml_matter import (
    compose,
    construct,
    entries,
    is_flow,
    node_at,
)
from postloc.markdown.frontmatter.yaml_scalars import format_key, format_scalar
from postloc.markdown.model import Edit

_COLON: Final = re.compile(r"[ \t]*:")


def _load(source: str, line_of: LineOf) -> dict[str, Any]:
    return construct(compose(source, line_of), line_of)


def _spots(source: str, addresses: Sequence[Address], line_of: LineOf) -> list[Spot]:
    root = compose(source, line_of)
    found = []
    for address in addresses:
        node, parent = node_at(root, address)
        start, end = node.start_mark.index, node.end_mark.index
        end = start + len(source[start:end].rstrip())
        found.append(Spot(start, end, _context(parent)))
    return found


def _context(parent: Node | None) -> str:
    """Where a scalar under ``parent`` sits, as :func:`_write` needs to know it."""
    if isinstance(parent, SequenceNode):
        return "flow-sequence" if is_flow(parent) else "sequence"
    return "flow" if is_flow(parent) else "block"


def _write(text: str, spot: Spot) -> str:
    flow = spot.style.startswith("flow")
    return format_scalar(text, flow, in_sequence=spot.style.endswith("sequence"))


def _set_keys(
    source: str,
    data: Mapping[str, Any],
    pairs: Sequence[tuple[str, Any]],
    newline: str,
    line_of: LineOf,
) -> list[Edit]:
    node = compose(source, line_of)
    flow = is_flow(node)
    existing = {entry.key: entry for entry in entries(node)}
    found: list[Edit] = []
    for key, value in pairs:
        new = format_scalar(value, flow)
        entry = existing.get(key)
        if entry is None:
            # after a first key appended to an empty ``{}``, the next ones need a comma too
            empty = node is None or (not node.value and not any(e.start == e.end for e in found))
            found.append(_append(source, node, flow, key, new, newline, empty))
            continue
        old = data.get(key)
        if type(old) is type(value) and old == value:
            continue
        target = entry.value
        start, end = target.start_mark.index, target.end_mark.index
        end = start + len(source[start:end].rstrip())
        empty = start == target.end_mark.index or (
            isinstance(target, CollectionNode) and not target.flow_style
        )
        colon = _COLON.match(source, entry.key_end)
        if empty and colon is not None:
            found.append(Edit(colon.end(), max(end, colon.end()), " " + new))
        else:
            found.append(Edit(start, end, new))
    return found


def _append(
    source: str,
    node: MappingNode | None,
    flow: bool,
    key: str,
    new: str,
    newline: str,
    empty: bool,
) -> Edit:
    """The edit adding ``key: new``; ``empty`` when the mapping has no key yet."""
    if node is not None and flow:
        close = node.end_mark.index - 1
        separator = "" if empty else ", "
        return Edit(close, close, f"{separator}{format_scalar(key, flow=True)}: {new}")
    # Same indentation as the existing keys: YAML may indent the whole mapping.
    indent = " " * node.value[0][0].start_mark.column if node is not None and node.value else ""
    return Edit(len(source), len(source), f"{indent}{format_key(key)}: {new}{newline}")


def new_front_matter(pairs: Sequence[tuple[str, Any]], newline: str) -> str:
    """A whole YAML front matter, fences included, holding ``pairs`` (for a post without one)."""
    lines = "".join(f"{format_key(k)}: {format_scalar(v)}{newline}" for k, v in pairs)
    return f"---{newline}{lines}---{newline}"


YAML: Final = Codec(load=_load, spots=_spots, write=_write, set_keys=_set_keys)
"""The YAML codec."""
