"""Crash safety: a killed, interrupted or failing run keeps its finished work, and the lock.

A killed ``--jobs`` run leaves no worker behind to write without the lock, and a write the
kernel refuses (a file size limit standing in for a full disk) is one line naming the file.

The subprocess tests run the real CLI (``python -m postloc``) against a
project big enough to need many engine batches, slowed down with
``POSTLOC_PSEUDO_DELAY``, and stop it once the translation memory holds some
but not all of the work.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import polib
import pytest

from helpers import LANGS, REPO, french_posts, make_project, run, snapshot
from postloc.mt.engines import pseudo
from postloc.mt.engines.pseudo import PseudoEngine
from postloc.mt.translator import BATCH_SIZE
from postloc.po.state import entry_state

POSTS, PARAGRAPHS = 6, 40
DELAY = "0.2"
"""Seconds per engine batch in the slowed-down subprocess."""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with templates and empty catalogues, ready for ``translate``."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # after the posts' date
    monkeypatch.delenv("POSTLOC_PSEUDO_DELAY", raising=False)
    root = make_project(tmp_path / "proj", posts=french_posts(POSTS, PARAGRAPHS))
    for stage in ("extract", "update"):
        result = run(root, stage)
        assert result.exit_code == 0, result.stderr
    return root


def pending_texts(root: Path) -> int:
    """Distinct non-blank msgids over all templates, times the languages: the engine's work."""
    texts = {
        entry.msgid
        for path in (root / "locales/templates").glob("*.pot")
        for entry in polib.pofile(str(path))
        if entry.msgid.strip()
    }
    return len(texts) * len(LANGS)


def memory_rows(root: Path) -> int:
    """Rows in the translation memory (0 while it does not exist yet)."""
    path = root / ".postloc" / "tm.sqlite3"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            return int(db.execute("SELECT COUNT(*) FROM tm").fetchone()[0])
    except sqlite3.OperationalError:  # created but no table yet
        return 0


def _default_sigint() -> None:
    """Give the child Ctrl-C back: a background job (``make test &``) or a pytest-xdist worker
    ignores SIGINT, children inherit that, and Python then installs no KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


RUN_MARK = "POSTLOC_TEST_RUN"
"""Environment variable ``start`` sets to a fresh token: every process of that run (the CLI,
its ``--jobs`` workers, their helpers) inherits it, so ``/proc`` tells which are still alive."""


def start(
    root: Path, *args: str, delay: str = DELAY, mark: str = "", max_file_size: int = 0
) -> subprocess.Popen[str]:
    """The CLI in a subprocess; ``max_file_size`` > 0 makes the kernel refuse any write
    past that many bytes in a file (``RLIMIT_FSIZE``: EFBIG, SIGXFSZ ignored)."""

    def prepare() -> None:
        _default_sigint()
        if max_file_size:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_size, max_file_size))

    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "POSTLOC_PSEUDO_DELAY": delay,
        RUN_MARK: mark or uuid.uuid4().hex,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "postloc", *args],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=prepare,
    )


def marked_processes(mark: str) -> list[int]:
    """Live processes whose environment carries ``RUN_MARK=mark`` (zombies show none)."""
    needle = f"\0{RUN_MARK}={mark}\0".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if needle in b"\0" + environ:
            found.append(int(entry.name))
    return found


def survivors(mark: str, grace: float = 5.0) -> list[int]:
    """The marked processes still alive after ``grace`` seconds (the kernel delivers a
    parent-death signal at once; the grace is for a loaded machine)."""
    deadline = time.monotonic() + grace
    while (alive := marked_processes(mark)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def kill_marked(mark: str) -> None:
    """Clean up after a failing test: SIGKILL the processes of this run, by pid."""
    for pid in marked_processes(mark):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def tree_state(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root``, ``.postloc/`` included, with its bytes and mtime."""
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def wait_for_rows(
    root: Path, process: subprocess.Popen[str], below: int, at_least: int = 1, timeout: float = 60
) -> int:
    """Poll the memory until it holds ``at_least`` rows but fewer than ``below``; return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = memory_rows(root)
        assert rows < below, "the run finished before it could be stopped midway"
        if rows >= at_least:
            return rows
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    raise AssertionError("the run did not get far enough in time")


def catalogues(root: Path) -> list[Path]:
    return sorted((root / "locales").rglob("*.po"))


TEMP_NAME = re.compile(r"\.(.+)\.[A-Za-z0-9_]{8}\.tmp")
"""What ``atomic_write`` names a temp file: ``.<target name>.<random>.tmp``."""


def temp_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob(".*") if p.is_file() and ".postloc" not in p.parts)


def assert_catalogues_intact(root: Path, killed: bool = False, writers: int = 1) -> None:
    """Every .po and .pot parses with polib and passes ``msgfmt --check``; no temp files left.

    A SIGKILL cannot be caught: when it lands inside ``atomic_write`` (between
    creating it and the rename) the temp file stays. ``killed`` allows exactly
    those (one per process that ``writers`` says was writing), hidden files named
    after a catalogue, never a truncated catalogue; sweeping them on the next run
    is pinned by ``test_next_run_sweeps_stale_temp_files``.
    """
    files = [*catalogues(root), *sorted((root / "locales").rglob("*.pot"))]
    assert len(files) == POSTS * (len(LANGS) + 1)
    for path in files:
        polib.pofile(str(path))
        done = subprocess.run(
            ["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True
        )
        assert done.returncode == 0, f"{path}: {done.stderr}"
    leftovers = temp_files(root)
    if killed:
        assert len(leftovers) <= writers, leftovers  # one write at a time per process
        for path in leftovers:
            match = TEMP_NAME.fullmatch(path.name)
            assert match and match[1].endswith((".po", ".pot")), path
    else:
        assert leftovers == []


def drafted(path: Path) -> tuple[int, int]:
    """(entries with a machine draft, active entries) of one catalogue."""
    entries = [e for e in polib.pofile(str(path)) if not e.obsolete]
    return sum(entry_state(e) == "machine" for e in entries), len(entries)


def translate_json(root: Path) -> dict[str, int]:
    result = run(root, "translate", "--json")
    assert result.exit_code == 0, result.stderr
    report: dict[str, int] = json.loads(result.stdout)
    return report


def assert_rerun_finishes_the_rest(
    root: Path, total: int, killed: bool = False, writers: int = 1
) -> None:
    """The rerun sends exactly the texts the memory lacked, and leaves nothing untranslated."""
    held = memory_rows(root)
    assert 0 < held < total
    report = translate_json(root)
    assert report["engine_segments"] == total - held
    assert memory_rows(root) == total
    for path in catalogues(root):
        done, entries = drafted(path)
        assert done == entries > 0, path
    assert_catalogues_intact(root, killed, writers)


def test_project_needs_many_batches(project: Path) -> None:
    """Guards the crash tests' premise: several batches per language."""
    assert pending_texts(project) >= 3 * BATCH_SIZE * len(LANGS)


@pytest.mark.parametrize("jobs", [1, 2])
def test_sigkill_midway_leaves_parsable_catalogues_and_resumes(project: Path, jobs: int) -> None:
    total = pending_texts(project)
    mark = uuid.uuid4().hex
    process = start(project, "translate", "--jobs", str(jobs), mark=mark)
    try:
        # Half-way: some catalogues of a later language are being finished and saved.
        wait_for_rows(project, process, total, at_least=total // 2)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)  # not communicate(): an orphan would hold its pipes open
        assert survivors(mark) == [], "a process of the killed run outlived it"
    finally:
        process.kill()
        kill_marked(mark)
        process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert_catalogues_intact(project, killed=True, writers=jobs)
    assert_rerun_finishes_the_rest(project, total, killed=True, writers=jobs)


def test_sigkill_of_a_parallel_sync_leaves_no_worker_writing(project: Path) -> None:
    """``sync --jobs 2`` killed midway: its workers die with it and write nothing after.

    Before, the workers went on without the lock (and never exited): a reviewer's
    ``merge-review`` done after the kill was overwritten by an orphan's catalogue.
    """
    total = pending_texts(project)
    mark = uuid.uuid4().hex
    process = start(project, "sync", "--jobs", "2", mark=mark)
    try:
        wait_for_rows(project, process, total, at_least=total // 4)
        assert len(marked_processes(mark)) >= 3, "expected the CLI and two workers"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)  # not communicate(): an orphan would hold its pipes open
        assert survivors(mark) == [], "a worker outlived the killed sync"
        before = tree_state(project)
        time.sleep(2)
        assert tree_state(project) == before, "something wrote to the project after the kill"
    finally:
        process.kill()
        kill_marked(mark)
        process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def test_ctrl_c_midway_saves_finished_catalogues_and_resumes(project: Path) -> None:
    total = pending_texts(project)
    per_language = total // len(LANGS)
    process = start(project, "translate")
    try:
        # Past the first language, so at least its catalogues were finished and saved.
        wait_for_rows(project, process, total, at_least=per_language + BATCH_SIZE)
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert err.strip().splitlines() == ["postloc: error: interrupted; finished work was saved"]
    assert_catalogues_intact(project)
    first = project / "locales" / LANGS[0] / "LC_MESSAGES"
    for path in sorted(first.glob("*.po")):
        done, entries = drafted(path)
        assert done == entries, f"{path} was finished before Ctrl-C but not saved"
    assert_rerun_finishes_the_rest(project, total)


class FailingAfter(PseudoEngine):
    """Pseudo engine whose batch number ``fail_at`` returns one output too few."""

    calls = 0
    fail_at = 3

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        FailingAfter.calls += 1
        outputs = super().translate(texts, source, target)
        return outputs[:-1] if FailingAfter.calls == self.fail_at else outputs


def test_engine_failure_midway_keeps_finished_drafts_and_resumes(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    total = pending_texts(project)
    FailingAfter.calls = 0
    with monkeypatch.context() as patch:
        # the registry builds pseudo with pseudo:PseudoEngine.from_config, looked up per build
        patch.setattr(pseudo, "PseudoEngine", FailingAfter)
        result = run(project, "translate")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("postloc: error: ")
    assert "pseudo" in lines[0] and "translations for" in lines[0]
    held = memory_rows(project)
    assert held == 2 * BATCH_SIZE  # the two good batches, not the bad one
    saved = sum(drafted(path)[0] for path in catalogues(project))
    assert saved > 0, "catalogues finished before the failure were not saved"
    assert_catalogues_intact(project)
    assert_rerun_finishes_the_rest(project, total)


def test_translate_refuses_at_once_while_a_sync_runs_and_sync_waits(project: Path) -> None:
    total = pending_texts(project)
    first = start(project, "sync", delay="0.3")
    try:
        wait_for_rows(project, first, total)

        began = time.monotonic()
        refused = start(project, "translate", delay="0")
        _out, err = refused.communicate(timeout=30)
        assert refused.returncode == 1, err
        assert time.monotonic() - began < 15
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("postloc: error: ")
        assert "another postloc process" in lines[0]

        assert first.poll() is None, "the first sync ended before the second one started"
        second = start(project, "sync", "--json", delay="0")
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0, err
        # The first may still be exiting after it released the lock; that it *finished its
        # work* before the second began is what the second's report below shows.
        _out, first_err = first.communicate(timeout=30)
        assert first.returncode == 0, first_err
    finally:
        first.kill()
    report = json.loads(out)
    # It ran after the first sync had finished everything: nothing was left to do.
    assert report["translate"]["engine_segments"] == 0
    assert report["catalogues"] == [] and report["exported"] == []
    assert memory_rows(project) == total
    assert_catalogues_intact(project)


def test_a_held_lock_changes_nothing(project: Path) -> None:
    """A refused run must not have written anything before asking for the lock."""
    from postloc.files import project_lock

    before = snapshot(project)
    with project_lock(project / ".postloc" / "lock"):
        for command in (("translate",), ("update",), ("extract",), ("export",)):
            result = run(project, *command)
            assert result.exit_code == 1, command
            assert "another postloc process" in result.stderr
    assert snapshot(project) == before


def test_next_run_sweeps_stale_temp_files(project: Path) -> None:
    """What a SIGKILL during a write leaves behind is removed by the next locked run."""
    assert run(project, "sync").exit_code == 0
    stale = [
        project / "locales/en/LC_MESSAGES/.billet-00.po.k3j9x2ab.tmp",
        project / "locales/templates/.billet-01.pot.a1b2c3d4.tmp",
        project / "build/es/.billet-02.md.zz_9y8x7.tmp",
    ]
    for path in stale:
        path.write_text('msgid ""\nmsgstr "tronq', encoding="utf-8")
    result = run(project, "sync")
    assert result.exit_code == 0, result.stderr
    assert temp_files(project) == []


def test_a_full_disk_fails_in_one_line_naming_the_file(tmp_path: Path) -> None:
    """The kernel refuses the write itself (a file size limit): one line naming the template
    (it used to be the bare OS message), nothing half-written left behind."""
    root = make_project(tmp_path / "proj", posts=french_posts(1, PARAGRAPHS))
    process = start(root, "extract", max_file_size=2000)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 1, err
    template = root / "locales/templates/billet-00.pot"
    assert err.splitlines() == [f"postloc: error: {template}: cannot write (File too large)"]
    assert not template.exists() and temp_files(root) == []


def test_a_memory_that_cannot_grow_fails_in_one_line(project: Path) -> None:
    """SQLite turns the refused write into an I/O error: one line naming the memory, no
    traceback, and no advice to delete it (nothing is wrong with its content)."""
    before = snapshot(project)
    process = start(project, "translate", max_file_size=1000)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 1, err
    memory = project / ".postloc/tm.sqlite3"
    assert err.splitlines() == [
        f"postloc: error: {memory}: cannot write the translation memory (disk I/O error)"
    ]
    assert snapshot(project) == before
