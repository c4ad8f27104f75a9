"""``[engines.argos]``: CTranslate2 knobs, importable without the engine (config reads them)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_AUTO_INTER_THREADS = 4
"""Most batches decoded in parallel when ``inter_threads`` is left to postloc."""


@dataclass(frozen=True, slots=True)
class ArgosSettings:
    """CTranslate2 knobs for the argos engine (``[engines.argos]``)."""

    compute_type: str = "int8"
    """CTranslate2 compute type; int8 is Argos's own choice on CPU."""
    inter_threads: int = 0
    """Batches decoded in parallel; 0 (the default): one per core the run may use (``--jobs``,
    at most 4), so a translate call keeps the run's cores busy and no more. Measured here on a
    Transformer-base model: 2 batches × 1 thread was 1.9× faster than 1 × 1, while one batch
    with 2 threads (or CTranslate2's own pick for intra_threads, 0) was slower still."""
    intra_threads: int = 1
    """Threads per batch (0 lets CTranslate2 pick)."""
    max_batch_size: int = 16
    """Examples per ``translate_batch`` chunk; 8–16 beat 32 and 64 here (less padding)."""
    beam_size: int = 4
    """Beam width, as argostranslate uses."""
