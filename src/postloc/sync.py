"""``sync``: extract + update + translate + export in one locked, incremental run.

Posts whose source and outputs are unchanged since the last sync (see
:mod:`postloc.synccache`) are skipped; the rest go through every stage
together, so machine translation still batches across all changed posts.
Everything is read and validated before the first write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polib

from . import __version__
from .errors import BadPost
from .files import atomic_write, remove_file
from .pipeline import (
    LoadedPost,
    Notify,
    WriteReport,
    _quiet,
    dump,
    parse_one,
    plan_catalogues,
    plan_templates,
    translate,
)
from .project import Project
from .publish import ExportReport, export_project
from .synccache import SyncCache, fingerprint
from .translate import TranslateReport, is_pending


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
            "unchanged_posts": self.skipped_posts,
        }


def _outputs(project: Project, langs: Sequence[str]) -> list[str]:
    """Root-relative output paths of a post, with ``{slug}`` left to fill."""
    paths = [project.template_path("{slug}")]
    paths += [project.catalogue_path(lang, "{slug}") for lang in langs]
    paths += [project.export_path(lang, "{slug}") for lang in langs]
    return [project.relative(p) for p in paths]


def run_sync(
    project: Project,
    languages: Sequence[str] = (),
    engine: str | None = None,
    notify: Notify = _quiet,
    *,
    jobs: int = 1,
    incremental: bool = True,
) -> SyncResult:
    """The whole pipeline for every post that changed since the last sync."""
    langs = project.languages(languages)
    config = project.config
    cache = SyncCache.load(
        config.state_path / "sync-cache.json",
        fingerprint(__version__, config, langs, engine),
    )
    outputs = _outputs(project, langs)
    files = project.post_files()
    slugs: dict[str, str] = {}
    dirty: list[LoadedPost] = []
    for path in files:
        name = project.relative(path)
        slug = cache.clean_slug(name, path, project.root, outputs) if incremental else None
        if slug is None:
            item = parse_one(project, path)
            dirty.append(item)
            slug = item.post.slug
        if slug in slugs:
            raise BadPost(f"slug {slug!r} is also used by {slugs[slug]}", path=name)
        slugs[slug] = name
    notify(f"{len(dirty)} changed post(s), {len(files) - len(dirty)} unchanged")
    templates = plan_templates(project, dirty)
    catalogues = plan_catalogues(project, templates, langs)
    extract = WriteReport()
    for path, po in templates.items():
        if atomic_write(path, dump(po)):
            extract.written.append(path)
        else:
            extract.unchanged += 1
    template_dir = config.locales_path / "templates"
    live = {project.template_path(slug) for slug in slugs}
    for path in sorted(template_dir.glob("*.pot")) if template_dir.is_dir() else []:
        if path not in live:
            remove_file(path)
            extract.removed.append(path)
    del templates
    update = WriteReport()
    merged: dict[Path, polib.POFile] = {}
    for path, (po, _old) in catalogues.items():
        merged[path] = po
        if atomic_write(path, dump(po)):
            update.written.append(path)
        else:
            update.unchanged += 1
    del catalogues
    dirty_slugs = [item.post.slug for item in dirty]
    report, writes = translate(
        project, langs, engine, notify, slugs=dirty_slugs, jobs=jobs, loaded=merged
    )
    if jobs > 1:  # drafts were written by worker processes
        merged = {}
    exported = export_project(
        project, langs, posts=dirty, live_slugs=set(slugs), loaded=merged
    )
    for item in dirty:
        pending = 0
        for lang in langs:
            path = project.catalogue_path(lang, item.post.slug)
            po = merged.get(path) or project.read_catalogue(path, lang)
            pending += sum(1 for entry in po or () if is_pending(entry))
        name = item.post.path
        cache.record(
            name,
            item.post.slug,
            project.root / name,
            project.root,
            [o.format(slug=item.post.slug) for o in outputs],
            pending,
        )
    cache.forget_missing(set(slugs.values()))
    cache.save()
    return SyncResult(extract, update, report, writes, exported, len(files) - len(dirty))
