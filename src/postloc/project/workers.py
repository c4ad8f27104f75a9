"""Work spread over processes, one job per language (``--jobs``).

Engines hold no shared state and the translation memory is SQLite in WAL
mode, so languages can run side by side. Processes are spawned, not forked:
each child starts clean instead of copying the parent's threads and open handles.

Workers die with their parent. The parent holds the project lock and workers
write on its behalf, so a worker that outlived it (a SIGKILLed ``sync``) would
write without the lock, over whatever a person or the next run did meanwhile,
and would never exit (it holds its own job queue open). Three guards, because
each alone has a gap: the kernel kills a worker when its parent dies (Linux
``PR_SET_PDEATHSIG``; it fires on the death of the parent *thread* that spawned
the worker, which here lives as long as the pool); a watch thread ends a worker
whose parent changed (a parent that died before the first guard was set, other
systems); and every write first checks that the parent is still there
(:func:`postloc.files.guard_writes`).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Final, TypeVar

from postloc.files import guard_writes

Job = TypeVar("Job")
Result = TypeVar("Result")

ORPHAN_EXIT: Final = 70
"""Exit status of a worker that found its parent gone (nobody reads it: the parent is dead)."""

WATCH_SECONDS: Final = 0.2
"""How often a worker's watch thread checks that its parent is alive."""

_PR_SET_PDEATHSIG: Final = 1
"""``prctl`` option from ``<linux/prctl.h>``: the signal a process gets when its parent dies."""


def run_in_processes(
    work: Callable[[Job], Result], jobs: Sequence[Job], processes: int
) -> list[Result]:
    """``work`` over ``jobs`` in at most ``processes`` spawned processes; results in job order.

    ``work`` must be a module-level function and each job picklable.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=min(processes, len(jobs)),
        mp_context=context,
        initializer=bind_to_parent,
        initargs=(os.getpid(),),
    ) as pool:
        return list(pool.map(work, jobs))


def bind_to_parent(parent: int) -> None:
    """Worker initializer: die with ``parent``, and never write once it is gone."""
    _die_with_parent()

    def parent_alive() -> None:
        if os.getppid() != parent:  # reparented: the lock holder is dead
            os._exit(ORPHAN_EXIT)

    parent_alive()  # it may have died before the kernel was told to kill us with it
    guard_writes(parent_alive)
    threading.Thread(target=_watch, args=(parent_alive,), name="parent-watch", daemon=True).start()


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (elsewhere, the watch serves)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl (an unusual libc): the watch thread remains
        pass


def _watch(parent_alive: Callable[[], None]) -> None:
    while True:
        parent_alive()
        time.sleep(WATCH_SECONDS)
