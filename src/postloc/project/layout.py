"""The project on disk: where posts, templates, catalogues and exports live, and loading them.

Everything path-shaped is here (docs/architecture.md, "House style": paths belong
to this layer and the CLI); the stages call these helpers and stay free of path logic.
Loading validates before anything is written, so bad input never leaves a
half-updated project.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polib

from postloc.config import Config
from postloc.errors import BadCatalogue, UnsafePath
from postloc.files import Snapshot, read_snapshot
from postloc.languages import site_language, validate_language


def now() -> datetime:
    """'Now' in UTC; ``SOURCE_DATE_EPOCH`` pins it for reproducible builds (header dates,
    whether a post's publish date has come)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)


def now_stamp() -> str:
    """Header date for :func:`now`."""
    return now().strftime("%Y-%m-%d %H:%M+0000")


@dataclass(frozen=True, slots=True)
class Project:
    """A configured project root and its layout."""

    config: Config
    """Resolved settings (paths are relative to ``config.root``)."""

    @property
    def root(self) -> Path:
        return self.config.root

    def relative(self, path: Path) -> str:
        """A path as shown to users and written in PO references (posix, root-relative)."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    # --- layout ---------------------------------------------------------------
    # A post's identity (``posts/hugo/faq``, :mod:`postloc.markdown.slug`) may hold ``/``:
    # its template and catalogues sit in the matching subfolders.
    @property
    def templates_folder(self) -> Path:
        return self.config.locales_path / "templates"

    def catalogues_folder(self, lang: str) -> Path:
        return self.config.locales_path / lang / "LC_MESSAGES"

    def template_path(self, slug: str) -> Path:
        return self.templates_folder / f"{slug}.pot"

    def catalogue_path(self, lang: str, slug: str) -> Path:
        return self.catalogues_folder(lang) / f"{slug}.po"

    def template_paths(self) -> list[Path]:
        """The templates on disk, sorted by identity."""
        return _files(self.templates_folder, ".pot")

    def catalogue_paths(self, lang: str) -> list[Path]:
        """The catalogues of ``lang`` on disk, sorted by identity."""
        return _files(self.catalogues_folder(lang), ".po")

    def template_identity(self, path: Path) -> str:
        """The identity of the post a template is made for (its path in the templates folder)."""
        return _identity(self.templates_folder, path, ".pot")

    def catalogue_identity(self, lang: str, path: Path) -> str:
        """The identity of the post a catalogue of ``lang`` is made for."""
        return _identity(self.catalogues_folder(lang), path, ".po")

    def remove_empty_folders(self, path: Path) -> None:
        """After ``path`` was removed or moved away, remove the folders it leaves empty, up
        to (not including) the templates folder or a language's catalogue folder."""
        stops = {self.templates_folder} | {
            self.catalogues_folder(lang) for lang in self.config.target_languages
        }
        folder = path.parent
        while folder not in stops and any(folder.is_relative_to(stop) for stop in stops):
            try:
                folder.rmdir()
            except OSError:  # not empty (or not ours to remove): stop there
                return
            folder = folder.parent

    def export_path(
        self, lang: str, slug: str, out: Path | None = None, suffix: str = ".md"
    ) -> Path:
        name = self.config.filename.format(lang=site_language(lang, self.config.site), slug=slug)
        if suffix != ".md" and name.endswith(".md"):
            name = name[: -len(".md")] + suffix
        return (out or self.config.output_path) / name

    @property
    def memory_path(self) -> Path:
        return self.config.state_path / "tm.sqlite3"

    @property
    def lock_path(self) -> Path:
        return self.config.state_path / "lock"

    @property
    def exports_manifest_path(self) -> Path:
        """The record of what postloc exported (:mod:`postloc.project.manifest`)."""
        return self.config.state_path / "exports.json"

    # --- where writes may go -------------------------------------------------------
    def safe_target(self, path: Path, out: Path | None = None) -> Path:
        """``path``, once sure that writing it follows no symbolic link out of the project
        or, for a file of the output folder (``out``, by default ``output_dir``), out of it.

        The one containment rule for writes. Links that stay inside are fine, and so is
        an output folder configured outside the project; only the folders on the way
        are checked, since :func:`~postloc.files.atomic_write` replaces a file that is a
        link instead of following it. Raises :class:`UnsafePath` naming the link.
        """
        root = _lexical(self.root)
        output = _lexical(out or self.config.output_path)
        target = _lexical(path)
        if target.is_relative_to(output):
            if output.is_relative_to(root):
                self._refuse_links(root, output, "the project")
            self._refuse_links(output, target.parent, "the output folder")
        else:
            self._refuse_links(root, target.parent, "the project")
        return path

    def check_write_folders(self) -> None:
        """Apply :meth:`safe_target` to every folder a writing command may write in:
        ``.postloc/``, templates, each language's catalogues and exports (``{slug}`` folders
        of a filename pattern are checked per export). Called before the lock is taken,
        so a refused layout has nothing written, swept or locked."""
        probe = "x"  # any slug: only the folders on the way matter
        paths = [self.lock_path, self.template_path(probe)]
        for lang in self.config.target_languages:
            paths += [self.catalogue_path(lang, probe), self.export_path(lang, probe)]
        for path in paths:
            self.safe_target(path)

    def _refuse_links(self, base: Path, folder: Path, inside: str) -> None:
        """Raise UnsafePath for the first folder from ``base`` down to ``folder`` that is a
        symbolic link leading out of ``base`` (``inside`` names it for the user)."""
        if not folder.is_relative_to(base):
            raise UnsafePath(f"outside {inside}; refusing to write", path=self.relative(folder))
        current = base
        for part in folder.relative_to(base).parts:
            current = current / part
            if current.is_symlink():  # one lstat per folder; resolving only for links
                real, allowed = _real(current), _real(base)
                if real is None or allowed is None or not real.is_relative_to(allowed):
                    raise UnsafePath(
                        f"is a symbolic link leading outside {inside}; "
                        "refusing to write through it",
                        path=self.relative(current),
                    )

    def languages(self, requested: Sequence[str] = ()) -> tuple[str, ...]:
        """Requested target languages (validated) or all configured ones."""
        if not requested:
            return self.config.target_languages
        for lang in requested:
            validate_language(lang)
        return tuple(dict.fromkeys(requested))

    # --- source posts ---------------------------------------------------------
    def read_post_bytes(self, path: Path) -> bytes:
        """A post's bytes, at most one past the size limit: ``parse_post`` refuses it then."""
        return self.read_post(path)[0]

    def read_post(self, path: Path) -> tuple[bytes, Snapshot]:
        """:meth:`read_post_bytes` and the identity of those bytes (what the sync cache
        records as processed, never a later edit)."""
        from postloc.markdown.parse import MAX_POST_BYTES

        with path.open("rb") as file:
            mtime_ns = os.fstat(file.fileno()).st_mtime_ns
            data = file.read(MAX_POST_BYTES + 1)
        return data, Snapshot.of_bytes(data, mtime_ns)

    # --- catalogues -------------------------------------------------------------
    def read_catalogue(self, path: Path, lang: str | None = None) -> polib.POFile | None:
        """Parse a ``.po``/``.pot`` (None when absent); a wrong ``Language`` header is an error."""
        return self.read_catalogue_snapshot(path, lang)[0]

    def read_catalogue_snapshot(
        self, path: Path, lang: str | None = None
    ) -> tuple[polib.POFile | None, Snapshot]:
        """:meth:`read_catalogue`, with the identity of the bytes parsed: a rewrite passes it
        to :func:`~postloc.files.atomic_write` as ``expected``, so a save made meanwhile is
        never overwritten."""
        from postloc.po.read import read_po

        where = self.relative(path)
        try:
            real = path.resolve(strict=False)
        except (RuntimeError, OSError):
            raise BadCatalogue("symlink loop", path=where) from None
        if not real.is_relative_to(self.root.resolve()):
            raise BadCatalogue("links outside the project; refusing to read it", path=where)
        data, snapshot = read_snapshot(path)
        if data is None:
            return None, snapshot
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise BadCatalogue("not valid UTF-8", path=where, line=line) from None
        po = read_po(text, where)
        declared = po.metadata.get("Language", "")
        if lang is not None and declared and declared != lang:
            raise BadCatalogue(
                f"header declares Language {declared!r} but the file is in the {lang!r} folder",
                path=where,
            )
        return po, snapshot


def _files(folder: Path, suffix: str) -> list[Path]:
    """Files named ``*<suffix>`` under ``folder`` (hidden ones aside), sorted by their posix
    path in it; linked folders are not entered."""
    if not folder.is_dir():
        return []
    found = (
        path
        for path in folder.rglob(f"*{suffix}")
        if not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )
    return sorted(found, key=lambda path: path.relative_to(folder).as_posix())


def _identity(folder: Path, path: Path, suffix: str) -> str:
    return path.relative_to(folder).as_posix().removesuffix(suffix)


def _lexical(path: Path) -> Path:
    """``path`` made absolute with ``.`` and ``..`` folded as written, no link followed
    (``../site`` stays outside the project even if a link would lead back in)."""
    return Path(os.path.abspath(path))


def _real(path: Path) -> Path | None:
    """Where ``path`` leads once every link is followed; None for a link loop."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return None
