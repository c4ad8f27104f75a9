"""Post → segments: what a translator sees, and exactly which source bytes each one replaces.

markdown-it gives block structure and line ranges; character offsets are
computed here against ``Post.text`` itself (markdown-it normalises CRLF and
NUL, and drops container prefixes), so export can splice translations into
the original file and keep every other byte.

Line breaks inside a block: :func:`~postloc.markdown.parse.locating_parser` records
which newline of a block's inline source is a soft break, a hard break, inside a site
tag (kept as written) or none of these (inside a code span, HTML, a link title), so the
msgid treats each exactly as the renderer does.

Site tags (:mod:`postloc.markdown.sitesyntax`) stay in their block's msgid as written; a
line made only of tags is no segment, but each reader-visible parameter value in it is
(``shortcode-param``). A segment without a word (:func:`~postloc.markdown.words.has_word`)
is not extracted at all.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from postloc.config import DEFAULT_RULES, Extraction
from postloc.errors import BadPost
from postloc.markdown import extensions, frontmatter, regions
from postloc.markdown.cells import cell_spans
from postloc.markdown.extensions import CONTAINER_CLOSE, CONTAINER_OPEN, parse_env
from postloc.markdown.htmlblock import html_lines_segments
from postloc.markdown.joining import kept_newlines
from postloc.markdown.lines import LineTable
from postloc.markdown.model import Post, Segment
from postloc.markdown.parse import BLOCK_STARTS_KEY, BREAKS_KEY, locating_parser
from postloc.markdown.sitesyntax.params import translatable_spans
from postloc.markdown.sitesyntax.plugin import BLOCK_TAG
from postloc.markdown.titles import (
    ADMONITION_TITLE_KIND,
    DEFINITION_TITLES_KEY,
    LINK_TITLE_KIND,
    admonition_title,
    container_title,
    inline_title,
)
from postloc.markdown.words import has_word

_CONTAINER_KINDS: Final = {
    "list_item_open": "list-item",
    "blockquote_open": "blockquote",
    "footnote_reference_open": "footnote",
    "dd_open": "definition",
    CONTAINER_OPEN: "",
    "admonition_open": "",
}
"""Block containers: opening token → the kind of a paragraph directly inside (``""``: the
container does not name its paragraphs, the one around it does)."""
_CONTAINER_ENDS: Final = frozenset(
    {
        "list_item_close",
        "blockquote_close",
        "footnote_reference_close",
        "dd_close",
        CONTAINER_CLOSE,
        "admonition_close",
    }
)


def _paragraph_kind(containers: Sequence[str]) -> str:
    """A paragraph's kind: that of its innermost naming container, else ``paragraph``."""
    for kind in reversed(containers):
        if kind:
            return kind
    return "paragraph"


@dataclass(frozen=True, slots=True)
class _Piece:
    """One line of a block's inline source, located in ``Post.text``."""

    start: int
    """Offset in ``Post.text`` of the line's first content character."""
    end: int
    """End of the line's content (before trailing whitespace on the last line)."""
    cstart: int
    """Offset in the inline source (token content) of the same character."""


def segment_post(post: Post, rules: Extraction | Sequence[str] = DEFAULT_RULES) -> list[Segment]:
    """Every translatable occurrence in ``post``, front matter first, in document order.

    ``rules`` say what is translated (a bare sequence: the front-matter fields, the rest
    default).
    """
    if not isinstance(rules, Extraction):
        rules = Extraction(front_matter_fields=tuple(rules))
    lines = LineTable(post.text)
    found = frontmatter.segments(post, lines, rules.front_matter_fields)
    env = parse_env(rules.markdown_extensions, source_order=True)
    env[DEFINITION_TITLES_KEY] = []
    tokens = locating_parser().parse(post.body, env)
    first_line = lines.number(post.body_start) - 1
    walker = _BodyWalker(post, lines, first_line, env, rules)
    found.extend(segment for segment in walker.walk(tokens) if has_word(segment.text))
    return found


class _BodyWalker:
    """Walks markdown-it's token stream and turns blocks into located segments."""

    def __init__(
        self,
        post: Post,
        lines: LineTable,
        first_line: int,
        env: dict[str, Any],
        rules: Extraction = DEFAULT_RULES,
    ) -> None:
        self.post = post
        self.rules = rules
        self.lines = lines
        self.first_line = first_line
        self.env = env
        self.breaks: dict[str, dict[int, str]] = env.get(BREAKS_KEY, {})
        self.block_starts: dict[int, int] = env.get(BLOCK_STARTS_KEY, {})
        self.normalised_starts = [0]  # line starts in markdown-it's normalised body
        for index in range(first_line, len(lines.starts)):
            self.normalised_starts.append(
                self.normalised_starts[-1] + len(lines.content(index)) + 1
            )

    def _start_column(self, body_line: int) -> int:
        """Column where markdown-it saw the block on ``body_line`` start (0 if unknown)."""
        offset = self.block_starts.get(body_line)
        return 0 if offset is None else offset - self.normalised_starts[body_line]

    def walk(self, tokens: Sequence[Token]) -> list[Segment]:
        """Every segment of the body, in document order (the tokens must be in source order:
        :func:`~postloc.markdown.extensions.parse_env` with ``source_order``), none from an
        excluded region (:mod:`postloc.markdown.regions`)."""
        found: list[Segment] = []
        containers: list[str] = []
        translating = True
        off: list[int] = []  # body lines where excluded regions start and end, in turn
        for index, token in enumerate(tokens):
            kind = token.type
            block: list[Segment] = []
            if kind in _CONTAINER_KINDS:
                containers.append(_CONTAINER_KINDS[kind])
                block = self._block_title(token)
            elif kind in _CONTAINER_ENDS:
                containers.pop()
            elif kind == "heading_open":
                block = self._heading(token, tokens[index + 1])
            elif kind == "paragraph_open":
                block = self._paragraph(token, tokens[index + 1], _paragraph_kind(containers))
                if index and tokens[index - 1].type == "list_item_open" and block:
                    block = self._without_task_box(block)
            elif kind == "dt_open":
                block = self._term(tokens[index + 1])
            elif kind == "tr_open":
                block = self._row(token, tokens, index)
            elif kind == BLOCK_TAG:
                block = self._tag_params(token)
            elif kind == "html_block":
                switched = regions.switch(token.content)
                if switched is None:
                    block = self._html_block(token)
                else:
                    if switched != translating and token.map is not None:
                        off.append(token.map[1] if translating else token.map[0])
                    translating = switched
            if translating:
                found.extend(block)
        titles = self._definition_titles(off)
        if titles:
            found = sorted([*found, *titles], key=lambda segment: segment.start)
        return found

    def _definition_titles(self, off: Sequence[int]) -> list[Segment]:
        """The titles of the post's reference definitions (``[x]: /url "Titre"``), none from
        an excluded region (``off``: the body lines where each starts and ends, in turn)."""
        found: list[Segment] = []
        text = self.post.text
        for title in self.env.get(DEFINITION_TITLES_KEY, ()):
            pieces = [(self._offset(start), self._offset(end)) for start, end in title.pieces]
            body_line = bisect.bisect_right(self.normalised_starts, title.pieces[0][0]) - 1
            if bisect.bisect_right(off, body_line) % 2:
                continue
            msgid = " ".join(text[start:end] for start, end in pieces)
            start, end = pieces[0][0], pieces[-1][1]
            found.append(Segment(msgid, LINK_TITLE_KIND, self.lines.number(start), start, end))
        return found

    def _offset(self, normalised: int) -> int:
        """Offset in ``Post.text`` of an offset in markdown-it's normalised body."""
        body_line = bisect.bisect_right(self.normalised_starts, normalised) - 1
        column = normalised - self.normalised_starts[body_line]
        return self.lines.start(self._line(body_line)) + column

    def _block_title(self, token: Token) -> list[Segment]:
        """The title on an admonition's or a container's first line (``!!! danger "Titre"``,
        ``::: warning Attention``): its name and markers stay as written."""
        if token.type == "admonition_open":
            span = admonition_title(token.info, token.content)
        elif token.type == CONTAINER_OPEN:
            span = container_title(token.info)
        else:
            return []
        if span is None or token.map is None:
            return []
        index = self._line(token.map[0])
        content = self.lines.content(index)
        head = token.markup + token.info
        if not content.endswith(head):
            return []
        start = self.lines.start(index) + len(content) - len(token.info) + span[0]
        end = start + span[1] - span[0]
        text = self.post.text[start:end]
        return [Segment(text, ADMONITION_TITLE_KIND, index + 1, start, end)]

    def _term(self, inline: Token) -> list[Segment]:
        """A definition list's term: one line (markdown-it's map of it is empty)."""
        assert inline.map is not None
        line = inline.map[0]
        return self._block(inline, line, line + 1, "definition-term")

    def _without_task_box(self, block: list[Segment]) -> list[Segment]:
        """A task item's text without its box (``- [ ] texte``: the box is markup).

        The box ends where the segment's text resumes after the spaces following it, maybe
        on the next line (after the container prefix); a box whose text cannot be placed so
        is left in the segment.
        """
        segment = block[0]
        box = extensions.TASK_BOX.match(segment.text)
        if box is None or "task-lists" not in self.rules.markdown_extensions:
            return block
        rest = segment.text[box.end() :]
        text = self.post.text
        start = segment.start + 3  # past "[ ]"
        while start < segment.end and text[start] in " \t\r\n>":
            start += 1
        if not rest or not text.startswith(rest[0], start):
            return block
        return [replace(segment, text=rest, line=self.lines.number(start), start=start), *block[1:]]

    def _html_block(self, token: Token) -> list[Segment]:
        """Text a reader sees in a raw HTML block (:mod:`postloc.markdown.htmlblock`).

        Each line's HTML is what markdown-it kept of the file line once the
        container prefix was cut: its tail. A line that does not end the same
        way (a tab expanded in the prefix) leaves the block untranslated rather
        than guessed.
        """
        assert token.map is not None
        first = self._line(token.map[0])
        parts = token.content.split("\n")
        if parts and parts[-1] == "":
            parts.pop()
        spans: list[tuple[int, int]] = []
        for k, part in enumerate(parts):
            index = first + k
            if index >= len(self.lines.starts):
                return []
            line = self.lines.content(index)
            if not line.endswith(part):
                return []
            start = self.lines.start(index) + len(line) - len(part)
            spans.append((start, start + len(part)))
        return html_lines_segments(self.post.text, spans, self.lines)

    def _line(self, body_line: int) -> int:
        """0-based file line of markdown-it's body line."""
        return self.first_line + body_line

    def _heading(self, opening: Token, inline: Token) -> list[Segment]:
        assert opening.map is not None
        if not opening.markup.startswith("#"):  # setext: content lines above the underline
            first, last = opening.map
            return self._block(inline, first, last - 1, "heading")
        if not inline.content:
            return []
        index = self._line(opening.map[0])
        content = self.lines.content(index)
        hashes = content.index("#")
        after = hashes + len(content[hashes:]) - len(content[hashes:].lstrip("#"))
        column = content.find(inline.content, after)
        if column < 0 or content[after:column].strip():
            raise self._lost(index)
        start = self.lines.start(index) + column
        end = start + len(inline.content)
        text = self.post.text[start:end]
        return [Segment(text, "heading", index + 1, start, end)]

    def _paragraph(self, opening: Token, inline: Token, kind: str) -> list[Segment]:
        assert opening.map is not None
        first, last = opening.map
        children = inline.children or []
        if len(children) == 1 and children[0].type == "image":
            return self._alt_text(inline, first, last)
        return self._block(inline, first, last, kind)

    def _block(self, inline: Token, first: int, last: int, kind: str) -> list[Segment]:
        """A paragraph-like block spanning body lines ``first``..``last`` (exclusive)."""
        content = inline.content
        if not content.strip():
            return []
        pieces = self._locate(content, first, last)
        text = self._msgid(content, pieces)
        start, end = pieces[0].start, pieces[-1].end
        return [Segment(text, kind, self.lines.number(start), start, end)]

    def _locate(self, content: str, body_first: int, body_last: int) -> list[_Piece]:
        """Place each line of ``content`` (inline source) in ``Post.text``.

        Each content line is the tail of its file line once markdown-it has cut
        the container prefix and indentation; only the block's first and last
        lines were trimmed, which may drop a line made only of exotic spaces,
        hence the search over alignments (the recorded start column rules out
        a match inside the first line's container prefix).
        """
        first, last = self._line(body_first), self._line(body_last)
        minimum = self._start_column(body_first)
        parts = content.split("\n")
        spare = (last - first) - len(parts)
        for lead in range(max(spare, 0) + 1):
            pieces: list[_Piece] = []
            cstart = 0
            for k, part in enumerate(parts):
                index = first + lead + k
                line = self.lines.content(index)
                core = part.lstrip(" \t")
                if k < len(parts) - 1:
                    column = len(line) - len(core) if line.endswith(core) else -1
                else:
                    column = _tail_column(line, core)
                if column < 0 or (lead == 0 and k == 0 and column < minimum):
                    break
                start = self.lines.start(index) + column
                offset = cstart + len(part) - len(core)
                pieces.append(_Piece(start, start + len(core), offset))
                cstart += len(part) + 1
            else:
                return pieces
        raise self._lost(first)

    def _msgid(self, content: str, pieces: Sequence[_Piece]) -> str:
        """Join located lines, treating each newline as markdown-it did."""
        breaks = self.breaks.get(content, {})
        kept = kept_newlines(content)
        text = self.post.text
        out: list[str] = []
        for k, piece in enumerate(pieces):
            chunk = text[piece.start : piece.end]
            if k == len(pieces) - 1:
                out.append(chunk)
                break
            newline = pieces[k + 1].cstart
            while newline > 0 and content[newline - 1] != "\n":
                newline -= 1
            kind = breaks.get(newline - 1)
            if kind is None and (len(chunk) - len(chunk.rstrip("\\"))) % 2:
                kind = self._nested_break(content, newline - 1)
            if kind == "escape":
                out.append(chunk + "\n")
            elif kind == "tag" or newline - 1 in kept:
                # inside a site tag, or where a space would read differently
                # (:mod:`postloc.markdown.joining`): the line break and indentation as written
                out.append(chunk + "\n" + content[newline : pieces[k + 1].cstart])
            elif kind == "soft":
                out.append(chunk.rstrip(" ") + " ")
            elif kind == "hard":
                left = chunk.rstrip(" ")
                # A "\\" would escape the author's trailing backslash, or turn a closing
                # "*", "_", "~" into an opening one (punctuation follows): keep the spaces.
                keep = left.endswith(("\\", "*", "_", "~"))
                out.append(chunk + "\n" if keep else left + "\\\n")
            else:  # inside a code span, inline HTML, a link title: the newline renders
                # as a space and the next line's indentation is kept (it shows in code).
                out.append(chunk + " " + content[newline : pieces[k + 1].cstart])
        return "".join(out)

    def _nested_break(self, content: str, newline: int) -> str | None:
        """The break at ``content[newline]`` if an image label around it, parsed on its
        own by markdown-it, made one (only a backslash break matters: it must stay)."""
        for source, record in self.breaks.items():
            start = content.find(source) if source != content and "\n" in source else -1
            while start >= 0:
                if start <= newline < start + len(source) and newline - start in record:
                    return record[newline - start]
                start = content.find(source, start + 1)
        return None

    def _alt_text(self, inline: Token, first: int, last: int) -> list[Segment]:
        """The alt text of a paragraph made of one image, and its title (``link-title``),
        located in ``Post.text``."""
        content = inline.content
        state = StateInline(content, locating_parser(), self.env, [])
        label_end = state.md.helpers.parseLinkLabel(state, 1, False)
        if not content.startswith("![") or label_end < 0:
            raise self._lost(self._line(first))
        begin, stop = 2, label_end
        while begin < stop and content[begin].isspace():
            begin += 1
        while stop > begin and content[stop - 1].isspace():
            stop -= 1
        pieces = self._locate(content, first, last)
        found = [self._spanned(pieces, begin, stop, "alt-text")] if begin < stop else []
        title = inline_title(content[label_end:].rstrip())
        if title is not None and title[0] < title[1]:
            cut = (label_end + title[0], label_end + title[1])
            found.append(self._spanned(pieces, *cut, LINK_TITLE_KIND))
        return found

    def _spanned(self, pieces: Sequence[_Piece], begin: int, stop: int, kind: str) -> Segment:
        """The segment of inline source ``begin``..``stop``, its lines joined by a space."""
        start, end = _source_offset(pieces, begin), _source_offset(pieces, stop)
        text = " ".join(
            self.post.text[max(p.start, start) : min(p.end, end)]
            for p in pieces
            if p.end > start and p.start < end
        )
        return Segment(text, kind, self.lines.number(start), start, end)

    def _tag_params(self, token: Token) -> list[Segment]:
        """The reader-visible parameter values of a block made of site tags."""
        assert token.map is not None
        first, last = self._line(token.map[0]), self._line(token.map[1] - 1)
        start = self.post.text.find("{", self.lines.start(first))
        end = self.lines.start(last) + len(self.lines.content(last))
        text = self.post.text
        return [
            Segment(text[s:e], "shortcode-param", self.lines.number(s), s, e)
            for s, e in translatable_spans(text, start, end, self.rules.params_for)
        ]

    def _row(self, opening: Token, tokens: Sequence[Token], index: int) -> list[Segment]:
        """Non-empty cells of one table row, each located within its line."""
        assert opening.map is not None
        cells: list[str] = []
        for position in range(index + 1, len(tokens)):
            token = tokens[position]
            if token.type == "tr_close":
                break
            if token.type == "inline":
                cells.append(token.content)
        line_index = self._line(opening.map[0])
        spans = cell_spans(self.lines.content(line_index), cells)
        if spans is None:
            raise self._lost(line_index)
        base = self.lines.start(line_index)
        return [
            Segment(
                self.post.text[base + s : base + e],
                "table-cell",
                line_index + 1,
                base + s,
                base + e,
            )
            for (s, e), cell in zip(spans, cells, strict=True)
            if cell
        ]

    def _lost(self, index: int) -> BadPost:
        """A block markdown-it parsed but this module could not locate: a bug, reported plainly."""
        return BadPost(
            "cannot locate this Markdown block in the source (please report this post)",
            path=self.post.path,
            line=index + 1,
        )


def _tail_column(line: str, core: str) -> int:
    """Column where ``core`` ends ``line`` up to trailing whitespace; -1 if it does not."""
    column = line.rfind(core)
    while column >= 0:
        if not line[column + len(core) :].strip():
            return column
        column = line.rfind(core, 0, column + len(core) - 1) if core else -1
    return -1


def _source_offset(pieces: Sequence[_Piece], cindex: int) -> int:
    """Offset in ``Post.text`` of inline-source offset ``cindex`` (clamped to located text)."""
    for piece in reversed(pieces):
        if cindex >= piece.cstart:
            return min(piece.start + (cindex - piece.cstart), piece.end)
    return pieces[0].start
