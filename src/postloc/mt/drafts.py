"""Fill catalogues with machine drafts, never touching human work.

Pending entries of *all* catalogues of *all* languages go to the engines together: one
stream per direct language pair, not post by post, and a pivot's first hop shared with the
language that needs it directly (:class:`~postloc.mt.streams.Streams`). Which entries are
pending, and how a draft is written, follows docs/architecture.md ("PO conventions"):

- untranslated entries get a draft;
- an untouched draft whose source text changed (``#| msgid`` present) is refreshed;
- reviewed entries, human fuzzy entries and drafts a person edited are skipped, and an
  edited draft loses its stale ``MT:`` line (:func:`postloc.po.state.drop_stale_note`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass, field

import polib

from postloc.mt.streams import Streams
from postloc.mt.translator import Draft, MachineTranslator
from postloc.po.state import (
    DAMAGE_PREFIX,
    DAMAGED_FLAG,
    FUZZY_FLAG,
    MT_PREFIX,
    MachineNote,
    drop_stale_note,
    is_human,
    is_pending,
    machine_note,
    output_digest,
    without_note,
)


@dataclass(slots=True)
class TranslateReport:
    """Counts for ``translate --json``; one report may sum several languages."""

    translated: int = 0
    """Entries that received a (new or refreshed) draft."""
    from_memory: int = 0
    """Of those, drafts the translation memory supplied."""
    engine_segments: int = 0
    """Distinct texts actually sent to an engine."""
    skipped_human: int = 0
    """Entries left alone because a person owns them (reviewed, human fuzzy, edited draft)."""
    by_engine: dict[str, int] = field(default_factory=dict)
    """Drafts written per route name."""

    def add(self, other: TranslateReport) -> None:
        self.translated += other.translated
        self.from_memory += other.from_memory
        self.engine_segments += other.engine_segments
        self.skipped_human += other.skipped_human
        for name, count in other.by_engine.items():
            self.by_engine[name] = self.by_engine.get(name, 0) + count

    def to_json(self) -> dict[str, object]:
        return {
            "translated": self.translated,
            "from_memory": self.from_memory,
            "engine_segments": self.engine_segments,
            "skipped_human": self.skipped_human,
            "by_engine": dict(sorted(self.by_engine.items())),
        }


def apply_draft(entry: polib.POEntry, draft: Draft, note: MachineNote) -> None:
    """Write a draft into an entry: fuzzy, the ``MT:`` note, a damage line if any."""
    entry.msgstr = draft.text
    entry.previous_msgid = None
    entry.previous_msgctxt = None
    entry.flags = [FUZZY_FLAG, *(f for f in entry.flags if f not in (FUZZY_FLAG, DAMAGED_FLAG))]
    lines = [without_note(entry.tcomment or ""), note.render()]
    if draft.problems:
        lines.append(DAMAGE_PREFIX + "; ".join(draft.problems))
    entry.tcomment = "\n".join(part for part in lines if part)


@dataclass(frozen=True, slots=True)
class LanguageWork:
    """One target language's share of a run: its route and its catalogues."""

    translator: MachineTranslator
    """The language's route, memory and languages."""
    catalogues: Sequence[tuple[Hashable, polib.POFile]]
    """Its catalogues, each with the key ``on_complete`` hands back (keys unique in a run)."""
    fresh: Collection[str] = ()
    """Msgids an engine drafted earlier in this run (into the memory first): their drafts
    come from the memory now, but count as engine work in the report."""


def translate_catalogues(
    catalogues: Sequence[tuple[Hashable, polib.POFile]],
    translator: MachineTranslator,
    on_complete: Callable[[Hashable, polib.POFile], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> TranslateReport:
    """Draft every pending entry of ``catalogues`` (all one language pair) in one stream.

    ``on_complete(key, po)`` is called as soon as the last pending entry of a
    catalogue has its draft, so the caller can save it while later calls run:
    an interrupted run keeps every finished catalogue, and the memory keeps
    every finished call. ``on_progress(done, total)`` counts distinct texts.
    """
    streams = Streams(translator.memory, batch_size=translator.batch_size)
    progress = (lambda _lang, done, total: on_progress(done, total)) if on_progress else None
    report = translate_languages(
        [LanguageWork(translator, catalogues)], streams, on_complete, progress
    )
    translator.engine_segments += report.engine_segments
    return report


def translate_languages(
    work: Sequence[LanguageWork],
    streams: Streams,
    on_complete: Callable[[Hashable, polib.POFile], None] | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> TranslateReport:
    """Draft every pending entry of every language of ``work`` through ``streams`` at once.

    Languages are asked in order; their calls go in that order with one job (so the first
    language finishes first), the language with the most engine work first with more
    (:meth:`~postloc.mt.streams.Streams.run`). ``on_complete(key, po)`` is called as soon as
    the last pending entry of a catalogue has its draft; ``on_progress(lang, done, total)``
    counts each language's distinct texts. One report sums them all; its ``engine_segments``
    counts the texts the engines got, each hop's once.
    """
    report = TranslateReport()
    before = streams.engine_segments
    for item in work:
        _request(item, streams, report, on_complete, on_progress)
    streams.run()
    report.engine_segments = streams.engine_segments - before
    return report


def _request(
    work: LanguageWork,
    streams: Streams,
    report: TranslateReport,
    on_complete: Callable[[Hashable, polib.POFile], None] | None,
    on_progress: Callable[[str, int, int], None] | None,
) -> None:
    """Find one language's pending entries and ask ``streams`` for their texts."""
    waiting: dict[str, list[tuple[Hashable, polib.POEntry]]] = {}
    remaining: dict[Hashable, int] = {}
    by_key = dict(work.catalogues)
    for key, po in work.catalogues:
        count = 0
        for entry in po:
            drop_stale_note(entry)  # an edited draft is a person's: its MT: line goes
            if is_pending(entry):
                waiting.setdefault(entry.msgid, []).append((key, entry))
                count += 1
            elif is_human(entry):
                report.skipped_human += 1
        remaining[key] = count
    translator = work.translator
    route = translator.route.name
    total = len(waiting)
    done = 0

    def land(batch: dict[str, Draft]) -> None:
        nonlocal done
        done += len(batch)
        if on_progress:
            on_progress(translator.target, min(done, total), total)
        memory_key = translator.key  # the note names what the memory key names
        finished: list[Hashable] = []
        for text, draft in batch.items():
            note = MachineNote(
                memory_key.engine,
                memory_key.version,
                memory_key.source_lang,
                memory_key.target_lang,
                output_digest(draft.text),
            )
            for key, entry in waiting.pop(text, ()):
                apply_draft(entry, draft, note)
                report.translated += 1
                report.from_memory += draft.from_memory and text not in work.fresh
                report.by_engine[route] = report.by_engine.get(route, 0) + 1
                remaining[key] -= 1
                if remaining[key] == 0:
                    finished.append(key)
        if on_complete:
            for key in finished:
                on_complete(key, by_key[key])

    streams.request(translator, list(waiting), land)


def reapply_drafts(drafted: polib.POFile, saved: polib.POFile) -> int:
    """Copy the machine drafts of ``drafted`` into the entries still pending in ``saved``.

    ``saved`` is a catalogue a person saved while its drafts were being made: every entry
    they touched is theirs and stays; only entries still pending (the same msgid, no
    translation or an outdated draft) take the draft, exactly as :func:`apply_draft` wrote
    it. Returns how many did.
    """
    drafts = {
        (entry.msgctxt, entry.msgid): entry
        for entry in drafted
        if not entry.obsolete and machine_note(entry) is not None and not is_pending(entry)
    }
    applied = 0
    for entry in saved:
        drop_stale_note(entry)
        draft = drafts.get((entry.msgctxt, entry.msgid))
        if draft is None or not is_pending(entry):
            continue
        entry.msgstr = draft.msgstr
        entry.previous_msgid = None
        entry.previous_msgctxt = None
        entry.flags = [FUZZY_FLAG, *(f for f in entry.flags if f not in (FUZZY_FLAG, DAMAGED_FLAG))]
        machine_lines = [
            line
            for line in (draft.tcomment or "").splitlines()
            if line.startswith((MT_PREFIX, DAMAGE_PREFIX))
        ]
        lines = [without_note(entry.tcomment or ""), *machine_lines]
        entry.tcomment = "\n".join(part for part in lines if part)
        applied += 1
    return applied
