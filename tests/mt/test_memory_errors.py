"""The translation memory's failures: one line naming the memory file, never a traceback.

A full disk is not a damaged memory: the message says the disk is full and never advises
deleting the memory (which would throw away every remembered output for nothing).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from postloc.errors import PostlocError
from postloc.mt.memory import MemoryKey, Stored, TranslationMemory

KEY = MemoryKey("pseudo", "1", "fr", "en")


class FailingConnection:
    """Stands in for the sqlite3 connection: every write fails with ``error``."""

    def __init__(self, real: sqlite3.Connection, error: sqlite3.Error) -> None:
        self.real = real
        self.error = error

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.lstrip().upper().startswith(("INSERT", "PRAGMA", "CREATE")):
            raise self.error
        return self.real.execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> Any:
        raise self.error

    def commit(self) -> None:
        raise self.error

    def close(self) -> None:
        self.real.close()


def full(message: str = "database or disk is full", code: int = 13) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code  # what sqlite3 sets on its own errors (SQLITE_FULL)
    return error


def test_disk_full_while_storing_is_one_line_naming_the_memory(tmp_path: Path) -> None:
    path = tmp_path / ".postloc" / "tm.sqlite3"
    memory = TranslationMemory(path)
    memory._db = FailingConnection(memory._db, full())  # type: ignore[assignment]
    with pytest.raises(PostlocError) as caught:
        memory.store(KEY, [("Bonjour", Stored("Hello"))])
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "disk full" in message, message
    assert "delete" not in message and "\n" not in message
    memory.close()


def test_disk_full_while_opening_does_not_advise_deleting_the_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / ".postloc" / "tm.sqlite3"
    real_connect = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> Any:
        return FailingConnection(real_connect(*args, **kwargs), full())

    monkeypatch.setattr(sqlite3, "connect", connect)
    with pytest.raises(PostlocError) as caught:
        TranslationMemory(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "disk full" in message, message
    assert "delete" not in message


def test_a_memory_that_cannot_be_written_says_so(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite3"
    memory = TranslationMemory(path)
    error = sqlite3.OperationalError("attempt to write a readonly database")
    error.sqlite_errorcode = 8  # SQLITE_READONLY
    memory._db = FailingConnection(memory._db, error)  # type: ignore[assignment]
    with pytest.raises(PostlocError, match="cannot write the translation memory") as caught:
        memory.store(KEY, [("Bonjour", Stored("Hello"))])
    assert "delete" not in str(caught.value)
    memory.close()


def test_a_damaged_memory_still_advises_starting_afresh(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite3"
    path.write_bytes(b"pas une base SQLite " * 100)
    with pytest.raises(PostlocError, match="delete it to start afresh"):
        TranslationMemory(path)
