from pathlib import Path

import pytest

from postloc.config import DEFAULT_CONFIG_TEXT, Config, load_config, parse_config
from postloc.errors import ConfigError, UnknownLanguage


def test_default_text_gives_the_defaults(tmp_path: Path) -> None:
    config = parse_config(DEFAULT_CONFIG_TEXT, tmp_path)
    assert config == Config(root=tmp_path)


def test_missing_keys_take_defaults(tmp_path: Path) -> None:
    config = parse_config('target_languages = ["en"]', tmp_path)
    assert config.target_languages == ("en",)
    assert config.source_language == "fr"
    assert config.filename == "{lang}/{slug}.md"
    assert config.default_engine == "auto"


def test_unknown_top_level_key_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown key 'target_langs'"):
        parse_config('target_langs = ["en"]', tmp_path)


def test_unknown_nested_key_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown key export\.min"):
        parse_config("[export]\nmin = 0.5", tmp_path)


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnknownLanguage, match="xx_YY"):
        parse_config('target_languages = ["en", "xx_YY"]', tmp_path)


def test_engine_pins_per_language(tmp_path: Path) -> None:
    config = parse_config('[engines]\ndefault = "pseudo"\neo = "apertium"', tmp_path)
    assert config.engine_for("eo") == "apertium"
    assert config.engine_for("en") == "pseudo"


def test_bad_engine_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown engine 'deepl'"):
        parse_config('[engines]\ndefault = "deepl"', tmp_path)


def test_argos_settings(tmp_path: Path) -> None:
    config = parse_config('[engines.argos]\ncompute_type = "float32"\nintra_threads = 2', tmp_path)
    assert config.argos.compute_type == "float32"
    assert config.argos.intra_threads == 2


def test_wrong_type_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="wrong type"):
        parse_config('[export]\ninclude_machine_drafts = "yes"', tmp_path)


def test_min_translated_range(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="between 0 and 1"):
        parse_config("[export]\nmin_translated = 80", tmp_path)


def test_filename_needs_both_fields(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="must contain"):
        parse_config('[export]\nfilename = "{slug}.md"', tmp_path)


def test_invalid_toml_names_file(tmp_path: Path) -> None:
    path = tmp_path / "postloc.toml"
    path.write_text("source_language = ", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")


def test_relative_dirs_resolve_against_config_folder(tmp_path: Path) -> None:
    path = tmp_path / "postloc.toml"
    path.write_text('posts_dir = "content"', encoding="utf-8")
    config = load_config(path)
    assert config.posts_path == tmp_path.resolve() / "content"
