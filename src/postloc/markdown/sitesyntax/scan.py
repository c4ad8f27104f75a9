"""One site tag found in a text: where it starts and ends, its name and its parameters.

The generators read their tags before Markdown, each with its own lexer, and a tag's end
is found the way that lexer finds it: Hugo's shortcode lexer respects quotes (``>}}`` in a
quoted parameter does not close ``{{< … >}}``), Liquid ends ``{% … %}`` and ``{{ … }}`` at
the first ``%}`` / ``}}`` whatever the quotes, and kramdown's attribute lists are one line.
A tag may span lines, but never a blank line nor more than :data:`MAX_TAG_LENGTH`
characters, so an unclosed ``{{<`` is text and never swallows the rest of a post. The search
for a closing ``%}``, ``}}``, ``*/`` or ``}`` remembers its last answer, so a post full of
unclosed openers costs one pass, not one pass per opener.

Knows nothing of Markdown: :mod:`postloc.markdown.sitesyntax.plugin` decides where a tag
may stand (never inside code, ``{#id}`` only at the end of a block).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from postloc.markdown.lines import LINE_BREAK

Syntax = Literal["shortcode", "liquid", "output", "kramdown", "attributes"]
"""``{{< >}}``/``{{% %}}`` (Hugo), ``{% %}`` (Liquid tag), ``{{ }}`` (Liquid output),
``{: }``/``{:: }`` (kramdown), ``{#id .class}`` (heading and block attributes)."""

MAX_TAG_LENGTH: Final = 8192
"""Longest tag looked for: the bound on what an unclosed opener costs."""

_SPACE: Final = " \t\r\n"
_BLANK_LINE: Final = re.compile(r"(?:\r\n?|\n)[ \t]*(?:\r\n?|\n)")
_SHORTCODE_NAME: Final = re.compile(r"/?[^\s\"'`<>%{}=/]+(?:/[^\s\"'`<>%{}=/]+)*")
_SHORTCODE_PARAM_NAME: Final = re.compile(r"[\w.-]+=")
_LIQUID_NAME: Final = re.compile(r"[A-Za-z_][\w-]*|#")
_UNESCAPED_BRACE: Final = re.compile(r"(?<!\\)\}")
_LIQUID_PARAM: Final = re.compile(r"""([\w.-]+)[ \t]*=[ \t]*(?:"([^"]*)"|'([^']*)')""")
_KRAMDOWN_PARAM: Final = re.compile(
    r"""([\w-]+)=(?:"((?:[^"\\\r\n]|\\.)*)"|'((?:[^'\\\r\n]|\\.)*)')"""
)
_ATTRIBUTE_ITEM: Final = r"""(?:[#.][\w:-]+|[\w-]+=(?:"[^"\r\n]*"|'[^'\r\n]*'|[^\s{}"']+))"""
_ATTRIBUTES: Final = re.compile(rf"\{{[ \t]*[#.][\w:-]+(?:[ \t]+{_ATTRIBUTE_ITEM})*[ \t]*\}}")
_ATTRIBUTE_PARAM: Final = re.compile(r"""([\w-]+)=(?:"([^"\r\n]*)"|'([^'\r\n]*)')""")


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter of a tag, located in the scanned text."""

    name: str
    """``caption`` in ``caption="…"``; ``""`` for a positional parameter."""
    start: int
    """Offset of the value's first character (inside its quotes)."""
    end: int
    """End offset of the value (before its closing quote)."""
    quote: str
    """The quote around the value (``"``, ``'`` or a backtick); ``""`` when unquoted."""


@dataclass(frozen=True, slots=True)
class Tag:
    """One site tag, located in the scanned text."""

    start: int
    """Offset of its ``{``."""
    end: int
    """Offset just after its last ``}``."""
    syntax: Syntax
    """Which generator's syntax it is."""
    name: str
    """The shortcode or Liquid tag name (``figure``, ``/note``, ``include``, ``endraw``;
    ``::comment``, ``:/comment`` for kramdown extensions); ``""`` for Liquid output, an
    attribute list or a shortcode comment."""
    params: tuple[Param, ...] = ()
    """Its parameters in order (Liquid: only ``key="value"`` ones)."""


def scan_tag(text: str, pos: int, limit: int | None = None) -> Tag | None:
    """The tag starting at ``text[pos]``, ending at or before ``limit``; None when none does."""
    if not text.startswith("{", pos):
        return None
    end = min(len(text) if limit is None else limit, pos + MAX_TAG_LENGTH)
    second = text[pos + 1 : pos + 2]
    if second == "{":
        third = text[pos + 2 : pos + 3]
        tag = _shortcode(text, pos, end) if third in ("<", "%") else _output(text, pos, end)
    elif second == "%":
        tag = _liquid(text, pos, end)
    elif second == ":":
        tag = _kramdown(text, pos, end)
    elif second in ("#", ".", " ", "\t"):
        tag = _attributes(text, pos, end)
    else:
        return None
    if tag is None or _BLANK_LINE.search(text, tag.start, tag.end):
        return None
    return tag


def scan_tags(text: str, pos: int = 0, limit: int | None = None) -> list[Tag]:
    """Every tag in ``text[pos:limit]``, left to right, none overlapping (no Markdown
    context: a tag inside code counts too)."""
    stop = len(text) if limit is None else limit
    found: list[Tag] = []
    brace = text.find("{", pos, stop)
    while brace >= 0:
        tag = scan_tag(text, brace, stop)
        if tag is not None:
            found.append(tag)
        brace = text.find("{", tag.end if tag else brace + 1, stop)
    return found


_found: dict[str | re.Pattern[str], tuple[str, int, int]] = {}
"""Per closing marker, the last search: (text, where it started, what it found)."""


def find_next(text: str, marker: str | re.Pattern[str], start: int) -> int:
    """Where ``marker`` (a string or a pattern) next occurs in ``text`` from ``start`` (-1:
    nowhere), answered from the last search for ``marker`` in the same text when that one
    started earlier and found nothing before ``start``."""
    last = _found.get(marker)
    if last is not None and last[0] is text and last[1] <= start <= last[2]:
        return last[2]
    if last is not None and last[0] is text and last[1] <= start and last[2] < 0:
        return -1
    if isinstance(marker, str):
        found = text.find(marker, start)
    else:
        match = marker.search(text, start)
        found = match.start() if match else -1
    _found[marker] = (text, start, found)
    return found


def _close(text: str, marker: str | re.Pattern[str], start: int, end: int) -> int:
    """Offset of the first ``marker`` from ``start`` if it ends by ``end``; -1 otherwise."""
    found = find_next(text, marker, start)
    width = len(marker) if isinstance(marker, str) else 1
    return found if found >= 0 and found + width <= end else -1


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos] in _SPACE:
        pos += 1
    return pos


def _shortcode(text: str, pos: int, end: int) -> Tag | None:
    """``{{< name params >}}``, ``{{% … %}}``, self-closing ``/>}}``, comments ``{{</* … */>}}``."""
    closer = (">" if text[pos + 2] == "<" else "%") + "}}"
    p = _skip_space(text, pos + 3, end)
    if text.startswith("/*", p):
        stop = _close(text, "*/", p + 2, end)
        if stop < 0:
            return None
        p = _skip_space(text, stop + 2, end)
        return Tag(pos, p + 3, "shortcode", "") if _at(text, p, closer, end) else None
    found = _SHORTCODE_NAME.match(text, p, end)
    if found is None:
        return None
    name, p = found.group(), found.end()
    params: list[Param] = []
    while True:
        p = _skip_space(text, p, end)
        if _at(text, p, closer, end):
            return Tag(pos, p + 3, "shortcode", name, tuple(params))
        if _at(text, p, "/" + closer, end):
            return Tag(pos, p + 4, "shortcode", name, tuple(params))
        if p >= end:
            return None
        named = _SHORTCODE_PARAM_NAME.match(text, p, end)
        key = ""
        if named is not None:
            key, p = named.group()[:-1], named.end()
        param = _shortcode_value(text, p, end, key, closer)
        if param is None:
            return None
        params.append(param)
        p = param.end + (1 if param.quote else 0)


def _shortcode_value(text: str, p: int, end: int, key: str, closer: str) -> Param | None:
    """A quoted (``"…"`` with backslash escapes, or a raw backtick string) or bare value."""
    quote = text[p : p + 1]
    if quote in ('"', "`"):
        q = p + 1
        while q < end and text[q] != quote:
            q += 2 if quote == '"' and text[q] == "\\" else 1
        return Param(key, p + 1, q, quote) if q < end else None
    q = p
    while q < end and text[q] not in _SPACE and not text.startswith(closer, q):
        if text.startswith("/" + closer, q) or text.startswith("{{", q):
            break
        q += 1
    return Param(key, p, q, "") if q > p else None


def _at(text: str, pos: int, marker: str, end: int) -> bool:
    return pos + len(marker) <= end and text.startswith(marker, pos)


def _output(text: str, pos: int, end: int) -> Tag | None:
    """Liquid output ``{{ … }}``: it ends at the first ``}}``."""
    stop = _close(text, "}}", pos + 2, end)
    return None if stop < 0 else Tag(pos, stop + 2, "output", "")


def _liquid(text: str, pos: int, end: int) -> Tag | None:
    """A Liquid tag ``{% name … %}`` (``{%-`` and ``-%}`` too): it ends at the first ``%}``."""
    stop = _close(text, "%}", pos + 2, end)
    if stop < 0:
        return None
    start = pos + 3 if text.startswith("-", pos + 2) else pos + 2
    found = _LIQUID_NAME.match(text, _skip_space(text, start, stop), stop)
    name = found.group() if found else ""
    params = tuple(
        Param(m.group(1), *_group_span(m), '"' if m.group(2) is not None else "'")
        for m in _LIQUID_PARAM.finditer(text, found.end() if found else start, stop)
    )
    return Tag(pos, stop + 2, "liquid", name, params)


def _group_span(match: re.Match[str]) -> tuple[int, int]:
    """Span of the value group (2 or 3) that matched."""
    group = 2 if match.group(2) is not None else 3
    return match.start(group), match.end(group)


def _kramdown(text: str, pos: int, end: int) -> Tag | None:
    """``{: .class #id key="v"}``, ``{:ref: …}``, ``{::comment}``, ``{:/comment}``: one line,
    ending at the first ``}`` not escaped (kramdown's own rule: quotes do not count)."""
    stop = _close(text, _UNESCAPED_BRACE, pos + 2, end)
    if stop < 0 or LINE_BREAK.search(text, pos, stop):
        return None
    inner = text[pos + 2 : stop]
    name = ""
    if inner.startswith((":", "/")):
        word = re.match(r"[:/]([\w-]*)", inner)
        name = (":" + inner[0] + word.group(1)) if word else ""
    params = tuple(
        Param(m.group(1), *_group_span(m), '"' if m.group(2) is not None else "'")
        for m in _KRAMDOWN_PARAM.finditer(text, pos + 2, stop)
    )
    return Tag(pos, stop + 1, "kramdown", name, params)


def _attributes(text: str, pos: int, end: int) -> Tag | None:
    """``{#id .class key="v"}``: heading ids and block attributes (goldmark, Pandoc)."""
    found = _ATTRIBUTES.match(text, pos, end)
    if found is None:
        return None
    params = tuple(
        Param(m.group(1), *_group_span(m), '"' if m.group(2) is not None else "'")
        for m in _ATTRIBUTE_PARAM.finditer(text, pos, found.end())
    )
    return Tag(pos, found.end(), "attributes", "", params)
