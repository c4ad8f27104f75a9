from pathlib import Path

import pytest

from postloc.config import Config, default_config_text, load_config, parse_config
from postloc.errors import ConfigError, UnknownLanguage
from postloc.mt.engines.argos.settings import ArgosSettings
from postloc.mt.engines.libretranslate.settings import LibreTranslateSettings
from postloc.mt.engines.registry import ENGINES, engine_names

KNOWN = ENGINES.values()


def parse(text: str, root: Path) -> Config:
    return parse_config(text, root, engines=KNOWN)


def test_default_text_gives_the_defaults(tmp_path: Path) -> None:
    config = parse(default_config_text(engine_names()), tmp_path)
    assert config == Config(root=tmp_path)


def test_missing_keys_take_defaults(tmp_path: Path) -> None:
    config = parse('target_languages = ["en"]', tmp_path)
    assert config.target_languages == ("en",)
    assert config.source_language == "fr"
    assert config.filename == "{lang}/{slug}.md"
    assert config.default_engine == "auto"


def test_unknown_top_level_key_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown key 'target_langs'"):
        parse('target_langs = ["en"]', tmp_path)


def test_unknown_nested_key_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown key export\.min"):
        parse("[export]\nmin = 0.5", tmp_path)


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnknownLanguage, match="xx_YY"):
        parse('target_languages = ["en", "xx_YY"]', tmp_path)


def test_engine_pins_per_language(tmp_path: Path) -> None:
    config = parse('[engines]\ndefault = "pseudo"\neo = "apertium"', tmp_path)
    assert config.engine_for("eo") == "apertium"
    assert config.engine_for("en") == "pseudo"


def test_bad_engine_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown engine 'deepl'"):
        parse('[engines]\ndefault = "deepl"', tmp_path)


def test_argos_settings(tmp_path: Path) -> None:
    config = parse('[engines.argos]\ncompute_type = "float32"\nintra_threads = 2', tmp_path)
    settings = config.settings_for("argos", ArgosSettings)
    assert settings.compute_type == "float32"
    assert settings.intra_threads == 2
    assert settings.beam_size == ArgosSettings().beam_size


def test_engine_settings_default_when_absent(tmp_path: Path) -> None:
    config = parse("", tmp_path)
    assert config.engine_settings == {}
    assert config.settings_for("libretranslate", LibreTranslateSettings) == (
        LibreTranslateSettings()
    )


def test_libretranslate_settings_types(tmp_path: Path) -> None:
    config = parse('[engines.libretranslate]\nurls = ["http://a:5000"]\ntimeout = 5', tmp_path)
    settings = config.settings_for("libretranslate", LibreTranslateSettings)
    assert settings.urls == ("http://a:5000",) and settings.timeout == 5.0
    with pytest.raises(ConfigError, match=r"engines\.libretranslate\.urls has the wrong type"):
        parse('[engines.libretranslate]\nurls = "http://a"', tmp_path)


def test_unknown_engine_setting_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown key engines\.argos\.foo") as info:
        parse("[engines.argos]\nfoo = 1", tmp_path)
    assert info.value.path == "postloc.toml"


def test_bad_engine_name_lists_every_engine(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        parse('target_languages = ["eo"]\n[engines]\neo = "x"', tmp_path)
    assert str(info.value).endswith(
        "engines.eo: unknown engine 'x' (one of auto, argos, apertium, pseudo, libretranslate)"
    )


def test_settings_table_for_an_engine_without_settings_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"engines\.apertium has the wrong type \(dict\)"):
        parse("[engines.apertium]\nx = 1", tmp_path)


def test_init_text_lists_every_engine() -> None:
    assert (
        '\ndefault = "auto"        # auto | argos | apertium | pseudo | libretranslate\n'
        in default_config_text(engine_names())
    )


def test_committed_project_config_is_valid() -> None:
    root = Path(__file__).resolve().parent.parent
    config = load_config(root / "postloc.toml", engines=KNOWN)
    assert config.default_engine == "auto"


def test_wrong_type_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="wrong type"):
        parse('[export]\ninclude_machine_drafts = "yes"', tmp_path)


def test_include_outdated_defaults_on_and_must_be_a_bool(tmp_path: Path) -> None:
    assert Config(root=tmp_path).include_outdated is True
    assert "\ninclude_outdated = true\n" in default_config_text(engine_names())
    assert not parse("[export]\ninclude_outdated = false", tmp_path).include_outdated
    with pytest.raises(ConfigError, match=r"export\.include_outdated has the wrong type"):
        parse("[export]\ninclude_outdated = 1", tmp_path)


def test_min_translated_range(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="between 0 and 1"):
        parse("[export]\nmin_translated = 80", tmp_path)


def test_filename_needs_both_fields(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="must contain"):
        parse('[export]\nfilename = "{slug}.md"', tmp_path)


def test_invalid_toml_names_file(tmp_path: Path) -> None:
    path = tmp_path / "postloc.toml"
    path.write_text("source_language = ", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path, engines=KNOWN)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml", engines=KNOWN)


def test_relative_dirs_resolve_against_config_folder(tmp_path: Path) -> None:
    path = tmp_path / "postloc.toml"
    path.write_text('posts_dir = "content"', encoding="utf-8")
    config = load_config(path, engines=KNOWN)
    assert config.posts_path == tmp_path.resolve() / "content"


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("{slug}/{slug}.{lang}.md", r"\{slug\} more than once"),
        ("{lang}/{slug}-{lang}.md", r"\{lang\} more than once"),
        ("../{lang}/{slug}.md", r"'\.\.'"),
        ("{lang}/../../{slug}.md", r"'\.\.'"),
        ("/tmp/{lang}/{slug}.md", "absolute"),
        ("//srv/{lang}/{slug}.md", "absolute"),
        ("{lang}/{slug}.{title}.md", r"unknown placeholder \{title\}"),
        ("{lang}/{slug!r}.md", r"unknown placeholder \{slug!r\}"),
        ("{lang}/{slug:>20}.md", r"unknown placeholder \{slug:>20\}"),
        ("{lang}/{}{slug}.md", r"unknown placeholder \{\}"),
        ("{lang}/{{slug}}{slug}.md", "braces"),
    ],
)
def test_filename_that_could_escape_or_not_be_read_back(
    tmp_path: Path, pattern: str, reason: str
) -> None:
    """Each is refused at load with one line naming postloc.toml, before any command runs
    (``{slug}`` twice used to crash every sync with ``re.error`` after writing files)."""
    path = tmp_path / "postloc.toml"
    path.write_text(f"[export]\nfilename = '{pattern}'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=reason) as info:
        load_config(path, engines=KNOWN)
    message = str(info.value)
    assert message.startswith(f"{path}: export.filename") and "\n" not in message


@pytest.mark.parametrize(
    "pattern",
    ["{lang}/{slug}.md", "{slug}.{lang}.md", "posts/{lang}/{slug}/index.md", "./{slug}.{lang}.md"],
)
def test_filename_patterns_sites_use(tmp_path: Path, pattern: str) -> None:
    assert parse(f"[export]\nfilename = '{pattern}'", tmp_path).filename == pattern


def test_site_defaults_to_plain_with_todays_layout(tmp_path: Path) -> None:
    config = parse("", tmp_path)
    assert (config.site, config.posts_dir, config.output_dir) == ("plain", "source_posts", "build")
    assert config.filename == "{lang}/{slug}.md" and config.translate_slug is False


@pytest.mark.parametrize(
    ("site", "posts_dir", "output_dir", "filename"),
    [
        ("hugo", "content", "content", "{slug}.{lang}.md"),
        ("jekyll", "_posts", ".", "{lang}/_posts/{slug}.md"),
    ],
)
def test_site_preset_sets_the_layout(
    tmp_path: Path, site: str, posts_dir: str, output_dir: str, filename: str
) -> None:
    config = parse(f'site = "{site}"\n', tmp_path)
    assert (config.posts_dir, config.output_dir, config.filename) == (
        posts_dir,
        output_dir,
        filename,
    )


def test_explicit_values_win_over_the_preset(tmp_path: Path) -> None:
    text = 'site = "hugo"\nposts_dir = "content/fr"\n[export]\nfilename = "{lang}/{slug}.md"\n'
    config = parse(text, tmp_path)
    assert (config.posts_dir, config.output_dir, config.filename) == (
        "content/fr",
        "content",
        "{lang}/{slug}.md",
    )


def test_unknown_site_is_named(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"site: unknown site 'gatsby' \(one of plain, hugo, jekyll\)"
    ):
        parse('site = "gatsby"\n', tmp_path)


def test_translate_slug_is_read(tmp_path: Path) -> None:
    assert parse("[export]\ntranslate_slug = true\n", tmp_path).translate_slug is True
    with pytest.raises(ConfigError, match=r"export\.translate_slug has the wrong type"):
        parse('[export]\ntranslate_slug = "yes"\n', tmp_path)


@pytest.mark.parametrize("site", ["hugo", "jekyll"])
def test_init_text_for_a_site_reads_back_as_that_site(tmp_path: Path, site: str) -> None:
    text = default_config_text(
        engine_names(), site=site, source_language="fr", target_languages=["en", "eo"]
    )
    config = parse(text, tmp_path)
    assert (config.site, config.target_languages) == (site, ("en", "eo"))
    assert config.filename == parse(f'site = "{site}"\n', tmp_path).filename


def test_init_text_writes_layout_values_that_differ_from_the_preset(tmp_path: Path) -> None:
    layout = {"posts_dir": "content/fr", "output_dir": "content", "filename": "{lang}/{slug}.md"}
    text = default_config_text(engine_names(), site="hugo", source_language="fr", layout=layout)
    config = parse(text, tmp_path)
    assert (config.posts_dir, config.filename) == ("content/fr", "{lang}/{slug}.md")
    assert config.target_languages == ("en", "es", "ca", "eo")
