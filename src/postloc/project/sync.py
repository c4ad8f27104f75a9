"""``sync``: extract + update + translate + export in one locked, incremental run.

Posts whose source and outputs are unchanged since the last sync (see
:mod:`postloc.project.sync_cache`) are skipped; the rest go through every stage
together, so machine translation still batches across all changed posts.
Everything is read and validated before the first write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polib

from postloc import __version__
from postloc.files import Snapshot, logged_writes
from postloc.mt.drafts import TranslateReport
from postloc.po.state import is_pending
from postloc.project.discovery import Skipped
from postloc.project.drafting import translate
from postloc.project.layout import Project
from postloc.project.manifest import ExportManifest
from postloc.project.outputs import ExportReport, export_project, record_exports, stale_exports
from postloc.project.rewrites import Redo, raise_conflicts
from postloc.project.stages import (
    LoadedPost,
    Notify,
    Progress,
    WriteReport,
    find_posts,
    follow_renames,
    no_notice,
    parse_one,
    plan_catalogues,
    plan_templates,
    remove_orphan_templates,
    write_catalogues,
    write_merged,
)
from postloc.project.sync_cache import SyncCache, fingerprint
from postloc.project.workers import run_in_processes


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What each stage of a sync did."""

    extract: WriteReport
    """Templates written/removed."""
    update: WriteReport
    """Catalogues written by the merge."""
    translate: TranslateReport
    """Machine drafts."""
    translate_writes: WriteReport
    """Catalogues written by translate."""
    export: ExportReport
    """Localized posts."""
    skipped_posts: int
    """Posts unchanged since the last sync, not processed."""
    not_sources: tuple[Skipped, ...] = ()
    """Markdown files of the posts folder that are not source posts, each with its reason
    (:mod:`postloc.project.discovery`)."""

    def to_json(self, project: Project) -> dict[str, Any]:
        def paths(report: WriteReport) -> list[str]:
            return [project.relative(p) for p in report.written]

        return {
            "templates": paths(self.extract),
            "catalogues": sorted(set(paths(self.update) + paths(self.translate_writes))),
            "translate": self.translate.to_json(),
            "exported": [project.relative(p.path) for p in self.export.posts if p.written],
            "skipped": [f"{p.slug}:{p.lang}" for p in self.export.skipped],
            "stale": [project.relative(p) for p in self.export.stale],
            "renamed": [{"from": r.old, "to": r.new} for r in self.extract.renamed],
            "unchanged_posts": self.skipped_posts,
            "not_read": [{"file": s.name, "reason": s.reason} for s in self.not_sources],
        }


def _outputs(project: Project, langs: Sequence[str]) -> list[str]:
    """Root-relative output paths of a post, with ``{slug}`` left to fill."""
    paths = [project.template_path("{slug}")]
    paths += [project.catalogue_path(lang, "{slug}") for lang in langs]
    paths += [project.export_path(lang, "{slug}") for lang in langs]
    return [project.relative(p) for p in paths]


@dataclass(frozen=True, slots=True)
class _LanguageResult:
    """One language's share of a sync (picklable, for ``--jobs``)."""

    update: WriteReport
    translate: TranslateReport
    translate_writes: WriteReport
    export: ExportReport
    pending: dict[str, int]
    wrote: dict[Path, Snapshot]
    """What this language's writes left on disk (:func:`~postloc.files.logged_writes`)."""


def _sync_language(
    project: Project,
    lang: str,
    templates: dict[Path, polib.POFile] | None,
    dirty: Sequence[LoadedPost],
    engine: str | None,
    notify: Notify = no_notice,
    progress: Progress | None = None,
) -> _LanguageResult:
    """Merge, translate and export one language for the changed posts.

    Only this language's catalogues are in memory at a time, which keeps a
    1,000-post sync's peak memory flat however many languages there are.
    """
    if templates is None:  # in a worker process: the templates are on disk already
        templates = {}
        for item in dirty:
            path = project.template_path(item.post.slug)
            template = project.read_catalogue(path)
            if template is not None:
                templates[path] = template
    read: dict[Path, Snapshot] = {}
    redos: dict[Path, Redo] = {}
    with logged_writes() as wrote:
        merged = plan_catalogues(project, templates, [lang], read=read, redos=redos)
        update = write_merged(merged, read, redos)
        slugs = [item.post.slug for item in dirty]
        report, writes = translate(
            project,
            [lang],
            engine,
            notify,
            slugs=slugs,
            loaded=merged,
            read=read,
            redos=redos,
            progress=progress,
        )
        exported = export_project(project, [lang], posts=dirty, loaded=merged, find_stale=False)
    for path in update.redone + writes.redone:
        notify(f"{project.relative(path)}: saved by someone while sync ran; redone on the save")
    pending = {
        item.post.slug: sum(
            1
            for entry in merged.get(project.catalogue_path(lang, item.post.slug)) or ()
            if is_pending(entry)
        )
        for item in dirty
    }
    return _LanguageResult(update, report, writes, exported, pending, wrote)


def _sync_language_job(
    args: tuple[Project, str, Sequence[LoadedPost], str | None],
) -> _LanguageResult:
    project, lang, dirty, engine = args
    return _sync_language(project, lang, None, dirty, engine)


def _validate_catalogues(
    project: Project, langs: Sequence[str], dirty: Sequence[LoadedPost]
) -> None:
    """Parse every catalogue a sync will touch, so bad input fails before the first write."""
    for lang in langs:
        for item in dirty:
            project.read_catalogue(project.catalogue_path(lang, item.post.slug), lang)


def run_sync(
    project: Project,
    languages: Sequence[str] = (),
    engine: str | None = None,
    notify: Notify = no_notice,
    *,
    jobs: int = 1,
    incremental: bool = True,
    progress: Progress | None = None,
) -> SyncResult:
    """The whole pipeline for every post that changed since the last sync."""
    from postloc.mt.engines.registry import routes_for

    langs = project.languages(languages)
    config = project.config
    cache = SyncCache.load(
        config.state_path / "sync-cache.json",
        fingerprint(__version__, config, langs, engine),
    )
    outputs = _outputs(project, langs)
    found = find_posts(project)
    files = found.posts
    slugs: dict[str, str] = {}
    dirty: list[LoadedPost] = []
    for source in files:
        cached = cache.clean_slug(source.name, source.path, project.root, outputs)
        if not incremental or cached != source.identity:
            dirty.append(parse_one(project, source))
        slugs[source.identity] = source.name
    notify(f"{len(dirty)} changed post(s), {len(files) - len(dirty)} unchanged")
    templates = plan_templates(project, dirty)
    _validate_catalogues(project, langs, dirty)
    if dirty:  # a missing engine or unreadable memory fails before anything is written
        from postloc.mt.memory import TranslationMemory

        routes_for(config, langs, engine)
        TranslationMemory(project.memory_path).close()
    renames = follow_renames(project, templates, slugs)  # before the new slug's merge
    with logged_writes() as wrote:  # the sync cache records only what sync left on disk
        extract = write_catalogues(templates.items())
    extract.renamed += renames
    remove_orphan_templates(project, slugs, extract)
    if jobs > 1 and len(langs) > 1 and dirty:
        work = [(project, lang, dirty, engine) for lang in langs]
        results = run_in_processes(_sync_language_job, work, jobs)
    else:
        results = [
            _sync_language(project, lang, templates, dirty, engine, notify, progress)
            for lang in langs
        ]
    del templates
    update, writes, report, exported = (
        WriteReport(),
        WriteReport(),
        TranslateReport(),
        ExportReport(),
    )
    pending: dict[str, int] = {}
    for result in results:
        update.add(result.update)
        writes.add(result.translate_writes)
        wrote.update(result.wrote)
        report.add(result.translate)
        exported.posts += result.export.posts
        for slug, count in result.pending.items():
            pending[slug] = pending.get(slug, 0) + count
    manifest = ExportManifest.load(project)
    record_exports(manifest, exported.posts)
    exported.stale = stale_exports(
        project,
        config.output_path,
        {(slug, lang) for slug in slugs for lang in config.target_languages},
        ".md",
        manifest,
    )
    manifest.save()
    for item in dirty:
        name = item.post.path
        cache.record(
            name,
            item.post.slug,
            item.source,
            project.root,
            [o.format(slug=item.post.slug) for o in outputs],
            pending.get(item.post.slug, 0),
            wrote,
        )
    cache.forget_missing(set(slugs.values()))
    cache.save()
    raise_conflicts(project, update.conflicts + writes.conflicts)
    return SyncResult(
        extract, update, report, writes, exported, len(files) - len(dirty), found.skipped
    )
