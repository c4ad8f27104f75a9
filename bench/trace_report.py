"""A ``POSTLOC_TRACE`` log as a timeline: each span, and how long the cores waited.

Usage: ``POSTLOC_TRACE=1 postloc sync 2> trace.log; python bench/trace_report.py trace.log
[--jobs N]``. Prints every span that ended (start, end, seconds, process, what), then how much
of the engine phase had fewer than ``--jobs`` engine calls running: the time a core could have
spent on an engine and did not (landing, planning, a pivot waiting for its first hop), and the
time before the first call and after the last one (merging, finishing).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

_LINE = re.compile(r"postloc-trace t=(?P<t>[\d.-]+) pid=(?P<pid>\d+) \S+ \S+ (?P<rest>.*)")


@dataclass(frozen=True, slots=True)
class Span:
    """One traced phase or call."""

    start: float
    end: float
    pid: int
    what: str


def spans(lines: Iterable[str]) -> list[Span]:
    """The spans of a trace: each end line paired with its start (ends carry ``seconds``)."""
    found = []
    for line in lines:
        match = _LINE.search(line)
        if match is None:
            continue
        kind, _, rest = match["rest"].partition(" ")
        if kind != "end":
            continue
        fields = rest.split()
        seconds = float(fields[-1].removeprefix("seconds="))
        end = float(match["t"])
        found.append(Span(end - seconds, end, int(match["pid"]), " ".join(fields[:-1])))
    return sorted(found, key=lambda span: span.start)


def short_slots(calls: Sequence[Span], jobs: int) -> float:
    """Seconds between the first call's start and the last call's end with fewer than
    ``jobs`` calls running, weighted by the free slots (one idle slot for 2 s counts 2 s)."""
    if not calls:
        return 0.0
    moments = sorted([(c.start, 1) for c in calls] + [(c.end, -1) for c in calls])
    idle, running, last = 0.0, 0, moments[0][0]
    for moment, change in moments:
        idle += max(0, jobs - running) * (moment - last)
        running += change
        last = moment
    return idle


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trace", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    found = spans(args.trace.read_text(encoding="utf-8").splitlines())
    for span in found:
        duration = span.end - span.start
        print(f"{span.start:8.2f} {span.end:8.2f} {duration:7.2f}  {span.pid:>7}  {span.what}")
    calls = [span for span in found if span.what.startswith("call ")]
    if calls:
        first, last = min(c.start for c in calls), max(c.end for c in calls)
        end = max(span.end for span in found)
        print(
            f"engine calls: {len(calls)}, from {first:.2f} to {last:.2f} s; slot-seconds "
            f"with no call (of {args.jobs}): {short_slots(calls, args.jobs):.2f}; before the "
            f"first call {first:.2f} s, after the last {end - last:.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
