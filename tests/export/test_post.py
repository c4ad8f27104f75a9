"""Export priority: which text each segment of an exported post shows, per entry class.

Human work first: reviewed > a person's outdated translation (human fuzzy) > machine
draft > the source text (docs/architecture.md, "Export").
"""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from postloc.config import Config
from postloc.export.post import REVIEWED_ONLY, ExportOutcome, ExportPolicy, export_post
from postloc.markdown.model import Segment
from postloc.markdown.parse import parse_post
from postloc.markdown.segment import segment_post
from postloc.po.merge import update_catalogue
from postloc.po.state import MachineNote, State, entry_state, output_digest

POST = """\
---
title: Un titre revu
---

Le texte revu.

Le texte dont la source a changé, avec une virgule.

Le brouillon corrigé.

Le brouillon de la machine.

Le texte sans traduction.
"""

REVIEWED = "A reviewed title"
REVIEWED_BODY = "The reviewed text."
OUTDATED = "The text whose source changed with a comma."
EDITED = "The draft a person corrected."
MACHINE = "The machine's draft."
FRENCH_ONLY = "Le texte sans traduction."
DEFAULT = ExportPolicy()


def draft(msgid: str, msgstr: str, *, edited_to: str | None = None) -> polib.POEntry:
    """A machine draft (fuzzy, ``MT:`` line); ``edited_to``: a person then changed its text."""
    note = MachineNote("pseudo", "1", "fr", "en", output_digest(msgstr))
    return polib.POEntry(
        msgid=msgid, msgstr=edited_to or msgstr, flags=["fuzzy"], tcomment=note.render()
    )


def catalogue() -> polib.POFile:
    """One entry of each class; the outdated one made by ``update`` after a comma was added."""
    old = polib.POFile(encoding="utf-8")
    old.metadata = {"Language": "en", "Content-Type": "text/plain; charset=UTF-8"}
    old.append(polib.POEntry(msgid="Un titre revu", msgstr=REVIEWED))
    old.append(polib.POEntry(msgid="Le texte revu.", msgstr=REVIEWED_BODY))
    old.append(
        polib.POEntry(msgid="Le texte dont la source a changé avec une virgule.", msgstr=OUTDATED)
    )
    old.append(draft("Le brouillon corrigé.", "The draft corected.", edited_to=EDITED))
    old.append(draft("Le brouillon de la machine.", MACHINE))
    template = polib.POFile(encoding="utf-8")
    for segment in segments():
        template.append(polib.POEntry(msgid=segment.text))
    return update_catalogue(template, old, "en", plural_forms="nplurals=2; plural=(n != 1);")


def segments() -> list[Segment]:
    return segment_post(parse_post(POST, "source_posts/billet.md"))


def states(po: polib.POFile) -> dict[str, State]:
    return {entry.msgid: entry_state(entry) for entry in po}


def export(policy: ExportPolicy = DEFAULT) -> ExportOutcome:
    post = parse_post(POST, "source_posts/billet.md")
    return export_post(post, segments(), catalogue(), "en", policy=policy, min_translated=0.0)


def exported_text(policy: ExportPolicy = DEFAULT) -> str:
    text = export(policy).text
    assert text is not None
    return text


def test_the_catalogue_has_one_entry_of_each_class() -> None:
    assert states(catalogue()) == {
        "Un titre revu": "reviewed",
        "Le texte revu.": "reviewed",
        "Le texte dont la source a changé, avec une virgule.": "fuzzy",
        "Le brouillon corrigé.": "fuzzy",
        "Le brouillon de la machine.": "machine",
        FRENCH_ONLY: "untranslated",
    }
    outdated = {e.msgid: e for e in catalogue()}[
        "Le texte dont la source a changé, avec une virgule."
    ]
    assert outdated.previous_msgid == "Le texte dont la source a changé avec une virgule."


def test_reviewed_translation_is_shown() -> None:
    text = exported_text()
    assert f"title: {REVIEWED}" in text and REVIEWED_BODY in text
    assert "Le texte revu." not in text


def test_outdated_human_translation_is_shown_rather_than_the_source() -> None:
    """The issue's comma: a reviewed paragraph whose French changed keeps its English."""
    text = exported_text()
    assert OUTDATED in text
    assert "Le texte dont la source a changé" not in text


def test_draft_a_person_edited_is_shown_as_their_work() -> None:
    text = exported_text()
    assert EDITED in text and "The draft corected." not in text


def test_machine_draft_is_shown() -> None:
    assert MACHINE in exported_text()


def test_untranslated_segment_falls_back_to_the_source() -> None:
    assert FRENCH_ONLY in exported_text()


def test_counts_each_class() -> None:
    outcome = export()
    assert (outcome.total, outcome.reviewed, outcome.outdated, outcome.machine) == (6, 2, 2, 1)
    assert outcome.fallback == 1


def test_reviewed_only_shows_reviewed_work_and_the_source() -> None:
    outcome = export(REVIEWED_ONLY)
    text = exported_text(REVIEWED_ONLY)
    assert REVIEWED_BODY in text
    for translation in (OUTDATED, EDITED, MACHINE):
        assert translation not in text
    assert "Le texte dont la source a changé, avec une virgule." in text
    assert "Le brouillon corrigé." in text and "Le brouillon de la machine." in text
    assert (outcome.reviewed, outcome.outdated, outcome.machine, outcome.fallback) == (2, 0, 0, 4)


def test_without_outdated_human_fuzzy_falls_back_to_the_source() -> None:
    outcome = export(ExportPolicy(outdated=False))
    text = exported_text(ExportPolicy(outdated=False))
    assert OUTDATED not in text and EDITED not in text
    assert "Le texte dont la source a changé, avec une virgule." in text
    assert MACHINE in text
    assert (outcome.reviewed, outcome.outdated, outcome.machine, outcome.fallback) == (2, 0, 1, 3)


def test_without_machine_drafts_outdated_work_is_still_shown() -> None:
    outcome = export(ExportPolicy(machine=False))
    text = exported_text(ExportPolicy(machine=False))
    assert OUTDATED in text and EDITED in text
    assert MACHINE not in text and "Le brouillon de la machine." in text
    assert "machine_translated" not in text
    assert (outcome.reviewed, outcome.outdated, outcome.machine, outcome.fallback) == (2, 2, 0, 2)


@pytest.mark.parametrize(
    ("state", "default", "reviewed_only", "no_outdated", "no_machine"),
    [
        ("reviewed", "reviewed", "reviewed", "reviewed", "reviewed"),
        ("fuzzy", "outdated", "fallback", "fallback", "outdated"),
        ("machine", "machine", "fallback", "machine", "fallback"),
        ("untranslated", "fallback", "fallback", "fallback", "fallback"),
    ],
)
def test_policy_table(
    state: State, default: str, reviewed_only: str, no_outdated: str, no_machine: str
) -> None:
    assert ExportPolicy().shown(state) == default
    assert REVIEWED_ONLY.shown(state) == reviewed_only
    assert ExportPolicy(outdated=False).shown(state) == no_outdated
    assert ExportPolicy(machine=False).shown(state) == no_machine


def test_threshold_counts_outdated_work_as_translated() -> None:
    post = parse_post(POST, "source_posts/billet.md")
    kept = export_post(post, segments(), catalogue(), "en", min_translated=5 / 6)
    assert kept.translated_ratio == pytest.approx(5 / 6) and kept.text is not None
    dropped = export_post(
        post, segments(), catalogue(), "en", policy=REVIEWED_ONLY, min_translated=0.5
    )
    assert dropped.translated_ratio == pytest.approx(2 / 6) and dropped.text is None
    assert (dropped.reviewed, dropped.fallback) == (2, 4)


def test_policy_of_the_configuration() -> None:
    root = Path("/site")
    assert ExportPolicy.of(Config(root)) == ExportPolicy(outdated=True, machine=True)
    assert ExportPolicy.of(Config(root, include_outdated=False)) == ExportPolicy(outdated=False)
    assert ExportPolicy.of(Config(root, include_machine_drafts=False)) == ExportPolicy(
        machine=False
    )
    assert ExportPolicy.of(Config(root), reviewed_only=True) == REVIEWED_ONLY
    forced = ExportPolicy.of(Config(root, include_machine_drafts=False), reviewed_only=False)
    assert forced == ExportPolicy()
