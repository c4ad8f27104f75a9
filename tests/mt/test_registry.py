"""The engine registry: adding an engine is one module plus one registry line.

A throwaway ``toy`` engine module is written by the test, and one :class:`EngineSpec` is put in
the registry's table; nothing else changes, and config, ``--engine``, ``postloc engines``,
``translate``, ``init`` and the install hints all know it.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import polib
import pytest
from click.testing import CliRunner

from helpers import REPO, make_project, run
from postloc.cli.commands import main
from postloc.config import Config, parse_config
from postloc.errors import ConfigError, EngineUnavailable
from postloc.mt.engines import registry
from postloc.mt.engines.registry import ENGINES, EngineRegistry, EngineSpec, routes_for

TOY_MODULE = "postloc_toy_engine"

TOY_SOURCE = '''
"""A toy engine: appends a mark to every text, for the pairs its settings name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from postloc.config import Config
from postloc.mt.engines.base import Engine, MarkupStyle


@dataclass(frozen=True, slots=True)
class ToySettings:
    mark: str = " (toy)"
    targets: tuple[str, ...] = ("en", "es", "ca", "eo")
    repeat: int = 1


class ToyEngine(Engine):
    name = "toy"
    markup: MarkupStyle = "html"

    def __init__(self, settings: ToySettings) -> None:
        self.settings = settings

    @classmethod
    def from_config(cls, config: Config) -> ToyEngine:
        return cls(config.settings_for(cls.name, ToySettings))

    def version(self) -> str:
        return "0.1"

    def pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset(("fr", target) for target in self.settings.targets)

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        return [text + self.settings.mark * self.settings.repeat for text in texts]
'''

TOY_CONFIG = """\
source_language = "fr"
target_languages = ["en", "es", "ca", "eo"]

[engines]
default = "toy"
"""


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The toy engine module on sys.path and its one registry line in the table."""
    folder = tmp_path / "toy_site"
    folder.mkdir()
    (folder / f"{TOY_MODULE}.py").write_text(textwrap.dedent(TOY_SOURCE), encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    importlib.invalidate_caches()
    module = importlib.import_module(TOY_MODULE)
    monkeypatch.setitem(
        registry.ENGINES,
        "toy",
        EngineSpec(
            "toy",
            factory=f"{TOY_MODULE}:ToyEngine.from_config",
            settings=module.ToySettings,
            pivots=(),
            install_hint="the toy wheel (pip install toy-{src}-{tgt})",
            description="appends a mark",
        ),
    )
    yield module
    sys.modules.pop(TOY_MODULE, None)


def parse(text: str, root: Path) -> Config:
    return parse_config(text, root, engines=ENGINES.values())


def drafts(root: Path, lang: str) -> list[polib.POEntry]:
    entries: list[polib.POEntry] = []
    for path in sorted((root / "locales" / lang / "LC_MESSAGES").glob("*.po")):
        entries.extend(entry for entry in polib.pofile(str(path)) if entry.msgstr)
    return entries


# --- config --------------------------------------------------------------------------------------


def test_config_accepts_the_new_engine_and_validates_its_table(
    toy: ModuleType, tmp_path: Path
) -> None:
    config = parse(TOY_CONFIG + '\n[engines.toy]\nmark = " !"\nrepeat = 2\n', tmp_path)
    assert config.default_engine == "toy"
    assert config.settings_for("toy", toy.ToySettings) == toy.ToySettings(mark=" !", repeat=2)
    assert parse(TOY_CONFIG, tmp_path).settings_for("toy", toy.ToySettings) == toy.ToySettings()


def test_config_rejects_unknown_keys_and_bad_values_of_the_new_table(
    toy: ModuleType, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match=r"unknown key engines\.toy\.colour"):
        parse("[engines.toy]\ncolour = 1", tmp_path)
    with pytest.raises(ConfigError, match=r"engines\.toy\.repeat has the wrong type \(str\)"):
        parse('[engines.toy]\nrepeat = "2"', tmp_path)
    with pytest.raises(ConfigError) as info:
        parse('[engines]\ndefault = "toys"', tmp_path)
    assert str(info.value) == (
        "postloc.toml: engines.default: unknown engine 'toys' "
        "(one of auto, argos, apertium, pseudo, libretranslate, toy)"
    )


def test_without_the_registry_line_the_engine_is_unknown(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown engine 'toy'"):
        parse(TOY_CONFIG, tmp_path)


# --- command line --------------------------------------------------------------------------------


def test_translate_uses_the_configured_engine_and_its_settings(
    toy: ModuleType, tmp_path: Path
) -> None:
    root = make_project(tmp_path / "proj", TOY_CONFIG + '\n[engines.toy]\nmark = " [toy]"\n')
    for stage in ("extract", "update", "translate"):
        result = run(root, stage)
        assert result.exit_code == 0, result.stderr
    entries = drafts(root, "eo")
    assert entries and all(entry.msgstr.endswith(" [toy]") for entry in entries)
    assert all("toy" in entry.tcomment for entry in entries)


def test_engine_option_accepts_the_new_engine(toy: ModuleType, tmp_path: Path) -> None:
    pseudo = TOY_CONFIG.replace('default = "toy"', 'default = "pseudo"')
    root = make_project(tmp_path / "proj", pseudo)
    for stage in ("extract", "update"):
        assert run(root, stage).exit_code == 0
    result = run(root, "translate", "--engine", "toy", "--lang", "en", "--json")
    assert result.exit_code == 0, result.stderr
    assert set(json.loads(result.stdout)["by_engine"]) == {"toy"}
    assert all(entry.msgstr.endswith(" (toy)") for entry in drafts(root, "en"))
    refused = run(root, "translate", "--engine", "toys")
    assert refused.exit_code == 2
    assert "'libretranslate', 'toy'" in refused.stderr


def test_help_lists_the_new_engine(toy: ModuleType) -> None:
    result = CliRunner().invoke(main, ["sync", "--help"])
    assert "[auto|argos|apertium|pseudo|libretranslate|toy]" in result.output


def test_engines_command_lists_the_new_engine(toy: ModuleType, tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj", TOY_CONFIG + '\n[engines.toy]\ntargets = ["en"]\n')
    text = run(root, "engines")
    assert text.exit_code == 0, text.stderr
    assert f"{'toy':<15} {'0.1':<24} fr→en" in text.stdout.splitlines()
    rows = json.loads(run(root, "engines", "--json").stdout)
    assert [row["engine"] for row in rows] == [*registry.ENGINES]
    assert rows[-1] == {"engine": "toy", "version": "0.1", "pairs": ["fr-en"]}
    verbose = run(root, "-v", "engines")
    assert "toy: appends a mark" in verbose.stderr


def test_init_names_the_new_engine(
    toy: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "postloc.toml").read_text(encoding="utf-8")
    comment = "# auto | argos | apertium | pseudo | libretranslate | toy"
    assert f'\ndefault = "auto"        {comment}\n' in text


# --- install hints and routing -------------------------------------------------------------------


def test_install_hint_comes_from_the_spec(toy: ModuleType, tmp_path: Path) -> None:
    without_eo = TOY_CONFIG + '\n[engines.toy]\ntargets = ["en", "es", "ca"]\n'
    config = parse(without_eo, tmp_path)
    with pytest.raises(EngineUnavailable) as info:
        routes_for(config, ["en", "eo"])
    assert str(info.value) == (
        "no engine serves fr→eo here (engine toy); install the toy wheel (pip install toy-fr-eo)"
    )
    root = make_project(tmp_path / "proj", without_eo)
    for stage in ("extract", "update"):
        assert run(root, stage).exit_code == 0
    result = run(root, "translate")
    assert result.exit_code == 1
    assert result.stderr == (
        "postloc: error: no engine serves fr→eo here (engine toy); "
        "install the toy wheel (pip install toy-fr-eo)\n"
    )
    assert drafts(root, "en") == []  # refused before any catalogue was touched


def test_routes_follow_serves_not_pairs(tmp_path: Path) -> None:
    """pseudo lists only the project's pairs but serves any: the registry asks ``serves``."""
    config = parse('target_languages = ["en"]', tmp_path)
    route = EngineRegistry(config).route("pseudo", "fr", "de")
    assert ("fr", "de") not in route.engine.pairs()
    assert route.name == "pseudo" and route.languages == ("fr", "de")


def test_serves_defaults_to_the_listed_pairs(toy: ModuleType, tmp_path: Path) -> None:
    toy_engine = EngineRegistry(parse(TOY_CONFIG, tmp_path)).engine("toy")
    assert toy_engine.serves("fr", "en") and not toy_engine.serves("en", "fr")


def test_listing_and_configuring_engines_imports_no_engine() -> None:
    """``postloc --help`` and config reading stay light: engine modules load on first use."""
    code = (
        "import sys, postloc.cli.commands, postloc.mt.engines.registry as r\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout.split()
    heavy = {"ctranslate2", "argostranslate", "babel", "markdown_it"}
    engines = {spec.factory.partition(":")[0] for spec in ENGINES.values()}
    assert not (heavy | engines) & set(loaded)
    cli_only = subprocess.run(
        [sys.executable, "-c", "import sys, postloc.cli.commands; print(*sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout.split()
    assert "postloc.mt.engines.registry" not in cli_only
