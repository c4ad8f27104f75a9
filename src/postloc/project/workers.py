"""Work spread over processes (``sync --jobs``: merging and exporting a language per job).

Machine translation itself needs no process of its own: engine calls wait on a process, a
native library or a server, and run side by side in threads
(:class:`postloc.mt.streams.Streams`). The Python work around them (merging catalogues,
exporting posts) does, one job per language. The translation memory is SQLite in WAL mode, so
languages can run side by side. Processes are spawned, not forked: each child starts clean
instead of copying the parent's threads and open handles.

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
from types import TracebackType
from typing import TYPE_CHECKING, Final, TypeVar

from postloc.files import guard_writes

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

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
    with WorkerPool(min(processes, len(jobs))) as pool:
        return pool.map(work, jobs)


class WorkerPool:
    """Spawned workers kept for several rounds of work (a sync's phases), started on first use.

    The workers stay alive between rounds, bound to this process like every worker
    (:func:`bind_to_parent`); leaving the ``with`` block ends them.
    """

    def __init__(self, processes: int) -> None:
        self.processes = max(1, processes)
        self._pool: ProcessPoolExecutor | None = None

    def map(self, work: Callable[[Job], Result], jobs: Sequence[Job]) -> list[Result]:
        """``work`` over ``jobs`` in the workers; results in job order."""
        if not jobs:
            return []
        return list(self._started().map(work, jobs))

    def submit(self, work: Callable[[Job], Result], job: Job) -> Future[Result]:
        """``work(job)`` in a worker, without waiting for it (this process goes on meanwhile)."""
        return self._started().submit(work, job)

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=bind_to_parent,
                initargs=(os.getpid(),),
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


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
