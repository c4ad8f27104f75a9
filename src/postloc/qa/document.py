"""The whole localized post against its source: what only shows up once segments are assembled.

Each entry is checked on its own by :mod:`postloc.qa.rules`, but Markdown is read in context:
a reference definition in one msgstr (``[x]: javascript:alert(1)``) turns another msgstr's
``[clic][x]`` into a link, and an alt text ``x](https://evil.example/p.gif) ![y`` closes its
image and opens another. So the exported document is parsed as a whole, with the same
link-keeping parser as the entry checks (:func:`postloc.qa.text.document_tokens`), and compared
with the source post: the same link and image targets (a multiset), the same site tags
(shortcodes, Liquid, attribute lists; translated parameter values aside), no reference
definition, raw HTML or block structure the source lacks, and front matter that reads back.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from postloc.config import DEFAULT_RULES, Extraction
from postloc.errors import PostlocError
from postloc.markdown.htmlblock import same_html_markup
from postloc.markdown.parse import parse_post
from postloc.qa.text import document_tokens, site_tags

if TYPE_CHECKING:
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


@lru_cache(maxsize=64)
def body_shape(body: str, rules: Extraction = DEFAULT_RULES) -> Shape:
    """The :class:`Shape` of a Markdown body (the few last kept: languages whose exports are
    the same text, all falling back or pseudo-localized, are parsed once)."""
    tokens, references = document_tokens(body)
    targets: Counter[str] = Counter()
    html: Counter[str] = Counter()
    blocks: list[str] = []
    html_blocks: list[str] = []
    every: list[Token] = []
    for token in tokens:
        if token.type == "html_block":
            html_blocks.append(token.content)
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


source_shape = lru_cache(maxsize=4096)(body_shape.__wrapped__)
""":func:`body_shape` for source bodies, kept: each is compared with every language's export,
and an export runs language by language over all posts (4,096 posts at a few kB each)."""


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
    return compare_bodies(source_body, localized.text[localized.body_start :], rules)


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
