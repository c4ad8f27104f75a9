"""Which files of the posts folder are source posts, and why each other Markdown file is not.

``posts_dir`` is searched as Hugo and Jekyll search their content: recursively, through
sections, page bundles (``x/index.md``), section pages (``_index.md``), ``.md`` and
``.markdown`` files. A post's identity is its path in the folder without the extension
(and without a source-language suffix: Hugo's ``x.fr.md``), made a safe catalogue name
(:mod:`postloc.markdown.slug`).

Files that are translations, not sources, are never read as posts: ``x.<lang>.md`` for
any language but the source's, a top folder named after a target language
(``content/en/``), the output and locales folders when they sit inside ``posts_dir``, and
the files postloc's export record says it wrote. Each such Markdown file comes back as a
:class:`Skipped` with its reason, for ``sync -v`` and ``status`` to report; hidden files
and folders (``.git``, ``.postloc``) and files that are not Markdown (a bundle's images)
are passed over without a word.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final

from postloc.errors import BadPost, PostlocError, UnknownLanguage
from postloc.languages import validate_language
from postloc.markdown.slug import identity_of, markdown_stem
from postloc.project.layout import Project

_LANGUAGE_SHAPE: Final = re.compile(r"[a-z]{2,3}(?:_[a-z0-9]{2,8})*")
"""What a language suffix may look like before Babel is asked (``en``, ``pt-br``, ``zh-hans``)."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A source post found in the posts folder."""

    path: Path
    """The file, as found under the posts folder (a link is not resolved)."""
    name: str
    """Root-relative posix path: what PO references and messages show."""
    identity: str
    """Its identity (``posts/hugo/faq``): names its template, catalogues and exports."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A Markdown file of the posts folder that is not read as a source post."""

    path: Path
    """The file."""
    name: str
    """Root-relative posix path."""
    reason: str
    """Why it is not a source, for the user (``a translation into en: …``)."""

    def describe(self) -> str:
        """One line for ``sync -v`` and ``status``."""
        return f"not read: {self.name} ({self.reason})"


@dataclass(frozen=True, slots=True)
class Discovery:
    """What :func:`discover` found: the posts and the Markdown files left out, each sorted
    by path."""

    posts: tuple[SourceFile, ...]
    """The source posts, by posix path (code-point order)."""
    skipped: tuple[Skipped, ...]
    """Markdown files that are not sources, each once, with its reason."""


def _normal(code: str) -> str:
    """A language code compared as Hugo writes it in file names: ``pt-BR`` = ``pt_br``."""
    return code.replace("-", "_").lower()


def _is_language(code: str) -> bool:
    """Whether a file-name suffix is a language code Babel knows."""
    normal = _normal(code)
    if _LANGUAGE_SHAPE.fullmatch(normal) is None:
        return False
    try:
        validate_language(normal)
    except UnknownLanguage:
        return False
    return True


@dataclass(frozen=True, slots=True)
class _Rules:
    """The project's settings that classify a path, worked out once per walk."""

    source: str
    """The source language, normalized."""
    targets: dict[str, str]
    """Target languages, normalized → as configured."""
    folders: dict[PurePosixPath, str]
    """Folders inside the posts folder that hold no sources (output, locales) → reason."""

    @classmethod
    def of(cls, project: Project) -> _Rules:
        config = project.config
        posts = _lexical(config.posts_path)
        folders: dict[PurePosixPath, str] = {}
        for path, what in ((config.locales_path, "locales"), (config.output_path, "output")):
            folder = _lexical(path)
            if folder != posts and folder.is_relative_to(posts):
                shown = project.relative(folder)
                folders[PurePosixPath(folder.relative_to(posts).as_posix())] = (
                    f"in the {what} folder {shown}/, where postloc writes"
                )
        targets = {_normal(lang): lang for lang in config.target_languages}
        return cls(_normal(config.source_language), targets, folders)

    def folder_reason(self, relative: PurePosixPath) -> str | None:
        """Why nothing under the folder ``relative`` (to the posts folder) is a source."""
        if relative in self.folders:
            return self.folders[relative]
        if len(relative.parts) == 1 and _normal(relative.name) in self.targets:
            lang = self.targets[_normal(relative.name)]
            return f"in the {relative.name}/ folder, the content of target language {lang}"
        return None

    def file(self, relative: PurePosixPath) -> tuple[str | None, str | None]:
        """(identity, None) for a source post at ``relative``, (None, reason) for a Markdown
        file that is not one, (None, None) for a file that is not Markdown at all."""
        stem = markdown_stem(relative.name)
        if stem is None:
            return None, None
        head, dot, suffix = stem.rpartition(".")
        if dot and head and _is_language(suffix):
            code = _normal(suffix)
            if code == self.source:
                stem = head
            elif code in self.targets:
                return None, (
                    f"a translation into {self.targets[code]}: its file name ends in .{suffix}"
                )
            else:
                return None, (
                    f"its file name marks it as language {suffix}, not the source "
                    f"language {self.source}"
                )
        return identity_of((relative.parent / stem).as_posix()), None


def discover(project: Project, exported: Collection[str] = ()) -> Discovery:
    """Walk the posts folder: its source posts and the Markdown files that are not sources.

    ``exported`` are the root-relative paths postloc's export record holds
    (:class:`postloc.project.manifest.ExportManifest`): such files are skipped too. A link
    leading outside the project, or a loop of links, is a :class:`BadPost` naming it; two
    files with one identity (``a.md`` and ``a.markdown``, ``x.md`` and ``x.fr.md``,
    ``Été.md`` and ``ete.md``) are a :class:`BadPost` naming both.
    """
    folder = project.config.posts_path
    if not folder.is_dir():
        raise PostlocError("posts folder not found", path=project.relative(folder))
    if not _real(project, folder).is_relative_to(project.root.resolve()):
        raise BadPost(
            "is outside the project (or links out of it); refusing to read posts there",
            path=project.relative(folder),
        )
    rules = _Rules.of(project)
    recorded = set(exported)
    posts: list[SourceFile] = []
    skipped: list[Skipped] = []
    found = sorted(_walk(project, rules, folder), key=lambda item: item[0].as_posix())
    for relative, path, folder_reason in found:
        name = project.relative(path)
        identity, reason = rules.file(relative)
        if identity is None and reason is None:
            continue
        if folder_reason is not None:
            reason = folder_reason
        elif project.relative(_lexical(path)) in recorded:
            reason = "exported by postloc (in its export record)"
        if reason is not None:
            skipped.append(Skipped(path, name, reason))
        elif identity is not None:
            posts.append(SourceFile(path, name, identity))
    _refuse_collisions(posts)
    return Discovery(tuple(posts), tuple(skipped))


def would_be_source(project: Project, path: Path) -> bool:
    """Whether a file at ``path`` would be read as a source post (a Markdown file of the
    posts folder that no rule skips): an export must never be written there."""
    posts = _lexical(project.config.posts_path)
    target = _lexical(path)
    if target == posts or not target.is_relative_to(posts):
        return False
    relative = PurePosixPath(target.relative_to(posts).as_posix())
    if any(part.startswith(".") for part in relative.parts):
        return False
    rules = _Rules.of(project)
    for depth in range(1, len(relative.parts)):
        if rules.folder_reason(PurePosixPath(*relative.parts[:depth])) is not None:
            return False
    identity, _reason = rules.file(relative)
    return identity is not None


def _refuse_collisions(posts: list[SourceFile]) -> None:
    """Two files with one identity would share catalogues: name both."""
    seen: dict[str, str] = {}
    for post in posts:
        first = seen.setdefault(post.identity, post.name)
        if first != post.name:
            raise BadPost(
                f"its catalogue name {post.identity!r} is also that of {first} (names are "
                "compared in lowercase, without accents or punctuation); rename one of them",
                path=post.name,
            )


Found = tuple[PurePosixPath, Path, str | None]
"""A file under the posts folder: path relative to it, the file, and the reason of the
folder that excludes it (None when its folder does not)."""


def _walk(project: Project, rules: _Rules, folder: Path) -> Iterator[Found]:
    """Every non-hidden file under ``folder``, following links that stay in the project."""
    root = project.root.resolve()
    stack: list[tuple[Path, PurePosixPath, str | None, frozenset[Path]]] = [
        (folder, PurePosixPath(), None, frozenset({_real(project, folder)}))
    ]
    while stack:
        current, relative, excluded, ancestors = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda entry: entry.name)
        except OSError as exc:
            raise BadPost(
                f"cannot read the folder: {exc.strerror}", path=project.relative(current)
            ) from None
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path, inner = current / entry.name, relative / entry.name
            if excluded is not None:  # only listed for the report: no link followed
                if entry.is_dir(follow_symlinks=False):
                    stack.append((path, inner, excluded, ancestors))
                elif markdown_stem(entry.name) is not None:
                    yield inner, path, excluded
                continue
            if entry.is_symlink():
                real = _real(project, path)
                if not real.is_relative_to(root):
                    if real.is_dir() or markdown_stem(entry.name) is not None:
                        raise BadPost(
                            "links outside the project; refusing to read it",
                            path=project.relative(path),
                        )
                    continue  # a bundle's image linked from elsewhere: not read anyway
                is_dir, is_file = real.is_dir(), real.is_file()
            else:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file(follow_symlinks=False)
                real = _real(project, path) if is_dir else path
            if is_dir:
                if real in ancestors:
                    raise BadPost("symlink loop", path=project.relative(path))
                reason = rules.folder_reason(inner)
                stack.append((path, inner, reason, ancestors | {real}))
            elif is_file:
                yield inner, path, None


def _real(project: Project, path: Path) -> Path:
    """Where ``path`` leads once every link is followed; a loop is a BadPost naming it."""
    try:
        return path.resolve(strict=False)
    except (RuntimeError, OSError):
        raise BadPost("symlink loop", path=project.relative(path)) from None


def _lexical(path: Path) -> Path:
    """``path`` absolute with ``.`` and ``..`` folded as written, no link followed."""
    return Path(os.path.abspath(path))
