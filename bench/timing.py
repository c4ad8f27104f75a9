"""Wall-clock medians, per-child peak memory and CPU, and the floors ``make bench`` reports.

Every figure of the benchmark is a median of a few runs on the same input;
``prepare`` resets that input before each run and is not timed. Child
processes are reaped with :func:`os.wait4` so the peak RSS belongs to that
child alone (``RUSAGE_CHILDREN`` would mix in every earlier child).
:func:`run_concurrently` is a measured floor: raw processes on a number of workers, as a
perfect scheduler of whole processes would run them. :func:`child_answer` and
:func:`child_main` run a measurement in a confined child process that answers in JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Timing:
    """Seconds taken by each run of one measured action."""

    runs: tuple[float, ...]
    """Wall-clock seconds, in run order."""

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


@dataclass(frozen=True, slots=True)
class ProcessRun:
    """One finished child process."""

    seconds: float
    """Wall-clock time from spawn to exit."""
    max_rss_mb: float
    """Peak resident set size of the child, in MiB."""
    cpu_seconds: float
    """User and system CPU time of the child and the children it waited for."""
    returncode: int
    """Exit status (negative: killed by that signal)."""
    stdout: str
    """Everything it printed."""
    stderr: str
    """Everything it printed on stderr."""


class ProcessFailed(RuntimeError):
    """A benchmarked command exited non-zero: its figures would be meaningless."""


def measure(
    action: Callable[[], object], repeats: int, prepare: Callable[[], object] | None = None
) -> Timing:
    """Run ``action`` ``repeats`` times (``prepare`` before each, untimed)."""
    runs: list[float] = []
    for _ in range(repeats):
        if prepare is not None:
            prepare()
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return Timing(tuple(runs))


def run_process(
    command: Sequence[str | os.PathLike[str]],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    stdin: Path | None = None,
) -> ProcessRun:
    """Run a command to completion (``stdin`` read from that file), with its wall time, CPU
    time and its own peak RSS."""
    with contextlib.ExitStack() as files:
        out = files.enter_context(tempfile.TemporaryFile())
        err = files.enter_context(tempfile.TemporaryFile())
        source = files.enter_context(open(stdin, "rb")) if stdin else subprocess.DEVNULL
        start = time.perf_counter()
        child = subprocess.Popen(
            [str(c) for c in command],
            cwd=cwd,
            env=None if env is None else dict(env),
            stdin=source,
            stdout=out,
            stderr=err,
        )
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = ProcessRun(
            seconds,
            usage.ru_maxrss / 1024,
            usage.ru_utime + usage.ru_stime,
            child.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )
    if check and result.returncode != 0:
        shown = " ".join(str(c) for c in command)
        raise ProcessFailed(f"{shown} exited {result.returncode}: {result.stderr.strip()[-2000:]}")
    return result


def run_all(
    commands: Sequence[Sequence[str | os.PathLike[str]]],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> None:
    """Run commands one after the other (a per-file tool over a site); stop at the first error."""
    for command in commands:
        run_process(command, cwd=cwd, env=env)


@dataclass(frozen=True, slots=True)
class RawTask:
    """One raw process of a measured floor."""

    name: str
    """What it is (``fra-cat``)."""
    command: Sequence[str]
    """The command line."""
    stdin: Path
    """The file it reads."""
    estimate: float
    """Its time run alone (the order of a longest-first schedule)."""
    after: str | None = None
    """The task whose end it waits for (a pivot's second hop reads the first's output)."""


@dataclass(frozen=True, slots=True)
class ConcurrentRun:
    """Raw processes run side by side: the whole wall time, and each process."""

    seconds: float
    """From the first start to the last end."""
    runs: Mapping[str, ProcessRun]
    """Each task's own run, by name."""
    started: Mapping[str, float]
    """When each task started, seconds after the first."""

    @property
    def cpu_seconds(self) -> float:
        return sum(run.cpu_seconds for run in self.runs.values())


def run_concurrently(tasks: Sequence[RawTask], workers: int) -> ConcurrentRun:
    """Run ``tasks`` on ``workers`` slots, each started as soon as a slot is free and the task
    it follows has ended, the one with the longest chain of work left (its estimate plus that
    of the tasks following it) first: what a perfect scheduler of whole processes achieves on
    this machine, the floor a sync of the same engine work is measured against."""
    names = {task.name for task in tasks}
    if any(task.after is not None and task.after not in names for task in tasks):
        raise ValueError("a task follows a task that is not in the run")

    def chain(task: RawTask) -> float:
        return task.estimate + max(
            (chain(other) for other in tasks if other.after == task.name), default=0.0
        )

    waiting = sorted(tasks, key=lambda task: -chain(task))
    runs: dict[str, ProcessRun] = {}
    started: dict[str, float] = {}
    running: dict[Future[ProcessRun], RawTask] = {}
    origin = time.perf_counter()
    with ThreadPoolExecutor(max(1, workers)) as pool:
        while waiting or running:
            for task in [task for task in waiting if task.after in (None, *runs)]:
                if len(running) == workers:
                    break
                waiting.remove(task)
                started[task.name] = time.perf_counter() - origin
                future = pool.submit(run_process, task.command, stdin=task.stdin)
                running[future] = task
            done, _pending = wait(list(running), return_when=FIRST_COMPLETED)
            for future in done:
                runs[running.pop(future).name] = future.result()
    return ConcurrentRun(time.perf_counter() - origin, runs, started)


def child_answer(command: Sequence[str], env: Mapping[str, str]) -> dict[str, Any]:
    """Run a measurement child (:func:`child_main`) and read its JSON answer; a child that
    failed answers ``{"error": its last line}``."""
    done = run_process(command, env=env, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"child failed: {last}"}
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def child_main(
    argv: Sequence[str] | None,
    description: str,
    options: Mapping[str, type],
    measure_in_child: Callable[[argparse.Namespace], dict[str, Any]],
) -> int:
    """The ``argos-child`` command of a bench module: ``--work`` and ``options`` (name →
    type, all required but ``--repeats``-like ones given defaults by the caller), the answer
    printed as one JSON line for :func:`child_answer`."""
    parser = argparse.ArgumentParser(description=description)
    sub = parser.add_subparsers(dest="command", required=True)
    child = sub.add_parser("argos-child", help="(internal) the confined Argos measurement")
    child.add_argument("--work", type=Path, required=True)
    for name, kind in options.items():
        child.add_argument(f"--{name}", type=kind, required=True)
    args = parser.parse_args(argv)
    print(json.dumps(measure_in_child(args)))
    sys.stdout.flush()
    return 0
