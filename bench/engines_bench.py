"""MT throughput: postloc's batched engines against one call (or one process) per segment.

Two comparisons, as issue 3 asks, on the same paragraphs:

- Apertium fr→es: postloc's ``ApertiumEngine`` (every segment through one
  ``apertium`` process) against one ``apertium -u fr-es`` process per segment.
- Argos fr→en on a Transformer-base-sized random model (d=512, 6+6 layers,
  8 heads, ffn 2048, built by ``tests/argos_tiny.py``): postloc's
  ``ArgosEngine`` (batched ``translate_batch``) against
  ``argostranslate.translate.translate()`` once per segment. Both use int8,
  one inter- and one intra-op thread.

The Argos half runs in a child process (``python bench/engines_bench.py
argos-child``) whose ``HOME``, ``XDG_*`` and ``ARGOS_PACKAGES_DIR`` point into
``bench/work/``, with every socket connection refused, so argostranslate can
neither read the user's packages nor download anything.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
if importlib.util.find_spec("postloc") is None:
    sys.path.insert(0, str(REPO / "src"))

from timing import Timing, child_answer, child_main, measure  # noqa: E402

from postloc.files import atomic_write  # noqa: E402

ARGOS_THREADS = {
    "ARGOS_COMPUTE_TYPE": "int8",
    "ARGOS_INTER_THREADS": "1",
    "ARGOS_INTRA_THREADS": "1",
}


@dataclass(frozen=True, slots=True)
class EngineComparison:
    """postloc's batched run against the one-at-a-time baseline, on the same segments."""

    name: str
    """What was translated, e.g. ``Apertium fr→es, 500 segments``."""
    batched: Timing | None
    """postloc's engine, one batch (None: could not run, see ``note``)."""
    baseline: str
    """The baseline's description."""
    per_segment: Timing | None
    """The baseline's timing."""
    note: str = ""
    """Why something is missing."""


def _per_segment_apertium(segments: Sequence[str], mode: str) -> None:
    for text in segments:
        subprocess.run(
            ["apertium", "-u", mode], input=text, capture_output=True, text=True, check=True
        )


def apertium_bench(
    segments: Sequence[str], repeats: int, baseline_repeats: int
) -> EngineComparison:
    """postloc's ApertiumEngine (one process) vs one ``apertium`` process per segment, fr→es."""
    name = f"Apertium fr→es, {len(segments)} segments"
    baseline = "one `apertium` process per segment"
    try:
        from postloc.mt.engines.apertium import ApertiumEngine

        engine = ApertiumEngine()
        if ("fr", "es") not in engine.pairs():
            return EngineComparison(name, None, baseline, None, "apertium-fr-es not installed")
        engine.translate(list(segments[:1]), "fr", "es")
        batched = measure(lambda: engine.translate(list(segments), "fr", "es"), repeats)
    except ImportError as exc:
        return EngineComparison(name, None, baseline, None, f"postloc's apertium engine: {exc}")
    per_segment = measure(lambda: _per_segment_apertium(segments, "fr-es"), baseline_repeats)
    return EngineComparison(name, batched, baseline, per_segment)


def argos_bench(
    segments: Sequence[str], work: Path, repeats: int, baseline_repeats: int
) -> EngineComparison:
    """Run the Argos comparison in a confined child process and read its JSON answer."""
    name = f"Argos fr→en (base-sized random model), {len(segments)} segments"
    baseline = "`argostranslate.translate.translate()` per segment"
    work.mkdir(parents=True, exist_ok=True)
    atomic_write(work / "segments.json", json.dumps(list(segments), ensure_ascii=False))
    env = confined_env(work)
    env.update(ARGOS_THREADS)
    command = [
        sys.executable,
        __file__,
        "argos-child",
        "--work",
        str(work),
        "--repeats",
        str(repeats),
        "--baseline-repeats",
        str(baseline_repeats),
    ]
    answer = child_answer(command, env)
    if "error" in answer:
        return EngineComparison(name, None, baseline, None, answer["error"])
    return EngineComparison(
        name,
        Timing(tuple(answer["batched"])),
        baseline,
        Timing(tuple(answer["per_segment"])),
        answer.get("note", ""),
    )


def confined_env(work: Path) -> dict[str, str]:
    """This environment with ``HOME``, ``XDG_*`` and ``ARGOS_PACKAGES_DIR`` below ``work/env``:
    argostranslate can neither read the user's packages nor write outside the bench."""
    env = dict(os.environ)
    for key in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[key] = str(work / "env" / key.lower())
        Path(env[key]).mkdir(parents=True, exist_ok=True)
    env["ARGOS_PACKAGES_DIR"] = str(work / "env" / "packages")
    return env


# --- the child process ------------------------------------------------------------------


def refuse_network() -> None:
    """Any connection attempt raises: the benchmark proves argostranslate stays offline."""

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError("network access attempted during the Argos benchmark")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.getaddrinfo = refuse
    socket.create_connection = refuse


def base_sized_package(work: Path, build: Any, lines: list[str]) -> Path:
    """The fr→en base-sized package, rebuilt only when ``tests/argos_tiny.py`` changed."""
    stamp = hashlib.sha256((REPO / "tests" / "argos_tiny.py").read_bytes()).hexdigest()
    stamp_file = work / "base-model.stamp"
    package = work / "translate-fr_en-1_0.argosmodel"
    if package.exists() and stamp_file.exists() and stamp_file.read_text("utf-8") == stamp:
        return package
    package = Path(build(work, "fr", "en", sp_lines=lines))
    atomic_write(stamp_file, stamp)
    return package


def _argos_child(work: Path, repeats: int, baseline_repeats: int) -> dict[str, Any]:
    refuse_network()
    sys.path.insert(0, str(REPO / "tests"))
    sys.path.insert(0, str(REPO / "src"))
    segments: list[str] = json.loads((work / "segments.json").read_text("utf-8"))
    try:
        from argos_tiny import build_base_sized_package, install_package
    except ImportError as exc:
        return {"error": f"tests/argos_tiny.py has no base-sized builder yet ({exc})"}
    try:
        from postloc.mt.engines.argos.engine import ArgosEngine
        from postloc.mt.engines.argos.settings import ArgosSettings
    except ImportError as exc:
        return {"error": f"postloc's argos engine is not available ({exc})"}
    started = time.perf_counter()
    package = base_sized_package(work, build_base_sized_package, segments)
    packages_dir = Path(os.environ["ARGOS_PACKAGES_DIR"])
    install_package(package, packages_dir)
    built = time.perf_counter() - started
    settings = ArgosSettings(compute_type="int8")  # postloc's defaults: a batch per core
    engine = ArgosEngine(settings, packages_dir=packages_dir)
    if ("fr", "en") not in engine.pairs():
        return {"error": "postloc's ArgosEngine does not see the installed fr→en package"}
    engine.translate(segments[:1], "fr", "en")
    outputs: list[str] = []
    batched = measure(lambda: outputs.extend(engine.translate(segments, "fr", "en")), repeats)
    import argostranslate.translate as argos_translate

    argos_translate.translate(segments[0], "fr", "en")
    per_segment = measure(
        lambda: [argos_translate.translate(text, "fr", "en") for text in segments],
        baseline_repeats,
    )
    return {
        "batched": list(batched.runs),
        "per_segment": list(per_segment.runs),
        "note": f"model ready in {built:.0f} s (built, or reused from {work.name}/); "
        f"{len(outputs) // max(repeats, 1)} outputs per batched run; postloc with its default "
        f"settings ({engine.threads()[0]} batches in parallel × {engine.threads()[1]} "
        f"thread, max_batch_size {settings.max_batch_size}); argostranslate per call with 1 "
        "thread, its fastest setting here (its default intra_threads 0 was 4.5× slower)",
    }


def main(argv: Sequence[str] | None = None) -> int:
    return child_main(
        argv,
        __doc__.splitlines()[0],
        {"repeats": int, "baseline-repeats": int},
        lambda args: _argos_child(args.work, args.repeats, args.baseline_repeats),
    )


if __name__ == "__main__":
    raise SystemExit(main())
