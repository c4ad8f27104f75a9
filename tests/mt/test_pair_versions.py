"""Pair versions: what memory keys and ``MT:`` comments name is the pair that produced the text.

Installing or removing another pair must change nothing for the others (issue 12, item 6);
each engine's own test file covers its translations, this one the versions of every engine
and of routes. Apertium's, which needs a fake installation, is in ``test_apertium.py``.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from postloc.mt.engines.argos.engine import ArgosEngine
from postloc.mt.engines.argos.settings import ArgosSettings
from postloc.mt.engines.base import Engine, MarkupStyle, Route
from postloc.mt.engines.libretranslate import pool
from postloc.mt.engines.libretranslate.pool import LibreTranslateEngine
from postloc.mt.engines.libretranslate.server import ServerInfo
from postloc.mt.engines.libretranslate.settings import LibreTranslateSettings
from postloc.mt.engines.pseudo import PseudoEngine

SETTINGS = ArgosSettings(compute_type="int8", inter_threads=1, intra_threads=1, beam_size=4)


class WholeEngine(Engine):
    """An engine that cannot tell its pairs apart: the protocol's default applies."""

    name = "whole"
    markup: MarkupStyle = "html"

    def version(self) -> str:
        return "2.0 beta"

    def pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset({("fr", "en"), ("en", "es")})

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        return list(texts)


def test_pair_version_defaults_to_the_engine_version_and_routes_make_one_token() -> None:
    engine = WholeEngine()
    assert engine.pair_version("fr", "en") == "2.0 beta"
    assert Route(engine, ("fr", "en")).version() == "2.0_beta"
    assert Route(engine, ("fr", "en", "es")).version() == "2.0_beta/2.0_beta"


def test_pseudo_version_is_unchanged() -> None:
    engine = PseudoEngine(["fr", "en"])
    assert engine.pair_version("fr", "en") == "1"
    assert Route(engine, ("fr", "en")).version() == "1"


# --- argos: the package's own version -------------------------------------------------------


def argos_package(packages: Path, source: str, target: str, version: str, size: int = 10) -> Path:
    """A package folder as ``list_installed`` reads it: metadata.json and a model folder."""
    folder = packages / f"translate-{source}_{target}-{version.replace('.', '_')}"
    (folder / "model").mkdir(parents=True)
    (folder / "model" / "model.bin").write_bytes(b"x" * size)
    metadata = {"from_code": source, "to_code": target, "package_version": version}
    (folder / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    return folder


def test_argos_pair_version_is_the_packages_own_version(tmp_path: Path) -> None:
    packages = tmp_path / "packages"
    argos_package(packages, "fr", "en", "1.9")
    engine = ArgosEngine(SETTINGS, packages_dir=packages)
    version = engine.pair_version("fr", "en")
    assert re.fullmatch(r"1\.9\+[0-9a-f]{10}", version)
    whole = engine.version()

    argos_package(packages, "en", "es", "1.0")  # another pair arrives
    engine = ArgosEngine(SETTINGS, packages_dir=packages)
    assert engine.version() != whole
    assert engine.pair_version("fr", "en") == version
    route = Route(engine, ("fr", "en", "es"))
    assert route.version() == f"{version}/{engine.pair_version('en', 'es')}"

    assert ArgosEngine(ArgosSettings(beam_size=2), packages).pair_version("fr", "en") != version
    shutil.rmtree(packages / "translate-fr_en-1_9")  # fr→en upgraded
    argos_package(packages, "fr", "en", "1.10")
    assert ArgosEngine(SETTINGS, packages).pair_version("fr", "en").startswith("1.10+")
    assert ArgosEngine(SETTINGS, packages).pair_version("fr", "de") == "not-installed"


# --- libretranslate: the servers that serve the pair ----------------------------------------


def server(url: str, version: str, languages: dict[str, list[str]]) -> ServerInfo:
    table = tuple(sorted((code, tuple(sorted(t))) for code, t in languages.items()))
    return ServerInfo(url=url, version=version, languages=table, char_limit=-1)


def libretranslate(monkeypatch: pytest.MonkeyPatch, *infos: ServerInfo) -> LibreTranslateEngine:
    """A pool whose discovery answers with ``infos`` (no HTTP)."""
    by_url = {info.url: info for info in infos}
    monkeypatch.setattr(pool, "ask_server", lambda url, timeout: by_url[url])
    engine = LibreTranslateEngine(LibreTranslateSettings(urls=tuple(by_url)))
    engine.servers()  # discovery now, while the patch holds
    return engine


def test_libretranslate_pair_version_ignores_the_servers_other_languages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = "http://127.0.0.1:1"
    before = libretranslate(monkeypatch, server(a, "1.9.6", {"fr": ["en", "fr"]}))
    after = libretranslate(monkeypatch, server(a, "1.9.6", {"fr": ["en", "fr", "de"]}))
    assert before.pair_version("fr", "en") == after.pair_version("fr", "en") == "lt-1.9.6"
    assert before.version() != after.version()  # `postloc engines` sees the new language

    b = "http://127.0.0.1:2"
    mixed = libretranslate(
        monkeypatch,
        server(a, "1.9.6", {"fr": ["en", "fr"]}),
        server(b, "1.6.0", {"fr": ["en"], "en": ["es"]}),
    )
    assert mixed.pair_version("fr", "en") == "lt-1.6.0+1.9.6"
    assert mixed.pair_version("en", "es") == "lt-1.6.0"
    unversioned = libretranslate(monkeypatch, server(a, "", {"fr": ["en"]}))
    assert unversioned.pair_version("fr", "en") == "lt-unknown"
