"""Aligned translations written into a catalogue (``postloc.review.adoption``)."""

from __future__ import annotations

import polib

from postloc.markdown.model import Segment
from postloc.po.state import entry_state, output_digest
from postloc.review.adoption import adopt_alignment
from postloc.review.align import Alignment, Pair

ORIGIN = "content/x.en.md"


def seg(text: str, line: int) -> Segment:
    return Segment(text, "paragraph", line, line * 10, line * 10 + len(text))


def catalogue(*entries: polib.POEntry) -> polib.POFile:
    po = polib.POFile()
    for entry in entries:
        po.append(entry)
    return po


def alignment(*pairs: tuple[str, str, str | None]) -> Alignment:
    return Alignment(
        tuple(
            Pair(seg(ours, n), seg(theirs, n + 1), doubt)
            for n, (ours, theirs, doubt) in enumerate(pairs, start=1)
        ),
        (),
        (),
    )


def test_an_untranslated_entry_becomes_reviewed_with_its_origin() -> None:
    po = catalogue(polib.POEntry(msgid="Bonjour."))
    results, changed = adopt_alignment(po, alignment(("Bonjour.", "Hello.", None)), ORIGIN)
    assert changed
    assert [(r.outcome, r.line, r.target_line) for r in results] == [("reviewed", 1, 2)]
    entry = po.find("Bonjour.")
    assert (entry_state(entry), entry.msgstr, entry.tcomment) == (
        "reviewed",
        "Hello.",
        f"adopted from {ORIGIN}",
    )


def test_an_uncertain_pair_is_adopted_fuzzy_with_the_reason() -> None:
    po = catalogue(polib.POEntry(msgid="Bonjour."))
    results, _ = adopt_alignment(po, alignment(("Bonjour.", "Hello.", "one block off")), ORIGIN)
    assert [(r.outcome, r.reason) for r in results] == [("fuzzy", "one block off")]
    entry = po.find("Bonjour.")
    assert entry_state(entry) == "fuzzy"
    assert entry.tcomment == f"adopted from {ORIGIN} (unsure: one block off)"


def test_a_machine_draft_gives_way_and_loses_its_mt_line() -> None:
    draft = polib.POEntry(
        msgid="Bonjour.",
        msgstr="Good day.",
        flags=["fuzzy"],
        previous_msgid="Salut.",
        tcomment=f"a note\nMT: pseudo 1 fr→en {output_digest('Good day.')}",
    )
    po = catalogue(draft)
    assert entry_state(draft) == "machine"
    adopt_alignment(po, alignment(("Bonjour.", "Hello.", None)), ORIGIN)
    assert (entry_state(draft), draft.msgstr, draft.previous_msgid) == ("reviewed", "Hello.", None)
    assert draft.tcomment == f"a note\nadopted from {ORIGIN}"


def test_a_persons_translation_is_never_replaced() -> None:
    reviewed = polib.POEntry(msgid="Un.", msgstr="One (mine).")
    fuzzy = polib.POEntry(msgid="Deux.", msgstr="Two (mine).", flags=["fuzzy"])
    same = polib.POEntry(msgid="Trois.", msgstr="Three.")
    po = catalogue(reviewed, fuzzy, same)
    results, changed = adopt_alignment(
        po,
        alignment(("Un.", "One.", None), ("Deux.", "Two.", None), ("Trois.", "Three.", None)),
        ORIGIN,
    )
    assert not changed
    assert [r.outcome for r in results] == ["conflict", "conflict", "kept"]
    assert (reviewed.msgstr, fuzzy.msgstr, entry_state(fuzzy)) == (
        "One (mine).",
        "Two (mine).",
        "fuzzy",
    )


def test_a_text_translated_two_ways_is_fuzzy() -> None:
    po = catalogue(polib.POEntry(msgid="Voir aussi."))
    results, _ = adopt_alignment(
        po,
        alignment(("Voir aussi.", "See also.", None), ("Voir aussi.", "Also see.", None)),
        ORIGIN,
    )
    assert [r.outcome for r in results] == ["fuzzy"]
    assert "translated differently" in (results[0].reason or "")
    assert po.find("Voir aussi.").msgstr == "See also."


def test_adopting_twice_changes_nothing_the_second_time() -> None:
    po = catalogue(polib.POEntry(msgid="Un."), polib.POEntry(msgid="Deux."))
    pairs = alignment(("Un.", "One.", None), ("Deux.", "Two.", "unsure"))
    assert adopt_alignment(po, pairs, ORIGIN)[1]
    results, changed = adopt_alignment(po, pairs, ORIGIN)
    assert not changed
    assert [r.outcome for r in results] == ["kept", "kept"]
