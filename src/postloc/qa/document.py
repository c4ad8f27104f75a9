"""The whole localized post against its source: what only shows up once segments are assembled.

Each entry is checked on its own by :mod:`postloc.qa.rules`, but Markdown is read in context:
a reference definition in one msgstr (``[x]: javascript:alert(1)``) turns another msgstr's
``[clic][x]`` into a link, and an alt text ``x](https://evil.example/p.gif) ![y`` closes its
image and opens another. So the exported document is parsed as a whole, with the same
link-keeping parser as the entry checks (:func:`postloc.qa.text.document_tokens`), and compared
with the source post: the same link and image targets (a multiset), the same site tags
(shortcodes, Liquid, attribute lists; translated parameter values aside), no reference
definition, raw HTML or block structure the source lacks, and front matter that reads back.

That parse is most of an export's cost, so it does only what can change the comparison:
every block is parsed, but the inline text of a block that cannot hold a link, an image, a
footnote reference, raw HTML or a site tag (:func:`inert_inline`) is not.
``tests/qa/test_document.py`` checks the result against
:func:`~postloc.qa.text.document_tokens` on generated posts and the CommonMark examples.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Final

from postloc.config import DEFAULT_RULES, Extraction
from postloc.errors import PostlocError
from postloc.markdown.htmlblock import same_html_markup
from postloc.markdown.parse import parse_post
from postloc.qa.text import site_tags

if TYPE_CHECKING:
    from collections.abc import Callable

    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

DOCUMENT_CHECK = "document"
"""The check name ``postloc check`` reports document-level errors under."""


@dataclass(frozen=True, slots=True)
class Shape:
    """What a Markdown body is made of, as a renderer that keeps every link would see it."""

    targets: Counter[str]
    """Link and image targets (reference links resolved), with how often each occurs."""
    definitions: frozenset[tuple[str, str]]
    """Link reference definitions: (normalised label, target)."""
    html: Counter[str]
    """Inline raw HTML, stripped."""
    html_blocks: tuple[str, ...]
    """Raw HTML blocks as written, in order: their text may be translated, their markup not
    (:func:`~postloc.markdown.htmlblock.same_html_markup`)."""
    blocks: tuple[str, ...]
    """Block token types in document order (``paragraph_open``, ``heading_close``…)."""
    tags: Counter[str]
    """Site tags, inline and on lines of their own, translated parameter values masked
    (:func:`postloc.qa.text.site_tags`)."""


def parse_shape(body: str, rules: Extraction = DEFAULT_RULES) -> Shape:
    """The :class:`Shape` of a Markdown body, parsed (:func:`body_shape` keeps them)."""
    env: dict[str, Any] = {}
    tokens = _shape_parser().parse(body, env)
    return tokens_shape(tokens, env.get("references", {}), rules)


def tokens_shape(
    tokens: Iterable[Token], references: Mapping[str, Mapping[str, str]], rules: Extraction
) -> Shape:
    """The :class:`Shape` of a body's block tokens (their inline children parsed) and its link
    reference definitions (label → ``href`` and ``title``)."""
    targets: Counter[str] = Counter()
    html: Counter[str] = Counter()
    blocks: list[str] = []
    html_blocks: list[str] = []
    every: list[Token] = []
    for token in tokens:
        if token.type == "html_block":
            html_blocks.append(token.content)
        if _titled_block(token.type):  # renderers show the title as inline Markdown
            html.update(tag.strip() for tag in _TITLE_HTML.findall(token.info))
        if token.type != "inline":
            blocks.append(token.type)
            every.append(token)
            continue
        for child in _flatten(token.children or []):
            every.append(child)
            if child.type == "link_open":
                targets[str(child.attrs.get("href", ""))] += 1
            elif child.type == "image":
                targets[str(child.attrs.get("src", ""))] += 1
            elif child.type == "html_inline":
                html[child.content.strip()] += 1
    definitions = frozenset((label, str(ref.get("href", ""))) for label, ref in references.items())
    return Shape(
        targets, definitions, html, tuple(html_blocks), tuple(blocks), site_tags(every, rules)
    )


_TITLE_HTML: Final = re.compile(r"<[^<>]*>")
"""Raw HTML tags in an admonition's or a container's first line (``::: warning <b>x</b>``)."""


def _titled_block(kind: str) -> bool:
    """An admonition or container opening, whose ``info`` holds the title a translator set."""
    return kind == "admonition_open" or (kind.startswith("container_") and kind.endswith("_open"))


_INLINE_MARKUP: Final = re.compile(r"[<{]|\[\^|\]\(|\]\[")
"""What starts raw HTML or an autolink (``<``), a site tag (``{``), a footnote reference
(``[^``), or ends the text of an inline link or a full or collapsed reference (``](``,
``][``): markdown-it's link rule needs one of these right after the ``]`` of its text."""


def inert_inline(content: str, references: Mapping[str, object]) -> bool:
    """Whether a block's inline ``content`` can hold nothing a :class:`Shape` counts.

    No ``<`` or ``{``, no footnote reference, and no ``]`` followed by ``(`` or ``[``
    (nor any ``]`` at all once the body defines a reference, since ``[label]`` alone is then
    a link when the label is defined) leave no rule that makes a link, an image, raw HTML or
    a site tag; what remains (text, emphasis, code spans, breaks, entities, escapes) is no
    part of the shape. Such a text is not parsed: pseudo-localized ``[texte ~~~]`` costs
    markdown-it a scan of the whole paragraph for the end of a link text that never comes.
    """
    if _INLINE_MARKUP.search(content) is not None:
        return False
    return not (references and "]" in content)


@cache
def _shape_parser() -> MarkdownIt:
    """The entry checks' link-keeping parser (:func:`postloc.qa.text.document_tokens`) for
    shapes: the inline text of a block is parsed only when it is not :func:`inert_inline`, a
    line that cannot open a reference definition is refused before markdown-it's rule scans
    it, and emphasis is text (:func:`_delimiter_run`)."""
    from postloc.markdown.dialect import new_parser
    from postloc.qa.text import link_keeping_parser

    md = new_parser(kind=type(link_keeping_parser()))
    md.inline.ruler.disable(_EMPHASIS)
    md.inline.ruler2.disable(_EMPHASIS)
    md.inline.ruler.after("text", "postloc_delimiter_run", _delimiter_run)
    md.core.ruler.at("inline", _inline_when_it_matters)
    rules = md.block.ruler
    reference = rules.__rules__[rules.__find__("reference")]
    rules.at("reference", _first_line_checked(reference.fn), {"alt": reference.alt})
    return md


_EMPHASIS: Final = ["emphasis", "strikethrough"]
"""The inline rules a shape does without: emphasis is no part of it."""
_RUN: Final = re.compile(r"([*_~])\1*")


def _delimiter_run(state: StateInline, silent: bool) -> bool:
    """A run of ``*``, ``_`` or ``~`` as text, in one step.

    The emphasis and strikethrough rules take the whole run too (a lone ``~`` is text to
    both), their tokens are no part of a :class:`Shape`, and no other rule starts at these
    characters, so every other token comes out as with them; without this rule markdown-it
    would try every rule at each character of a run (pseudo-localization pads with ``~``).
    """
    run = _RUN.match(state.src, state.pos, state.posMax)
    if run is None:
        return False
    if not silent:
        state.pending += run.group()
    state.pos = run.end()
    return True


_LABEL_END: Final = re.compile(r"[\[\]\\]")
"""What ends (or, for ``\\``, escapes into) the label of a reference definition."""


def _first_line_checked(rule: Callable[..., bool]) -> Callable[..., bool]:
    """markdown-it's reference-definition rule, refusing up front a line whose label ends on
    it without the ``]:`` a definition needs (as that rule decides; the rule scans a
    character at a time, and a pseudo-localized ``[texte ~~~]`` paragraph is all label)."""

    def checked(state: StateBlock, line: int, end: int, silent: bool) -> bool:
        start = state.bMarks[line] + state.tShift[line]
        stop = state.eMarks[line]
        if start < stop and state.src[start] == "[":
            found = _LABEL_END.search(state.src, start + 1, stop)
            if found and found.group() != "\\" and not state.src.startswith("]:", found.start()):
                return False
        return rule(state, line, end, silent)

    return checked


def _inline_when_it_matters(state: StateCore) -> None:
    """markdown-it's core ``inline`` rule, giving an inert text one ``text`` child (what the
    task-list rule after it reads) instead of parsing it."""
    from markdown_it.token import Token

    references = state.env.get("references", {})
    for token in state.tokens:
        if token.type != "inline":
            continue
        if token.children is None:
            token.children = []
        if inert_inline(token.content, references):
            token.children.append(Token("text", "", 0, content=token.content))
        else:
            state.md.inline.parse(token.content, state.md, state.env, token.children)


source_shape = lru_cache(maxsize=4096)(parse_shape)
""":func:`parse_shape` for source bodies, kept: each is compared with every language's export,
and an export runs language by language over all posts (4,096 posts at a few kB each)."""

_KEPT_SHAPES: Final = 2048
_shapes: OrderedDict[tuple[bytes, Extraction], Shape] = OrderedDict()


def body_shape(body: str, rules: Extraction = DEFAULT_RULES) -> Shape:
    """:func:`parse_shape` for exported bodies, the last 2,048 kept by digest (not the text):
    an export runs language by language over all posts, and languages whose bodies are the
    same text (pseudo-localized, or the same entries falling back) are then parsed once."""
    key = (hashlib.blake2b(body.encode("utf-8", "surrogatepass"), digest_size=16).digest(), rules)
    shape = _shapes.get(key)
    if shape is None:
        shape = _shapes[key] = parse_shape(body, rules)
        if len(_shapes) > _KEPT_SHAPES:
            _shapes.popitem(last=False)
    else:
        _shapes.move_to_end(key)
    return shape


def forget_shapes() -> None:
    """Drop every kept shape, so the next export parses as a fresh process would (benchmarks
    time a cold export this way, in one process)."""
    source_shape.cache_clear()
    _shapes.clear()


def _flatten(tokens: list[Token]) -> list[Token]:
    flat: list[Token] = []
    for token in tokens:
        flat.append(token)
        if token.children:
            flat.extend(_flatten(token.children))
    return flat


_MARKUP_ANYWHERE: Final = re.compile(r"[\[\]<`\\|{}\n\r\u2028\u2029]")
"""Characters that open or close markup wherever they stand: brackets (links, images,
definitions, footnotes), ``<`` (raw HTML, autolinks), backticks, backslash escapes, table
pipes, braces (site tags) and line breaks."""
_BLOCK_START: Final = re.compile(r"[#>\-+*=_~:!]|\d{1,9}[.)]")
"""What can make a line start a different block: heading, quote, list and break markers,
fences, setext underlines, definition-list colons, ordered-list numbers."""


def plain_text(text: str) -> bool:
    """Whether ``text`` reads as plain text wherever a segment stands in a post.

    Swapping a plain source segment for a plain translation cannot add or remove a link,
    an image, a reference definition, raw HTML, a site tag or a block, so the assembled
    document has the source's :class:`Shape` without being parsed (emphasis is not part of
    the shape).
    """
    return (
        bool(text)
        and text == text.strip()
        and _MARKUP_ANYWHERE.search(text) is None
        and _BLOCK_START.match(text) is None
    )


def check_document(
    source_body: str,
    exported: str,
    path: str,
    replaced: Iterable[tuple[str, str]] | None = None,
    rules: Extraction = DEFAULT_RULES,
) -> list[str]:
    """One line per way ``exported`` (a localized post, front matter included) departs from
    ``source_body`` (the body of the post it was made from); empty when it is safe to publish.

    The front matter must read back (YAML, postloc's strict reader); ``path`` names the
    export in that error. ``replaced`` lists the body's (source text, translation) pairs:
    when every one is :func:`plain_text`, the bodies have the same shape and are not parsed
    (the parse doubles an export's cost; ``tests/qa/test_document.py`` checks the shortcut
    against the full comparison on generated posts). ``rules`` say which site-tag parameter
    values are translated (the configuration's ``extraction``).
    """
    try:
        localized = parse_post(exported, path)
    except PostlocError as exc:
        return [f"the front matter does not read back: {exc}"]
    if replaced is not None and all(plain_text(a) and plain_text(b) for a, b in replaced):
        return []
    body = localized.text[localized.body_start :]
    if body == source_body:  # every body segment shown in the source language
        return []
    return compare_bodies(source_body, body, rules)


def compare_bodies(source: str, exported: str, rules: Extraction = DEFAULT_RULES) -> list[str]:
    """The :func:`check_document` of two bodies (no front matter)."""
    want, got = source_shape(source, rules), body_shape(exported, rules)
    problems: list[str] = []
    missing, extra = want.targets - got.targets, got.targets - want.targets
    if missing or extra:
        parts = [f"missing {_describe(missing)}"] * bool(missing)
        parts += [f"unexpected {_describe(extra)}"] * bool(extra)
        problems.append("link and image targets differ from the source: " + "; ".join(parts))
    new = sorted(got.definitions - want.definitions)
    if new:
        shown = ", ".join(f"[{label}]: {target}" for label, target in new)
        problems.append(f"link reference definition not in the source: {shown}")
    html = got.html - want.html
    if html:
        problems.append(f"raw HTML not in the source: {_describe(html)}")
    for source_block, exported_block in zip(want.html_blocks, got.html_blocks, strict=False):
        differences = same_html_markup(source_block, exported_block)
        if differences:
            problems.append("raw HTML block differs from the source: " + "; ".join(differences))
    missing, extra = want.tags - got.tags, got.tags - want.tags
    if missing or extra:
        parts = [f"missing {_describe(missing)}"] * bool(missing)
        parts += [f"unexpected {_describe(extra)}"] * bool(extra)
        problems.append("site tags differ from the source: " + "; ".join(parts))
    if got.blocks != want.blocks:
        problems.append(f"block structure differs from the source: {_first_difference(want, got)}")
    return problems


def _describe(counter: Counter[str]) -> str:
    return ", ".join(repr(k) if n == 1 else f"{k!r}×{n}" for k, n in sorted(counter.items()))


def _first_difference(want: Shape, got: Shape) -> str:
    for a, b in zip(want.blocks, got.blocks, strict=False):
        if a != b:
            return f"{b} where the source has {a}"
    return "more blocks" if len(got.blocks) > len(want.blocks) else "fewer blocks"
