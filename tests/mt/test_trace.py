"""The opt-in timing trace: nothing unless ``POSTLOC_TRACE`` is set, then start and end lines
on one clock that worker processes inherit."""

from __future__ import annotations

import time

import pytest

from postloc.mt import trace


def traced(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "postloc.trace"]


@pytest.mark.parametrize("value", ["", "0"])
def test_off_a_span_logs_nothing(
    value: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(trace.TRACE_ENV, value)
    with caplog.at_level("INFO", logger="postloc.trace"), trace.span("merge", lang="en"):
        trace.event("drafted")
    assert traced(caplog) == []


def test_a_span_logs_its_start_and_its_end_with_the_seconds_between(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(trace.TRACE_ENV, "1")
    monkeypatch.setenv(trace.ORIGIN_ENV, repr(time.time() - 100))  # a worker's inherited clock
    with caplog.at_level("INFO", logger="postloc.trace"), trace.span("call", pair="fr→es"):
        time.sleep(0.05)
    start, end = (line.split() for line in traced(caplog))
    assert start[5:] == ["start", "call", "pair=fr→es"]
    assert end[5:8] == ["end", "call", "pair=fr→es"]
    assert float(end[8].removeprefix("seconds=")) >= 0.05
    assert 100 <= float(start[1].removeprefix("t=")) < 110  # seconds since the run's origin
    assert {part.split("=")[0] for part in start[1:5]} == {"t", "pid", "cpu", "children"}


def test_the_first_traced_process_sets_the_origin_its_workers_inherit(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import os

    monkeypatch.setenv(trace.TRACE_ENV, "1")
    monkeypatch.setenv(trace.ORIGIN_ENV, "0")  # so that monkeypatch restores its absence
    monkeypatch.delenv(trace.ORIGIN_ENV)
    with caplog.at_level("INFO", logger="postloc.trace"):
        trace.event("sync done")
    assert abs(float(os.environ[trace.ORIGIN_ENV]) - time.time()) < 5
    assert traced(caplog)[0].split()[5:] == ["at", "sync", "done"]
