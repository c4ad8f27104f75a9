"""Deletes and overwrites confined to what postloc wrote (issue 13, attack 2).

``export --prune`` and the temp-file sweep act only on files in postloc's records of its
exports (``locales/exports.json``, committed, and ``.postloc/exports.json``) and on temp
names ``atomic_write`` makes for files postloc writes; a source post or a file a person
made is never removed or overwritten.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import PSEUDO_CONFIG, french_post, make_project, run
from postloc.files import temp_target

POSTS = {"billet.md": french_post("billet", 3), "autre.md": french_post("autre", 3)}


def project(tmp_path: Path, extra: str = "") -> Path:
    root = make_project(
        tmp_path / "site", PSEUDO_CONFIG.replace("[engines]", f"{extra}\n[engines]"), POSTS
    )
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    return root


def test_prune_never_removes_a_source_post_when_output_is_the_project(tmp_path: Path) -> None:
    """``output_dir = "."``: ``source_posts/billet.md`` looked like ``{lang}/{slug}.md``."""
    root = project(tmp_path, 'output_dir = "."')
    result = run(root, "export", "--prune")
    assert result.exit_code == 0, result.stderr
    assert (root / "source_posts/billet.md").read_text(encoding="utf-8") == POSTS["billet.md"]
    assert (root / "source_posts/autre.md").is_file()
    assert "source_posts" not in result.stderr


def test_prune_keeps_files_a_person_made_in_the_output_folder(tmp_path: Path) -> None:
    root = project(tmp_path)
    notes, about = root / "build/assets/notes.md", root / "build/es/about.md"
    notes.parent.mkdir(parents=True)
    notes.write_text("mes notes", encoding="utf-8")
    about.write_text("sobre mí", encoding="utf-8")
    result = run(root, "export", "--prune")
    assert result.exit_code == 0, result.stderr
    assert notes.read_text(encoding="utf-8") == "mes notes"
    assert about.read_text(encoding="utf-8") == "sobre mí"
    assert "about.md" not in result.stderr and "notes.md" not in result.stderr


def test_prune_removes_the_exports_of_a_deleted_post(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "source_posts/autre.md").unlink()
    result = run(root, "export")
    assert "stale (use --prune): build/en/autre.md" in result.stderr
    assert (root / "build/en/autre.md").is_file()
    result = run(root, "export", "--prune")
    assert result.exit_code == 0, result.stderr
    for lang in ("en", "es", "ca", "eo"):
        assert f"removed: build/{lang}/autre.md" in result.stderr
        assert not (root / f"build/{lang}/autre.md").exists()
        assert (root / f"build/{lang}/billet.md").is_file()
    kept = [f"build/{lang}/billet.md" for lang in ("ca", "en", "eo", "es")]
    for name in (".postloc/exports.json", "locales/exports.json"):
        record = json.loads((root / name).read_text(encoding="utf-8"))
        assert sorted(record["files"]) == kept, name


def test_prune_removes_the_exports_of_a_dropped_language(tmp_path: Path) -> None:
    root = project(tmp_path)
    config = root / "postloc.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('"ca", ', ""), encoding="utf-8")
    result = run(root, "export", "--prune")
    assert result.exit_code == 0, result.stderr
    assert "removed: build/ca/billet.md" in result.stderr
    assert not (root / "build/ca/billet.md").exists() and (root / "build/en/billet.md").exists()


def test_prune_keeps_an_export_edited_after_postloc_wrote_it(tmp_path: Path) -> None:
    root = project(tmp_path)
    edited = root / "build/en/autre.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA note of mine.\n", encoding="utf-8")
    (root / "source_posts/autre.md").unlink()
    result = run(root, "export", "--prune")
    assert result.exit_code == 0, result.stderr
    assert edited.is_file()
    assert "kept: build/en/autre.md (stale, but edited since postloc wrote it)" in result.stderr
    assert not (root / "build/es/autre.md").exists()


def test_export_never_overwrites_a_file_it_did_not_write(tmp_path: Path) -> None:
    root = make_project(tmp_path / "site", posts=POSTS)
    mine = root / "build/es/billet.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("mi traducción", encoding="utf-8")
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    assert mine.read_text(encoding="utf-8") == "mi traducción"
    assert (
        "not written: build/es/billet.md (not written by postloc; keep it and bring it into "
        "the catalogues with `postloc adopt --lang es`, or delete it to let postloc export there)"
    ) in result.stderr
    result = run(root, "export")
    assert result.exit_code == 0, result.stderr
    assert mine.read_text(encoding="utf-8") == "mi traducción"
    assert "1 left alone (not postloc's)" in result.stderr.splitlines()[-1]


def test_export_never_overwrites_an_export_edited_since(tmp_path: Path) -> None:
    root = project(tmp_path)
    edited = root / "build/en/billet.md"
    edited.write_text("my own version", encoding="utf-8")
    (root / "source_posts/billet.md").write_text(french_post("billet", 4), encoding="utf-8")
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    assert edited.read_text(encoding="utf-8") == "my own version"
    assert (
        "not written: build/en/billet.md (edited since postloc wrote it; keep the edits with "
        "`postloc adopt --lang en`, or delete it to let postloc export there)"
    ) in result.stderr
    assert "**4 pàýš**" in (root / "build/es/billet.md").read_text(encoding="utf-8")


def test_export_rewrites_its_own_export_when_the_translation_changes(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "source_posts/billet.md").write_text(french_post("billet", 4), encoding="utf-8")
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    assert "not written" not in result.stderr
    assert "**4 pàýš**" in (root / "build/en/billet.md").read_text(encoding="utf-8")


def test_exports_identical_to_what_postloc_writes_are_adopted_without_any_record(
    tmp_path: Path,
) -> None:
    """Without either record an export with exactly postloc's bytes is recorded again, so
    ``make translate`` works and a later prune can remove it."""
    root = project(tmp_path)
    shutil.rmtree(root / ".postloc")
    (root / "locales/exports.json").unlink()
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    assert "not written" not in result.stderr
    (root / "source_posts/autre.md").unlink()
    result = run(root, "export", "--prune")
    assert "removed: build/en/autre.md" in result.stderr
    assert not (root / "build/en/autre.md").exists()


def test_exports_named_as_translations_go_beside_their_sources_and_are_never_read(
    tmp_path: Path,
) -> None:
    """Hugo's translation by file name (``output_dir`` = the posts folder, ``{slug}.{lang}.md``):
    the exports are written beside the sources, and never read back as French posts."""
    config = PSEUDO_CONFIG.replace(
        "[engines]", '[export]\nfilename = "{slug}.{lang}.md"\n\n[engines]'
    )
    root = make_project(
        tmp_path / "site",
        config.replace(
            'target_languages = ["en", "es", "ca", "eo"]',
            'target_languages = ["en"]\noutput_dir = "source_posts"',
        ),
        POSTS,
    )
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    names = ["autre.en.md", "autre.md", "billet.en.md", "billet.md"]
    assert sorted(p.name for p in (root / "source_posts").iterdir()) == names
    assert (root / "source_posts/billet.md").read_text(encoding="utf-8") == POSTS["billet.md"]
    again = run(root, "-v", "sync")
    assert again.exit_code == 0, again.stderr
    assert "not read: source_posts/billet.en.md (exported by postloc" in again.stderr
    templates = sorted(p.name for p in (root / "locales/templates").iterdir())
    assert templates == ["autre.pot", "billet.pot"]


def test_export_never_writes_where_a_source_post_would_be_read(tmp_path: Path) -> None:
    """``{slug}-{lang}.md`` in the posts folder would be read as a French post next time."""
    config = PSEUDO_CONFIG.replace(
        "[engines]", '[export]\nfilename = "{slug}-{lang}.md"\n\n[engines]'
    )
    root = make_project(
        tmp_path / "site",
        config.replace(
            'target_languages = ["en", "es", "ca", "eo"]',
            'target_languages = ["en"]\noutput_dir = "source_posts"',
        ),
        POSTS,
    )
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    assert (
        "not written: source_posts/billet-en.md (is in the posts folder, where it would be "
        "read as a source post; change [export] filename or output_dir to export elsewhere)"
    ) in result.stderr
    assert sorted(p.name for p in (root / "source_posts").iterdir()) == ["autre.md", "billet.md"]


# --- the temp-file sweep ---------------------------------------------------------------------


def test_the_sweep_removes_only_postlocs_own_temp_names(tmp_path: Path) -> None:
    root = project(tmp_path)
    ours = [
        root / "locales/en/LC_MESSAGES/.billet.po.k3j9x2ab.tmp",
        root / "locales/templates/.autre.pot.a1b2c3d4.tmp",
        root / "build/es/.billet.md.zz_9y8x7.tmp",
        root / "build/es/.nouveau.md.abcdefgh.tmp",  # a first export killed mid-write
        root / ".postloc/.exports.json.q1w2e3r4.tmp",
        root / "locales/.exports.json.q1w2e3r4.tmp",
    ]
    theirs = [
        root / "build/.notes.tmp",
        root / "build/assets/.notes.md.abcdefgh.tmp",
        root / "build/es/.billet.md.tmp",
        root / "locales/.readme.txt.abcdefgh.tmp",
        root / "locales/en/.exports.json.q1w2e3r4.tmp",
    ]
    for path in ours + theirs:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    assert [p for p in ours if p.exists()] == []
    assert [p for p in theirs if not p.exists()] == []


def test_the_sweep_leaves_an_outside_output_folder_alone(tmp_path: Path) -> None:
    """Only a recorded export's temp file is swept outside the project."""
    root = project(tmp_path, 'output_dir = "../site-out"')
    outside = tmp_path / "site-out"
    assert (outside / "en/billet.md").is_file()
    user = [
        outside / ".notes.tmp",
        outside / ".draft.md.abcdefgh.tmp",
        outside / "en/.about.md.abcdefgh.tmp",
    ]
    killed = outside / "en/.billet.md.abcdefgh.tmp"
    for path in [*user, killed]:
        path.write_text("x", encoding="utf-8")
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    assert [p for p in user if not p.exists()] == []
    assert not killed.exists()


def test_the_sweep_spares_temp_names_next_to_source_posts(tmp_path: Path) -> None:
    root = project(tmp_path, 'output_dir = "."')
    user = root / "source_posts/.billet.md.abcdefgh.tmp"
    user.write_text("x", encoding="utf-8")
    assert run(root, "sync").exit_code == 0
    assert user.exists()


def test_temp_target_reads_atomic_writes_names() -> None:
    assert temp_target(Path("/p/.billet.md.k3j9x2ab.tmp")) == Path("/p/billet.md")
    assert temp_target(Path("/p/.a.b.po.________.tmp")) == Path("/p/a.b.po")
    for name in (
        ".notes.tmp",
        ".billet.md.tmp",
        ".billet.md.ABCDEFGH.tmp",
        "billet.md.abcdefgh.tmp",
    ):
        assert temp_target(Path("/p") / name) is None
