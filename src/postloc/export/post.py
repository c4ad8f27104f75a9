"""Catalogues → localized posts: which translation each segment gets, and the front matter.

Policy (docs/architecture.md, "Export"): reviewed translations always;
machine drafts unless reviewed-only; human fuzzy and untranslated entries fall
back to the source text and are counted; a post below ``min_translated`` is
not written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import polib

from postloc.markdown.model import Post, Segment
from postloc.po.state import entry_state

Format = Literal["md", "html"]


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

    @property
    def translated_ratio(self) -> float:
        return 1.0 if self.total == 0 else (self.reviewed + self.machine) / self.total


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
    reviewed_only: bool,
) -> tuple[dict[int, str], dict[str, str]]:
    """Per segment index the text to use; per msgid the state used (reviewed/machine/fallback)."""
    entries: dict[str, polib.POEntry] = {}
    if catalogue is not None:
        entries = {e.msgid: e for e in catalogue if not e.obsolete and not e.msgctxt}
    chosen: dict[int, str] = {}
    used: dict[str, str] = {}
    for index, segment in enumerate(segments):
        entry = entries.get(segment.text)
        state = entry_state(entry) if entry is not None else "untranslated"
        if state == "reviewed" or (state == "machine" and not reviewed_only):
            assert entry is not None
            chosen[index] = entry.msgstr
            used[segment.text] = state
        else:
            used.setdefault(segment.text, "fallback")
    return chosen, used


def export_post(
    post: Post,
    segments: Sequence[Segment],
    catalogue: polib.POFile | None,
    lang: str,
    *,
    reviewed_only: bool = False,
    min_translated: float = 0.8,
    fmt: Format = "md",
) -> ExportOutcome:
    """Build the localized document for one post and language."""
    from postloc.markdown.rebuild import rebuild_post

    chosen, used = choose_translations(segments, catalogue, reviewed_only=reviewed_only)
    states = list(used.values())
    outcome = ExportOutcome(
        None,
        total=len(states),
        reviewed=states.count("reviewed"),
        machine=states.count("machine"),
        fallback=states.count("fallback"),
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
    return ExportOutcome(text, outcome.total, outcome.reviewed, outcome.machine, outcome.fallback)


def _as_html(markdown_text: str, path: str, lang: str) -> str:
    from postloc.markdown.html import render_page
    from postloc.markdown.parse import parse_post

    localized = parse_post(markdown_text, path)
    front: Mapping[str, Any] = localized.front_matter
    body = localized.text[localized.body_start :]
    return render_page(body, lang=lang, title=str(front.get("title", "")), front_matter=front)
