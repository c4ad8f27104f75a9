"""``postloc adopt``: a bilingual site's human translations brought into the catalogues.

The fixture ``tests/sites/bilingual-hugo`` is a Hugo site translated by file name
(``x.md`` → ``x.en.md``, a bundle's ``index.md`` → ``index.en.md``): ``voyage-a-lyon``
(YAML) gained a paragraph in English, ``notes-hugo`` (TOML) lost one, ``carnet-de-route``
has the source's structure exactly, ``sans-traduction`` has no translation.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import TESTS, run, snapshot
from postloc.config import DEFAULT_RULES
from postloc.markdown.model import Post, Segment
from postloc.markdown.parse import parse_post
from postloc.markdown.segment import segment_post
from postloc.po.read import read_po
from postloc.po.state import entry_state

SITE = TESTS / "sites" / "bilingual-hugo"
CONFIG = """\
source_language = "fr"
target_languages = ["en", "es"]
posts_dir = "content"

[engines]
default = "pseudo"
"""
DROPPED = "Petite parenthèse : j'ai aussi essayé Jekyll pendant une semaine, sans conviction."
ADDED = "For readers who have never been there:"
TRANSLATED = ("posts/voyage-a-lyon", "posts/notes-hugo", "posts/carnet-de-route/index")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    (root / "postloc.toml").write_text(CONFIG, encoding="utf-8")
    return root


def source_file(post: str) -> str:
    return f"content/{post}.md"


def translation_file(post: str) -> str:
    return f"content/{post}.en.md"


def parsed(root: Path, name: str) -> tuple[Post, list[Segment]]:
    post = parse_post((root / name).read_bytes(), name)
    return post, segment_post(post, DEFAULT_RULES)


def catalogue(root: Path, post: str, lang: str = "en") -> dict[str, tuple[str, str]]:
    """msgid → (state, msgstr) of a catalogue's live entries."""
    path = root / "locales" / lang / "LC_MESSAGES" / f"{post}.po"
    po = read_po(path.read_text(encoding="utf-8"), str(path))
    return {e.msgid: (entry_state(e), e.msgstr) for e in po if not e.obsolete}


def test_every_matched_block_becomes_reviewed_and_the_two_differences_are_reported(
    site: Path,
) -> None:
    result = run(site, "adopt", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    differences = result.stdout.splitlines()[:-1]
    assert differences == [
        "content/posts/notes-hugo.md:19: [en] dropped: paragraph "
        '"Petite parenthèse : j\'ai aussi essayé J…" is not in the translation; left '
        "untranslated (content/posts/notes-hugo.en.md)",
        'content/posts/voyage-a-lyon.md: [en] added: paragraph "For readers who have never '
        'been there:…" is only in the translation; not adopted '
        "(content/posts/voyage-a-lyon.en.md:12)",
    ]
    for post in TRANSLATED:
        _, ours = parsed(site, source_file(post))
        _, theirs = parsed(site, translation_file(post))
        entries = catalogue(site, post)
        kept = [s for s in ours if s.text != DROPPED]
        matched = [t for t in theirs if not t.text.startswith(ADDED)]
        assert len(kept) == len(matched)  # the fixture's two differences, nothing else
        for mine, their in zip(kept, matched, strict=True):
            assert entries[mine.text] == ("reviewed", their.text)
    assert catalogue(site, "posts/notes-hugo")[DROPPED] == ("untranslated", "")
    assert not (site / "locales/es").exists()  # only the language asked
    assert not (site / "locales/en/LC_MESSAGES/posts/sans-traduction.po").exists()
    assert result.stdout.splitlines()[-1] == (
        "3 translation(s) adopted: 37 reviewed, 0 fuzzy, 0 already there, 0 conflict(s) kept "
        "as they were; 1 block(s) dropped, 1 added; 3 catalogue(s) written"
    )


def test_an_adopted_entry_says_where_it_came_from(site: Path) -> None:
    run(site, "adopt", "--lang", "en")
    text = (site / "locales/en/LC_MESSAGES/posts/carnet-de-route/index.po").read_text("utf-8")
    entries = catalogue(site, "posts/carnet-de-route/index")
    assert text.count("# adopted from content/posts/carnet-de-route/index.en.md\n") == len(entries)


def test_export_reproduces_the_human_text_of_every_matched_block(site: Path) -> None:
    assert run(site, "adopt", "--lang", "en").exit_code == 0
    result = run(
        site,
        "export",
        "--lang",
        "en",
        "--out",
        str(site / "out"),
        "--reviewed-only",
        "--min-translated",
        "0",
    )
    assert result.exit_code == 0, result.stderr
    for post in TRANSLATED:
        exported, shown = parsed(site, f"out/en/{post}.md")
        human, theirs = parsed(site, translation_file(post))
        shown = [s for s in shown if s.text != DROPPED]  # kept in French: not in the translation
        theirs = [t for t in theirs if not t.text.startswith(ADDED)]
        assert len(shown) == len(theirs)
        for block, their in zip(shown, theirs, strict=True):
            if block.in_front_matter:  # the value; its quotes are the writer's
                assert block.text == their.text
            else:  # byte for byte
                assert exported.text[block.start : block.end] == human.text[their.start : their.end]


def test_a_second_adopt_changes_nothing(site: Path) -> None:
    first = run(site, "adopt", "--lang", "en")
    before = snapshot(site)
    second = run(site, "adopt", "--lang", "en")
    assert second.exit_code == 0
    assert snapshot(site) == before  # same bytes, same mtimes
    assert second.stdout.splitlines()[:-1] == first.stdout.splitlines()[:-1]
    assert second.stdout.splitlines()[-1].endswith(
        "0 reviewed, 0 fuzzy, 37 already there, 0 conflict(s) kept as they were; "
        "1 block(s) dropped, 1 added; 0 catalogue(s) written"
    )


def test_a_reviewed_translation_in_the_catalogue_is_kept_and_the_conflict_reported(
    site: Path,
) -> None:
    assert run(site, "extract").exit_code == 0
    assert run(site, "update", "--lang", "en").exit_code == 0
    path = site / "locales/en/LC_MESSAGES/posts/carnet-de-route/index.po"
    text = path.read_text(encoding="utf-8")
    mine = 'msgid "Carnet de route"\nmsgstr ""'
    assert mine in text
    path.write_text(text.replace(mine, 'msgid "Carnet de route"\nmsgstr "Road diary"'), "utf-8")
    result = run(site, "adopt", "--lang", "en", "posts/carnet-de-route/index")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        'content/posts/carnet-de-route/index.md:2: [en] conflict: "Carnet de route": the '
        "catalogue has another reviewed translation by a person; kept it "
        "(content/posts/carnet-de-route/index.en.md:2)"
    )
    entries = catalogue(site, "posts/carnet-de-route/index")
    assert entries["Carnet de route"] == ("reviewed", "Road diary")
    assert entries["Ce que j'y note"] == ("reviewed", "What I write down")


def test_machine_drafts_give_way_to_the_human_translation(site: Path) -> None:
    assert run(site, "sync").exit_code == 0
    assert catalogue(site, "posts/carnet-de-route/index")["Ce que j'y note"][0] == "machine"
    assert run(site, "adopt", "--lang", "en").exit_code == 0
    text = (site / "locales/en/LC_MESSAGES/posts/carnet-de-route/index.po").read_text("utf-8")
    assert "MT: " not in text
    entries = catalogue(site, "posts/carnet-de-route/index")
    assert entries["Ce que j'y note"] == ("reviewed", "What I write down")
    assert catalogue(site, "posts/notes-hugo")[DROPPED][0] == "machine"  # nothing to adopt


def test_dry_run_writes_nothing(site: Path) -> None:
    before = snapshot(site)
    result = run(site, "adopt", "--lang", "en", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert snapshot(site) == before
    assert not (site / ".postloc").exists()
    assert result.stdout.splitlines()[-1].endswith("3 catalogue(s) would be written")
    assert len(result.stdout.splitlines()) == 3


def test_json_lists_every_post_and_difference(site: Path) -> None:
    result = run(site, "adopt", "--lang", "en", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["dry_run"] is False
    assert [(p["post"], p["reviewed"], p["dropped"], p["added"]) for p in report["posts"]] == [
        ("posts/carnet-de-route/index", 9, 0, 0),
        ("posts/notes-hugo", 10, 1, 0),
        ("posts/voyage-a-lyon", 18, 0, 1),
    ]
    assert [
        (d["post"], d["what"], d["line"], d["translation_line"]) for d in report["differences"]
    ] == [("posts/notes-hugo", "dropped", 19, None), ("posts/voyage-a-lyon", "added", None, 12)]
    assert report["missing"] == [{"post": "posts/sans-traduction", "lang": "en"}]


def test_a_paragraph_dropped_among_lookalikes_leaves_its_neighbours_fuzzy(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "postloc.toml").write_text(CONFIG, encoding="utf-8")
    (root / "content/court.md").write_text("# Titre\n\nUn.\n\nDeux.\n\nTrois.\n", "utf-8")
    (root / "content/court.en.md").write_text("# Title\n\nOne.\n\nTwo.\n", "utf-8")
    result = run(root, "adopt", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    entries = catalogue(root, "court")
    assert entries["Titre"] == ("reviewed", "Title")
    assert [entries[t][0] for t in ("Un.", "Deux.", "Trois.")].count("fuzzy") == 2
    assert [entries[t][0] for t in ("Un.", "Deux.", "Trois.")].count("untranslated") == 1
    assert "adopted as fuzzy" in result.stdout


def test_translation_by_content_directory_is_found(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "content/fr/posts").mkdir(parents=True)
    (root / "content/en/posts").mkdir(parents=True)
    (root / "postloc.toml").write_text(
        CONFIG.replace('posts_dir = "content"', 'posts_dir = "content/fr"'), "utf-8"
    )
    shutil.copy(SITE / "content/posts/notes-hugo.md", root / "content/fr/posts/notes-hugo.md")
    shutil.copy(SITE / "content/posts/notes-hugo.en.md", root / "content/en/posts/notes-hugo.md")
    result = run(root, "adopt", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "(content/en/posts/notes-hugo.md)" in result.stdout
    assert catalogue(root, "posts/notes-hugo")["Pourquoi migrer ?"] == ("reviewed", "Why migrate?")


def test_postloc_own_export_is_not_adopted(site: Path) -> None:
    """A file export wrote holds machine drafts, not a person's translation."""
    for name in ("voyage-a-lyon", "notes-hugo"):
        (site / f"content/posts/{name}.en.md").unlink()
    (site / "content/posts/carnet-de-route/index.en.md").unlink()
    assert run(site, "sync").exit_code == 0
    assert (site / "build/en/posts/notes-hugo.md").is_file()
    result = run(site, "adopt", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("0 translation(s) adopted")


def test_a_human_file_where_export_writes_is_adopted(site: Path) -> None:
    (site / "build/en/posts").mkdir(parents=True)
    shutil.move(site / "content/posts/notes-hugo.en.md", site / "build/en/posts/notes-hugo.md")
    result = run(site, "adopt", "--lang", "en", "posts/notes-hugo")
    assert result.exit_code == 0, result.stderr
    assert "(build/en/posts/notes-hugo.md)" in result.stdout
    assert catalogue(site, "posts/notes-hugo")["Pourquoi migrer ?"] == ("reviewed", "Why migrate?")


def test_only_a_persons_edits_of_postloc_export_are_adopted(site: Path) -> None:
    """``export`` refuses an edited export and names ``adopt`` as the way to keep the edits."""
    for name in ("voyage-a-lyon", "notes-hugo"):
        (site / f"content/posts/{name}.en.md").unlink()
    (site / "content/posts/carnet-de-route/index.en.md").unlink()
    assert run(site, "sync").exit_code == 0
    exported = site / "build/en/posts/notes-hugo.md"
    entries = catalogue(site, "posts/notes-hugo")
    draft = entries["Pourquoi migrer ?"][1]
    assert draft in exported.read_text("utf-8")
    exported.write_text(exported.read_text("utf-8").replace(draft, "Why migrate?"), "utf-8")
    result = run(site, "adopt", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    after = catalogue(site, "posts/notes-hugo")
    assert after["Pourquoi migrer ?"] == ("reviewed", "Why migrate?")
    assert {msgid: state for msgid, state in after.items() if msgid != "Pourquoi migrer ?"} == {
        msgid: state for msgid, state in entries.items() if msgid != "Pourquoi migrer ?"
    }  # every other entry untouched: still the machine's drafts
