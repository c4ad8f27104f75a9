"""The translate stage over a project: machine drafts for every pending entry of every post.

Every language at once, one engine stream per direct language pair over all posts (after the
translation memory), a pivot's first hop shared with the language that needs it directly
(:class:`~postloc.mt.streams.Streams`), engine calls side by side on ``--jobs`` cores;
catalogues are saved one by one as their last draft lands, so a killed run keeps what it
finished. A catalogue a person saved meanwhile keeps their save
(:mod:`postloc.project.rewrites`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

import polib

from postloc.errors import BadCatalogue
from postloc.files import Snapshot
from postloc.project.layout import Project, now
from postloc.project.rewrites import Redo, raise_conflicts, rewrite
from postloc.project.stages import Notify, Progress, WriteReport, no_notice, template_identities

if TYPE_CHECKING:
    from postloc.markdown.model import Post
    from postloc.mt.drafts import TranslateReport
    from postloc.mt.engines.base import Route
    from postloc.mt.memory import TranslationMemory
    from postloc.mt.streams import Streams


def translate(
    project: Project,
    languages: Sequence[str] = (),
    engine: str | None = None,
    notify: Notify = no_notice,
    *,
    slugs: Sequence[str] | None = None,
    jobs: int = 1,
    loaded: dict[Path, polib.POFile] | None = None,
    read: dict[Path, Snapshot] | None = None,
    redos: Mapping[Path, Redo] | None = None,
    progress: Progress | None = None,
    fresh: Mapping[str, Collection[str]] | None = None,
    held: Mapping[str, tuple[str, str]] | None = None,
) -> tuple[TranslateReport, WriteReport]:
    """Machine drafts for every pending entry of every language, in one run of streams.

    Routes for all languages are resolved first, so a missing engine fails
    before any file is touched. ``slugs`` limits the work to those posts;
    ``jobs`` is the cores engine calls may keep busy at once; ``loaded`` passes
    catalogues already in memory (sync), with ``read`` the identity of what is on disk
    and ``redos`` how to redo their merge; ``loaded`` and ``read`` are updated to what is
    written. A catalogue a person saved while its drafts were made keeps their save: the
    drafts go only into the entries still pending there (:func:`~postloc.mt.drafts.reapply_drafts`).
    Catalogues that could not be redone fail the command, after every other write, unless
    ``loaded`` says a caller (sync) reports them. ``fresh`` names, per language, the msgids
    engines drafted earlier in this run (:func:`draft_into_memory`): the report counts them
    as engine work, not memory.
    """
    from postloc.mt.drafts import LanguageWork, TranslateReport, translate_languages
    from postloc.mt.engines.registry import routes_for
    from postloc.mt.memory import TranslationMemory
    from postloc.mt.translator import MachineTranslator
    from postloc.po.state import is_human, is_pending

    langs = project.languages(languages)
    source = project.config.source_language
    routes = routes_for(project.config, langs, engine)
    identities = template_identities(project)
    if slugs is not None:
        wanted = set(slugs)
        identities = [identity for identity in identities if identity in wanted]
    if not project.config.include_drafts:
        held = unpublished(project) if held is None else held
        for identity in identities:
            if identity in held:
                name, reason = held[identity]
                notify(
                    f"not machine-translated: {name} ({reason}; "
                    "[translate] include_drafts = true to draft it)"
                )
        identities = [identity for identity in identities if identity not in held]
    work: dict[str, list[tuple[Path, polib.POFile]]] = {}
    untouched_human = 0
    caller_reports = loaded is not None
    loaded = {} if loaded is None else loaded
    read = {} if read is None else read
    language_of: dict[Path, str] = {}
    for lang in langs:
        for identity in identities:
            path = project.catalogue_path(lang, identity)
            po = loaded.get(path)
            if po is None:
                po, read[path] = project.read_catalogue_snapshot(path, lang)
            if po is None:
                raise BadCatalogue(
                    "catalogue missing; run postloc update first", path=project.relative(path)
                )
            if any(is_pending(entry) for entry in po):
                work.setdefault(lang, []).append((path, po))
                language_of[path] = lang
            else:
                untouched_human += sum(1 for entry in po if is_human(entry))
    writes = WriteReport()
    saved: set[Hashable] = set()

    def save(key: Hashable, po: polib.POFile) -> None:
        assert isinstance(key, Path)
        saved.add(key)
        lang = language_of[key]
        redo = _redraft(project, key, lang, po, redos.get(key) if redos else None)
        done = rewrite(key, po, read.get(key), redo, revised=True)
        loaded[key], read[key] = done.catalogue, done.snapshot
        writes.note(key, done)

    memory = TranslationMemory(project.memory_path)
    try:
        streams = _streams(project, memory, routes.values(), jobs)
        language_work = []
        for lang in langs:
            items = work.get(lang, [])
            notify(f"translating {lang} with {routes[lang].name}: {len(items)} catalogue(s)")
            translator = MachineTranslator(routes[lang], source, lang, memory)
            language_work.append(LanguageWork(translator, items, (fresh or {}).get(lang, ())))
        total = translate_languages(language_work, streams, save, progress)
        for lang in langs:  # catalogues whose pending entries had no text to send
            for path, po in work.get(lang, []):
                if path not in saved:
                    save(path, po)
    finally:
        memory.close()
    total.add(TranslateReport(skipped_human=untouched_human))
    if not caller_reports:
        raise_conflicts(project, writes.conflicts)
    return total, writes


def draft_into_memory(
    project: Project,
    texts: Mapping[str, Collection[str]],
    engine: str | None = None,
    notify: Notify = no_notice,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    on_done: Callable[[str, set[str]], None] | None = None,
) -> tuple[TranslateReport, dict[str, set[str]]]:
    """Machine outputs for ``texts`` (language → msgids) into the translation memory only.

    The first half of a translate stage that cannot hold every language's catalogues at
    once (a big sync): every language's streams run together here, on ``jobs`` cores, and a
    later :func:`translate` of each language then finds all its drafts in the memory. The
    report counts only ``engine_segments`` (the drafts land later); the sets are the msgids
    of each language an engine drafted, :func:`translate`'s ``fresh``. ``on_done(lang,
    fresh)`` is called as soon as a language has all its outputs (at once for a language with
    none), so a caller can go on with it while the engines work for the others.
    """
    from postloc.mt.drafts import TranslateReport
    from postloc.mt.engines.registry import routes_for
    from postloc.mt.memory import TranslationMemory
    from postloc.mt.translator import Draft, MachineTranslator

    langs = list(project.languages(list(texts)))
    routes = routes_for(project.config, langs, engine)
    source = project.config.source_language
    fresh: dict[str, set[str]] = {lang: set() for lang in langs}
    memory = TranslationMemory(project.memory_path)
    try:
        streams = _streams(project, memory, routes.values(), jobs)
        for lang in langs:
            unique = [text for text in dict.fromkeys(texts[lang]) if text.strip()]
            notify(f"translating {lang} with {routes[lang].name}: {len(unique)} text(s)")
            if not unique:
                if on_done:
                    on_done(lang, fresh[lang])
                continue
            translator = MachineTranslator(routes[lang], source, lang, memory)
            done = [0]

            def count(
                batch: dict[str, Draft],
                lang: str = lang,
                total: int = len(unique),
                done: list[int] = done,
            ) -> None:
                done[0] += len(batch)
                fresh[lang].update(text for text, draft in batch.items() if not draft.from_memory)
                if progress:
                    progress(lang, min(done[0], total), total)
                if on_done and done[0] == total:
                    on_done(lang, fresh[lang])

            streams.request(translator, unique, count)
        streams.run()
    finally:
        memory.close()
    return TranslateReport(engine_segments=streams.engine_segments), fresh


def _streams(
    project: Project, memory: TranslationMemory, routes: Collection[Route], jobs: int
) -> Streams:
    """The run's streams, every engine told the cores it may use."""
    from postloc.mt.streams import Streams

    engines = {id(route.engine): route.engine for route in routes}
    for engine in engines.values():
        engine.use_cores(jobs)
    return Streams(memory, jobs, rules=project.config.extraction)


def unpublished(
    project: Project, posts: Sequence[Post] | None = None
) -> dict[str, tuple[str, str]]:
    """Posts not (or no longer) published, by identity: (file, reason). Extracted like any
    post, so translators may start early, but kept from machine translation unless
    ``[translate] include_drafts``: a draft's text is not ready (docs/architecture.md,
    "Drafts stay drafts"). Only the front matter is read: of ``posts`` when given (a sync's
    changed posts, already parsed), else of every source post."""
    from postloc.markdown.parse import parse_post
    from postloc.markdown.publication import unpublished_reason
    from postloc.project.stages import find_posts

    moment = now()
    if posts is None:
        posts = [
            parse_post(project.read_post_bytes(source.path), source.name, slug=source.identity)
            for source in find_posts(project).posts
        ]
    held: dict[str, tuple[str, str]] = {}
    for post in posts:
        reason = unpublished_reason(post.front_matter, moment, name=PurePath(post.path).name)
        if reason is not None:
            held[post.slug] = (post.path, reason)
    return held


def _redraft(
    project: Project, path: Path, lang: str, drafted: polib.POFile, merge: Redo | None
) -> Redo:
    """The :data:`~postloc.project.rewrites.Redo` of machine drafts: read the catalogue a
    person saved (merged again in sync, ``merge``) and put the drafts only into the entries
    still pending there."""
    from postloc.mt.drafts import reapply_drafts

    def redo() -> tuple[Snapshot, polib.POFile | None]:
        if merge is not None:
            snapshot, saved = merge()
        else:
            saved, snapshot = project.read_catalogue_snapshot(path, lang)
        if saved is not None:
            reapply_drafts(drafted, saved)
        return snapshot, saved

    return redo
