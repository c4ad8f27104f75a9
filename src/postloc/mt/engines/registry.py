"""Engine registry and ``auto`` routing: which engine, direct or pivot, serves a pair.

Engines are built lazily (importing CTranslate2 or probing Apertium costs time),
once per process, from the project configuration.
"""

from __future__ import annotations

from collections.abc import Callable

from postloc.config import Config
from postloc.errors import EngineUnavailable
from postloc.languages import base_language
from postloc.mt.engines.base import Engine, Route

PIVOTS: dict[str, tuple[str, ...]] = {
    "argos": ("en",),
    "apertium": ("es", "ca"),
    "libretranslate": ("en",),
    "pseudo": (),
}
AUTO_ORDER = ("argos", "apertium")


def _make_argos(config: Config) -> Engine:
    from postloc.mt.engines.argos.engine import ArgosEngine

    return ArgosEngine(config.argos)


def _make_apertium(config: Config) -> Engine:
    from postloc.mt.engines.apertium import ApertiumEngine

    return ApertiumEngine()


def _make_pseudo(config: Config) -> Engine:
    from postloc.mt.engines.pseudo import PseudoEngine

    return PseudoEngine((config.source_language, *config.target_languages))


def _make_libretranslate(config: Config) -> Engine:
    from postloc.mt.engines.libretranslate.pool import LibreTranslateEngine

    return LibreTranslateEngine(config.libretranslate)


FACTORIES: dict[str, Callable[[Config], Engine]] = {
    "argos": _make_argos,
    "apertium": _make_apertium,
    "pseudo": _make_pseudo,
    "libretranslate": _make_libretranslate,
}

INSTALL_HINTS = {
    "argos": "an Argos package (postloc models install {src} {tgt})",
    "apertium": "Debian's apertium-{src}-{tgt} package (apt-get install)",
    "libretranslate": "a LibreTranslate server serving the pair ([engines.libretranslate] urls)",
    "pseudo": "nothing (pseudo serves every pair)",
}


class EngineRegistry:
    """Builds each engine once and finds the route for a language pair."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._engines: dict[str, Engine] = {}

    def engine(self, name: str) -> Engine:
        if name not in FACTORIES:
            raise EngineUnavailable(f"unknown engine {name!r} (one of {', '.join(FACTORIES)})")
        if name not in self._engines:
            self._engines[name] = FACTORIES[name](self._config)
        return self._engines[name]

    def _serves(self, engine: Engine, source: str, target: str) -> bool:
        if engine.name == "pseudo":
            return source != target
        return (source, target) in engine.pairs()

    def _route_with(self, name: str, source: str, target: str, pivot: bool) -> Route | None:
        engine = self.engine(name)
        if not pivot:
            return Route(engine, (source, target)) if self._serves(engine, source, target) else None
        for middle in PIVOTS.get(name, ()):
            if middle in (source, target):
                continue
            if self._serves(engine, source, middle) and self._serves(engine, middle, target):
                return Route(engine, (source, middle, target))
        return None

    def route(self, name: str, source: str, target: str) -> Route:
        """The route for ``source``→``target`` with engine ``name`` (or ``auto``).

        ``auto`` tries Argos direct, Argos via English, Apertium direct, then
        Apertium via Spanish or Catalan; a pinned engine tries direct then pivot.
        """
        src, tgt = base_language(source), base_language(target)
        candidates = AUTO_ORDER if name == "auto" else (name,)
        for candidate in candidates:
            for pivot in (False, True):
                found = self._route_with(candidate, src, tgt, pivot)
                if found is not None:
                    return found
        hints = "; or ".join(INSTALL_HINTS[c].format(src=src, tgt=tgt) for c in candidates)
        raise EngineUnavailable(
            f"no engine serves {src}→{tgt} here (engine {name}); install {hints}"
        )

    def describe(self) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """(name, version or error, direct pairs) for every engine, for ``postloc engines``."""
        rows: list[tuple[str, str, list[tuple[str, str]]]] = []
        for name in FACTORIES:
            try:
                engine = self.engine(name)
                pairs = sorted(engine.pairs())
                version = engine.version() if pairs or name == "pseudo" else "-"
            except Exception as exc:
                rows.append((name, f"unavailable: {exc}", []))
                continue
            rows.append((name, version, pairs))
        return rows
