"""Translation memory: a SQLite cache of machine outputs, wrapped around any engine route.

Keys are (route, engine version, source language, target language, source
text), so a new engine version or a different pivot never serves a stale
output, and an unchanged paragraph is never sent to an engine twice. Rows are
committed after every batch, which is what lets an interrupted ``translate``
resume exactly where it stopped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from postloc.errors import PostlocError

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


@dataclass(frozen=True, slots=True)
class MemoryKey:
    """Everything that determines a machine output besides the text itself."""

    engine: str
    """Route name (``apertium+es``)."""
    version: str
    """Engine version string."""
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
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path) if path else ":memory:", timeout=30.0)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
            self._db.commit()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise PostlocError(
                f"translation memory is unreadable ({exc}); delete it to start afresh",
                path=str(path),
            ) from None

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
