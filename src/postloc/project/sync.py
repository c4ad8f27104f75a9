"""``sync``: extract + update + translate + export in one locked, incremental run.

Posts whose source and outputs are unchanged since the last sync (see
:mod:`postloc.project.sync_cache`) are skipped; the rest go through every stage
together. Three phases: each language's catalogues are merged and written (one
language in memory at a time) and the texts left pending noted; then machine
translation runs for every language at once, one engine stream per language pair
on every core, into the translation memory (:func:`~postloc.project.drafting.draft_into_memory`);
then each language is drafted from the memory and exported, by a worker as soon as its drafts
are in while the engines go on for the others (the last language's posts shared among the
workers, since nothing is left to overlap). Everything is read and validated before the first
write. ``POSTLOC_TRACE=1`` traces each phase (:mod:`postloc.mt.trace`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polib

from postloc import __version__
from postloc.files import Snapshot, logged_writes
from postloc.mt.drafts import TranslateReport
from postloc.mt.trace import event, span
from postloc.po.state import is_pending
from postloc.project.discovery import Skipped
from postloc.project.drafting import draft_into_memory, translate, unpublished
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
from postloc.project.workers import WorkerPool

PARALLEL_FROM = 200
"""Segments of the changed posts from which a sync spreads the languages' Python work over
worker processes: starting one (a fresh interpreter importing postloc) costs ~0.3 s, about
what merging and exporting 200 segments in every language costs, so an incremental sync
after a few edits stays in process. Engines use every core whatever the count
(:mod:`postloc.mt.streams`)."""


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


@dataclass(frozen=True, slots=True)
class _Merged:
    """One language's merge (picklable, for ``--jobs``): what it wrote, what is left to draft."""

    update: WriteReport
    texts: list[str]
    """The msgids of entries a machine may draft, for the engine phase."""
    wrote: dict[Path, Snapshot]


def _templates_on_disk(project: Project, dirty: Sequence[LoadedPost]) -> dict[Path, polib.POFile]:
    """The changed posts' templates, read back (a worker process has only the disk)."""
    templates = {}
    for item in dirty:
        path = project.template_path(item.post.slug)
        template = project.read_catalogue(path)
        if template is not None:
            templates[path] = template
    return templates


def _merge(
    project: Project,
    lang: str,
    templates: dict[Path, polib.POFile] | None,
    dirty: Sequence[LoadedPost],
    read: dict[Path, Snapshot],
    redos: dict[Path, Redo],
) -> tuple[dict[Path, polib.POFile], WriteReport]:
    """One language's catalogues of the changed posts, merged and written; ``read`` and
    ``redos`` filled as :func:`plan_catalogues` does. A worker process has no ``templates``:
    they are on disk already."""
    if templates is None:
        templates = _templates_on_disk(project, dirty)
    merged = plan_catalogues(project, templates, [lang], read=read, redos=redos)
    return merged, write_merged(merged, read, redos)


def _merge_language(
    project: Project,
    lang: str,
    templates: dict[Path, polib.POFile] | None,
    dirty: Sequence[LoadedPost],
    held: Collection[str] = (),
) -> _Merged:
    """Merge and write one language's catalogues of the changed posts; note what is pending
    (but in the posts ``held`` from machine translation: drafts)."""
    with span("merge", lang=lang), logged_writes() as wrote:
        merged, update = _merge(project, lang, templates, dirty, {}, {})
    skipped = {project.catalogue_path(lang, identity) for identity in held}
    texts = {
        entry.msgid
        for path, po in merged.items()
        if path not in skipped
        for entry in po
        if is_pending(entry)
    }
    return _Merged(update, sorted(texts), wrote)


def _merge_language_job(
    args: tuple[Project, str, Sequence[LoadedPost], Collection[str]],
) -> _Merged:
    project, lang, dirty, held = args
    return _merge_language(project, lang, None, dirty, held)


def _sync_language(
    project: Project,
    lang: str,
    templates: dict[Path, polib.POFile] | None,
    dirty: Sequence[LoadedPost],
    engine: str | None,
    notify: Notify = no_notice,
    progress: Progress | None = None,
    fresh: Collection[str] = (),
    held: Mapping[str, tuple[str, str]] | None = None,
    sources: set[Path] | None = None,
) -> _LanguageResult:
    """Merge, translate and export one language for the changed posts.

    Only this language's catalogues are in memory at a time, which keeps a
    1,000-post sync's peak memory flat however many languages there are. After the engine
    phase the merge changes nothing and every draft comes from the memory (``fresh``: the
    msgids the engines drafted in this run). ``held`` (drafts kept from machine translation)
    and ``sources`` (the source posts' resolved paths) come from the sync, so a language does
    not read every post again.
    """
    read: dict[Path, Snapshot] = {}
    redos: dict[Path, Redo] = {}
    with logged_writes() as wrote:
        merged, update = _merge(project, lang, templates, dirty, read, redos)
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
            fresh={lang: fresh},
            held=held,
        )
        exported = export_project(
            project, [lang], posts=dirty, loaded=merged, find_stale=False, sources=sources
        )
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
    args: tuple[
        Project,
        str,
        Sequence[LoadedPost],
        str | None,
        Collection[str],
        Mapping[str, tuple[str, str]],
        set[Path],
    ],
) -> _LanguageResult:
    project, lang, dirty, engine, fresh, held, sources = args
    with span("finish", lang=lang):
        return _sync_language(
            project, lang, None, dirty, engine, fresh=fresh, held=held, sources=sources
        )


def _shares(posts: Sequence[LoadedPost], count: int) -> list[Sequence[LoadedPost]]:
    """``posts`` in ``count`` consecutive shares of about the same size (one job each)."""
    count = max(1, min(count, len(posts)))
    size, extra = divmod(len(posts), count)
    shares: list[Sequence[LoadedPost]] = []
    start = 0
    for number in range(count):
        end = start + size + (number < extra)
        shares.append(posts[start:end])
        start = end
    return shares


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
    with span("read posts"):
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
    with span("templates", posts=len(dirty)):
        templates = plan_templates(project, dirty)
        _validate_catalogues(project, langs, dirty)
    if dirty:  # a missing engine or unreadable memory fails before anything is written
        from postloc.mt.memory import TranslationMemory

        routes_for(config, langs, engine)
        TranslationMemory(project.memory_path).close()
    renames = follow_renames(project, templates, slugs)  # before the new slug's merge
    with logged_writes() as wrote, span("write templates"):  # the cache records only sync's
        extract = write_catalogues(templates.items())
    extract.renamed += renames
    remove_orphan_templates(project, slugs, extract)
    update, writes, report, exported = (
        WriteReport(),
        WriteReport(),
        TranslateReport(),
        ExportReport(),
    )
    parallel = (
        jobs > 1 and len(langs) > 1 and sum(len(item.segments) for item in dirty) >= PARALLEL_FROM
    )
    with span("unpublished"):
        held = (
            {}
            if config.include_drafts or not dirty
            else unpublished(project, [item.post for item in dirty])
        )
    sources = {source.path.resolve() for source in files} if dirty else set()
    with WorkerPool(min(jobs, len(langs))) as pool:  # workers for the Python work of languages
        if parallel:
            work = [(project, lang, dirty, set(held)) for lang in langs]
            merges = pool.map(_merge_language_job, work)
        else:
            merges = [_merge_language(project, lang, templates, dirty, set(held)) for lang in langs]
        del templates  # the engine phase needs none, the last phase reads them back
        shared: dict[str, str] = {}  # one string per text, whichever language's worker sent it
        texts: dict[str, list[str]] = {}
        for lang, merge in zip(langs, merges, strict=True):
            update.add(merge.update)
            wrote.update(merge.wrote)
            texts[lang] = [shared.setdefault(text, text) for text in merge.texts]
        del merges, shared
        finishing: dict[str, list[Future[_LanguageResult]]] = {}
        fresh: dict[str, set[str]] = {lang: set() for lang in langs}

        def finish(lang: str, drafted: set[str]) -> None:
            """A language's drafts are all in the memory: a worker writes and exports them
            while the engines go on for the others. The last language has no engine to
            overlap, so its posts are shared among every worker."""
            fresh[lang] = drafted
            event("drafted", lang=lang, texts=len(drafted))
            if parallel:
                last = len(finishing) == len(langs) - 1
                parts = _shares(dirty, pool.processes if last else 1)
                finishing[lang] = [
                    pool.submit(
                        _sync_language_job,
                        (project, lang, part, engine, drafted, held, sources),
                    )
                    for part in parts
                ]

        with span("engines", languages=len(langs)):
            drafted, _fresh = draft_into_memory(
                project, texts, engine, notify, jobs=jobs, progress=progress, on_done=finish
            )
        report.add(drafted)
        del texts
        if parallel:
            with span("wait for finishes"):
                results = [job.result() for lang in langs for job in finishing[lang]]
        else:
            on_disk = _templates_on_disk(project, dirty)
            results = [
                _sync_language(
                    project, lang, on_disk, dirty, engine, notify, None, fresh[lang], held, sources
                )
                for lang in langs
            ]
            del on_disk
    pending: dict[str, int] = {}
    for result in results:
        update.add(result.update)
        writes.add(result.translate_writes)
        wrote.update(result.wrote)
        report.add(result.translate)
        exported.posts += result.export.posts
        for slug, count in result.pending.items():
            pending[slug] = pending.get(slug, 0) + count
    event("languages finished")
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
    event("sync done")
    raise_conflicts(project, update.conflicts + writes.conflicts)
    return SyncResult(
        extract, update, report, writes, exported, len(files) - len(dirty), found.skipped
    )
