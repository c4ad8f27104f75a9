"""merge-review finds the post in the reviewer's file (``#:`` references, Project-Id-Version),
never in its name: ``corrections (1).po`` and ``faq (1).po`` from a mail client just work."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import polib
import pytest

from helpers import make_project, run, snapshot

SLUG = "coalition-des-volontaires-paris"
FAQ_POST = "aide/questions-frequentes"
"""The FAQ's identity: its path in the posts folder, made a safe name."""
FAQ = """\
---
title: Questions fréquentes
slug: faq
---

Pourquoi traduire ce blog ?

Parce que nos lecteurs parlent plusieurs langues.
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The sample post and a FAQ in a section, with spaces and accents in its file name and
    a URL ``slug: faq`` (neither names its catalogue)."""
    root = make_project(tmp_path / "site")
    (root / "source_posts" / "aide").mkdir()
    (root / "source_posts" / "aide" / "Questions fréquentes.md").write_text(FAQ, encoding="utf-8")
    assert run(root, "sync").exit_code == 0
    return root


def catalogue(project: Path, slug: str, lang: str = "es") -> Path:
    return project / "locales" / lang / "LC_MESSAGES" / f"{slug}.po"


def reviewer_copy(project: Path, tmp_path: Path, slug: str, name: str) -> tuple[Path, str]:
    """The catalogue as a reviewer mails it back, saved under ``name`` outside locales/:
    the first draft corrected (fuzzy cleared), the second edited but left fuzzy."""
    po = polib.pofile(str(catalogue(project, slug)))
    first, second = [e for e in po if e.msgid][:2]
    first.msgstr, first.flags = "Revisado por Ana", []
    second.msgstr = "Quizás así"
    path = tmp_path / "Downloads" / name
    path.parent.mkdir(exist_ok=True)
    po.save(str(path))
    return path, first.msgid


def merge(project: Path, file: Path, *options: str) -> dict:
    result = run(project, "merge-review", str(file), "--lang", "es", "--json", *options)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_corrections_1_po_goes_to_the_post_its_references_name(
    project: Path, tmp_path: Path
) -> None:
    file, reviewed = reviewer_copy(project, tmp_path, SLUG, "corrections (1).po")
    summary = merge(project, file)
    assert (summary["post"], summary["found_by"]) == (SLUG, "references")
    assert summary["catalogue"] == f"locales/es/LC_MESSAGES/{SLUG}.po" and summary["written"]
    assert summary["counts"]["reviewed"] == 1 and summary["counts"]["came_back_fuzzy"] == 1
    total = len([e for e in polib.pofile(str(file)) if e.msgid])
    assert summary["counts"]["ignored"] == total - 2 and summary["counts"]["unknown"] == 0
    merged = polib.pofile(str(catalogue(project, SLUG))).find(reviewed)
    assert merged is not None and merged.msgstr == "Revisado por Ana" and not merged.flags


def test_faq_1_po_goes_to_the_nested_post_its_references_name(
    project: Path, tmp_path: Path
) -> None:
    """polib (like translate-toolkit) reads the no-break spaces of ``#: source_posts/aide/
    Questions fréquentes.md:5`` as separators and saves plain spaces: still found."""
    file, reviewed = reviewer_copy(project, tmp_path, FAQ_POST, "faq (1).po")
    assert "#: source_posts/aide/Questions fréquentes.md:" in file.read_text(encoding="utf-8")
    before = catalogue(project, SLUG).read_bytes()
    summary = merge(project, file)
    assert (summary["post"], summary["found_by"]) == (FAQ_POST, "references")
    merged = polib.pofile(str(catalogue(project, FAQ_POST))).find(reviewed)
    assert merged.msgstr == "Revisado por Ana"
    assert catalogue(project, SLUG).read_bytes() == before


def test_without_references_the_project_id_version_names_the_post(
    project: Path, tmp_path: Path
) -> None:
    file, _ = reviewer_copy(project, tmp_path, FAQ_POST, "corrections (1).po")
    po = polib.pofile(str(file))
    for entry in po:
        entry.occurrences = []  # e.g. saved with msgcat --no-location
    po.save(str(file))
    assert po.metadata["Project-Id-Version"] == FAQ_POST
    summary = merge(project, file)
    assert (summary["post"], summary["found_by"]) == (FAQ_POST, "Project-Id-Version")
    assert summary["counts"]["reviewed"] == 1


def test_post_option_overrides_what_the_file_says(project: Path, tmp_path: Path) -> None:
    file, _ = reviewer_copy(project, tmp_path, SLUG, "corrections (1).po")
    summary = merge(project, file, "--post", "aide/Questions fréquentes.md")
    assert (summary["post"], summary["found_by"]) == (FAQ_POST, "--post")
    assert summary["counts"]["reviewed"] == summary["counts"]["came_back_fuzzy"] == 0
    assert summary["counts"]["unknown"] == len([e for e in polib.pofile(str(file)) if e.msgid])
    assert not summary["written"]


def test_a_file_naming_several_posts_is_one_error_listing_them(
    project: Path, tmp_path: Path
) -> None:
    file, _ = reviewer_copy(project, tmp_path, SLUG, "corrections (1).po")
    po = polib.pofile(str(file))
    for entry in polib.pofile(str(catalogue(project, FAQ_POST))):
        if entry.msgid:
            po.append(entry)  # two catalogues concatenated (msgcat a.po b.po)
    po.save(str(file))
    before = snapshot(project)
    result = run(project, "merge-review", str(file), "--lang", "es")
    assert result.exit_code == 1
    assert result.stderr == (
        f"postloc: error: {file}: its #: references name several posts ({FAQ_POST}, {SLUG}); "
        "choose one with --post POST\n"
    )
    assert snapshot(project) == before


def test_a_file_naming_no_post_is_one_error_listing_the_candidates(
    project: Path, tmp_path: Path
) -> None:
    file, _ = reviewer_copy(project, tmp_path, SLUG, "corrections (1).po")
    po = polib.pofile(str(file))
    for entry in po:
        entry.occurrences = [("old_posts/ancien.md", "3")]
    po.metadata["Project-Id-Version"] = "PACKAGE VERSION"
    po.save(str(file))
    result = run(project, "merge-review", str(file), "--lang", "es")
    assert result.exit_code == 1
    assert result.stderr == (
        f"postloc: error: {file}: the file names no post: none of its #: references is a post "
        "in source_posts/ and its Project-Id-Version 'PACKAGE VERSION' names no 'es' catalogue; "
        f"choose one with --post POST: {FAQ_POST}, {SLUG}\n"
    )
    po.metadata["Project-Id-Version"] = ""
    for entry in po:
        entry.occurrences = []
    po.save(str(file))
    result = run(project, "merge-review", str(file), "--lang", "es")
    assert "the file names no post: it has no #: references; choose one with" in result.stderr
    shutil.rmtree(project / "locales" / "eo")
    result = run(project, "merge-review", str(file), "--lang", "eo")
    assert "there is no 'eo' catalogue yet (run postloc update)" in result.stderr


def test_text_report_has_counts_and_readable_conflicts(project: Path, tmp_path: Path) -> None:
    file, reviewed = reviewer_copy(project, tmp_path, SLUG, "corrections (1).po")
    po = polib.pofile(str(file))
    po.append(polib.POEntry(msgid="Un texte que le post n’a plus", msgstr="Un texto"))
    po.save(str(file))
    post = project / "source_posts" / f"{SLUG}.md"
    text = post.read_text(encoding="utf-8")
    assert text.count(reviewed) == 1
    post.write_text(text.replace(reviewed, reviewed + " Modifié."), encoding="utf-8")
    assert run(project, "sync").exit_code == 0
    ours = polib.pofile(str(catalogue(project, SLUG)))
    line = ours.find(reviewed + " Modifié.").occurrences[0][1]

    result = run(project, "merge-review", str(file), "--lang", "es")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"{file} → locales/es/LC_MESSAGES/{SLUG}.po "
        f"(post {SLUG}, named by the file's #: references)"
    )
    assert re.fullmatch(
        r"0 reviewed, 2 came back fuzzy, \d+ ignored, 1 unknown, 1 conflict", lines[1]
    )
    start = (reviewed + " Modifié.")[:39].rstrip()
    assert lines[2] == (
        f'  conflict: "{start}…" (line {line}): '
        "the source text changed since the reviewer's copy; took theirs as fuzzy"
    )
    assert lines[3:] == ['  unknown: "Un texte que le post n’a plus"']
    assert "{" not in result.stdout

    again = run(project, "merge-review", str(file), "--lang", "es")
    assert again.stdout.splitlines()[0].endswith("; nothing changed")
