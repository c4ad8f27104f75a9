"""The engine protocol every translator implements, and the route that chains engines.

An engine translates a *batch* of texts for one direct language pair. Pivoting
(fr→es→en), markup protection and the translation memory are wrappers around
engines, never flags inside them, so a new engine gets all three for free.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from postloc.errors import EngineFailed

MarkupStyle = Literal["html", "plain"]

_WHITESPACE = re.compile(r"\s+")


@runtime_checkable
class Engine(Protocol):
    """A batched offline translator.

    Language codes are base ISO 639-1 codes (``fr``, ``en``, ``eo``); engines
    map them to their own naming internally. Engines subclass it explicitly, which
    gives them the default :meth:`serves`.
    """

    name: str
    """Registry name, also written in ``MT:`` comments (``argos``, ``apertium``)."""

    markup: MarkupStyle
    """Inline markup form the engine takes: ``html`` (tags kept, e.g. ``apertium -f html``)
    or ``plain`` (only text; markup is carried around it by placeholders)."""

    parallel: bool = False
    """Whether calls may run side by side in threads: true when a call waits on a process, a
    native library that releases the GIL or a server. A pure-Python engine gains nothing from
    threads, so its calls run one at a time, in order."""

    def version(self) -> str:
        """The engine's version as a whole, without spaces (``postloc engines`` shows it)."""
        ...

    def pair_version(self, source: str, target: str) -> str:
        """The version of what translates ``source``→``target`` directly, without spaces.

        It goes into translation-memory keys and ``MT:`` comments, so it must name only what
        produces this pair's text: installing or removing another pair must not change it
        (or every memory of this pair would be thrown away). By default :meth:`version`, for
        an engine that cannot tell its pairs apart.
        """
        return self.version()

    def pairs(self) -> frozenset[tuple[str, str]]:
        """Direct (source, target) pairs this engine serves on this machine."""
        ...

    def serves(self, source: str, target: str) -> bool:
        """Whether it translates ``source``→``target`` directly; the registry routes by this.

        By default a pair of :meth:`pairs`; an engine that takes any pair (pseudo) says so
        here instead of listing every combination.
        """
        return (source, target) in self.pairs()

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate every text of the batch; exactly one output per input, same order."""
        ...

    def plan_calls(self, texts: Sequence[str], source: str, target: str) -> list[range] | None:
        """How a stream of ``texts`` is best cut into calls of :meth:`translate`: consecutive
        index ranges covering every text, in order.

        An engine whose start is dear (Apertium loads its transducers per process) asks for
        few, big calls; each finished call is one commit of the translation memory, so a
        killed run loses at most the calls in flight. None (the default) lets the translator
        cut its usual batches.
        """
        return None

    def pair_cost(self, source: str, target: str) -> float:
        """Relative work of one input character for ``source``→``target`` (1.0: a typical
        pair). Only the ratios between a run's pairs matter: the scheduler starts the
        streams with the most work left first (and a pivot's first hop counts the hops it
        feeds), so the longest pair is not the one left running alone at the end.
        """
        return 1.0

    def use_cores(self, cores: int) -> None:
        """Size the engine's own threads for a run allowed ``cores`` of them (``--jobs``).

        Called before a run; an engine without threads of its own ignores it.
        """

    def call_threads(self) -> int:
        """Cores one call keeps busy. Calls run side by side only while the sum of theirs stays
        within ``--jobs``, so engines never oversubscribe the machine (a call needing more
        runs alone)."""
        return 1


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity (a container's or ``taskset``'s
    limit), not the machine's count; the default of ``--jobs`` and of engines' threads."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        counted: int | None = counter()
        return max(1, counted or 1)
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def checked_outputs(
    engine: str, texts: Sequence[str], outputs: Sequence[str], pair: str = ""
) -> list[str]:
    """Reject a batch whose output count differs from its input count (never guess)."""
    if len(outputs) != len(texts):
        where = f" ({pair})" if pair else ""
        raise EngineFailed(
            f"engine {engine}{where} returned {len(outputs)} translations for {len(texts)} segments"
        )
    return list(outputs)


def _token(version: str) -> str:
    """A version as one token (``MT:`` comments are split on whitespace)."""
    return _WHITESPACE.sub("_", version.strip()) or "unknown"


@dataclass(frozen=True, slots=True)
class Route:
    """How one language pair is served: one engine, directly or through pivot languages."""

    engine: Engine
    """The engine doing every hop."""
    languages: tuple[str, ...]
    """Source, pivots…, target, e.g. ``("fr", "es", "en")``."""

    @property
    def name(self) -> str:
        """``apertium`` for a direct pair, ``apertium+es`` through Spanish."""
        pivots = self.languages[1:-1]
        return self.engine.name + "".join(f"+{p}" for p in pivots)

    def hops(self) -> list[tuple[str, str]]:
        """The direct pairs the route runs, in order: ``[("fr", "es"), ("es", "en")]``."""
        return list(zip(self.languages, self.languages[1:], strict=False))

    def hop_versions(self) -> list[str]:
        """The pair version of each hop, as one token each (the hops' memory keys)."""
        return [_token(self.engine.pair_version(s, t)) for s, t in self.hops()]

    def version(self) -> str:
        """The pair version of every hop, joined by ``/``: one token for memory keys and
        ``MT:`` comments, which changes only when a pair of this route changes."""
        return "/".join(self.hop_versions())

    def translate(self, texts: Sequence[str]) -> list[str]:
        """Run the batch through every hop, checking counts after each."""
        current = list(texts)
        for source, target in self.hops():
            if not current:
                break
            current = checked_outputs(
                self.engine.name,
                current,
                self.engine.translate(current, source, target),
                f"{source}→{target}",
            )
        return current
