"""An opt-in timing trace of a run (``POSTLOC_TRACE=1``): where the wall time and the CPU go.

A sync keeps two cores busy with engine processes, worker processes and its own thread; when
it is slower than its engines, the question is which of them left a core idle. With
``POSTLOC_TRACE`` set, every phase and every engine call logs a start and an end line on
the ``postloc.trace`` logger (to stderr unless a handler is configured), from every process
of the run, on one clock:

    postloc-trace t=12.345 pid=4242 cpu=3.21 children=10.20 end call pair=fr→es texts=1867 …

``t`` is seconds since the run's first process started tracing (worker processes inherit the
origin through the environment), ``cpu`` this process's own CPU seconds, ``children`` those of
the child processes it has waited for (engine processes); an end line adds ``seconds``. Off, a
span costs one dictionary lookup. ``bench/trace_report.py`` turns a trace into a timeline.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Iterator
from typing import Final

TRACE_ENV: Final = "POSTLOC_TRACE"
"""Set (to anything but ``""`` or ``0``) to trace a run."""

ORIGIN_ENV: Final = "POSTLOC_TRACE_ORIGIN"
"""The run's clock origin (``time.time()`` of its first traced process), inherited by workers."""

logger = logging.getLogger("postloc.trace")


def enabled() -> bool:
    """Whether this run is traced (the environment says so)."""
    return os.environ.get(TRACE_ENV, "") not in ("", "0")


def _origin() -> float:
    origin = os.environ.get(ORIGIN_ENV)
    if origin is None:
        origin = repr(time.time())
        os.environ[ORIGIN_ENV] = origin
    return float(origin)


def _emit(kind: str, what: str, fields: dict[str, object]) -> None:
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    times = os.times()
    parts = [
        f"t={time.time() - _origin():.3f}",
        f"pid={os.getpid()}",
        f"cpu={times.user + times.system:.2f}",
        f"children={times.children_user + times.children_system:.2f}",
        kind,
        what,
        *(f"{key}={value}" for key, value in fields.items()),
    ]
    logger.info("postloc-trace %s", " ".join(parts))


def event(what: str, **fields: object) -> None:
    """One moment of the run (a language's drafts all in the memory, a job submitted)."""
    if enabled():
        _emit("at", what, fields)


@contextlib.contextmanager
def span(what: str, **fields: object) -> Iterator[None]:
    """A phase of the run: a start line, then an end line with its wall seconds."""
    if not enabled():
        yield
        return
    _emit("start", what, fields)
    started = time.perf_counter()
    try:
        yield
    finally:
        _emit("end", what, {**fields, "seconds": f"{time.perf_counter() - started:.3f}"})
