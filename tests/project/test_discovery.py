"""Content discovery as the site generators do it (issue 14, item 5).

A Hugo-like content tree — sections, page bundles with images, ``_index.md``, ``.markdown``,
file names with spaces, accents, ``&`` and ``:``, a translation by file name (``faq.en.md``),
a target language's folder (``content/en/``) and the output folder inside ``posts_dir`` —
gives exactly the expected posts, identities and catalogue paths; every Markdown file that
is not a source is reported once by ``sync -v`` and ``status`` (``--json`` too).
"""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import polib
import pytest

from helpers import run, snapshot
from postloc.config import load_config
from postloc.errors import BadPost
from postloc.mt.engines.registry import ENGINES
from postloc.po.read import read_po
from postloc.project.discovery import discover, would_be_source
from postloc.project.layout import Project

CONFIG = """\
source_language = "fr"
target_languages = ["en", "es"]
posts_dir = "content"
output_dir = "content/public"

[engines]
default = "pseudo"

[export]
min_translated = 0.0
"""

NOTES = unicodedata.normalize("NFD", "Déc 2025 - notes de version.md")
"""Written decomposed, as macOS file systems hand names over: same identity as NFC."""

TREE = {
    "_index.md": "---\ntitle: Accueil\n---\n\nBienvenue sur le blog.\n",
    "posts/_index.md": "---\ntitle: Billets\n---\n\nTous les billets.\n",
    "posts/premier-billet.md": "---\ntitle: Premier billet\nslug: premier\n---\n\nBonjour.\n",
    "posts/hugo/faq.md": "---\ntitle: Questions\n---\n\nPourquoi Hugo ?\n",
    "posts/hugo/faq.en.md": "---\ntitle: Questions\n---\n\nWhy Hugo?\n",
    "posts/hugo/faq.de.md": "---\ntitle: Fragen\n---\n\nWarum Hugo?\n",
    "posts/hugo/aide.fr.md": "Une page d'aide.\n",
    "posts/bundle-voyage/index.md": "Un voyage.\n\n![La carte](carte.png)\n",
    "posts/bundle-voyage/carte.png": "\x89PNG",
    "posts/bundle-voyage/.brouillon.md": "Caché.\n",
    "posts/IA & Java : du prompt au logiciel.md": "Un billet sur Java.\n\nDeux fois.\n\n"
    "Deux fois.\n",
    f"posts/{NOTES}": "Les notes de version.\n",
    "posts/2025-09-06-bienvenue.markdown": "Un billet à la Jekyll.\n",
    "posts/lisez-moi.txt": "pas un billet\n",
    "en/posts/premier-billet.md": "First post.\n",
    "public/en/ancien.md": "An old export.\n",
    ".git/info.md": "Not content.\n",
}

POSTS = {
    "content/_index.md": "_index",
    "content/posts/2025-09-06-bienvenue.markdown": "posts/2025-09-06-bienvenue",
    f"content/posts/{NOTES}": "posts/dec-2025-notes-de-version",
    "content/posts/IA & Java : du prompt au logiciel.md": "posts/ia-java-du-prompt-au-logiciel",
    "content/posts/_index.md": "posts/_index",
    "content/posts/bundle-voyage/index.md": "posts/bundle-voyage/index",
    "content/posts/hugo/aide.fr.md": "posts/hugo/aide",
    "content/posts/hugo/faq.md": "posts/hugo/faq",
    "content/posts/premier-billet.md": "posts/premier-billet",
}
"""Root-relative file → identity."""

SKIPPED = {
    "content/en/posts/premier-billet.md": "in the en/ folder, the content of target language en",
    "content/posts/hugo/faq.de.md": "its file name marks it as language de, not the source "
    "language fr",
    "content/posts/hugo/faq.en.md": "a translation into en: its file name ends in .en",
    "content/public/en/ancien.md": "in the output folder content/public/, where postloc writes",
}


def make_site(root: Path, tree: dict[str, str] = TREE, config: str = CONFIG) -> Path:
    for name, text in tree.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    root.mkdir(parents=True, exist_ok=True)
    (root / "postloc.toml").write_text(config, encoding="utf-8")
    return root


def project_of(root: Path) -> Project:
    return Project(load_config(root / "postloc.toml", engines=ENGINES.values()))


def not_read_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("not read: ")]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


def test_exactly_the_sources_are_read_with_their_identities(site: Path) -> None:
    found = discover(project_of(site))
    assert {post.name: post.identity for post in found.posts} == POSTS
    names = [post.name for post in found.posts]
    assert names == sorted(names)  # code-point order of the posix path
    assert {item.name: item.reason for item in found.skipped} == SKIPPED
    assert len(found.skipped) == len(SKIPPED)


def test_sync_writes_catalogues_that_mirror_the_identities(site: Path) -> None:
    result = run(site, "-v", "sync")
    assert result.exit_code == 0, result.stderr
    templates = site / "locales" / "templates"
    found = {p.relative_to(templates).as_posix() for p in templates.rglob("*.pot")}
    assert found == {f"{identity}.pot" for identity in POSTS.values()}
    for lang in ("en", "es"):
        folder = site / "locales" / lang / "LC_MESSAGES"
        found = {p.relative_to(folder).as_posix() for p in folder.rglob("*.po")}
        assert found == {f"{identity}.po" for identity in POSTS.values()}
    faq = site / "locales/es/LC_MESSAGES/posts/hugo/faq.po"
    po = polib.pofile(str(faq))
    assert po.metadata["Project-Id-Version"] == "posts/hugo/faq"
    assert all(entry.msgstr for entry in po if entry.msgid), "nested posts get machine drafts"
    export = site / "content/public/es/posts/hugo/faq.md"
    assert "\ntranslation_of: posts/hugo/faq\n" in export.read_text(encoding="utf-8")
    assert (site / "content/public/en/posts/ia-java-du-prompt-au-logiciel.md").is_file()


def test_references_keep_the_real_file_path(site: Path) -> None:
    assert run(site, "sync").exit_code == 0
    template = site / "locales/templates/posts/ia-java-du-prompt-au-logiciel.pot"
    text = template.read_text(encoding="utf-8")
    name = "content/posts/IA & Java : du prompt au logiciel.md".replace(" ", "\u00a0")
    assert f"#: {name}:1\n" in text
    assert f"#: {name}:3\n#: {name}:5\n" in text  # one entry, a reference per occurrence
    entry = read_po(text, "x.pot").find("Deux fois.")
    assert entry is not None
    real = "content/posts/IA & Java : du prompt au logiciel.md"
    assert entry.occurrences == [(real, "3"), (real, "5")]


def test_every_skipped_file_is_reported_once_by_sync_and_status(site: Path) -> None:
    quiet = run(site, "sync")
    assert quiet.exit_code == 0, quiet.stderr
    assert not not_read_lines(quiet.stderr)
    assert "4 Markdown file(s) in the posts folder are not source posts" in quiet.stderr
    verbose = run(site, "-v", "sync")
    assert verbose.exit_code == 0, verbose.stderr
    output_reason = SKIPPED["content/public/en/ancien.md"]
    exported = {
        p.relative_to(site).as_posix(): output_reason
        for p in (site / "content/public").rglob("*.md")
        if p.name != "ancien.md"
    }
    assert len(exported) == 2 * len(POSTS)  # the first sync's exports: skipped from now on
    everything = {**SKIPPED, **exported}
    expected = [f"not read: {name} ({reason})" for name, reason in sorted(everything.items())]
    assert not_read_lines(verbose.stderr) == expected
    status = run(site, "status")
    assert status.exit_code == 0, status.stderr
    assert not_read_lines(status.stderr) == expected
    rows = json.loads(run(site, "status", "--json").stdout)
    skipped = [row for row in rows if row.get("not_read")]
    assert [(row["file"], row["reason"]) for row in skipped] == sorted(everything.items())
    assert {row["post"] for row in rows if "post" in row} == set(POSTS.values())
    sync_json = json.loads(run(site, "sync", "--json").stdout)
    assert len(sync_json["not_read"]) == len(skipped)


def test_a_second_sync_changes_nothing(site: Path) -> None:
    assert run(site, "sync").exit_code == 0
    before = snapshot(site)
    result = run(site, "sync")
    assert result.exit_code == 0, result.stderr
    assert snapshot(site) == before
    assert run(site, "sync", "--check").exit_code == 0


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("posts/a.md", "posts/a.markdown"),
        ("posts/x.fr.md", "posts/x.md"),
        ("posts/ete.md", "posts/Été.md"),
        ("posts/Mon billet.md", "posts/mon-billet.md"),
        ("Posts/x.md", "posts/x.md"),
    ],
)
def test_two_files_with_one_identity_are_one_error_naming_both(
    tmp_path: Path, first: str, second: str
) -> None:
    root = make_site(tmp_path / "site", {first: "Un.\n", second: "Deux.\n"})
    before = snapshot(root)
    result = run(root, "sync")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("postloc: error: content/")
    assert f"content/{first}" in lines[0] and f"content/{second}" in lines[0]
    assert "rename one of them" in lines[0]
    assert snapshot(root) == before


def test_a_folder_linked_from_outside_the_project_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    (outside / "secret.md").write_text("Secret.\n", encoding="utf-8")
    root = make_site(tmp_path / "site", {"posts/a.md": "Un.\n"})
    os.symlink(outside, root / "content" / "posts" / "partage")
    result = run(root, "sync")
    assert result.exit_code == 1
    assert "content/posts/partage: links outside the project" in result.stderr
    assert "Secret" not in result.stderr


def test_a_folder_link_loop_is_refused(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {"posts/a.md": "Un.\n"})
    os.symlink("..", root / "content" / "posts" / "boucle")
    result = run(root, "sync")
    assert result.exit_code == 1
    assert "content/posts/boucle: symlink loop" in result.stderr


def test_a_folder_linked_inside_the_project_is_read(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {"posts/a.md": "Un.\n"})
    (root / "brouillons").mkdir()
    (root / "brouillons" / "b.md").write_text("Deux.\n", encoding="utf-8")
    os.symlink("../../brouillons", root / "content" / "posts" / "lien")
    found = discover(project_of(root))
    assert [post.identity for post in found.posts] == ["posts/a", "posts/lien/b"]


def test_locales_and_hidden_folders_inside_posts_dir_are_never_read(tmp_path: Path) -> None:
    config = CONFIG.replace('posts_dir = "content"', 'posts_dir = "."').replace(
        'output_dir = "content/public"', 'output_dir = "site"'
    )
    root = make_site(tmp_path / "site", {}, config)
    (root / "a.md").write_text("Un.\n", encoding="utf-8")
    (root / "locales" / "notes").mkdir(parents=True)
    (root / "locales" / "notes" / "lisez-moi.md").write_text("Notes.\n", encoding="utf-8")
    (root / ".postloc").mkdir()
    (root / ".postloc" / "x.md").write_text("État.\n", encoding="utf-8")
    found = discover(project_of(root))
    assert [post.identity for post in found.posts] == ["a"]
    assert [(s.name, s.reason) for s in found.skipped] == [
        ("locales/notes/lisez-moi.md", "in the locales folder locales/, where postloc writes")
    ]


@pytest.mark.parametrize(
    "name",
    [
        "posts/hugo/faq",
        "posts/hugo/faq.md",
        "content/posts/hugo/faq.md",
        "posts/IA & Java : du prompt au logiciel",
        "posts/ia-java-du-prompt-au-logiciel",
    ],
)
def test_extract_takes_a_post_by_identity_or_file(site: Path, name: str) -> None:
    result = run(site, "extract", name)
    assert result.exit_code == 0, result.stderr
    written = [p for p in (site / "locales/templates").rglob("*.pot")]
    assert len(written) == 1


def test_extract_of_an_unknown_post_names_it(site: Path) -> None:
    result = run(site, "extract", "posts/absent")
    assert result.exit_code == 1
    assert result.stderr == "postloc: error: content: no post named posts/absent\n"


def test_exports_are_never_written_where_a_source_would_be_read(site: Path) -> None:
    project = project_of(site)
    posts = site / "content"
    assert would_be_source(project, posts / "posts" / "nouveau.md")
    assert would_be_source(project, posts / "nouveau.markdown")
    for name in ("posts/x.en.md", "posts/x.txt", "en/x.md", "public/en/x.md", ".x/y.md"):
        assert not would_be_source(project, posts / name), name
    assert not would_be_source(project, site / "ailleurs" / "x.md")


def test_a_section_folder_of_the_catalogues_linked_outside_is_refused(tmp_path: Path) -> None:
    """Nested identities put catalogues in subfolders: a committed link there must not lead
    writes out of the project."""
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    root = make_site(tmp_path / "site", {"posts/a.md": "Un.\n"})
    (root / "locales/en/LC_MESSAGES").mkdir(parents=True)
    os.symlink(outside, root / "locales/en/LC_MESSAGES/posts")
    before = snapshot(root)
    result = run(root, "sync")
    assert result.exit_code == 1
    assert "locales/en/LC_MESSAGES/posts/a.po: links outside the project" in result.stderr
    assert snapshot(root) == before
    assert not list(outside.iterdir())


def test_a_posts_folder_linked_outside_the_project_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "ailleurs"
    (outside / "posts").mkdir(parents=True)
    (outside / "posts" / "secret.md").write_text("Secret.\n", encoding="utf-8")
    root = make_site(tmp_path / "site", {}, CONFIG.replace("content/public", "build"))
    os.symlink(outside, root / "content")
    with pytest.raises(BadPost) as error:
        discover(project_of(root))
    assert str(error.value).startswith("content: is outside the project")
    result = run(root, "sync")
    assert result.exit_code == 1 and "content: is outside the project" in result.stderr
    assert not (root / "locales").exists()
