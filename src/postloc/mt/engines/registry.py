"""Engine registry and ``auto`` routing: which engine, direct or pivot, serves a pair.

Every engine is one :class:`EngineSpec` in :data:`ENGINES`; the names ``postloc.toml`` and
``--engine`` accept, ``postloc engines``' rows, the install hints of errors and the engine
list ``postloc init`` writes all come from there. Engines are built lazily (importing
CTranslate2 or probing Apertium costs time), once per process, from the project
configuration: this module imports no engine module, only the light settings ones.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from postloc.config import AUTO_ENGINE, Config
from postloc.errors import EngineUnavailable
from postloc.languages import base_language
from postloc.mt.engines.argos.settings import ArgosSettings
from postloc.mt.engines.base import Engine, Route
from postloc.mt.engines.libretranslate.settings import LibreTranslateSettings


@dataclass(frozen=True, slots=True)
class EngineSpec:
    """One engine as the rest of postloc knows it, before (and without) importing it."""

    name: str
    """Registry name: ``--engine`` and ``[engines]`` values, the ``MT:`` comments' route."""
    factory: str
    """``module:callable`` that builds the engine from the project's :class:`Config`; imported
    on first use, so listing or configuring engines never loads one."""
    settings: type | None
    """Dataclass of the ``[engines.<name>]`` table (all fields defaulted, in a module as light
    as this one); None when the engine takes no settings."""
    pivots: tuple[str, ...]
    """Languages tried in the middle when no direct pair is installed, in order."""
    install_hint: str
    """What to install for ``{src}``→``{tgt}``, completing "install …" in EngineUnavailable."""
    description: str
    """One line for ``postloc engines -v``."""

    def build(self, config: Config) -> Engine:
        """Import the engine's module (the first time) and build the engine for ``config``."""
        module, _, attribute = self.factory.partition(":")
        target: Any = importlib.import_module(module)
        for part in attribute.split("."):
            target = getattr(target, part)
        engine: Engine = target(config)
        return engine


ENGINES: dict[str, EngineSpec] = {
    spec.name: spec
    for spec in (
        EngineSpec(
            "argos",
            factory="postloc.mt.engines.argos.engine:ArgosEngine.from_config",
            settings=ArgosSettings,
            pivots=("en",),
            install_hint="an Argos package (postloc models install {src} {tgt})",
            description="Argos Translate models run in CTranslate2, on this machine",
        ),
        EngineSpec(
            "apertium",
            factory="postloc.mt.engines.apertium:ApertiumEngine.from_config",
            settings=None,
            pivots=("es", "ca"),
            install_hint="Debian's apertium-{src}-{tgt} package (apt-get install)",
            description="Debian's rule-based Apertium language pairs",
        ),
        EngineSpec(
            "pseudo",
            factory="postloc.mt.engines.pseudo:PseudoEngine.from_config",
            settings=None,
            pivots=(),
            install_hint="nothing (pseudo serves every pair)",
            description="accented, padded fake translations for layout and extraction checks",
        ),
        EngineSpec(
            "libretranslate",
            factory="postloc.mt.engines.libretranslate.pool:LibreTranslateEngine.from_config",
            settings=LibreTranslateSettings,
            pivots=("en",),
            install_hint=(
                "a LibreTranslate server serving the pair ([engines.libretranslate] urls)"
            ),
            description="a pool of LibreTranslate servers over HTTP",
        ),
    )
}
"""Every engine, in the order ``postloc engines`` lists them and errors name them."""

AUTO_ORDER = ("argos", "apertium")
"""What ``auto`` tries, in order."""


def engine_names() -> tuple[str, ...]:
    """``auto`` and every registered engine: what ``[engines]`` and ``--engine`` accept."""
    return (AUTO_ENGINE, *ENGINES)


class EngineRegistry:
    """Builds each engine once and finds the route for a language pair."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._engines: dict[str, Engine] = {}

    def engine(self, name: str) -> Engine:
        if name not in ENGINES:
            raise EngineUnavailable(f"unknown engine {name!r} (one of {', '.join(ENGINES)})")
        if name not in self._engines:
            self._engines[name] = ENGINES[name].build(self._config)
        return self._engines[name]

    def _route_with(self, name: str, source: str, target: str, pivot: bool) -> Route | None:
        engine = self.engine(name)
        if not pivot:
            return Route(engine, (source, target)) if engine.serves(source, target) else None
        for middle in ENGINES[name].pivots:
            if middle in (source, target):
                continue
            if engine.serves(source, middle) and engine.serves(middle, target):
                return Route(engine, (source, middle, target))
        return None

    def route(self, name: str, source: str, target: str) -> Route:
        """The route for ``source``→``target`` with engine ``name`` (or ``auto``).

        ``auto`` tries Argos direct, Argos via English, Apertium direct, then
        Apertium via Spanish or Catalan; a pinned engine tries direct then pivot.
        """
        src, tgt = base_language(source), base_language(target)
        candidates = AUTO_ORDER if name == AUTO_ENGINE else (name,)
        for candidate in candidates:
            for pivot in (False, True):
                found = self._route_with(candidate, src, tgt, pivot)
                if found is not None:
                    return found
        hints = "; or ".join(ENGINES[c].install_hint.format(src=src, tgt=tgt) for c in candidates)
        raise EngineUnavailable(
            f"no engine serves {src}→{tgt} here (engine {name}); install {hints}"
        )

    def describe(self) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """(name, version or error, direct pairs) for every engine, for ``postloc engines``."""
        rows: list[tuple[str, str, list[tuple[str, str]]]] = []
        for name in ENGINES:
            try:
                engine = self.engine(name)
                pairs = sorted(engine.pairs())
                version = engine.version() if pairs or name == "pseudo" else "-"
            except Exception as exc:
                rows.append((name, f"unavailable: {exc}", []))
                continue
            rows.append((name, version, pairs))
        return rows


def routes_for(
    config: Config, languages: Sequence[str], engine: str | None = None
) -> dict[str, Route]:
    """Each target language's route: ``engine`` if given, else the configured one.

    Resolved for all languages before any work, so a missing engine fails before a file
    is touched (translate and sync both check through here).
    """
    registry = EngineRegistry(config)
    return {
        lang: registry.route(engine or config.engine_for(lang), config.source_language, lang)
        for lang in languages
    }
