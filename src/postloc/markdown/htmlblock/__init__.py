"""Text a reader sees inside a raw HTML block: its segments, what export writes, the markup check.

CommonMark passes a raw HTML block through untouched, Markdown inside it
included, so its text is HTML: the ``html`` segment of a paragraph, list item,
cell, caption, heading or ``div`` is its inner HTML as written, inline tags
kept as markup (as po4a's XHTML module does); an ``alt`` or ``title``
attribute outside such a text is an ``html-attribute`` segment of its own.
Block-level tags separate texts; ``<script>``, ``<style>``, ``<pre>``,
``<textarea>``, comments and declarations are never text
(:mod:`~postloc.markdown.htmlblock.tokens` says where each ends).

A translation may move tags but never add, drop or change one (an ``alt`` or
``title`` value inside a text excepted): :func:`same_html_markup` says what
differs, :func:`html_block_text` refuses such a translation, and escapes an
attribute's translation for the quote that delimits it.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from html import unescape
from typing import Final

from postloc.markdown.htmlblock.tokens import VOID_ELEMENTS, Piece, opens_markup, pieces
from postloc.markdown.lines import LINE_BREAK, LineTable
from postloc.markdown.model import Segment

HTML_KIND: Final = "html"
"""Segment kind of an element's text inside a raw HTML block (inline tags as written)."""
HTML_ATTRIBUTE_KIND: Final = "html-attribute"
"""Segment kind of an ``alt`` or ``title`` value (entities decoded) outside such a text."""

TEXT_BREAKING_ELEMENTS: Final = frozenset(
    {
        *("address", "article", "aside", "blockquote", "body", "caption", "center"),
        *("col", "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt"),
        *("fieldset", "figcaption", "figure", "footer", "form", "frame", "frameset"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html"),
        *("legend", "li", "main", "menu", "nav", "ol", "optgroup", "option", "p"),
        *("search", "section", "summary", "table", "tbody", "td", "tfoot", "th"),
        *("thead", "tr", "ul"),
    }
)
"""Elements whose tags end one text and start the next (HTML's block-level elements);
every other tag (``a``, ``em``, ``code``, ``br``, ``img``, ``span``…) stays inside a text."""

TRANSLATED_ATTRIBUTES: Final = ("alt", "title")
"""Attributes whose value a reader sees (an image's replacement text, a tooltip)."""

UNSHOWN_ELEMENTS: Final = frozenset(
    {"script", "style", "template", "noscript", "title", "link", "meta"}
)
"""Elements nobody sees on the page: not even their ``title`` attribute is translated."""

_EDGE_BREAKS: Final = frozenset({"br", "wbr"})
"""Line-break tags, dropped from the ends of a text (they carry no words)."""
_LINE_BREAK_SPACE: Final = re.compile(r"[ \t\f]*(?:\r\n|\r|\n)[ \t\f\r\n]*")
"""A run of HTML whitespace holding a line break: renders as one space outside ``<pre>``."""
_CLOSERS: Final = ("-->", "--!>", "]]>", "?>")
"""Text that ends a comment, CDATA section or processing instruction, and the CommonMark
HTML block such a construct opened (at the end of its line): a translation keeps as many."""
_MASK: Final = "…"
"""Stands for a translated attribute's value when tags are compared."""


def html_block_segments(text: str, start: int, end: int, lines: LineTable) -> list[Segment]:
    """Segments of the raw HTML block ``text[start:end]`` (a whole ``html_block``), in order.

    For a block inside a container (a quote, a list item), whose lines carry
    a prefix that is not HTML, use :func:`html_lines_segments`.
    """
    spans: list[tuple[int, int]] = []
    position = start
    for found in LINE_BREAK.finditer(text, start, end):
        spans.append((position, found.start()))
        position = found.end()
    spans.append((position, end))
    return html_lines_segments(text, spans, lines)


def html_lines_segments(
    text: str, spans: Sequence[tuple[int, int]], lines: LineTable
) -> list[Segment]:
    """Segments of the raw HTML block whose lines are ``text[s:e]`` for ``(s, e)`` in ``spans``.

    Each span is one line's HTML (container prefix and line ending left out);
    segment offsets and lines refer to ``text``. A text spanning lines
    replaces them all (prefixes included) with one line on export.
    """
    if not spans:
        return []
    source = "\n".join(text[s:e] for s, e in spans)
    places = _Places(spans)
    parts = pieces(source)
    texts, outside = _texts(parts, source)
    found: list[Segment] = []
    for vstart, vend in texts:
        real = places.start(vstart)
        msgid = one_line(source[vstart:vend])
        found.append(Segment(msgid, HTML_KIND, lines.number(real), real, places.end(vend)))
    for part in outside:
        if part.tag in UNSHOWN_ELEMENTS:
            continue
        for attribute in part.attributes:
            if attribute.name not in TRANSLATED_ATTRIBUTES or attribute.value is None:
                continue
            msgid = one_line(attribute.value).strip()
            if has_letter(msgid):
                real = places.start(attribute.start)
                found.append(
                    Segment(
                        msgid,
                        HTML_ATTRIBUTE_KIND,
                        lines.number(real),
                        real,
                        places.end(attribute.end),
                    )
                )
    found.sort(key=lambda segment: segment.start)
    return found


def html_block_text(segment: Segment, source_text: str, translation: str) -> str | None:
    """What replaces ``segment``'s span on export; None to keep the source instead.

    An ``html`` translation is written on one line as the translator wrote it,
    provided its markup is the msgid's (:func:`same_html_markup`); an
    ``html-attribute`` translation is escaped for the quote around the value
    (an unquoted value gets double quotes). A blank translation, or the msgid
    itself, gives the source bytes back.
    """
    source = source_text[segment.start : segment.end]
    written = one_line(translation.strip())
    if not written or written == segment.text:
        return source
    if segment.kind == HTML_KIND:
        if same_html_markup(segment.text, written):
            return None
        return written if _keeps_line_start(segment, source_text, written) else None
    if segment.kind == HTML_ATTRIBUTE_KIND:
        quote = "'" if source.startswith("'") else '"'
        return quote + escape_attribute(written, quote) + quote
    raise ValueError(f"not a raw HTML segment: {segment.kind}")


_LEADING_TAG: Final = re.compile(r"</?[A-Za-z][^>]*>")


def _keeps_line_start(segment: Segment, source_text: str, written: str) -> bool:
    """Whether a text that starts its line still starts with the tag it started with.

    CommonMark decides that a line opens a raw HTML block from its first
    characters (``<a href="x">`` alone on a line opens one): a translation
    that moved that tag, or put words before it, would turn the block into a
    paragraph. Elsewhere a text may begin as the translator likes.
    """
    line_start = 1 + max(
        source_text.rfind("\n", 0, segment.start), source_text.rfind("\r", 0, segment.start)
    )
    if source_text[line_start : segment.start].strip(" \t>"):
        return True
    leading = _LEADING_TAG.match(segment.text)
    return leading is None or written.startswith(leading.group())


def same_html_markup(msgid: str, msgstr: str) -> list[str]:
    """How the markup of ``msgstr`` differs from ``msgid``'s (empty: the same).

    Tags are compared as written, as a multiset (a translation may reorder
    them), ``alt`` and ``title`` values aside; comments and declarations too.
    A tag the parser cannot read, a ``<`` that would open markup with what
    follows the text, or a ``-->`` (``?>``…) added or lost (it can end a
    comment around the text, and the CommonMark block) is a problem.
    """
    source, target = one_line(msgid), one_line(msgstr)
    source_parts, target_parts = pieces(source), pieces(target)
    problems = [f"unreadable markup {_shown(target, p)}" for p in target_parts if p.kind == "junk"]
    if _openers(target, target_parts) > _openers(source, source_parts):
        problems.append("a '<' that would open a tag or comment")
    theirs, ours = _markup(source, source_parts), _markup(target, target_parts)
    problems.extend(f"adds {key}" for key in sorted(ours - theirs))
    problems.extend(f"drops {key}" for key in sorted(theirs - ours))
    for closer in _CLOSERS:
        if target.count(closer) != source.count(closer):
            problems.append(f"{closer!r} {source.count(closer)} times, not {target.count(closer)}")
    return problems


def escape_attribute(value: str, quote: str) -> str:
    """``value`` written inside an attribute delimited by ``quote`` (``"`` or ``'``)."""
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace('"', "&quot;") if quote == '"' else escaped.replace("'", "&#39;")


def one_line(text: str) -> str:
    """``text`` with each whitespace run holding a line break made one space."""
    return _LINE_BREAK_SPACE.sub(" ", text)


def has_letter(text: str) -> bool:
    """Whether ``text`` (entities decoded) holds a letter: no letter, nothing to translate."""
    return any(char.isalpha() for char in unescape(text))


class _Places:
    """Offsets in the joined lines of a block ⇄ offsets in the post."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = spans
        self.starts: list[int] = []
        joined = 0
        for start, end in spans:
            self.starts.append(joined)
            joined += end - start + 1

    def start(self, offset: int) -> int:
        line = bisect.bisect_right(self.starts, offset) - 1
        return self.spans[line][0] + offset - self.starts[line]

    def end(self, offset: int) -> int:
        """The post offset of an exclusive end (it belongs to the line of the character before)."""
        line = max(bisect.bisect_right(self.starts, offset - 1) - 1, 0)
        return min(self.spans[line][0] + offset - self.starts[line], self.spans[line][1])


def _texts(parts: list[Piece], source: str) -> tuple[list[tuple[int, int]], list[Piece]]:
    """Spans of the texts worth translating, and the tags outside them (for attributes)."""
    in_code = _in_code(parts)
    runs: list[list[int]] = [[]]
    outside: list[Piece] = []
    for index, part in enumerate(parts):
        if part.kind == "opaque" or (part.kind == "start" and part.tag in TEXT_BREAKING_ELEMENTS):
            outside.append(part)
            runs.append([])
        elif part.kind == "end" and part.tag in TEXT_BREAKING_ELEMENTS:
            runs.append([])
        else:
            runs[-1].append(index)
    texts: list[tuple[int, int]] = []
    for run in runs:
        if any(parts[i].kind == "junk" for i in run):
            continue  # something that looks like a tag and is not: leave it all alone
        kept = set(_trimmed(parts, source, run))
        if any(
            parts[i].kind == "text"
            and not in_code[i]
            and has_letter(source[parts[i].start : parts[i].end])
            for i in kept
        ):
            first, last = parts[min(kept)], parts[max(kept)]
            head, tail = source[first.start : first.end], source[last.start : last.end]
            start = first.start + len(head) - len(head.lstrip())
            end = last.end - len(tail) + len(tail.rstrip())
            texts.append((start, end))
        else:
            kept = set()
        outside.extend(parts[i] for i in run if i not in kept and parts[i].kind == "start")
    outside.sort(key=lambda part: part.start)
    return texts, outside


def _trimmed(parts: list[Piece], source: str, run: list[int]) -> list[int]:
    """``run`` without what carries no words at its ends: blank text, comments, line-break
    tags, an end tag whose start is elsewhere, a start tag whose content is elsewhere."""
    kept = list(run)
    while kept:
        first, last = parts[kept[0]], parts[kept[-1]]
        if _idle(first, source) or first.kind == "end":
            kept.pop(0)
        elif _idle(last, source) or (last.kind == "start" and last.tag not in VOID_ELEMENTS):
            kept.pop()
        else:
            break
    return kept


def _idle(part: Piece, source: str) -> bool:
    """A piece that shows no words: blank text, a comment, a line-break tag."""
    if part.kind == "text":
        return not source[part.start : part.end].strip()
    return part.kind == "markup" or (part.kind == "start" and part.tag in _EDGE_BREAKS)


def _in_code(parts: list[Piece]) -> list[bool]:
    """For each piece, whether it sits inside ``<code>`` (code is never a reason to translate)."""
    depth, flags = 0, []
    for part in parts:
        if part.kind == "end" and part.tag == "code":
            depth = max(depth - 1, 0)
        flags.append(depth > 0)
        if part.kind == "start" and part.tag == "code":
            depth += 1
    return flags


def _markup(text: str, parts: list[Piece]) -> Counter[str]:
    """Every tag, comment and opaque element of ``text`` as written, translated values masked."""
    found: Counter[str] = Counter()
    for part in parts:
        if part.kind == "start":
            written, done = [], part.start
            for attribute in part.attributes:
                if attribute.name in TRANSLATED_ATTRIBUTES and attribute.value is not None:
                    written.append(text[done : attribute.start] + _MASK)
                    done = attribute.end
            found["".join(written) + text[done : part.end]] += 1
        elif part.kind in ("end", "markup", "opaque"):
            found[text[part.start : part.end]] += 1
    return found


def _openers(text: str, parts: list[Piece]) -> int:
    """``<`` in text that would open markup together with what follows (a letter, ``!``,
    ``/``, ``?``) or with the source after the segment (at the very end)."""
    count = 0
    for part in parts:
        if part.kind != "text":
            continue
        position = text.find("<", part.start, part.end)
        while position >= 0:
            if position + 1 == len(text) or opens_markup(text, position):
                count += 1
            position = text.find("<", position + 1, part.end)
    return count


def _shown(text: str, part: Piece) -> str:
    """The text from ``part`` on, cut to a readable length."""
    written = text[part.start :]
    return written if len(written) <= 40 else written[:39] + "…"
