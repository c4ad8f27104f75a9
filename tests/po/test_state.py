"""An entry is a person's as soon as its text differs from the MT digest: its ``MT:`` line goes."""

from __future__ import annotations

import polib

from postloc.po.merge import update_catalogue
from postloc.po.state import MachineNote, drop_stale_note, entry_state, output_digest

NOTE = MachineNote("pseudo", "1", "fr", "en", output_digest("The draft.")).render()


def entry(msgstr: str, tcomment: str, flags: tuple[str, ...] = ("fuzzy",)) -> polib.POEntry:
    return polib.POEntry(msgid="Le brouillon.", msgstr=msgstr, tcomment=tcomment, flags=[*flags])


def test_untouched_draft_keeps_its_note() -> None:
    draft = entry("The draft.", NOTE)
    assert not drop_stale_note(draft)
    assert draft.tcomment == NOTE and entry_state(draft) == "machine"


def test_edited_draft_loses_its_note_and_damage_line_but_keeps_human_comments() -> None:
    edited = entry("The draft, fixed.", f"Ana: see the glossary\n{NOTE}\nMT-damage: lost **")
    assert drop_stale_note(edited)
    assert edited.tcomment == "Ana: see the glossary"
    assert entry_state(edited) == "fuzzy"
    assert not drop_stale_note(edited)


def test_reviewed_unchanged_draft_keeps_its_note_reviewed_edit_loses_it() -> None:
    confirmed = entry("The draft.", NOTE, flags=())
    assert not drop_stale_note(confirmed) and confirmed.tcomment == NOTE
    corrected = entry("The corrected draft.", NOTE, flags=())
    assert drop_stale_note(corrected) and corrected.tcomment == ""
    assert entry_state(corrected) == "reviewed"


def test_comment_without_a_valid_note_is_left_alone() -> None:
    for comment in ("", "Ana: checked", "MT: something malformed"):
        human = entry("Text.", comment)
        assert not drop_stale_note(human) and human.tcomment == comment


def test_update_drops_the_note_of_an_edited_draft() -> None:
    old = polib.POFile(encoding="utf-8")
    old.metadata = {"Language": "en", "Content-Type": "text/plain; charset=UTF-8"}
    old.append(entry("The draft, fixed.", f"Ana: see the glossary\n{NOTE}"))
    untouched = entry("The draft.", NOTE)
    untouched.msgid = "Un autre brouillon."
    old.append(untouched)
    gone = entry("The draft, fixed too.", NOTE)
    gone.msgid = "Un texte retiré du billet, qui devient obsolète."
    old.append(gone)
    template = polib.POFile(encoding="utf-8")
    template.append(polib.POEntry(msgid="Le brouillon."))
    template.append(polib.POEntry(msgid="Un autre brouillon."))
    new = update_catalogue(template, old, "en", plural_forms="nplurals=2; plural=(n != 1);")
    comments = {e.msgid: e.tcomment for e in new}
    assert comments == {
        "Le brouillon.": "Ana: see the glossary",
        "Un autre brouillon.": NOTE,
        "Un texte retiré du billet, qui devient obsolète.": "",
    }
    assert old[0].tcomment == f"Ana: see the glossary\n{NOTE}"  # the argument is not modified
