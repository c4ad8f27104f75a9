"""JSON front matter (Hugo's ``{ … }`` at the top of a post), read with its source offsets.

The standard library decodes every string, number and literal
(``JSONDecoder.raw_decode`` at the value's first character); this module only
walks the structure between them (braces, brackets, commas, colons) to note
where each value sits, so a translation replaces one string and the
author's layout stays. A test checks the walk against ``json.loads``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from postloc.characters import describe, first_forbidden
from postloc.errors import BadFrontMatter
from postloc.markdown.frontmatter.codec import Codec, LineOf, Spot
from postloc.markdown.frontmatter.paths import Address
from postloc.markdown.frontmatter.paths import describe as describe_address
from postloc.markdown.model import Edit

_SPACE: Final = re.compile(r"[ \t\n\r]*")
_MAX_DEPTH: Final = 100
"""Deeper nesting is refused: no front matter needs it, and the walk is recursive."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER: Final = json.JSONDecoder(parse_constant=_no_constant)
"""Numbers and literals; ``NaN`` and ``Infinity`` refused, as Go's decoder (Hugo's) does."""


@dataclass(frozen=True, slots=True)
class Node:
    """One JSON value with its source offsets."""

    start: int
    """Offset of its first character."""
    end: int
    """Offset just after its last character."""
    value: Any
    """The value as ``json.loads`` builds it."""
    members: tuple[Member, ...] = ()
    """An object's members, in source order."""
    items: tuple[Node, ...] = ()
    """An array's items."""


@dataclass(frozen=True, slots=True)
class Member:
    """One ``"key": value`` of an object."""

    key: str
    """The decoded key."""
    key_start: int
    """Offset of the key's opening quote."""
    key_end: int
    """Offset just after its closing quote."""
    node: Node
    """The value."""


def object_end(text: str, start: int, line_of: LineOf) -> int:
    """Where the JSON object opening at ``start`` ends (just after its ``}``).

    The whole object is checked as :func:`scan` checks it, so an error names
    its line here, before anything else reads the post.
    """
    return _scan(text, start, line_of).end


_SCANNED: dict[str, Node] = {}
_SCANNED_MAX: Final = 64


def scan(source: str, line_of: LineOf) -> Node:
    """The located tree of ``source``, a JSON object and nothing else.

    Refuses invalid JSON, a key twice in one object, and a character an
    escape made that postloc refuses (``"\\u0000"``); each error names the
    file line. Parse, segment and rebuild each need the same post's tree, so
    the last few are kept.
    """
    if source in _SCANNED:
        return _SCANNED[source]
    node = _scan(source, 0, line_of)
    if not isinstance(node.value, dict):
        raise BadFrontMatter("JSON front matter must be an object", line=line_of(0))
    if node.end != len(source):
        raise BadFrontMatter("invalid JSON: text after the object", line=line_of(node.end))
    if len(_SCANNED) >= _SCANNED_MAX:
        _SCANNED.pop(next(iter(_SCANNED)))
    _SCANNED[source] = node
    return node


def _scan(text: str, start: int, line_of: LineOf) -> Node:
    try:
        return _Walk(text, line_of).value(start, (), 0)
    except json.JSONDecodeError as exc:
        raise BadFrontMatter(f"invalid JSON: {exc.msg}", line=line_of(exc.pos)) from None


class _Walk:
    """The structure walk over one text."""

    def __init__(self, text: str, line_of: LineOf) -> None:
        self.text = text
        self.line_of = line_of

    def value(self, pos: int, address: Address, depth: int) -> Node:
        pos = _SPACE.match(self.text, pos).end()  # type: ignore[union-attr]
        char = self.text[pos : pos + 1]
        if depth > _MAX_DEPTH:
            raise BadFrontMatter("invalid JSON: nested too deeply", line=self.line_of(pos))
        if char == "{":
            return self.object(pos, address, depth)
        if char == "[":
            return self.array(pos, address, depth)
        try:
            value, end = _DECODER.raw_decode(self.text, pos)
        except ValueError as exc:
            if isinstance(exc, json.JSONDecodeError):
                raise
            raise BadFrontMatter(f"invalid JSON: {exc}", line=self.line_of(pos)) from None
        if isinstance(value, str):
            self.check_characters(value, pos)
        return Node(pos, end, value)

    def object(self, start: int, address: Address, depth: int) -> Node:
        members: list[Member] = []
        pos = self.after_space(start + 1)
        if self.text.startswith("}", pos):
            return Node(start, pos + 1, {})
        while True:
            if not self.text.startswith('"', pos):
                self.fail("expected a key in double quotes", pos)
            key, key_end = _DECODER.raw_decode(self.text, pos)
            self.check_characters(key, pos)
            if any(member.key == key for member in members):
                shown = describe_address((*address, key))
                raise BadFrontMatter(
                    f"duplicate front matter key {shown!r}", line=self.line_of(pos)
                )
            colon = self.after_space(key_end)
            if not self.text.startswith(":", colon):
                self.fail("expected ':' after the key", colon)
            node = self.value(colon + 1, (*address, key), depth + 1)
            members.append(Member(key, pos, key_end, node))
            pos = self.after_space(node.end)
            if self.text.startswith("}", pos):
                value = {member.key: member.node.value for member in members}
                return Node(start, pos + 1, value, members=tuple(members))
            if not self.text.startswith(",", pos):
                self.fail("expected ',' or '}' after a value", pos)
            pos = self.after_space(pos + 1)

    def array(self, start: int, address: Address, depth: int) -> Node:
        items: list[Node] = []
        pos = self.after_space(start + 1)
        if self.text.startswith("]", pos):
            return Node(start, pos + 1, [])
        while True:
            node = self.value(pos, (*address, len(items)), depth + 1)
            items.append(node)
            pos = self.after_space(node.end)
            if self.text.startswith("]", pos):
                value = [item.value for item in items]
                return Node(start, pos + 1, value, items=tuple(items))
            if not self.text.startswith(",", pos):
                self.fail("expected ',' or ']' after a value", pos)
            pos += 1

    def after_space(self, pos: int) -> int:
        return _SPACE.match(self.text, pos).end()  # type: ignore[union-attr]

    def fail(self, problem: str, pos: int) -> None:
        if pos >= len(self.text):
            problem = "the object is never closed by '}'"
        raise BadFrontMatter(
            f"invalid JSON: {problem}", line=self.line_of(min(pos, len(self.text)))
        )

    def check_characters(self, value: str, pos: int) -> None:
        """Refuse a character postloc refuses that an escape wrote (a raw one was refused
        with the whole post's text)."""
        bad = first_forbidden(value)
        if bad is not None:
            message = f"{describe(value[bad])} (written as an escape)"
            raise BadFrontMatter(message, line=self.line_of(pos))


def node_at(root: Node, address: Address) -> Node:
    """The node at ``address``; KeyError when there is none."""
    node = root
    for part in address:
        if isinstance(part, int) and part < len(node.items):
            node = node.items[part]
            continue
        found = [m.node for m in node.members if m.key == part] if isinstance(part, str) else []
        if not found:
            raise KeyError(describe_address(address))
        node = found[0]
    return node


def dumps(value: Any) -> str:
    """``value`` as JSON on one line, non-ASCII kept (dates as ISO strings, as Hugo reads)."""
    return json.dumps(value, ensure_ascii=False, default=_iso)


def _iso(value: Any) -> str:
    isoformat = getattr(value, "isoformat", None)
    if isoformat is None:
        raise TypeError(f"cannot write {type(value).__name__} into front matter")
    text: str = isoformat()
    return text


def _load(source: str, line_of: LineOf) -> dict[str, Any]:
    value: dict[str, Any] = scan(source, line_of).value
    return value


def _spots(source: str, addresses: Sequence[Address], line_of: LineOf) -> list[Spot]:
    root = scan(source, line_of)
    spots = []
    for address in addresses:
        node = node_at(root, address)
        spots.append(Spot(node.start, node.end, "json"))
    return spots


def _write(text: str, spot: Spot) -> str:
    return dumps(text)


def _set_keys(
    source: str,
    data: Mapping[str, Any],
    pairs: Sequence[tuple[str, Any]],
    newline: str,
    line_of: LineOf,
) -> list[Edit]:
    root = scan(source, line_of)
    present = {member.key: member for member in root.members}
    found: list[Edit] = []
    added: list[str] = []
    for key, value in pairs:
        member = present.get(key)
        if member is None:
            added.append(f"{dumps(key)}{_colon(source, root)}{dumps(value)}")
        elif not (type(data.get(key)) is type(value) and data.get(key) == value):
            found.append(Edit(member.node.start, member.node.end, dumps(value)))
    if added:
        found.append(_insertion(source, root, added, newline))
    return found


def _colon(source: str, root: Node) -> str:
    """The author's ``:`` with its spaces, from the last member (``": "`` without one)."""
    if not root.members:
        return ": "
    last = root.members[-1]
    between = source[last.key_end : last.node.start]
    return between if "\n" not in between and "\r" not in between else ": "


def _insertion(source: str, root: Node, added: list[str], newline: str) -> Edit:
    """Add members after the last one (or into an empty object) in the author's layout:
    one per line with the last member's indentation, or on one line."""
    multiline = "\n" in source or "\r" in source
    if root.members:
        last = root.members[-1]
        line_start = max(
            source.rfind("\n", 0, last.key_start), source.rfind("\r", 0, last.key_start)
        )
        indent = source[line_start + 1 : last.key_start]
        own_line = line_start >= 0 and not indent.strip(" \t")
        separator = f",{newline}{indent}" if own_line else ", "
        return Edit(last.node.end, last.node.end, separator + separator.join(added))
    if multiline:
        inside = f"{newline}  " + f",{newline}  ".join(added)
        return Edit(1, 1, inside)
    return Edit(1, 1, ", ".join(added))


JSON: Final = Codec(load=_load, spots=_spots, write=_write, set_keys=_set_keys)
"""The JSON codec."""
