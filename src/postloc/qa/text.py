"""A segment as the checks see it: parsed once, and read for links, HTML, numbers, punctuation.

The checks in :mod:`postloc.qa.rules` compare what a renderer would see in the source and the
translation. Everything that turns a segment into comparable facts (markdown-it tokens, link
targets, raw HTML, unsafe URLs, numbers read with each locale's conventions, sentence-final
punctuation) lives here, so the checks themselves stay one comparison each.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from postloc.config import DEFAULT_RULES, Extraction
from postloc.markdown.sitesyntax.params import masked
from postloc.markdown.sitesyntax.plugin import BLOCK_TAG, CODE, INLINE_TAG
from postloc.markdown.sitesyntax.scan import scan_tags

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@dataclass(frozen=True, slots=True)
class ParsedText:
    """A Markdown segment with its inline tokens, parsed once for every check."""

    raw: str
    """The segment exactly as in the catalogue."""
    inline: tuple[Token, ...]
    """Flattened inline tokens (children of images included), links not validated."""
    blocks: tuple[Token, ...]
    """Block-level tokens, to see raw HTML blocks a renderer would pass through."""


UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
_SPACES = " \u00a0\u202f\u2009"
_CLOSERS = "\"'»”’)]*_`" + _SPACES
_FINAL_PUNCT = ".!?:;…"


@lru_cache(maxsize=1)
def link_keeping_parser() -> MarkdownIt:
    """The dialect's parser with every link kept as written (raw HTML recognised, as always).

    ``validateLink`` is disabled on purpose: the check must *see* a
    ``javascript:`` target that a less careful renderer (Hugo, Jekyll) would emit.
    """
    from markdown_it import MarkdownIt

    from postloc.markdown.dialect import new_parser

    class SeeEveryLink(MarkdownIt):
        def validateLink(self, url: str) -> bool:
            return True

        def normalizeLink(self, url: str) -> str:
            return url

    return new_parser(kind=SeeEveryLink)


def _flatten(tokens: Iterable[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _flatten(token.children)


def parse_text(raw: str) -> ParsedText:
    """Parse a segment for the checks (inline tokens and block tokens)."""
    md = link_keeping_parser()
    inline = tuple(_flatten(md.parseInline(raw))) if raw else ()
    blocks = tuple(md.parse(raw)) if raw else ()
    return ParsedText(raw, inline, blocks)


def document_tokens(body: str) -> tuple[list[Token], dict[str, dict[str, str]]]:
    """A whole Markdown body's block tokens and its link reference definitions (label → its
    ``href`` and ``title``), read by the same link-keeping parser as the segment checks."""
    env: dict[str, dict[str, dict[str, str]]] = {}
    tokens = link_keeping_parser().parse(body, env)
    return tokens, dict(env.get("references", {}))


def links(text: ParsedText) -> Counter[str]:
    """Link and image targets, as written, with how often each occurs."""
    targets: Counter[str] = Counter()
    for token in text.inline:
        if token.type == "link_open":
            targets[str(token.attrs.get("href", ""))] += 1
        elif token.type == "image":
            targets[str(token.attrs.get("src", ""))] += 1
    return targets


def raw_html(text: ParsedText) -> Counter[str]:
    """Inline HTML and HTML blocks, stripped, with how often each occurs."""
    found: Counter[str] = Counter()
    for token in text.inline:
        if token.type == "html_inline":
            found[token.content.strip()] += 1
    for token in text.blocks:
        if token.type == "html_block":
            found[token.content.strip()] += 1
    return found


def site_tags(tokens: Iterable[Token], rules: Extraction = DEFAULT_RULES) -> Counter[str]:
    """Site tags (shortcodes, Liquid, attribute lists, heading ids) among ``tokens``, with how
    often each occurs; translated parameter values masked, code between tag pairs whole, and
    the tags of link and image targets (``[x]({{< ref "a.md" >}})``) too."""
    found: Counter[str] = Counter()
    for token in tokens:
        if token.type in (INLINE_TAG, BLOCK_TAG):
            found[masked(token.content, rules.params_for)] += 1
        elif token.type == CODE:
            found[token.markup + token.content] += 1
        elif token.type in ("link_open", "image"):
            target = str(token.attrs.get("href" if token.type == "link_open" else "src", ""))
            if "{" in target:
                found.update(target[tag.start : tag.end] for tag in scan_tags(target))
    return found


def prose(text: ParsedText) -> str:
    """Prose only (text tokens): numbers inside code or URLs are not the reader's."""
    return " ".join(t.content for t in text.inline if t.type == "text")


def _squash(url: str) -> str:
    """Normalise a URL the way browsers do before looking at its scheme."""
    url = html.unescape(url)
    return "".join(c for c in url if not c.isspace() and unicodedata.category(c)[0] != "C").lower()


def unsafe_urls(text: ParsedText) -> Counter[str]:
    """Link targets and HTML fragments that use a script-running URL scheme."""
    found: Counter[str] = Counter()
    for target, count in links(text).items():
        if _squash(target).startswith(UNSAFE_SCHEMES):
            found[target] += count
    for fragment, count in raw_html(text).items():
        squashed = _squash(fragment)
        if any(re.search(r"[=\"']" + re.escape(s), squashed) for s in UNSAFE_SCHEMES):
            found[fragment] += count
    return found


@cache
def _number_pattern(locale: str) -> re.Pattern[str]:
    """Numbers as ``locale`` writes them: grouped thousands and its decimal sign."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    group = get_group_symbol(locale)
    groups = _SPACES if group in _SPACES else group
    decimal = re.escape(get_decimal_symbol(locale))
    return re.compile(
        rf"(?<!\d)(?:\d{{1,3}}(?:[{re.escape(groups)}]\d{{3}})+|\d+)(?:{decimal}\d+)?(?!\d)"
    )


_PLAIN_NUMBER = re.compile(r"(?<!\d)\d+(?:\.\d+)?(?!\d)")


def numbers(prose: str, locales: Iterable[str], *, plain: bool) -> dict[Decimal, str]:
    """Numbers in ``prose`` read with each locale's conventions (and, if ``plain``, bare digits).

    Maps each value to the text as written, for messages.
    """
    from babel.numbers import NumberFormatError, get_group_symbol, parse_decimal

    values: dict[Decimal, str] = {}
    for locale in locales:
        group = get_group_symbol(locale)
        for match in _number_pattern(locale).finditer(prose):
            written = match.group()
            if group in _SPACES:
                written = re.sub(f"[{_SPACES}]", group, written)
            try:
                values.setdefault(parse_decimal(written, locale=locale), match.group())
            except NumberFormatError:
                continue
    if plain:
        for match in _PLAIN_NUMBER.finditer(prose):
            values.setdefault(Decimal(match.group()), match.group())
    return values


def final_punctuation(raw: str) -> str:
    """The sentence-final punctuation, ignoring closing quotes, brackets and emphasis."""
    text = raw.rstrip(_CLOSERS)
    text = text.replace("...", "…")
    return text[-1] if text and text[-1] in _FINAL_PUNCT else ""
