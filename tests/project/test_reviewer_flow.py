"""The reviewer's day end to end through the CLI: Poedit stand-in, merge-review, export, status."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from helpers import make_project, run, snapshot

SLUG = "coalition-des-volontaires-paris"
PO_ES = f"locales/es/LC_MESSAGES/{SLUG}.po"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "site")
    assert run(root, "sync").exit_code == 0
    return root


def corrected_copy(project: Path, tmp_path: Path, count: int = 3) -> tuple[Path, dict[str, str]]:
    """What a reviewer sends back: three drafts corrected, fuzzy cleared, rewrapped at 40."""
    outside = tmp_path / "from-reviewer" / f"{SLUG}.po"
    outside.parent.mkdir()
    po = polib.pofile(str(project / PO_ES), wrapwidth=40)
    corrected = {}
    for entry in [e for e in po if e.msgid][:count]:
        entry.msgstr = f"Revisado: {entry.msgid[:30]}"
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        corrected[entry.msgid] = entry.msgstr
    po.wrapwidth = 40
    po.save(str(outside))
    return outside, corrected


def test_reviewer_scenario(project: Path, tmp_path: Path) -> None:
    reviewed_file, corrected = corrected_copy(project, tmp_path)
    result = run(project, "merge-review", str(reviewed_file), "--lang", "es", "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["counts"]["reviewed"] == 3 and summary["counts"]["came_back_fuzzy"] == 0
    assert summary["counts"]["conflicts"] == 0 and summary["counts"]["unknown"] == 0
    assert (summary["post"], summary["found_by"]) == (SLUG, "references")

    ours = polib.pofile(str(project / PO_ES))
    reviewed = {e.msgid: e.msgstr for e in ours if e.msgid and "fuzzy" not in e.flags}
    assert reviewed == corrected
    # our wrapping stays ours (msgcat-identical), not the reviewer's width 40
    again = subprocess.run(
        ["msgcat", str(project / PO_ES)], capture_output=True, text=True, check=True
    )
    assert again.stdout == (project / PO_ES).read_text(encoding="utf-8")

    assert (
        run(project, "export", "--lang", "es", "--reviewed-only", "--min-translated", "0").exit_code
        == 0
    )
    exported = (project / "build/es" / f"{SLUG}.md").read_text(encoding="utf-8")
    assert sum(exported.count(text) for text in corrected.values()) == 3
    assert exported.count("Revisado:") == 3

    rows = json.loads(run(project, "status", "--json").stdout)
    es = next(row for row in rows if row["lang"] == "es")
    assert es["reviewed"] == 3 and es["machine"] == es["total"] - 3

    before = snapshot(project)
    second = run(project, "merge-review", str(reviewed_file), "--lang", "es", "--json")
    assert second.exit_code == 0
    assert snapshot(project) == before


def test_reviewed_and_hand_edited_draft_survive_translate_and_sync(
    project: Path, tmp_path: Path
) -> None:
    po = polib.pofile(str(project / PO_ES))
    entries = [e for e in po if e.msgid]
    entries[0].msgstr = "Traducción revisada"
    entries[0].flags = []
    entries[1].msgstr = "Borrador corregido a mano"  # still fuzzy, MT hash no longer matches
    po.save(str(project / PO_ES))
    assert run(project, "update").exit_code == 0  # normalise wrapping once
    normalised = (project / PO_ES).read_bytes()
    assert run(project, "translate", "--engine", "pseudo").exit_code == 0
    assert run(project, "sync").exit_code == 0
    assert (project / PO_ES).read_bytes() == normalised
    status = json.loads(run(project, "status", "--json").stdout)
    es = next(row for row in status if row["lang"] == "es")
    assert es["reviewed"] == 1 and es["fuzzy"] == 1


def test_merge_review_reports_changed_source_and_unknown(project: Path, tmp_path: Path) -> None:
    reviewed_file, corrected = corrected_copy(project, tmp_path, count=1)
    first = next(iter(corrected))
    post = project / "source_posts" / f"{SLUG}.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace(first, first + " Modifié."), encoding="utf-8"
    )
    assert run(project, "sync").exit_code == 0
    theirs = polib.pofile(str(reviewed_file))
    theirs.append(polib.POEntry(msgid="Un texte que le post n’a plus", msgstr="Un texto"))
    theirs.save(str(reviewed_file))
    result = run(project, "merge-review", str(reviewed_file), "--lang", "es", "--json")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["unknown"] == ["Un texte que le post n’a plus"]
    assert [(c["reason"], c["outcome"]) for c in summary["conflicts"]] == [
        ("the source text changed since the reviewer's copy", "took theirs as fuzzy")
    ]
    assert summary["counts"]["came_back_fuzzy"] == 1 and summary["counts"]["reviewed"] == 0
    ours = polib.pofile(str(project / PO_ES))
    changed = ours.find(first + " Modifié.")
    assert changed is not None and "fuzzy" in changed.flags and changed.previous_msgid == first


def test_check_flags_injection_and_html_export_escapes_it(project: Path) -> None:
    po = polib.pofile(str(project / PO_ES))
    entries = [e for e in po if e.msgid and e.msgid.startswith("Le 4 septembre")]
    entries[
        0
    ].msgstr = (
        "El 4 de septiembre <script>alert(1)</script> [x](javascript:alert(1)) **35 países**."
    )
    entries[0].flags = []
    po.save(str(project / PO_ES))
    result = run(project, "check", "--lang", "es", "--json")
    assert result.exit_code == 1
    checks = {(i["check"], i["severity"]) for i in json.loads(result.stdout)}
    assert ("raw-html", "error") in checks and ("unsafe-url", "error") in checks
    assert run(project, "export", "--lang", "es", "--format", "html").exit_code == 0
    page = (project / "build/es" / f"{SLUG}.html").read_text(encoding="utf-8")
    # the document check makes export fall back to the French text of that entry
    assert "<script>" not in page and "script" not in page
    assert 'href="javascript:' not in page
    assert "Le 4 septembre" in page
    assert '<html lang="es">' in page


def test_export_front_matter_and_hugo_file_names(project: Path) -> None:
    config = project / "postloc.toml"
    config.write_text(
        config.read_text() + '\n[export]\nfilename = "{slug}.{lang}.md"\n', encoding="utf-8"
    )
    assert run(project, "export").exit_code == 0
    exported = (project / "build" / f"{SLUG}.en.md").read_text(encoding="utf-8")
    front = exported.split("---")[1]
    for line in (
        "lang: en",
        f"translation_of: {SLUG}",
        "date: 2025-09-06",
        "date_display: September 6, 2025",
        "machine_translated: true",
        "reviewed_ratio: 0.0",
    ):
        assert line in front
    catalan = (project / "build" / f"{SLUG}.ca.md").read_text(encoding="utf-8")
    assert "date_display: 6 de setembre del 2025" in catalan


def test_stale_exports_reported_then_pruned(project: Path) -> None:
    """Stale: postloc's own exports of a language or post that is gone; a file postloc did
    not write is never stale (tests/project/test_prune.py has the rest)."""
    hand_made = project / "build/de" / f"{SLUG}.md"
    hand_made.parent.mkdir()
    hand_made.write_text("alt", encoding="utf-8")
    config = project / "postloc.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('"ca", ', ""), "utf-8")
    dropped = project / "build/ca" / f"{SLUG}.md"
    result = run(project, "export")
    assert f"stale (use --prune): build/ca/{SLUG}.md" in result.stderr
    assert "build/de" not in result.stderr
    assert dropped.exists()
    result = run(project, "export", "--prune")
    assert f"removed: build/ca/{SLUG}.md" in result.stderr
    assert not dropped.exists() and hand_made.exists()


def test_compile_round_trips_through_msgunfmt(project: Path, tmp_path: Path) -> None:
    po = polib.pofile(str(project / PO_ES))
    first = next(e for e in po if e.msgid)
    first.msgstr, first.flags = "Revisado", []
    po.save(str(project / PO_ES))
    assert run(project, "compile", "--lang", "es").exit_code == 0
    mo = project / PO_ES.replace(".po", ".mo")
    out = subprocess.run(["msgunfmt", str(mo)], capture_output=True, text=True, check=True).stdout
    assert 'msgstr "Revisado"' in out
    assert out.count("msgid ") == 2  # header + the one reviewed entry; drafts are fuzzy
    assert run(project, "compile", "--lang", "es", "--use-fuzzy").exit_code == 0
    fuzzy_out = subprocess.run(
        ["msgunfmt", str(mo)], capture_output=True, text=True, check=True
    ).stdout
    assert fuzzy_out.count("msgid ") == len([e for e in po if e.msgid]) + 1
    shutil.rmtree(tmp_path / "site" / "locales" / "es")
