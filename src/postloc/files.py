"""The only place that writes files: atomic replacement and the project lock.

Every write goes through :func:`atomic_write` (temp file in the same folder,
then rename) so a crash or Ctrl-C never leaves a truncated file behind, and a
write that fails (disk full, no permission) is one line naming the file.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from postloc.errors import ChangedOnDisk, Locked, WriteFailed

_write_guards: list[Callable[[], None]] = []


def guard_writes(check: Callable[[], None]) -> None:
    """Run ``check`` before every write and delete of this process from now on.

    A ``--jobs`` worker writes for the parent that holds the project lock; its
    check ends the worker once that parent is gone (:mod:`postloc.project.workers`),
    so nothing is written without the lock.
    """
    _write_guards.append(check)


def before_write() -> None:
    """Run the :func:`guard_writes` checks (writers other than :func:`atomic_write` call it)."""
    for check in _write_guards:
        check()


def _write_failed(exc: OSError, path: str | os.PathLike[str]) -> WriteFailed:
    """The one-line error for a failed write of ``path``; a full disk says so."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        reason = f"disk full: {reason}"
    return WriteFailed(f"cannot write ({reason})", path=os.fspath(path))


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The identity of a file's bytes as postloc read or wrote them (optimistic concurrency).

    The hash of the bytes is the truth; size and mtime only let a caller skip re-hashing a
    file whose stat data did not move (the sync cache).
    """

    size: int
    """Size in bytes; -1 when the file was absent."""
    mtime_ns: int
    """Modification time of the file that held these bytes (0 when absent or unknown)."""
    sha: str
    """SHA-256 of the bytes ("" when absent)."""

    @classmethod
    def of_bytes(cls, data: bytes | None, mtime_ns: int = 0) -> Snapshot:
        """The identity of ``data`` (None: an absent file)."""
        if data is None:
            return ABSENT
        return cls(len(data), mtime_ns, hashlib.sha256(data).hexdigest())

    @classmethod
    def of(cls, path: str | os.PathLike[str]) -> Snapshot:
        """The identity of the file now at ``path``."""
        return read_snapshot(path)[1]

    def same_bytes(self, data: bytes | None) -> bool:
        """Whether ``data`` (None: absent) are the bytes this snapshot identifies."""
        if data is None or self.size == -1:
            return data is None and self.size == -1
        return len(data) == self.size and hashlib.sha256(data).hexdigest() == self.sha

    def matches(self, path: str | os.PathLike[str]) -> bool:
        """Whether ``path`` still holds these bytes; unchanged size and mtime skip the hash."""
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            return self.size == -1
        if self.size == -1 or stat.st_size != self.size:
            return False
        return stat.st_mtime_ns == self.mtime_ns or Snapshot.of(path).sha == self.sha


ABSENT = Snapshot(-1, 0, "")
"""The identity of a file that does not exist."""


def read_snapshot(path: str | os.PathLike[str]) -> tuple[bytes | None, Snapshot]:
    """A file's bytes (None when absent) and their identity, stat and read on one handle.

    The stat comes first: a save landing after it moves the mtime past the one recorded,
    so the sync cache never takes a later save for these bytes.
    """
    try:
        with open(path, "rb") as handle:
            mtime_ns = os.fstat(handle.fileno()).st_mtime_ns
            data = handle.read()
    except FileNotFoundError:
        return None, ABSENT
    return data, Snapshot.of_bytes(data, mtime_ns)


_write_logs: list[dict[Path, Snapshot]] = []


@contextlib.contextmanager
def logged_writes() -> Iterator[dict[Path, Snapshot]]:
    """Collect, while active, the identity of every file :func:`atomic_write` wrote or
    found already up to date (by path): what postloc itself left there, for the sync cache.
    """
    log: dict[Path, Snapshot] = {}
    _write_logs.append(log)
    try:
        yield log
    finally:
        _write_logs.remove(log)


def note_written(path: str | os.PathLike[str], snapshot: Snapshot) -> None:
    """Tell the active :func:`logged_writes` logs that postloc left ``snapshot`` at ``path``
    (for a file a caller judged current without rewriting it)."""
    for log in _write_logs:
        log[Path(path)] = snapshot


def _check_unchanged(target: Path, expected: Snapshot | None) -> None:
    """Raise ChangedOnDisk if ``target`` no longer holds the bytes ``expected`` identifies
    (the one optimistic-concurrency check; nothing to check without ``expected``)."""
    if expected is None:
        return
    try:
        current: bytes | None = target.read_bytes()
    except FileNotFoundError:
        current = None
    if not expected.same_bytes(current):
        raise ChangedOnDisk("changed on disk since it was read; not overwritten", path=str(target))


def atomic_write(
    path: str | os.PathLike[str], data: str | bytes, *, expected: Snapshot | None = None
) -> bool:
    """Write ``data`` to ``path`` atomically; return False (and touch nothing) if unchanged.

    Skipping identical content keeps mtimes stable, which is what makes a
    second ``sync`` a no-op for build tools and ``git status`` alike.

    ``expected`` is the identity of the bytes the caller read (optimistic concurrency):
    if the file holds anything else — a translator saved it meanwhile — nothing is
    written and :class:`ChangedOnDisk` is raised, so the caller redoes its work on the new
    content. The check runs again just before the rename; a save landing in the
    microseconds between that check and the rename is the one race left.

    The rename is what makes a crash or kill safe: readers see the old file or
    the new one, never a truncated one. There is no ``fsync`` per file: it cost
    ~6 ms a file (a 1,000-post sync writes 13,000 files) and only adds
    durability against power loss, which ext4's replace-via-rename heuristic
    already covers for this write pattern.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        stat = target.stat()
        if stat.st_size == len(payload) and target.read_bytes() == payload:
            note_written(target, Snapshot.of_bytes(payload, stat.st_mtime_ns))
            return False
    except FileNotFoundError:
        pass
    _check_unchanged(target, expected)
    before_write()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_failed(exc, target) from None
    # The name is chosen before the file exists, so an interrupt at any point after this
    # line finds ``tmp`` in the handler below and removes whatever was created.
    tmp = _temp_name(target)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            written = Snapshot.of_bytes(payload, os.fstat(handle.fileno()).st_mtime_ns)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, 0o644)
        before_write()
        _check_unchanged(target, expected)
        os.replace(tmp, target)
    except BaseException as exc:
        if not isinstance(exc, FileExistsError):  # a clash: that file is not ours
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _write_failed(exc, target) from None
        raise
    note_written(target, written)
    return True


TEMP_GLOB = ".*.tmp"

_TEMP_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"
_O_BINARY = getattr(os, "O_BINARY", 0)


def _temp_name(target: Path) -> Path:
    """A fresh temp name beside ``target`` (``O_EXCL`` on open makes a clash an error)."""
    random = "".join(secrets.choice(_TEMP_CHARS) for _ in range(8))
    return target.with_name(f".{target.name}.{random}.tmp")


TEMP_NAME = re.compile(r"\.(?P<target>.+)\.[a-z0-9_]{8}\.tmp")
"""What :func:`atomic_write` names a temp file: ``.<target name>.<8 of [a-z0-9_]>.tmp``
(the shape ``tempfile.mkstemp`` used to give it, so old leftovers are still recognised)."""


def temp_target(path: Path) -> Path | None:
    """The file a temp file of :func:`atomic_write` was meant to become, or None when
    ``path`` is not named like one (a user's ``.notes.tmp``)."""
    match = TEMP_NAME.fullmatch(path.name)
    return path.with_name(match["target"]) if match else None


def remove_stale_temps(
    folder: Path, owned: Callable[[Path], bool], *, recursive: bool = True
) -> list[Path]:
    """Delete temp files a killed writer left behind (call only while holding the lock).

    Only names :func:`atomic_write` makes, and only those whose target ``owned`` says is a
    file postloc writes there; ``recursive`` also looks in subfolders.
    """
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for path in sorted(folder.rglob(TEMP_GLOB) if recursive else folder.glob(TEMP_GLOB)):
        target = temp_target(path)
        if target is None or not owned(target):
            continue
        if path.is_file() and not path.is_symlink() and remove_file(path):
            removed.append(path)
    return removed


def remove_file(path: str | os.PathLike[str]) -> bool:
    """Delete ``path`` if it exists; return whether something was removed."""
    before_write()
    try:
        os.unlink(path)
    except FileNotFoundError:
        return False
    return True


@contextlib.contextmanager
def project_lock(lock_path: str | os.PathLike[str], wait: float = 0.0) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock_path`` so two syncs cannot interleave.

    Waits up to ``wait`` seconds for another process to finish, then raises
    :class:`Locked`. The kernel drops the lock if the holder dies, so a killed
    run never leaves a stale lock behind.
    """
    path = Path(lock_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise Locked(
                        "another postloc process is running in this project; "
                        "wait for it or remove nothing and retry",
                        path=str(path),
                    ) from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)
