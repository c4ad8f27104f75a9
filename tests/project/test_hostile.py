"""Hostile input: whatever a contributor commits gets one line naming the file, exit 1, no write.

test_cli.py already covers broken YAML, an unknown language,
a corrupt ``.po`` and a header declaring another language; these are the rest.
Every test starts from a copy of one synced project, changes one thing, and
compares a snapshot of the whole tree (bytes and mtimes) before and after.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import Result

from helpers import make_project, run, snapshot
from postloc.mt.engines import pseudo
from postloc.mt.engines.pseudo import PseudoEngine

SLUG = "coalition-des-volontaires-paris"
POST = f"source_posts/{SLUG}.md"
PO_ES = f"locales/es/LC_MESSAGES/{SLUG}.po"


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One project synced once (the sample post, pseudo engine); tests work on copies."""
    root = make_project(tmp_path_factory.mktemp("synced") / "proj")
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    return root


@pytest.fixture
def project(synced: Path, tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(synced, root, symlinks=True)
    return root


def write(root: Path, name: str, data: str | bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def assert_refused(root: Path, *args: str, names: str, line: int | None = None) -> Result:
    """Run ``args`` (default ``sync``): one ``postloc: error:`` line naming ``names``, exit 1,
    and not one file of the project written, removed or touched."""
    before = snapshot(root)
    result = run(root, *(args or ("sync",)))
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("postloc: error: ")
    where = f"{names}:{line}:" if line is not None else names
    assert where in lines[0], lines[0]
    assert snapshot(root) == before
    return result


# --- source posts ---------------------------------------------------------------------------

ALIAS_BOMB = """\
---
title: Bombe
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
---

Texte.
"""


def test_yaml_alias_bomb_fails_fast(project: Path) -> None:
    write(project, "source_posts/bombe.md", ALIAS_BOMB)
    began = time.monotonic()
    result = assert_refused(project, names="source_posts/bombe.md", line=3)
    assert time.monotonic() - began < 0.5
    assert "alias" in result.stderr


def test_fifty_megabyte_post(project: Path) -> None:
    paragraph = "Un paragraphe d'une taille raisonnable, répété jusqu'à l'absurde.\n\n"
    path = write(project, "source_posts/enorme.md", "")
    with path.open("w", encoding="utf-8") as handle:
        chunk = paragraph * 10_000
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(chunk)
    began = time.monotonic()
    result = assert_refused(project, names="source_posts/enorme.md")
    assert time.monotonic() - began < 2
    assert "limit" in result.stderr
    path.unlink()  # pytest keeps the last runs' temp folders


def test_invalid_utf8_names_the_line(project: Path) -> None:
    data = b"---\ntitle: Titre\n---\n\nCaf\xe9 cr\xe8me.\n"
    write(project, "source_posts/latin1.md", data)
    result = assert_refused(project, names="source_posts/latin1.md", line=5)
    assert "UTF-8" in result.stderr


def test_invalid_utf8_in_front_matter_names_the_line(project: Path) -> None:
    write(project, "source_posts/latin1.md", b"---\ntitle: \xc9t\xe9\n---\n\nTexte.\n")
    assert_refused(project, names="source_posts/latin1.md", line=2)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b"])
def test_control_character_in_front_matter(project: Path, char: str) -> None:
    write(project, "source_posts/controle.md", f"---\ntitle: a{char}b\n---\n\nTexte.\n")
    assert_refused(project, names="source_posts/controle.md", line=2)


def test_symlink_to_a_file_outside_the_project(project: Path) -> None:
    outside = write(project.parent, "ailleurs/secret.md", "---\ntitle: Secret\n---\n\nSecret.\n")
    os.symlink(outside, project / "source_posts" / "lien.md")
    result = assert_refused(project, names="source_posts/lien.md")
    assert "Secret" not in result.stderr


def test_symlink_to_a_folder_outside_the_project(project: Path) -> None:
    os.symlink("/etc", project / "source_posts" / "etc.md")
    assert_refused(project, names="source_posts/etc.md")


def test_relative_symlink_escaping_through_dotdot(project: Path) -> None:
    write(project.parent, "voisin.md", "Texte voisin.\n")
    os.symlink("../../voisin.md", project / "source_posts" / "voisin.md")
    assert_refused(project, names="source_posts/voisin.md")


def test_symlink_inside_the_project_is_read(project: Path) -> None:
    """The refusal is about leaving the project, not about links as such."""
    write(project, "drafts/interne.md", "Un texte interne.\n")
    os.symlink("../drafts/interne.md", project / "source_posts" / "interne.md")
    result = run(project, "sync")
    assert result.exit_code == 0, result.stderr
    assert (project / "locales/templates/interne.pot").exists()


def test_symlink_loop_in_posts(project: Path) -> None:
    os.symlink("boucle-b.md", project / "source_posts" / "boucle-a.md")
    os.symlink("boucle-a.md", project / "source_posts" / "boucle-b.md")
    assert_refused(project, names="source_posts/boucle-a.md")


@pytest.mark.parametrize("slug", ["a/b", "/etc/passwd", "a\\b", "Majuscule", "", "../x", "[a, b]"])
def test_a_front_matter_slug_never_names_files(project: Path, slug: str) -> None:
    """Hugo's ``slug:`` is a part of the page's URL: whatever it holds, the post's template,
    catalogues and exports are named after its file (``billet``)."""
    write(project, "source_posts/billet.md", f"---\nslug: {slug}\n---\n\nTexte.\n")
    result = run(project, "sync")
    assert result.exit_code == 0, result.stderr
    assert (project / "locales/templates/billet.pot").is_file()
    assert (project / "build/en/billet.md").is_file()
    assert sorted(p.name for p in project.parent.iterdir()) == [project.name]


def test_a_file_name_with_spaces_and_capitals_gets_a_safe_name(project: Path) -> None:
    write(project, "source_posts/Mon Billet : l'été.md", "Un billet au nom libre.\n")
    result = run(project, "sync")
    assert result.exit_code == 0, result.stderr
    template = (project / "locales/templates/mon-billet-l-ete.pot").read_text(encoding="utf-8")
    assert "#: source_posts/Mon\u00a0Billet\u00a0:\u00a0l'été.md:1\n" in template


def test_two_files_with_one_catalogue_name(project: Path) -> None:
    write(project, "source_posts/Coalition des volontaires : Paris.md", "Texte.\n")
    result = assert_refused(project, names="source_posts/coalition-des-volontaires-paris.md")
    assert "source_posts/Coalition des volontaires : Paris.md" in result.stderr
    assert f"catalogue name '{SLUG}'" in result.stderr


@pytest.mark.parametrize(
    ("front", "found"), [("- un\n- deux", "a list"), ("juste du texte", "a single value")]
)
def test_front_matter_that_is_not_a_mapping(project: Path, front: str, found: str) -> None:
    write(project, "source_posts/liste.md", f"---\n{front}\n---\n\nTexte.\n")
    result = assert_refused(project, names="source_posts/liste.md", line=2)
    assert found in result.stderr


def test_deeply_nested_front_matter(project: Path) -> None:
    write(project, "source_posts/profond.md", f"---\ntitle: {'[' * 5000}{']' * 5000}\n---\n\nT.\n")
    assert_refused(project, names="source_posts/profond.md", line=2)


@pytest.mark.parametrize(
    "value", ["!!python/object/apply:os.system ['touch pwned']", "!!python/name:os.system"]
)
def test_python_tags_are_not_constructed(project: Path, value: str) -> None:
    write(project, "source_posts/tag.md", f"---\ntitle: {value}\n---\n\nTexte.\n")
    assert_refused(project, names="source_posts/tag.md")
    assert not (project / "pwned").exists()


def test_huge_integer_in_front_matter(project: Path) -> None:
    write(project, "source_posts/nombre.md", f"---\ntitle: T\nn: {'9' * 5000}\n---\n\nTexte.\n")
    assert_refused(project, names="source_posts/nombre.md")


def test_one_bad_post_among_good_ones_stops_everything(project: Path) -> None:
    """Validation comes before any write: the good new post is not extracted either."""
    write(project, "source_posts/aaa-bon.md", "Un bon billet.\n")
    write(project, "source_posts/zzz-mauvais.md", b"Mauvais \xff.\n")
    assert_refused(project, names="source_posts/zzz-mauvais.md", line=1)
    assert not (project / "locales/templates/aaa-bon.pot").exists()


@pytest.mark.parametrize(
    "value", ['"\\ud800"', '"a\\udc00b"', '"a\\0b"', '"a\\x1bb"', '"\\a"', '[ok, "\\x00"]']
)
def test_escaped_surrogate_or_control_character_in_front_matter(project: Path, value: str) -> None:
    """YAML escapes make characters the reader never sees: a lone surrogate gave a 41-line
    traceback after files were written, a NUL went raw into the template and the export."""
    write(project, "source_posts/echappe.md", f"---\ntitle: T\ndescription: {value}\n---\n\nT.\n")
    result = assert_refused(project, names="source_posts/echappe.md", line=3)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f"])
def test_control_character_in_a_post_body(project: Path, char: str) -> None:
    """A NUL in a paragraph went raw into the .pot, the .po and the export (msgfmt then
    truncates the string); now refused with the line, before anything is written."""
    text = f"---\ntitle: T\n---\n\nPremier.\n\nDeux{char}ième.\n"
    write(project, "source_posts/corps.md", text)
    result = assert_refused(project, names="source_posts/corps.md", line=7)
    assert f"U+{ord(char):04X}" in result.stderr


@pytest.mark.parametrize(
    ("name", "shown"), [(b"caf\xe9.md", "caf\\xe9.md"), (b"a\nb.md", "a\\nb.md")]
)
def test_file_name_that_cannot_go_in_a_catalogue(project: Path, name: bytes, shown: str) -> None:
    """A name that is not UTF-8 gave a traceback (a surrogate cannot be written); a newline
    in it split the ``#:`` reference line, so msgfmt refused every catalogue of the post."""
    folder = os.fsencode(project / "source_posts")
    with open(folder + b"/" + name, "wb") as handle:
        handle.write(b"---\nslug: nom-bizarre\n---\n\nTexte.\n")
    result = assert_refused(project, names=f"source_posts/{shown}")
    assert "rename the file" in result.stderr


def test_tab_and_crlf_in_a_post_are_fine(project: Path) -> None:
    write(project, "source_posts/tabs.md", "---\r\ntitle: T\r\n---\r\n\r\n\tcode\r\n\r\nA\tb.\r\n")
    result = run(project, "sync")
    assert result.exit_code == 0, result.stderr


# --- catalogues -------------------------------------------------------------------------------


def test_po_with_a_duplicate_msgid_names_its_line(project: Path) -> None:
    path = project / PO_ES
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("msgid") and i > 2)
    text += '\nmsgid "Bonjour"\nmsgstr "Hola"\n\nmsgid "Bonjour"\nmsgstr "Buenas"\n'
    path.write_text(text, encoding="utf-8")
    duplicate_line = len(text.splitlines()) - 1
    assert first < duplicate_line
    result = assert_refused(project, names=PO_ES, line=duplicate_line)
    assert "duplicate" in result.stderr


def test_po_duplicating_an_extracted_msgid(project: Path) -> None:
    path = project / PO_ES
    text = path.read_text(encoding="utf-8")
    start = text.index("\n#:")  # the first real entry, copied to the end
    entry = text[start : text.index("\n\n", start + 1)]
    path.write_text(text + entry + "\n", encoding="utf-8")
    assert_refused(project, names=PO_ES)


@pytest.mark.parametrize("command", ["sync", "update", "translate", "export", "status", "check"])
def test_po_that_is_not_utf8_names_its_line(project: Path, command: str) -> None:
    path = project / PO_ES
    text = path.read_text(encoding="utf-8")
    path.write_bytes(
        text.encode("utf-8").replace(b"Language: es", b'Language: es\\n"\n"X-Note: caf\xe9')
    )
    line = text[: text.index("Language: es")].count("\n") + 2
    assert_refused(project, command, names=PO_ES, line=line)


def test_po_in_latin1_with_a_charset_header(project: Path) -> None:
    """A catalogue saved by an old tool in ISO-8859-1: refused, not misread."""
    path = project / PO_ES
    text = path.read_text(encoding="utf-8").replace("charset=UTF-8", "charset=ISO-8859-1")
    path.write_bytes(text.encode("latin-1", errors="replace"))
    assert_refused(project, names=PO_ES)


def test_empty_po(project: Path) -> None:
    (project / PO_ES).write_bytes(b"")
    assert_refused(project, names=PO_ES)


@pytest.mark.parametrize("name", [PO_ES, f"locales/templates/{SLUG}.pot"])
def test_catalogue_that_is_a_directory(project: Path, name: str) -> None:
    (project / name).unlink()
    (project / name).mkdir()
    write(project, f"{name}/inside.txt", "x")
    assert_refused(project, names=name)


def test_catalogue_symlink_outside_the_project(project: Path) -> None:
    secret = write(project.parent, "secret.txt", "TOKEN=abc123\n")
    (project / PO_ES).unlink()
    os.symlink(secret, project / PO_ES)
    result = assert_refused(project, names=PO_ES)
    assert "abc123" not in result.stderr
    assert "outside the project" in result.stderr


@pytest.mark.parametrize(
    ("field", "string"),
    [
        ("msgstr", "a\\0b"),
        ("msgstr", "a\\033b"),
        ("msgstr", "a\\x1b!"),
        ("msgstr", "a\\ab"),
        ("msgstr", "a\x1bb"),
        ("msgid", "a\\0b"),
        ("msgid", "a\x00b"),
    ],
)
def test_control_character_in_a_catalogue(project: Path, field: str, string: str) -> None:
    """A ``\\0`` in a msgstr was written raw into the catalogue and the export, where msgfmt
    truncates the string; an escape or a raw control character is now refused with its line."""
    path = project / PO_ES
    text = path.read_text(encoding="utf-8")
    entry = 'msgid "Zzz"\nmsgstr "Zzz"\n'.replace(f'{field} "Zzz"', f'{field} "{string}"')
    text += "\n" + entry
    path.write_text(text, encoding="utf-8")
    line = len(text.splitlines()) - (1 if field == "msgstr" else 2) + 1
    result = assert_refused(project, names=PO_ES, line=line)
    assert "control character" in result.stderr


def test_reviewer_catalogue_with_a_nul_is_refused_by_merge_review(project: Path) -> None:
    reviewed = project.parent / "revue.po"
    text = (project / PO_ES).read_text(encoding="utf-8")
    reviewed.write_text(text + '\nmsgid "Zzz"\nmsgstr "a\\0b"\n', encoding="utf-8")
    line = len(text.splitlines()) + 3
    assert_refused(
        project, "merge-review", "--lang", "es", str(reviewed), names="revue.po", line=line
    )


def test_translation_memory_that_is_not_a_database(project: Path) -> None:
    write(project, ".postloc/tm.sqlite3", b"pas une base SQLite " * 100)
    assert_refused(project, "translate", names=".postloc/tm.sqlite3")


# --- where writes go ----------------------------------------------------------------------------


def configure(root: Path, top: str = "", export: str = "") -> None:
    """Add top-level keys and an ``[export]`` table to the project's postloc.toml."""
    path = root / "postloc.toml"
    text = top + path.read_text(encoding="utf-8")
    path.write_text(text + (f"\n[export]\n{export}" if export else ""), encoding="utf-8")


@pytest.mark.parametrize(
    "pattern", ["{slug}/{slug}.{lang}.md", "../fuite/{lang}/{slug}.md", "ABSOLUTE/{lang}/{slug}.md"]
)
@pytest.mark.parametrize("command", ["sync", "export"])
def test_export_filename_that_repeats_or_escapes(project: Path, pattern: str, command: str) -> None:
    """``{slug}`` twice crashed every sync with ``re.error`` after writing; ``../`` or an
    absolute path wrote outside the output folder. Now postloc.toml is refused at load."""
    pattern = pattern.replace("ABSOLUTE", str(project.parent / "absolu"))
    configure(project, export=f"filename = '{pattern}'\n")
    result = assert_refused(project, command, names="postloc.toml")
    assert "export.filename" in result.stderr
    assert not (project.parent / "fuite").exists()
    assert not (project.parent / "absolu").exists()


@pytest.mark.parametrize("command", ["sync", "export", "update", "translate"])
def test_output_folder_symlinked_outside_the_project(project: Path, command: str) -> None:
    """A symlinked ``build/`` was followed for writes (reads of such links were refused)."""
    outside = project.parent / "ailleurs"
    outside.mkdir()
    shutil.rmtree(project / "build")
    os.symlink(outside, project / "build")
    result = assert_refused(project, command, names="build")
    assert "symbolic link" in result.stderr
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("inside", [False, True])
def test_language_folder_symlinked_out_of_the_output_folder(project: Path, inside: bool) -> None:
    """``build/es`` → ``/etc``-like: refused, whether or not the target is in the project."""
    outside = project / "notes" if inside else project.parent / "etc"
    outside.mkdir()
    shutil.rmtree(project / "build/es")
    os.symlink(outside, project / "build/es")
    result = assert_refused(project, "export", names="build/es")
    assert "symbolic link" in result.stderr
    assert list(outside.iterdir()) == []


def test_export_out_folder_symlinked_outside_the_project(project: Path) -> None:
    """``--out`` inside the project is held to the same rule as ``output_dir``."""
    outside = project.parent / "ailleurs"
    outside.mkdir()
    os.symlink(outside, project / "dist")
    assert_refused(project, "export", "--out", str(project / "dist"), names="dist")
    assert list(outside.iterdir()) == []


def test_state_folder_symlinked_outside_the_project(project: Path) -> None:
    """The lock, the memory and the sync cache are writes too."""
    outside = project.parent / "etat"
    shutil.move(project / ".postloc", outside)
    os.symlink(outside, project / ".postloc")
    before = sorted(p.name for p in outside.iterdir())
    assert_refused(project, names=".postloc")
    assert sorted(p.name for p in outside.iterdir()) == before


def test_catalogue_folder_symlinked_outside_the_project(project: Path) -> None:
    outside = project.parent / "autres"
    outside.mkdir()
    shutil.rmtree(project / "locales/eo")
    os.symlink(outside, project / "locales/eo")
    assert_refused(project, names="locales/eo")
    assert list(outside.iterdir()) == []


def test_export_symlinked_to_a_file_outside_is_replaced_not_followed(project: Path) -> None:
    secret = write(project.parent, "secret.md", "ne pas toucher\n")
    export = project / f"build/es/{SLUG}.md"
    export.unlink()
    os.symlink(secret, export)
    result = run(project, "export")
    assert result.exit_code == 0, result.stderr
    assert secret.read_text(encoding="utf-8") == "ne pas toucher\n"
    assert not export.is_symlink() and export.is_file()


def test_output_folder_symlinked_inside_the_project_is_written(project: Path) -> None:
    """The refusal is about leaving the project, not about links as such."""
    (project / "site").mkdir()
    shutil.move(project / "build", project / "site" / "build")
    os.symlink("site/build", project / "build")
    write(project, "source_posts/nouveau.md", "Un nouveau billet.\n")
    result = run(project, "sync")
    assert result.exit_code == 0, result.stderr
    assert (project / "site/build/es/nouveau.md").is_file()


def test_output_folder_outside_the_project_by_configuration(project: Path) -> None:
    """An ``output_dir`` the user chose outside the project is theirs to choose."""
    configure(project, top='output_dir = "../site"\n')
    result = run(project, "sync")
    assert result.exit_code == 0, result.stderr
    assert (project.parent / f"site/es/{SLUG}.md").is_file()


# --- engines ----------------------------------------------------------------------------------


class ShortEngine(PseudoEngine):
    """Pseudo engine that loses the last output of every batch."""

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        return super().translate(texts, source, target)[:-1]


class ExtraEngine(PseudoEngine):
    """Pseudo engine that returns one output too many."""

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        return [*super().translate(texts, source, target), "[en trop]"]


@pytest.mark.parametrize("engine", [ShortEngine, ExtraEngine])
def test_engine_with_the_wrong_number_of_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: type[PseudoEngine]
) -> None:
    root = make_project(tmp_path / "proj")
    for stage in ("extract", "update"):
        assert run(root, stage).exit_code == 0
    # the registry builds pseudo with pseudo:PseudoEngine.from_config, looked up per build
    monkeypatch.setattr(pseudo, "PseudoEngine", engine)
    result = assert_refused(root, "translate", names="engine pseudo")
    assert "translations for" in result.stderr
    assert not (root / ".postloc/tm.sqlite3").exists() or _memory_rows(root) == 0


def _memory_rows(root: Path) -> int:
    import sqlite3

    with sqlite3.connect(root / ".postloc/tm.sqlite3") as db:
        return int(db.execute("SELECT COUNT(*) FROM tm").fetchone()[0])
