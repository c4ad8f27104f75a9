"""Renamed posts keep their catalogues; orphaned catalogues are reported (issue 13, attack 4)."""

from __future__ import annotations

import json
from pathlib import Path

import polib

from helpers import french_post, make_project, run
from postloc.config import load_config
from postloc.mt.engines.registry import ENGINES
from postloc.po.state import entry_state
from postloc.project.layout import Project
from postloc.project.orphans import RENAME_SHARE, find_renames

PO_ES = "locales/es/LC_MESSAGES/{}.po"


def synced(tmp_path: Path) -> Path:
    posts = {"billet.md": french_post("billet", 6), "autre.md": french_post("autre", 3)}
    root = make_project(tmp_path / "site", posts=posts)
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    return root


def review_first(root: Path, slug: str) -> str:
    """A person reviews the first body entry of ``slug``'s Spanish catalogue (markup kept,
    so ``export`` uses it)."""
    path = root / PO_ES.format(slug)
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgid.startswith("Paragraphe 1 "))
    entry.msgstr, entry.flags = entry.msgid.replace("Paragraphe", "Párrafo revisado"), []
    po.save(str(path))
    return entry.msgid


def reviewed_msgstr(root: Path, slug: str, msgid: str) -> str | None:
    po = polib.pofile(str(root / PO_ES.format(slug)))
    entry = po.find(msgid)
    assert entry is not None
    return entry.msgstr if entry_state(entry) == "reviewed" else None


def test_a_renamed_post_keeps_its_reviewed_catalogues(tmp_path: Path) -> None:
    root = synced(tmp_path)
    msgid = review_first(root, "billet")
    (root / "source_posts/billet.md").rename(root / "source_posts/billet-renomme.md")
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    assert "renamed: billet → billet-renomme, catalogues carried over" in result.stderr
    assert reviewed_msgstr(root, "billet-renomme", msgid) == msgid.replace(
        "Paragraphe", "Párrafo revisado"
    )
    assert "Párrafo revisado 1 " in (root / "build/es/billet-renomme.md").read_text("utf-8")
    for lang in ("en", "es", "ca", "eo"):
        assert not (root / f"locales/{lang}/LC_MESSAGES/billet.po").exists()
        assert (root / f"locales/{lang}/LC_MESSAGES/billet-renomme.po").is_file()
    assert not (root / "locales/templates/billet.pot").exists()
    status = run(root, "status")
    assert "orphan" not in status.stderr and "renamed" not in status.stderr
    assert run(root, "sync", "--check").exit_code == 0


def test_a_renamed_and_edited_post_follows_too(tmp_path: Path) -> None:
    """Half the old texts still there is enough; the changed ones are merged as usual."""
    root = synced(tmp_path)
    msgid = review_first(root, "billet")
    text = french_post("billet", 6).replace("Paragraphe 5 ", "Alinéa 5 ")
    (root / "source_posts/billet.md").unlink()
    (root / "source_posts/nouveau.md").write_text(text, encoding="utf-8")
    result = run(root, "sync", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["renamed"] == [{"from": "billet", "to": "nouveau"}]
    assert reviewed_msgstr(root, "nouveau", msgid) == msgid.replace(
        "Paragraphe", "Párrafo revisado"
    )


def test_extract_follows_a_rename_too(tmp_path: Path) -> None:
    root = synced(tmp_path)
    msgid = review_first(root, "billet")
    (root / "source_posts/billet.md").rename(root / "source_posts/nouveau.md")
    result = run(root, "extract")
    assert "renamed: billet → nouveau, catalogues carried over" in result.stderr
    assert run(root, "update").exit_code == 0
    assert reviewed_msgstr(root, "nouveau", msgid) == msgid.replace(
        "Paragraphe", "Párrafo revisado"
    )


def test_a_deleted_post_leaves_orphans_that_status_and_check_report(tmp_path: Path) -> None:
    root = synced(tmp_path)
    review_first(root, "billet")
    (root / "source_posts/billet.md").unlink()
    (root / "source_posts/tout-autre.md").write_text(french_post("tout-autre", 4), "utf-8")
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    assert "renamed" not in result.stderr
    orphan = root / PO_ES.format("billet")
    assert orphan.is_file()  # human work: never deleted

    status = run(root, "status")
    assert status.exit_code == 0
    assert "billet" not in status.stdout.replace("tout-autre", "")
    assert (
        "locales/es/LC_MESSAGES/billet.po: orphaned, its post is gone (1 reviewed entries "
        "kept); restore the post, or delete the file to drop them"
    ) in status.stderr
    assert status.stderr.count("orphaned") == 4

    rows = json.loads(run(root, "status", "--json").stdout)
    orphans = [row for row in rows if row.get("orphan")]
    assert [(row["post"], row["lang"]) for row in orphans] == [
        ("billet", lang) for lang in ("ca", "en", "eo", "es")
    ]
    spanish = orphans[-1]
    assert spanish["reviewed"] == 1 and spanish["renamed_to"] is None
    assert spanish["catalogue"] == "locales/es/LC_MESSAGES/billet.po"
    assert all("orphan" not in row for row in rows if row["post"] != "billet")

    check = run(root, "check")
    assert check.exit_code == 0
    warnings = [line for line in check.stdout.splitlines() if "orphan:" in line]
    assert len(warnings) == 4
    assert warnings[-1].startswith("billet:0: [es] warning: orphan: locales/es/LC_MESSAGES/")
    issues = json.loads(run(root, "check", "--json").stdout)
    assert sum(1 for issue in issues if issue["check"] == "orphan") == 4

    orphan.unlink()
    assert run(root, "status").stderr.count("orphaned") == 3


def test_find_renames_rule(tmp_path: Path) -> None:
    """At least RENAME_SHARE of the old post's texts in the new post; best share first;
    a post that already has catalogues is never a rename's target."""
    root = synced(tmp_path)
    project = Project(load_config(root / "postloc.toml", engines=ENGINES.values()))
    old = polib.pofile(str(root / PO_ES.format("billet")))
    texts = sorted(e.msgid for e in old if e.msgid and not e.obsolete)
    (root / "source_posts/billet.md").unlink()

    def template(kept: int) -> polib.POFile:
        po = polib.POFile()
        for msgid in texts[:kept] + [f"neuf {n}" for n in range(len(texts))]:
            po.append(polib.POEntry(msgid=msgid))
        return po

    half = -(-len(texts) * int(RENAME_SHARE * 100) // 100)
    live = ["autre", "a", "b"]
    assert find_renames(project, {"a": template(half - 1)}, live) == []
    found = find_renames(project, {"a": template(half), "b": template(len(texts))}, live)
    assert [(r.old, r.new, r.share) for r in found] == [("billet", "b", 1.0)]
    # "autre" has catalogues already: it is an existing post, not a renamed one
    assert find_renames(project, {"autre": template(len(texts))}, live) == []


def test_catalogues_named_after_a_front_matter_slug_are_carried_over(tmp_path: Path) -> None:
    """Before identities were paths, ``slug: ancien`` in ``billet.md`` named its catalogues
    ``ancien.po``: such a project keeps its translations, now under the file's name."""
    root = synced(tmp_path)
    msgid = review_first(root, "billet")
    for lang in ("en", "es", "ca", "eo"):
        folder = root / f"locales/{lang}/LC_MESSAGES"
        (folder / "billet.po").rename(folder / "ancien.po")
    (root / "locales/templates/billet.pot").rename(root / "locales/templates/ancien.pot")
    post = root / "source_posts/billet.md"
    post.write_text(post.read_text("utf-8").replace("---\n", "---\nslug: ancien\n", 1), "utf-8")
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    assert "renamed: ancien → billet, catalogues carried over" in result.stderr
    assert reviewed_msgstr(root, "billet", msgid) == msgid.replace("Paragraphe", "Párrafo revisado")
    assert not list((root / "locales").rglob("ancien.*"))
    assert run(root, "sync", "--check").exit_code == 0


def test_a_post_moved_into_a_section_keeps_its_catalogues(tmp_path: Path) -> None:
    """Moved twice: into ``2025/septembre/``, then out again; the folders it leaves empty
    under ``locales/`` go, the catalogues follow."""
    root = synced(tmp_path)
    msgid = review_first(root, "billet")
    section = root / "source_posts/2025/Septembre"
    section.mkdir(parents=True)
    (root / "source_posts/billet.md").rename(section / "billet.md")
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    assert "renamed: billet → 2025/septembre/billet, catalogues carried over" in result.stderr
    assert reviewed_msgstr(root, "2025/septembre/billet", msgid) is not None
    assert (root / "build/es/2025/septembre/billet.md").is_file()
    (section / "billet.md").rename(root / "source_posts/billet.md")
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    assert "renamed: 2025/septembre/billet → billet, catalogues carried over" in result.stderr
    assert reviewed_msgstr(root, "billet", msgid) is not None
    assert not (root / "locales/es/LC_MESSAGES/2025").exists()
    assert not (root / "locales/templates/2025").exists()
