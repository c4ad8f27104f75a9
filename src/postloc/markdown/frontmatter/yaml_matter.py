"""YAML front matter: find the fences, load strictly, locate values, write scalars back.

Loading is ``yaml.safe_load`` minus anchors and aliases: an alias bomb must
fail in one line, not expand, so the composer refuses the first anchor or
alias it meets, before anything is constructed. Values keep their YAML nodes
(with source offsets) so export can replace one value and leave every other
byte, comment included, as the author wrote it.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode

from postloc.characters import describe, first_forbidden
from postloc.errors import BadFrontMatter
from postloc.markdown.lines import LINE_BREAK
from postloc.markdown.model import FrontMatterFormat

_OPEN_FENCE = re.compile(rf"---[ \t]*(?:{LINE_BREAK.pattern}|\Z)")
_CLOSE_FENCE = re.compile(rf"(?:---|\.\.\.)[ \t]*(?:{LINE_BREAK.pattern}|\Z)")
_WIDE = 1 << 30
"""Emitter width that never folds a scalar over several lines."""
_C_LOADER: Any = getattr(yaml, "CSafeLoader", None)
"""libyaml's safe loader when PyYAML was built with it (the fast composing path)."""
_FAST_LOADER: Any = _C_LOADER or yaml.SafeLoader
"""The loader of the read-back checks, which run once per exported value."""
_FAST_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's emitter when present (same bytes as PyYAML's, see :func:`double_quoted`)."""


@dataclass(frozen=True, slots=True)
class Fences:
    """Where the front matter sits in a post's text."""

    yaml_start: int
    """Offset of the first YAML character (the line after the opening ``---``)."""
    yaml_end: int
    """Offset of the closing fence line (the YAML text ends just before it)."""
    body_start: int
    """Offset just after the closing fence line."""
    format: FrontMatterFormat = "yaml"
    """Which format the fences hold."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One top-level ``key: value`` of the front matter, with source offsets in the YAML text."""

    key: str
    """The key as YAML reads it."""
    key_end: int
    """Offset just after the key's source."""
    value: Node
    """The value's node; ``start_mark.index``/``end_mark.index`` are offsets in the YAML text."""


def find_fences(text: str) -> Fences | None:
    """Locate ``---`` … ``---``/``...`` fences at the very start of ``text``; None if absent.

    Raises BadFrontMatter (line 1) when the opening fence has no closing one,
    since the author clearly meant front matter and silently treating it as a
    thematic break would publish the YAML.
    """
    opening = _OPEN_FENCE.match(text)
    if opening is None:
        return None
    pos = opening.end()
    while pos < len(text):
        closing = _CLOSE_FENCE.match(text, pos)
        if closing is not None:
            return Fences(opening.end(), pos, closing.end())
        brk = LINE_BREAK.search(text, pos)
        if brk is None:
            break
        pos = brk.end()
    raise BadFrontMatter("front matter opened with '---' is never closed by a '---' line", line=1)


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
    messages. Refuses anchors/aliases, non-mapping documents, non-string and
    duplicate top-level keys. Parse, segment and rebuild each need the node of
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
    seen: set[str] = set()
    for key_node, _value in node.value:
        key = _plain_key(key_node)
        if key is None:
            raise BadFrontMatter(
                "front matter keys must be strings (quote the key)",
                line=line_of(key_node.start_mark.index),
            )
        if key in seen:
            raise BadFrontMatter(
                f"duplicate front matter key {key!r}", line=line_of(key_node.start_mark.index)
            )
        seen.add(key)
    _refuse_escaped_characters(node, line_of)
    return node


def _refuse_escaped_characters(node: Node, line_of: Callable[[int], int]) -> None:
    """Refuse what an escape (``"\\0"``, ``"\\ud800"``) made of a scalar: the YAML reader
    only sees the escape, and the character would reach the template and the export."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ScalarNode):
            bad = first_forbidden(current.value)
            if bad is not None:
                message = f"{describe(current.value[bad])} (written as an escape)"
                raise BadFrontMatter(message, line=line_of(current.start_mark.index))
        elif isinstance(current, MappingNode):  # pushed reversed: the first bad one is named
            for key, value in reversed(current.value):
                stack += (value, key)
        else:
            stack += reversed(current.value)


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
    if not isinstance(node, ScalarNode) or node.tag != "tag:yaml.org,2002:str":
        return None
    value: str = node.value
    return value


def format_scalar(value: Any, flow: bool = False) -> str:
    """YAML source for ``value`` as a mapping value: plain when that reads back identically.

    Strings are plain if YAML reads them back as the same string in this
    context (block or ``flow`` mapping) and hold no tab or control character
    (:data:`_CONTROL`), otherwise double-quoted on one line.
    Other scalars use PyYAML's safe representation; lists and mappings are
    written in flow style. Raises TypeError for values YAML cannot represent safely.
    """
    if isinstance(value, str):
        plain = not _cannot_be_plain(value) and not _CONTROL.search(value)
        if plain and _reads_back(value, value, flow):
            return value
        return double_quoted(value)
    if value is None or isinstance(value, bool | int | float | datetime.date):
        return _format_plain_scalar(value, flow)
    if isinstance(value, list | tuple | dict):
        text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=_WIDE)
        return _checked(text, value, flow)
    raise TypeError(f"cannot write {type(value).__name__} into front matter")


@functools.lru_cache(maxsize=256, typed=True)
def _format_plain_scalar(value: Any, flow: bool) -> str:
    """PyYAML's form of a non-string scalar (the same few flags and ratios recur on every post)."""
    return _checked(yaml.safe_dump(value, allow_unicode=True, width=_WIDE), value, flow)


def _checked(dumped: str, value: Any, flow: bool) -> str:
    text = dumped.removesuffix("\n...\n").strip()
    if not _reads_back(text, value, flow):
        raise TypeError(f"cannot write {value!r} into front matter on one line")
    return text


def double_quoted(text: str) -> str:
    """``text`` as a one-line double-quoted YAML scalar, exactly as PyYAML writes it.

    libyaml's emitter writes the same bytes as PyYAML's (a test compares them
    on random text) and is about 20 times faster; it serves when present.
    Lone surrogates, which libyaml cannot encode, go to PyYAML.
    """
    try:
        dumped = _dump_double_quoted(text, _FAST_DUMPER)
    except UnicodeEncodeError:
        dumped = _dump_double_quoted(text, yaml.SafeDumper)
    return dumped.rstrip("\n")


def _dump_double_quoted(text: str, dumper: Any) -> str:
    dumped: str = yaml.dump(text, Dumper=dumper, default_style='"', allow_unicode=True, width=_WIDE)
    return dumped


def format_key(key: str) -> str:
    """YAML source for a top-level mapping key (plain when safe, else double-quoted)."""
    plain = key and ":" not in key and not _CONTROL.search(key)
    if plain and _reads_back(key, key, False, as_key=True):
        return key
    return double_quoted(key)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
"""A tab, control character (C0, DEL, C1), line separator or BOM: never written plain. libyaml
reads ``Título<TAB>X`` back plain where PyYAML (and so ``postloc`` itself) refuses it, so such
a value is always double-quoted, a tab written ``\\t``."""
_NOT_PLAIN = re.compile(r"""[][{}#&*!|>'"%@`,]|.*(?:: | #)""", re.DOTALL)


def _cannot_be_plain(text: str) -> bool:
    """Quick no for :func:`_reads_back`: an indicator first, or ``": "``/``" #"`` inside.

    YAML never reads such a plain scalar back as the same string (flow
    collection, comment, anchor, tag, quoted or block scalar, reserved
    character, or a mapping value cut short), so there is no need to ask it.
    """
    return _NOT_PLAIN.match(text) is not None


def _reads_back(source: str, expected: Any, flow: bool, as_key: bool = False) -> bool:
    """Whether ``source`` placed as a value (or key) loads back as exactly ``expected``."""
    if not source or "\n" in source or "\r" in source or source != source.strip():
        return False
    doc = f"{source}: x" if as_key else f"k: {source}"
    if flow:
        doc = "{" + doc + "}"
    try:
        loaded = yaml.load(doc, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return False
    if not isinstance(loaded, dict) or len(loaded) != 1:
        return False
    if as_key:
        return list(loaded) == [expected] and type(next(iter(loaded))) is type(expected)
    got = loaded.get("k", _MISSING)
    return type(got) is type(expected) and bool(got == expected)


_MISSING = object()
