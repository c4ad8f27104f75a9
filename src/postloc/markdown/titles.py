"""Titles a reader sees outside the text: link and image titles, admonition and container titles.

A link's title (``[x](/url "Le titre")``, ``[x]: /url 'Le titre'``) shows as a tooltip, an
admonition's (``!!! danger "Attention"``) and a container's (``::: warning Attention au
départ``) above the block: each is translated as text of its own, as translate-toolkit does,
while the target, the quotes and the block's name stay byte for byte.

- A reference definition's title is a segment of its own (``link-title``): the definition is
  no token, so the ``reference`` rule is wrapped (:func:`record_definition_titles`) to note
  where each title sits when a parse asks for it (:data:`DEFINITION_TITLES_KEY`).
- An inline link's or image's title stays in its paragraph's msgid (a translator edits it
  there); :func:`inline_title` finds it inside the source after a link text (``](/url
  "Titre")``), so markup protection can hand it to an engine as text while the target stays
  aside.
- Admonition and container titles (``admonition-title``) sit on the block's first line
  after its name: :func:`admonition_title` and :func:`container_title` locate them.

Whatever a translation holds, :func:`escaped_title` keeps it inside its delimiters: one line,
the closing quote (or both parentheses) backslash-escaped, a final backslash doubled, so the
link still parses and renders the translator's text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from markdown_it.common.utils import isStrSpace, unescapeAll
from markdown_it.helpers import parseLinkDestination, parseLinkTitle

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock

DEFINITION_TITLES_KEY: Final = "postloc_definition_titles"
"""Key of a parse's ``env``: when present (a list), each reference definition's title is
appended as the offsets of its lines' pieces in markdown-it's source
(:class:`DefinitionTitle`). Only the first definition of a label counts: the others are
never rendered."""

LINK_TITLE_KIND: Final = "link-title"
"""The segment kind of a reference definition's title."""
ADMONITION_TITLE_KIND: Final = "admonition-title"
"""The segment kind of an admonition's or a container's title."""

_CLOSERS: Final = {'"': '"', "'": "'", "(": ")"}
"""A title's opening delimiter → its closing one."""
_QUOTED_ADMONITION: Final = re.compile(
    r'(?P<tokens>[^"\s](?:[^"]*[^"\s])?)\s+"(?P<title>.*)"[^\s"]*'
)
"""mdit-py-plugins' admonition parameters with a quoted title (``danger "Titre"``)."""
_CONTAINER_NAME: Final = re.compile(r"[ \t]*[A-Za-z][\w-]*")
"""A container's name after its colons (``extensions.container_name`` reads the same)."""
_LINE_BREAKS: Final = re.compile(r"[ \t]*(?:\r\n|\r|\n)[ \t]*")


@dataclass(frozen=True, slots=True)
class DefinitionTitle:
    """Where a reference definition's title sits in markdown-it's (normalised) source."""

    pieces: tuple[tuple[int, int], ...]
    """The title's text on each of its lines (delimiters excluded), as source offsets."""


def record_definition_titles(md: MarkdownIt) -> None:
    """Wrap ``md``'s ``reference`` rule so a parse whose ``env`` holds
    :data:`DEFINITION_TITLES_KEY` learns where each definition's title is."""
    ruler: Any = md.block.ruler
    rule = ruler.__rules__[ruler.__find__("reference")]
    ruler.at("reference", _recording(rule.fn), {"alt": rule.alt})


def _recording(rule: Callable[..., bool]) -> Callable[..., bool]:
    def recorded(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        found = state.env.get(DEFINITION_TITLES_KEY) if state.env else None
        if found is None or silent:
            return rule(state, start, end, silent)
        duplicates = len(state.env.get("duplicate_refs", ()))
        if not rule(state, start, end, silent):
            return False
        if len(state.env.get("duplicate_refs", ())) == duplicates:
            title = _definition_title(state, start, state.line)
            if title is not None:
                found.append(title)
        return True

    return recorded


def _definition_title(state: StateBlock, first: int, stop: int) -> DefinitionTitle | None:
    """The title of the definition on lines ``first``..``stop`` (None without one), read
    again over its lines as the ``reference`` rule joined them."""
    string, offsets = "", []
    for line in range(first, stop):
        begin = state.bMarks[line] + state.tShift[line]
        offsets.append((len(string), begin))
        string += state.src[begin : state.eMarks[line] + 1]
    label = _label_end(string)
    if label < 0 or not string.startswith(":", label + 1):
        return None
    pos = _skip_spaces(string, label + 2, newlines=True)
    destination = parseLinkDestination(string, pos, len(string))
    if not destination.ok:
        return None
    pos = _skip_spaces(string, destination.pos, newlines=True)
    if pos == destination.pos or pos >= len(string):
        return None
    title = parseLinkTitle(string, pos, len(string))
    if not title.ok or not title.str:
        return None
    rest = _skip_spaces(string, title.pos, newlines=False)
    if rest < len(string) and string[rest] != "\n":
        return None
    inner_start, inner_end = pos + 1, title.pos - 1
    if unescapeAll(string[inner_start:inner_end]) != title.str:
        return None
    pieces = []
    for index, (at, begin) in enumerate(offsets):
        upto = offsets[index + 1][0] if index + 1 < len(offsets) else len(string)
        line_end = upto - 1 if string[upto - 1 : upto] == "\n" else upto
        low, high = max(inner_start, at), min(inner_end, line_end)
        if low < high:
            pieces.append((begin + low - at, begin + high - at))
    return DefinitionTitle(tuple(pieces)) if pieces else None


def _label_end(string: str) -> int:
    """The ``]`` closing a definition's label (the ``reference`` rule's scan), -1 if none."""
    pos = 1
    while pos < len(string):
        char = string[pos]
        if char == "[":
            return -1
        if char == "]":
            return pos
        pos += 2 if char == "\\" else 1
    return -1


def _skip_spaces(string: str, pos: int, *, newlines: bool) -> int:
    while pos < len(string) and (isStrSpace(string[pos]) or (newlines and string[pos] == "\n")):
        pos += 1
    return pos


def inline_title(closing: str) -> tuple[int, int] | None:
    """The offsets of the title's text inside an inline link's or image's source after its
    text (``](/url "Titre")`` → the offsets of ``Titre``), read as markdown-it's link rule
    reads it; None without a title (``]``, ``][ref]``, ``](/url)``)."""
    if not closing.startswith("](") or not closing.endswith(")"):
        return None
    end = len(closing)
    pos = _skip_spaces(closing, 2, newlines=True)
    destination = parseLinkDestination(closing, pos, end)
    if not destination.ok:
        return None
    pos = _skip_spaces(closing, destination.pos, newlines=True)
    if pos == destination.pos or pos >= end:
        return None
    title = parseLinkTitle(closing, pos, end)
    if not title.ok:
        return None
    if _skip_spaces(closing, title.pos, newlines=True) != end - 1:
        return None
    return pos + 1, title.pos - 1


def escaped_title(text: str, opener: str) -> str:
    """``text`` made safe between a title's delimiters (``opener`` is ``"``, ``'`` or ``(``):
    one line, the closing delimiter (both parentheses) escaped where a backslash does not
    already escape it, and a final lone backslash doubled so it cannot escape the closer."""
    closer = _CLOSERS.get(opener, opener)
    special = {closer, opener}
    out: list[str] = []
    escaped = False
    for char in _LINE_BREAKS.sub(" ", text):
        if char in special and not escaped:
            out.append("\\")
        out.append(char)
        escaped = char == "\\" and not escaped
    if escaped:
        out.append("\\")
    return "".join(out)


def admonition_title(params: str, title: str) -> tuple[int, int] | None:
    """The offsets in an admonition's parameters (``params``, what follows ``!!!``) of the
    title mdit-py-plugins read (``title``); None when the title is not written there
    (``!!! note`` shows ``Note``) or is empty (``!!! note ""``)."""
    stripped = params.strip()
    lead = params.find(stripped) if stripped else 0
    quoted = _QUOTED_ADMONITION.fullmatch(stripped)
    if quoted is not None:
        start, end = quoted.span("title")
    else:
        space = stripped.find(" ")
        if space < 0 or stripped[space + 1 :] == '""':
            return None
        start, end = space + 1, len(stripped)
    if stripped[start:end] != title:
        return None
    return _trimmed(params, lead + start, lead + end)


def container_title(info: str) -> tuple[int, int] | None:
    """The offsets in a container's ``info`` (what follows ``:::``) of the title after its
    name (``::: warning Attention au départ``); None without one."""
    name = _CONTAINER_NAME.match(info)
    if name is None:
        return None
    return _trimmed(info, name.end(), len(info))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
