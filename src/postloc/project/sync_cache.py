"""What the last sync left behind, so the next one only redoes posts that changed.

For every post the cache records the post's content hash and the hash of each
file sync produced from it (template, catalogues, localized posts), plus how
many entries were still waiting for a machine. A post whose source and
outputs all still match — and that has nothing pending — is skipped entirely:
a one-paragraph edit in a 1,000-post site costs one post's work. A reviewer's
edit to a catalogue changes its hash, so that post is redone too. The cache records the
bytes sync itself read and wrote (never a stat taken afterwards), so a save landing while
sync runs is seen as a change by the next one.

The cache is only an accelerator: deleting ``.postloc/`` costs time, never
correctness, and ``sync --check`` never reads it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from postloc.files import Snapshot, atomic_write

CACHE_VERSION = 1


@dataclass(slots=True)
class PostRecord:
    """One post's source stamp, identity, produced files and pending count."""

    slug: str
    """The identity the post had: a clean post is not re-parsed, unless discovery now gives
    it another identity."""
    source: Snapshot
    """The post file."""
    outputs: dict[str, Snapshot] = field(default_factory=dict)
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
                    source=Snapshot(*item["source"]),
                    outputs={k: Snapshot(*v) for k, v in item["outputs"].items()},
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
        self,
        name: str,
        slug: str,
        source: Snapshot,
        root: Path,
        outputs: Iterable[str],
        pending: int,
        wrote: Mapping[Path, Snapshot],
    ) -> None:
        """Record a post as processed: ``source``, the bytes sync parsed, and for each
        output what sync itself left there (``wrote``, :func:`~postloc.files.logged_writes`).

        Never a stat taken now: a translator's save landing while sync ran would pass for
        sync's own output, and the next sync would skip the post. An output sync did not
        touch (an export below ``min_translated``) is recorded as it is now.
        """
        self.records[name] = PostRecord(
            slug=slug,
            source=source,
            outputs={rel: wrote.get(root / rel) or Snapshot.of(root / rel) for rel in outputs},
            pending=pending,
        )

    def forget_missing(self, names: set[str]) -> None:
        for name in list(self.records):
            if name not in names:
                del self.records[name]


def fingerprint(*parts: object) -> str:
    """A short hash of everything outside the posts that shapes sync's outputs."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]
