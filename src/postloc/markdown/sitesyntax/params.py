"""Which parameter values of a tag a reader sees, and how a translated value goes back in.

``{{< figure src="a.png" caption="Le schéma" >}}``: the caption is text on the page, the
source path is not. The names come from the configuration (``Extraction.params_for``, by
tag name); only quoted, one-line values are translated (an unquoted value cannot take a
space, a multi-line one is left as written). Everything else of the tag stays byte for
byte, which is what :func:`masked` lets the checks compare.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from postloc.markdown.lines import LINE_BREAK
from postloc.markdown.sitesyntax.scan import Param, Tag, scan_tags

ParamsFor = Callable[[str], tuple[str, ...]]
"""Tag name → the names of its translated parameters (``Extraction.params_for``)."""

MASK: Final = "…"
"""What a translated value is replaced with when tags are compared."""

_TYPOGRAPHIC: Final = {'"': ("“", "”"), "'": ("’", "’"), "`": ("'", "'")}
"""A quote inside a translated value becomes this pair (opening, closing) in turn (a single
quote is nearly always an apostrophe: ’ both ways)."""


def translatable(text: str, tag: Tag, params_for: ParamsFor) -> list[Param]:
    """The parameters of ``tag`` (found in ``text``) whose value is translated."""
    if not tag.params:
        return []
    names = params_for(tag.name)
    return [
        param
        for param in tag.params
        if param.quote
        and param.name in names
        and param.end > param.start
        and LINE_BREAK.search(text, param.start, param.end) is None
    ]


def translatable_spans(
    text: str, start: int, end: int, params_for: ParamsFor
) -> list[tuple[int, int]]:
    """Offsets of the translated values of the tags in ``text[start:end]``, in order."""
    return [
        (param.start, param.end)
        for tag in scan_tags(text, start, end)
        for param in translatable(text, tag, params_for)
    ]


def masked(text: str, params_for: ParamsFor) -> str:
    """``text`` with each translated value of each tag in it replaced by :data:`MASK`."""
    out: list[str] = []
    done = 0
    for tag in scan_tags(text):
        for param in translatable(text, tag, params_for):
            out.append(text[done : param.start])
            out.append(MASK)
            done = param.end
    out.append(text[done:])
    return "".join(out)


def requote(value: str, quote: str) -> str:
    """A translated ``value`` made safe between its ``quote`` s.

    One line; each bare quote of the kind around it becomes a typographic one (“…”), an
    escape the author wrote (Hugo's ``\\"``) kept; a final lone backslash dropped (it would
    escape the closing quote); ``%}`` and ``}}`` split by a space, since Liquid ends a tag
    at the first of them, quotes or not.
    """
    value = LINE_BREAK.sub(" ", value)
    opening, closing = _TYPOGRAPHIC.get(quote, ("", ""))
    out: list[str] = []
    count = 0
    position = 0
    while position < len(value):
        char = value[position]
        if char == "\\" and position + 1 < len(value):
            out.append(value[position : position + 2])
            position += 2
            continue
        if char == quote and opening:
            out.append(closing if count % 2 else opening)
            count += 1
        else:
            out.append(char)
        position += 1
    text = "".join(out)
    if quote == '"' and (len(text) - len(text.rstrip("\\"))) % 2:
        text = text[:-1]
    return text.replace("%}", "% }").replace("}}", "} }")
