"""Bytes → :class:`~postloc.markdown.model.Post`: decoding, size limit, front matter and slug.

Everything downstream works with offsets into ``Post.text``, so this module
also builds the variant of the dialect's parser that records the source
positions markdown-it's tokens leave out.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Final

from postloc.characters import describe, first_forbidden
from postloc.errors import BadFrontMatter, BadPost
from postloc.markdown import frontmatter
from postloc.markdown.dialect import new_parser
from postloc.markdown.lines import LINE_BREAK, line_number, line_starts, newline_of
from postloc.markdown.model import Post
from postloc.markdown.slug import file_identity

if TYPE_CHECKING:
    from collections.abc import Callable

    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_inline import StateInline

    InlineRule = Callable[[StateInline, bool], bool]
    BlockRule = Callable[[StateBlock, int, int, bool], bool]

MAX_POST_BYTES: Final = 10 * 1024 * 1024
"""Posts larger than this are refused: no blog post is, and parsing cost grows with size."""

_BOM: Final = "\ufeff"

BREAKS_KEY: Final = "postloc_breaks"
"""Key in the ``env`` of :func:`locating_parser`:
{inline source: {offset of a newline: "soft" | "hard" | "escape" | "tag"}} ("tag": a
newline inside a site tag, kept as written)."""

BLOCK_STARTS_KEY: Final = "postloc_block_starts"
"""Key in the ``env`` of :func:`locating_parser`: {body line of a paragraph or
setext heading: offset in the normalised body where its text starts}."""


@functools.cache
def locating_parser(every_inline: bool = False) -> MarkdownIt:
    """The dialect's parser, also recording what its tokens do not say.

    markdown-it keeps no offsets below the line: this variant notes in
    ``env`` which newlines became soft or hard breaks or sat inside a site tag
    (``BREAKS_KEY``; a newline absent there sat in a code span, HTML or a link title) and where
    each paragraph-like block's text starts after its container prefix
    (``BLOCK_STARTS_KEY``). Shared; parsing does not change it.

    Unless ``every_inline``, only the inline content the segmenter reads is
    parsed (see :func:`_needs_inline`): about half of markdown-it's time goes
    to inline parsing, and most blocks of a blog post are one line.
    """
    from markdown_it.rules_block.lheading import lheading
    from markdown_it.rules_block.paragraph import paragraph
    from markdown_it.rules_inline.escape import escape
    from markdown_it.rules_inline.newline import newline

    from postloc.markdown.sitesyntax.plugin import INLINE_TAG, inline_tag

    md = new_parser()
    md.inline.ruler.at("newline", _recording_breaks(newline, "hard", 0))
    md.inline.ruler.at("escape", _recording_breaks(escape, "escape", 1))
    md.inline.ruler.at(INLINE_TAG, _recording_tag_newlines(inline_tag))
    md.block.ruler.at("paragraph", _recording_start(paragraph))
    md.block.ruler.at("lheading", _recording_start(lheading))
    if not every_inline:
        md.core.ruler.at("inline", _inline_where_needed)
    return md


def _needs_inline(content: str) -> bool:
    """Whether the segmenter reads this inline content's tokens.

    It reads the breaks of a block over several lines and checks whether a
    paragraph is one image (its content then starts with ``![``); the text
    of a one-line block is its source as written.
    """
    return "\n" in content or content.startswith("![")


def _inline_where_needed(state: StateCore) -> None:
    """markdown-it's core ``inline`` rule, restricted to :func:`_needs_inline` content."""
    for token in state.tokens:
        if token.type == "inline" and _needs_inline(token.content):
            if token.children is None:
                token.children = []
            state.md.inline.parse(token.content, state.md, state.env, token.children)


def _recording_breaks(rule: InlineRule, kind: str, newline_at: int) -> InlineRule:
    """Wrap an inline rule so the breaks it emits are recorded by newline offset."""

    def wrapped(state: StateInline, silent: bool) -> bool:
        pos = state.pos
        before = len(state.tokens)
        matched = rule(state, silent)
        if matched and not silent:
            for token in state.tokens[before:]:
                if token.type in ("softbreak", "hardbreak"):
                    label = "soft" if token.type == "softbreak" else kind
                    record = state.env.setdefault(BREAKS_KEY, {}).setdefault(state.src, {})
                    record[pos + newline_at] = label
        return matched

    return wrapped


def _recording_tag_newlines(rule: InlineRule) -> InlineRule:
    """Wrap the site-tag rule so the newlines inside each tag are recorded as ``tag``."""

    def wrapped(state: StateInline, silent: bool) -> bool:
        pos = state.pos
        matched = rule(state, silent)
        if matched and not silent:
            newline = state.src.find("\n", pos, state.pos)
            if newline >= 0:
                record = state.env.setdefault(BREAKS_KEY, {}).setdefault(state.src, {})
                while newline >= 0:
                    record[newline] = "tag"
                    newline = state.src.find("\n", newline + 1, state.pos)
        return matched

    return wrapped


def _recording_start(rule: BlockRule) -> BlockRule:
    """Wrap a block rule so each block it opens records where its text starts."""

    def wrapped(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        matched = rule(state, start, end, silent)
        if matched and not silent:
            starts = state.env.setdefault(BLOCK_STARTS_KEY, {})
            starts[start] = state.bMarks[start] + state.tShift[start]
        return matched

    return wrapped


def parse_post(data: bytes | str, path: str, slug: str | None = None) -> Post:
    """Decode and split one post; raise BadPost/BadFrontMatter naming ``path`` on bad input.

    ``slug`` is the post's identity when the caller knows it (the project derives it from
    the file's place in ``posts_dir``); without it, :func:`~postloc.markdown.slug.file_identity`.

    Decoding is strict UTF-8 (a BOM is removed and remembered); CRLF and bare
    CR line endings are kept as they are in ``Post.text``. Control characters and
    lone surrogates (:mod:`postloc.characters`) are refused with their line, in the
    text and in the front matter's escaped values alike.
    """
    _check_name(path)
    text, bom = _decode(data, path)
    starts = line_starts(text)
    try:
        fences = frontmatter.locate(text)
    except BadFrontMatter as exc:
        raise BadFrontMatter(exc.message, path=path, line=exc.line) from None
    bad = first_forbidden(text)
    if bad is not None:
        in_front_matter = fences is not None and bad < fences.end
        error = BadFrontMatter if in_front_matter else BadPost
        raise error(describe(text[bad]), path=path, line=line_number(starts, bad))
    if fences is None:
        mapping: dict[str, object] = {}
        span = None
        body_start = 0
    else:
        mapping = frontmatter.load(text, fences, starts, path)
        span = (fences.start, fences.end)
        body_start = fences.body_start
    return Post(
        path=path,
        slug=file_identity(path) if slug is None else slug,
        text=text,
        bom=bom,
        front_matter=mapping,
        front_matter_span=span,
        front_matter_format="yaml" if fences is None else fences.format,
        body_start=body_start,
        body_line=line_number(starts, body_start),
        newline=newline_of(text),
    )


def _check_name(path: str) -> None:
    """Refuse a file name that cannot go on a PO reference line: a line break or control
    character would break the catalogue, a name that is not UTF-8 (``caf\\xe9.md``, read as
    a lone surrogate) could not be written at all."""
    if first_forbidden(path) is None and "\n" not in path and "\r" not in path:
        return
    try:  # the bytes the file system holds, as \\xe9
        name = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that came from no file system
        name = path
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in name)
    raise BadPost(
        "file name has a line break, a control character or bytes that are not UTF-8; "
        "rename the file",
        path=shown,
    )


def _decode(data: bytes | str, path: str) -> tuple[str, bool]:
    """Strict UTF-8 decoding with the size limit; returns (text without BOM, had BOM)."""
    if isinstance(data, str):
        if len(data) * 4 > MAX_POST_BYTES and len(data.encode("utf-8", "surrogatepass")) > (
            MAX_POST_BYTES
        ):
            raise _too_big(path)
        text = data
    else:
        if len(data) > MAX_POST_BYTES:
            raise _too_big(path)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = len(LINE_BREAK.findall(data[: exc.start].decode("utf-8"))) + 1
            bad = data[exc.start]
            raise BadPost(
                f"not valid UTF-8 (byte 0x{bad:02x} at offset {exc.start}); save the file as UTF-8",
                path=path,
                line=line,
            ) from None
    if text.startswith(_BOM):
        return text[1:], True
    return text, False


def _too_big(path: str) -> BadPost:
    megabytes = MAX_POST_BYTES // (1024 * 1024)
    return BadPost(f"post is larger than {megabytes} MB (the size limit)", path=path)
