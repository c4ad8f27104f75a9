"""``make bench``: the same 500 segments through one LibreTranslate server, then through two.

Prints both times and their ratio (the speed-up a second replica brings). Each server is held
to ``--threads`` CTranslate2 threads (``ARGOS_INTRA_THREADS``), standing in for a replica on
its own machine of that many cores; on a machine with fewer free cores than the servers use,
the ratio shows the contention, not the pool. The servers are the tests' real LibreTranslate
(see ``tests/libretranslate_pool.py``), with tiny random-weight Argos packages by default or
Transformer-base-sized ones (``--model base``) whose cost is that of real models.

    python bench/libretranslate_bench.py [--segments 500] [--repeat 3] [--model tiny|base]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

import argos_tiny  # noqa: E402
from libretranslate_pool import PAIRS, LTPool, ensure_venv, sample_segments  # noqa: E402
from postloc.mt.engines.libretranslate.pool import LibreTranslateEngine  # noqa: E402
from postloc.mt.engines.libretranslate.settings import LibreTranslateSettings  # noqa: E402


def best_time(urls: list[str], texts: list[str], repeat: int, batch_size: int) -> float:
    """Fastest of ``repeat`` runs (the least disturbed by the other users of the machine)."""
    settings = LibreTranslateSettings(
        urls=tuple(urls), batch_size=batch_size, concurrency=2 * len(urls), timeout=600.0
    )
    engine = LibreTranslateEngine(settings)
    for url in urls:  # load the model on every server before timing
        LibreTranslateEngine(LibreTranslateSettings(urls=(url,))).translate(["x"], "fr", "en")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        outputs = engine.translate(texts, "fr", "en")
        times.append(time.perf_counter() - started)
        assert len(outputs) == len(texts)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model", choices=("tiny", "base"), default="tiny")
    parser.add_argument("--threads", type=int, default=1, help="CTranslate2 threads per server")
    parser.add_argument("--batch-size", type=int, default=16)
    options = parser.parse_args()

    venv = ensure_venv()
    with tempfile.TemporaryDirectory(prefix="postloc-lt-bench-") as folder:
        pool = LTPool(Path(folder), venv)
        build = (
            argos_tiny.build_tiny_package
            if options.model == "tiny"
            else argos_tiny.build_base_sized_package
        )
        pool.install_packages([build(pool.root / "packages", s, t) for s, t in PAIRS])
        pool.extra_env = {"ARGOS_INTRA_THREADS": str(options.threads)}
        try:
            first, second = pool.start(2)
            texts = sample_segments(options.segments)
            one = best_time([first.url], texts, options.repeat, options.batch_size)
            two = best_time([first.url, second.url], texts, options.repeat, options.batch_size)
        finally:
            pool.stop_all()
    print(
        f"libretranslate ({options.model} model, {options.segments} segments, "
        f"{options.threads} thread(s) per server, {os.cpu_count()} CPUs here): "
        f"one server {one:.2f} s, two servers {two:.2f} s, ratio {one / two:.2f}x"
    )


if __name__ == "__main__":
    main()
