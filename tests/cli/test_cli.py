"""The command line through CliRunner: exit codes, exact messages, files written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from helpers import REPO, make_project, run, snapshot
from postloc.cli.commands import main


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def test_every_command_has_help() -> None:
    from click.testing import CliRunner

    runner = CliRunner()
    names = list(main.commands)
    assert {
        "init",
        "extract",
        "update",
        "translate",
        "export",
        "sync",
        "status",
        "check",
        "compile",
        "engines",
        "models",
        "merge-review",
    } <= set(names)
    for name in names:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Usage:" in result.output


def test_sync_writes_templates_catalogues_and_posts(project: Path) -> None:
    result = run(project, "sync")
    assert result.exit_code == 0, result.stderr
    slug = "coalition-des-volontaires-paris"
    assert (project / "locales/templates" / f"{slug}.pot").exists()
    for lang in ("en", "es", "ca", "eo"):
        assert (project / "locales" / lang / "LC_MESSAGES" / f"{slug}.po").exists()
        assert (project / "build" / lang / f"{slug}.md").exists()


def test_second_sync_changes_nothing(project: Path) -> None:
    assert run(project, "sync").exit_code == 0
    before = snapshot(project)
    result = run(project, "sync")
    assert result.exit_code == 0
    assert snapshot(project) == before


def test_sync_check_passes_then_fails_after_an_edit(project: Path) -> None:
    assert run(project, "sync").exit_code == 0
    assert run(project, "sync", "--check").exit_code == 0
    post = project / "source_posts" / "coalition-des-volontaires-paris.md"
    post.write_text(
        post.read_text(encoding="utf-8") + "\nUn nouveau paragraphe.\n", encoding="utf-8"
    )
    before = snapshot(project)
    result = run(project, "sync", "--check")
    assert result.exit_code == 1
    assert result.stderr.startswith("postloc: error: ")
    assert "locales/templates/coalition-des-volontaires-paris.pot" in result.stderr
    assert "locales/en/LC_MESSAGES/coalition-des-volontaires-paris.po" in result.stderr
    assert snapshot(project) == before


def test_translate_json_and_memory(project: Path) -> None:
    assert run(project, "extract").exit_code == 0
    assert run(project, "update").exit_code == 0
    first = json.loads(run(project, "translate", "--json").stdout)
    entries = len(
        polib.pofile(str(project / "locales/templates/coalition-des-volontaires-paris.pot"))
    )
    assert first["translated"] == 4 * entries
    assert first["engine_segments"] == 4 * entries
    assert set(first) == {
        "translated",
        "from_memory",
        "engine_segments",
        "skipped_human",
        "by_engine",
    }
    second = json.loads(run(project, "translate", "--json").stdout)
    assert second["translated"] == 0 and second["engine_segments"] == 0


def test_one_edited_paragraph_costs_one_segment_per_language(project: Path) -> None:
    assert run(project, "sync").exit_code == 0
    post = project / "source_posts" / "coalition-des-volontaires-paris.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("Paris comme symbole", "Paris, un symbole"), encoding="utf-8")
    assert run(project, "extract").exit_code == 0
    assert run(project, "update").exit_code == 0
    report = json.loads(run(project, "translate", "--json").stdout)
    assert report["engine_segments"] == 4
    assert report["translated"] == 4


def test_status_json_keys(project: Path) -> None:
    run(project, "sync")
    rows = json.loads(run(project, "status", "--json").stdout)
    assert len(rows) == 4
    for row in rows:
        assert set(row) == {
            "post",
            "lang",
            "total",
            "reviewed",
            "machine",
            "fuzzy",
            "untranslated",
            "obsolete",
        }
        assert row["machine"] == row["total"] > 0


def test_status_fail_under(project: Path) -> None:
    run(project, "sync")
    result = run(project, "status", "--fail-under", "50")
    assert result.exit_code == 1
    assert "below 50" in result.stderr


def test_export_below_the_threshold_says_so_in_one_line(project: Path) -> None:
    run(project, "extract")
    run(project, "update")
    result = run(project, "export")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "0 of 4 post exports written: all below --min-translated 0.80"
    ]
    assert not (project / "build").exists()
    verbose = run(project, "-v", "export")
    assert verbose.exit_code == 0
    skipped = [line for line in verbose.stderr.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == 4
    assert skipped[0].startswith(
        "skipped coalition-des-volontaires-paris [en]: 0% translated "
        "(0 reviewed, 0 outdated, 0 machine, "
    )
    assert run(project, "export", "--min-translated", "0").exit_code == 0
    assert (project / "build/en/coalition-des-volontaires-paris.md").exists()


def test_export_strict_fails_when_the_threshold_lets_nothing_through(project: Path) -> None:
    run(project, "extract")
    run(project, "update")
    result = run(project, "export", "--strict")
    _assert_one_line_error(result, "0 of 4 post exports written: all below --min-translated 0.80")
    as_json = run(project, "export", "--strict", "--json")
    _assert_one_line_error(as_json, "all below --min-translated 0.80")
    assert [row["exported"] for row in json.loads(as_json.stdout)["posts"]] == [False] * 4
    assert not (project / "build").exists()
    assert run(project, "export", "--strict", "--min-translated", "0").exit_code == 0


def test_export_json_lists_what_it_left_alone_and_strict_fails_on_it(project: Path) -> None:
    slug = "coalition-des-volontaires-paris"
    mine = project / "build/es" / f"{slug}.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("mi traducción", encoding="utf-8")
    assert run(project, "sync").exit_code == 0
    result = run(project, "export", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["refused"] == [
        {
            "path": f"build/es/{slug}.md",
            "post": slug,
            "lang": "es",
            "reason": "not written by postloc; keep it and bring it into the catalogues with "
            "`postloc adopt --lang es`, or delete it to let postloc export there",
        }
    ]
    strict = run(project, "export", "--json", "--strict")
    _assert_one_line_error(strict, "1 export(s) left alone")
    assert json.loads(strict.stdout)["refused"][0]["path"] == f"build/es/{slug}.md"
    assert run(project, "sync", "--json", "--strict").exit_code == 1
    assert mine.read_text(encoding="utf-8") == "mi traducción"


def test_export_summary_names_reviewed_only_and_counts_the_skipped(project: Path) -> None:
    run(project, "sync")
    result = run(project, "export", "--reviewed-only")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "0 of 4 post exports written: all below --min-translated 0.80 with --reviewed-only"
    ]
    edit_catalogue(project, "en", lambda entries: [review(e, f"EN {e.msgid}") for e in entries])
    partial = run(project, "export", "--reviewed-only")
    assert partial.exit_code == 0
    assert partial.stderr.splitlines() == [
        "1 post(s) exported, 1 changed; 3 skipped, below --min-translated 0.80 with --reviewed-only"
    ]
    assert run(project, "export", "--reviewed-only", "--strict").exit_code == 0


def test_reviewed_only_falls_back_to_source(project: Path) -> None:
    run(project, "sync")
    result = run(project, "export", "--reviewed-only", "--min-translated", "0", "--lang", "en")
    assert result.exit_code == 0
    exported = (project / "build/en/coalition-des-volontaires-paris.md").read_text(encoding="utf-8")
    assert "Le 4 septembre, Paris a accueilli" in exported
    assert "lang: en" in exported


def _assert_one_line_error(result, name: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("postloc: error: ")
    assert name in lines[0]


def test_broken_front_matter(project: Path) -> None:
    run(project, "sync")
    bad = project / "source_posts" / "broken.md"
    bad.write_text("---\ntitle: [unclosed\n---\n\nTexte.\n", encoding="utf-8")
    before = snapshot(project)
    result = run(project, "sync")
    _assert_one_line_error(result, "source_posts/broken.md")
    assert snapshot(project) == before


def test_unknown_target_language(project: Path) -> None:
    config = project / "postloc.toml"
    config.write_text(config.read_text().replace('"eo"]', '"xx_YY"]'), encoding="utf-8")
    before = snapshot(project)
    result = run(project, "sync")
    _assert_one_line_error(result, "xx_YY")
    assert "postloc.toml" in result.stderr
    assert snapshot(project) == before


def test_unknown_language_option(project: Path) -> None:
    result = run(project, "update", "--lang", "xx_YY")
    _assert_one_line_error(result, "xx_YY")


def test_a_front_matter_slug_with_dotdot_names_nothing(project: Path) -> None:
    """Hugo's ``slug:`` is a part of the URL: the catalogues are named after the file."""
    run(project, "sync")
    (project / "source_posts" / "evil.md").write_text(
        "---\nslug: ../../etc\n---\n\nTexte.\n", encoding="utf-8"
    )
    result = run(project, "sync")
    assert result.exit_code == 0, result.stderr
    templates = sorted(p.name for p in (project / "locales").rglob("*.pot"))
    assert templates == ["coalition-des-volontaires-paris.pot", "evil.pot"]


def test_corrupt_po(project: Path) -> None:
    run(project, "sync")
    po = project / "locales/es/LC_MESSAGES/coalition-des-volontaires-paris.po"
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "x"\nmsgstr "y\n', encoding="utf-8")
    before = snapshot(project)
    result = run(project, "sync")
    _assert_one_line_error(result, "locales/es/LC_MESSAGES/coalition-des-volontaires-paris.po")
    assert snapshot(project) == before


def test_po_header_declaring_another_language(project: Path) -> None:
    run(project, "sync")
    po = project / "locales/es/LC_MESSAGES/coalition-des-volontaires-paris.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace("Language: es", "Language: de"), encoding="utf-8"
    )
    before = snapshot(project)
    result = run(project, "update")
    _assert_one_line_error(result, "Language 'de'")
    assert snapshot(project) == before


def test_engine_pinned_to_unserved_pair_is_a_clear_error(project: Path) -> None:
    config = project / "postloc.toml"
    config.write_text(config.read_text() + 'en = "argos"\n', encoding="utf-8")
    run(project, "extract")
    run(project, "update")
    before = snapshot(project)
    env_dir = project / "no-argos"
    os.environ["ARGOS_PACKAGES_DIR"] = str(env_dir)
    try:
        result = run(project, "translate")
    finally:
        del os.environ["ARGOS_PACKAGES_DIR"]
    _assert_one_line_error(result, "fr→en")
    assert snapshot(project) == before


def test_init_writes_config_and_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["init"])
    assert result.exit_code == 0
    assert (tmp_path / "postloc.toml").exists() and (tmp_path / "source_posts").is_dir()
    assert runner.invoke(main, ["init"]).exit_code == 0
    assert "exists; left as it is" in runner.invoke(main, ["init"]).stderr


def test_usage_error_exits_2(project: Path) -> None:
    result = run(project, "export", "--format", "pdf")
    assert result.exit_code == 2


def test_real_subprocess_end_to_end(project: Path) -> None:
    """Once as a user runs it: the installed console entry point in a real process."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    command = [sys.executable, "-m", "postloc", "sync"]
    done = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert (project / "build/eo/coalition-des-volontaires-paris.md").exists()
    check = subprocess.run(
        [*command, "--check"], cwd=project, env=env, capture_output=True, text=True
    )
    assert check.returncode == 0


SLUG = "coalition-des-volontaires-paris"


def catalogue_path(project: Path, lang: str) -> Path:
    return project / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"


def edit_catalogue(
    project: Path, lang: str, change: Callable[[list[polib.POEntry]], object]
) -> None:
    """What a translator's editor does: change entries and save the file."""
    path = catalogue_path(project, lang)
    po = polib.pofile(str(path))
    change([entry for entry in po if entry.msgid and not entry.obsolete])
    po.save(str(path))


def review(entry: polib.POEntry, text: str) -> None:
    entry.msgstr = text
    entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]


def exported_post(project: Path, lang: str) -> str:
    return (project / "build" / lang / f"{SLUG}.md").read_text(encoding="utf-8")


def test_export_json_counts_each_class_and_shows_human_work_first(project: Path) -> None:
    assert run(project, "sync").exit_code == 0
    french: dict[str, str] = {}

    def change(entries: list[polib.POEntry]) -> None:
        review(entries[0], "A reviewed title")
        entries[1].msgstr = "A draft a person corrected"  # still fuzzy: outdated, a person's
        entries[2].msgstr, entries[2].flags = "", []  # untranslated: the French shows
        french["untranslated"] = entries[2].msgid
        french["machine"] = entries[3].msgid

    edit_catalogue(project, "en", change)
    result = run(project, "export", "--json", "--lang", "en", "--min-translated", "0")
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)["posts"]
    assert set(row) == {
        "post",
        "lang",
        "path",
        "written",
        "exported",
        "total",
        "reviewed",
        "outdated",
        "machine",
        "fallback",
        "unsafe",
    }
    assert (row["reviewed"], row["outdated"], row["fallback"]) == (1, 1, 1)
    assert row["machine"] == row["total"] - 3 > 0
    text = exported_post(project, "en")
    assert "title: A reviewed title" in text
    assert "A draft a person corrected" in text
    assert french["untranslated"] in text
    assert french["machine"] not in text
    verbose = run(project, "-v", "export", "--lang", "en", "--min-translated", "0")
    assert (
        f"exported {SLUG} [en]: 1 reviewed, 1 outdated, {row['machine']} machine, 1 source"
        in verbose.stderr.splitlines()
    )


def test_reviewed_work_survives_a_comma_added_to_the_source(project: Path) -> None:
    """The issue's case: one comma in the French must not put reviewed English back in French."""
    assert run(project, "sync").exit_code == 0
    edit_catalogue(
        project, "en", lambda entries: [review(e, f"EN {n}") for n, e in enumerate(entries)]
    )
    post = project / "source_posts" / f"{SLUG}.md"
    text = post.read_text(encoding="utf-8")
    edited = text.replace("## Paris comme symbole", "## Paris, comme symbole").replace(
        "Le choix de Paris comme lieu", "Le choix de Paris, comme lieu"
    )
    assert edited.count(",") == text.count(",") + 2
    post.write_text(edited, encoding="utf-8")
    assert run(project, "sync").exit_code == 0
    english = exported_post(project, "en")
    assert "Paris, comme symbole" not in english and "Le choix de Paris" not in english
    assert "machine_translated" not in english
    result = run(project, "export", "--json", "--lang", "en")
    [row] = json.loads(result.stdout)["posts"]
    assert (row["outdated"], row["machine"], row["fallback"]) == (2, 0, 0)
    assert row["reviewed"] == row["total"] - 2
    assert "Paris, comme symbole" not in exported_post(project, "es")  # drafts elsewhere

    config = project / "postloc.toml"
    config.write_text(config.read_text() + "\n[export]\ninclude_outdated = false\n")
    assert run(project, "export", "--lang", "en", "--min-translated", "0").exit_code == 0
    english = exported_post(project, "en")
    assert "## Paris, comme symbole" in english and "Le choix de Paris, comme lieu" in english


def test_mt_comment_goes_once_a_person_edited_the_draft(project: Path) -> None:
    assert run(project, "sync").exit_code == 0
    machine_lines = {}

    def edit(entries: list[polib.POEntry]) -> None:
        entries[1].msgstr = "Corrected by Ana"  # fuzzy flag left on
        entries[1].tcomment = f"Ana: glossary checked\n{entries[1].tcomment}"
        machine_lines["other"] = entries[3].tcomment

    def entry_of(lang: str, index: int) -> polib.POEntry:
        po = polib.pofile(str(catalogue_path(project, lang)))
        return [e for e in po if e.msgid and not e.obsolete][index]

    edit_catalogue(project, "en", edit)
    assert run(project, "update", "--lang", "en").exit_code == 0
    assert entry_of("en", 1).tcomment == "Ana: glossary checked"
    assert entry_of("en", 1).msgstr == "Corrected by Ana" and "fuzzy" in entry_of("en", 1).flags
    assert entry_of("en", 3).tcomment == machine_lines["other"].strip()  # untouched drafts keep it

    def edit_and_clear(entries: list[polib.POEntry]) -> None:
        edit(entries)
        entries[2].msgstr, entries[2].tcomment = "", ""  # pending: translate rewrites the file

    edit_catalogue(project, "es", edit_and_clear)
    assert run(project, "translate", "--lang", "es").exit_code == 0
    assert entry_of("es", 1).tcomment == "Ana: glossary checked"
    assert entry_of("es", 2).tcomment.startswith("MT: pseudo ")

    edit_catalogue(project, "ca", edit)
    assert run(project, "sync").exit_code == 0
    assert entry_of("ca", 1).tcomment == "Ana: glossary checked"
    assert run(project, "sync", "--check").exit_code == 0


def test_status_without_posts_says_so_and_fail_under_fails(tmp_path: Path) -> None:
    project = make_project(tmp_path, posts={})
    result = run(project, "status")
    assert result.exit_code == 0 and result.stdout == "no posts\n"
    assert json.loads(run(project, "status", "--json").stdout) == []
    failed = run(project, "status", "--fail-under", "50")
    assert failed.stdout == "no posts\n"
    _assert_one_line_error(failed, "no posts: nothing to hold to --fail-under 50")
    as_json = run(project, "status", "--json", "--fail-under", "0")
    assert json.loads(as_json.stdout) == []
    _assert_one_line_error(as_json, "no posts")


def test_init_in_a_hugo_site_writes_its_preset_and_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from click.testing import CliRunner

    site = tmp_path / "site"
    shutil.copytree(REPO / "tests/sites/build-hugo-contentdir", site)
    (site / "postloc.toml").unlink()
    monkeypatch.chdir(site)
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0, result.stderr
    assert "found a hugo site (hugo.toml)" in result.stderr
    text = (site / "postloc.toml").read_text()
    assert 'site = "hugo"' in text and 'target_languages = ["en", "es"]' in text
    assert 'posts_dir = "content/fr"' in text and 'filename = "{lang}/{slug}.md"' in text


def test_init_in_a_jekyll_site_leaves_the_preset_layout_implied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    (tmp_path / "_posts").mkdir()
    (tmp_path / "_config.yml").write_text("lang: fr\n")
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["init"]).exit_code == 0
    text = (tmp_path / "postloc.toml").read_text()
    assert 'site = "jekyll"' in text and '# posts_dir = "_posts"' in text


def test_site_config_prints_the_generator_languages(tmp_path: Path) -> None:
    from click.testing import CliRunner

    (tmp_path / "postloc.toml").write_text('site = "hugo"\ntarget_languages = ["en"]\n')
    config = str(tmp_path / "postloc.toml")
    result = CliRunner().invoke(main, ["--config", config, "site-config"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith('defaultContentLanguage = "fr"\n\n[languages.fr]\n')
    jekyll = CliRunner().invoke(main, ["--config", config, "site-config", "--site", "jekyll"])
    assert jekyll.stdout.startswith("lang: fr\nlanguages:\n")


def test_site_config_of_a_plain_project_is_one_line_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    (tmp_path / "postloc.toml").write_text("")
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "postloc.toml"), "site-config"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "set site to hugo or jekyll" in result.stderr


def test_init_site_forces_the_preset_and_refuses_a_missing_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    (tmp_path / "_posts").mkdir()
    (tmp_path / "_config.yml").write_text("lang: fr\n")
    monkeypatch.chdir(tmp_path)
    refused = CliRunner().invoke(main, ["init", "--site", "hugo"])
    assert refused.exit_code == 1 and refused.stderr.count("\n") == 1
    assert refused.stderr.startswith("postloc: error: --site hugo: no hugo site in ")
    assert not (tmp_path / "postloc.toml").exists()
    plain = CliRunner().invoke(main, ["init", "--site", "plain"])
    assert plain.exit_code == 0, plain.stderr
    assert "found a" not in plain.stderr
    assert 'posts_dir = "source_posts"' in (tmp_path / "postloc.toml").read_text()


def test_init_in_a_hugo_site_names_the_next_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    (tmp_path / "content").mkdir()
    (tmp_path / "hugo.toml").write_text('defaultContentLanguage = "fr"\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init", "--site", "hugo"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-3:] == [
        "next: postloc site-config prints the languages to add to hugo.toml",
        "next: postloc keys writes a translationKey into each post, so Hugo links every "
        "translation even where its file name differs (optional; it edits your posts)",
        "next: postloc sync, then build the site",
    ]


def test_keys_dry_run_lists_and_writes_nothing(tmp_path: Path) -> None:
    from click.testing import CliRunner

    (tmp_path / "content").mkdir()
    post = tmp_path / "content" / "a.md"
    post.write_text("---\ntitle: A\n---\n\nTexte.\n")
    (tmp_path / "postloc.toml").write_text('site = "hugo"\ntarget_languages = ["en"]\n')
    result = CliRunner().invoke(
        main, ["--config", str(tmp_path / "postloc.toml"), "keys", "--dry-run"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "would write translationKey: content/a.md\n"
        "translationKey would be written in 1 post(s), 0 already had one\n"
    )
    assert post.read_text() == "---\ntitle: A\n---\n\nTexte.\n"
