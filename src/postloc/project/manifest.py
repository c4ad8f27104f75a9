"""What postloc exported: the one record its overwrites and deletes are confined to.

``export`` and ``sync`` record every localized post they write (its path, the SHA-256 of
the bytes written, its post and language). ``--prune`` removes only recorded files whose
bytes still hash to what postloc wrote, and ``export`` overwrites only such files: a file a
person made or edited, a source post, or anything else in the output folder is postloc's
to leave alone (docs/architecture.md, "What postloc may delete").

The record is kept twice. ``<locales_dir>/exports.json`` is committed with the
catalogues and names the files inside the project: a fresh clone or a CI run without
``.postloc/`` knows which committed exports postloc wrote, so it updates them instead of
leaving them stale, and still refuses one a person edited (its hash no longer matches).
``.postloc/exports.json`` (never committed) holds the same files plus those outside the
project (``--out /tmp/x``, whose paths mean nothing on another machine), and keeps this
working copy's own writes when the committed record came from elsewhere (a pull, git-ignored
exports built on another machine). A file is postloc's when its bytes hash to what either
record says postloc wrote there; bytes postloc once wrote hold no person's work. Without
either record, an existing file holding exactly the bytes postloc would write now is
adopted back.
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

SHARED_RECORD = "exports.json"
"""The committed record's name in the locales folder, committed with the catalogues."""

_SHA256 = re.compile(r"[0-9a-f]{64}")

Verdict = Literal["new", "same", "ours", "foreign", "edited", "source"]
"""What may happen to an export's target: ``new`` (absent), ``same`` (already these bytes),
``ours`` (postloc's unchanged earlier export) may be written; ``foreign`` (not postloc's),
``edited`` (changed since postloc wrote it) and ``source`` (a source post, or a file of the
posts folder that would be read as one) are left alone."""

ADOPT = "postloc adopt --lang {lang}"
"""The way out of a refusal: bring a person's translation into the catalogues."""

REFUSED: dict[Verdict, str] = {
    "foreign": "not written by postloc; keep it and bring it into the catalogues with "
    "`{adopt}`, or delete it to let postloc export there",
    "edited": "edited since postloc wrote it; keep the edits with `{adopt}`, "
    "or delete it to let postloc export there",
    "source": "is in the posts folder, where it would be read as a source post; "
    "change [export] filename or output_dir to export elsewhere",
}
"""Why a target is left alone, and the way out, as the one-line notice says it."""


def refusal(verdict: Verdict, lang: str) -> str:
    """The notice's reason for leaving an export of ``lang`` alone."""
    return REFUSED[verdict].format(adopt=ADOPT.format(lang=lang))


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


def shared_record_path(project: Project) -> Path:
    """The committed record (:data:`SHARED_RECORD` in the locales folder)."""
    return project.config.locales_path / SHARED_RECORD


class ExportManifest:
    """The record in memory: root-relative path (absolute outside the project) → Recorded.

    ``entries`` is what both records will say once saved; ``_also`` keeps, per path, the
    other hash a record held at load time (the two differ after a pull or a fresh clone),
    which still makes a file holding those bytes postloc's."""

    def __init__(
        self,
        project: Project,
        entries: dict[str, Recorded],
        also: dict[str, str] | None = None,
        shared: dict[str, Recorded] | None = None,
    ) -> None:
        self.project = project
        self.entries = entries
        self._also = also or {}
        self._saved = dict(entries)
        self._shared_saved = dict(shared) if shared is not None else None
        self._sources: set[Path] | None = None

    @property
    def sources(self) -> set[Path]:
        """The source posts, listed once (:func:`source_files`): this record's files are
        not among them."""
        if self._sources is None:
            self._sources = source_files(self.project, self.entries)
        return self._sources

    @classmethod
    def load(cls, project: Project, sources: set[Path] | None = None) -> ExportManifest:
        """Both records merged. An absent or unreadable local record is empty; a committed
        one that does not read (a merge left conflict markers) is a PostlocError naming it,
        since going on without it would refuse every committed export. ``sources``: the
        source posts (resolved) when the caller has listed them, else listed on first use."""
        local: dict[str, Recorded] = {}
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError, AttributeError):
            data = json.loads(project.exports_manifest_path.read_bytes())
            if data.get("version") == MANIFEST_VERSION:
                for key, item in data["files"].items():
                    local[str(key)] = Recorded(
                        str(item["sha256"]), str(item["post"]), str(item["lang"])
                    )
        shared = _load_shared(project)
        entries = {**local, **(shared or {})}
        also = {
            key: local[key].sha256
            for key, recorded in (shared or {}).items()
            if key in local and local[key].sha256 != recorded.sha256
        }
        manifest = cls(project, entries, also, shared)
        manifest._sources = sources
        return manifest

    def key(self, path: Path) -> str:
        """How ``path`` is named in the record (lexical: no link followed)."""
        return self.project.relative(Path(os.path.abspath(path)))

    def path(self, key: str) -> Path:
        return self.project.root / key

    def verdict(self, path: Path, planned: bytes) -> Verdict:
        """Whether an export may write ``planned`` to ``path`` (the one ownership rule)."""
        found = self._found(path)
        if isinstance(found, str):
            return found
        return "same" if found == planned else self.ownership(path, found)

    def standing(self, path: Path) -> Verdict:
        """What an export would meet at ``path``, its bytes unknown yet: ``new``, ``ours``,
        or why it would be left alone unless it already holds them (:meth:`verdict`)."""
        found = self._found(path)
        return found if isinstance(found, str) else self.ownership(path, found)

    def _found(self, path: Path) -> Verdict | bytes:
        """The bytes at ``path``, or the verdict that needs none of them."""
        if in_posts_folder(self.project, path, self.sources):
            return "source"
        if path.is_symlink():  # replaced, never followed: the file it leads to is untouched
            return "ours" if self.key(path) in self.entries else "foreign"
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return "new"
        except IsADirectoryError:
            return "foreign"

    def ownership(self, path: Path, current: bytes) -> Verdict:
        """``ours`` when ``current`` is what either record says postloc wrote at ``path``."""
        key = self.key(path)
        recorded = self.entries.get(key)
        if recorded is None:
            return "foreign"
        return "ours" if digest(current) in (recorded.sha256, self._also.get(key)) else "edited"

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
        key = self.key(path)
        self.entries[key] = Recorded(sha256, post, lang)
        self._also.pop(key, None)

    def forget(self, path: Path) -> None:
        self.entries.pop(self.key(path), None)

    def stale(
        self, out: Path, live: set[tuple[str, str]], suffix: str
    ) -> list[tuple[Path, Recorded]]:
        """Recorded files under ``out`` with ``suffix`` whose post or language is gone, or
        whose name the ``filename`` pattern no longer gives. Such a file already gone is
        forgotten; a live export not on disk (git-ignored output of a fresh clone, a
        language not exported this time) stays recorded, so the committed record does not
        change with what one run happened to export."""
        folder = Path(os.path.abspath(out))
        found = []
        for key, recorded in sorted(self.entries.items()):
            path = self.path(key)
            if not path.is_relative_to(folder) or path.suffix != suffix:
                continue
            expected = self.project.export_path(recorded.lang, recorded.post, out, suffix)
            gone = (recorded.post, recorded.lang) not in live
            if gone or Path(os.path.abspath(expected)) != path:
                if path.is_file():
                    found.append((path, recorded))
                else:
                    del self.entries[key]
        return found

    def folders(self) -> set[Path]:
        """The folders holding recorded files (where their temp files would be)."""
        return {self.path(key).parent for key in self.entries}

    def save(self) -> None:
        """Write the records (atomically) that changed: the local one with every file, the
        committed one with the files inside the project (created only once it has one)."""
        shared = {key: r for key, r in self.entries.items() if _in_project(key)}
        if shared != self._shared_saved and (shared or self._shared_saved is not None):
            atomic_write(shared_record_path(self.project), _shared_text(shared))
            self._shared_saved = shared
        if self.entries == self._saved:
            return
        files = {
            key: {"sha256": r.sha256, "post": r.post, "lang": r.lang}
            for key, r in sorted(self.entries.items())
        }
        text = json.dumps({"version": MANIFEST_VERSION, "files": files}, indent=1) + "\n"
        atomic_write(self.project.exports_manifest_path, text)
        self._saved = dict(self.entries)


def _in_project(key: str) -> bool:
    """Whether a record key names a file inside the project (root-relative, no ``..``)."""
    return not key.startswith("/") and ".." not in key.split("/") and key not in ("", ".")


def _shared_text(entries: dict[str, Recorded]) -> str:
    """The committed record: one line per file, sorted, so merges and diffs stay small."""
    lines = [
        f"  {json.dumps(key, ensure_ascii=False)}: "
        + json.dumps({"lang": r.lang, "post": r.post, "sha256": r.sha256}, ensure_ascii=False)
        for key, r in sorted(entries.items())
    ]
    body = ",\n".join(lines)
    files = f"{{\n{body}\n }}" if lines else "{}"
    return f'{{\n "version": {MANIFEST_VERSION},\n "files": {files}\n}}\n'


def _load_shared(project: Project) -> dict[str, Recorded] | None:
    """The committed record (None when absent); a bad one is a PostlocError naming it."""
    path = shared_record_path(project)
    where = project.relative(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PostlocError(f"cannot read postloc's export record: {exc.strerror}", where) from None
    try:
        parsed = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise PostlocError("postloc's export record is not valid UTF-8", where) from None
    except json.JSONDecodeError as exc:
        raise PostlocError(
            f"postloc's export record does not read as JSON ({exc.msg}; a merge conflict?); "
            "fix it, or delete it and export again",
            where,
            exc.lineno,
        ) from None
    files = parsed.get("files") if isinstance(parsed, dict) else None
    if not isinstance(files, dict) or parsed.get("version") != MANIFEST_VERSION:
        raise PostlocError(
            f"not postloc's export record (version {MANIFEST_VERSION}); fix it, or delete "
            "it and export again",
            where,
        )
    entries: dict[str, Recorded] = {}
    for key, item in files.items():
        fields = item if isinstance(item, dict) else {}
        values = [fields.get(name) for name in ("sha256", "post", "lang")]
        if (
            not _in_project(key)
            or not all(isinstance(value, str) for value in values)
            or not _SHA256.fullmatch(str(values[0]))
        ):
            raise PostlocError(
                f"bad entry {key!r} in postloc's export record (a root-relative path with "
                "sha256, post and lang); fix it, or delete the record and export again",
                where,
            )
        entries[key] = Recorded(*(str(value) for value in values))
    return entries


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
        return target.suffix in (".po", ".pot", ".mo") or target == shared_record_path(project)

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
