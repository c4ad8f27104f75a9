"""Hostile input: whatever a contributor commits gets one line naming the file, exit 1, no write.

test_cli.py already covers broken YAML, an unknown language, a ``../`` slug,
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


@pytest.mark.parametrize("slug", ["a/b", "/etc/passwd", "a\\b", "Majuscule", "", "a b", ".cache"])
def test_bad_slug_in_front_matter(project: Path, slug: str) -> None:
    write(project, "source_posts/billet.md", f'---\nslug: "{slug}"\n---\n\nTexte.\n')
    result = assert_refused(project, names="source_posts/billet.md")
    assert "slug" in result.stderr


def test_slug_that_is_not_a_string(project: Path) -> None:
    write(project, "source_posts/billet.md", "---\nslug: [a, b]\n---\n\nTexte.\n")
    assert_refused(project, names="source_posts/billet.md")


def test_file_name_that_is_not_a_slug(project: Path) -> None:
    write(project, "source_posts/Mon Billet.md", "Texte.\n")
    assert_refused(project, names="source_posts/Mon Billet.md")


def test_two_posts_with_one_slug(project: Path) -> None:
    write(project, "source_posts/copie.md", f"---\nslug: {SLUG}\n---\n\nTexte.\n")
    result = assert_refused(project, names="source_posts/copie.md")
    assert POST in result.stderr


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


def test_translation_memory_that_is_not_a_database(project: Path) -> None:
    write(project, ".postloc/tm.sqlite3", b"pas une base SQLite " * 100)
    assert_refused(project, "translate", names=".postloc/tm.sqlite3")


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
