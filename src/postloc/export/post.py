"""Catalogues → localized posts: which translation each segment gets, and the front matter.

Policy (docs/architecture.md, "Export"): human work first. Each segment shows the
first of these its entry allows: a reviewed translation (always), a person's
outdated translation (human fuzzy, unless ``include_outdated`` is off or
reviewed-only), a machine draft (unless ``include_machine_drafts`` is off or
reviewed-only), else the source text. A post below ``min_translated`` is not
written. What an entry *is* comes from :func:`postloc.po.state.entry_state`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

import polib

from postloc.markdown.model import Post, Segment
from postloc.po.state import State, entry_state

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
            chosen[index] = entry.msgstr
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
) -> ExportOutcome:
    """Build the localized document for one post and language."""
    from postloc.markdown.rebuild import rebuild_post

    chosen, used = choose_translations(segments, catalogue, policy=policy)
    states = list(used.values())
    outcome = ExportOutcome(
        None,
        total=len(states),
        reviewed=states.count("reviewed"),
        machine=states.count("machine"),
        fallback=states.count("fallback"),
        outdated=states.count("outdated"),
    )
    if outcome.translated_ratio < min_translated:
        return outcome
    extra: list[tuple[str, Any]] = [("lang", lang), ("translation_of", post.slug)]
    date_text = display_date(post.front_matter.get("date"), lang)
    if date_text:
        extra.append(("date_display", date_text))
    if outcome.machine:
        extra.append(("machine_translated", True))
        extra.append(("reviewed_ratio", round(outcome.reviewed / outcome.total, 2)))
    text = rebuild_post(post, segments, chosen, extra)
    if fmt == "html":
        text = _as_html(text, post.path, lang)
    return dataclasses.replace(outcome, text=text)


def _as_html(markdown_text: str, path: str, lang: str) -> str:
    from postloc.markdown.html import render_page
    from postloc.markdown.parse import parse_post

    localized = parse_post(markdown_text, path)
    front: Mapping[str, Any] = localized.front_matter
    body = localized.text[localized.body_start :]
    return render_page(body, lang=lang, title=str(front.get("title", "")), front_matter=front)
