"""The translate stage over a project: machine drafts for every pending entry of every post.

One batched stream per language pair (all posts of a language together, after the
translation memory), saved catalogue by catalogue so a killed run keeps what it finished;
``--jobs`` spreads languages over processes (:mod:`postloc.project.workers`). A catalogue a
person saved meanwhile keeps their save (:mod:`postloc.project.rewrites`).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from postloc.errors import BadCatalogue
from postloc.files import Snapshot
from postloc.project.layout import Project
from postloc.project.rewrites import Redo, raise_conflicts, rewrite
from postloc.project.stages import Notify, Progress, WriteReport, no_notice, read_templates_paths
from postloc.project.workers import run_in_processes

if TYPE_CHECKING:
    from postloc.mt.drafts import TranslateReport


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
) -> tuple[TranslateReport, WriteReport]:
    """Machine drafts for every pending entry, one batched stream per language pair.

    Routes for all languages are resolved first, so a missing engine fails
    before any file is touched. ``slugs`` limits the work to those posts;
    ``jobs`` > 1 runs language pairs in parallel processes; ``loaded`` passes
    catalogues already in memory (sync), with ``read`` the identity of what is on disk
    and ``redos`` how to redo their merge; ``loaded`` and ``read`` are updated to what is
    written. A catalogue a person saved while its drafts were made keeps their save: the
    drafts go only into the entries still pending there (:func:`~postloc.mt.drafts.reapply_drafts`).
    Catalogues that could not be redone fail the command, after every other write, unless
    ``loaded`` says a caller (sync) reports them.
    """
    from postloc.mt.drafts import TranslateReport, translate_catalogues
    from postloc.mt.engines.registry import routes_for
    from postloc.mt.memory import TranslationMemory
    from postloc.mt.translator import MachineTranslator
    from postloc.po.state import is_human, is_pending

    langs = project.languages(languages)
    source = project.config.source_language
    routes = routes_for(project.config, langs, engine)
    stems = [p.stem for p in read_templates_paths(project)]
    if slugs is not None:
        wanted = set(slugs)
        stems = [stem for stem in stems if stem in wanted]
    if jobs > 1 and len(langs) > 1:
        total, writes = _translate_parallel(project, langs, engine, stems, jobs)
        raise_conflicts(project, writes.conflicts)
        return total, writes
    work: dict[str, list[tuple[Path, polib.POFile]]] = {}
    untouched_human = 0
    caller_reports = loaded is not None
    loaded = {} if loaded is None else loaded
    read = {} if read is None else read
    for lang in langs:
        for stem in stems:
            path = project.catalogue_path(lang, stem)
            po = loaded.get(path)
            if po is None:
                po, read[path] = project.read_catalogue_snapshot(path, lang)
            if po is None:
                raise BadCatalogue(
                    "catalogue missing; run postloc update first", path=project.relative(path)
                )
            if any(is_pending(entry) for entry in po):
                work.setdefault(lang, []).append((path, po))
            else:
                untouched_human += sum(1 for entry in po if is_human(entry))
    total = TranslateReport(skipped_human=untouched_human)
    writes = WriteReport()
    memory = TranslationMemory(project.memory_path)
    try:
        for lang in langs:
            items = work.get(lang, [])
            translator = MachineTranslator(routes[lang], source, lang, memory)
            notify(f"translating {lang} with {routes[lang].name}: {len(items)} catalogue(s)")
            saved: set[Hashable] = set()

            def save(
                key: Hashable, po: polib.POFile, saved: set[Hashable] = saved, lang: str = lang
            ) -> None:
                assert isinstance(key, Path)
                saved.add(key)
                redo = _redraft(project, key, lang, po, redos.get(key) if redos else None)
                done = rewrite(key, po, read.get(key), redo, revised=True)
                loaded[key], read[key] = done.catalogue, done.snapshot
                writes.note(key, done)

            def step(done: int, total: int, lang: str = lang) -> None:
                if progress:
                    progress(lang, done, total)

            report = translate_catalogues(items, translator, on_complete=save, on_progress=step)
            for path, po in items:
                if path not in saved:
                    save(path, po)
            total.add(report)
    finally:
        memory.close()
    if not caller_reports:
        raise_conflicts(project, writes.conflicts)
    return total, writes


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


def _translate_one_language(
    args: tuple[Project, str, str | None, list[str]],
) -> tuple[TranslateReport, WriteReport]:
    project, lang, engine, stems = args
    return translate(project, [lang], engine, slugs=stems, loaded={})


def _translate_parallel(
    project: Project, langs: Sequence[str], engine: str | None, stems: list[str], jobs: int
) -> tuple[TranslateReport, WriteReport]:
    """One process per language pair (see :mod:`postloc.project.workers`)."""
    from postloc.mt.drafts import TranslateReport

    total, writes = TranslateReport(), WriteReport()
    work = [(project, lang, engine, stems) for lang in langs]
    for report, written in run_in_processes(_translate_one_language, work, jobs):
        total.add(report)
        writes.add(written)
    return total, writes
