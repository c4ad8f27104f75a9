"""Work spread over processes, one job per language (``--jobs``).

Engines hold no shared state and the translation memory is SQLite in WAL
mode, so languages can run side by side. Processes are spawned, not forked:
each child starts clean instead of copying the parent's threads and open handles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")


def run_in_processes(
    work: Callable[[Job], Result], jobs: Sequence[Job], processes: int
) -> list[Result]:
    """``work`` over ``jobs`` in at most ``processes`` spawned processes; results in job order.

    ``work`` must be a module-level function and each job picklable.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(processes, len(jobs)), mp_context=context) as pool:
        return list(pool.map(work, jobs))
