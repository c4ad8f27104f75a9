"""The site generator in a folder, what its configuration says, and the snippet for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from postloc.config import Config, parse_config
from postloc.errors import ConfigError
from postloc.mt.engines.registry import ENGINES
from postloc.project.site import detect_site, site_config_snippet

SITES = Path(__file__).parent.parent / "sites"


def test_hugo_by_content_directory_gives_content_dir_layout() -> None:
    found = detect_site(SITES / "build-hugo-contentdir")
    assert found is not None and found.generator == "hugo"
    assert found.default_language == "fr" and found.targets == ("en", "es")
    layout, notes = found.layout()
    assert layout == {
        "posts_dir": "content/fr",
        "output_dir": "content",
        "filename": "{lang}/{slug}.md",
    }
    assert notes == ()


def test_hugo_without_content_dir_translates_by_file_name(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "config.yaml").write_text(
        "DefaultContentLanguage: fr\nlanguages:\n  en: {weight: 2}\n  fr: {weight: 1}\n"
    )
    found = detect_site(tmp_path)
    assert found is not None and found.config_file == "config.yaml"
    assert [lang.code for lang in found.languages] == ["fr", "en"]
    assert found.layout()[0]["filename"] == "{slug}.{lang}.md"


def test_hugo_config_default_folder_with_a_languages_file(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    folder = tmp_path / "config" / "_default"
    folder.mkdir(parents=True)
    (folder / "hugo.toml").write_text(
        'defaultContentLanguage = "fr"\n[permalinks]\nposts = "/:slug/"\n'
    )
    (folder / "languages.toml").write_text(
        '[fr]\ncontentDir = "content/fr"\n[ca]\ncontentDir = "content/catala"\n'
    )
    found = detect_site(tmp_path)
    assert found is not None and found.config_file == "config/_default/hugo.toml"
    assert found.permalink is None and found.permalink_notes() == ()  # Hugo prefixes itself
    layout, notes = found.layout()
    assert layout["filename"] == "{slug}.{lang}.md"
    assert len(notes) == 1 and "ca: content/catala" in notes[0]


def test_config_toml_without_content_folder_is_not_hugo(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("x = 1\n")
    assert detect_site(tmp_path) is None


def test_jekyll_needs_posts_folder(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("lang: fr\nlanguages: [fr, en, eo]\n")
    assert detect_site(tmp_path) is None
    (tmp_path / "_posts").mkdir()
    found = detect_site(tmp_path)
    assert found is not None and found.generator == "jekyll" and found.targets == ("en", "eo")


def test_unreadable_site_config_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "hugo.yaml").write_text("title: x\nlanguages: [\n")
    with pytest.raises(ConfigError, match=r"^hugo.yaml:\d+: cannot read the site configuration"):
        detect_site(tmp_path)


def config(text: str, root: Path) -> Config:
    return parse_config(text, root, engines=ENGINES.values())


def test_hugo_snippet_uses_label_weight_and_content_dir(tmp_path: Path) -> None:
    text = (
        'site = "hugo"\nsource_language = "fr"\ntarget_languages = ["en", "es"]\n'
        'posts_dir = "content/fr"\n[export]\nfilename = "{lang}/{slug}.md"\n'
    )
    snippet = site_config_snippet(config(text, tmp_path))
    assert snippet == (
        'defaultContentLanguage = "fr"\n\n'
        '[languages.fr]\n  label = "français"\n  weight = 1\n  contentDir = "content/fr"\n\n'
        '[languages.en]\n  label = "English"\n  weight = 2\n  contentDir = "content/en"\n\n'
        '[languages.es]\n  label = "español"\n  weight = 3\n  contentDir = "content/es"\n'
    )
    assert "languageName" not in snippet


def test_hugo_snippet_by_file_name_has_no_content_dir(tmp_path: Path) -> None:
    snippet = site_config_snippet(config('site = "hugo"\ntarget_languages = ["en"]\n', tmp_path))
    assert "contentDir" not in snippet and "[languages.en]" in snippet


def test_jekyll_snippet_lists_languages(tmp_path: Path) -> None:
    text = 'site = "jekyll"\ntarget_languages = ["en", "eo"]\n'
    assert site_config_snippet(config(text, tmp_path)) == (
        "lang: fr\nlanguages:\n  - fr\n  - en\n  - eo\n"
        'language_names:\n  fr: "français"\n  en: "English"\n  eo: "Esperanto"\n'
    )


def test_plain_site_has_no_snippet(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="set site to hugo or jekyll"):
        site_config_snippet(config("", tmp_path))


def test_forced_site_is_looked_for_alone(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("lang: fr\n")
    (tmp_path / "_posts").mkdir()
    found = detect_site(tmp_path, "jekyll")
    assert found is not None and found.generator == "jekyll"
    with pytest.raises(ConfigError, match=r"^--site hugo: no hugo site in .*looked for hugo"):
        detect_site(tmp_path, "hugo")


def test_forced_jekyll_without_posts_folder_says_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("lang: fr\n")
    with pytest.raises(ConfigError, match=r"_config\.yml beside _posts/"):
        detect_site(tmp_path, "jekyll")


def test_hugo_region_keys_become_postloc_codes(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "hugo.toml").write_text(
        'defaultContentLanguage = "fr"\n[languages.fr]\ncontentDir = "content/fr"\n'
        '[languages.pt-BR]\ncontentDir = "content/pt-br"\n'
    )
    found = detect_site(tmp_path)
    assert found is not None and found.targets == ("pt-br",)
    assert found.target_languages == ("pt_BR",) and found.source_language == "fr"
    assert found.layout() == (
        {"posts_dir": "content/fr", "output_dir": "content", "filename": "{lang}/{slug}.md"},
        (),
    )


def test_hugo_snippet_spells_regions_as_hugo_does(tmp_path: Path) -> None:
    text = (
        'site = "hugo"\ntarget_languages = ["pt_BR"]\nposts_dir = "content/fr"\n'
        '[export]\nfilename = "{lang}/{slug}.md"\n'
    )
    snippet = site_config_snippet(config(text, tmp_path))
    assert '[languages.pt-br]\n  label = "português (Brasil)"\n' in snippet
    assert 'contentDir = "content/pt-br"' in snippet and "pt_BR" not in snippet


def test_jekyll_snippet_keeps_postloc_spelling(tmp_path: Path) -> None:
    text = 'site = "jekyll"\ntarget_languages = ["pt_BR"]\n'
    assert "  - pt_BR\n" in site_config_snippet(config(text, tmp_path))


@pytest.mark.parametrize(
    ("permalink", "noted"),
    [("pretty", False), ("/:categories/:title/", False), ("/:year/:title/", True), (None, False)],
)
def test_jekyll_permalink_without_categories_is_noted(
    tmp_path: Path, permalink: str | None, noted: bool
) -> None:
    line = f"permalink: {permalink}\n" if permalink else ""
    (tmp_path / "_config.yml").write_text(f"lang: fr\n{line}")
    (tmp_path / "_posts").mkdir()
    found = detect_site(tmp_path)
    assert found is not None and found.permalink == permalink
    notes = found.permalink_notes()
    assert bool(notes) is noted
    if noted:
        assert notes[0].startswith("_config.yml: permalink '/:year/:title/' has no :categories")
