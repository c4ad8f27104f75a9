"""What a catalogue entry *is*: reviewed, machine draft, human fuzzy, untranslated, obsolete.

docs/architecture.md ("PO conventions") defines these by flags and the ``MT:``
translator comment; this module is the single place that reads or writes that
comment, so every command classifies entries the same way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Final, Literal

import polib

State = Literal["reviewed", "machine", "fuzzy", "untranslated", "obsolete"]
STATES: tuple[State, ...] = ("reviewed", "machine", "fuzzy", "untranslated", "obsolete")

FUZZY_FLAG: Final = "fuzzy"
"""gettext's flag on a translation nobody confirmed: a machine draft or a human's guess."""
MT_PREFIX = "MT: "
DAMAGE_PREFIX = "MT-damage: "
"""Translator-comment line on a draft whose markup the engine broke (read by ``check``).

A comment, not a flag: GNU msgcat (and so Poedit round trips) drops flags it
does not know, and this warning must survive every editor."""
DAMAGED_FLAG = "markup-damaged"
"""Name of the QA check reporting such drafts (and the pseudo-flag ``check_entry`` takes)."""


@dataclass(frozen=True, slots=True)
class MachineNote:
    """The parsed ``MT: <engine> <version> <src>→<tgt> <hash>`` translator comment."""

    engine: str
    """Route name, e.g. ``apertium`` or ``apertium+es`` (pivot)."""
    version: str
    """Version of the pair(s) that produced the draft, one token (the route's version, as in
    the translation-memory key): ``3.8.3+apertium-fr-es_0.9.4-1``, hops joined by ``/``."""
    source: str
    """Source language code."""
    target: str
    """Target language code."""
    digest: str
    """Short hash of the machine output as written, to detect human edits."""

    def render(self) -> str:
        return f"{MT_PREFIX}{self.engine} {self.version} {self.source}→{self.target} {self.digest}"


def output_digest(text: str) -> str:
    """Short stable hash of a machine output (12 hex digits of SHA-256)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def parse_note(comment: str) -> MachineNote | None:
    """Find the ``MT:`` line in a translator comment block; None when absent or malformed."""
    for line in comment.splitlines():
        if not line.startswith(MT_PREFIX):
            continue
        parts = line[len(MT_PREFIX) :].split()
        if len(parts) != 4 or "→" not in parts[2]:
            return None
        source, _, target = parts[2].partition("→")
        return MachineNote(parts[0], parts[1], source, target, parts[3])
    return None


def machine_note(entry: polib.POEntry) -> MachineNote | None:
    """The entry's MT note if it is an *untouched* machine draft, else None.

    A draft a person edited no longer matches its digest and counts as human
    work from then on, exactly like a reviewed translation.
    """
    if not entry.msgstr or not is_fuzzy(entry):
        return None
    note = parse_note(entry.tcomment or "")
    if note is None or note.digest != output_digest(entry.msgstr):
        return None
    return note


def without_note(tcomment: str) -> str:
    """The translator comment without ``MT:``/``MT-damage:`` lines (human comments kept)."""
    return "\n".join(
        line for line in tcomment.splitlines() if not line.startswith((MT_PREFIX, DAMAGE_PREFIX))
    )


def drop_stale_note(entry: polib.POEntry) -> bool:
    """Remove the ``MT:`` (and ``MT-damage:``) lines of an entry a person edited.

    An entry is a person's as soon as its text differs from the digest its ``MT:``
    line records; the line would then only mislead a reviewer (and ``status``
    already counts the entry as human work). Every other translator comment line
    stays. True when the comment changed, so callers that rewrite a catalogue
    (``update``, ``translate``) can call it on every entry.
    """
    note = parse_note(entry.tcomment or "")
    if note is None or note.digest == output_digest(entry.msgstr):
        return False
    entry.tcomment = without_note(entry.tcomment)
    return True


def damage_note(entry: polib.POEntry) -> str | None:
    """The engine's markup-damage report on this entry, if any."""
    for line in (entry.tcomment or "").splitlines():
        if line.startswith(DAMAGE_PREFIX):
            return line[len(DAMAGE_PREFIX) :]
    return None


def entry_state(entry: polib.POEntry) -> State:
    """Classify one entry (docs/architecture.md, "PO conventions", entry states)."""
    if entry.obsolete:
        return "obsolete"
    if not entry.msgstr and not any(entry.msgstr_plural.values() if entry.msgstr_plural else ()):
        return "untranslated"
    if not is_fuzzy(entry):
        return "reviewed"
    return "machine" if machine_note(entry) is not None else "fuzzy"


def is_fuzzy(entry: polib.POEntry) -> bool:
    """Whether the entry carries the fuzzy flag: nobody confirmed its translation."""
    return FUZZY_FLAG in entry.flags


def mark_fuzzy(entry: polib.POEntry) -> None:
    """Flag the entry fuzzy (first, where msgcat writes it) unless it already is."""
    if not is_fuzzy(entry):
        entry.flags.insert(0, FUZZY_FLAG)


def is_reviewed(entry: polib.POEntry) -> bool:
    """A translation a person confirmed (the fuzzy flag cleared)."""
    return entry_state(entry) == "reviewed"


def is_pending(entry: polib.POEntry) -> bool:
    """True when a machine may (re)write this entry.

    Untranslated entries, and untouched drafts whose source changed (``#| msgid``).
    """
    if entry.obsolete or not entry.msgid or entry.msgid_plural:
        return False
    state = entry_state(entry)
    if state == "untranslated":
        return True
    return state == "machine" and entry.previous_msgid is not None


def is_human(entry: polib.POEntry) -> bool:
    """Reviewed, human fuzzy, or a machine draft a person edited."""
    if entry.obsolete or not entry.msgid:
        return False
    return entry_state(entry) in ("reviewed", "fuzzy")


def reviewed_for(
    entry: polib.POEntry, msgctxt: str | None, msgid: str, msgid_plural: str | None = None
) -> bool:
    """Whether ``entry``'s translation is a person's, reviewed for exactly ``msgid``.

    That is a human fuzzy that ``update`` made when the source changed: ``#| msgid`` records
    the text the translation was reviewed for, and only the edit made it fuzzy. When the
    source returns to that text, the translation is reviewed again (:func:`mark_reviewed`).
    A machine draft (any ``MT:`` line, even one a person's edit made stale) and a fuzzy a
    translator set by hand (no ``#| msgid``) are not: nobody reviewed them for that text.
    ``msgid_plural``, when given, must match ``#| msgid_plural`` too.
    """
    return (
        is_fuzzy(entry)
        and entry.previous_msgid == msgid
        and entry.previous_msgctxt == msgctxt
        and (msgid_plural is None or (entry.previous_msgid_plural or "") == msgid_plural)
        and parse_note(entry.tcomment or "") is None
        and bool(entry.msgstr or any(entry.msgstr_plural.values()))
    )


def mark_reviewed(entry: polib.POEntry) -> None:
    """Clear ``fuzzy`` and the ``#|`` lines: the translation is reviewed for this text again."""
    entry.flags = [flag for flag in entry.flags if flag != FUZZY_FLAG]
    entry.previous_msgctxt = None
    entry.previous_msgid = None
    entry.previous_msgid_plural = None


def human_comment(entry: polib.POEntry) -> str:
    """The translator comment without ``MT:``/``MT-damage:`` lines (``""`` when none)."""
    return without_note(entry.tcomment or "").strip()
