"""merge_review: a reviewer's corrected catalogue merged into ours without losing anyone's work."""

from __future__ import annotations

import json

import polib
import pytest

from postloc.errors import BadCatalogue
from postloc.po.state import DAMAGED_FLAG, MachineNote, entry_state, output_digest
from postloc.review.merge import (
    KEPT_OURS,
    SOURCE_CHANGED,
    TOOK_FUZZY,
    Conflict,
    merge_review,
    quoted,
)


def draft(msgid: str, msgstr: str, line: int, *, comment: str = "") -> polib.POEntry:
    """A machine draft as the translate step writes it."""
    note = MachineNote("apertium", "3.8", "fr", "en", output_digest(msgstr)).render()
    return polib.POEntry(
        msgid=msgid,
        msgstr=msgstr,
        flags=["fuzzy"],
        tcomment="\n".join(filter(None, [comment, note])),
        comment="type: paragraph",
        occurrences=[("source_posts/p.md", str(line))],
    )


def entry(msgid: str, msgstr: str, line: int, **kw) -> polib.POEntry:
    return polib.POEntry(
        msgid=msgid,
        msgstr=msgstr,
        comment="type: paragraph",
        occurrences=[("source_posts/p.md", str(line))],
        **kw,
    )


def catalogue(*entries: polib.POEntry, lang: str = "en") -> polib.POFile:
    po = polib.POFile(wrapwidth=79)
    po.metadata = {
        "Project-Id-Version": "p",
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": "postloc 0.1.0",
    }
    for e in entries:
        po.append(e)
    return po


LONG = (
    "La capitale française a réuni des représentants de **35 pays** — non seulement des "
    "alliés européens, mais aussi le Canada, le Japon, l'Australie et la Nouvelle-Zélande."
)


def drafts() -> polib.POFile:
    return catalogue(
        entry("Un titre", "A title", 1),
        draft("Paris comme symbole", "Paris like symbol", 3),
        draft(
            LONG, "The French capital gathered representatives of **35 countries** - not only.", 5
        ),
        draft("Une sécurité globale", "A global security", 7, comment="check the term"),
        draft("Chaque pays participant.", "Each participant country.", 9),
        draft("Fin.", "End.", 11),
        entry("Pas encore.", "", 13),
    )


def text(po: polib.POFile) -> str:
    return str(po)


def reviewer_edits(ours: polib.POFile, tmp_path) -> polib.POFile:
    """Poedit stand-in: correct three drafts, clear fuzzy, save with another wrap width."""
    path = tmp_path / "review.po"
    path.write_text(text(ours), encoding="utf-8")
    theirs = polib.pofile(str(path))
    fixes = {
        "Paris comme symbole": "Paris as a symbol",
        LONG: "The French capital brought together representatives of **35 countries** — "
        "not only European allies, but also Canada, Japan, Australia and New Zealand.",
        "Chaque pays participant.": "Each participating country.",
    }
    for e in theirs:
        if e.msgid in fixes:
            e.msgstr = fixes[e.msgid]
            e.flags.remove("fuzzy")
    theirs.metadata["Last-Translator"] = "Reviewer <r@example.org>"
    theirs.wrapwidth = 40
    theirs.save(str(path))
    assert '\n"' in path.read_text(encoding="utf-8")  # really rewrapped
    return polib.pofile(str(path))


def test_reviewer_scenario_three_corrections(tmp_path):
    ours = drafts()
    before = text(ours)
    theirs = reviewer_edits(ours, tmp_path)

    result = merge_review(ours, theirs, lang="en")

    assert text(ours) == before, "ours must not be mutated"
    assert set(result.reviewed) == {"Paris comme symbole", LONG, "Chaque pays participant."}
    assert result.fuzzy == () and result.conflicts == () and result.unknown == ()
    assert result.ignored == 4
    merged = {e.msgid: e for e in result.catalogue}
    assert merged["Paris comme symbole"].msgstr == "Paris as a symbol"
    assert merged["Chaque pays participant."].msgstr == "Each participating country."
    assert merged[LONG].msgstr.endswith("Australia and New Zealand.")
    for msgid in result.reviewed:
        assert entry_state(merged[msgid]) == "reviewed"
        assert "MT:" not in merged[msgid].tcomment
    states = [entry_state(e) for e in result.catalogue]
    assert states == [
        "reviewed",
        "reviewed",
        "reviewed",
        "machine",
        "reviewed",
        "machine",
        "untranslated",
    ]
    # everything else exactly as ours, header included (wrapping is the writer's business)
    untouched = [e for e in result.catalogue if e.msgid not in result.reviewed]
    assert [str(e) for e in untouched] == [str(e) for e in ours if e.msgid not in result.reviewed]
    assert result.catalogue.metadata == ours.metadata
    assert result.catalogue.wrapwidth == 79

    again = merge_review(result.catalogue, theirs, lang="en")
    assert again.reviewed == () and again.conflicts == () and not again.changed
    assert again.ignored == 7
    assert text(again.catalogue) == text(result.catalogue)


def test_damaged_flag_and_previous_cleared_on_acceptance():
    e = draft("Un **mot**.", "A **word.", 1)
    e.flags.append(DAMAGED_FLAG)
    e.previous_msgid = "Un mot."
    ours = catalogue(e)
    theirs = catalogue(entry("Un **mot**.", "A **word**.", 1))
    merged = merge_review(ours, theirs, lang="en").catalogue[0]
    assert merged.flags == [] and merged.previous_msgid is None
    assert merged.msgstr == "A **word**."


def test_translator_comments_kept_and_reviewers_added():
    ours = catalogue(draft("Bonjour.", "Good day.", 1, comment="ours: formal"))
    theirs = catalogue(entry("Bonjour.", "Hello.", 1, tcomment="theirs: informal is fine"))
    result = merge_review(ours, theirs, lang="en")
    assert result.catalogue[0].tcomment == "ours: formal\ntheirs: informal is fine"
    assert not merge_review(result.catalogue, theirs, lang="en").changed


def test_source_changed_since_review_becomes_fuzzy_not_reviewed():
    # ours was updated: the source sentence changed, old translation kept as fuzzy
    ours = catalogue(
        entry(
            "Il y a 36 pays.",
            "There are 35 countries.",
            4,
            flags=["fuzzy"],
            previous_msgid="Il y a 35 pays.",
        )
    )
    theirs = catalogue(entry("Il y a 35 pays.", "35 countries took part.", 4))
    result = merge_review(ours, theirs, lang="en")
    merged = result.catalogue[0]
    assert entry_state(merged) == "fuzzy"
    assert merged.msgstr == "35 countries took part."
    assert merged.previous_msgid == "Il y a 35 pays."
    assert [c.reason for c in result.conflicts] == [SOURCE_CHANGED]
    assert result.conflicts[0].line == 4
    assert result.conflicts[0].outcome == TOOK_FUZZY
    assert result.reviewed == () and result.fuzzy == ("Il y a 36 pays.",)
    again = merge_review(result.catalogue, theirs, lang="en")
    assert not again.changed and str(again.catalogue) == str(result.catalogue)


def test_match_via_reviewers_previous_msgid_is_fuzzy():
    ours = catalogue(entry("Ancien texte.", "", 2))
    theirs = catalogue(entry("Nouveau texte.", "New text.", 2, previous_msgid="Ancien texte."))
    result = merge_review(ours, theirs, lang="en")
    assert entry_state(result.catalogue[0]) == "fuzzy"
    assert result.catalogue[0].previous_msgid == "Nouveau texte."
    assert [c.reason for c in result.conflicts] == [SOURCE_CHANGED]


def test_source_changed_never_overwrites_our_reviewed_entry():
    ours = catalogue(entry("Neuf.", "New.", 1, previous_msgid="Vieux."))
    theirs = catalogue(entry("Vieux.", "Old.", 1))
    result = merge_review(ours, theirs, lang="en")
    assert result.catalogue[0].msgstr == "New." and entry_state(result.catalogue[0]) == "reviewed"
    assert result.conflicts[0].reason == f"{SOURCE_CHANGED} and ours is reviewed"
    assert result.conflicts[0].outcome == KEPT_OURS
    assert result.ignored == 1 and not result.changed


@pytest.mark.parametrize(
    ("their_flags", "their_text", "reason"),
    [
        (["fuzzy"], "Other.", "ours is reviewed and theirs is fuzzy"),
        ([], "", "ours is reviewed and theirs is empty"),
        (["fuzzy"], "", "ours is reviewed and theirs is empty"),
    ],
)
def test_our_reviewed_never_downgraded(their_flags, their_text, reason):
    ours = catalogue(entry("Texte.", "Text.", 1))
    theirs = catalogue(entry("Texte.", their_text, 1, flags=their_flags))
    result = merge_review(ours, theirs, lang="en")
    assert str(result.catalogue) == str(ours)
    assert [(c.reason, c.outcome) for c in result.conflicts] == [(reason, KEPT_OURS)]
    assert result.reviewed == result.fuzzy == () and result.ignored == 1


def test_reviewer_may_correct_a_reviewed_entry():
    ours = catalogue(entry("Texte.", "Txet.", 1))
    theirs = catalogue(entry("Texte.", "Text.", 1))
    result = merge_review(ours, theirs, lang="en")
    assert result.reviewed == ("Texte.",) and result.catalogue[0].msgstr == "Text."


def test_reviewers_fuzzy_edit_of_a_draft_is_kept_as_human_fuzzy():
    ours = catalogue(draft("Texte.", "Texts.", 1))
    theirs_entry = draft("Texte.", "Texts.", 1)
    theirs_entry.msgstr = "Text (not sure)."
    theirs = catalogue(theirs_entry)
    result = merge_review(ours, theirs, lang="en")
    merged = result.catalogue[0]
    assert merged.msgstr == "Text (not sure)." and entry_state(merged) == "fuzzy"
    assert "MT:" not in merged.tcomment
    assert result.fuzzy == ("Texte.",) and result.reviewed == ()


def test_reviewers_machine_draft_fills_gap_but_never_replaces_ours():
    ours = catalogue(entry("Un.", "", 1), draft("Deux.", "Two.", 2))
    theirs = catalogue(draft("Un.", "One.", 1), draft("Deux.", "Deux (other engine).", 2))
    result = merge_review(ours, theirs, lang="en")
    one, two = result.catalogue
    assert entry_state(one) == "machine" and one.msgstr == "One."
    assert two.msgstr == "Two." and entry_state(two) == "machine"
    assert result.fuzzy == ("Un.",) and result.reviewed == () and result.ignored == 1


def test_empty_reviewer_entry_never_erases_a_draft():
    ours = catalogue(draft("Un.", "One.", 1))
    theirs = catalogue(entry("Un.", "", 1))
    result = merge_review(ours, theirs, lang="en")
    assert str(result.catalogue) == str(ours) and result.ignored == 1


def test_unknown_entries_are_reported():
    ours = catalogue(entry("Un.", "", 1))
    theirs = catalogue(entry("Supprimé.", "Removed.", 9), entry("Un.", "One.", 1))
    obsolete = entry("Obsolète.", "Obsolete.", 3, obsolete=True)
    theirs.append(obsolete)
    result = merge_review(ours, theirs, lang="en")
    assert result.unknown == ("Supprimé.",)
    assert result.reviewed == ("Un.",)
    assert [e.msgid for e in result.catalogue] == ["Un."]


def test_msgctxt_is_part_of_the_key():
    ours = catalogue(entry("Titre", "", 1, msgctxt="a"), entry("Titre", "", 2, msgctxt="b"))
    theirs = catalogue(
        entry("Titre", "Title B", 2, msgctxt="b"), entry("Titre", "T", 3, msgctxt="c")
    )
    result = merge_review(ours, theirs, lang="en")
    assert [e.msgstr for e in result.catalogue] == ["", "Title B"]
    assert result.unknown == ("Titre",)


def test_plural_entries():
    ours = catalogue(polib.POEntry(msgid="un", msgid_plural="des", msgstr_plural={0: "", 1: ""}))
    theirs = catalogue(
        polib.POEntry(msgid="un", msgid_plural="des", msgstr_plural={0: "one", 1: "many"})
    )
    result = merge_review(ours, theirs, lang="en")
    assert result.catalogue[0].msgstr_plural == {0: "one", 1: "many"}
    assert entry_state(result.catalogue[0]) == "reviewed"


def test_language_header_must_match():
    ours = catalogue(entry("Un.", "", 1))
    with pytest.raises(BadCatalogue, match="'es'"):
        merge_review(ours, catalogue(entry("Un.", "Uno.", 1), lang="es"), lang="en")
    merge_review(catalogue(lang="pt_BR"), catalogue(lang="pt-BR"), lang="pt_BR")
    no_header = catalogue(entry("Un.", "One.", 1))
    no_header.metadata = {}
    assert merge_review(ours, no_header, lang="en").reviewed == ("Un.",)


def test_to_json():
    ours = catalogue(
        entry("Neuf.", "", 1, flags=["fuzzy"], previous_msgid="Vieux."), entry("A.", "", 2)
    )
    theirs = catalogue(entry("Vieux.", "Old.", 1), entry("A.", "A.", 2), entry("Z.", "Z.", 3))
    data = merge_review(ours, theirs, lang="en").to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["counts"] == {
        "reviewed": 1,
        "came_back_fuzzy": 1,
        "ignored": 0,
        "unknown": 1,
        "conflicts": 1,
    }
    assert data["reviewed"] == ["A."] and data["came_back_fuzzy"] == ["Neuf."]
    assert data["conflicts"] == [
        {
            "msgid": "Neuf.",
            "msgctxt": None,
            "line": 1,
            "reason": SOURCE_CHANGED,
            "outcome": "took theirs as fuzzy",
        }
    ]
    assert data["unknown"] == ["Z."]


def test_every_reviewer_entry_is_counted_exactly_once():
    """reviewed + came back fuzzy + ignored + unknown = the reviewer's entries, whatever
    happened to them; a fuzzy acceptance is never counted as reviewed."""
    ours = catalogue(
        draft("Un.", "One?", 1),  # theirs clears fuzzy: reviewed
        draft("Deux.", "Two?", 2),  # theirs edits but leaves fuzzy: came back fuzzy
        entry("Trois.", "Three.", 3),  # ours reviewed, theirs fuzzy: conflict, kept ours
        entry("Quatre.", "Four.", 4),  # identical: ignored
        entry("Cinq !", "", 5, flags=["fuzzy"], previous_msgid="Cinq."),  # source changed
        entry("Six.", "", 6),  # theirs blank: ignored
    )
    theirs = catalogue(
        entry("Un.", "One.", 1),
        entry("Deux.", "Two, maybe.", 2, flags=["fuzzy"]),
        entry("Trois.", "Three, really?", 3, flags=["fuzzy"]),
        entry("Quatre.", "Four.", 4),
        entry("Cinq.", "Five.", 5),
        entry("Six.", "", 6),
        entry("Sept.", "Seven.", 7),  # gone from the post: unknown
    )
    result = merge_review(ours, theirs, lang="en")
    assert result.counts() == {
        "reviewed": 1,
        "came_back_fuzzy": 2,
        "ignored": 3,
        "unknown": 1,
        "conflicts": 2,
    }
    assert result.reviewed == ("Un.",) and result.fuzzy == ("Deux.", "Cinq !")
    assert sum(result.counts().values()) - len(result.conflicts) == len(theirs)
    assert [c.outcome for c in result.conflicts] == [KEPT_OURS, TOOK_FUZZY]
    assert result.summary() == "1 reviewed, 2 came back fuzzy, 3 ignored, 1 unknown, 2 conflicts"


def test_conflicts_read_as_one_line_for_a_person():
    conflict = Conflict(LONG, None, f"{SOURCE_CHANGED} and ours is reviewed", KEPT_OURS, 5)
    assert conflict.describe() == (
        '"La capitale française a réuni des repré…" (line 5): '
        "the source text changed since the reviewer's copy and ours is reviewed; kept ours"
    )
    assert Conflict("Titre", "b", "why", TOOK_FUZZY, 0).describe() == (
        '"Titre" [context "b"] (no line): why; took theirs as fuzzy'
    )
    assert quoted("Un\ntexte  court") == '"Un texte court"'
