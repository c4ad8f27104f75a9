"""A route wrapped for real use: markup protection, translation memory, batching.

``MachineTranslator.translate`` takes msgids (inline Markdown) and yields their
drafts. Only texts the memory does not know reach the engine, in batches; each
batch is stored before the next starts, so an interrupted run loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from postloc.mt.engines.base import Route
from postloc.mt.memory import MemoryKey, Stored, TranslationMemory

BATCH_SIZE = 64
"""Segments per engine call: big enough to batch, small enough to save progress often."""


@dataclass(frozen=True, slots=True)
class Draft:
    """One machine output for one msgid."""

    text: str
    """The restored translation."""
    problems: tuple[str, ...]
    """Markup damage the engine caused (empty when clean)."""
    from_memory: bool
    """True when the memory had it and no engine ran."""


class MachineTranslator:
    """Translates msgids for one language pair through one route."""

    def __init__(
        self,
        route: Route,
        source: str,
        target: str,
        memory: TranslationMemory,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.route = route
        self.source = source
        self.target = target
        self.memory = memory
        self.batch_size = batch_size
        self.engine_segments = 0

    @cached_property
    def key(self) -> MemoryKey:
        """The memory key: route name, the route's version (:meth:`Route.version`, the pairs
        it runs, never the engine as a whole) and the languages. Asked on first use, since
        finding a pair's version may cost a process (``dpkg-query``) a run with nothing to
        translate should not pay."""
        return MemoryKey(self.route.name, self.route.version(), self.source, self.target)

    def _run_engine(self, texts: Sequence[str]) -> list[Stored]:
        from postloc.mt.markup.protection import protect, restore

        protected = [protect(text, self.route.engine.markup) for text in texts]
        outputs = self.route.translate([p.engine_text for p in protected])
        results: list[Stored] = []
        for item, output in zip(protected, outputs, strict=True):
            clean, removed = _without_forbidden(output)
            restored = restore(item, clean)
            results.append(Stored(restored.text, (*removed, *restored.problems)))
        return results

    def translate(
        self,
        texts: Sequence[str],
        on_batch: Callable[[dict[str, Draft]], None] | None = None,
    ) -> dict[str, Draft]:
        """Drafts for every distinct text; ``on_batch`` sees each batch as it lands."""
        unique = [t for t in dict.fromkeys(texts) if t.strip()]
        if not unique:
            return {}
        known = self.memory.lookup(self.key, unique)
        drafts = {t: Draft(s.text, s.problems, True) for t, s in known.items()}
        if drafts and on_batch:
            on_batch(dict(drafts))
        pending = [t for t in unique if t not in known]
        for offset in range(0, len(pending), self.batch_size):
            batch = pending[offset : offset + self.batch_size]
            stored = self._run_engine(batch)
            self.engine_segments += len(batch)
            self.memory.store(self.key, zip(batch, stored, strict=True))
            fresh = {
                t: Draft(s.text, s.problems, False) for t, s in zip(batch, stored, strict=True)
            }
            drafts.update(fresh)
            if on_batch:
                on_batch(fresh)
        return drafts


def _without_forbidden(output: str) -> tuple[str, tuple[str, ...]]:
    """An engine's output without the characters postloc refuses to read back
    (:mod:`postloc.characters`), and a damage note per kind removed: a draft must never make
    its own catalogue unreadable."""
    from postloc.characters import FORBIDDEN, describe

    found = sorted(set(FORBIDDEN.findall(output)))
    if not found:
        return output, ()
    notes = tuple(f"engine output: {describe(char)}; removed" for char in found)
    return FORBIDDEN.sub("", output), notes
