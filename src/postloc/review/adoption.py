"""An aligned human translation written into one catalogue (``postloc adopt``).

The rules keep every person's work: an entry a person already translated in the catalogue
(reviewed, or a human fuzzy) is never replaced by an adopted text, only reported when the
two differ; untranslated entries and machine drafts take the adopted text, reviewed when its
pairing is certain (:mod:`postloc.review.align`), fuzzy otherwise. Each adopted entry says
where its text came from in a translator comment (``adopted from content/x.en.md``), so a
reviewer can tell it from the catalogue's own work. Adopting the same file twice changes
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import polib

from postloc.po.state import FUZZY_FLAG, entry_state, mark_fuzzy, without_note
from postloc.review.align import Alignment, Pair

Outcome = Literal["reviewed", "fuzzy", "kept", "conflict"]
"""What adopting did to one entry: filled (reviewed or fuzzy), already had that text, or
had another translation a person made (kept)."""
ADOPTED_PREFIX: Final = "adopted from "
"""Start of the translator comment line an adopted entry gets."""


@dataclass(frozen=True, slots=True)
class EntryAdoption:
    """One catalogue entry's outcome."""

    msgid: str
    """The entry."""
    line: int
    """Line of the source segment in the source post."""
    target_line: int
    """Line of the translation's segment in the translated file."""
    outcome: Outcome
    """What happened."""
    reason: str | None = None
    """Why fuzzy (the alignment's doubt) or why kept (a conflict)."""


def _choose(pairs: list[Pair]) -> tuple[Pair, str | None]:
    """The pair an entry is adopted from (its first occurrence) and any doubt on it: the
    first doubt of an occurrence, or occurrences translated differently."""
    first = pairs[0]
    texts = {pair.target.text for pair in pairs}
    if len(texts) > 1:
        lines = ", ".join(str(pair.target.line) for pair in pairs)
        return first, f"the text occurs {len(pairs)} times, translated differently (lines {lines})"
    return first, next((pair.doubt for pair in pairs if pair.doubt), None)


def adopt_alignment(
    po: polib.POFile, alignment: Alignment, origin: str, *, edited_export: bool = False
) -> tuple[list[EntryAdoption], bool]:
    """Write ``alignment``'s translations into ``po`` (in place): the outcome per entry,
    in source order, and whether any entry changed. ``origin`` names the translated file.

    ``edited_export``: the file is postloc's own export that a person edited since. Only
    their edits are theirs: a text still equal to the entry's machine draft stays a draft,
    and one equal to its msgid is export's fallback to the source, not a translation."""
    by_msgid: dict[str, list[Pair]] = {}
    for pair in sorted(alignment.pairs, key=lambda pair: pair.source.start):
        by_msgid.setdefault(pair.source.text, []).append(pair)
    results: list[EntryAdoption] = []
    changed = False
    for msgid, pairs in by_msgid.items():
        entry = po.find(msgid)
        if entry is None or entry.obsolete:
            continue
        pair, doubt = _choose(pairs)
        text = pair.target.text
        where = (msgid, pair.source.line, pair.target.line)
        state = entry_state(entry)
        if edited_export and (text == msgid or (state == "machine" and text == entry.msgstr)):
            continue
        if state in ("reviewed", "fuzzy"):
            if entry.msgstr == text and not entry.msgstr_plural:
                results.append(EntryAdoption(*where, "kept"))
            else:
                what = "reviewed" if state == "reviewed" else "fuzzy"
                reason = f"the catalogue has another {what} translation by a person; kept it"
                results.append(EntryAdoption(*where, "conflict", reason))
            continue
        changed |= _fill(entry, text, origin, doubt)
        results.append(EntryAdoption(*where, "fuzzy" if doubt else "reviewed", doubt))
    return results, changed


def _fill(entry: polib.POEntry, text: str, origin: str, doubt: str | None) -> bool:
    """Give an untranslated entry or a machine draft the adopted text; True if it changed."""
    before = (entry.msgstr, list(entry.flags), entry.tcomment, entry.previous_msgid)
    entry.msgstr = text
    entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
    if doubt:
        mark_fuzzy(entry)
    else:
        entry.flags = [flag for flag in entry.flags if flag != FUZZY_FLAG]
    lines = [
        line
        for line in without_note(entry.tcomment or "").splitlines()
        if not line.startswith(ADOPTED_PREFIX)
    ]
    lines.append(f"{ADOPTED_PREFIX}{origin}" + (f" (unsure: {doubt})" if doubt else ""))
    entry.tcomment = "\n".join(lines)
    return before != (entry.msgstr, entry.flags, entry.tcomment, entry.previous_msgid)
