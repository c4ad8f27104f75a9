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
from postloc.errors import BadCatalogue, BadPost, PostlocError
from postloc.languages import validate_language


def now_stamp() -> str:
    """Header date for 'now'; ``SOURCE_DATE_EPOCH`` pins it for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.strftime("%Y-%m-%d %H:%M+0000")


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
    def template_path(self, slug: str) -> Path:
        return self.config.locales_path / "templates" / f"{slug}.pot"

    def catalogue_path(self, lang: str, slug: str) -> Path:
        return self.config.locales_path / lang / "LC_MESSAGES" / f"{slug}.po"

    def export_path(
        self, lang: str, slug: str, out: Path | None = None, suffix: str = ".md"
    ) -> Path:
        name = self.config.filename.format(lang=lang, slug=slug)
        if suffix != ".md" and name.endswith(".md"):
            name = name[: -len(".md")] + suffix
        return (out or self.config.output_path) / name

    @property
    def memory_path(self) -> Path:
        return self.config.state_path / "tm.sqlite3"

    @property
    def lock_path(self) -> Path:
        return self.config.state_path / "lock"

    def languages(self, requested: Sequence[str] = ()) -> tuple[str, ...]:
        """Requested target languages (validated) or all configured ones."""
        if not requested:
            return self.config.target_languages
        for lang in requested:
            validate_language(lang)
        return tuple(dict.fromkeys(requested))

    # --- source posts ---------------------------------------------------------
    def post_files(self) -> list[Path]:
        """Markdown files in the posts folder, sorted; links leading outside the project refused."""
        folder = self.config.posts_path
        if not folder.is_dir():
            raise PostlocError("posts folder not found", path=self.relative(folder))
        root = self.root.resolve()
        files = []
        for path in sorted(folder.glob("*.md")):
            try:
                real = path.resolve(strict=False)
            except (RuntimeError, OSError):
                raise BadPost("symlink loop", path=self.relative(path)) from None
            if not real.is_relative_to(root):
                raise BadPost(
                    "links outside the project; refusing to read it", path=self.relative(path)
                )
            if real.is_file():
                files.append(path)
        return files

    def read_post_bytes(self, path: Path) -> bytes:
        """A post's bytes, at most one past the size limit: ``parse_post`` refuses it then."""
        from postloc.markdown.parse import MAX_POST_BYTES

        with path.open("rb") as file:
            return file.read(MAX_POST_BYTES + 1)

    # --- catalogues -------------------------------------------------------------
    def read_catalogue(self, path: Path, lang: str | None = None) -> polib.POFile | None:
        """Parse a ``.po``/``.pot`` (None when absent); a wrong ``Language`` header is an error."""
        from postloc.po.read import read_po

        where = self.relative(path)
        try:
            real = path.resolve(strict=False)
        except (RuntimeError, OSError):
            raise BadCatalogue("symlink loop", path=where) from None
        if not real.is_relative_to(self.root.resolve()):
            raise BadCatalogue("links outside the project; refusing to read it", path=where)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
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
        return po
