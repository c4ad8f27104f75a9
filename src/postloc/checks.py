"""QA of translations: each check is a plain function in :data:`CHECKS` returning findings.

Checks read Markdown through markdown-it-py's own inline parser (never regexes
over Markdown), so "the same markup" means what a renderer would see. One run
reports every problem; the CLI decides the exit code from the severities.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any, Literal, NamedTuple

import polib

from .entrystate import DAMAGED_FLAG, damage_note, machine_note

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Issue:
    """One QA problem, located well enough for a reviewer to open the entry."""

    post: str
    """Post slug (the catalogue's stem)."""
    lang: str
    """Target language of the catalogue."""
    line: int
    """Source line of the entry's first reference (0 when it has none)."""
    check: str
    """Name of the check that fired, e.g. ``inline-code``."""
    severity: Severity
    """``error`` fails ``postloc check``; ``warning`` is only reported."""
    message: str
    """One line saying what differs between source and translation."""


class Finding(NamedTuple):
    """What a check reports about one entry: ``(check, severity, message)``.

    A NamedTuple rather than a dataclass so callers may unpack it as the plain
    triple the CLI contract describes.
    """

    check: str
    severity: Severity
    message: str


@dataclass(frozen=True, slots=True)
class Text:
    """A Markdown segment with its inline tokens, parsed once for every check."""

    raw: str
    """The segment exactly as in the catalogue."""
    inline: tuple[Any, ...]
    """Flattened inline tokens (children of images included), links not validated."""
    blocks: tuple[Any, ...]
    """Block-level tokens, to see raw HTML blocks a renderer would pass through."""


@dataclass(frozen=True, slots=True)
class Pair:
    """A source segment and its translation, the input of every check."""

    source: Text
    target: Text
    kind: str
    """Segment kind from the ``#. type:`` comment (``heading``, ``paragraph``, …)."""
    lang: str
    source_lang: str
    flags: frozenset[str]


Check = Callable[[Pair], list[Finding]]

SINGLE_LINE_KINDS = frozenset({"title", "heading", "table-cell", "alt-text"})
TITLE_KINDS = frozenset({"title", "heading", "front-matter:title"})
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
_MARKUP_NAMES = {
    "em_open": "emphasis",
    "strong_open": "strong",
    "s_open": "strikethrough",
    "link_open": "link",
    "image": "image",
}
_SPACES = " \u00a0\u202f\u2009"
_CLOSERS = "\"'»”’)]*_`" + _SPACES
_FINAL_PUNCT = ".!?:;…"


@lru_cache(maxsize=1)
def _parser() -> Any:
    """A permissive CommonMark parser: HTML recognised, every link kept as written.

    ``validateLink`` is disabled on purpose: the check must *see* a
    ``javascript:`` target that a less careful renderer (Hugo, Jekyll) would emit.
    """
    from markdown_it import MarkdownIt

    class SeeEveryLink(MarkdownIt):
        def validateLink(self, url: str) -> bool:
            return True

        def normalizeLink(self, url: str) -> str:
            return url

    return SeeEveryLink("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _flatten(tokens: Iterable[Any]) -> Iterator[Any]:
    for token in tokens:
        yield token
        if token.children:
            yield from _flatten(token.children)


def parse_text(raw: str) -> Text:
    """Parse a segment for the checks (inline tokens and block tokens)."""
    md = _parser()
    inline = tuple(_flatten(md.parseInline(raw))) if raw else ()
    blocks = tuple(md.parse(raw)) if raw else ()
    return Text(raw, inline, blocks)


# --- helpers -------------------------------------------------------------------------------


def _links(text: Text) -> Counter[str]:
    targets: Counter[str] = Counter()
    for token in text.inline:
        if token.type == "link_open":
            targets[str(token.attrs.get("href", ""))] += 1
        elif token.type == "image":
            targets[str(token.attrs.get("src", ""))] += 1
    return targets


def _html(text: Text) -> Counter[str]:
    found: Counter[str] = Counter()
    for token in text.inline:
        if token.type == "html_inline":
            found[token.content.strip()] += 1
    for token in text.blocks:
        if token.type == "html_block":
            found[token.content.strip()] += 1
    return found


def _words(text: Text) -> str:
    """Prose only (text tokens): numbers inside code or URLs are not the reader's."""
    return " ".join(t.content for t in text.inline if t.type == "text")


def _squash(url: str) -> str:
    """Normalise a URL the way browsers do before looking at its scheme."""
    url = html.unescape(url)
    return "".join(c for c in url if not c.isspace() and unicodedata.category(c)[0] != "C").lower()


def _unsafe_urls(text: Text) -> Counter[str]:
    found: Counter[str] = Counter()
    for target, count in _links(text).items():
        if _squash(target).startswith(UNSAFE_SCHEMES):
            found[target] += count
    for fragment, count in _html(text).items():
        squashed = _squash(fragment)
        if any(re.search(r"[=\"']" + re.escape(s), squashed) for s in UNSAFE_SCHEMES):
            found[fragment] += count
    return found


def _describe(counter: Counter[str]) -> str:
    return ", ".join(repr(k) if n == 1 else f"{k!r}×{n}" for k, n in sorted(counter.items()))


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


def _numbers(prose: str, locales: Iterable[str], *, plain: bool) -> dict[Decimal, str]:
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


def _final(raw: str) -> str:
    """The sentence-final punctuation, ignoring closing quotes, brackets and emphasis."""
    text = raw.rstrip(_CLOSERS)
    text = text.replace("...", "…")
    return text[-1] if text and text[-1] in _FINAL_PUNCT else ""


# --- the checks ----------------------------------------------------------------------------


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

    def spans(text: Text) -> Counter[str]:
        return Counter(t.content for t in text.inline if t.type == "code_inline")

    return _counter_diff("inline-code", "inline code spans", spans(pair.source), spans(pair.target))


def check_link_targets(pair: Pair) -> list[Finding]:
    """Link and image targets must survive translation (only their text is translated)."""
    return _counter_diff("link-targets", "link targets", _links(pair.source), _links(pair.target))


def check_markup(pair: Pair) -> list[Finding]:
    """Emphasis, strong, strikethrough, links and images: same counts as the source.

    An unbalanced ``**`` is not a ``strong_open`` token for markdown-it, so a
    broken pair shows up here as a count mismatch.
    """

    def counts(text: Text) -> Counter[str]:
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
    extra = _html(pair.target) - _html(pair.source)
    message = f"raw HTML not in the source: {_describe(extra)}"
    return [Finding("raw-html", "error", message)] if extra else []


def check_unsafe_urls(pair: Pair) -> list[Finding]:
    """``javascript:``/``data:``/``vbscript:`` URLs are script injection in a web page."""
    extra = _unsafe_urls(pair.target) - _unsafe_urls(pair.source)
    message = f"unsafe URL not in the source: {_describe(extra)}"
    return [Finding("unsafe-url", "error", message)] if extra else []


def check_numbers(pair: Pair) -> list[Finding]:
    """Every number of the source appears in the translation, in either locale's format."""
    wanted = _numbers(_words(pair.source), [pair.source_lang], plain=False)
    if not wanted:
        return []
    present = _numbers(_words(pair.target), [pair.lang, pair.source_lang], plain=True)
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
    source, target = _final(pair.source.raw) or "none", _final(pair.target.raw) or "none"
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
    check_unsafe_urls,
    check_inline_code,
    check_link_targets,
    check_markup,
    check_numbers,
    check_newline,
    check_whitespace,
    check_punctuation,
    check_untranslated_title,
]
"""Every check, in reporting order; add a function here to add a check."""

_BLANK_CHECKS = (check_damaged, check_empty)
"""The only checks that make sense when the translation is blank."""


def check_entry(
    msgid: str,
    msgstr: str,
    *,
    kind: str,
    lang: str,
    flags: Collection[str] = (),
    source_lang: str = "fr",
) -> list[Finding]:
    """Run every check on one source/translation pair."""
    pair = Pair(
        parse_text(msgid),
        parse_text(msgstr) if msgstr.strip() else Text(msgstr, (), ()),
        kind,
        lang,
        source_lang,
        frozenset(flags),
    )
    checks = CHECKS if msgstr.strip() else _BLANK_CHECKS
    return [finding for check in checks for finding in check(pair)]


def entry_kind(entry: polib.POEntry) -> str:
    """The segment kind from the ``#. type: <kind>`` extracted comment (``""`` if none)."""
    for line in (entry.comment or "").splitlines():
        if line.startswith("type:"):
            return line[len("type:") :].strip()
    return ""


def entry_line(entry: polib.POEntry) -> int:
    """The line of the entry's first ``#:`` reference, 0 when absent or not a number."""
    for _path, line in entry.occurrences:
        try:
            return int(line)
        except (TypeError, ValueError):
            return 0
    return 0


def _pairs(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) pairs: one, or one per plural form."""
    if entry.msgid_plural:
        forms = entry.msgstr_plural or {}
        return [
            (entry.msgid if index == 0 else entry.msgid_plural, text)
            for index, text in sorted(forms.items())
        ]
    return [(entry.msgid, entry.msgstr)]


def _flags(entry: polib.POEntry) -> list[str]:
    """The entry's flags, plus the damage pseudo-flag while an untouched draft carries a
    damage note (once a person edits the draft, the other checks judge their text)."""
    flags = list(entry.flags)
    damaged = damage_note(entry) is not None and machine_note(entry) is not None
    if damaged and DAMAGED_FLAG not in flags:
        flags.append(DAMAGED_FLAG)
    return flags


def check_catalogue(
    po: polib.POFile, *, post: str, lang: str, source_lang: str = "fr"
) -> list[Issue]:
    """QA every non-obsolete entry that has a translation (reviewed, machine or fuzzy)."""
    issues: list[Issue] = []
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        pairs = _pairs(entry)
        if not any(text for _source, text in pairs):
            continue
        kind, line = entry_kind(entry), entry_line(entry)
        seen: set[Finding] = set()
        for source, text in pairs:
            for finding in check_entry(
                source, text, kind=kind, lang=lang, flags=_flags(entry), source_lang=source_lang
            ):
                if finding not in seen:
                    seen.add(finding)
                    issues.append(Issue(post, lang, line, *finding))
    return issues


def has_errors(issues: Iterable[Issue]) -> bool:
    """Whether ``postloc check`` must exit 1."""
    return any(issue.severity == "error" for issue in issues)


def issues_to_json(issues: Iterable[Issue]) -> list[dict[str, Any]]:
    """The ``--json`` form: keys exactly ``post, lang, line, check, severity, message``."""
    return [asdict(issue) for issue in issues]
