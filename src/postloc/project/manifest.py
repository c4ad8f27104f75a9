"""What postloc exported: ``.postloc/exports.json``, the one record deletes are confined to.

``export`` and ``sync`` record every localized post they write (its path, the SHA-256 of
the bytes written, its post and language). ``--prune`` removes only recorded files whose
bytes still hash to what postloc wrote, and ``export`` overwrites only such files: a file a
person made or edited, a source post, or anything else in the output folder is postloc's
to leave alone (docs/architecture.md, "What postloc may delete").

The record lives in ``.postloc/`` (never committed) because it describes this working
copy's files: exports are usually git-ignored build output, and a committed record would
name files a fresh clone does not have. Without it (a fresh clone, a deleted ``.postloc/``)
postloc owns nothing it has not written since, except that an existing file holding exactly
the bytes postloc would write now is adopted back into the record.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from postloc.errors import PostlocError
from postloc.files import atomic_write, remove_stale_temps
from postloc.markdown.slug import IDENTITY_PATTERN
from postloc.project.discovery import discover, would_be_source
from postloc.project.layout import Project

MANIFEST_VERSION = 1

Verdict = Literal["new", "same", "ours", "foreign", "edited", "source"]
"""What may happen to an export's target: ``new`` (absent), ``same`` (already these bytes),
``ours`` (postloc's unchanged earlier export) may be written; ``foreign`` (not postloc's),
``edited`` (changed since postloc wrote it) and ``source`` (a source post, or a file of the
posts folder that would be read as one) are left alone."""

REFUSED: dict[Verdict, str] = {
    "foreign": "not written by postloc; delete it to let postloc export there",
    "edited": "edited since postloc wrote it; delete it to let postloc export there",
    "source": "is in the posts folder; refusing to write a source post",
}
"""Why a target is left alone, as the one-line notice says it."""


def digest(data: bytes) -> str:
    """SHA-256 hex of ``data``: what the record stores for a file."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class Recorded:
    """One file postloc exported."""

    sha256: str
    """SHA-256 hex of the bytes postloc wrote."""
    post: str
    """The post's identity."""
    lang: str
    """The target language."""


class ExportManifest:
    """The record in memory: root-relative path (absolute outside the project) → Recorded."""

    def __init__(self, project: Project, entries: dict[str, Recorded]) -> None:
        self.project = project
        self.entries = entries
        self._saved = dict(entries)
        self._sources: set[Path] | None = None

    @property
    def sources(self) -> set[Path]:
        """The source posts, listed once (:func:`source_files`): this record's files are
        not among them."""
        if self._sources is None:
            self._sources = source_files(self.project, self.entries)
        return self._sources

    @classmethod
    def load(cls, project: Project) -> ExportManifest:
        """The record on disk; an absent or unreadable one is empty (postloc owns nothing)."""
        entries: dict[str, Recorded] = {}
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError, AttributeError):
            data = json.loads(project.exports_manifest_path.read_bytes())
            if data.get("version") == MANIFEST_VERSION:
                for key, item in data["files"].items():
                    entries[str(key)] = Recorded(
                        str(item["sha256"]), str(item["post"]), str(item["lang"])
                    )
        return cls(project, entries)

    def key(self, path: Path) -> str:
        """How ``path`` is named in the record (lexical: no link followed)."""
        return self.project.relative(Path(os.path.abspath(path)))

    def path(self, key: str) -> Path:
        return self.project.root / key

    def verdict(self, path: Path, planned: bytes) -> Verdict:
        """Whether an export may write ``planned`` to ``path`` (the one ownership rule)."""
        if in_posts_folder(self.project, path, self.sources):
            return "source"
        if path.is_symlink():  # replaced, never followed: the file it leads to is untouched
            return "ours" if self.key(path) in self.entries else "foreign"
        try:
            current = path.read_bytes()
        except FileNotFoundError:
            return "new"
        except IsADirectoryError:
            return "foreign"
        if current == planned:
            return "same"
        return self.ownership(path, current)

    def ownership(self, path: Path, current: bytes) -> Verdict:
        """``ours`` when ``current`` is what postloc recorded writing at ``path``."""
        recorded = self.entries.get(self.key(path))
        if recorded is None:
            return "foreign"
        return "ours" if recorded.sha256 == digest(current) else "edited"

    def removable(self, path: Path) -> Verdict:
        """Whether ``--prune`` may delete ``path``: only ``ours``."""
        if in_posts_folder(self.project, path, self.sources):
            return "source"
        if path.is_symlink():
            return "foreign"
        try:
            current = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            return "foreign"
        return self.ownership(path, current)

    def record(self, path: Path, sha256: str, post: str, lang: str) -> None:
        self.entries[self.key(path)] = Recorded(sha256, post, lang)

    def forget(self, path: Path) -> None:
        self.entries.pop(self.key(path), None)

    def stale(
        self, out: Path, live: set[tuple[str, str]], suffix: str
    ) -> list[tuple[Path, Recorded]]:
        """Recorded files under ``out`` with ``suffix`` whose post or language is gone, or
        whose name the ``filename`` pattern no longer gives; files already gone are forgotten."""
        folder = Path(os.path.abspath(out))
        found = []
        for key, recorded in sorted(self.entries.items()):
            path = self.path(key)
            if not path.is_relative_to(folder) or path.suffix != suffix:
                continue
            if not path.is_file():
                del self.entries[key]
                continue
            expected = self.project.export_path(recorded.lang, recorded.post, out, suffix)
            gone = (recorded.post, recorded.lang) not in live
            if gone or Path(os.path.abspath(expected)) != path:
                found.append((path, recorded))
        return found

    def folders(self) -> set[Path]:
        """The folders holding recorded files (where their temp files would be)."""
        return {self.path(key).parent for key in self.entries}

    def save(self) -> None:
        """Write the record (atomically) if it changed."""
        if self.entries == self._saved:
            return
        files = {
            key: {"sha256": r.sha256, "post": r.post, "lang": r.lang}
            for key, r in sorted(self.entries.items())
        }
        text = json.dumps({"version": MANIFEST_VERSION, "files": files}, indent=1) + "\n"
        atomic_write(self.project.exports_manifest_path, text)
        self._saved = dict(self.entries)


def in_posts_folder(project: Project, path: Path, sources: set[Path] | None = None) -> bool:
    """Whether ``path`` is a source post, a file of the posts folder that would be read as
    one (:func:`~postloc.project.discovery.would_be_source`), or a link leading to a source
    post; postloc never writes or deletes one. An export's own place (``x.en.md``, the
    output folder, a target language's folder) is not. ``sources`` (:func:`source_files`)
    saves walking the folder once per call."""
    with contextlib.suppress(OSError, RuntimeError):
        if would_be_source(project, path):
            return True
        return path.resolve() in (source_files(project) if sources is None else sources)
    return False


def source_files(project: Project, exported: Collection[str] = ()) -> set[Path]:
    """The source posts, every link followed (none when the posts folder cannot be walked:
    the command that reads posts says why)."""
    with contextlib.suppress(OSError, RuntimeError, PostlocError):
        return {post.path.resolve() for post in discover(project, exported).posts}
    return set()


def export_name_regex(project: Project) -> re.Pattern[str]:
    """Root-relative names the ``filename`` pattern gives (``.md`` or ``.html``) for the
    configured languages; ``{slug}`` matches an identity, lazily."""
    pattern = project.config.filename
    stem = pattern[: -len(".md")] if pattern.endswith(".md") else pattern
    langs = "|".join(re.escape(lang) for lang in project.config.target_languages)
    parts = re.split(r"(\{lang\}|\{slug\})", stem)
    regex = "".join(
        f"(?:{langs})"
        if p == "{lang}"
        else f"(?:{IDENTITY_PATTERN})"
        if p == "{slug}"
        else re.escape(p)
        for p in parts
    )
    suffix = r"(?:\.md|\.html)" if pattern.endswith(".md") else ""
    return re.compile(regex + suffix + r"\Z")


STATE_FILES = frozenset({"exports.json", "sync-cache.json"})
"""Files of ``.postloc/`` written through :func:`~postloc.files.atomic_write`."""


def sweep_stale_temps(project: Project) -> list[Path]:
    """Delete the temp files a killed writer left, and only those: ``atomic_write``'s names
    (:func:`postloc.files.temp_target`) for a file postloc writes there — a ``.po``/``.pot``/
    ``.mo`` under the locales folder, a file of ``.postloc/``, a recorded export, or, in an
    output folder inside the project, a name the ``filename`` pattern gives. A user's
    ``.notes.tmp`` is never touched, nor anything in an outside output folder that is not a
    recorded export's temp file. Call only while holding the lock."""
    config = project.config
    manifest = ExportManifest.load(project)

    def catalogue(target: Path) -> bool:
        return target.suffix in (".po", ".pot", ".mo")

    def state(target: Path) -> bool:
        return target.name in STATE_FILES

    def recorded(target: Path) -> bool:
        return manifest.key(target) in manifest.entries

    removed = remove_stale_temps(config.locales_path, catalogue)
    removed += remove_stale_temps(config.state_path, state, recursive=False)
    out = Path(os.path.abspath(config.output_path))
    if out.is_relative_to(Path(os.path.abspath(project.root))):
        names = export_name_regex(project)

        def export(target: Path) -> bool:
            if recorded(target):
                return True
            name = Path(os.path.abspath(target)).relative_to(out).as_posix()
            return names.match(name) is not None and not in_posts_folder(project, target)

        removed += remove_stale_temps(out, export)
    for folder in sorted(manifest.folders()):
        removed += remove_stale_temps(folder, recorded, recursive=False)
    return removed
