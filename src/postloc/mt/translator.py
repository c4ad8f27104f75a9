"""One target language's route made ready for a run: its hops, their memory keys, its drafts.

``MachineTranslator`` is what a language asks of the engines (the route, the memory, the
languages as the project names them); :class:`Draft` is what it gets back and :class:`Hop` one
direct pair of its route. The run itself, every language's routes together, is
:class:`postloc.mt.streams.Streams`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from postloc.mt.engines.base import Engine, Route
from postloc.mt.memory import MemoryKey, TranslationMemory

if TYPE_CHECKING:
    pass

BATCH_SIZE = 64
"""Texts per call for engines without a plan of their own (:meth:`Engine.plan_calls`): big
enough to batch, small enough to save progress often."""


@dataclass(frozen=True, slots=True)
class Draft:
    """One machine output for one msgid."""

    text: str
    """The restored translation."""
    problems: tuple[str, ...]
    """Markup damage the engine caused (empty when clean)."""
    from_memory: bool
    """True when the memory had it (every hop of it) and no engine ran."""


@dataclass(frozen=True, slots=True)
class Hop:
    """One direct pair of a route: what its engine is asked and where the memory keeps it."""

    engine: Engine
    """The route's engine."""
    source: str
    """Base language code the engine gets (``fr``)."""
    target: str
    """Base language code the engine gets (``es``)."""
    key: MemoryKey
    """The hop's memory key: the engine's name and pair version, and the languages as the
    project names them at the route's ends (the pivot's base code between hops). A direct
    route's only hop is the route's own key, so the fr→es hop of ``apertium+es`` and the
    ``es`` catalogue's drafts are the same rows."""


class MachineTranslator:
    """Translates msgids for one language pair through one route."""

    def __init__(
        self,
        route: Route,
        source: str,
        target: str,
        memory: TranslationMemory,
        batch_size: int | None = None,
    ) -> None:
        self.route = route
        self.source = source
        self.target = target
        self.memory = memory
        self.batch_size = batch_size
        """Texts per engine call; None: as the engine plans its calls."""
        self.engine_segments = 0
        """Texts sent to an engine for this translator alone, every hop counted
        (:func:`~postloc.mt.streams.translate_texts`, ``drafts.translate_catalogues``)."""

    @cached_property
    def hops(self) -> tuple[Hop, ...]:
        """Each direct pair of the route with its memory key. Asked on first use, since finding
        a pair's version may cost a process (``dpkg-query``) a run with nothing to translate
        should not pay."""
        pairs = self.route.hops()
        versions = self.route.hop_versions()
        last = len(pairs) - 1
        return tuple(
            Hop(
                self.route.engine,
                source,
                target,
                MemoryKey(
                    self.route.engine.name,
                    version,
                    self.source if number == 0 else source,
                    self.target if number == last else target,
                ),
            )
            for number, ((source, target), version) in enumerate(zip(pairs, versions, strict=True))
        )

    @cached_property
    def key(self) -> MemoryKey:
        """The route's memory key: route name, the route's version (:meth:`Route.version`, the
        pairs it runs, never the engine as a whole) and the languages; what ``MT:`` notes name."""
        version = "/".join(hop.key.version for hop in self.hops)
        return MemoryKey(self.route.name, version, self.source, self.target)
