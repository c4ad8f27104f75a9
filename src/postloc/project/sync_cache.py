"""What the last sync left behind, so the next one only redoes posts that changed.

For every post the cache records the post's content hash and the hash of each
file sync produced from it (template, catalogues, localized posts), plus how
many entries were still waiting for a machine. A post whose source and
outputs all still match — and that has nothing pending — is skipped entirely:
a one-paragraph edit in a 1,000-post site costs one post's work. A reviewer's
edit to a catalogue changes its hash, so that post is redone too.

The cache is only an accelerator: deleting ``.postloc/`` costs time, never
correctness, and ``sync --check`` never reads it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from postloc.files import atomic_write

CACHE_VERSION = 1


@dataclass(slots=True)
class FileStamp:
    """Content hash of a file plus the stat data that lets us skip re-hashing it."""

    size: int
    """Size in bytes (-1: the file must be absent)."""
    mtime_ns: int
    """Modification time when hashed."""
    sha: str
    """SHA-256 of the content ("" when absent)."""

    @classmethod
    def of(cls, path: Path) -> FileStamp:
        try:
            stat = path.stat()
            data = path.read_bytes()
        except FileNotFoundError:
            return cls(-1, 0, "")
        return cls(stat.st_size, stat.st_mtime_ns, hashlib.sha256(data).hexdigest())

    def matches(self, path: Path) -> bool:
        try:
            stat = path.stat()
        except FileNotFoundError:
            return self.size == -1
        if self.size == -1:
            return False
        if stat.st_size == self.size and stat.st_mtime_ns == self.mtime_ns:
            return True
        return stat.st_size == self.size and FileStamp.of(path).sha == self.sha


@dataclass(slots=True)
class PostRecord:
    """One post's source stamp, slug, produced files and pending count."""

    slug: str
    """Slug the post had (clean posts are not re-parsed)."""
    source: FileStamp
    """The post file."""
    outputs: dict[str, FileStamp] = field(default_factory=dict)
    """Produced files by root-relative path."""
    pending: int = 0
    """Entries a machine could still fill; > 0 means the post is never skipped."""


class SyncCache:
    """Per-post records, valid only for one settings fingerprint."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.records: dict[str, PostRecord] = {}

    @classmethod
    def load(cls, path: Path, fingerprint: str) -> SyncCache:
        cache = cls(path, fingerprint)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError, OSError):
            return cache
        if raw.get("version") != CACHE_VERSION or raw.get("fingerprint") != fingerprint:
            return cache
        try:
            for name, item in raw["posts"].items():
                cache.records[name] = PostRecord(
                    slug=item["slug"],
                    source=FileStamp(*item["source"]),
                    outputs={k: FileStamp(*v) for k, v in item["outputs"].items()},
                    pending=int(item["pending"]),
                )
        except (KeyError, TypeError, ValueError):
            cache.records.clear()
        return cache

    def save(self) -> None:
        data: dict[str, Any] = {
            "version": CACHE_VERSION,
            "fingerprint": self.fingerprint,
            "posts": {
                name: {
                    "slug": rec.slug,
                    "source": [rec.source.size, rec.source.mtime_ns, rec.source.sha],
                    "outputs": {
                        k: [s.size, s.mtime_ns, s.sha] for k, s in sorted(rec.outputs.items())
                    },
                    "pending": rec.pending,
                }
                for name, rec in sorted(self.records.items())
            },
        }
        atomic_write(self.path, json.dumps(data, separators=(",", ":")))

    def clean_slug(
        self, name: str, source: Path, root: Path, expected: Iterable[str]
    ) -> str | None:
        """The cached slug if the post and all its outputs are unchanged, else None."""
        record = self.records.get(name)
        if record is None or record.pending or not record.source.matches(source):
            return None
        for output in expected:
            stamp = record.outputs.get(output.format(slug=record.slug))
            if stamp is None or not stamp.matches(root / output.format(slug=record.slug)):
                return None
        return record.slug

    def record(
        self, name: str, slug: str, source: Path, root: Path, outputs: Iterable[str], pending: int
    ) -> None:
        self.records[name] = PostRecord(
            slug=slug,
            source=FileStamp.of(source),
            outputs={rel: FileStamp.of(root / rel) for rel in outputs},
            pending=pending,
        )

    def forget_missing(self, names: set[str]) -> None:
        for name in list(self.records):
            if name not in names:
                del self.records[name]


def fingerprint(*parts: object) -> str:
    """A short hash of everything outside the posts that shapes sync's outputs."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]
