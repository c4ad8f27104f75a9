"""compile_catalogue: ``.mo`` bytes that ``msgunfmt`` reads back like ``msgfmt``'s own."""

from __future__ import annotations

import shutil
import subprocess

import polib
import pytest

from postloc.po.mo import compile_catalogue
from postloc.po.state import MachineNote, output_digest

pytestmark = pytest.mark.skipif(
    shutil.which("msgfmt") is None or shutil.which("msgunfmt") is None,
    reason="GNU gettext tools are required",
)


def make_po() -> polib.POFile:
    po = polib.POFile(wrapwidth=79)
    po.metadata = {
        "Project-Id-Version": "coalition",
        "Language": "en",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
        "X-Generator": "postloc 0.1.0",
    }
    po.metadata_is_fuzzy = True
    note = MachineNote("pseudo", "1", "fr", "en", output_digest("Ƥâŕîš")).render()
    entries = [
        polib.POEntry(msgid="Paris", msgstr="Paris", occurrences=[("source_posts/p.md", "3")]),
        polib.POEntry(msgid="Le **35 pays** — « oui » !", msgstr="The **35 countries** — “yes”!"),
        polib.POEntry(msgid="Zèbre\tet\nligne", msgstr='Zebra\tand\nline "quoted" \\'),
        polib.POEntry(msgid="Ƥaris draft", msgstr="Ƥâŕîš", flags=["fuzzy"], tcomment=note),
        polib.POEntry(msgid="Human fuzzy", msgstr="Fuzzy", flags=["fuzzy"], previous_msgid="Old"),
        polib.POEntry(msgid="Untranslated", msgstr=""),
        polib.POEntry(msgid="Titre", msgstr="Title (a)", msgctxt="a"),
        polib.POEntry(msgid="Titre", msgstr="Title (b)", msgctxt="b"),
        polib.POEntry(
            msgid="un pays", msgid_plural="des pays", msgstr_plural={0: "one", 1: "many"}
        ),
        polib.POEntry(msgid="un mot", msgid_plural="des mots", msgstr_plural={0: "", 1: "words"}),
        polib.POEntry(msgid="Ancien", msgstr="Old", obsolete=True),
        polib.POEntry(msgid="A" * 200, msgstr="B " * 120),
    ]
    for entry in entries:
        po.append(entry)
    return po


def unfmt(path) -> str:
    return subprocess.run(
        ["msgunfmt", str(path)], check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.parametrize("use_fuzzy", [False, True])
def test_msgunfmt_reads_back_what_msgfmt_would_write(tmp_path, use_fuzzy):
    po = make_po()
    po_path = tmp_path / "p.po"
    po_path.write_text(str(po), encoding="utf-8")
    ref = tmp_path / "ref.mo"
    subprocess.run(
        ["msgfmt", *(["--use-fuzzy"] if use_fuzzy else []), "-o", str(ref), str(po_path)],
        check=True,
    )
    ours = tmp_path / "ours.mo"
    ours.write_bytes(compile_catalogue(po, use_fuzzy=use_fuzzy))
    assert unfmt(ours) == unfmt(ref)
    text = unfmt(ours)
    assert ("Ƥâŕîš" in text) is use_fuzzy and ("Fuzzy" in text) is use_fuzzy
    assert "Untranslated" not in text and "Ancien" not in text and "des mots" not in text
    assert 'msgctxt "b"' in text and "X-Generator: postloc 0.1.0" in text


def test_expected_entries(tmp_path):
    mo = tmp_path / "p.mo"
    mo.write_bytes(compile_catalogue(make_po()))
    back = polib.mofile(str(mo))
    assert back.metadata["Language"] == "en"
    assert {(e.msgctxt, e.msgid) for e in back} == {
        (None, "Paris"),
        (None, "Le **35 pays** — « oui » !"),
        (None, "Zèbre\tet\nligne"),
        ("a", "Titre"),
        ("b", "Titre"),
        (None, "un pays"),
        (None, "A" * 200),
    }


def test_gettext_reads_it(tmp_path):
    import gettext

    mo = tmp_path / "p.mo"
    mo.write_bytes(compile_catalogue(make_po()))
    with mo.open("rb") as handle:
        t = gettext.GNUTranslations(handle)
    assert t.gettext("Paris") == "Paris"
    assert t.pgettext("b", "Titre") == "Title (b)"
    assert t.ngettext("un pays", "des pays", 3) == "many"
    assert t.gettext("Human fuzzy") == "Human fuzzy"


def test_deterministic_and_empty():
    assert compile_catalogue(make_po()) == compile_catalogue(make_po())
    empty = compile_catalogue(polib.POFile())
    assert len(empty) == 28  # header only: no strings at all
