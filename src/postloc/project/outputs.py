"""Export a whole project: every post × language to the output folder, stale files reported.

The per-post policy lives in :mod:`postloc.export.post`; this module owns where the
files go, what counts as stale (an export whose post or language is gone) and
``--prune``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib

from postloc.export.post import ExportOutcome, ExportPolicy, Format, export_post
from postloc.files import atomic_write, remove_file
from postloc.markdown.slug import SLUG_PATTERN
from postloc.project.layout import Project
from postloc.project.stages import LoadedPost, load_posts


@dataclass(frozen=True, slots=True)
class PostExport:
    """One post × language result."""

    slug: str
    """Post slug."""
    lang: str
    """Target language."""
    path: Path
    """Where the localized post goes."""
    outcome: ExportOutcome
    """Counts, and the text unless below threshold."""
    written: bool
    """True when the file content changed on disk."""


@dataclass(slots=True)
class ExportReport:
    """Everything ``export`` did or noticed."""

    posts: list[PostExport] = field(default_factory=list)
    """One row per post × language."""
    stale: list[Path] = field(default_factory=list)
    """Exported files whose post or language no longer exists."""
    pruned: list[Path] = field(default_factory=list)
    """Stale files removed (``--prune``)."""
    min_translated: float | None = None
    """The threshold the posts were held to; None when the configuration's (sync)."""
    policy: ExportPolicy | None = None
    """The translations the posts could use; None when the configuration's (sync)."""
    reviewed_only: bool = False
    """Whether ``--reviewed-only`` was asked (the summary names it)."""

    @property
    def skipped(self) -> list[PostExport]:
        """Post × language pairs below the threshold, so not written."""
        return [p for p in self.posts if p.outcome.text is None]

    @property
    def nothing_exported(self) -> bool:
        """The threshold left nothing to write although there were posts (``--strict`` fails)."""
        return bool(self.posts) and len(self.skipped) == len(self.posts)


def _pattern_regex(pattern: str, suffix: str) -> re.Pattern[str]:
    """The export filename pattern as a regex; ``{slug}`` matches lazily (``*?``)."""
    if suffix != ".md" and pattern.endswith(".md"):
        pattern = pattern[: -len(".md")] + suffix
    parts = re.split(r"(\{lang\}|\{slug\})", pattern)
    regex = "".join(
        "(?P<lang>[A-Za-z_]+)"
        if p == "{lang}"
        else f"(?P<slug>{SLUG_PATTERN}?)"
        if p == "{slug}"
        else re.escape(p)
        for p in parts
    )
    return re.compile(regex + r"\Z")


def stale_exports(
    project: Project, out: Path, live: set[tuple[str, str]], suffix: str
) -> list[Path]:
    """Files under ``out`` matching the filename pattern for a (slug, lang) that is gone."""
    if not out.is_dir():
        return []
    regex = _pattern_regex(project.config.filename, suffix)
    stale = []
    for path in sorted(out.rglob(f"*{suffix}")):
        match = regex.match(path.relative_to(out).as_posix())
        if match and (match["slug"], match["lang"]) not in live:
            stale.append(path)
    return stale


def export_project(
    project: Project,
    languages: Sequence[str] = (),
    *,
    out: Path | None = None,
    reviewed_only: bool | None = None,
    min_translated: float | None = None,
    fmt: Format = "md",
    prune: bool = False,
    posts: Sequence[LoadedPost] | None = None,
    loaded: Mapping[Path, polib.POFile] | None = None,
    find_stale: bool = True,
) -> ExportReport:
    """Write every localized post; report (and with ``prune`` delete) stale ones.

    ``reviewed_only`` True shows reviewed translations only, False forces machine drafts in,
    None follows ``[export]`` (:meth:`ExportPolicy.of`). ``posts`` limits the export to
    already-parsed posts (incremental sync); ``loaded`` passes catalogues already in memory.
    """
    config = project.config
    langs = project.languages(languages)
    policy = ExportPolicy.of(config, reviewed_only=reviewed_only)
    threshold = config.min_translated if min_translated is None else min_translated
    suffix = ".html" if fmt == "html" else ".md"
    target = out or config.output_path
    if posts is None:
        posts = load_posts(project)
    catalogues: dict[tuple[str, str], polib.POFile | None] = {}
    targets: dict[tuple[str, str], Path] = {}  # every one checked before the first write
    for item in posts:
        for lang in langs:
            path = project.catalogue_path(lang, item.post.slug)
            known = loaded.get(path) if loaded is not None else None
            catalogues[(item.post.slug, lang)] = known or project.read_catalogue(path, lang)
            exported = project.export_path(lang, item.post.slug, target, suffix)
            targets[(item.post.slug, lang)] = project.safe_target(exported, target)
    report = ExportReport(
        min_translated=threshold, policy=policy, reviewed_only=bool(reviewed_only)
    )
    for item in posts:
        for lang in langs:
            outcome = export_post(
                item.post,
                item.segments,
                catalogues[(item.post.slug, lang)],
                lang,
                policy=policy,
                min_translated=threshold,
                fmt=fmt,
            )
            path = targets[(item.post.slug, lang)]
            written = outcome.text is not None and atomic_write(path, outcome.text)
            report.posts.append(PostExport(item.post.slug, lang, path, outcome, written))
    if not find_stale:
        return report
    live = {(item.post.slug, lang) for item in posts for lang in config.target_languages}
    report.stale = stale_exports(project, target, live, suffix)
    if prune:
        report.pruned = [path for path in report.stale if remove_file(path)]
    return report
