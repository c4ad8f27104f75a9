"""Raw HTML cut into located pieces: tags, text, comments and never-translated elements.

The standard library's :class:`html.parser.HTMLParser` tokenizes (its
``getpos()`` gives each event's place); this module turns its events into a
list of :class:`Piece` s that covers the source without gap or overlap, and
merges what must stay whole: an element whose content is not prose
(``<script>``, ``<pre>``…) and a comment or declaration. Where the parser and a
browser (the WHATWG tokenizer) disagree on where such a piece ends
(``</script foo>``, ``--!>``, an unclosed ``<!--``), the piece runs to the
later of the two ends, so text is only ever taken where both read text.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from html import parser as stdlib_parser
from html import unescape
from html.parser import HTMLParser
from typing import Final, Literal

PieceKind = Literal["text", "start", "end", "markup", "opaque", "junk"]
"""``text``: characters and references; ``start``/``end``: a tag; ``markup``: a comment,
declaration, processing instruction or CDATA section (shown to nobody); ``opaque``: an
element whose content is never text, start tag to end tag; ``junk``: what the parser
could not read as a tag although it starts like one (never touched)."""

RAW_TEXT_ELEMENTS: Final = frozenset(
    {
        *("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"),
        *("noscript", "plaintext"),
    }
)
"""Elements whose content a browser reads as raw text up to their end tag: never prose
(``noscript`` is raw text for a reader with scripts on)."""

NESTED_OPAQUE_ELEMENTS: Final = frozenset({"pre", "listing", "svg", "math", "template"})
"""Elements whose content holds tags but is never prose: preformatted text, drawings,
formulas, templates."""

FOREIGN_ELEMENTS: Final = frozenset({"svg", "math"})
"""Elements whose ``<x/>`` really closes them (HTML ignores the slash elsewhere)."""

VOID_ELEMENTS: Final = frozenset(
    {
        *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"),
        *("param", "source", "track", "wbr"),
    }
)
"""Elements without content or end tag."""

_OPENING: Final = frozenset(string.ascii_letters + "!/?")
"""What makes a ``<`` open markup (a browser's tag-open state)."""
_SPACE: Final = "\t\n\f\r /"
"""What may follow ``</name`` in an end tag (the WHATWG tokenizer's rule)."""
# The parser's own patterns for a tag name and one attribute (undocumented, hence not in
# typeshed): replaying them locates exactly the attributes the parser found.
_TAG_NAME: Final[re.Pattern[str]] = stdlib_parser.tagfind_tolerant  # type: ignore[attr-defined]
_ATTRIBUTE: Final[re.Pattern[str]] = stdlib_parser.attrfind_tolerant  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Attribute:
    """One attribute of a start tag, located in the parsed source."""

    name: str
    """Lowercase name."""
    value: str | None
    """The value as a reader gets it (entities decoded); None without ``=``."""
    start: int
    """Offset of the value as written, quotes included (the name's end when no value)."""
    end: int
    """End (exclusive) of the value as written."""


@dataclass(frozen=True, slots=True)
class Piece:
    """A located stretch of the source: ``source[start:end]`` is exactly this piece."""

    kind: PieceKind
    """What the stretch is (see :data:`PieceKind`)."""
    start: int
    """Offset in the parsed source."""
    end: int
    """End offset (exclusive)."""
    tag: str = ""
    """Lowercase element name of a ``start``, ``end`` or ``opaque`` piece."""
    self_closing: bool = False
    """A start tag written ``<x/>``."""
    attributes: tuple[Attribute, ...] = ()
    """A start tag's attributes (an ``opaque`` piece's: its start tag's)."""


def opens_markup(text: str, position: int) -> bool:
    """Whether the ``<`` at ``position`` opens a tag, comment or declaration with what follows."""
    return text[position + 1 : position + 2] in _OPENING


def pieces(source: str) -> list[Piece]:
    """``source`` (raw HTML) as pieces covering it in order, opaque stretches merged."""
    return _merge(source, _tokens(source))


def attributes(tag_text: str, offset: int = 0) -> tuple[Attribute, ...] | None:
    """The attributes of the start tag ``tag_text`` (at ``offset`` in its source).

    Replays :meth:`HTMLParser.parse_starttag` with the parser's own patterns,
    so the attributes are exactly those the parser found, now with their
    places; None if ``tag_text`` is no start tag.
    """
    found = _TAG_NAME.match(tag_text, 1) if tag_text.startswith("<") else None
    if found is None:
        return None
    position, stop = found.end(), len(tag_text)
    located: list[Attribute] = []
    while position < stop:
        match = _ATTRIBUTE.match(tag_text, position)
        if not match:
            break
        name, rest, written = match.group(1, 2, 3)
        if not rest:
            start = end = offset + match.end(1)
            located.append(Attribute(name.lower(), None, start, end))
        else:
            inner = written[1:-1] if written[:1] in ("'", '"') else written
            start, end = offset + match.start(3), offset + match.end(3)
            located.append(Attribute(name.lower(), unescape(inner), start, end))
        position = match.end()
    return tuple(located)


@dataclass(frozen=True, slots=True)
class _Event:
    """One parser callback: what it saw and where it started."""

    kind: PieceKind
    start: int
    end: int | None = None
    """Known end (tags, text, references); None: up to the next event (comments,
    declarations: the parser skips nothing after them)."""
    tag: str = ""
    self_closing: bool = False
    attributes: tuple[Attribute, ...] = ()


class _Recorder(HTMLParser):
    """Records every callback with its offset; references stay as written."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        # getpos() counts "\n" only; its column is the offset after the last one.
        self.newlines = [0, *(i + 1 for i, char in enumerate(source) if char == "\n")]
        self.events: list[_Event] = []

    def _here(self) -> int:
        line, column = self.getpos()
        return self.newlines[line - 1] + column

    def _tag(self, tag: str, names: list[tuple[str, str | None]], closing: bool) -> None:
        start = self._here()
        text = self.get_starttag_text() or ""
        located = attributes(text, start)
        if located is None or [a.name for a in located] != [name for name, _ in names]:
            self.events.append(_Event("junk", start, start + len(text)))
            return
        self.events.append(_Event("start", start, start + len(text), tag, closing, located))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, True)

    def handle_endtag(self, tag: str) -> None:
        start = self._here()  # the parser's end tag runs to the first ">"
        self.events.append(_Event("end", start, self.source.find(">", start) + 1, tag))

    def handle_data(self, data: str) -> None:
        start = self._here()
        end = start + len(data)
        self.events.append(_Event(_data_kind(self.source, start, end), start, end))

    def handle_entityref(self, name: str) -> None:
        self._reference(1 + len(name))

    def handle_charref(self, name: str) -> None:
        self._reference(2 + len(name))

    def _reference(self, length: int) -> None:
        """``&name`` or ``&#123``, with its ``;`` when written."""
        start = self._here()
        end = start + length + (self.source.startswith(";", start + length))
        self.events.append(_Event("text", start, end))

    def handle_comment(self, data: str) -> None:
        self.events.append(_Event("markup", self._here()))

    def handle_decl(self, decl: str) -> None:
        self.events.append(_Event("markup", self._here()))

    def handle_pi(self, data: str) -> None:
        self.events.append(_Event("markup", self._here()))

    def unknown_decl(self, data: str) -> None:
        self.events.append(_Event("markup", self._here()))


def _data_kind(source: str, start: int, end: int) -> PieceKind:
    """Text, unless the parser handed over as text something that opens like markup
    (an unclosed ``<a href="…``, a ``</>``): a browser would not read it as text."""
    if not source.startswith("<", start):
        return "text"
    return "junk" if end - start > 1 or opens_markup(source, start) else "text"


def _tokens(source: str) -> list[Piece]:
    """The parser's events as pieces; bytes no event claimed (a skipped ``</>``, the
    ``&`` of a reference cut by the end, an unclosed ``<script>``'s content) become
    pieces of their own."""
    recorder = _Recorder(source)
    recorder.feed(source)
    recorder.close()
    events = recorder.events
    found: list[Piece] = []
    done = 0
    for index, event in enumerate(events):
        if event.start > done:
            found.append(_gap(source, done, event.start))
        following = events[index + 1].start if index + 1 < len(events) else len(source)
        end = following if event.end is None else min(max(event.end, event.start), following)
        found.append(
            Piece(event.kind, event.start, end, event.tag, event.self_closing, event.attributes)
        )
        done = end
    if done < len(source):
        found.append(_gap(source, done, len(source)))
    return found


def _gap(source: str, start: int, end: int) -> Piece:
    return Piece(_data_kind(source, start, end), start, end)


def _merge(source: str, tokens: list[Piece]) -> list[Piece]:
    """Merge each opaque element and each comment-like stretch into one piece."""
    merged: list[Piece] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "start" and token.tag in RAW_TEXT_ELEMENTS:
            end = max(_raw_text_end(source, token), _parser_end(tokens, index))
            kind: PieceKind = "opaque"
        elif token.kind == "start" and token.tag in NESTED_OPAQUE_ELEMENTS:
            if token.self_closing and token.tag in FOREIGN_ELEMENTS:
                merged.append(token)
                index += 1
                continue
            end, kind = _nested_end(tokens, index), "opaque"
        elif token.kind in ("markup", "junk") and source.startswith(("<!", "<?"), token.start):
            end, kind = max(token.end, _bogus_end(source, token.start)), "markup"
        else:
            merged.append(token)
            index += 1
            continue
        index += 1
        while index < len(tokens) and tokens[index].start < end:
            inside = tokens[index]
            if inside.kind == "text" and inside.end > end:  # text goes on after the piece
                tokens[index] = Piece(_data_kind(source, end, inside.end), end, inside.end)
                break
            end = max(end, inside.end)
            index += 1
        merged.append(Piece(kind, token.start, end, token.tag, False, token.attributes))
    return merged


def _raw_text_end(source: str, start_tag: Piece) -> int:
    """Where a browser ends the raw-text element opened by ``start_tag``."""
    if start_tag.tag == "plaintext":
        return len(source)
    lowered, closing = source.lower(), "</" + start_tag.tag
    position = lowered.find(closing, start_tag.end)
    while position >= 0:
        after = position + len(closing)
        if after < len(source) and source[after] in _SPACE + ">":
            close = source.find(">", after)
            return len(source) if close < 0 else close + 1
        position = lowered.find(closing, after)
    return len(source)


def _parser_end(tokens: list[Piece], index: int) -> int:
    """Where the parser ended the element opened at ``tokens[index]`` (its first end tag)."""
    tag = tokens[index].tag
    for token in tokens[index + 1 :]:
        if token.kind == "end" and token.tag == tag:
            return token.end
    return tokens[-1].end


def _nested_end(tokens: list[Piece], index: int) -> int:
    """End of the element opened at ``tokens[index]``, counting nested ones of its name."""
    tag, depth = tokens[index].tag, 1
    for token in tokens[index + 1 :]:
        if token.tag != tag:
            continue
        if token.kind == "start" and not (token.self_closing and tag in FOREIGN_ELEMENTS):
            depth += 1
        elif token.kind == "end":
            depth -= 1
            if depth == 0:
                return token.end
    return tokens[-1].end


def _bogus_end(source: str, start: int) -> int:
    """Where a browser ends the comment, declaration or bogus comment opened at ``start``."""
    if source.startswith("<!--", start):
        body = start + 4
        if source.startswith(">", body):
            return body + 1
        if source.startswith("->", body):
            return body + 2
        ends = [
            found + len(mark) for mark in ("-->", "--!>") if (found := source.find(mark, body)) >= 0
        ]
        return min(ends) if ends else len(source)
    close = source.find(">", start + 2)
    return len(source) if close < 0 else close + 1
