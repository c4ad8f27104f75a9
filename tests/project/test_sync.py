"""``sync`` is incremental: a second run rewrites nothing, an edit rewrites only its own files.

Rewrites are detected by bytes, ``mtime_ns`` *and* inode: ``atomic_write``
always renames a fresh file into place, so even a rewrite with identical
bytes inside one clock tick changes the inode.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import LANGS, SLUGS, french_posts, make_project, run

EPOCH = 1_767_225_600  # 2026-01-01, after the posts' date (Hugo publishes from `date`)
"""A fixed clock (``SOURCE_DATE_EPOCH``); tests move it to show dates do not cause churn."""

Files = dict[str, tuple[bytes, int, int]]


def full_snapshot(root: Path) -> Files:
    """Every file under ``root``, ``.postloc/`` included: bytes, mtime_ns, inode."""
    files: Files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            stat = path.stat()
            files[path.relative_to(root).as_posix()] = (
                path.read_bytes(),
                stat.st_mtime_ns,
                stat.st_ino,
            )
    return files


def all_paths(root: Path) -> set[str]:
    """Every file *and folder* under ``root`` (a check must not even create a folder)."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def changed(before: Files, after: Files) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    monkeypatch.delenv("POSTLOC_PSEUDO_DELAY", raising=False)
    return make_project(tmp_path, posts=french_posts(3, 12))


def sync(root: Path, *args: str) -> None:
    result = run(root, "sync", *args)
    assert result.exit_code == 0, result.stderr


def files_of(slug: str) -> set[str]:
    """The template, catalogues and localized posts that belong to one post."""
    return {
        f"locales/templates/{slug}.pot",
        *(f"locales/{lang}/LC_MESSAGES/{slug}.po" for lang in LANGS),
        *(f"build/{lang}/{slug}.md" for lang in LANGS),
    }


def test_first_sync_writes_every_file_of_every_post(project: Path) -> None:
    sync(project)
    written = {name for name in full_snapshot(project) if not name.startswith(".postloc/")}
    expected = {"postloc.toml", *(f"source_posts/{s}.md" for s in SLUGS)}
    for slug in SLUGS:
        expected |= files_of(slug)
    expected.add("locales/exports.json")  # the committed export record
    assert written == expected


def test_second_sync_rewrites_nothing_even_an_hour_later(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync(project)
    before = full_snapshot(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 3600))
    sync(project)
    assert changed(before, full_snapshot(project)) == set()


def test_second_sync_json_reports_no_work(project: Path) -> None:
    import json

    sync(project)
    result = run(project, "sync", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["templates"] == [] and report["catalogues"] == [] and report["exported"] == []
    assert report["translate"]["translated"] == 0
    assert report["translate"]["engine_segments"] == 0


def test_editing_one_paragraph_rewrites_only_that_posts_files(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync(project)
    post = project / "source_posts" / "deuxieme-billet.md"
    text = post.read_text(encoding="utf-8")
    old = "Paragraphe 5 de deuxieme-billet : la coalition"
    assert text.count(old) == 1
    post.write_text(text.replace(old, "Paragraphe 5 de deuxieme-billet : l'alliance"), "utf-8")
    before = full_snapshot(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 3600))

    result = run(project, "sync", "--json")
    assert result.exit_code == 0, result.stderr

    after = full_snapshot(project)
    touched = {name for name in changed(before, after) if not name.startswith(".postloc/")}
    # an export's hash changes, so the committed export record does too
    assert touched == files_of("deuxieme-billet") | {"locales/exports.json"}


def test_edit_costs_one_engine_segment_per_language(project: Path) -> None:
    import json

    sync(project)
    post = project / "source_posts" / "premier-billet.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("Paragraphe 3 de premier-billet", "Paragraphe 3 bis"), "utf-8")
    report = json.loads(run(project, "sync", "--json").stdout)
    assert report["translate"]["engine_segments"] == len(LANGS)
    assert report["translate"]["translated"] == len(LANGS)
    assert report["templates"] == ["locales/templates/premier-billet.pot"]


def test_edit_keeps_other_posts_header_dates(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the edited post's catalogues get a new PO-Revision-Date; the others keep theirs."""
    sync(project)
    post = project / "source_posts" / "troisieme-billet.md"
    post.write_text(
        post.read_text("utf-8").replace("Paragraphe 1 de", "Premier paragraphe de"), "utf-8"
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 86_400))
    sync(project)
    edited = (project / "locales/es/LC_MESSAGES/troisieme-billet.po").read_text("utf-8")
    other = (project / "locales/es/LC_MESSAGES/premier-billet.po").read_text("utf-8")
    assert "PO-Revision-Date: 2026-01-02 " in edited  # EPOCH + 1 day
    assert "PO-Revision-Date: 2026-01-01 " in other  # EPOCH, untouched


def test_check_on_a_fresh_project_fails_and_creates_nothing(project: Path) -> None:
    before_paths = all_paths(project)
    before = full_snapshot(project)
    result = run(project, "sync", "--check")
    assert result.exit_code == 1
    assert result.stderr.startswith("postloc: error: ")
    assert "locales/templates/premier-billet.pot" in result.stderr
    assert all_paths(project) == before_paths  # not even .postloc/ or locales/
    assert full_snapshot(project) == before


def test_check_after_an_edit_fails_names_only_stale_files_and_writes_nothing(
    project: Path,
) -> None:
    sync(project)
    post = project / "source_posts" / "premier-billet.md"
    post.write_text(post.read_text("utf-8") + "\nUn paragraphe ajouté.\n", "utf-8")
    before_paths = all_paths(project)
    before = full_snapshot(project)
    result = run(project, "sync", "--check")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("postloc: error: ")
    assert "locales/templates/premier-billet.pot" in lines[0]
    for lang in LANGS:
        assert f"locales/{lang}/LC_MESSAGES/premier-billet.po" in lines[0]
    assert "deuxieme-billet" not in lines[0] and "troisieme-billet" not in lines[0]
    assert all_paths(project) == before_paths
    assert changed(before, full_snapshot(project)) == set()


def test_check_passes_after_sync_and_touches_nothing(project: Path) -> None:
    sync(project)
    before = full_snapshot(project)
    result = run(project, "sync", "--check")
    assert result.exit_code == 0, result.stderr
    assert changed(before, full_snapshot(project)) == set()


def test_check_sees_a_deleted_post(project: Path) -> None:
    sync(project)
    os.unlink(project / "source_posts" / "troisieme-billet.md")
    before = full_snapshot(project)
    result = run(project, "sync", "--check")
    assert result.exit_code == 1
    assert "locales/templates/troisieme-billet.pot" in result.stderr
    assert changed(before, full_snapshot(project)) == set()


def test_check_sees_a_hand_edited_template(project: Path) -> None:
    sync(project)
    template = project / "locales/templates/premier-billet.pot"
    template.write_text(
        template.read_text("utf-8").replace("Paragraphe 2 de", "Paragraphe 2 du"), "utf-8"
    )
    result = run(project, "sync", "--check")
    assert result.exit_code == 1
    assert "locales/templates/premier-billet.pot" in result.stderr


def outputs_of(root: Path) -> dict[str, bytes]:
    """What a sync leaves for a reader: catalogues, templates and localized posts."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for folder in ("locales", "build")
        for path in sorted((root / folder).rglob("*"))
        if path.is_file()
    }


def test_sync_on_two_workers_writes_exactly_what_one_job_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Languages finish in workers as their drafts land, the last one's posts shared among
    the workers; the files are the same bytes as one job's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    monkeypatch.delenv("POSTLOC_PSEUDO_DELAY", raising=False)
    roots = {jobs: make_project(tmp_path / jobs, posts=french_posts(5, 6)) for jobs in "12"}
    for jobs, root in roots.items():
        sync(root, "--jobs", jobs)
    assert outputs_of(roots["1"]) == outputs_of(roots["2"])
    assert len(outputs_of(roots["2"])) == 5 * (1 + 2 * len(LANGS)) + 1  # and exports.json


def test_a_traced_sync_logs_each_phase_and_engine_call(
    project: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("POSTLOC_TRACE", "1")
    monkeypatch.setenv("POSTLOC_TRACE_ORIGIN", "0")  # so that monkeypatch restores its absence
    monkeypatch.delenv("POSTLOC_TRACE_ORIGIN")
    with caplog.at_level("INFO", logger="postloc.trace"):
        sync(project, "--jobs", "1")
    lines = [r.getMessage() for r in caplog.records if r.name == "postloc.trace"]
    ends = {" ".join(line.split()[5:7]) for line in lines if " end " in line}
    assert {"end read", "end templates", "end engines", "end call"} <= ends
    assert {f"merge lang={lang}" for lang in LANGS} <= {
        " ".join(line.split()[6:8]) for line in lines if " end merge " in line
    }
    assert all(line.startswith("postloc-trace t=") for line in lines)


def test_an_untraced_sync_logs_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("POSTLOC_TRACE", raising=False)
    with caplog.at_level("INFO", logger="postloc.trace"):
        sync(project, "--jobs", "1")
    assert not [r for r in caplog.records if r.name == "postloc.trace"]
