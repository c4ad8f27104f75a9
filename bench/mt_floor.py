"""Machine translation against its limit (issue 17): postloc against the raw engines, on the
same segments in one run.

- **Apertium**: ``translate`` of one language (library call, cold memory, every core) against
  one raw ``apertium -u -f html fr-es`` process over the same segments: the distinct texts
  postloc sends, rendered and wrapped exactly as it wraps them. That one process is the floor.
- **Argos** (the bench model, ``tests/argos_tiny.py``'s Transformer-base-sized package):
  ``translate`` against one bare CTranslate2 ``translate_batch`` over the same sentences
  (SentencePiece in and out, the same decoding options and threads), in a confined child
  process like :mod:`engines_bench`'s.
- **Sync**: a first full ``postloc sync`` (the command a user types) of the corpus into
  ``en``, ``es``, ``ca`` and ``eo`` with Apertium, against the parallel floor: the raw time of
  every pair it must run (fr-es, es-en over fr-es's raw output, fra-cat, fr-eo) summed and
  divided by the cores used. Its peak RSS besides. Each Apertium process keeps about 1.5 cores
  busy by itself (its pipeline's stages overlap), so the notes also give the CPU floor: the
  raw processes' CPU time divided by the cores, which no schedule can beat.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import engines_bench  # noqa: E402
from postloc_steps import Site, cli_env  # noqa: E402
from results import Row, Target  # noqa: E402
from timing import (  # noqa: E402
    ConcurrentRun,
    ProcessRun,
    RawTask,
    child_answer,
    child_main,
    measure,
    run_concurrently,
    run_process,
)

import corpus  # noqa: E402
from postloc.files import atomic_write  # noqa: E402

LANGUAGES = ("en", "es", "ca", "eo")
RAW_PAIRS: dict[str, tuple[str, str | None]] = {
    "es": ("fr-es", None),
    "en": ("spa-eng", "es"),
    "ca": ("fra-cat", None),
    "eo": ("fr-eo", None),
}
"""The Apertium mode each language needs, and the language whose raw output it reads (en goes
fr→es→en: its floor is spa-eng over fr-es's output, the hop postloc runs)."""

TRANSLATE_TARGET = Target(1.15, True)
ARGOS_TARGET = Target(1.10, True)
SYNC_TARGET = Target(1.3, True)
RSS_TARGET = Target(300, False)


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def cores() -> int:
    """The cores postloc uses by default (``--jobs``), which the floor divides by."""
    from postloc.cli.options import default_jobs

    return default_jobs()


def site_texts(site: Site) -> list[str]:
    """The distinct non-blank msgids of the site's templates, in order: what the engines get."""
    import polib

    texts: dict[str, None] = {}
    for path in sorted(site.templates.glob("*.pot")):
        texts.update((e.msgid, None) for e in polib.pofile(str(path)) if e.msgid.strip())
    return list(texts)


def engine_document(texts: Sequence[str]) -> str:
    """``texts`` as postloc hands them to Apertium: the html rendering, one ``<p>`` each."""
    from postloc.mt.markup.protection import protect

    return "".join(
        f'<p id="s{n}">{protect(text, "html").engine_text}</p>\n' for n, text in enumerate(texts)
    )


def raw_apertium(mode: str, document: Path) -> ProcessRun:
    """One ``apertium -u -f html <mode>`` process over ``document``."""
    return run_process(raw_command(mode), stdin=document)


def raw_documents(site: Site, work: Path) -> dict[str, Path]:
    """Each language's raw input: the site's segments as postloc sends them, and for ``en``
    (fr→es→en) fr-es's raw output, the hop postloc runs (made once, here)."""
    work.mkdir(parents=True, exist_ok=True)
    french, spanish = work / "fr.html", work / "es.html"
    atomic_write(french, engine_document(site_texts(site)))
    atomic_write(spanish, raw_apertium("fr-es", french).stdout)
    return {
        lang: spanish if through == "es" else french for lang, (_mode, through) in RAW_PAIRS.items()
    }


def raw_tasks(documents: dict[str, Path], alone: dict[str, float]) -> list[RawTask]:
    """The raw processes of every pair sync runs, with their times alone (for the order)."""
    return [
        RawTask(mode, raw_command(mode), documents[lang], alone[lang], RAW_PAIRS[through][0])
        if through
        else RawTask(mode, raw_command(mode), documents[lang], alone[lang])
        for lang, (mode, through) in RAW_PAIRS.items()
    ]


def raw_command(mode: str) -> list[str]:
    return ["apertium", "-u", "-f", "html", mode]


def apertium_rows(args: argparse.Namespace, notes: list[str]) -> list[Row]:
    """Apertium ``translate`` against one raw process, the first full sync against the floors.

    Each repeat runs the raw processes and postloc back to back, so a change of load on a
    shared machine weighs on both sides of a ratio alike: raw fr-es, ``translate es``, the
    raw processes of every pair side by side on the cores (the measured floor), the sync.
    The other pairs' raw processes run alone in the first repeat only (the issue's row, sum
    ÷ cores), which keeps ``make bench`` within its time.
    """
    count, repeats, used = args.floor_posts, args.repeats, cores()
    say(f"floor: {count} posts × 4 languages, Apertium")
    site = Site(args.work / f"floor-{count}")
    shutil.rmtree(site.root, ignore_errors=True)
    site.root.mkdir(parents=True)
    site.configure(LANGUAGES, engine="apertium")
    material = corpus.load_material(REPO / "source_posts")
    posts = corpus.generate_corpus(material, count, seed=17)
    corpus.write_corpus(posts, site.posts)
    site.extract()
    texts = site_texts(site)
    documents = raw_documents(site, args.work / f"floor-{count}-raw")
    size = f"{count} posts, {len(texts)} segments"
    env = cli_env()
    raw: dict[str, list[ProcessRun]] = {lang: [] for lang in RAW_PAIRS}
    translated: list[float] = []
    together: list[ConcurrentRun] = []
    synced: list[ProcessRun] = []
    loads: list[float] = []
    for number in range(1, repeats + 1):
        say(f"floor: run {number} of {repeats}: raw fr-es, translate es, raw pairs, sync")
        loads.append(os.getloadavg()[0])
        raw["es"].append(raw_apertium(RAW_PAIRS["es"][0], documents["es"]))
        site.clear("locales/es", ".postloc")
        site.update(["es"])
        started = time.perf_counter()
        site.translate(["es"], "apertium", jobs=used)
        translated.append(time.perf_counter() - started)
        if number == 1:
            for lang in ("en", "ca", "eo"):
                raw[lang].append(raw_apertium(RAW_PAIRS[lang][0], documents[lang]))
        alone = {lang: statistics.median(run.seconds for run in runs) for lang, runs in raw.items()}
        together.append(run_concurrently(raw_tasks(documents, alone), used))
        site.clear("locales", "build", ".postloc")  # from nothing, as a first sync
        synced.append(run_process(site.cli("sync"), env=env))
    seconds = {lang: statistics.median(run.seconds for run in runs) for lang, runs in raw.items()}
    cpu = {lang: statistics.median(run.cpu_seconds for run in runs) for lang, runs in raw.items()}
    ours = statistics.median(translated)
    wall = statistics.median(run.seconds for run in synced)
    measured = statistics.median(run.seconds for run in together)
    peak = max(run.max_rss_mb for run in synced)
    raw_wall, raw_cpu = sum(seconds.values()), sum(cpu.values())
    floor, cpu_floor = raw_wall / used, raw_cpu / used
    rows = [
        Row(
            f"Apertium fr→es: translate ({size}, library, cold memory)",
            ours,
            "one raw `apertium -u -f html fr-es`",
            seconds["es"],
            TRANSLATE_TARGET,
        ),
        Row(
            f"first full sync, {count} posts × 4 languages, Apertium (CLI)",
            wall,
            f"raw Apertium, 4 pairs ÷ {used} cores",
            floor,
            SYNC_TARGET,
        ),
        Row(
            "first full sync (the row above)",
            wall,
            f"the same raw processes side by side on {used} workers (measured floor)",
            measured,
            SYNC_TARGET,
        ),
        Row(
            f"peak RSS of that sync ({count} posts × 4 languages)",
            peak,
            target=RSS_TARGET,
            unit="MB",
        ),
    ]
    pairs = ", ".join(
        f"{RAW_PAIRS[lang][0]} {seconds[lang]:.2f} s ({cpu[lang]:.1f} s CPU)" for lang in raw
    )
    sync_cpu = statistics.median(run.cpu_seconds for run in synced)
    side_by_side = "; ".join(
        f"{run.seconds:.1f} s ({run.cpu_seconds:.1f} s CPU; started "
        + ", ".join(f"{name} +{at:.1f}" for name, at in run.started.items())
        + ")"
        for run in together
    )
    notes += [
        f"Floor ({size}): raw `apertium -u -f html` per pair, alone ({repeats} run(s) of fr-es, "
        f"1 of the others): {pairs}; sum {raw_wall:.1f} s ÷ {used} cores = {floor:.1f} s. One "
        f"process keeps {raw_cpu / raw_wall:.1f} cores busy on average, so the CPU floor (raw "
        f"CPU time ÷ {used} cores) is {cpu_floor:.1f} s: the sync took {wall / cpu_floor:.2f}× "
        f"that ({sync_cpu:.1f} s CPU against the raw engines' {raw_cpu:.1f} s; runs "
        f"{', '.join(f'{run.seconds:.1f}' for run in synced)} s).",
        f"Measured floor: the same raw processes run side by side on {used} workers, longest "
        f"chain first, spa-eng after fr-es: {measured:.1f} s (runs {side_by_side}). The sync "
        f"took {wall / measured:.2f}× that. Load average (1 min) at the start of each run: "
        f"{', '.join(f'{load:.1f}' for load in loads)} on {os.cpu_count()} CPUs.",
        f"translate, es: {ours:.2f} s against the raw process's {seconds['es']:.2f} s (runs "
        f"{', '.join(f'{t:.2f}' for t in translated)} against "
        f"{', '.join(f'{run.seconds:.2f}' for run in raw['es'])}); --jobs {used}.",
    ]
    return rows


# --- Argos ---------------------------------------------------------------------------------


def argos_rows(args: argparse.Namespace, notes: list[str]) -> list[Row]:
    """The Argos comparison, measured in a confined child process."""
    count = args.floor_argos_posts
    say(f"floor: Argos base-sized model, {count} posts, translate against bare translate_batch")
    work = args.work / "argos"
    work.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        __file__,
        "argos-child",
        "--work",
        str(work),
        "--site",
        str(args.work / f"argos-floor-{count}"),
        "--posts",
        str(count),
        "--repeats",
        str(args.repeats),
    ]
    answer = child_answer(command, engines_bench.confined_env(work))
    name = f"Argos fr→en (base-sized model): translate ({count} posts, library, cold memory)"
    baseline = "bare CTranslate2 `translate_batch`"
    if "error" in answer:
        notes.append(f"Argos floor: {answer['error']}")
        return [Row(name, None, baseline, None, ARGOS_TARGET, note="not measured")]
    ours = statistics.median(answer["postloc"])
    bare = statistics.median(answer["bare"])
    notes.append(
        f"Argos floor: {answer['segments']} segments, {answer['sentences']} sentences; "
        f"postloc {ours:.2f} s (runs {', '.join(f'{t:.2f}' for t in answer['postloc'])}), bare "
        f"`translate_batch` {bare:.2f} s (runs {', '.join(f'{t:.2f}' for t in answer['bare'])}); "
        f"{answer['note']}"
    )
    return [Row(name, ours, baseline, bare, ARGOS_TARGET)]


def _argos_sentences(texts: Sequence[str]) -> list[str]:
    """The sentences the argos engine makes of ``texts`` (plain rendering, lines, sentences)."""
    from postloc.mt.engines.sentences import split_sentences
    from postloc.mt.markup.protection import protect

    sentences: list[str] = []
    for text in texts:
        core = protect(text, "plain").engine_text.strip()
        for line in core.split("\n"):
            sentences.extend(split_sentences(line, "fr") or [])
    return sentences


def _bare_translate_batch(package: Path, threads: int) -> Callable[[list[str]], list[str]]:
    """A bare CTranslate2 translation of sentences with argostranslate's decoding options."""
    import ctranslate2
    import sentencepiece

    from postloc.mt.engines.argos.engine import MAX_DECODING_TOKENS, MAX_INPUT_TOKENS

    pieces = sentencepiece.SentencePieceProcessor(model_file=str(package / "sentencepiece.model"))
    translator = ctranslate2.Translator(
        str(package / "model"),
        device="cpu",
        compute_type="int8",
        inter_threads=threads,
        intra_threads=1,
    )

    def translate(sentences: list[str]) -> list[str]:
        tokens = pieces.encode(sentences, out_type=str)
        longest = max(len(t) for t in tokens)
        results = translator.translate_batch(
            tokens,
            max_batch_size=16,
            batch_type="examples",
            beam_size=4,
            num_hypotheses=1,
            length_penalty=0.2,
            replace_unknowns=True,
            max_input_length=MAX_INPUT_TOKENS + 8,
            max_decoding_length=min(2 * longest + 10, MAX_DECODING_TOKENS),
        )
        return [pieces.decode(result.hypotheses[0]) for result in results]

    return translate


def _argos_child(work: Path, site_root: Path, count: int, repeats: int) -> dict[str, Any]:
    import os

    engines_bench.refuse_network()
    sys.path.insert(0, str(REPO / "tests"))
    try:
        from argos_tiny import build_base_sized_package, install_package
    except ImportError as exc:
        return {"error": f"tests/argos_tiny.py cannot build the bench model ({exc})"}
    from postloc.mt.engines.argos.engine import BATCHES_PER_CALL, ArgosEngine
    from postloc.mt.engines.argos.settings import ArgosSettings
    from postloc.mt.markup.protection import protect

    site = Site(site_root)
    shutil.rmtree(site.root, ignore_errors=True)
    site.root.mkdir(parents=True)
    site.configure(("en",), engine="argos")
    material = corpus.load_material(REPO / "source_posts")
    corpus.write_corpus(corpus.generate_corpus(material, count, seed=17), site.posts)
    site.extract()
    texts = site_texts(site)
    started = time.perf_counter()
    package_file = engines_bench.base_sized_package(work, build_base_sized_package, texts)
    package = install_package(package_file, Path(os.environ["ARGOS_PACKAGES_DIR"]))
    built = time.perf_counter() - started
    used = cores()
    engine = ArgosEngine(ArgosSettings())
    engine.use_cores(used)
    if ("fr", "en") not in engine.pairs():
        return {"error": "postloc's argos engine does not see the installed fr→en package"}

    def fresh() -> None:
        site.clear("locales/en", ".postloc")
        site.update(["en"])

    fresh()
    site.translate(["en"], "argos", jobs=used)  # loads the model, as the bare side does below
    ours = measure(lambda: site.translate(["en"], "argos", jobs=used), repeats, fresh)
    sentences = _argos_sentences(texts)
    bare = _bare_translate_batch(package, engine.threads()[0])
    bare(sentences[:4])
    theirs = measure(lambda: bare(sentences), repeats)
    plain = [protect(text, "plain").engine_text for text in texts]
    calls = len(engine.plan_calls(plain, "fr", "en"))
    return {
        "postloc": list(ours.runs),
        "bare": list(theirs.runs),
        "segments": len(texts),
        "sentences": len(sentences),
        "note": f"model ready in {built:.0f} s; both sides int8, {engine.threads()[0]} "
        f"batches in parallel × 1 thread (--jobs {used}), max_batch_size 16, beam 4; postloc "
        f"sent {calls} `translate_batch` call(s) of up to {16 * BATCHES_PER_CALL} sentences, "
        "the bare side one.",
    }


def main(argv: Sequence[str] | None = None) -> int:
    return child_main(
        argv,
        __doc__.splitlines()[0],
        {"site": Path, "posts": int, "repeats": int},
        lambda args: _argos_child(args.work, args.site, args.posts, args.repeats),
    )


if __name__ == "__main__":
    raise SystemExit(main())
