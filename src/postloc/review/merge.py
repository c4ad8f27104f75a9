"""Merging a reviewer's corrected catalogue (from Poedit, Weblate, e-mail…) into ours.

The rules protect human work in both directions: a reviewer's confirmed
translation becomes reviewed, nothing a person wrote is ever lost, and a
translation made for an older source text never passes as reviewed. Header and
wrapping stay ours because the caller writes the result with our writer.

Decisions beyond docs/architecture.md ("PO conventions"):

- A reviewer's *fuzzy* entry whose text differs from ours is taken as human
  fuzzy (the ``MT:`` line dropped) unless ours is reviewed: the reviewer's edit
  is kept, but only clearing the flag makes it reviewed.
- A reviewer's untouched machine draft only fills an entry we have no
  translation for; it never replaces our own draft.
- Translator comments are merged as a union of lines (ours first), so a
  comment is never lost and a second merge adds nothing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Final, Literal

import polib

from postloc.errors import BadCatalogue
from postloc.po.fuzzy import FuzzyIndex
from postloc.po.state import (
    DAMAGED_FLAG,
    FUZZY_FLAG,
    is_fuzzy,
    is_reviewed,
    machine_note,
    mark_fuzzy,
    without_note,
)
from postloc.qa.checks import entry_line

Key = tuple[str | None, str]

SOURCE_CHANGED = "the source text changed since the reviewer's copy"
"""Why theirs was made for another text than ours: at most a fuzzy suggestion."""
REVIEWED_KEPT = "ours is reviewed and theirs is {what}"
"""Why a reviewed entry of ours was not replaced (``what``: fuzzy, empty, incomplete)."""

Outcome = Literal["kept ours", "took theirs as fuzzy"]
"""What a conflict ended in: our entry as it was, or the reviewer's text as fuzzy."""
KEPT_OURS: Final[Outcome] = "kept ours"
TOOK_FUZZY: Final[Outcome] = "took theirs as fuzzy"

QUOTED_LENGTH = 40
"""Characters of a msgid quoted in a report line before it is cut with ``…``."""


@dataclass(frozen=True, slots=True)
class Conflict:
    """A reviewer's entry that could not be taken as reviewed; a person must look."""

    msgid: str
    """Our entry's msgid (the reviewer's may be an older text)."""
    msgctxt: str | None
    """Our entry's context (postloc writes none)."""
    reason: str
    """Why, e.g. :data:`SOURCE_CHANGED`."""
    outcome: Outcome
    """What the merge did instead: :data:`KEPT_OURS` or :data:`TOOK_FUZZY`."""
    line: int
    """Line in the post of our entry's first reference (0 if none)."""

    def describe(self) -> str:
        """``"<msgid start…>" (line N): <reason>; <outcome>``: one line for a person."""
        where = f"line {self.line}" if self.line else "no line"
        context = f" [context {quoted(self.msgctxt)}]" if self.msgctxt is not None else ""
        return f"{quoted(self.msgid)}{context} ({where}): {self.reason}; {self.outcome}"


def quoted(text: str) -> str:
    """A msgid as a report quotes it: one line, double quotes, cut at :data:`QUOTED_LENGTH`."""
    flat = " ".join(text.split())
    if len(flat) > QUOTED_LENGTH:
        flat = flat[: QUOTED_LENGTH - 1].rstrip() + "…"
    return f'"{flat}"'


@dataclass(frozen=True, slots=True)
class ReviewResult:
    """The merged catalogue and what happened to every reviewer entry.

    Every reviewer entry (header and obsolete entries aside) is counted exactly once:
    ``reviewed``, ``fuzzy`` (came back fuzzy), ``ignored`` or ``unknown``. Conflicts are
    listed besides: one that kept ours counts as ignored, one that took theirs as fuzzy.
    """

    catalogue: polib.POFile
    """A new catalogue; the ``ours`` argument is left untouched."""
    reviewed: tuple[str, ...]
    """Msgids accepted as reviewed: their translation became reviewed (or was corrected)."""
    fuzzy: tuple[str, ...]
    """Msgids whose translation came back fuzzy: taken, but not confirmed (human fuzzy, a
    draft filling a gap, a translation made for an older source text)."""
    conflicts: tuple[Conflict, ...]
    """Entries a person must look at."""
    unknown: tuple[str, ...]
    """Reviewer msgids the post no longer has: reported, never silently dropped."""
    ignored: int
    """Reviewer entries that changed nothing (same as ours, blank, a machine draft where we
    have one, or in conflict with our reviewed entry)."""

    @property
    def changed(self) -> bool:
        return bool(self.reviewed or self.fuzzy)

    def counts(self) -> dict[str, int]:
        """The exact counts, in report order."""
        return {
            "reviewed": len(self.reviewed),
            "came_back_fuzzy": len(self.fuzzy),
            "ignored": self.ignored,
            "unknown": len(self.unknown),
            "conflicts": len(self.conflicts),
        }

    def summary(self) -> str:
        """``3 reviewed, 1 came back fuzzy, 2 ignored, 0 unknown, 1 conflict``."""
        counts = self.counts()
        conflicts = counts.pop("conflicts")
        parts = [f"{n} {name.replace('_', ' ')}" for name, n in counts.items()]
        parts.append(f"{conflicts} conflict{'' if conflicts == 1 else 's'}")
        return ", ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The ``merge-review --json`` form: counts and the lists behind them."""
        return {
            "counts": self.counts(),
            "reviewed": list(self.reviewed),
            "came_back_fuzzy": list(self.fuzzy),
            "conflicts": [
                {
                    "msgid": c.msgid,
                    "msgctxt": c.msgctxt,
                    "line": c.line,
                    "reason": c.reason,
                    "outcome": c.outcome,
                }
                for c in self.conflicts
            ],
            "unknown": list(self.unknown),
        }


def _key(entry: polib.POEntry) -> Key:
    return (entry.msgctxt, entry.msgid)


def _translation(entry: polib.POEntry) -> tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(text for _index, text in sorted((entry.msgstr_plural or {}).items()))
    return (entry.msgstr,)


def _set_translation(entry: polib.POEntry, texts: tuple[str, ...]) -> None:
    if entry.msgid_plural:
        entry.msgstr_plural = dict(enumerate(texts))
    else:
        entry.msgstr = texts[0]


def _blank(texts: tuple[str, ...]) -> bool:
    return not any(text.strip() for text in texts)


def _complete(texts: tuple[str, ...]) -> bool:
    return bool(texts) and all(text.strip() for text in texts)


def _merge_comments(ours: str, theirs: str, *, keep_note: bool) -> str:
    """Union of translator comment lines, ours first; the ``MT:`` line only if asked."""
    base = ours if keep_note else without_note(ours)
    lines = base.splitlines() if base else []
    for line in without_note(theirs).splitlines():
        if line not in lines:
            lines.append(line)
    return "\n".join(lines)


def _snapshot(entry: polib.POEntry) -> tuple[Any, ...]:
    return (
        _translation(entry),
        tuple(entry.flags),
        entry.tcomment or "",
        entry.previous_msgid,
        entry.previous_msgid_plural,
        entry.previous_msgctxt,
    )


def _make_reviewed(ours: polib.POEntry, theirs: polib.POEntry) -> None:
    _set_translation(ours, _translation(theirs))
    ours.flags = [f for f in ours.flags if f not in (FUZZY_FLAG, DAMAGED_FLAG)]
    ours.previous_msgid = ours.previous_msgid_plural = ours.previous_msgctxt = None
    ours.tcomment = _merge_comments(ours.tcomment or "", theirs.tcomment or "", keep_note=False)


def _make_fuzzy(ours: polib.POEntry, theirs: polib.POEntry, *, previous: str | None) -> None:
    """Take the reviewer's text as human fuzzy, remembering the source it was made for."""
    _set_translation(ours, _translation(theirs))
    mark_fuzzy(ours)
    if previous is not None:
        ours.previous_msgid = previous
        ours.previous_msgctxt = theirs.msgctxt if theirs.msgctxt != ours.msgctxt else None
    ours.tcomment = _merge_comments(ours.tcomment or "", theirs.tcomment or "", keep_note=False)


def _same_language(header: str, lang: str) -> bool:
    return header.replace("-", "_").lower() == lang.replace("-", "_").lower()


class _Merger:
    """Accumulates the report while entries are merged one by one."""

    def __init__(self, po: polib.POFile, their_msgids: frozenset[str] = frozenset()) -> None:
        self.their_msgids = their_msgids
        self.index: FuzzyIndex | None = None
        self.by_key: dict[Key, polib.POEntry] = {}
        self.by_previous: dict[Key, polib.POEntry] = {}
        for entry in po:
            if entry.obsolete or not entry.msgid:
                continue
            self.by_key.setdefault(_key(entry), entry)
            if entry.previous_msgid is not None:
                context = entry.previous_msgctxt or entry.msgctxt
                self.by_previous.setdefault((context, entry.previous_msgid), entry)
        self.reviewed: list[str] = []
        self.fuzzy: list[str] = []
        self.conflicts: list[Conflict] = []
        self.unknown: list[str] = []
        self.ignored = 0

    def conflict(self, entry: polib.POEntry, reason: str, outcome: Outcome) -> None:
        """Note a conflict; one that kept ours changed nothing, so it also counts as ignored."""
        line = entry_line(entry)
        self.conflicts.append(Conflict(entry.msgid, entry.msgctxt, reason, outcome, line))
        if outcome == KEPT_OURS:
            self.ignored += 1

    def record(self, before: tuple[Any, ...], entry: polib.POEntry, *, fuzzy: bool) -> None:
        if _snapshot(entry) == before:
            self.ignored += 1
        elif fuzzy:
            self.fuzzy.append(entry.msgid)
        else:
            self.reviewed.append(entry.msgid)

    def merge(self, theirs: polib.POEntry) -> None:
        ours = self.by_key.get(_key(theirs))
        if ours is not None:
            self.merge_matched(ours, theirs)
            return
        ours = self.by_previous.get(_key(theirs))
        previous = theirs.msgid
        if ours is None and theirs.previous_msgid is not None:
            ours = self.by_key.get(
                (theirs.previous_msgctxt or theirs.msgctxt, theirs.previous_msgid)
            )
        if ours is None:
            ours = self.similar(theirs)
        if ours is None:
            self.unknown.append(theirs.msgid)
            return
        self.merge_changed_source(ours, theirs, previous)

    def similar(self, theirs: polib.POEntry) -> polib.POEntry | None:
        """Our entry whose source is an edit of theirs (msgmerge's fuzzy match), if any.

        Entries the reviewer's file also has verbatim are never candidates: they
        get their own exact match.
        """
        if theirs.msgctxt is not None or _blank(_translation(theirs)):
            return None
        if self.index is None:
            self.index = FuzzyIndex(msgid for context, msgid in self.by_key if context is None)
        match = self.index.best_match(theirs.msgid, exclude=self.their_msgids)
        return self.by_key.get((None, match)) if match is not None else None

    def merge_matched(self, ours: polib.POEntry, theirs: polib.POEntry) -> None:
        texts, before = _translation(theirs), _snapshot(ours)
        reviewed = is_reviewed(ours)
        if not is_fuzzy(theirs) and _complete(texts):
            _make_reviewed(ours, theirs)
            self.record(before, ours, fuzzy=False)
            return
        if reviewed:
            if texts != _translation(ours) or is_fuzzy(theirs):
                what = "empty" if _blank(texts) else "fuzzy" if is_fuzzy(theirs) else "incomplete"
                self.conflict(ours, REVIEWED_KEPT.format(what=what), KEPT_OURS)
            else:
                self.ignored += 1
            return
        if _blank(texts) or texts == _translation(ours):
            self.ignored += 1
            return
        if machine_note(theirs) is not None:
            # An untouched machine draft from another checkout: only fills a gap.
            if _blank(_translation(ours)):
                _set_translation(ours, texts)
                mark_fuzzy(ours)
                ours.tcomment = theirs.tcomment
                self.record(before, ours, fuzzy=True)
            else:
                self.ignored += 1
            return
        _make_fuzzy(ours, theirs, previous=None)
        self.record(before, ours, fuzzy=True)

    def merge_changed_source(
        self, ours: polib.POEntry, theirs: polib.POEntry, previous: str
    ) -> None:
        """Theirs was made for another source text: at most a fuzzy suggestion."""
        texts, before = _translation(theirs), _snapshot(ours)
        if _blank(texts) or texts == _translation(ours) or machine_note(theirs) is not None:
            self.ignored += 1
            return
        if is_reviewed(ours):
            self.conflict(ours, f"{SOURCE_CHANGED} and ours is reviewed", KEPT_OURS)
            return
        if len(texts) != len(_translation(ours)):
            self.conflict(ours, f"{SOURCE_CHANGED} and the plural forms differ", KEPT_OURS)
            return
        keep_previous = ours.previous_msgid if ours.previous_msgid is not None else previous
        _make_fuzzy(ours, theirs, previous=keep_previous)
        self.conflict(ours, SOURCE_CHANGED, TOOK_FUZZY)
        self.record(before, ours, fuzzy=True)


def merge_review(ours: polib.POFile, theirs: polib.POFile, *, lang: str) -> ReviewResult:
    """Merge ``theirs`` (a reviewer's copy) into a copy of ``ours`` and report every entry.

    Raises :class:`BadCatalogue` when ``theirs`` declares another language.
    Merging the same file twice changes nothing the second time.
    """
    declared = (theirs.metadata or {}).get("Language", "").strip()
    if declared and not _same_language(declared, lang):
        raise BadCatalogue(
            f"the reviewer's catalogue is for language {declared!r}, not {lang!r}",
            path=getattr(theirs, "fpath", None),
        )
    merged = copy.deepcopy(ours)
    merger = _Merger(merged, frozenset(e.msgid for e in theirs if not e.obsolete))
    for entry in theirs:
        if entry.obsolete or not entry.msgid:
            continue
        merger.merge(entry)
    return ReviewResult(
        catalogue=merged,
        reviewed=tuple(merger.reviewed),
        fuzzy=tuple(merger.fuzzy),
        conflicts=tuple(merger.conflicts),
        unknown=tuple(merger.unknown),
        ignored=merger.ignored,
    )
