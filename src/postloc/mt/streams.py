"""The engine work of a run: every language's routes together, one stream per direct pair.

:class:`Streams` runs the routes (:class:`~postloc.mt.translator.MachineTranslator`) of every
language of a run together, hop by hop: each direct pair is *one* engine stream, whatever
languages need it, so when ``en`` goes fr→es→en and ``es`` is a target too, fr→es runs once and
English continues from the Spanish drafts. A text reaches an engine only when the memory lacks
it for that hop (each hop is a memory row of its own, the same row as the direct pair's), cut
into calls as the engine asks (:meth:`~postloc.mt.engines.base.Engine.plan_calls`: one
Apertium process per ≤ 2 MB, Argos batches of sentences, else
:data:`~postloc.mt.translator.BATCH_SIZE` texts). Each finished call is stored before its drafts
land, so an interrupted run loses only the calls in flight. Calls of engines that wait on a
process or native code run side by side in threads, within the run's cores (``jobs``), the
route with the most work first (:meth:`Streams.run`); the drafts land as the calls finish, and a
finished call frees its core before its landing.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from postloc.config import DEFAULT_RULES, Extraction
from postloc.errors import EngineFailed
from postloc.mt.engines.base import Engine, checked_outputs
from postloc.mt.memory import MemoryKey, Stored, TranslationMemory
from postloc.mt.trace import span
from postloc.mt.translator import BATCH_SIZE, Draft, Hop, MachineTranslator

if TYPE_CHECKING:
    from postloc.mt.markup.protection import Protected


def translate_texts(
    translator: MachineTranslator,
    texts: Sequence[str],
    on_batch: Callable[[dict[str, Draft]], None] | None = None,
) -> dict[str, Draft]:
    """Drafts of one route for every distinct text, on one core; ``on_batch`` sees each batch
    as it lands. The translator counts the texts its engines got."""
    drafts: dict[str, Draft] = {}

    def land(batch: dict[str, Draft]) -> None:
        drafts.update(batch)
        if on_batch:
            on_batch(batch)

    streams = Streams(translator.memory, batch_size=translator.batch_size)
    streams.request(translator, texts, land)
    streams.run()
    translator.engine_segments += streams.engine_segments
    return drafts


@dataclass(frozen=True, slots=True)
class _Next:
    """Who waits for a hop's output of one text: a route at one of its later hops."""

    route: _RouteRun
    number: int
    """The hop that produced the output (the next one follows, or the draft)."""
    msgid: str
    """The text the route was asked for."""
    problems: tuple[str, ...]
    """Damage of the hops so far."""
    remembered: bool
    """Whether every hop so far came from the memory."""


@dataclass(eq=False, slots=True)
class _Stream:
    """Every text asked of one direct pair (one hop key) in a run, whichever route asked."""

    hop: Hop
    order: int
    """Creation order: a route's first hop before its next."""
    batch_size: int | None
    routes: list[_RouteRun] = field(default_factory=list)
    """The routes asking it; the stream goes when the first of them does."""
    waiting: dict[str, list[_RouteRun | _Next]] = field(default_factory=dict)
    """Texts asked and not yet answered (queued or in a call), with whoever waits for them: a
    route at its first hop (the text is its msgid), else a :class:`_Next`. A big run has
    tens of thousands waiting at once, so the common case is a bare reference."""
    queue: list[str] = field(default_factory=list)
    """Texts not yet planned into calls."""
    calls: deque[_Call] = field(default_factory=deque)
    """Planned calls not yet started."""


@dataclass(eq=False, slots=True)
class _Call:
    """One engine call: texts protected for the engine, and its result once run."""

    stream: _Stream
    protected: list[Protected]
    future: Future[list[str]] | None = None

    @property
    def engine(self) -> Engine:
        return self.stream.hop.engine


@dataclass(eq=False, slots=True)
class _RouteRun:
    """One translator's share of a run: its drafts waiting to be handed over."""

    translator: MachineTranslator
    on_drafts: Callable[[dict[str, Draft]], None]
    priority: int
    """Its streams' turn: the order of the requests, or (several jobs) of its work."""
    work: float = 0.0
    """Estimated engine work: characters to send times the cost of every hop."""
    drafts: dict[str, Draft] = field(default_factory=dict)
    finals: list[tuple[str, Stored]] = field(default_factory=list)
    """Outputs of a pivot route, stored under the route's key as they land."""


class Streams:
    """The engine work of one run: one stream per direct pair, over every language and post.

    :meth:`request` each language's texts (in the order languages should finish), then
    :meth:`run`. ``jobs`` is how many cores calls may keep busy at once (``--jobs``): engines
    that wait on a process or native code run that many calls side by side (an Argos call
    counts its own threads), pure-Python ones one call at a time.
    """

    def __init__(
        self,
        memory: TranslationMemory,
        jobs: int = 1,
        batch_size: int | None = None,
        rules: Extraction = DEFAULT_RULES,
    ) -> None:
        self.memory = memory
        self.rules = rules
        """Which site-tag parameters engines translate (the configuration's ``extraction``)."""
        self.jobs = max(1, jobs)
        self.batch_size = batch_size
        self.engine_segments = 0
        """Texts sent to engines so far, each hop's counted (a shared hop once)."""
        self._streams: dict[MemoryKey, _Stream] = {}
        self._routes: list[_RouteRun] = []
        self._asks: list[tuple[_Stream, str, _RouteRun | _Next]] = []
        self._order = itertools.count()

    def request(
        self,
        translator: MachineTranslator,
        texts: Sequence[str],
        on_drafts: Callable[[dict[str, Draft]], None],
    ) -> None:
        """Ask for drafts of ``texts``; ``on_drafts`` gets them in batches as they land."""
        unique = [text for text in dict.fromkeys(texts) if text.strip()]
        if not unique:
            return
        route = _RouteRun(translator, on_drafts, len(self._routes))
        self._routes.append(route)
        if len(translator.hops) > 1:  # a pivot route's own rows, then each hop's
            known = self.memory.lookup(translator.key, unique)
            for text, stored in known.items():
                route.drafts[text] = Draft(stored.text, stored.problems, True)
            unique = [text for text in unique if text not in known]
        hops = translator.hops
        cost = sum(hop.engine.pair_cost(hop.source, hop.target) for hop in hops)
        route.work = cost * sum(len(text) for text in unique)
        stream = self._stream(route, 0)
        self._asks.extend((stream, text, route) for text in unique)
        self._answer_asks()

    def run(self) -> None:
        """Run every call until each requested text has its draft.

        With one job the languages go in the order they were asked, so they finish in that
        order. With more, the route with the most work goes first (longest processing time
        first: the longest pair starts early) and its calls take every core, then the next
        route's: languages finish one after the other, each one's later work (a sync's
        drafting and export) overlapping the engines of the next, and the run ends on the
        shortest route, not on the longest with idle cores beside it.
        """
        if self.jobs > 1:
            ranked = sorted(self._routes, key=lambda route: (-route.work, route.priority))
            for rank, route in enumerate(ranked):
                route.priority = rank
        self._settle()
        if self.jobs == 1:
            while (call := self._next_call(0)) is not None:
                self._land(call, self._call(call))
                self._settle()
            return
        with ThreadPoolExecutor(self.jobs, thread_name_prefix="postloc-engine") as pool:
            started: list[_Call] = []
            try:
                while True:
                    self._start(pool, started)
                    if not started:
                        return
                    running = [c.future for c in started if c.future and not c.future.done()]
                    if len(running) == len(started):
                        wait(running, return_when=FIRST_COMPLETED)
                    finished = [call for call in started if _done(call)]
                    started[:] = [call for call in started if call not in finished]
                    if self._all_parallel() and not any(
                        call.future and call.future.exception() for call in finished
                    ):
                        self._start(pool, started)  # freed cores first, then the landing
                    for call in finished:
                        assert call.future is not None
                        self._land(call, call.future.result())
                        self._settle()
            except BaseException:
                for call in started:
                    if call.future:
                        call.future.cancel()
                raise

    # --- asking ---------------------------------------------------------------------------

    def _stream(self, route: _RouteRun, number: int) -> _Stream:
        """The stream of hop ``number`` of ``route`` (made on first ask)."""
        hop = route.translator.hops[number]
        stream = self._streams.get(hop.key)
        if stream is None:
            size = self.batch_size or route.translator.batch_size
            stream = _Stream(hop, next(self._order), size)
            self._streams[hop.key] = stream
        if route not in stream.routes:
            stream.routes.append(route)
        return stream

    def _follow(self, waiter: _RouteRun | _Next, text: str, stored: Stored, known: bool) -> None:
        """A hop's output for ``text`` reached ``waiter``: ask its next hop, or it is a draft."""
        if isinstance(waiter, _RouteRun):
            waiter = _Next(waiter, 0, text, (), True)
        route, number = waiter.route, waiter.number
        problems = tuple(dict.fromkeys((*waiter.problems, *stored.problems)))
        known = waiter.remembered and known
        if number + 1 < len(route.translator.hops):
            follower = _Next(route, number + 1, waiter.msgid, problems, known)
            self._asks.append((self._stream(route, number + 1), stored.text, follower))
            return
        if number > 0:
            route.finals.append((waiter.msgid, Stored(stored.text, problems)))
        route.drafts[waiter.msgid] = Draft(stored.text, problems, known)

    def _answer_asks(self) -> None:
        """Answer the asks the memory knows (which may ask the next hops); queue the others."""
        while self._asks:
            asks, self._asks = self._asks, []
            grouped: dict[int, tuple[_Stream, list[str]]] = {}
            for stream, text, waiter in asks:
                waiters = stream.waiting.get(text)
                if waiters is not None:  # asked before: queued, in a call, or just asked
                    waiters.append(waiter)
                    continue
                stream.waiting[text] = [waiter]
                grouped.setdefault(id(stream), (stream, []))[1].append(text)
            del asks
            for stream, new in grouped.values():
                known = self.memory.lookup(stream.hop.key, new)
                for text in new:
                    if text in known:
                        for waiter in stream.waiting.pop(text):
                            self._follow(waiter, text, known[text], True)
                    else:
                        stream.queue.append(text)

    def _settle(self) -> None:
        """Answer the asks, store pivot routes' outputs and hand the drafts over."""
        self._answer_asks()
        for route in self._routes:
            if route.finals:
                self.memory.store(route.translator.key, route.finals)
                route.finals = []
            if route.drafts:
                drafts, route.drafts = route.drafts, {}
                route.on_drafts(drafts)

    # --- calling --------------------------------------------------------------------------

    def _next_call(self, busy: int) -> _Call | None:
        """The next call to start, the first route's streams first (:meth:`run`); None when
        none may start now (nothing left, or the cores are taken)."""
        ready = [stream for stream in self._streams.values() if stream.calls or stream.queue]
        if not ready:
            return None
        stream = min(ready, key=lambda s: (min(route.priority for route in s.routes), s.order))
        if busy and busy + self._cost(stream.hop.engine) > self.jobs:
            return None  # no later route's call jumps ahead of this one
        if not stream.calls:
            self._plan(stream)
        return stream.calls.popleft()

    def _cost(self, engine: Engine) -> int:
        return max(1, min(engine.call_threads(), self.jobs))

    def _plan(self, stream: _Stream) -> None:
        """Cut the stream's queued texts into calls as its engine asks."""
        from postloc.mt.markup.protection import protect

        hop = stream.hop
        with span("protect", pair=f"{hop.source}→{hop.target}", texts=len(stream.queue)):
            protected = [protect(text, hop.engine.markup, self.rules) for text in stream.queue]
        stream.queue = []
        size = stream.batch_size
        engine_texts = [item.engine_text for item in protected]
        plan = None if size else hop.engine.plan_calls(engine_texts, hop.source, hop.target)
        if plan is None:
            size = size or BATCH_SIZE
            plan = [range(n, min(n + size, len(protected))) for n in range(0, len(protected), size)]
        if [n for part in plan for n in part] != list(range(len(protected))):
            raise EngineFailed(f"engine {hop.engine.name} planned calls that skip or repeat texts")
        stream.calls.extend(_Call(stream, protected[part.start : part.stop]) for part in plan)

    def _start(self, pool: ThreadPoolExecutor, started: list[_Call]) -> None:
        """Start calls while the cores allow; none once a started call has failed.

        A pure-Python engine's call runs here, in this thread, and nothing else starts until
        it has landed: a thread would only contend for the interpreter with the landing (and
        put a Ctrl-C in the middle of a catalogue's write more often).
        """
        if any(_done(call) and call.future and call.future.exception() for call in started):
            return
        busy = sum(self._cost(call.engine) for call in started if not _done(call))
        while (call := self._next_call(busy)) is not None:
            started.append(call)
            if not call.engine.parallel:
                call.future = Future()
                try:
                    call.future.set_result(self._call(call))
                except Exception as exc:  # landed (raised) in its turn, like a thread's
                    call.future.set_exception(exc)
                return
            call.future = pool.submit(self._call, call)
            busy += self._cost(call.engine)

    def _all_parallel(self) -> bool:
        """Whether every call of the run waits on something outside the interpreter, so one
        may start before a finished one lands (a pure-Python engine's call would run here,
        in this thread, before the landing)."""
        return all(stream.hop.engine.parallel for stream in self._streams.values())

    @staticmethod
    def _call(call: _Call) -> list[str]:
        """The engine call itself (in a worker thread when ``jobs`` > 1)."""
        hop = call.stream.hop
        texts = [item.engine_text for item in call.protected]
        with span("call", pair=f"{hop.source}→{hop.target}", texts=len(texts)):
            outputs = hop.engine.translate(texts, hop.source, hop.target)
        return checked_outputs(hop.engine.name, texts, outputs, f"{hop.source}→{hop.target}")

    def _land(self, call: _Call, outputs: list[str]) -> None:
        """Restore a call's outputs, store them (one commit), and answer whoever waits."""
        hop = call.stream.hop
        with span("land", pair=f"{hop.source}→{hop.target}", texts=len(outputs)):
            self._store(call, outputs)

    def _store(self, call: _Call, outputs: list[str]) -> None:
        from postloc.mt.markup.protection import restore

        results: list[tuple[str, Stored]] = []
        for item, output in zip(call.protected, outputs, strict=True):
            clean, removed = _without_forbidden(output)
            restored = restore(item, clean)
            results.append((item.source, Stored(restored.text, (*removed, *restored.problems))))
        stream = call.stream
        self.memory.store(stream.hop.key, results)
        self.engine_segments += len(results)
        for text, stored in results:
            for waiter in stream.waiting.pop(text, ()):
                self._follow(waiter, text, stored, False)


def _done(call: _Call) -> bool:
    return call.future is not None and call.future.done()


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
