"""Translation memory: a SQLite cache of machine outputs, wrapped around any engine route.

Keys are (route, route version, source language, target language, source
text), so an upgraded pair or a different pivot never serves a stale output,
and an unchanged paragraph is never sent to an engine twice. The route version
names only the pairs the route runs (``Route.version``), so installing or
removing another pair keeps every remembered output. Each hop of a pivot route
is a row of its own, keyed as its direct pair is (:class:`postloc.mt.translator.Hop`),
so fr→es is translated once for ``es`` and for ``en`` through Spanish. Rows are
committed after every engine call, which is what lets an interrupted ``translate``
resume exactly where it stopped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from postloc.errors import PostlocError, WriteFailed
from postloc.files import before_write

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tm (
    engine TEXT NOT NULL,
    version TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    problems TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (engine, version, source_lang, target_lang, source)
) WITHOUT ROWID
"""

_SQLITE_FULL = 13
"""SQLITE_FULL: "database or disk is full"."""
_SQLITE_CANNOT_WRITE = frozenset({3, 8, 10, 14})
"""SQLITE_PERM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN: the file, not its content."""
_SQLITE_DAMAGED = frozenset({11, 26})
"""SQLITE_CORRUPT, SQLITE_NOTADB: the file is not a usable memory."""


@dataclass(frozen=True, slots=True)
class MemoryKey:
    """Everything that determines a machine output besides the text itself."""

    engine: str
    """Route name (``apertium+es``)."""
    version: str
    """The route's version: its pairs' versions, e.g. ``3.8.3+apertium-fr-es_0.9.4-1``."""
    source_lang: str
    """Source language code."""
    target_lang: str
    """Target language code."""


@dataclass(frozen=True, slots=True)
class Stored:
    """A remembered output and the markup problems the engine caused, if any."""

    text: str
    """The restored translation (inline Markdown)."""
    problems: tuple[str, ...] = ()
    """Markup damage reported when it was produced; empty when clean."""


class TranslationMemory:
    """SQLite-backed memory; ``path=None`` keeps it in memory (tests, ``--no-memory``)."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(str(path) if path else ":memory:", timeout=30.0)
        except sqlite3.Error as exc:
            raise self._failure(exc) from None
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
            self._db.commit()
        except sqlite3.Error as exc:
            self._db.close()
            raise self._failure(exc) from None

    def _failure(self, exc: sqlite3.Error) -> PostlocError:
        """One line for a SQLite error: only a damaged file is worth deleting, not a full disk."""
        code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF  # the primary result code
        where = str(self._path) if self._path else None
        if code == _SQLITE_FULL or "disk is full" in str(exc):
            return WriteFailed(f"disk full: cannot save the translation memory ({exc})", where)
        if code in _SQLITE_CANNOT_WRITE:
            return WriteFailed(f"cannot write the translation memory ({exc})", where)
        if code in _SQLITE_DAMAGED:
            return PostlocError(
                f"translation memory is unreadable ({exc}); delete it to start afresh", where
            )
        return PostlocError(f"translation memory failed ({exc})", where)

    def close(self) -> None:
        self._db.close()

    def lookup(self, key: MemoryKey, texts: Sequence[str]) -> dict[str, Stored]:
        """The remembered outputs for those of ``texts`` that have one."""
        found: dict[str, Stored] = {}
        unique = list(dict.fromkeys(texts))
        for offset in range(0, len(unique), 500):
            chunk = unique[offset : offset + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                "SELECT source, target, problems FROM tm WHERE engine=? AND version=? "
                f"AND source_lang=? AND target_lang=? AND source IN ({marks})",
                (key.engine, key.version, key.source_lang, key.target_lang, *chunk),
            )
            for source, target, problems in rows:
                found[source] = Stored(target, tuple(p for p in problems.split("\n") if p))
        return found

    def store(self, key: MemoryKey, items: Iterable[tuple[str, Stored]]) -> None:
        """Remember outputs and commit at once (a crash keeps everything stored so far)."""
        before_write()
        try:
            self._store(key, items)
        except sqlite3.Error as exc:
            raise self._failure(exc) from None

    def _store(self, key: MemoryKey, items: Iterable[tuple[str, Stored]]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO tm VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    key.engine,
                    key.version,
                    key.source_lang,
                    key.target_lang,
                    source,
                    out.text,
                    "\n".join(out.problems),
                )
                for source, out in items
            ],
        )
        self._db.commit()

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM tm").fetchone()[0])
