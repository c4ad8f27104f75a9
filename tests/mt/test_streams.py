"""Streams: one engine stream per direct pair across languages, each hop once, calls on the
cores the run has, each finished call stored before its drafts land."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence

import pytest

from postloc.errors import EngineFailed
from postloc.mt.engines.base import Route
from postloc.mt.engines.pseudo import PseudoEngine
from postloc.mt.markup.protection import protect
from postloc.mt.memory import MemoryKey, TranslationMemory
from postloc.mt.streams import Streams, translate_texts
from postloc.mt.translator import BATCH_SIZE, Draft, MachineTranslator

TEXTS = [f"Le paragraphe {n} parle de **{n} pays** et de `code {n}`." for n in range(10)]


class Recording(PseudoEngine):
    """Pseudo engine that logs its calls and how many ran at once."""

    def __init__(
        self,
        *,
        parallel: bool = False,
        threads: int = 1,
        per_call: int | None = None,
        delay: float = 0.0,
        fail_at: int = 0,
    ) -> None:
        super().__init__(["fr", "en", "es", "ca"])
        self.parallel = parallel
        self.threads = threads
        self.per_call = per_call
        self.delay = delay
        self.fail_at = fail_at
        self.calls: list[tuple[str, str, tuple[str, ...]]] = []
        self._lock = threading.Lock()
        self._active = 0
        self.most_at_once = 0

    def call_threads(self) -> int:
        return self.threads

    def plan_calls(self, texts: Sequence[str], source: str, target: str) -> list[range] | None:
        if self.per_call is None:
            return None
        size = self.per_call
        return [range(n, min(n + size, len(texts))) for n in range(0, len(texts), size)]

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        with self._lock:
            self.calls.append((source, target, tuple(texts)))
            number = len(self.calls)
            self._active += 1
            self.most_at_once = max(self.most_at_once, self._active)
        try:
            time.sleep(self.delay)
            outputs = super().translate(texts, source, target)
            return outputs[:-1] if number == self.fail_at else outputs
        finally:
            with self._lock:
                self._active -= 1

    def sent(self, source: str, target: str) -> list[str]:
        """Every text this engine got for one pair, in call order."""
        return [text for s, t, texts in self.calls if (s, t) == (source, target) for text in texts]


def seen(texts: Sequence[str]) -> list[str]:
    """What an html engine is sent for these msgids."""
    return [protect(text, "html").engine_text for text in texts]


def translator(
    engine: PseudoEngine, memory: TranslationMemory, *languages: str
) -> MachineTranslator:
    return MachineTranslator(Route(engine, languages), languages[0], languages[-1], memory)


def run(
    memory: TranslationMemory, *translators: MachineTranslator, jobs: int = 1
) -> tuple[list[dict[str, Draft]], list[str], Streams]:
    """Every translator over TEXTS in one run: drafts per translator, and which target language
    each landed batch was for, in landing order."""
    streams = Streams(memory, jobs)
    drafts: list[dict[str, Draft]] = []
    landed: list[str] = []
    for item in translators:
        found: dict[str, Draft] = {}
        drafts.append(found)

        def land(batch: dict[str, Draft], found: dict[str, Draft] = found, lang: str = item.target):
            found.update(batch)
            landed.append(lang)

        streams.request(item, TEXTS, land)
    streams.run()
    return drafts, landed, streams


def alone(languages: tuple[str, ...]) -> dict[str, Draft]:
    """The drafts of one route run by itself, on a fresh memory."""
    memory = TranslationMemory(None)
    return translate_texts(translator(Recording(), memory, *languages), TEXTS)


# --- each hop once ---------------------------------------------------------------------------


def test_pivot_first_hop_is_the_direct_pairs_stream() -> None:
    """``en`` through ``es`` and ``es`` itself: the engine sees each fr→es text once."""
    engine = Recording()
    memory = TranslationMemory(None)
    english = translator(engine, memory, "fr", "es", "en")
    spanish = translator(engine, memory, "fr", "es")
    (en, es), _landed, streams = run(memory, english, spanish)
    assert engine.sent("fr", "es") == seen(TEXTS)
    assert engine.sent("es", "en") == seen([es[text].text for text in TEXTS])
    assert streams.engine_segments == 2 * len(TEXTS)
    assert es == alone(("fr", "es")) and en == alone(("fr", "es", "en"))


def test_memory_keeps_each_hop_and_the_direct_pair_is_the_same_row() -> None:
    engine = Recording()
    memory = TranslationMemory(None)
    english = translator(engine, memory, "fr", "es", "en")
    spanish = translator(engine, memory, "fr", "es")
    assert english.hops[0].key == spanish.key == MemoryKey("pseudo", "1", "fr", "es")
    assert english.hops[1].key == MemoryKey("pseudo", "1", "es", "en")
    assert english.key == MemoryKey("pseudo+es", "1/1", "fr", "en")
    (es, en), _landed, _streams = run(memory, spanish, english)
    spanish_texts = [es[text].text for text in TEXTS]
    assert {t: s.text for t, s in memory.lookup(spanish.key, TEXTS).items()} == {
        text: es[text].text for text in TEXTS
    }
    second = memory.lookup(english.hops[1].key, spanish_texts)
    assert {second[es[text].text].text for text in TEXTS} == {en[text].text for text in TEXTS}
    assert {t: s.text for t, s in memory.lookup(english.key, TEXTS).items()} == {
        text: en[text].text for text in TEXTS
    }
    assert len(memory) == 3 * len(TEXTS)


def test_a_later_pivot_run_takes_the_first_hop_from_the_memory() -> None:
    memory = TranslationMemory(None)
    first = Recording()
    translate_texts(translator(first, memory, "fr", "es"), TEXTS)
    later = Recording()
    english = translator(later, memory, "fr", "es", "en")
    drafts = translate_texts(english, TEXTS)
    assert later.sent("fr", "es") == [] and len(later.sent("es", "en")) == len(TEXTS)
    assert english.engine_segments == len(TEXTS)
    assert not any(draft.from_memory for draft in drafts.values())  # hop 2 ran
    again = Recording()
    repeat = translator(again, memory, "fr", "es", "en")
    assert translate_texts(repeat, TEXTS) == {
        text: Draft(draft.text, draft.problems, True) for text, draft in drafts.items()
    }
    assert again.calls == [] and repeat.engine_segments == 0


class LosesCodeToSpanish(Recording):
    """Drops inline code on the fr→es hop only."""

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        outputs = super().translate(texts, source, target)
        if (source, target) == ("fr", "es"):
            return [re.sub(r"<code[^>]*></code>", "", output) for output in outputs]
        return outputs


def test_damage_of_the_first_hop_is_reported_on_the_pivots_draft() -> None:
    memory = TranslationMemory(None)
    engine = LosesCodeToSpanish()
    (en, es), _landed, _streams = run(
        memory,
        translator(engine, memory, "fr", "es", "en"),
        translator(engine, memory, "fr", "es"),
    )
    for text in TEXTS:
        assert es[text].problems and en[text].problems == es[text].problems
        assert "`" not in en[text].text


# --- calls, commits and failures -------------------------------------------------------------


def test_calls_follow_the_engines_plan_and_a_failure_keeps_the_calls_before_it() -> None:
    memory = TranslationMemory(None)
    failing = Recording(per_call=3, fail_at=3)
    with pytest.raises(EngineFailed, match="returned 2 translations for 3"):
        translate_texts(translator(failing, memory, "fr", "en"), TEXTS)
    assert [len(texts) for _s, _t, texts in failing.calls] == [3, 3, 3]
    assert len(memory) == 6  # the two calls before the failure, each stored when it ended
    rerun = Recording(per_call=3)
    again = translator(rerun, memory, "fr", "en")
    assert len(translate_texts(again, TEXTS)) == len(TEXTS)
    assert rerun.sent("fr", "en") == seen(TEXTS[6:])


def test_without_a_plan_calls_are_batches() -> None:
    memory = TranslationMemory(None)
    engine = Recording()
    texts = [f"Texte {n}." for n in range(2 * BATCH_SIZE + 1)]
    translate_texts(translator(engine, memory, "fr", "en"), texts)
    assert [len(t) for _s, _e, t in engine.calls] == [BATCH_SIZE, BATCH_SIZE, 1]
    small = Recording()
    batched = MachineTranslator(Route(small, ("fr", "en")), "fr", "en", TranslationMemory(None), 4)
    translate_texts(batched, texts[:9])
    assert [len(t) for _s, _e, t in small.calls] == [4, 4, 1]


def test_a_plan_that_skips_texts_is_refused() -> None:
    class Skipping(Recording):
        def plan_calls(self, texts: Sequence[str], source: str, target: str) -> list[range]:
            return [range(0, 1)]

    with pytest.raises(EngineFailed, match="planned calls that skip or repeat"):
        translate_texts(translator(Skipping(), TranslationMemory(None), "fr", "en"), TEXTS)


@pytest.mark.parametrize(
    ("parallel", "threads", "jobs", "most"),
    [
        (True, 1, 2, 2),  # calls wait on a process: two cores, two calls
        (True, 1, 1, 1),
        (True, 2, 2, 1),  # a call keeping two cores busy runs alone on two
        (True, 2, 4, 2),
        (False, 1, 4, 1),  # pure Python: one call at a time whatever the cores
    ],
)
def test_calls_run_side_by_side_only_within_the_cores(
    parallel: bool, threads: int, jobs: int, most: int
) -> None:
    engine = Recording(parallel=parallel, threads=threads, per_call=1, delay=0.05)
    memory = TranslationMemory(None)
    drafts, landed, _streams = run(memory, translator(engine, memory, "fr", "en"), jobs=jobs)
    assert engine.most_at_once == most
    assert sorted(drafts[0]) == sorted(TEXTS)
    assert len(landed) == len(TEXTS)


class FirstSlow(Recording):
    """The call holding the first text takes long; the others are quick."""

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        if texts[0] == seen(TEXTS[:1])[0]:
            time.sleep(0.5)
        return super().translate(texts, source, target)


def test_a_quick_call_lands_before_a_slow_one_started_earlier_and_its_core_goes_on() -> None:
    memory = TranslationMemory(None)
    engine = FirstSlow(parallel=True, per_call=1, delay=0.01)
    drafts, _landed, _streams = run(memory, translator(engine, memory, "fr", "en"), jobs=2)
    assert list(drafts[0])[-1] == TEXTS[0]  # every other call ran on the second core meanwhile
    assert sorted(drafts[0]) == sorted(TEXTS)


class Costly(Recording):
    """fr→ca costs three times the work of the other pairs per character."""

    def pair_cost(self, source: str, target: str) -> float:
        return 3.0 if (source, target) == ("fr", "ca") else 1.0


def first_calls(engine: Recording, count: int) -> list[str]:
    return [target for _source, target, _texts in engine.calls[:count]]


@pytest.mark.parametrize("jobs", [1, 2])
def test_with_several_jobs_the_route_with_most_work_goes_first(jobs: int) -> None:
    memory = TranslationMemory(None)
    engine = Costly(parallel=True, per_call=2)
    streams = Streams(memory, jobs=jobs)
    asked = [("es", TEXTS[:6]), ("eo", TEXTS), ("ca", TEXTS[:4])]  # work: 6, 10, 4 × 3
    for lang, texts in asked:
        streams.request(translator(engine, memory, "fr", lang), texts, lambda batch: None)
    streams.run()
    order = list(dict.fromkeys(first_calls(engine, len(engine.calls))))
    assert order == (["es", "eo", "ca"] if jobs == 1 else ["ca", "eo", "es"])


def test_a_pivots_first_hop_counts_the_hops_it_feeds() -> None:
    """fr→es→en (two hops of 6 texts) goes before fr→eo (one hop of 10)."""
    memory = TranslationMemory(None)
    engine = Costly(parallel=True, per_call=2)
    streams = Streams(memory, jobs=2)
    streams.request(translator(engine, memory, "fr", "eo"), TEXTS, lambda batch: None)
    streams.request(translator(engine, memory, "fr", "es", "en"), TEXTS[:6], lambda b: None)
    streams.run()
    assert first_calls(engine, 2) == ["es", "es"]
    assert first_calls(engine, len(engine.calls))[-1] == "eo"


def test_earlier_languages_finish_first() -> None:
    memory = TranslationMemory(None)
    engine = Recording(parallel=True, per_call=2, delay=0.01)
    languages = ("es", "ca", "en")
    routes = [translator(engine, memory, "fr", lang) for lang in languages]
    _drafts, landed, _streams = run(memory, *routes, jobs=2)
    last = [len(landed) - landed[::-1].index(lang) for lang in languages]
    assert last == sorted(last)  # a call of the next may land first, never its last one


def test_a_failed_parallel_call_stops_new_calls_and_lands_only_finished_ones() -> None:
    """Calls land as they finish: a call running beside the failed one may land (its work is
    done and kept), but no call starts once the failure is known and the failed text never
    lands."""
    memory = TranslationMemory(None)
    engine = Recording(parallel=True, per_call=1, delay=0.05, fail_at=3)
    item = translator(engine, memory, "fr", "en")
    landed: list[str] = []
    streams = Streams(memory, jobs=2)
    streams.request(item, TEXTS, lambda batch: landed.extend(batch))
    with pytest.raises(EngineFailed):
        streams.run()
    assert len(engine.calls) < len(TEXTS)  # only those started before it was known
    started = [TEXTS[seen(TEXTS).index(call[2][0])] for call in engine.calls]
    failed = started[2]
    assert failed not in landed
    assert set(landed) <= set(started) - {failed}
    assert len(memory) == len(landed)


@pytest.mark.parametrize("jobs", [1, 2])
def test_drafts_do_not_depend_on_jobs_grouping_or_order(jobs: int) -> None:
    memory = TranslationMemory(None)
    engine = Recording(parallel=True, per_call=3)
    routes = [
        translator(engine, memory, "fr", "ca"),
        translator(engine, memory, "fr", "es", "en"),
        translator(engine, memory, "fr", "es"),
    ]
    drafts, _landed, _streams = run(memory, *routes, jobs=jobs)
    for route, found in zip(routes, drafts, strict=True):
        assert found == alone(route.route.languages)


def test_nothing_to_translate_starts_nothing() -> None:
    engine = Recording()
    memory = TranslationMemory(None)
    streams = Streams(memory, jobs=2)
    land: Callable[[dict[str, Draft]], None] = lambda batch: None  # noqa: E731
    streams.request(translator(engine, memory, "fr", "en"), ["", "  "], land)
    streams.run()
    assert engine.calls == [] and streams.engine_segments == 0


def test_a_pure_python_engines_call_lands_before_the_next_starts_whatever_the_jobs() -> None:
    """Its calls run in the run's own thread: one started before the landing would hold the
    landing back (and a kill would find more work done and not stored)."""
    memory = TranslationMemory(None)
    landed: list[str] = []

    class Watching(Recording):
        def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
            seen_before.append(len(landed))
            return super().translate(texts, source, target)

    seen_before: list[int] = []
    streams = Streams(memory, jobs=2)
    engine = Watching(parallel=False, per_call=1)
    streams.request(translator(engine, memory, "fr", "en"), TEXTS, landed.extend)
    streams.run()
    assert seen_before == list(range(len(TEXTS)))
