"""``[engines.argos]``: CTranslate2 knobs, importable without the engine (config reads them)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def default_inter_threads() -> int:
    """One decoding batch per available core, at most 4."""
    return max(1, min(4, len(os.sched_getaffinity(0))))


@dataclass(frozen=True, slots=True)
class ArgosSettings:
    """CTranslate2 knobs for the argos engine (``[engines.argos]``)."""

    compute_type: str = "int8"
    """CTranslate2 compute type; int8 is Argos's own choice on CPU."""
    inter_threads: int = field(default_factory=default_inter_threads)
    """Batches decoded in parallel: one per core (at most 4). Measured here on a
    Transformer-base model: 2 batches × 1 thread was 1.9× faster than 1 × 1, while
    one batch with 2 threads (or CTranslate2's own pick, 0) was slower still."""
    intra_threads: int = 1
    """Threads per batch (0 lets CTranslate2 pick)."""
    max_batch_size: int = 16
    """Examples per ``translate_batch`` chunk; 8–16 beat 32 and 64 here (less padding)."""
    beam_size: int = 4
    """Beam width, as argostranslate uses."""
