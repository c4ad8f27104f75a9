"""The stages over a whole project: extract, update, translate, sync, status.

Each stage first reads and validates everything it needs, then computes the new
files in memory, and only then writes them (atomically, skipping unchanged
ones). Bad input therefore changes nothing, and ``sync --check`` is the same
computation without the writes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from postloc import __version__
from postloc.errors import BadCatalogue, BadPost, StaleCatalogue
from postloc.files import atomic_write, project_lock, remove_file, remove_stale_temps
from postloc.languages import plural_forms
from postloc.markdown.model import Post, Segment
from postloc.project.layout import Project, now_stamp
from postloc.project.workers import run_in_processes

if TYPE_CHECKING:
    from postloc.mt.drafts import TranslateReport

Notify = Callable[[str], None]
Progress = Callable[[str, int, int], None]
"""``(language, done, total)`` callback for progress bars."""


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


def parse_one(project: Project, path: Path) -> LoadedPost:
    """Read, parse and segment one post file."""
    from postloc.markdown.parse import parse_post
    from postloc.markdown.segment import segment_post

    post = parse_post(project.read_post_bytes(path), project.relative(path))
    return LoadedPost(post, tuple(segment_post(post, project.config.front_matter_fields)))


def load_posts(project: Project, slugs: Sequence[str] = ()) -> list[LoadedPost]:
    """Parse and segment the posts (all, or those with the given slugs); any error stops all."""
    loaded: list[LoadedPost] = []
    seen: dict[str, str] = {}
    for path in project.post_files():
        item = parse_one(project, path)
        slug, where = item.post.slug, item.post.path
        if slug in seen:
            raise BadPost(f"slug {slug!r} is also used by {seen[slug]}", path=where)
        seen[slug] = where
        if not slugs or slug in slugs:
            loaded.append(item)
    missing = sorted(set(slugs) - set(seen))
    if missing:
        raise BadPost(
            f"no post with slug {', '.join(missing)}",
            path=project.relative(project.config.posts_path),
        )
    return loaded


def plan_templates(project: Project, posts: Sequence[LoadedPost]) -> dict[Path, polib.POFile]:
    """The template each post should have now (dates carried when content is unchanged)."""
    from postloc.po.merge import build_template, carry_dates

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


def orphan_templates(project: Project, slugs: Iterable[str]) -> list[Path]:
    """Templates whose post no longer exists (their catalogues are kept: human work)."""
    live = {project.template_path(slug) for slug in slugs}
    return [path for path in read_templates_paths(project) if path not in live]


def remove_orphan_templates(project: Project, slugs: Iterable[str], report: WriteReport) -> None:
    """Delete the templates of posts that are gone, noting them in ``report``."""
    for path in orphan_templates(project, slugs):
        remove_file(path)
        report.removed.append(path)


def write_catalogues(items: Iterable[tuple[Path, polib.POFile]]) -> WriteReport:
    """Write templates or catalogues and say which changed.

    A file that already says the same, whatever tool laid it out, is left alone.
    """
    report = WriteReport()
    for path, po in items:
        text = dump(po)
        if not is_current(path, text) and atomic_write(path, text):
            report.written.append(path)
        else:
            report.unchanged += 1
    return report


def is_current(path: Path, planned_text: str, *, for_check: bool = False) -> bool:
    """Whether the catalogue at ``path`` has ``planned_text``'s content (layout aside).

    ``for_check`` (``sync --check``) also lets a stale ``MT:`` line pass, which ``sync``
    itself drops (``postloc.po.content``).
    """
    from postloc.po.content import same_content

    try:
        text = path.read_bytes().decode("utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return False
    return same_content(text, planned_text, str(path), ignore_stale_notes=for_check)


def plan_catalogues(
    project: Project, templates: dict[Path, polib.POFile], languages: Sequence[str]
) -> dict[Path, polib.POFile]:
    """The merged catalogue for every template × language (dates carried when unchanged)."""
    from postloc.po.merge import carry_dates, update_catalogue

    stamp = now_stamp()
    plans: dict[Path, polib.POFile] = {}
    for lang in languages:
        forms = plural_forms(lang)
        for template_path, template in templates.items():
            path = project.catalogue_path(lang, template_path.stem)
            old = project.read_catalogue(path, lang)
            new = update_catalogue(template, old, lang, plural_forms=forms)
            carry_dates(new, old, ("PO-Revision-Date",), stamp)
            plans[path] = new
    return plans


def dump(po: polib.POFile) -> str:
    from postloc.po.write import dump_po

    return dump_po(po)


def extract(project: Project, slugs: Sequence[str] = ()) -> WriteReport:
    """Posts → templates. Without slugs, templates of deleted posts are removed."""
    posts = load_posts(project, slugs)
    report = write_catalogues(plan_templates(project, posts).items())
    if not slugs:
        remove_orphan_templates(project, [item.post.slug for item in posts], report)
    return report


def read_templates_paths(project: Project) -> list[Path]:
    """Template files on disk, sorted."""
    folder = project.config.locales_path / "templates"
    return sorted(folder.glob("*.pot")) if folder.is_dir() else []


def read_templates(project: Project) -> dict[Path, polib.POFile]:
    templates: dict[Path, polib.POFile] = {}
    for path in read_templates_paths(project):
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
    return write_catalogues(
        plan_catalogues(project, templates or read_templates(project), langs).items()
    )


def save_revised(path: Path, po: polib.POFile) -> bool:
    """Write a catalogue changed in place (drafts, a merged review); ``PO-Revision-Date`` moves."""
    po.metadata["PO-Revision-Date"] = now_stamp()
    return atomic_write(path, dump(po))


def translate(
    project: Project,
    languages: Sequence[str] = (),
    engine: str | None = None,
    notify: Notify = _quiet,
    *,
    slugs: Sequence[str] | None = None,
    jobs: int = 1,
    loaded: Mapping[Path, polib.POFile] | None = None,
    progress: Progress | None = None,
) -> tuple[TranslateReport, WriteReport]:
    """Machine drafts for every pending entry, one batched stream per language pair.

    Routes for all languages are resolved first, so a missing engine fails
    before any file is touched. ``slugs`` limits the work to those posts;
    ``jobs`` > 1 runs language pairs in parallel processes; ``loaded`` passes
    catalogues already in memory (sync), which are updated in place.
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
        return _translate_parallel(project, langs, engine, stems, jobs)
    work: dict[str, list[tuple[Path, polib.POFile]]] = {}
    untouched_human = 0
    for lang in langs:
        for stem in stems:
            path = project.catalogue_path(lang, stem)
            po = loaded.get(path) if loaded is not None else None
            if po is None:
                po = project.read_catalogue(path, lang)
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

            def save(key: Hashable, po: polib.POFile, saved: set[Hashable] = saved) -> None:
                assert isinstance(key, Path)
                saved.add(key)
                if save_revised(key, po):
                    writes.written.append(key)

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
    return total, writes


def _translate_one_language(
    args: tuple[Project, str, str | None, list[str]],
) -> tuple[TranslateReport, list[Path]]:
    project, lang, engine, stems = args
    report, writes = translate(project, [lang], engine, slugs=stems)
    return report, writes.written


def _translate_parallel(
    project: Project, langs: Sequence[str], engine: str | None, stems: list[str], jobs: int
) -> tuple[TranslateReport, WriteReport]:
    """One process per language pair (see :mod:`postloc.project.workers`)."""
    from postloc.mt.drafts import TranslateReport

    total, writes = TranslateReport(), WriteReport()
    work = [(project, lang, engine, stems) for lang in langs]
    for report, written in run_in_processes(_translate_one_language, work, jobs):
        total.add(report)
        writes.written.extend(written)
    return total, writes


def stale_files(project: Project, languages: Sequence[str] = ()) -> list[str]:
    """What ``sync`` would rewrite among templates and catalogues (``sync --check``)."""
    posts = load_posts(project)
    templates = plan_templates(project, posts)
    stale: list[str] = []
    for path, po in templates.items():
        if not is_current(path, dump(po), for_check=True):
            stale.append(project.relative(path))
    slugs = [item.post.slug for item in posts]
    stale.extend(project.relative(p) for p in orphan_templates(project, slugs))
    for path, po in plan_catalogues(project, templates, project.languages(languages)).items():
        if not is_current(path, dump(po), for_check=True):
            stale.append(project.relative(path))
    return stale


def check_sync(project: Project, languages: Sequence[str] = ()) -> None:
    """Raise StaleCatalogue naming every stale file; change nothing."""
    stale = stale_files(project, languages)
    if stale:
        raise StaleCatalogue(f"{len(stale)} stale file(s), run postloc sync: {', '.join(stale)}")


@contextlib.contextmanager
def locked(project: Project, wait: float = 0.0) -> Iterator[None]:
    """The project lock (two syncs never interleave); temp files of a killed run are swept.

    A layout whose writes would follow a link out of the project is refused first.
    """
    project.check_write_folders()
    with project_lock(project.lock_path, wait=wait):
        config = project.config
        remove_stale_temps(config.locales_path, config.output_path)
        yield
