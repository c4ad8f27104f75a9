"""Catalogue headers belong to the catalogue: a library's newer data never makes them stale.

A fresh machine once got a Babel whose CLDR gives Spanish and Catalan three plural forms;
postloc rewrote the committed catalogues' ``Plural-Forms`` and ``sync --check`` failed on a
project where nothing had changed. ``msgmerge`` keeps the catalogue's header; so does postloc.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from helpers import REPO, make_project, run, snapshot
from postloc.project import stages

THREE_FORMS = "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);"
"""Babel 2.19's Spanish rule: what a newer CLDR says, unlike the committed catalogues."""


@pytest.fixture
def committed(tmp_path: Path) -> Path:
    """A copy of this repository's own project: its posts, config and committed catalogues."""
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(REPO / "postloc.toml", root / "postloc.toml")
    shutil.copytree(REPO / "source_posts", root / "source_posts")
    shutil.copytree(REPO / "locales", root / "locales")
    return root


def test_committed_catalogues_stay_current_under_other_plural_data(
    committed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stages, "plural_forms", lambda lang: THREE_FORMS)
    before = snapshot(committed)
    result = run(committed, "sync", "--check")
    assert result.exit_code == 0, result.stderr
    result = run(committed, "update")
    assert result.exit_code == 0, result.stderr
    assert snapshot(committed) == before


def test_a_new_catalogue_takes_babels_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    monkeypatch.setattr(stages, "plural_forms", lambda lang: THREE_FORMS)
    for stage in ("extract", "update"):
        assert run(root, stage).exit_code == 0
    po = polib.pofile(str(root / "locales/es/LC_MESSAGES/coalition-des-volontaires-paris.po"))
    assert po.metadata["Plural-Forms"] == THREE_FORMS


@pytest.mark.parametrize("layout", [["-w", "40"], ["--no-wrap"], ["polib"]])
def test_a_rewrapped_catalogue_is_neither_stale_nor_rewritten(
    tmp_path: Path, layout: list[str]
) -> None:
    """Poedit, Weblate and msgcat wrap differently from postloc: layout is never content."""
    root = make_project(tmp_path / "p")
    assert run(root, "sync").exit_code == 0
    catalogues = sorted((root / "locales").rglob("*.po")) + sorted(
        (root / "locales").rglob("*.pot")
    )
    ours = {path: path.read_bytes() for path in catalogues}
    for path in catalogues:
        if layout == ["polib"]:
            polib.pofile(str(path), wrapwidth=50).save(str(path))
        else:
            done = subprocess.run(["msgcat", *layout, "-o", str(path), str(path)])
            assert done.returncode == 0
    assert sum(path.read_bytes() != ours[path] for path in catalogues) >= len(catalogues) // 2
    before = snapshot(root)
    result = run(root, "sync", "--check")
    assert result.exit_code == 0, result.stderr
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    assert snapshot(root) == before


def test_a_rewrapped_catalogue_is_rewritten_in_postlocs_layout_when_content_changes(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path / "p")
    assert run(root, "sync").exit_code == 0
    path = root / "locales/es/LC_MESSAGES/coalition-des-volontaires-paris.po"
    ours = path.read_bytes()
    subprocess.run(["msgcat", "-w", "40", "-o", str(path), str(path)], check=True)
    assert path.read_bytes() != ours
    post = root / "source_posts/coalition-des-volontaires-paris.md"
    post.write_text(post.read_text() + "\nUn paragraphe ajouté à la fin.\n")
    result = run(root, "sync", "--check")
    assert result.exit_code == 1
    assert run(root, "sync").exit_code == 0
    text = path.read_text()
    assert "Un paragraphe ajouté à la fin." in text
    assert max(len(line) for line in text.splitlines()) > 40  # postloc's layout again


def test_a_draft_edited_in_a_tool_does_not_make_the_catalogue_stale(tmp_path: Path) -> None:
    """Its stale ``MT:`` line is postloc's to drop: ``sync`` does, ``sync --check`` passes."""
    root = make_project(tmp_path / "p")
    assert run(root, "sync").exit_code == 0
    path = root / "locales/es/LC_MESSAGES/coalition-des-volontaires-paris.po"
    po = polib.pofile(str(path))
    draft = next(e for e in po if e.tcomment.startswith("MT:"))
    draft.msgstr = "Texto corregido por una persona."
    po.save(str(path))
    before = snapshot(root)
    result = run(root, "sync", "--check")
    assert result.exit_code == 0, result.stderr
    assert snapshot(root) == before
    assert run(root, "sync").exit_code == 0
    edited = next(e for e in polib.pofile(str(path)) if e.msgid == draft.msgid)
    assert edited.msgstr == "Texto corregido por una persona." and not edited.tcomment
    exported = (root / "build/es/coalition-des-volontaires-paris.md").read_text()
    assert "Texto corregido por una persona." in exported
    assert run(root, "sync", "--check").exit_code == 0
