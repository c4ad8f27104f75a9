"""Catalogues → localized posts: which translation each segment gets, and the front matter.

Policy (docs/architecture.md, "Export"): human work first. Each segment shows the
first of these its entry allows: a reviewed translation (always), a person's
outdated translation (human fuzzy, unless ``include_outdated`` is off or
reviewed-only), a machine draft (unless ``include_machine_drafts`` is off or
reviewed-only), else the source text. A post below ``min_translated`` is not
written. What an entry *is* comes from :func:`postloc.po.state.entry_state`.

The assembled document is then checked as a whole against the source
(:func:`postloc.qa.document.check_document`): a translation that adds a link
target, a reference definition, raw HTML or a block, or breaks the front
matter, once in context, falls back to the source text and is reported
(:class:`Unsafe`), so ``export`` never writes what ``check`` calls an error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

import polib

from postloc.config import DEFAULT_RULES, Extraction
from postloc.export.urls import PLAIN_URLS, UrlRules, localized_urls, shared_key, translated_slug
from postloc.languages import site_language
from postloc.markdown.model import Post, Segment
from postloc.po.state import State, entry_state
from postloc.qa.document import check_document

if TYPE_CHECKING:
    from postloc.config import Config

Format = Literal["md", "html"]

Shown = Literal["reviewed", "outdated", "machine", "fallback"]
"""What an exported segment shows, best first: a reviewed translation, a person's outdated
(human fuzzy) one, a machine draft, or the source text."""


@dataclass(frozen=True, slots=True)
class ExportPolicy:
    """Which translations besides reviewed ones (always shown) an export may use."""

    outdated: bool = True
    """Show a person's fuzzy translation (source changed since, or an edited draft)."""
    machine: bool = True
    """Show untouched machine drafts."""

    @classmethod
    def of(cls, config: Config, *, reviewed_only: bool | None = None) -> ExportPolicy:
        """The configuration's policy; ``reviewed_only`` True keeps only reviewed text, False
        forces machine drafts in (``export_project``'s override of the configuration)."""
        if reviewed_only:
            return REVIEWED_ONLY
        machine = config.include_machine_drafts if reviewed_only is None else True
        return cls(outdated=config.include_outdated, machine=machine)

    def shown(self, state: State) -> Shown:
        """What a segment whose entry is in ``state`` shows under this policy."""
        if state == "reviewed":
            return "reviewed"
        if state == "fuzzy" and self.outdated:
            return "outdated"
        if state == "machine" and self.machine:
            return "machine"
        return "fallback"


REVIEWED_ONLY: Final = ExportPolicy(outdated=False, machine=False)
"""``export --reviewed-only``: everything not reviewed falls back to the source text."""


@dataclass(frozen=True, slots=True)
class Unsafe:
    """A translation shown in the source language because of what it does to the whole post."""

    msgid: str
    """The entry whose translation fell back."""
    line: int
    """Line of the segment's first occurrence in the post (the entry's first reference)."""
    message: str
    """What the translation did to the assembled document (one line)."""


@dataclass(frozen=True, slots=True)
class ExportOutcome:
    """The localized document (None when below threshold) and its counts."""

    text: str | None
    """The document to write, or None when the post is not exported."""
    total: int
    """Distinct segments (msgids) in the post."""
    reviewed: int
    """Segments shown with a reviewed translation."""
    machine: int
    """Segments shown with a machine draft."""
    fallback: int
    """Segments shown in the source language."""
    outdated: int = 0
    """Segments shown with a person's outdated (human fuzzy) translation."""
    unsafe: tuple[Unsafe, ...] = ()
    """Translations shown in the source language because the assembled document would
    otherwise fail the document check (counted in ``fallback`` too)."""

    @property
    def translated_ratio(self) -> float:
        """Share of segments shown translated, the one ``min_translated`` is held against."""
        return 1.0 if self.total == 0 else (self.total - self.fallback) / self.total


def display_date(value: Any, lang: str) -> str | None:
    """The post date formatted for ``lang`` with Babel (2025-09-06 → ``September 6, 2025``)."""
    from babel.dates import format_date

    if isinstance(value, dt.datetime):
        value = value.date()
    elif isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    if not isinstance(value, dt.date):
        return None
    return str(format_date(value, format="long", locale=lang))


def choose_translations(
    segments: Sequence[Segment],
    catalogue: polib.POFile | None,
    *,
    policy: ExportPolicy = ExportPolicy(),
) -> tuple[dict[int, str], dict[str, Shown]]:
    """Per segment index the text to use; per msgid what it shows (see :data:`Shown`)."""
    entries: dict[str, polib.POEntry] = {}
    if catalogue is not None:
        entries = {e.msgid: e for e in catalogue if not e.obsolete and not e.msgctxt}
    chosen: dict[int, str] = {}
    used: dict[str, Shown] = {}
    for index, segment in enumerate(segments):
        entry = entries.get(segment.text)
        shown = policy.shown(entry_state(entry) if entry is not None else "untranslated")
        if shown != "fallback":
            assert entry is not None
            # a translator's plural entry shows its first form (a segment has no number)
            chosen[index] = entry.msgstr or entry.msgstr_plural.get(0, "")
            used[segment.text] = shown
        else:
            used.setdefault(segment.text, "fallback")
    return chosen, used


def export_post(
    post: Post,
    segments: Sequence[Segment],
    catalogue: polib.POFile | None,
    lang: str,
    *,
    policy: ExportPolicy = ExportPolicy(),
    min_translated: float = 0.8,
    fmt: Format = "md",
    rules: Extraction = DEFAULT_RULES,
    urls: UrlRules = PLAIN_URLS,
) -> ExportOutcome:
    """Build the localized document for one post and language; ``rules`` say which shortcode
    parameters are translated (the document check compares the rest byte for byte), ``urls``
    how the keys fixing the page's path change (:mod:`postloc.export.urls`)."""

    chosen, used = choose_translations(segments, catalogue, policy=policy)
    outcome = _counted(used)
    if outcome.translated_ratio < min_translated:
        return outcome
    extra = _extra_front_matter(post, segments, chosen, lang, urls)
    text = _rebuild(post, segments, chosen, extra, outcome)
    where = f"{post.path} ({lang} export)"
    body = post.text[post.body_start :]
    if chosen and check_document(body, text, where, _replaced(post, segments, chosen), rules):
        chosen, unsafe = safe_translations(post, segments, chosen, extra, where, rules)
        for item in unsafe:
            used[item.msgid] = "fallback"
        outcome = _counted(used, tuple(unsafe))
        if outcome.translated_ratio < min_translated:
            return outcome
        text = _rebuild(post, segments, chosen, extra, outcome)
    if fmt == "html":
        text = _as_html(text, post.path, lang, rules.markdown_extensions)
    return dataclasses.replace(outcome, text=text)


def _extra_front_matter(
    post: Post, segments: Sequence[Segment], chosen: Mapping[int, str], lang: str, urls: UrlRules
) -> list[tuple[str, Any]]:
    """What every export adds or sets: the language, the source it translates, the date for
    readers of ``lang``, the URLs of that language, and per site what pairs translations.

    Hugo pairs translations by path in both of its conventions, so no ``translationKey`` is
    added (one in an export alone would unpair it from its source); Jekyll has no pairing of
    its own, so the layout reads ``ref``, the source file's name."""
    extra: list[tuple[str, Any]] = [
        ("lang", site_language(lang, urls.site)),
        ("translation_of", post.slug),
    ]
    if urls.site == "jekyll":
        extra.append(("ref", shared_key(post)))
    date_text = display_date(post.front_matter.get("date"), lang)
    if date_text:
        extra.append(("date_display", date_text))
    extra += localized_urls(post.front_matter, lang, urls)
    slug = translated_slug(segments, chosen, urls)
    if slug is not None and slug != post.front_matter.get("slug"):
        extra.append(("slug", slug))
    return extra


def _counted(used: Mapping[str, Shown], unsafe: tuple[Unsafe, ...] = ()) -> ExportOutcome:
    states = list(used.values())
    return ExportOutcome(
        None,
        total=len(states),
        reviewed=states.count("reviewed"),
        machine=states.count("machine"),
        fallback=states.count("fallback"),
        outdated=states.count("outdated"),
        unsafe=unsafe,
    )


def _replaced(
    post: Post, segments: Sequence[Segment], chosen: Mapping[int, str]
) -> list[tuple[str, str]]:
    """What the rebuild swaps in the body, (source bytes, translation) per segment: the pairs
    :func:`~postloc.qa.document.check_document` reads to skip its parse when all are plain."""
    return [
        (post.text[segments[i].start : segments[i].end], text)
        for i, text in chosen.items()
        if not segments[i].in_front_matter
    ]


def _rebuild(
    post: Post,
    segments: Sequence[Segment],
    chosen: Mapping[int, str],
    extra: Sequence[tuple[str, Any]],
    outcome: ExportOutcome,
) -> str:
    from postloc.markdown.rebuild import rebuild_post

    if outcome.machine:
        extra = [
            *extra,
            ("machine_translated", True),
            ("reviewed_ratio", round(outcome.reviewed / outcome.total, 2)),
        ]
    return rebuild_post(post, segments, chosen, extra)


def safe_translations(
    post: Post,
    segments: Sequence[Segment],
    chosen: Mapping[int, str],
    extra: Sequence[tuple[str, Any]],
    where: str,
    rules: Extraction = DEFAULT_RULES,
) -> tuple[dict[int, str], list[Unsafe]]:
    """``chosen`` without the translations that make the assembled post fail the document
    check, and those translations (one per msgid, in line order).

    Each msgid's translation is first tried alone in the source post: one that fails there is
    the culprit (an alt text leaving its image, a reference definition). What still fails
    afterwards comes from translations together (a definition and the link using it); they
    are taken back one at a time while that removes problems, and as a last resort all.
    """
    from postloc.markdown.rebuild import rebuild_post

    body = post.text[post.body_start :]
    by_msgid: dict[str, list[int]] = {}
    for index in sorted(chosen):
        by_msgid.setdefault(segments[index].text, []).append(index)

    def problems(keep: Mapping[int, str]) -> list[str]:
        rebuilt = rebuild_post(post, segments, keep, extra)
        return check_document(body, rebuilt, where, _replaced(post, segments, keep), rules)

    kept = dict(chosen)
    unsafe: list[Unsafe] = []

    def revert(msgid: str, message: str) -> None:
        indices = by_msgid[msgid]
        unsafe.append(Unsafe(msgid, segments[indices[0]].line, message))
        for index in indices:
            kept.pop(index, None)

    for msgid, indices in by_msgid.items():
        alone = problems({index: chosen[index] for index in indices})
        if alone:
            revert(msgid, "; ".join(alone))
    remaining = problems(kept) if unsafe or kept else []
    for msgid, indices in by_msgid.items():
        if not remaining:
            break
        if indices[0] not in kept:
            continue
        trial = {i: text for i, text in kept.items() if i not in indices}
        after = problems(trial)
        if len(after) < len(remaining):
            revert(msgid, "together with other translations: " + "; ".join(remaining))
            remaining = after
    if remaining:
        for msgid, indices in by_msgid.items():
            if indices[0] in kept:
                revert(msgid, "together with other translations: " + "; ".join(remaining))
    unsafe.sort(key=lambda item: item.line)
    return kept, unsafe


def _as_html(markdown_text: str, path: str, lang: str, extensions: tuple[str, ...]) -> str:
    from postloc.markdown.html import render_page
    from postloc.markdown.parse import parse_post

    localized = parse_post(markdown_text, path)
    front: Mapping[str, Any] = localized.front_matter
    body = localized.text[localized.body_start :]
    title = str(front.get("title", ""))
    return render_page(body, lang=lang, title=title, front_matter=front, extensions=extensions)
