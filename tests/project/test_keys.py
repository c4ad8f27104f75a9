"""``postloc keys``: a pairing key written into the sources that lack one, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import run
from postloc.config import load_config
from postloc.errors import BadPost, ChangedOnDisk, ConfigError
from postloc.mt.engines.registry import ENGINES
from postloc.project import keys as keys_module
from postloc.project.keys import write_keys
from postloc.project.layout import Project

HUGO = """\
site = "hugo"
source_language = "fr"
target_languages = ["en"]

[engines]
default = "pseudo"

[export]
min_translated = 0.0
"""

YAML_POST = "---\n# à garder\ntitle: 'Bonjour'\ntags: [a, b]\n---\n\nTexte.\n"
TOML_POST = '+++\ntitle = "Bonjour"\n\n[cover]\nalt = "Une image"\n+++\n\nTexte.\n'
JSON_POST = '{\n  "title": "Bonjour",\n  "draft": false\n}\n\nTexte.\n'


def site(tmp_path: Path, posts: dict[str, str], config: str = HUGO) -> Project:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "postloc.toml").write_text(config, encoding="utf-8")
    for name, text in posts.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return Project(load_config(root / "postloc.toml", engines=ENGINES.values()))


def content(project: Project, name: str) -> str:
    return (project.root / "content" / name).read_bytes().decode("utf-8")


def test_each_format_gets_only_the_key_every_other_byte_kept(tmp_path: Path) -> None:
    project = site(
        tmp_path,
        {"posts/a.md": YAML_POST, "posts/b.md": TOML_POST, "posts/IA & Java.md": JSON_POST},
    )
    report = write_keys(project)
    assert report.key == "translationKey" and len(report.written) == 3
    assert content(project, "posts/a.md") == YAML_POST.replace(
        "tags: [a, b]\n", "tags: [a, b]\ntranslationKey: posts/a\n"
    )
    assert content(project, "posts/b.md") == TOML_POST.replace(
        'title = "Bonjour"\n', 'title = "Bonjour"\ntranslationKey = "posts/b"\n'
    )
    json_text = content(project, "posts/IA & Java.md")
    assert json_text.replace(',\n  "translationKey": "posts/ia-java"', "") == JSON_POST


def test_a_post_without_front_matter_gets_one(tmp_path: Path) -> None:
    project = site(tmp_path, {"note.md": "Texte seul.\r\n"})
    write_keys(project)
    assert content(project, "note.md") == "---\r\ntranslationKey: note\r\n---\r\nTexte seul.\r\n"


def test_a_second_run_writes_nothing(tmp_path: Path) -> None:
    project = site(tmp_path, {"a.md": YAML_POST, "b.md": TOML_POST})
    write_keys(project)
    before = {p: p.stat().st_mtime_ns for p in (project.root / "content").iterdir()}
    again = write_keys(project)
    assert again.written == () and len(again.kept) == 2
    assert {p: p.stat().st_mtime_ns for p in (project.root / "content").iterdir()} == before


def test_a_key_of_the_authors_own_is_kept_in_any_case(tmp_path: Path) -> None:
    mine = "---\ntitle: x\nTranslationKey: voyage\n---\n\nTexte.\n"
    project = site(tmp_path, {"a.md": mine, "b.md": YAML_POST})
    report = write_keys(project)
    assert report.kept == ("content/a.md",) and report.written == ("content/b.md",)
    assert content(project, "a.md") == mine


def test_a_key_another_post_already_has_is_refused_before_any_write(tmp_path: Path) -> None:
    taken = "---\ntitle: x\ntranslationKey: posts/b\n---\n\nTexte.\n"
    project = site(tmp_path, {"a.md": taken, "posts/b.md": YAML_POST, "c.md": YAML_POST})
    with pytest.raises(BadPost, match=r"^content/posts/b.md: its translationKey would be"):
        write_keys(project)
    assert content(project, "c.md") == YAML_POST


def test_a_post_saved_since_it_was_read_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = site(tmp_path, {"a.md": YAML_POST})
    real = keys_module.atomic_write

    def save_first(path: Path, data: str, **kwargs: object) -> bool:
        Path(path).write_text("---\ntitle: saved meanwhile\n---\n", encoding="utf-8")
        return real(path, data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(keys_module, "atomic_write", save_first)
    with pytest.raises(ChangedOnDisk):
        write_keys(project)
    assert content(project, "a.md") == "---\ntitle: saved meanwhile\n---\n"


def test_only_the_posts_named(tmp_path: Path) -> None:
    project = site(tmp_path, {"a.md": YAML_POST, "b.md": YAML_POST})
    assert write_keys(project, ["b"]).written == ("content/b.md",)
    assert content(project, "a.md") == YAML_POST


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    project = site(tmp_path, {"a.md": YAML_POST})
    assert write_keys(project, dry_run=True).written == ("content/a.md",)
    assert content(project, "a.md") == YAML_POST


def test_jekyll_posts_get_the_ref_their_exports_already_carry(tmp_path: Path) -> None:
    config = HUGO.replace('site = "hugo"', 'site = "jekyll"\nposts_dir = "content"')
    project = site(tmp_path, {"2025-09-06-Été.md": YAML_POST}, config)
    assert write_keys(project).key == "ref"
    assert "\nref: 2025-09-06-Été\n" in content(project, "2025-09-06-Été.md")


def test_a_plain_project_has_no_key_to_write(tmp_path: Path) -> None:
    project = site(tmp_path, {"a.md": YAML_POST}, HUGO.replace('site = "hugo"', 'site = "plain"'))
    with pytest.raises(ConfigError, match="no generator reads a translation key"):
        write_keys(project)


def test_exports_carry_the_key_after_sync(tmp_path: Path) -> None:
    project = site(tmp_path, {"posts/IA & Java.md": YAML_POST})
    result = run(project.root, "keys")
    assert result.exit_code == 0, result.output
    assert result.stderr == "translationKey written in 1 post(s), 0 already had one\n"
    assert run(project.root, "sync").exit_code == 0
    exported = content(project, "posts/ia-java.en.md")
    assert "\ntranslationKey: posts/ia-java\n" in exported
    assert run(project.root, "keys").stderr == (
        "translationKey written in 0 post(s), 1 already had one\n"
    )
