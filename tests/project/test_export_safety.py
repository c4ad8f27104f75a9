"""Exports never touch what postloc did not write, in every layout (issue 15, item 2).

Three layouts exist today: ``plain`` (``build/<lang>/<post>.md``), Hugo's translation by file
name (``content/<post>.<lang>.md`` beside the source) and Hugo's translation by content
folder (``content/fr/<post>.md`` → ``content/<lang>/<post>.md``). In each: ``--prune`` after
a post is deleted removes exactly that post's exports; a translation a person wrote is never
overwritten or removed, is listed by ``status``, and ``export`` goes on with a notice (exit
0; 1 with ``--strict``); a fresh clone (no ``.postloc/``) updates the committed exports of a
changed post, since the export record is committed with the catalogues.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import french_post, run

LANGS = ("en", "es")


@dataclass(frozen=True, slots=True)
class Layout:
    """One way a site lays out its sources and translations."""

    name: str
    posts: str
    """The posts folder, root-relative."""
    output: str
    """The output folder, root-relative."""
    filename: str
    """The ``[export] filename`` pattern."""

    def export(self, identity: str, lang: str) -> str:
        """Root-relative export path of a post identity and language."""
        return f"{self.output}/{self.filename}".format(slug=identity, lang=lang)


LAYOUTS = [
    Layout("plain", "source_posts", "build", "{lang}/{slug}.md"),
    Layout("hugo-by-file-name", "content", "content", "{slug}.{lang}.md"),
    Layout("hugo-by-content-dir", "content/fr", "content", "{lang}/{slug}.md"),
]

POSTS = {
    "billet": french_post("billet", 2),
    "autre": french_post("autre", 2),
    "notes/suite": french_post("suite", 2),
}
HAND = "---\ntitle: My own post\n---\n\nWritten by a person, word by word.\n"

RECORDS = (".postloc", "locales/exports.json")


def make_site(root: Path, layout: Layout) -> Path:
    """A site in ``layout`` with :data:`POSTS`, the pseudo engine, every post exported."""
    config = (
        'source_language = "fr"\n'
        f"target_languages = {json.dumps(list(LANGS))}\n"
        f'posts_dir = "{layout.posts}"\noutput_dir = "{layout.output}"\n\n'
        f'[export]\nfilename = "{layout.filename}"\nmin_translated = 0\n\n'
        '[engines]\ndefault = "pseudo"\n'
    )
    root.mkdir(parents=True)
    (root / "postloc.toml").write_text(config, encoding="utf-8")
    for identity, text in POSTS.items():
        path = root / layout.posts / f"{identity}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def files(root: Path) -> dict[str, bytes]:
    """Every file of the site but postloc's records, by root-relative path."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and not any(path.relative_to(root).as_posix().startswith(r) for r in RECORDS)
    }


def synced(root: Path, *args: str) -> str:
    result = run(root, "sync", *args)
    assert result.exit_code == 0, result.stderr
    return result.stderr


@pytest.fixture(params=LAYOUTS, ids=[layout.name for layout in LAYOUTS])
def layout(request: pytest.FixtureRequest) -> Layout:
    return request.param  # type: ignore[no-any-return]


def test_prune_after_deleting_a_post_removes_exactly_its_exports(
    tmp_path: Path, layout: Layout
) -> None:
    root = make_site(tmp_path / "site", layout)
    synced(root)
    source = root / layout.posts / "notes/suite.md"
    source.unlink()
    before = files(root)
    result = run(root, "export", "--prune")
    assert result.exit_code == 0, result.stderr
    gone = {layout.export("notes/suite", lang) for lang in LANGS}
    assert sorted(set(before) - set(files(root))) == sorted(gone)
    assert files(root) == {name: data for name, data in before.items() if name not in gone}
    for name in gone:
        assert f"removed: {name}" in result.stderr
    record = json.loads((root / "locales/exports.json").read_text(encoding="utf-8"))
    assert sorted(record["files"]) == sorted(
        layout.export(identity, lang) for identity in ("autre", "billet") for lang in LANGS
    )


def test_exports_are_never_read_back_as_sources(tmp_path: Path, layout: Layout) -> None:
    root = make_site(tmp_path / "site", layout)
    synced(root)
    exported = files(root)
    assert synced(root).count("0 template(s) written") == 1
    assert files(root) == exported
    templates = sorted(
        p.relative_to(root / "locales/templates").as_posix()
        for p in (root / "locales/templates").rglob("*.pot")
    )
    assert templates == ["autre.pot", "billet.pot", "notes/suite.pot"]


def test_a_hand_written_translation_is_never_overwritten(tmp_path: Path, layout: Layout) -> None:
    root = make_site(tmp_path / "site", layout)
    mine = root / layout.export("billet", "en")
    mine.parent.mkdir(parents=True, exist_ok=True)
    mine.write_text(HAND, encoding="utf-8")
    notice = (
        f"not written: {layout.export('billet', 'en')} (not written by postloc; keep it and "
        "bring it into the catalogues with `postloc adopt --lang en`, or delete it to let "
        "postloc export there)"
    )
    stderr = synced(root)
    assert notice in stderr.splitlines()
    assert "5 post(s) exported, 5 changed; 1 left alone (not postloc's)" in stderr
    assert (root / layout.export("billet", "es")).is_file()
    assert (root / layout.export("autre", "en")).is_file()

    result = run(root, "export")
    assert result.exit_code == 0, result.stderr
    assert notice in result.stderr.splitlines()
    strict = run(root, "export", "--strict")
    assert strict.exit_code == 1
    assert notice in strict.stderr.splitlines()
    assert strict.stderr.splitlines()[-1] == (
        "postloc: error: 1 export(s) left alone (a person's file or a source post in the "
        "way); --strict makes that an error"
    )
    again = run(root, "sync", "--strict")  # the post is unchanged: sync passes it over
    assert again.exit_code == 1
    assert notice in again.stderr.splitlines()
    assert "postloc: error: 1 export(s) left alone" in again.stderr

    status = run(root, "status")
    assert status.exit_code == 0, status.stderr
    assert notice in status.stderr.splitlines()
    listed = json.loads(run(root, "status", "--json").stdout)
    assert [row for row in listed if row.get("refused")] == [
        {
            "refused": True,
            "file": layout.export("billet", "en"),
            "post": "billet",
            "lang": "en",
            "reason": notice.split(" (", 1)[1][:-1],
        }
    ]

    (root / layout.posts / "billet.md").unlink()
    pruned = run(root, "export", "--prune")
    assert pruned.exit_code == 0, pruned.stderr
    assert mine.read_text(encoding="utf-8") == HAND
    assert not (root / layout.export("billet", "es")).exists()


def test_status_lists_nothing_when_every_export_is_postlocs(tmp_path: Path, layout: Layout) -> None:
    root = make_site(tmp_path / "site", layout)
    synced(root)
    status = run(root, "status")
    assert status.exit_code == 0, status.stderr
    assert "not written" not in status.stderr
    listed = json.loads(run(root, "status", "--json").stdout)
    assert [row for row in listed if row.get("refused")] == []


def test_status_does_not_list_a_file_holding_what_export_would_write(
    tmp_path: Path, layout: Layout
) -> None:
    """Export adopts such a file (it holds nobody's work), so it is not in the way."""
    root = make_site(tmp_path / "site", layout)
    synced(root)
    for record in RECORDS:
        path = root / record
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    assert "not written" not in run(root, "status").stderr


def test_a_fresh_clone_updates_committed_exports_but_never_a_hand_edit(
    tmp_path: Path, layout: Layout
) -> None:
    """CI: ``.postloc/`` is not committed, the export record in the locales folder is."""
    first = make_site(tmp_path / "site", layout)
    synced(first)
    edited = first / layout.export("billet", "en")
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA translator's note.\n", "utf-8")
    clone = tmp_path / "clone"
    shutil.copytree(first, clone, ignore=shutil.ignore_patterns(".postloc"))
    for identity in ("billet", "autre"):
        source = clone / layout.posts / f"{identity}.md"
        source.write_text(french_post(identity, 3), encoding="utf-8")
    stderr = synced(clone)
    assert (
        f"not written: {layout.export('billet', 'en')} (edited since postloc wrote it; keep "
        "the edits with `postloc adopt --lang en`, or delete it to let postloc export there)"
    ) in stderr.splitlines()
    assert stderr.count("not written") == 1
    assert (clone / layout.export("billet", "en")).read_bytes() == edited.read_bytes()
    for name in (layout.export("billet", "es"), *(layout.export("autre", x) for x in LANGS)):
        assert "**3 pàýš**" in (clone / name).read_text(encoding="utf-8"), name
    assert "**3 pàýš**" not in (clone / layout.export("notes/suite", "en")).read_text("utf-8")


def test_a_committed_record_that_does_not_read_is_an_error_naming_it(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", LAYOUTS[0])
    synced(root)
    record = root / "locales/exports.json"
    lines = record.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "<<<<<<< HEAD")
    record.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(root, "export")
    assert result.exit_code == 1
    assert result.stderr.startswith("postloc: error: locales/exports.json:4: ")
    assert "a merge conflict?" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_committed_record_never_names_a_file_outside_the_project(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", LAYOUTS[0])
    synced(root)
    record = root / "locales/exports.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    data["files"]["../elsewhere.md"] = {"lang": "en", "post": "billet", "sha256": "0" * 64}
    record.write_text(json.dumps(data), encoding="utf-8")
    result = run(root, "export", "--prune")
    assert result.exit_code == 1
    assert "locales/exports.json: bad entry '../elsewhere.md'" in result.stderr


def test_exports_outside_the_project_stay_out_of_the_committed_record(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", LAYOUTS[0])
    synced(root)
    committed = (root / "locales/exports.json").read_bytes()
    result = run(root, "export", "--out", str(tmp_path / "elsewhere"))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "elsewhere/en/billet.md").is_file()
    assert (root / "locales/exports.json").read_bytes() == committed
    local = json.loads((root / ".postloc/exports.json").read_text(encoding="utf-8"))
    assert (tmp_path / "elsewhere/en/billet.md").as_posix() in local["files"]


def test_the_committed_record_is_one_sorted_line_per_file(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", LAYOUTS[0])
    synced(root)
    lines = (root / "locales/exports.json").read_text(encoding="utf-8").splitlines()
    entries = lines[3:-2]
    assert lines[:3] == ["{", ' "version": 1,', ' "files": {']
    assert lines[-2:] == [" }", "}"]
    assert [line.split('"')[1] for line in entries] == sorted(
        f"build/{lang}/{identity}.md" for identity in POSTS for lang in LANGS
    )


def test_a_working_copys_own_writes_stay_postlocs_after_a_pull(tmp_path: Path) -> None:
    """Git-ignored exports built here, a committed record written elsewhere with other
    bytes: the local record still makes this copy's files postloc's."""
    root = make_site(tmp_path / "site", LAYOUTS[0])
    synced(root)
    record = root / "locales/exports.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    data["files"]["build/en/billet.md"]["sha256"] = "1" * 64
    record.write_text(json.dumps(data), encoding="utf-8")
    (root / "source_posts/billet.md").write_text(french_post("billet", 3), encoding="utf-8")
    stderr = synced(root)
    assert "not written" not in stderr
    assert "**3 pàýš**" in (root / "build/en/billet.md").read_text(encoding="utf-8")


def test_a_partial_export_of_a_clone_without_the_output_keeps_the_record(tmp_path: Path) -> None:
    """Git-ignored ``build/`` is absent from a clone: exporting one language must not drop
    the other languages' entries from the committed record."""
    root = make_site(tmp_path / "site", LAYOUTS[0])
    synced(root)
    committed = (root / "locales/exports.json").read_bytes()
    shutil.rmtree(root / "build")
    result = run(root, "export", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert (root / "locales/exports.json").read_bytes() == committed
    assert not (root / "build/es").exists()
    (root / "source_posts/autre.md").unlink()
    result = run(root, "export", "--prune")
    assert result.exit_code == 0, result.stderr
    record = json.loads((root / "locales/exports.json").read_text(encoding="utf-8"))
    assert "build/es/autre.md" not in record["files"]
    assert "build/es/billet.md" in record["files"]
