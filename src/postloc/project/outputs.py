"""Export a whole project: every post × language to the output folder, stale files reported.

The per-post policy lives in :mod:`postloc.export.post`; this module owns where the
files go, what counts as stale (a recorded export whose post or language is gone) and
``--prune``. What postloc may overwrite or delete is :mod:`postloc.project.manifest`'s rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib

from postloc.export.post import ExportOutcome, ExportPolicy, Format, Unsafe, export_post
from postloc.export.urls import UrlRules
from postloc.files import atomic_write, remove_file
from postloc.project.layout import Project
from postloc.project.manifest import REFUSED, ExportManifest, Verdict, digest, refusal
from postloc.project.stages import LoadedPost, find_posts, load_posts, parse_one


@dataclass(frozen=True, slots=True)
class PostExport:
    """One post × language result."""

    slug: str
    """The post's identity (``posts/hugo/faq``)."""
    lang: str
    """Target language."""
    path: Path
    """Where the localized post goes."""
    outcome: ExportOutcome
    """Counts, and the text unless below threshold."""
    written: bool
    """True when the file content changed on disk."""
    refused: Verdict | None = None
    """Why the file was left alone (not postloc's, edited, a source post); None otherwise."""
    sha256: str | None = None
    """Hash of the bytes postloc wrote (or found already there) to record; None if none."""

    @property
    def refusal(self) -> str | None:
        """The refusal as the one-line notice says it."""
        return refusal(self.refused, self.lang) if self.refused else None


@dataclass(frozen=True, slots=True)
class Refused:
    """An export target ``export`` leaves alone (``status`` lists them)."""

    slug: str
    """The post's identity."""
    lang: str
    """Target language."""
    path: Path
    """The file in the way."""
    verdict: Verdict
    """Why: ``foreign``, ``edited`` or ``source``."""

    def describe(self, project: Project) -> str:
        """The same line ``export`` prints for it."""
        return f"not written: {project.relative(self.path)} ({refusal(self.verdict, self.lang)})"

    def to_json(self, project: Project) -> dict[str, object]:
        return {
            "refused": True,
            "file": project.relative(self.path),
            "post": self.slug,
            "lang": self.lang,
            "reason": refusal(self.verdict, self.lang),
        }


@dataclass(slots=True)
class ExportReport:
    """Everything ``export`` did or noticed."""

    posts: list[PostExport] = field(default_factory=list)
    """One row per post × language."""
    stale: list[Path] = field(default_factory=list)
    """Exported files whose post or language no longer exists."""
    pruned: list[Path] = field(default_factory=list)
    """Stale files removed (``--prune``)."""
    kept: list[Path] = field(default_factory=list)
    """Stale files ``--prune`` left alone: edited since postloc wrote them."""
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
    def unsafe(self) -> list[tuple[PostExport, Unsafe]]:
        """Translations shown in the source language because, assembled, they would fail the
        document check (:class:`postloc.export.post.Unsafe`), each with its post × language."""
        return [(p, item) for p in self.posts for item in p.outcome.unsafe]

    @property
    def refused(self) -> list[PostExport]:
        """Post × language pairs left alone: the target is a person's (or a source post)."""
        return [p for p in self.posts if p.refused]

    @property
    def nothing_exported(self) -> bool:
        """The threshold left nothing to write although there were posts (``--strict`` fails)."""
        return bool(self.posts) and len(self.skipped) == len(self.posts)


def stale_exports(
    project: Project,
    out: Path,
    live: set[tuple[str, str]],
    suffix: str,
    manifest: ExportManifest | None = None,
) -> list[Path]:
    """Recorded exports under ``out`` for a (post identity, lang) that is gone (or renamed by a new
    ``filename`` pattern); files postloc did not write are never stale."""
    manifest = manifest or ExportManifest.load(project)
    return [path for path, _ in manifest.stale(out, live, suffix)]


def record_exports(manifest: ExportManifest, posts: Sequence[PostExport]) -> None:
    """Note in ``manifest`` every file an export wrote or found already right."""
    for item in posts:
        if item.sha256 is not None:
            manifest.record(item.path, item.sha256, item.slug, item.lang)


def prune_stale(manifest: ExportManifest, report: ExportReport) -> None:
    """Delete the stale files whose bytes are still what postloc wrote; keep edited ones."""
    for path in report.stale:
        if manifest.removable(path) == "ours":
            if remove_file(path):
                report.pruned.append(path)
            manifest.forget(path)
        else:
            report.kept.append(path)


def _write(
    manifest: ExportManifest, path: Path, text: str
) -> tuple[bool, Verdict | None, str | None]:
    """Write one export if the target may be written: (written, refused, sha256)."""
    payload = text.encode("utf-8")
    verdict = manifest.verdict(path, payload)
    if verdict in REFUSED:
        return False, verdict, None
    return atomic_write(path, payload), None, digest(payload)


def _outcome(
    project: Project,
    item: LoadedPost,
    catalogue: polib.POFile | None,
    lang: str,
    policy: ExportPolicy,
    threshold: float,
    fmt: Format = "md",
) -> ExportOutcome:
    """One post × language through the export policy."""
    return export_post(
        item.post,
        item.segments,
        catalogue,
        lang,
        policy=policy,
        min_translated=threshold,
        fmt=fmt,
        rules=project.config.extraction,
        urls=UrlRules.of(project.config),
    )


def refused_exports(project: Project, languages: Sequence[str] = ()) -> list[Refused]:
    """The configured exports (``output_dir``, ``filename``, Markdown) that ``export`` would
    leave alone now: their target is a source post, a file postloc did not write, or one
    edited since, and does not already hold what export would write (that one is adopted).
    A target in the way is listed even while the threshold holds its post back.

    Only posts with a target in the way are parsed, so ``status`` stays cheap."""
    config = project.config
    langs = project.languages(languages)
    manifest = ExportManifest.load(project)
    policy = ExportPolicy.of(config)
    found: list[Refused] = []
    for source in find_posts(project).posts:
        item: LoadedPost | None = None
        for lang in langs:
            path = project.export_path(lang, source.identity)
            standing = manifest.standing(path)
            if standing not in REFUSED:
                continue
            if standing != "source":
                item = item or parse_one(project, source)
                catalogue = project.read_catalogue(project.catalogue_path(lang, source.identity))
                outcome = _outcome(project, item, catalogue, lang, policy, config.min_translated)
                text = outcome.text
                if text is not None and manifest.verdict(path, text.encode()) == "same":
                    continue
            found.append(Refused(source.identity, lang, path, standing))
    return found


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
    sources: set[Path] | None = None,
) -> ExportReport:
    """Write every localized post; report (and with ``prune`` delete) stale ones.

    ``reviewed_only`` True shows reviewed translations only, False forces machine drafts in,
    None follows ``[export]`` (:meth:`ExportPolicy.of`). ``posts`` limits the export to
    already-parsed posts (incremental sync); ``loaded`` passes catalogues already in memory.
    A target postloc did not write (or that was edited since) is left alone and reported.
    With ``find_stale`` False (a sync language, maybe in a worker) the record is not written:
    the caller records the report's files (:func:`record_exports`). ``sources``: the source
    posts' resolved paths when the caller has listed them (no export may land on one).
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
    manifest = ExportManifest.load(project, sources)
    for item in posts:
        for lang in langs:
            outcome = _outcome(
                project, item, catalogues[(item.post.slug, lang)], lang, policy, threshold, fmt
            )
            path = targets[(item.post.slug, lang)]
            written, refused, sha256 = False, None, None
            if outcome.text is not None:
                written, refused, sha256 = _write(manifest, path, outcome.text)
            report.posts.append(
                PostExport(item.post.slug, lang, path, outcome, written, refused, sha256)
            )
    if not find_stale:
        return report
    record_exports(manifest, report.posts)
    live = {(item.post.slug, lang) for item in posts for lang in config.target_languages}
    report.stale = stale_exports(project, target, live, suffix, manifest)
    if prune:
        prune_stale(manifest, report)
    manifest.save()
    return report
