"""A translator saving a catalogue while ``sync`` runs: the save always wins.

The attack (issue 13, item 1): 100 posts, a slow engine; while ``sync`` runs, a second
process saves ``es/<post>.po`` with a reviewed title the way Poedit does (a temp file, then
a rename). Before, ``sync`` wrote the copy it had read before the save (the edit was lost,
exit 0), or, when the save came after sync's last write of that file, the sync cache
recorded the translator's file as sync's own output, so later syncs never exported it.

The races are made deterministic by the second process itself: it polls the catalogue
until sync has reached the point under test (merged but not yet drafted; drafted while
other languages still run) and saves then; the slowed engine leaves seconds of margin.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import polib
import pytest
from test_crash import kill_marked, start

from helpers import LANGS, french_posts, make_project, run

POSTS, PARAGRAPHS = 100, 6
SLUG = f"billet-{POSTS - 1:02d}"
"""The last post: in each language, sync drafts its catalogue last."""
TITLE = f"Billet {SLUG}"
REVIEWED = "Entrada revisada por una persona"
DELAY = "0.3"

TRANSLATOR = textwrap.dedent(
    """
    import os, sys, time
    import polib
    from postloc.po.state import is_pending

    path, title, reviewed, wait_for = sys.argv[1:5]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            po = polib.pofile(path)
        except (OSError, ValueError):
            po = None
        if po is not None and po.find(title) is not None:
            pending = sum(1 for entry in po if is_pending(entry))
            if wait_for == "merged" and pending == len([e for e in po if e.msgid]):
                break
            if wait_for == "drafted" and pending == 0:
                break
            if wait_for == "merged" and pending < len([e for e in po if e.msgid]):
                sys.exit("premise failed: sync drafted the catalogue before the save")
        time.sleep(0.01)
    else:
        sys.exit("premise failed: the catalogue never reached the state")
    entry = po.find(title)
    entry.msgstr = reviewed
    entry.flags = []
    entry.tcomment = ""
    entry.previous_msgid = None
    tmp = path + ".poedit-save"  # Poedit: write a temp file, then rename it over
    po.save(tmp)
    os.replace(tmp, path)
    print("saved")
    """
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # after the posts' date
    monkeypatch.delenv("POSTLOC_PSEUDO_DELAY", raising=False)
    return make_project(tmp_path / "proj", posts=french_posts(POSTS, PARAGRAPHS))


def catalogue(root: Path) -> Path:
    return root / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"


def exported(root: Path) -> str:
    return (root / "build" / "es" / f"{SLUG}.md").read_text(encoding="utf-8")


def title_entry(root: Path) -> polib.POEntry:
    entry = polib.pofile(str(catalogue(root))).find(TITLE)
    assert entry is not None
    return entry


def sync_while_translator_saves(root: Path, wait_for: str) -> subprocess.CompletedProcess[str]:
    """``sync`` in one process, the translator's save in another, racing as ``wait_for`` says."""
    mark = uuid.uuid4().hex
    process = start(root, "sync", delay=DELAY, mark=mark)
    try:
        translator = subprocess.run(
            [sys.executable, "-c", TRANSLATOR, str(catalogue(root)), TITLE, REVIEWED, wait_for],
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert translator.returncode == 0, translator.stderr
        assert process.poll() is None, "premise failed: sync ended before the save"
        out, err = process.communicate(timeout=300)
    finally:
        process.kill()
        kill_marked(mark)
        process.communicate(timeout=30)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def files(root: Path) -> set[str]:
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and ".postloc" not in path.parts
    }


def assert_saved_and_published(root: Path) -> None:
    """The reviewed title is on disk and, after one more sync, in the export; nothing lost;
    ``sync --check`` passes."""
    entry = title_entry(root)
    assert entry.msgstr == REVIEWED and "fuzzy" not in entry.flags
    expected = {f"locales/templates/billet-{n:02d}.pot" for n in range(POSTS)}
    expected |= {
        f"locales/{lang}/LC_MESSAGES/billet-{n:02d}.po" for lang in LANGS for n in range(POSTS)
    }
    expected |= {f"build/{lang}/billet-{n:02d}.md" for lang in LANGS for n in range(POSTS)}
    expected |= {f"source_posts/billet-{n:02d}.md" for n in range(POSTS)} | {"postloc.toml"}
    expected |= {"locales/exports.json"}  # the committed export record
    assert files(root) == expected
    again = run(root, "sync", "--json")
    assert again.exit_code == 0, again.stderr
    assert REVIEWED in exported(root)
    assert title_entry(root).msgstr == REVIEWED
    check = run(root, "sync", "--check")
    assert check.exit_code == 0, check.stderr
    settled = run(root, "sync", "--json")
    assert json.loads(settled.stdout)["unchanged_posts"] == POSTS


def test_a_save_while_sync_drafts_the_catalogue_is_kept(project: Path) -> None:
    """Saved after sync merged the catalogue, before it wrote its drafts: sync redoes the
    drafts on the saved file (the reviewed title stays, the other entries get drafts)."""
    done = sync_while_translator_saves(project, "merged")
    assert done.returncode == 0, done.stderr
    assert title_entry(project).msgstr == REVIEWED
    drafted = polib.pofile(str(catalogue(project)))
    assert all(entry.msgstr for entry in drafted if entry.msgid), "other entries got drafts"
    assert REVIEWED in exported(project), "the same sync exports the saved title"
    assert_saved_and_published(project)


def test_a_save_after_sync_wrote_the_catalogue_is_not_cached_as_its_own(project: Path) -> None:
    """Saved after sync's last write of that catalogue, while other languages still run:
    the cache records what sync wrote, so the next sync sees the save and exports it."""
    done = sync_while_translator_saves(project, "drafted")
    assert done.returncode == 0, done.stderr
    assert title_entry(project).msgstr == REVIEWED
    assert_saved_and_published(project)
