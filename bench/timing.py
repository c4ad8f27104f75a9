"""Wall-clock medians and per-child peak memory, the two measures ``make bench`` reports.

Every figure of the benchmark is a median of a few runs on the same input;
``prepare`` resets that input before each run and is not timed. Child
processes are reaped with :func:`os.wait4` so the peak RSS belongs to that
child alone (``RUSAGE_CHILDREN`` would mix in every earlier child).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


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
