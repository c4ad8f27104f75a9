"""Routes wrapped for real use: markup protection, translation memory, one stream per pair.

``MachineTranslator`` is one target language's route. :class:`Streams` runs the routes of
every language of a run together, hop by hop: each direct pair is *one* engine stream, whatever
languages need it, so when ``en`` goes fr→es→en and ``es`` is a target too, fr→es runs once and
English continues from the Spanish drafts. A text reaches an engine only when the memory lacks
it for that hop (each hop is a memory row of its own, the same row as the direct pair's), cut
into calls as the engine asks (:meth:`~postloc.mt.engines.base.Engine.plan_calls`: one
Apertium process per ≤ 2 MB, Argos batches of sentences, else :data:`BATCH_SIZE` texts). Each
finished call is stored before its drafts land, so an interrupted run loses only the calls in
flight. Calls of engines that wait on a process or native code run side by side in threads,
within the run's cores (``jobs``); the drafts land in the order the calls started.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from postloc.config import DEFAULT_RULES, Extraction
from postloc.errors import EngineFailed
from postloc.mt.engines.base import Engine, Route, checked_outputs
from postloc.mt.memory import MemoryKey, Stored, TranslationMemory

if TYPE_CHECKING:
    from postloc.mt.markup.protection import Protected

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
        """Texts this translator's :meth:`translate` sent to an engine, every hop counted."""

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

    def translate(
        self,
        texts: Sequence[str],
        on_batch: Callable[[dict[str, Draft]], None] | None = None,
    ) -> dict[str, Draft]:
        """Drafts for every distinct text; ``on_batch`` sees each batch as it lands."""
        drafts: dict[str, Draft] = {}

        def land(batch: dict[str, Draft]) -> None:
            drafts.update(batch)
            if on_batch:
                on_batch(batch)

        streams = Streams(self.memory, batch_size=self.batch_size)
        streams.request(self, texts, land)
        streams.run()
        self.engine_segments += streams.engine_segments
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
    priority: tuple[int, int]
    """(the first route asking it, creation order): streams of earlier languages go first."""
    batch_size: int | None
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
        stream = self._stream(route, 0)
        self._asks.extend((stream, text, route) for text in unique)
        self._answer_asks()

    def run(self) -> None:
        """Run every call until each requested text has its draft."""
        self._settle()
        if self.jobs == 1:
            while (call := self._next_call(0)) is not None:
                self._land(call, self._call(call))
                self._settle()
            return
        with ThreadPoolExecutor(self.jobs, thread_name_prefix="postloc-engine") as pool:
            started: deque[_Call] = deque()
            try:
                while True:
                    self._start(pool, started)
                    if not started:
                        return
                    running = [c.future for c in started if c.future and not c.future.done()]
                    if running and not _done(started[0]):
                        wait(running, return_when=FIRST_COMPLETED)
                    while started and _done(started[0]):
                        call = started.popleft()
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
            priority = (route.priority, next(self._order))
            stream = _Stream(hop, priority, self.batch_size or route.translator.batch_size)
            self._streams[hop.key] = stream
        elif route.priority < stream.priority[0]:
            stream.priority = (route.priority, stream.priority[1])
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
        """The next call to start, the earliest language's stream first; None when none may
        start now (nothing left, or the cores are taken)."""
        ready = [stream for stream in self._streams.values() if stream.calls or stream.queue]
        if not ready:
            return None
        stream = min(ready, key=lambda stream: stream.priority)
        if busy and busy + self._cost(stream.hop.engine) > self.jobs:
            return None  # no later language's call jumps ahead of this one
        if not stream.calls:
            self._plan(stream)
        return stream.calls.popleft()

    def _cost(self, engine: Engine) -> int:
        return max(1, min(engine.call_threads(), self.jobs))

    def _plan(self, stream: _Stream) -> None:
        """Cut the stream's queued texts into calls as its engine asks."""
        from postloc.mt.markup.protection import protect

        hop = stream.hop
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

    def _start(self, pool: ThreadPoolExecutor, started: deque[_Call]) -> None:
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

    @staticmethod
    def _call(call: _Call) -> list[str]:
        """The engine call itself (in a worker thread when ``jobs`` > 1)."""
        hop = call.stream.hop
        texts = [item.engine_text for item in call.protected]
        outputs = hop.engine.translate(texts, hop.source, hop.target)
        return checked_outputs(hop.engine.name, texts, outputs, f"{hop.source}→{hop.target}")

    def _land(self, call: _Call, outputs: list[str]) -> None:
        """Restore a call's outputs, store them (one commit), and answer whoever waits."""
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
