"""Machine drafts: what gets translated, what is never touched, and the memory's effect."""

from __future__ import annotations

from collections.abc import Sequence

import polib
import pytest

from postloc.errors import EngineFailed
from postloc.mt.drafts import translate_catalogues
from postloc.mt.engines.base import Route
from postloc.mt.engines.pseudo import PseudoEngine
from postloc.mt.memory import TranslationMemory
from postloc.mt.translator import MachineTranslator
from postloc.po.state import MachineNote, entry_state, machine_note, output_digest


class CountingEngine(PseudoEngine):
    """Pseudo engine that records every text it is asked to translate."""

    def __init__(self) -> None:
        super().__init__(["fr", "en", "es"])
        self.seen: list[str] = []
        self.calls = 0

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        self.seen.extend(texts)
        self.calls += 1
        return super().translate(texts, source, target)


class ShortEngine(CountingEngine):
    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        return super().translate(texts, source, target)[:-1]


def catalogue(*entries: polib.POEntry) -> polib.POFile:
    po = polib.POFile()
    po.metadata = {"Language": "en", "Content-Type": "text/plain; charset=UTF-8"}
    for entry in entries:
        po.append(entry)
    return po


def translator(
    engine: CountingEngine, memory: TranslationMemory | None = None
) -> MachineTranslator:
    return MachineTranslator(
        Route(engine, ("fr", "en")),
        "fr",
        "en",
        memory if memory is not None else TranslationMemory(None),
    )


def draft(msgid: str, msgstr: str) -> polib.POEntry:
    note = MachineNote("pseudo", "1", "fr", "en", output_digest(msgstr))
    return polib.POEntry(msgid=msgid, msgstr=msgstr, flags=["fuzzy"], tcomment=note.render())


def test_untranslated_entries_get_fuzzy_drafts_with_mt_note() -> None:
    po = catalogue(polib.POEntry(msgid="Le **35 pays** ici"))
    report = translate_catalogues([("a", po)], translator(CountingEngine()))
    entry = po[0]
    assert report.translated == 1 and report.engine_segments == 1
    assert entry_state(entry) == "machine"
    note = machine_note(entry)
    assert note is not None and note.engine == "pseudo" and note.source == "fr"
    assert "**" in entry.msgstr and "35" in entry.msgstr


def test_reviewed_human_fuzzy_and_edited_drafts_are_never_touched() -> None:
    reviewed = polib.POEntry(msgid="Un", msgstr="One")
    human_fuzzy = polib.POEntry(
        msgid="Deux", msgstr="Two-ish", flags=["fuzzy"], previous_msgid="Deu"
    )
    edited = draft("Trois", "[Trööîs ~~]")
    edited.msgstr = "Three (fixed by a person)"
    edited.tcomment = f"Ana: checked\n{edited.tcomment}"
    po = catalogue(reviewed, human_fuzzy, edited)
    before = [(e.msgstr, list(e.flags), e.tcomment) for e in po]
    before[2] = (edited.msgstr, ["fuzzy"], "Ana: checked")  # the edited draft's MT: line goes
    engine = CountingEngine()
    report = translate_catalogues([("a", po)], translator(engine))
    assert [(e.msgstr, list(e.flags), e.tcomment) for e in po] == before
    assert engine.seen == []
    assert report.skipped_human == 3 and report.translated == 0


def test_untouched_draft_is_refreshed_when_its_source_changed() -> None:
    stale = draft("Le texte nouveau", "[old draft]")
    stale.previous_msgid = "Le texte ancien"
    current = draft("Inchangé", "[current]")
    po = catalogue(stale, current)
    report = translate_catalogues([("a", po)], translator(CountingEngine()))
    assert report.translated == 1
    assert po[0].previous_msgid is None and po[0].msgstr != "[old draft]"
    assert machine_note(po[0]) is not None
    assert po[1].msgstr == "[current]"


def test_same_text_across_catalogues_is_sent_once_and_batched() -> None:
    engine = CountingEngine()
    pos = [
        catalogue(polib.POEntry(msgid="Commun"), polib.POEntry(msgid=f"Propre {i}"))
        for i in range(5)
    ]
    report = translate_catalogues([(i, po) for i, po in enumerate(pos)], translator(engine))
    assert report.translated == 10
    assert report.engine_segments == 6
    assert sorted(engine.seen) == sorted({"Commun", *(f"Propre {i}" for i in range(5))})
    assert engine.calls == 1


def test_memory_second_run_sends_nothing() -> None:
    memory = TranslationMemory(None)
    first = catalogue(polib.POEntry(msgid="Bonjour"), polib.POEntry(msgid="Au revoir"))
    translate_catalogues([("a", first)], translator(CountingEngine(), memory))
    engine = CountingEngine()
    again = catalogue(polib.POEntry(msgid="Bonjour"), polib.POEntry(msgid="Au revoir"))
    report = translate_catalogues([("a", again)], translator(engine, memory))
    assert report.engine_segments == 0 and report.from_memory == 2 and engine.seen == []
    assert [e.msgstr for e in again] == [e.msgstr for e in first]


def test_engine_returning_too_few_outputs_is_refused() -> None:
    po = catalogue(polib.POEntry(msgid="Un"), polib.POEntry(msgid="Deux"))
    with pytest.raises(EngineFailed, match="returned 1 translations for 2"):
        translate_catalogues([("a", po)], translator(ShortEngine()))
    assert all(not e.msgstr for e in po)


def test_finished_catalogues_are_reported_as_they_complete() -> None:
    done: list[object] = []
    pos = [(i, catalogue(polib.POEntry(msgid=f"Texte {i}"))) for i in range(3)]
    small = MachineTranslator(
        Route(CountingEngine(), ("fr", "en")), "fr", "en", TranslationMemory(None), batch_size=1
    )
    translate_catalogues(pos, small, on_complete=lambda key, po: done.append(key))
    assert done == [0, 1, 2]


def test_human_comment_kept_beside_mt_note() -> None:
    entry = polib.POEntry(msgid="Texte", tcomment="Attention au ton")
    po = catalogue(entry)
    translate_catalogues([("a", po)], translator(CountingEngine()))
    assert entry.tcomment.splitlines()[0] == "Attention au ton"
    assert entry.tcomment.splitlines()[1].startswith("MT: pseudo 1 fr→en ")


class CodeDroppingEngine(CountingEngine):
    """Loses the placeholder element that stands for inline code."""

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        import re

        return [
            re.sub(r"<code[^>]*></code>", "", t) for t in super().translate(texts, source, target)
        ]


def test_damaged_markup_is_kept_and_noted_for_check() -> None:
    from postloc.po.state import damage_note
    from postloc.qa.checks import check_catalogue

    po = catalogue(
        polib.POEntry(msgid="Lancez `make test` maintenant", occurrences=[("p.md", "3")])
    )
    translate_catalogues([("a", po)], translator(CodeDroppingEngine()))
    entry = po[0]
    assert entry.msgstr and entry_state(entry) == "machine"
    note = damage_note(entry)
    assert note is not None and "make test" in note
    issues = check_catalogue(po, post="p", lang="en")
    assert ("markup-damaged", "error") in {(i.check, i.severity) for i in issues}
    entry.msgstr = "Run `make test` now"  # a person fixes it: the note no longer counts
    assert "markup-damaged" not in {i.check for i in check_catalogue(po, post="p", lang="en")}


class ControlCharEngine(CountingEngine):
    """Answers with a bell and a NUL in the text, as a broken model might."""

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        return [f"{t}\a fin\x00" for t in super().translate(texts, source, target)]


def test_control_characters_from_an_engine_never_reach_the_catalogue() -> None:
    from postloc.po.read import read_po
    from postloc.po.state import damage_note
    from postloc.po.write import dump_po

    po = catalogue(polib.POEntry(msgid="Une phrase.", occurrences=[("p.md", "3")]))
    translate_catalogues([("a", po)], translator(ControlCharEngine()))
    entry = po[0]
    assert entry.msgstr and "\a" not in entry.msgstr and "\x00" not in entry.msgstr
    note = damage_note(entry)
    assert note is not None and "U+0007" in note and "U+0000" in note
    read_po(dump_po(po), "a.po")  # postloc reads back what it wrote


class PairVersionEngine(CountingEngine):
    """An engine that versions each pair apart and counts how often it is asked."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[tuple[str, str]] = []

    def version(self) -> str:
        return "whole-engine"

    def pair_version(self, source: str, target: str) -> str:
        self.asked.append((source, target))
        return f"{source}{target}.7"


def test_mt_note_and_memory_key_name_the_pairs_of_the_route() -> None:
    engine = PairVersionEngine()
    memory = TranslationMemory(None)
    pivot = MachineTranslator(Route(engine, ("fr", "es", "en")), "fr", "en", memory)
    po = catalogue(polib.POEntry(msgid="Texte"), polib.POEntry(msgid="Autre"))
    translate_catalogues([("a", po)], pivot)
    assert pivot.key.version == "fres.7/esen.7"
    for entry in po:
        note = machine_note(entry)
        assert note is not None and (note.engine, note.version) == ("pseudo+es", "fres.7/esen.7")
    assert engine.asked == [("fr", "es"), ("es", "en")]  # once per translator, not per draft


def test_nothing_to_translate_never_asks_for_a_version() -> None:
    engine = PairVersionEngine()
    reviewed = catalogue(polib.POEntry(msgid="Un", msgstr="One"))
    report = translate_catalogues([("a", reviewed)], translator(engine))
    assert report.translated == 0 and engine.asked == []
