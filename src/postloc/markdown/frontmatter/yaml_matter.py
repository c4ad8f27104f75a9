"""YAML front matter: load strictly, and find a value's node (with its source offsets).

Loading is ``yaml.safe_load`` minus anchors and aliases: an alias bomb must
fail in one line, not expand, so the composer refuses the first anchor or
alias it meets, before anything is constructed. Values keep their YAML nodes
(with source offsets) so export can replace one value and leave every other
byte, comment included, as the author wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import yaml
from yaml.events import AliasEvent
from yaml.nodes import CollectionNode, MappingNode, Node, ScalarNode, SequenceNode

from postloc.characters import describe, first_forbidden
from postloc.errors import BadFrontMatter
from postloc.markdown.frontmatter.paths import Address
from postloc.markdown.frontmatter.paths import describe as describe_address

_C_LOADER: Any = getattr(yaml, "CSafeLoader", None)
"""libyaml's safe loader when PyYAML was built with it (the fast composing path)."""
_STR_TAG: Final = "tag:yaml.org,2002:str"


@dataclass(frozen=True, slots=True)
class Entry:
    """One top-level ``key: value`` of the front matter, with source offsets in the YAML text."""

    key: str
    """The key as YAML reads it."""
    key_end: int
    """Offset just after the key's source."""
    value: Node
    """The value's node; ``start_mark.index``/``end_mark.index`` are offsets in the YAML text."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases before composing anything."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
            raise yaml.MarkedYAMLError(
                problem="YAML anchors and aliases are not allowed in front matter",
                problem_mark=event.start_mark,
            )
        node: Node | None = super().compose_node(parent, index)  # type: ignore[no-untyped-call]
        return node


_COMPOSED: dict[str, MappingNode | None] = {}
_COMPOSED_MAX = 64


def compose(yaml_text: str, line_of: Callable[[int], int]) -> MappingNode | None:
    """Compose ``yaml_text`` into its top-level mapping node (None when empty).

    ``line_of`` turns an offset in ``yaml_text`` into a file line for error
    messages. Refuses anchors/aliases, non-mapping documents, non-string
    top-level keys and duplicate keys (Hugo's YAML reader refuses those at any
    depth). Parse, segment and rebuild each need the node of
    the same post, so the last few results are kept (errors never are);
    callers must not mutate the node.
    """
    if yaml_text in _COMPOSED:
        return _COMPOSED[yaml_text]
    node = _compose(yaml_text, line_of)
    if len(_COMPOSED) >= _COMPOSED_MAX:
        _COMPOSED.pop(next(iter(_COMPOSED)))
    _COMPOSED[yaml_text] = node
    return node


def _compose(yaml_text: str, line_of: Callable[[int], int]) -> MappingNode | None:
    fast = _compose_with_libyaml(yaml_text)
    node = _compose_strictly(yaml_text, line_of) if isinstance(fast, _Unsure) else fast
    if node is None:
        return None
    if not isinstance(node, MappingNode):
        found = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
        raise BadFrontMatter(
            f"front matter must be a mapping of 'key: value' lines, found {found}",
            line=line_of(node.start_mark.index),
        )
    for key_node, _value in node.value:
        if _plain_key(key_node) is None:
            raise BadFrontMatter(
                "front matter keys must be strings (quote the key)",
                line=line_of(key_node.start_mark.index),
            )
    _refuse_escapes_and_duplicates(node, line_of)
    return node


def _refuse_escapes_and_duplicates(node: Node, line_of: Callable[[int], int]) -> None:
    """Refuse what an escape (``"\\0"``, ``"\\ud800"``) made of a scalar, and a key twice in
    one mapping, at any depth, in document order.

    The YAML reader only sees the escape, and the character would reach the
    template and the export; of a key written twice, PyYAML keeps the last
    silently where Hugo refuses the post, and a translator would see one.
    """
    stack: list[tuple[Node, Address]] = [(node, ())]
    while stack:
        current, address = stack.pop()
        if isinstance(current, ScalarNode):
            bad = first_forbidden(current.value)
            if bad is not None:
                message = f"{describe(current.value[bad])} (written as an escape)"
                raise BadFrontMatter(message, line=line_of(current.start_mark.index))
        elif isinstance(current, MappingNode):  # pushed reversed: the first bad one is named
            seen: set[tuple[str, str]] = set()
            pushed: list[tuple[Node, Address]] = []
            for key, value in current.value:
                name = key.value if isinstance(key, ScalarNode) else None
                if isinstance(name, str):
                    if (key.tag, name) in seen:
                        shown = describe_address((*address, name))
                        line = line_of(key.start_mark.index)
                        raise BadFrontMatter(f"duplicate front matter key {shown!r}", line=line)
                    seen.add((key.tag, name))
                inner = (*address, name) if isinstance(name, str) else address
                pushed += ((key, address), (value, inner))
            stack += reversed(pushed)
        else:
            stack += reversed([(item, (*address, i)) for i, item in enumerate(current.value)])


class _Unsure:
    """The libyaml fast path's answer when the strict pure-Python composer must decide."""


_UNSURE: Final = _Unsure()
_LIBYAML_DIFFERS = re.compile("[\t\ufeff\x85\u2028\u2029]|[|>][0-9+-]*[^ \n\r0-9+-]|!")
"""Where libyaml accepts what PyYAML refuses (tabs, stray BOMs, ``|#``, tags
in flow collections) or places marks differently (Unicode line breaks): the
strict path decides. Found by comparing both composers on random texts."""


def _compose_with_libyaml(yaml_text: str) -> Node | _Unsure | None:
    """Compose with libyaml (about 10x faster); ``_UNSURE`` for anything but clean YAML.

    Only a document without anchors or aliases that libyaml reads without
    complaint is composed here; every error, and every text with an anchor
    or alias, goes to the strict composer so messages and refusals stay its
    own. libyaml marks count characters, like PyYAML's, and its resolver is
    PyYAML's, so the nodes are the same (a test compares both composers).
    """
    if _C_LOADER is None or _LIBYAML_DIFFERS.search(yaml_text):
        return _UNSURE
    if ("&" in yaml_text or "*" in yaml_text) and _has_anchor(yaml_text):
        return _UNSURE
    loader = _C_LOADER(yaml_text)
    try:
        node: Node | None = loader.get_single_node()
    except yaml.YAMLError:
        return _UNSURE
    finally:
        loader.dispose()
    if node is not None and not _settle_plain_scalars(node):
        return _UNSURE
    return node


def _has_anchor(yaml_text: str) -> bool:
    """Whether libyaml's events show an anchor or alias (True when it cannot tell)."""
    loader = _C_LOADER(yaml_text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
                return True
    except yaml.YAMLError:
        return True
    finally:
        loader.dispose()
    return False


def _settle_plain_scalars(node: Node) -> bool:
    """Give plain scalars PyYAML's ``style`` None (libyaml says ``''``).

    False when the tree holds an empty plain scalar (``key:`` with no
    value): libyaml places those at other offsets than PyYAML.
    """
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ScalarNode):
            if not current.style:
                if not current.value:
                    return False
                current.style = None
        elif isinstance(current, MappingNode):
            for key, value in current.value:
                stack += (key, value)
        else:
            stack += current.value
    return True


def _compose_strictly(yaml_text: str, line_of: Callable[[int], int]) -> Node | None:
    try:
        loader = _StrictLoader(yaml_text)  # the reader checks characters right away
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, line_of) from None
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = line_of(mark.index) if mark is not None else None
        raise BadFrontMatter(f"invalid YAML: {exc.problem or exc.context}", line=line) from None
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, line_of) from None
    except yaml.YAMLError as exc:
        raise BadFrontMatter(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise BadFrontMatter("invalid YAML: nested too deeply", line=line_of(0)) from None
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]
    return node


def _reader_error(exc: yaml.reader.ReaderError, line_of: Callable[[int], int]) -> BadFrontMatter:
    char = exc.character
    code = char if isinstance(char, int) else ord(char) if char else 0
    return BadFrontMatter(
        f"invalid YAML: character U+{code:04X} is not allowed", line=line_of(exc.position)
    )


def construct(node: MappingNode | None, line_of: Callable[[int], int]) -> dict[str, Any]:
    """Build the Python mapping of a composed front matter (``{}`` for none)."""
    if node is None:
        return {}
    loader = _StrictLoader("")
    try:
        data = loader.construct_document(node)  # type: ignore[no-untyped-call]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = line_of(mark.index) if mark is not None else None
        raise BadFrontMatter(f"invalid YAML: {exc.problem or exc.context}", line=line) from None
    except (ValueError, TypeError, OverflowError) as exc:
        raise BadFrontMatter(f"invalid YAML value: {exc}") from None
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]
    return dict(data)


def entries(node: MappingNode | None) -> list[Entry]:
    """Top-level entries of a composed front matter, in source order."""
    if node is None:
        return []
    found: list[Entry] = []
    for key_node, value_node in node.value:
        key = _plain_key(key_node)
        if key is not None:
            found.append(Entry(key, key_node.end_mark.index, value_node))
    return found


def _plain_key(node: Node) -> str | None:
    """The key's string when YAML would construct it as a ``str``, else None."""
    if not isinstance(node, ScalarNode) or node.tag != _STR_TAG:
        return None
    value: str = node.value
    return value


def node_at(node: MappingNode | None, address: Address) -> tuple[Node, Node | None]:
    """The node at ``address`` and its parent collection (None for the document itself).

    Keys are matched as YAML constructs them (the last of equal keys would
    win, but :func:`compose` refuses those). KeyError when there is none.
    """
    current: Node | None = node
    parent: Node | None = None
    for part in address:
        parent = current
        if isinstance(part, int) and isinstance(current, SequenceNode):
            current = current.value[part] if 0 <= part < len(current.value) else None
        elif isinstance(part, str) and isinstance(current, MappingNode):
            current = next((v for k, v in current.value if _plain_key(k) == part), None)
        else:
            current = None
        if current is None:
            raise KeyError(describe_address(address))
    if current is None:
        raise KeyError("the front matter is empty")
    return current, parent


def is_flow(node: Node | None) -> bool:
    """Whether ``node`` is a flow collection (``[a, b]``, ``{k: v}``)."""
    return isinstance(node, CollectionNode) and bool(node.flow_style)
