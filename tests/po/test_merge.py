"""Templates and the msgmerge-style update: each behaviour pinned by its own test."""

from __future__ import annotations

import copy
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postloc.po.merge import (
    HEADER_FIELDS,
    build_template,
    carry_dates,
    format_date,
    update_catalogue,
)
from postloc.po.read import read_po
from postloc.po.write import dump_po
from reference_merge import reference_update

pytestmark = pytest.mark.skipif(
    shutil.which("msgcat") is None or shutil.which("msgfmt") is None,
    reason="GNU gettext (msgcat, msgfmt) is not installed",
)

PLURAL_EN = "nplurals=2; plural=(n != 1);"
POST = "source_posts/voyage.md"


@dataclass(frozen=True, slots=True)
class Seg:
    """Stands in for postloc.markdown.model.Segment."""

    text: str
    kind: str
    line: int


def written(po: polib.POFile, tmp_path: Path) -> str:
    """Dump ``po``, check msgcat writes the same bytes and msgfmt --check accepts it."""
    text = dump_po(po)
    source, target = tmp_path / "written.po", tmp_path / "msgcat.po"
    source.write_bytes(text.encode("utf-8"))
    cat = subprocess.run(["msgcat", str(source), "-o", str(target)], capture_output=True)
    assert cat.returncode == 0, cat.stderr.decode()
    assert target.read_bytes() == source.read_bytes()
    check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(source)])
    assert check.returncode == 0
    return text


PARAGRAPHS = [
    "Nous sommes partis de Lyon un matin de septembre, sous une pluie fine.",
    "La route longeait la rivière pendant des kilomètres, entre les vignes et les "
    "villages perchés sur les collines.",
    "Le soir, nous avons dormi dans une petite auberge tenue par une famille de bergers.",
    "Le lendemain, la montagne nous attendait : 1 200 mètres de dénivelé en une journée.",
]


def template_of(paragraphs: list[str], creation: str = "2025-09-06 12:00+0000") -> polib.POFile:
    segments = [Seg("Carnet de voyage", "title", 2)]
    segments += [Seg(text, "paragraph", 4 + 2 * i) for i, text in enumerate(paragraphs)]
    return build_template(POST, segments, slug="voyage", version="0.1.0", creation_date=creation)


def translated(template: polib.POFile) -> polib.POFile:
    """A reviewed catalogue: every entry translated (msgstr = upper-cased msgid)."""
    po = update_catalogue(template, None, "en", plural_forms=PLURAL_EN)
    for entry in po:
        entry.msgstr = entry.msgid.upper()
    po.metadata["Last-Translator"] = "Ana <ana@example.org>"
    return po


def update(template: polib.POFile, old: polib.POFile | None) -> polib.POFile:
    return update_catalogue(template, old, "en", plural_forms=PLURAL_EN)


def by_msgid(po: polib.POFile) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in po}


# ------------------------------------------------------------------ template


def test_template_has_one_entry_per_text_in_document_order(tmp_path: Path) -> None:
    segments = [
        Seg("Titre", "title", 1),
        Seg("Un paragraphe.", "paragraph", 3),
        Seg("Titre", "heading", 9),
        Seg("Un paragraphe.", "list-item", 12),
        Seg("Un paragraphe.", "list-item", 12),
        Seg("", "paragraph", 20),
    ]
    pot = build_template(POST, segments, slug="voyage", version="0.1.0", creation_date="D")
    assert [e.msgid for e in pot] == ["Titre", "Un paragraphe."]
    assert pot[0].occurrences == [(POST, "1"), (POST, "9")]
    assert pot[1].occurrences == [(POST, "3"), (POST, "12")]
    assert [e.comment for e in pot] == ["type: title", "type: paragraph"]
    text = written(pot, tmp_path)
    assert "#. type: title\n#: source_posts/voyage.md:1 source_posts/voyage.md:9\n" in text


def test_rebuilt_template_read_back_keeps_its_date(tmp_path: Path) -> None:
    segments = [Seg("Titre", "title", 1), Seg("Texte.", "paragraph", 3)]
    first = build_template(
        "./" + POST, segments, slug="voyage", version="0.1.0", creation_date="D1"
    )
    on_disk = read_po(written(first, tmp_path), "voyage.pot")
    again = build_template(
        "./" + POST, segments, slug="voyage", version="0.1.0", creation_date="D2"
    )
    carry_dates(again, on_disk, ["POT-Creation-Date"], "D2")
    assert again.metadata["POT-Creation-Date"] == "D1"


def test_template_header_fields_and_order() -> None:
    pot = template_of(PARAGRAPHS)
    assert list(pot.metadata) == [f for f in HEADER_FIELDS if f != "Plural-Forms"]
    assert pot.metadata["Project-Id-Version"] == "voyage"
    assert pot.metadata["POT-Creation-Date"] == "2025-09-06 12:00+0000"
    assert pot.metadata["PO-Revision-Date"] == "YEAR-MO-DA HO:MI+ZONE"
    assert pot.metadata["Language"] == ""
    assert pot.metadata["X-Generator"] == "postloc 0.1.0"
    assert pot.metadata_is_fuzzy


# -------------------------------------------------------------------- update


def test_new_catalogue_header_fields(tmp_path: Path) -> None:
    po = update_catalogue(template_of(PARAGRAPHS), None, "pt_BR", plural_forms=PLURAL_EN)
    assert list(po.metadata) == list(HEADER_FIELDS)
    assert po.metadata["Language"] == "pt_BR"
    assert po.metadata["Plural-Forms"] == PLURAL_EN
    assert po.metadata["POT-Creation-Date"] == "2025-09-06 12:00+0000"
    assert po.metadata["Language-Team"] == "pt_BR <LL@li.org>"
    assert po.metadata["X-Generator"] == "postloc 0.1.0"
    assert not po.metadata_is_fuzzy
    assert all(e.msgstr == "" for e in po)
    written(po, tmp_path)


def test_translator_header_fields_are_kept(tmp_path: Path) -> None:
    old = translated(template_of(PARAGRAPHS))
    old.metadata["Language-Team"] = "English <en@example.org>"
    old.metadata["X-Poedit-Basepath"] = "../.."
    old.header = "Reviewed by Ana."
    new = update_catalogue(
        template_of(PARAGRAPHS, creation="2025-10-01 08:00+0000"),
        old,
        "en",
        plural_forms=PLURAL_EN,
        revision_date="2025-10-01 09:00+0000",
    )
    assert new.metadata["Last-Translator"] == "Ana <ana@example.org>"
    assert new.metadata["Language-Team"] == "English <en@example.org>"
    assert list(new.metadata)[-1] == "X-Poedit-Basepath"
    assert new.metadata["POT-Creation-Date"] == "2025-10-01 08:00+0000"
    assert new.metadata["PO-Revision-Date"] == "2025-10-01 09:00+0000"
    assert new.header == "Reviewed by Ana."
    written(new, tmp_path)


def test_reviewed_entry_untouched(tmp_path: Path) -> None:
    old = translated(template_of(PARAGRAPHS))
    old[1].tcomment = "checked by Ana"
    new = update(template_of(PARAGRAPHS), old)
    entry = by_msgid(new)[PARAGRAPHS[0]]
    assert entry.msgstr == PARAGRAPHS[0].upper()
    assert entry.tcomment == "checked by Ana"
    assert entry.flags == [] and entry.previous_msgid is None
    assert written(new, tmp_path) == dump_po(old)


def test_one_word_changed_becomes_fuzzy_with_previous_msgid(tmp_path: Path) -> None:
    old = translated(template_of(PARAGRAPHS))
    changed = PARAGRAPHS[2].replace("petite", "grande")
    new = update(template_of([*PARAGRAPHS[:2], changed, PARAGRAPHS[3]]), old)
    entry = by_msgid(new)[changed]
    assert entry.flags == ["fuzzy"]
    assert entry.previous_msgid == PARAGRAPHS[2]
    assert entry.msgstr == PARAGRAPHS[2].upper()
    assert not any(e.obsolete for e in new)
    text = written(new, tmp_path)
    assert '#, fuzzy\n#| msgid ""\n#| "Le soir, nous avons dormi dans une petite' in text


def test_paragraph_deleted_becomes_obsolete(tmp_path: Path) -> None:
    old = translated(template_of(PARAGRAPHS))
    new = update(template_of(PARAGRAPHS[:3]), old)
    obsolete = [e for e in new if e.obsolete]
    assert [e.msgid for e in obsolete] == [PARAGRAPHS[3]]
    assert obsolete[0].msgstr == PARAGRAPHS[3].upper()
    assert obsolete[0].occurrences == [] and obsolete[0].comment == ""
    assert "#~ msgid" in written(new, tmp_path)


def test_deleted_then_restored_is_translated_again_not_fuzzy(tmp_path: Path) -> None:
    old = translated(template_of(PARAGRAPHS))
    without = update(template_of(PARAGRAPHS[:3]), old)
    restored = update(template_of(PARAGRAPHS), without)
    assert dump_po(restored) == dump_po(old)
    assert not any(e.obsolete or e.fuzzy for e in restored)
    written(restored, tmp_path)


def test_untranslated_entries_are_dropped_not_obsoleted(tmp_path: Path) -> None:
    old = update(template_of(PARAGRAPHS), None)
    new = update(template_of(PARAGRAPHS[:1]), old)
    assert not any(e.obsolete for e in new)
    written(new, tmp_path)


def test_moved_paragraph_translation_follows(tmp_path: Path) -> None:
    old = translated(template_of(PARAGRAPHS))
    moved = [PARAGRAPHS[3], *PARAGRAPHS[:3]]
    new = update(template_of(moved), old)
    assert [e.msgid for e in new] == ["Carnet de voyage", *moved]
    assert all(e.msgstr == e.msgid.upper() and not e.fuzzy for e in new)
    assert by_msgid(new)[PARAGRAPHS[3]].occurrences == [(POST, "4")]
    written(new, tmp_path)


def test_template_not_mutated() -> None:
    template = template_of([*PARAGRAPHS[:2], PARAGRAPHS[2].replace("petite", "grande")])
    old = translated(template_of(PARAGRAPHS))
    template_before, old_before = copy.deepcopy(template), copy.deepcopy(old)
    update(template, old)
    assert dump_po(template) == dump_po(template_before)
    assert dump_po(old) == dump_po(old_before)
    assert all(e.msgstr == "" and not e.flags for e in template)


def test_second_update_with_same_inputs_changes_nothing(tmp_path: Path) -> None:
    old = translated(template_of(PARAGRAPHS))
    edited = [PARAGRAPHS[0].replace("Lyon", "Grenoble"), *PARAGRAPHS[2:], "Un ajout."]
    first = update(template_of(edited), old)
    second = update(template_of(edited), read_po(written(first, tmp_path), "en.po"))
    assert dump_po(second) == dump_po(first)


def test_fuzzy_of_a_fuzzy_keeps_the_reviewed_source_text(tmp_path: Path) -> None:
    old = translated(template_of(PARAGRAPHS))
    step1 = update(template_of([PARAGRAPHS[0].replace("Lyon", "Grenoble")]), old)
    twice = PARAGRAPHS[0].replace("Lyon", "Annecy")
    step2 = update(template_of([twice]), step1)
    entry = by_msgid(step2)[twice]
    assert entry.fuzzy
    assert entry.previous_msgid == PARAGRAPHS[0]
    assert entry.msgstr == PARAGRAPHS[0].upper()
    written(step2, tmp_path)


def test_an_old_translation_is_lent_only_once(tmp_path: Path) -> None:
    old = translated(template_of(PARAGRAPHS[:1]))
    variants = [PARAGRAPHS[0] + " Encore.", PARAGRAPHS[0] + " Toujours."]
    new = update(template_of(variants), old)
    lent = [e for e in new if e.msgstr == PARAGRAPHS[0].upper()]
    assert len(lent) == 1 and lent[0].fuzzy
    assert sum(1 for e in new if e.msgid in variants and e.msgstr == "") == 1
    written(new, tmp_path)


def test_exact_match_is_not_lent_to_a_similar_entry() -> None:
    old = translated(template_of(PARAGRAPHS[:1]))
    new = update(template_of([PARAGRAPHS[0], PARAGRAPHS[0] + "!"]), old)
    assert by_msgid(new)[PARAGRAPHS[0] + "!"].msgstr == ""


def test_obsolete_translation_is_lent_to_a_similar_new_text(tmp_path: Path) -> None:
    old = translated(template_of(PARAGRAPHS))
    without = update(template_of(PARAGRAPHS[:3]), old)
    back = PARAGRAPHS[3].replace("1 200", "1 300")
    new = update(template_of([*PARAGRAPHS[:3], back]), without)
    entry = by_msgid(new)[back]
    assert entry.fuzzy and entry.previous_msgid == PARAGRAPHS[3]
    assert not any(e.obsolete for e in new)
    written(new, tmp_path)


def test_fuzzy_entry_keeps_machine_note_and_flags() -> None:
    from postloc.po.state import output_digest

    old = translated(template_of(PARAGRAPHS[:1]))
    note = f"MT: pseudo 1 fr→en {output_digest(old[1].msgstr)}"  # an untouched draft
    old[1].tcomment = note
    old[1].flags = ["fuzzy", "markup-damaged"]
    changed = PARAGRAPHS[0].replace("fine", "battante")
    entry = by_msgid(update(template_of([changed]), old))[changed]
    assert entry.tcomment == note
    assert entry.flags == ["fuzzy", "markup-damaged"]
    assert entry.previous_msgid == PARAGRAPHS[0]


def test_plural_entries_get_one_form_per_plural(tmp_path: Path) -> None:
    template = template_of(PARAGRAPHS[:1])
    template.append(polib.POEntry(msgid="one photo", msgid_plural="%d photos"))
    po = update_catalogue(
        template, None, "pl", plural_forms="nplurals=3; plural=(n==1 ? 0 : n%10>=2 ? 1 : 2);"
    )
    assert by_msgid(po)["one photo"].msgstr_plural == {0: "", 1: "", 2: ""}
    written(po, tmp_path)


def test_catalogue_plural_forms_outrank_babels(tmp_path: Path) -> None:
    """A newer CLDR (Babel 2.19 gives Spanish three forms) never rewrites a catalogue's rule."""
    template = template_of(PARAGRAPHS[:1])
    template.append(polib.POEntry(msgid="one photo", msgid_plural="%d photos"))
    old = update_catalogue(template, None, "es", plural_forms=PLURAL_EN)
    by_msgid(old)["one photo"].msgstr_plural = {0: "una foto", 1: "%d fotos"}
    new = update_catalogue(
        template, old, "es", plural_forms="nplurals=3; plural=(n == 1 ? 0 : n != 0 ? 1 : 2);"
    )
    assert new.metadata["Plural-Forms"] == PLURAL_EN
    assert by_msgid(new)["one photo"].msgstr_plural == {0: "una foto", 1: "%d fotos"}
    assert written(new, tmp_path) == written(old, tmp_path)


def test_a_catalogue_without_plural_forms_gets_babels(tmp_path: Path) -> None:
    old = translated(template_of(PARAGRAPHS))
    del old.metadata["Plural-Forms"]
    new = update(template_of(PARAGRAPHS), old)
    assert new.metadata["Plural-Forms"] == PLURAL_EN
    written(new, tmp_path)


def test_x_fields_of_the_catalogue_are_kept(tmp_path: Path) -> None:
    old = translated(template_of(PARAGRAPHS))
    old.metadata["X-Generator"] = "Poedit 3.4.2"
    old.metadata["X-Poedit-SourceCharset"] = "UTF-8"
    new = update(template_of(PARAGRAPHS), old)
    assert new.metadata["X-Generator"] == "Poedit 3.4.2"
    assert new.metadata["X-Poedit-SourceCharset"] == "UTF-8"
    written(new, tmp_path)


# --------------------------------------------------------------------- dates


def test_format_date_is_gettext_style() -> None:
    moment = datetime(2025, 9, 6, 12, 0, tzinfo=UTC)
    assert format_date(moment) == "2025-09-06 12:00+0000"
    east = datetime(2025, 9, 6, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    assert format_date(east) == "2025-09-06 14:30+0200"


def test_carry_dates_keeps_old_dates_when_nothing_else_changed() -> None:
    old = update_catalogue(
        template_of(PARAGRAPHS), None, "en", plural_forms=PLURAL_EN, revision_date="OLD"
    )
    new = update(template_of(PARAGRAPHS), old)
    new.metadata["PO-Revision-Date"] = "SOMETHING ELSE"
    carry_dates(new, old, ["PO-Revision-Date"], "NOW")
    assert new.metadata["PO-Revision-Date"] == "OLD"


def test_carry_dates_uses_now_when_content_changed() -> None:
    old = update_catalogue(
        template_of(PARAGRAPHS), None, "en", plural_forms=PLURAL_EN, revision_date="OLD"
    )
    new = update(template_of(PARAGRAPHS[:2]), old)
    carry_dates(new, old, ["PO-Revision-Date"], "NOW")
    assert new.metadata["PO-Revision-Date"] == "NOW"
    carry_dates(new, None, ["PO-Revision-Date"], "LATER")
    assert new.metadata["PO-Revision-Date"] == "LATER"


def test_carry_dates_for_templates() -> None:
    old = template_of(PARAGRAPHS, creation="2025-01-01 00:00+0000")
    same = template_of(PARAGRAPHS, creation="2025-09-06 12:00+0000")
    carry_dates(same, old, ["POT-Creation-Date"], "2025-09-06 12:00+0000")
    assert same.metadata["POT-Creation-Date"] == "2025-01-01 00:00+0000"
    other = template_of(PARAGRAPHS[:1])
    carry_dates(other, old, ["POT-Creation-Date"], "2025-09-07 10:00+0000")
    assert other.metadata["POT-Creation-Date"] == "2025-09-07 10:00+0000"


# ---------------------------------------------------- against the reference

_VOCAB_TEXT = (
    "le la les un une des de du et à en pour avec sur dans chat chien maison jardin soleil "
    "pluie voyage pays ville montagne rivière lumière histoire projet travail équipe texte "
    "Le La Un **gras** [lien](https://exemple.fr) — « »"
)
VOCAB = _VOCAB_TEXT.split()
PARAGRAPH = st.lists(st.sampled_from(VOCAB), min_size=1, max_size=30).map(" ".join)


@st.composite
def edit_rounds(draw: st.DrawFn) -> list[tuple[list[str], list[int]]]:
    """Successive versions of a post, each with the indices a translator then translates."""
    paragraphs = draw(st.lists(PARAGRAPH, min_size=5, max_size=40))
    deleted: list[str] = []
    versions = []
    for _ in range(draw(st.integers(1, 3))):
        for _ in range(draw(st.integers(1, 6))):
            action = draw(st.sampled_from(["change", "delete", "add", "move", "restore"]))
            i = draw(st.integers(0, max(len(paragraphs) - 1, 0)))
            if action == "change" and paragraphs:
                words = paragraphs[i].split(" ")
                words[draw(st.integers(0, len(words) - 1))] = draw(st.sampled_from(VOCAB))
                paragraphs[i] = " ".join(words)
            elif action == "delete" and paragraphs:
                deleted.append(paragraphs.pop(i))
            elif action == "move" and paragraphs:
                paragraphs.insert(draw(st.integers(0, len(paragraphs))), paragraphs.pop(i))
            elif action == "restore" and deleted:
                paragraphs.insert(i, deleted.pop(draw(st.integers(0, len(deleted) - 1))))
            else:
                paragraphs.insert(i, draw(PARAGRAPH))
        reviewed = draw(st.lists(st.integers(0, 45), max_size=10))
        versions.append((list(paragraphs), reviewed))
    return versions


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(initial=st.lists(PARAGRAPH, min_size=5, max_size=40), rounds=edit_rounds())
def test_update_matches_reference_implementation(
    initial: list[str], rounds: list[tuple[list[str], list[int]]], tmp_path: Path
) -> None:
    catalogue = translated(template_of(initial))
    for entry in catalogue[::3]:
        entry.flags = ["fuzzy"]
    for paragraphs, reviewed in rounds:
        template = template_of(paragraphs)
        got = update_catalogue(template, catalogue, "en", plural_forms=PLURAL_EN)
        expected = reference_update(template, catalogue, "en", plural_forms=PLURAL_EN)
        assert dump_po(got) == dump_po(expected)
        catalogue = got
        active = [e for e in catalogue if not e.obsolete]
        for i in reviewed:
            if i < len(active):
                active[i].msgstr = active[i].msgid.upper() + " ✓"
                active[i].flags = []
                active[i].previous_msgid = None
    written(catalogue, tmp_path)


# ------------------------------------------- exact restores, plurals, comments


def test_paragraph_edited_then_restored_is_reviewed_again(tmp_path: Path) -> None:
    """Attack 5: the reviewed translation of a text comes back reviewed with the text."""
    old = translated(template_of(PARAGRAPHS))
    edited = PARAGRAPHS[1].replace("rivière", "Loire")
    fuzzy = update(template_of([PARAGRAPHS[0], edited, *PARAGRAPHS[2:]]), old)
    assert by_msgid(fuzzy)[edited].fuzzy
    restored = update(template_of(PARAGRAPHS), read_po(written(fuzzy, tmp_path), "en.po"))
    entry = by_msgid(restored)[PARAGRAPHS[1]]
    assert not entry.fuzzy and entry.previous_msgid is None
    assert entry.msgstr == PARAGRAPHS[1].upper()
    assert dump_po(restored) == dump_po(old)
    written(restored, tmp_path)


def test_restore_after_two_edits_is_reviewed_again() -> None:
    old = translated(template_of(PARAGRAPHS))
    once = update(template_of([PARAGRAPHS[0].replace("Lyon", "Grenoble")]), old)
    twice = update(template_of([PARAGRAPHS[0].replace("Lyon", "Annecy")]), once)
    back = by_msgid(update(template_of([PARAGRAPHS[0]]), twice))[PARAGRAPHS[0]]
    assert not back.fuzzy and back.msgstr == PARAGRAPHS[0].upper()


def test_restore_takes_its_own_translation_over_a_more_similar_one() -> None:
    """The restored text gets the translation reviewed for it, not a closer neighbour's."""
    old = translated(template_of(PARAGRAPHS))
    edited = PARAGRAPHS[0].replace("septembre", "octobre")
    fuzzy = update(template_of([edited]), old)
    fuzzy.append(polib.POEntry(msgid=PARAGRAPHS[0] + " !", msgstr="CLOSER"))
    back = by_msgid(update(template_of([PARAGRAPHS[0]]), fuzzy))[PARAGRAPHS[0]]
    assert not back.fuzzy and back.msgstr == PARAGRAPHS[0].upper()


def test_restored_machine_draft_stays_a_draft() -> None:
    from postloc.po.state import entry_state, output_digest

    old = translated(template_of(PARAGRAPHS[:1]))
    old[1].tcomment = f"MT: pseudo 1 fr→en {output_digest(old[1].msgstr)}"
    old[1].flags = ["fuzzy"]
    edited = PARAGRAPHS[0].replace("fine", "battante")
    fuzzy = update(template_of([edited]), old)
    back = by_msgid(update(template_of([PARAGRAPHS[0]]), fuzzy))[PARAGRAPHS[0]]
    assert back.fuzzy and entry_state(back) == "machine"


def test_fuzzy_set_by_a_translator_stays_fuzzy() -> None:
    """No ``#| msgid``: the translator doubted the translation itself, not a source edit."""
    old = translated(template_of(PARAGRAPHS[:1]))
    old[1].flags = ["fuzzy"]
    assert by_msgid(update(template_of(PARAGRAPHS[:1]), old))[PARAGRAPHS[0]].fuzzy


def test_fuzzy_whose_previous_msgid_is_its_own_text_is_reviewed_again() -> None:
    """A catalogue written by an older postloc (or msgmerge) already holds the restored text."""
    old = translated(template_of(PARAGRAPHS[:1]))
    old[1].flags = ["fuzzy"]
    old[1].previous_msgid = PARAGRAPHS[0]
    entry = by_msgid(update(template_of(PARAGRAPHS[:1]), old))[PARAGRAPHS[0]]
    assert not entry.fuzzy and entry.previous_msgid is None


PLURAL_PL = "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"


def test_a_translators_plural_entry_keeps_every_form(tmp_path: Path) -> None:
    """Attack 6: the template has no plural, the translator's entry keeps its three forms."""
    template = template_of(PARAGRAPHS[:1])
    old = update_catalogue(template, None, "pl", plural_forms=PLURAL_PL)
    entry = by_msgid(old)[PARAGRAPHS[0]]
    entry.msgid_plural = "Nous sommes partis de Lyon des matins de septembre."
    entry.msgstr_plural = {0: "jeden", 1: "dwa", 2: "pięć"}
    new = update_catalogue(
        template, read_po(written(old, tmp_path), "pl.po"), "pl", plural_forms=PLURAL_PL
    )
    kept = by_msgid(new)[PARAGRAPHS[0]]
    assert kept.msgstr_plural == {0: "jeden", 1: "dwa", 2: "pięć"}
    assert not kept.fuzzy and kept.msgid_plural == entry.msgid_plural
    changed = PARAGRAPHS[0].replace("Lyon", "Nantes")
    lent = by_msgid(update_catalogue(template_of([changed]), new, "pl", plural_forms=PLURAL_PL))
    assert lent[changed].msgstr_plural == {0: "jeden", 1: "dwa", 2: "pięć"}
    assert lent[changed].fuzzy and lent[changed].previous_msgid_plural == entry.msgid_plural
    written(new, tmp_path)


def test_untranslated_entrys_comment_follows_its_changed_text(tmp_path: Path) -> None:
    """Attack 6: a translator's note on an entry not yet translated survives a source edit."""
    old = update(template_of(PARAGRAPHS), None)
    by_msgid(old)[PARAGRAPHS[2]].tcomment = "ask the author which family"
    edited = PARAGRAPHS[2].replace("petite", "grande")
    new = update(template_of([*PARAGRAPHS[:2], edited, PARAGRAPHS[3]]), old)
    entry = by_msgid(new)[edited]
    assert entry.tcomment == "ask the author which family"
    assert entry.msgstr == "" and not entry.fuzzy and entry.previous_msgid is None
    written(new, tmp_path)


def test_plural_and_comment_kept_like_msgmerge_keeps_them(tmp_path: Path) -> None:
    """msgmerge is the reference for keeping a comment: it keeps that of an exact match."""
    template = template_of(PARAGRAPHS[:1])
    old = translated(template)
    old[1].tcomment = "checked"
    (tmp_path / "ref.pot").write_text(dump_po(template), encoding="utf-8")
    (tmp_path / "def.po").write_text(dump_po(old), encoding="utf-8")
    merged = subprocess.run(
        [
            "msgmerge",
            "--previous",
            "-q",
            "-o",
            "-",
            str(tmp_path / "def.po"),
            str(tmp_path / "ref.pot"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    theirs = by_msgid(read_po(merged, "msgmerge.po"))[PARAGRAPHS[0]]
    ours = by_msgid(update(template, old))[PARAGRAPHS[0]]
    assert (ours.tcomment, ours.msgstr, ours.flags) == (
        theirs.tcomment,
        theirs.msgstr,
        theirs.flags,
    )
