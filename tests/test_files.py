from __future__ import annotations

import errno
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

from postloc import files
from postloc.errors import ChangedOnDisk, Locked, WriteFailed
from postloc.files import ABSENT, Snapshot, atomic_write, logged_writes, project_lock, read_snapshot


def test_atomic_write_creates_folders_and_content(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.txt"
    assert atomic_write(target, "héllo") is True
    assert target.read_text(encoding="utf-8") == "héllo"


def test_unchanged_content_is_not_rewritten(tmp_path: Path) -> None:
    target = tmp_path / "x.txt"
    atomic_write(target, "same")
    os.utime(target, (1_000_000, 1_000_000))
    assert atomic_write(target, "same") is False
    assert target.stat().st_mtime == 1_000_000


def test_failed_write_leaves_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "x.txt"
    atomic_write(target, "old")

    def boom(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(WriteFailed, match="disk full"):
        atomic_write(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def test_an_interrupt_right_after_the_temp_file_is_created_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C in the first instant after creation (before a byte is written) cleans up too."""
    target = tmp_path / "x.txt"
    atomic_write(target, "old")
    real_open = os.open

    def open_then_interrupt(path: object, flags: int, mode: int = 0o777) -> int:
        os.close(real_open(path, flags, mode))  # type: ignore[arg-type]
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "open", open_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def test_a_temp_name_clash_leaves_the_other_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "x.txt"
    theirs = tmp_path / ".x.txt.aaaaaaaa.tmp"
    theirs.write_text("someone else's")
    monkeypatch.setattr(files, "_temp_name", lambda target: theirs)
    with pytest.raises(WriteFailed, match=r"x\.txt"):
        atomic_write(target, "new")
    assert theirs.read_text() == "someone else's"
    assert not target.exists()


def _hold_lock(
    path: str,
    ready: multiprocessing.synchronize.Event,
    release: multiprocessing.synchronize.Event,
) -> None:
    with project_lock(path):
        ready.set()
        release.wait(10)


def test_second_holder_is_refused_with_clear_error(tmp_path: Path) -> None:
    lock = str(tmp_path / ".postloc" / "lock")
    ready, release = multiprocessing.Event(), multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(lock, ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        with pytest.raises(Locked, match="another postloc process"), project_lock(lock, wait=0.2):
            pass
    finally:
        release.set()
        holder.join(10)
    with project_lock(lock):
        pass


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "disk full"),
        (errno.EDQUOT, "disk full"),
        (errno.EFBIG, "File too large"),
        (errno.EACCES, "Permission denied"),
        (errno.EROFS, "Read-only file system"),
    ],
)
@pytest.mark.parametrize("stage", ["write", "replace"])
def test_failed_write_names_the_file_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str, stage: str
) -> None:
    """``No space left on device`` used to reach the user without the file's name."""
    target = tmp_path / "locales" / "x.md"
    atomic_write(target, "old")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    if stage == "write":
        real_fdopen = os.fdopen

        class Full:
            def __init__(self, fd: int, mode: str) -> None:
                self.handle = real_fdopen(fd, mode)

            def __enter__(self) -> Full:
                return self

            def __exit__(self, *exc: object) -> None:
                self.handle.close()

            write = staticmethod(fail)

        monkeypatch.setattr(os, "fdopen", Full)
    else:
        monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(WriteFailed) as caught:
        atomic_write(target, "new")
    message = str(caught.value)
    assert message.startswith(f"{target}: cannot write") and words in message, message
    assert "\n" not in message
    assert target.read_text() == "old"
    assert [p.name for p in target.parent.iterdir()] == ["x.md"]


def test_failed_folder_creation_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "locales"))

    monkeypatch.setattr(Path, "mkdir", fail)
    with pytest.raises(WriteFailed, match="Permission denied") as caught:
        atomic_write(tmp_path / "locales" / "es" / "x.po", "new")
    assert str(caught.value).startswith(f"{tmp_path / 'locales' / 'es' / 'x.po'}: ")


def test_a_real_file_size_limit_names_the_file(tmp_path: Path) -> None:
    """RLIMIT_FSIZE makes the kernel refuse the write itself (EFBIG), no fake involved."""
    script = (
        "import resource, signal, sys\n"
        "from postloc.files import atomic_write\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))\n"
        "atomic_write(sys.argv[1], 'x' * 5000)\n"
    )
    target = tmp_path / "big.po"
    done = subprocess.run(
        [sys.executable, "-c", script, str(target)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last == f"postloc.errors.WriteFailed: {target}: cannot write (File too large)"
    assert list(tmp_path.iterdir()) == []


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "catalogue.txt"
    target.write_bytes(b"as read")
    data, read = read_snapshot(target)
    assert data == b"as read" and read.same_bytes(b"as read")
    os.replace(_saved(tmp_path, b"a translator's save"), target)  # write + rename, as Poedit
    with pytest.raises(ChangedOnDisk, match=r"catalogue\.txt: changed on disk since it was read"):
        atomic_write(target, "machine drafts", expected=read)
    assert target.read_bytes() == b"a translator's save"
    assert [p.name for p in tmp_path.iterdir()] == ["catalogue.txt"]


def test_the_identity_is_checked_again_just_before_the_rename(tmp_path: Path) -> None:
    """A save landing while the temp file is written is seen too (the last check is the one
    just before ``os.replace``)."""
    target = tmp_path / "catalogue.txt"
    target.write_bytes(b"as read")
    read = Snapshot.of(target)
    calls = []

    def translator_saves() -> None:
        calls.append(1)
        if len(calls) == 2:  # the second guard runs after the temp file is written
            os.replace(_saved(tmp_path, b"saved meanwhile"), target)

    files._write_guards.append(translator_saves)
    try:
        with pytest.raises(ChangedOnDisk):
            atomic_write(target, "machine drafts", expected=read)
    finally:
        files._write_guards.remove(translator_saves)
    assert target.read_bytes() == b"saved meanwhile"
    assert [p.name for p in tmp_path.iterdir()] == ["catalogue.txt"]


def test_an_unchanged_file_is_written_and_the_write_logged(tmp_path: Path) -> None:
    target = tmp_path / "catalogue.txt"
    target.write_bytes(b"as read")
    read = Snapshot.of(target)
    with logged_writes() as log:
        assert atomic_write(target, "new", expected=read) is True
    assert target.read_bytes() == b"new"
    written = log[target]
    assert written.same_bytes(b"new") and written.matches(target)
    assert written.mtime_ns == target.stat().st_mtime_ns


def test_a_missing_file_expected_absent_is_created_but_a_new_one_is_not_overwritten(
    tmp_path: Path,
) -> None:
    target = tmp_path / "catalogue.txt"
    assert atomic_write(target, "first", expected=ABSENT) is True
    with pytest.raises(ChangedOnDisk):
        atomic_write(target, "second", expected=ABSENT)
    assert target.read_text() == "first"


def test_the_logged_identity_is_what_postloc_wrote_not_a_later_save(tmp_path: Path) -> None:
    """The sync cache's premise: a save after postloc's write does not match what it logged."""
    target = tmp_path / "catalogue.txt"
    with logged_writes() as log:
        atomic_write(target, "drafts")
    os.replace(_saved(tmp_path, b"review"), target)  # same size: only the bytes differ
    assert not log[target].matches(target)


def _saved(folder: Path, data: bytes) -> Path:
    temp = folder / "poedit-save.tmp-file"
    temp.write_bytes(data)
    return temp
