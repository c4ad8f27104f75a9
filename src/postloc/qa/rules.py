"""The checks themselves: plain functions in :data:`CHECKS`, each comparing one pair.

A check takes a :class:`Pair` (source and translation, parsed by :mod:`postloc.qa.text`)
and returns a list of :class:`Finding`; adding a check is adding a function to the list.
Running them over entries and catalogues, and the :class:`~postloc.qa.checks.Issue` reports, is
the job of :mod:`postloc.qa.checks`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from postloc.config import DEFAULT_RULES, Extraction
from postloc.markdown.htmlblock import HTML_ATTRIBUTE_KIND, HTML_KIND, same_html_markup
from postloc.markdown.titles import ADMONITION_TITLE_KIND, LINK_TITLE_KIND
from postloc.po.state import DAMAGED_FLAG
from postloc.qa.text import (
    ParsedText,
    final_punctuation,
    links,
    numbers,
    prose,
    raw_html,
    site_tags,
    unsafe_urls,
)

Severity = Literal["error", "warning"]


class Finding(NamedTuple):
    """What a check reports about one entry: ``(check, severity, message)``.

    A NamedTuple rather than a dataclass so callers may unpack it as the plain
    triple the CLI contract describes.
    """

    check: str
    severity: Severity
    message: str


@dataclass(frozen=True, slots=True)
class Pair:
    """A source segment and its translation, the input of every check."""

    source: ParsedText
    target: ParsedText
    kind: str
    """Segment kind from the ``#. type:`` comment (``heading``, ``paragraph``, …)."""
    lang: str
    source_lang: str
    flags: frozenset[str]
    rules: Extraction = field(default=DEFAULT_RULES)
    """Which site-tag parameter values are translated (the configuration's ``extraction``)."""


Check = Callable[[Pair], list[Finding]]

SINGLE_LINE_KINDS = frozenset(
    {
        "title",
        "heading",
        "table-cell",
        "alt-text",
        LINK_TITLE_KIND,
        ADMONITION_TITLE_KIND,
        "shortcode-param",
        "html",
        "html-attribute",
    }
)
HTML_KINDS = frozenset({HTML_KIND, HTML_ATTRIBUTE_KIND})
"""Kinds whose text is HTML from a raw HTML block, not Markdown."""
TITLE_KINDS = frozenset({"title", "heading", "front-matter:title"})
_MARKUP_NAMES = {
    "em_open": "emphasis",
    "strong_open": "strong",
    "s_open": "strikethrough",
    "link_open": "link",
    "image": "image",
}


def _describe(counter: Counter[str]) -> str:
    return ", ".join(repr(k) if n == 1 else f"{k!r}×{n}" for k, n in sorted(counter.items()))


def _counter_diff(
    check: str, what: str, source: Counter[str], target: Counter[str]
) -> list[Finding]:
    """One error naming what the translation lost and gained, or nothing."""
    missing, extra = source - target, target - source
    parts = [f"missing {_describe(missing)}"] * bool(missing)
    parts += [f"unexpected {_describe(extra)}"] * bool(extra)
    return [Finding(check, "error", f"{what} differ: " + "; ".join(parts))] if parts else []


def check_damaged(pair: Pair) -> list[Finding]:
    """The translate step flagged this draft: the engine broke its markup."""
    if DAMAGED_FLAG not in pair.flags:
        return []
    message = "an engine damaged the markup here; fix it (a reviewed entry drops the note)"
    return [Finding("markup-damaged", "error", message)]


def check_empty(pair: Pair) -> list[Finding]:
    """A whitespace-only translation would publish a blank segment."""
    if pair.source.raw.strip() and not pair.target.raw.strip():
        return [Finding("empty", "error", "the translation is blank but the source is not")]
    return []


def check_inline_code(pair: Pair) -> list[Finding]:
    """Inline code is never translated: the same spans, in any order."""

    def spans(text: ParsedText) -> Counter[str]:
        return Counter(t.content for t in text.inline if t.type == "code_inline")

    return _counter_diff("inline-code", "inline code spans", spans(pair.source), spans(pair.target))


def check_site_tags(pair: Pair) -> list[Finding]:
    """Shortcodes, Liquid tags, attribute lists and heading ids are the generator's, never
    translated: the same tags (in any order), only their reader-visible values changed."""
    source = site_tags(pair.source.inline, pair.rules)
    target = site_tags(pair.target.inline, pair.rules)
    return _counter_diff("site-tags", "site tags", source, target)


def check_link_targets(pair: Pair) -> list[Finding]:
    """Link and image targets must survive translation (only their text is translated)."""
    return _counter_diff("link-targets", "link targets", links(pair.source), links(pair.target))


def check_markup(pair: Pair) -> list[Finding]:
    """Emphasis, strong, strikethrough, links and images: same counts as the source.

    An unbalanced ``**`` is not a ``strong_open`` token for markdown-it, so a
    broken pair shows up here as a count mismatch. Text from raw HTML blocks is
    HTML, not Markdown: :func:`check_html_markup` reads it instead.
    """
    if pair.kind in HTML_KINDS:
        return []

    def counts(text: ParsedText) -> Counter[str]:
        return Counter(t.type for t in text.inline if t.type in _MARKUP_NAMES)

    source, target = counts(pair.source), counts(pair.target)
    diffs = [
        f"{name} {source[kind]}→{target[kind]}"
        for kind, name in _MARKUP_NAMES.items()
        if source[kind] != target[kind]
    ]
    message = "markup differs from the source: " + ", ".join(diffs)
    return [Finding("markup", "error", message)] if diffs else []


def check_raw_html(pair: Pair) -> list[Finding]:
    """Raw HTML the source does not have would pass straight into the published page."""
    if pair.kind in HTML_KINDS:
        return []  # check_html_markup; an attribute's translation is escaped on export
    extra = raw_html(pair.target) - raw_html(pair.source)
    message = f"raw HTML not in the source: {_describe(extra)}"
    return [Finding("raw-html", "error", message)] if extra else []


def check_html_markup(pair: Pair) -> list[Finding]:
    """Text from a raw HTML block keeps its tags byte for byte (``alt``/``title`` values
    aside): a translation adding ``<script>``, an ``onerror=`` or another ``href`` is
    refused by export too (:func:`~postloc.markdown.htmlblock.html_block_text`)."""
    if pair.kind != HTML_KIND:
        return []
    problems = same_html_markup(pair.source.raw, pair.target.raw)
    message = "HTML differs from the source: " + "; ".join(problems)
    return [Finding("html-markup", "error", message)] if problems else []


def check_unsafe_urls(pair: Pair) -> list[Finding]:
    """``javascript:``/``data:``/``vbscript:`` URLs are script injection in a web page."""
    extra = unsafe_urls(pair.target) - unsafe_urls(pair.source)
    message = f"unsafe URL not in the source: {_describe(extra)}"
    return [Finding("unsafe-url", "error", message)] if extra else []


def check_numbers(pair: Pair) -> list[Finding]:
    """Every number of the source appears in the translation, in either locale's format."""
    wanted = numbers(prose(pair.source), [pair.source_lang], plain=False)
    if not wanted:
        return []
    present = numbers(prose(pair.target), [pair.lang, pair.source_lang], plain=True)
    missing = [written for value, written in wanted.items() if value not in present]
    message = "numbers missing from the translation: " + ", ".join(missing)
    return [Finding("numbers", "error", message)] if missing else []


def check_whitespace(pair: Pair) -> list[Finding]:
    """Leading/trailing whitespace usually matters to the surrounding Markdown."""
    src, tgt = pair.source.raw, pair.target.raw
    found = [
        where
        for where, a, b in (("leading", src[:1], tgt[:1]), ("trailing", src[-1:], tgt[-1:]))
        if a.isspace() != b.isspace()
    ]
    message = " and ".join(found) + " whitespace differs from the source"
    return [Finding("whitespace", "warning", message)] if found else []


def check_punctuation(pair: Pair) -> list[Finding]:
    """Final punctuation should match (French spacing before ``?!:`` and ``…`` tolerated)."""
    source, target = (
        final_punctuation(pair.source.raw) or "none",
        final_punctuation(pair.target.raw) or "none",
    )
    message = f"final punctuation differs: source {source}, translation {target}"
    return [Finding("punctuation", "warning", message)] if source != target else []


def check_untranslated_title(pair: Pair) -> list[Finding]:
    """A heading or title left in the source language is probably an oversight.

    Only texts with at least two words of letters count: ``Python 3.12`` or
    ``Introduction`` are often the same in both languages.
    """
    if pair.kind not in TITLE_KINDS or pair.source.raw.strip() != pair.target.raw.strip():
        return []
    words = [w for w in re.findall(r"[^\W\d_]{2,}", pair.source.raw)]
    if len(words) < 2:
        return []
    return [Finding("untranslated", "warning", f"{pair.kind} is identical to the source text")]


def check_newline(pair: Pair) -> list[Finding]:
    """A newline in a title, heading, cell or alt text breaks the exported Markdown."""
    single = pair.kind in SINGLE_LINE_KINDS or pair.kind.startswith("front-matter:")
    if single and "\n" in pair.target.raw and "\n" not in pair.source.raw:
        return [Finding("newline", "error", f"a {pair.kind} must stay on one line")]
    return []


CHECKS: list[Check] = [
    check_damaged,
    check_empty,
    check_raw_html,
    check_html_markup,
    check_unsafe_urls,
    check_inline_code,
    check_site_tags,
    check_link_targets,
    check_markup,
    check_numbers,
    check_newline,
    check_whitespace,
    check_punctuation,
    check_untranslated_title,
]
"""Every check, in reporting order; add a function here to add a check."""

BLANK_CHECKS = (check_damaged, check_empty)
"""The only checks that make sense when the translation is blank."""
