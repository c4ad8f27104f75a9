import multiprocessing
import os
from pathlib import Path

import pytest

from postloc.errors import Locked
from postloc.files import atomic_write, project_lock


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
    with pytest.raises(OSError):
        atomic_write(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def _hold_lock(
    path: str,
    ready: "multiprocessing.synchronize.Event",
    release: "multiprocessing.synchronize.Event",
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
