"""Which newlines of a block's text may become spaces: only those the renderer reads as one.

A msgid holds a paragraph on one line per hard break: soft breaks are joined into spaces,
and the rebuild joins a translation's soft lines the same way. But to a renderer a newline
is not always a space (issue 16, cases 1–3):

- inside a raw HTML tag: ``<img src="chat.png"``↵``alt="Un chat">`` is inline HTML, while
  the joined ``<img src="chat.png" alt="Un chat">`` alone on a paragraph's first line opens
  an HTML block (the rebuild would have to escape it into visible text);
- next to raw ``<pre>`` or ``<textarea>`` markup, whose content keeps its newlines
  (``_world_.``↵``</pre>`` closes a ``<pre>`` an HTML block opened);
- wherever joining changes the inline structure: ``[link](<foo``↵``bar>)`` is text, while
  ``[link](<foo bar>)`` is a link.

The segmenter and the rebuild ask :func:`kept_newlines` the same question, so a newline
kept in a msgid is kept in its translation's export.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

_HTML_SPANS: Final = "postloc_html_spans"
"""Key of the ``env`` where :func:`_parser` records each inline HTML tag's (source, start, end)
(an image's alt text is parsed as a source of its own)."""
_PRE_LIKE: Final = re.compile(r"</?(?:pre|textarea|listing|xmp|plaintext)\b", re.IGNORECASE)
"""Raw markup of elements whose text keeps its newlines."""
_NEWLINE: Final = re.compile(r"[ \t]*\n[ \t]*")


class _EveryReference(dict[str, dict[str, str]]):
    """Resolves every label: a ``[label]`` reads the same joined or not, defined or not."""

    def get(self, key: str, default: Any = None) -> dict[str, str]:
        return {"href": "", "title": ""}


def kept_newlines(text: str) -> frozenset[int]:
    """Offsets in ``text`` (one block's inline Markdown) of the newlines to keep as written.

    Hard breaks are not asked about (they are kept as breaks anyway); a soft break or a
    newline inside markup is kept when the renderer would read it differently as a space.
    """
    if "\n" not in text:
        return frozenset()
    return _kept(text)


@lru_cache(maxsize=4096)
def _kept(text: str) -> frozenset[int]:
    newlines = [m.start() for m in re.finditer("\n", text)]
    if _PRE_LIKE.search(text):
        return frozenset(newlines)
    env: dict[str, Any] = {"references": _EveryReference()}
    tokens = _parser().parseInline(text, env)[0].children or []
    spans: list[tuple[str, int, int]] = env.get(_HTML_SPANS, [])
    inside = {n for n in newlines for src, start, end in spans if src == text and start < n < end}
    soft = [n for n in newlines if n not in inside and not _hard_before(text, n)]
    if soft and _shape(tokens) != _shape(_joined(text, soft)):
        return frozenset(inside | set(soft))
    return frozenset(inside)


def _hard_before(text: str, newline: int) -> bool:
    """Whether Markdown reads the newline at ``newline`` as a hard break."""
    line = text[text.rfind("\n", 0, newline) + 1 : newline]
    backslashes = len(line) - len(line.rstrip("\\"))
    return backslashes % 2 == 1 or (line.endswith("  ") and bool(line.strip(" \t")))


def _joined(text: str, soft: Iterable[int]) -> list[Token]:
    """Tokens of ``text`` with the ``soft`` newlines (and the spaces around them) joined."""
    out, done = [], 0
    for newline in soft:
        match = _NEWLINE.match(text, len(text[:newline].rstrip(" \t")))
        assert match is not None
        out.append(text[done : match.start()] + " ")
        done = match.end()
    out.append(text[done:])
    env: dict[str, Any] = {"references": _EveryReference()}
    return _parser().parseInline("".join(out), env)[0].children or []


def _shape(tokens: Iterable[Token]) -> list[tuple[str, str, tuple[tuple[str, str], ...]]]:
    """What a renderer builds from inline tokens, whitespace aside (text is not compared)."""
    shape = []
    for token in tokens:
        if token.type in ("text", "softbreak"):
            continue
        attrs = tuple(sorted((k, " ".join(str(v).split())) for k, v in token.attrs.items()))
        content = " ".join(token.content.split()) if token.type == "html_inline" else ""
        shape.append((token.type, content, attrs))
        shape.extend(_shape(token.children or []))
    return shape


@cache
def _parser() -> MarkdownIt:
    """The dialect's parser, recording where each inline HTML tag lies in its source."""
    from markdown_it.rules_inline import html_inline

    from postloc.markdown.dialect import new_parser

    md = new_parser()
    md.inline.ruler.at("html_inline", _recording(html_inline))
    return md


def _recording(
    rule: Callable[[StateInline, bool], bool],
) -> Callable[[StateInline, bool], bool]:
    def recorded(state: StateInline, silent: bool) -> bool:
        start = state.pos
        matched = rule(state, silent)
        if matched and not silent:
            state.env.setdefault(_HTML_SPANS, []).append((state.src, start, state.pos))
        return matched

    return recorded
