"""The stages over a whole project: extract, update, translate, sync, status.

Each stage first reads and validates everything it needs, then computes the new
files in memory, and only then writes them (atomically, skipping unchanged
ones). Bad input therefore changes nothing, and ``sync --check`` is the same
computation without the writes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from . import __version__
from .errors import BadCatalogue, BadPost, StaleCatalogue
from .files import atomic_write, project_lock, remove_file
from .languages import plural_forms
from .model import Post, Segment
from .project import Project, now_stamp

if TYPE_CHECKING:
    from .translate import TranslateReport

Notify = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True, slots=True)
class LoadedPost:
    """A parsed source post and its segments."""

    post: Post
    """The parsed post."""
    segments: tuple[Segment, ...]
    """Its segment occurrences in document order."""


@dataclass(slots=True)
class WriteReport:
    """Which files a stage wrote (changed content only) or removed."""

    written: list[Path] = field(default_factory=list)
    """Files whose content changed."""
    removed: list[Path] = field(default_factory=list)
    """Files deleted (orphan templates)."""
    unchanged: int = 0
    """Files already up to date."""


def load_posts(project: Project, slugs: Sequence[str] = ()) -> list[LoadedPost]:
    """Parse and segment the posts (all, or those with the given slugs); any error stops all."""
    from .parse import parse_post
    from .segment import segment_post

    loaded: list[LoadedPost] = []
    seen: dict[str, str] = {}
    for path in project.post_files():
        where = project.relative(path)
        post = parse_post(project.read_post_bytes(path), where)
        if post.slug in seen:
            raise BadPost(f"slug {post.slug!r} is also used by {seen[post.slug]}", path=where)
        seen[post.slug] = where
        if slugs and post.slug not in slugs:
            continue
        segments = segment_post(post, project.config.front_matter_fields)
        loaded.append(LoadedPost(post, tuple(segments)))
    missing = sorted(set(slugs) - set(seen))
    if missing:
        raise BadPost(f"no post with slug {', '.join(missing)}", path=project.relative(project.config.posts_path))
    return loaded


def plan_templates(project: Project, posts: Sequence[LoadedPost]) -> dict[Path, polib.POFile]:
    """The template each post should have now (dates carried when content is unchanged)."""
    from .catalogue import build_template, carry_dates

    stamp = now_stamp()
    plans: dict[Path, polib.POFile] = {}
    for item in posts:
        path = project.template_path(item.post.slug)
        new = build_template(
            item.post.path,
            item.segments,
            slug=item.post.slug,
            version=__version__,
            creation_date=stamp,
        )
        carry_dates(new, project.read_catalogue(path), ("POT-Creation-Date",), stamp)
        plans[path] = new
    return plans


def orphan_templates(project: Project, posts: Sequence[LoadedPost]) -> list[Path]:
    """Templates whose post no longer exists (their catalogues are kept: human work)."""
    folder = project.config.locales_path / "templates"
    if not folder.is_dir():
        return []
    live = {project.template_path(item.post.slug) for item in posts}
    return sorted(p for p in folder.glob("*.pot") if p not in live)


def plan_catalogues(
    project: Project, templates: dict[Path, polib.POFile], languages: Sequence[str]
) -> dict[Path, tuple[polib.POFile, polib.POFile | None]]:
    """For every template × language: (merged catalogue, catalogue on disk or None)."""
    from .catalogue import carry_dates, update_catalogue

    stamp = now_stamp()
    plans: dict[Path, tuple[polib.POFile, polib.POFile | None]] = {}
    for lang in languages:
        forms = plural_forms(lang)
        for template_path, template in templates.items():
            path = project.catalogue_path(lang, template_path.stem)
            old = project.read_catalogue(path, lang)
            new = update_catalogue(template, old, lang, plural_forms=forms)
            carry_dates(new, old, ("PO-Revision-Date",), stamp)
            plans[path] = (new, old)
    return plans


def dump(po: polib.POFile) -> str:
    from .pofile import dump_po

    return dump_po(po)


def extract(project: Project, slugs: Sequence[str] = ()) -> WriteReport:
    """Posts → templates. Without slugs, templates of deleted posts are removed."""
    posts = load_posts(project, slugs)
    plans = plan_templates(project, posts)
    report = WriteReport()
    for path, po in plans.items():
        if atomic_write(path, dump(po)):
            report.written.append(path)
        else:
            report.unchanged += 1
    if not slugs:
        for path in orphan_templates(project, posts):
            remove_file(path)
            report.removed.append(path)
    return report


def read_templates(project: Project) -> dict[Path, polib.POFile]:
    folder = project.config.locales_path / "templates"
    templates: dict[Path, polib.POFile] = {}
    for path in sorted(folder.glob("*.pot")) if folder.is_dir() else []:
        po = project.read_catalogue(path)
        if po is not None:
            templates[path] = po
    return templates


def update(
    project: Project,
    languages: Sequence[str] = (),
    templates: dict[Path, polib.POFile] | None = None,
) -> WriteReport:
    """Templates → catalogues for each language (merge, fuzzy, obsolete)."""
    langs = project.languages(languages)
    plans = plan_catalogues(project, templates or read_templates(project), langs)
    report = WriteReport()
    for path, (po, _old) in plans.items():
        if atomic_write(path, dump(po)):
            report.written.append(path)
        else:
            report.unchanged += 1
    return report


def save_if_changed(path: Path, po: polib.POFile, before: str) -> bool:
    """Write a catalogue the pipeline changed in place; ``PO-Revision-Date`` moves only then."""
    if dump(po) == before:
        return False
    po.metadata["PO-Revision-Date"] = now_stamp()
    return atomic_write(path, dump(po))


def translate(
    project: Project,
    languages: Sequence[str] = (),
    engine: str | None = None,
    notify: Notify = _quiet,
) -> tuple[TranslateReport, WriteReport]:
    """Machine drafts for every pending entry, one batched stream per language pair.

    Routes for all languages are resolved first, so a missing engine fails
    before any file is touched.
    """
    from .engines.registry import EngineRegistry
    from .machine import MachineTranslator
    from .memory import TranslationMemory
    from .translate import TranslateReport, translate_catalogues

    langs = project.languages(languages)
    registry = EngineRegistry(project.config)
    source = project.config.source_language
    routes = {
        lang: registry.route(engine or project.config.engine_for(lang), source, lang)
        for lang in langs
    }
    templates = read_templates(project)
    work: dict[str, list[tuple[Path, polib.POFile, str]]] = {}
    for lang in langs:
        for template_path in templates:
            path = project.catalogue_path(lang, template_path.stem)
            po = project.read_catalogue(path, lang)
            if po is None:
                raise BadCatalogue(
                    "catalogue missing; run postloc update first", path=project.relative(path)
                )
            work.setdefault(lang, []).append((path, po, dump(po)))
    total = TranslateReport()
    writes = WriteReport()
    memory = TranslationMemory(project.memory_path)
    try:
        for lang in langs:
            items = work.get(lang, [])
            before = {path: text for path, _po, text in items}
            translator = MachineTranslator(routes[lang], source, lang, memory)
            notify(f"translating {lang} with {routes[lang].name}")

            def save(key: Hashable, po: polib.POFile, before: dict[Path, str] = before) -> None:
                assert isinstance(key, Path)
                if save_if_changed(key, po, before[key]):
                    writes.written.append(key)
                before[key] = dump(po)

            report = translate_catalogues(
                [(path, po) for path, po, _ in items], translator, on_complete=save
            )
            for path, po, _text in items:
                save(path, po)
            total.add(report)
    finally:
        memory.close()
    return total, writes


def stale_files(project: Project, languages: Sequence[str] = ()) -> list[str]:
    """What ``sync`` would rewrite among templates and catalogues (``sync --check``)."""
    posts = load_posts(project)
    templates = plan_templates(project, posts)
    stale: list[str] = []
    for path, po in templates.items():
        if not path.exists() or path.read_text(encoding="utf-8") != dump(po):
            stale.append(project.relative(path))
    stale.extend(project.relative(p) for p in orphan_templates(project, posts))
    for path, (po, _old) in plan_catalogues(project, templates, project.languages(languages)).items():
        if not path.exists() or path.read_text(encoding="utf-8") != dump(po):
            stale.append(project.relative(path))
    return stale


def check_sync(project: Project, languages: Sequence[str] = ()) -> None:
    """Raise StaleCatalogue naming every stale file; change nothing."""
    stale = stale_files(project, languages)
    if stale:
        raise StaleCatalogue(
            f"{len(stale)} stale file(s), run postloc sync: {', '.join(stale)}"
        )


def locked(project: Project, wait: float = 0.0) -> object:
    """The project lock as a context manager (two syncs never interleave)."""
    return project_lock(project.lock_path, wait=wait)


