"""The stages over a whole project: extract, update, ``sync --check``, the lock.

The translate stage is :mod:`postloc.project.drafting`; ``sync`` is :mod:`postloc.project.sync`.

Each stage first reads and validates everything it needs, then computes the new
files in memory, and only then writes them (atomically, skipping unchanged
ones). Bad input therefore changes nothing, and ``sync --check`` is the same
computation without the writes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import polib

from postloc import __version__
from postloc.errors import BadPost, StaleCatalogue
from postloc.files import (
    ABSENT,
    Snapshot,
    atomic_write,
    note_written,
    project_lock,
    remove_file,
)
from postloc.languages import plural_forms
from postloc.markdown.model import Post, Segment
from postloc.project.discovery import Discovery, SourceFile, discover
from postloc.project.layout import Project, now_stamp
from postloc.project.manifest import ExportManifest, sweep_stale_temps
from postloc.project.orphans import Rename, carry_over, find_renames
from postloc.project.rewrites import Redo, Rewrite, current_snapshot, raise_conflicts, rewrite

Notify = Callable[[str], None]
Progress = Callable[[str, int, int], None]
"""``(language, done, total)`` callback for progress bars."""


def no_notice(_: str) -> None:
    """The default ``notify``: library stages say nothing unless the caller listens."""


@dataclass(frozen=True, slots=True)
class LoadedPost:
    """A parsed source post and its segments."""

    post: Post
    """The parsed post."""
    segments: tuple[Segment, ...]
    """Its segment occurrences in document order."""
    source: Snapshot = ABSENT
    """The identity of the bytes parsed (what the sync cache records as processed)."""


@dataclass(slots=True)
class WriteReport:
    """Which files a stage wrote (changed content only) or removed."""

    written: list[Path] = field(default_factory=list)
    """Files whose content changed."""
    removed: list[Path] = field(default_factory=list)
    """Files deleted (orphan templates)."""
    renamed: list[Rename] = field(default_factory=list)
    """Posts renamed whose catalogues were carried over to the new slug."""
    unchanged: int = 0
    """Files already up to date."""
    redone: list[Path] = field(default_factory=list)
    """Catalogues a person saved while postloc worked on them: the work was redone on
    the saved content (:mod:`postloc.project.rewrites`)."""
    conflicts: list[Path] = field(default_factory=list)
    """Catalogues saved meanwhile whose work could not be redone: left as saved, and the
    command fails (:func:`~postloc.project.rewrites.raise_conflicts`)."""

    def add(self, other: WriteReport) -> None:
        """Sum ``other``'s writes into this report."""
        self.written += other.written
        self.removed += other.removed
        self.renamed += other.renamed
        self.unchanged += other.unchanged
        self.redone += other.redone
        self.conflicts += other.conflicts

    def note(self, path: Path, done: Rewrite) -> None:
        """Count one :func:`~postloc.project.rewrites.rewrite`."""
        if done.written:
            self.written.append(path)
        elif not done.conflict:
            self.unchanged += 1
        if done.redone:
            self.redone.append(path)
        if done.conflict:
            self.conflicts.append(path)


def find_posts(project: Project) -> Discovery:
    """The project's source posts and the Markdown files that are not sources
    (:mod:`postloc.project.discovery`), postloc's own recorded exports among the latter."""
    return discover(project, ExportManifest.load(project).entries)


def parse_one(project: Project, source: SourceFile) -> LoadedPost:
    """Read, parse and segment one post file."""
    from postloc.markdown.parse import parse_post
    from postloc.markdown.segment import segment_post

    data, snapshot = project.read_post(source.path)
    post = parse_post(data, source.name, slug=source.identity)
    segments = tuple(segment_post(post, project.config.extraction))
    return LoadedPost(post, segments, snapshot)


def load_posts(project: Project, slugs: Sequence[str] = ()) -> list[LoadedPost]:
    """Parse and segment the posts (all, or those ``slugs`` name: :func:`select`); any
    error stops all."""
    posts = find_posts(project).posts
    return [parse_one(project, source) for source in select(project, posts, slugs)]


def select(
    project: Project, posts: Sequence[SourceFile], requested: Sequence[str]
) -> list[SourceFile]:
    """The posts ``requested`` names (all without any), in the folder's order.

    A post is named by its identity (``posts/hugo/faq``), by its file's path in the posts
    folder or in the project (``posts/hugo/faq.md``), or by a path that becomes its identity
    (``posts/IA & Java``). A name that matches no post is a :class:`BadPost`.
    """
    if not requested:
        return list(posts)
    from postloc.markdown.slug import identity_of, markdown_stem

    folder = project.relative(project.config.posts_path)
    names: dict[str, str] = {}
    for post in posts:
        for name in (post.name, post.name.removeprefix(f"{folder}/")):
            names[name] = post.identity
            names[markdown_stem(name) or name] = post.identity
    wanted: set[str] = set()
    missing: list[str] = []
    for name in requested:
        identity = names.get(name) or identity_of(markdown_stem(name) or name)
        if any(post.identity == identity for post in posts):
            wanted.add(identity)
        else:
            missing.append(name)
    if missing:
        raise BadPost(f"no post named {', '.join(sorted(missing))}", path=folder)
    return [post for post in posts if post.identity in wanted]


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
    live = set(slugs)
    return [
        path for path in project.template_paths() if project.template_identity(path) not in live
    ]


def remove_orphan_templates(project: Project, slugs: Iterable[str], report: WriteReport) -> None:
    """Delete the templates of posts that are gone (and the folders that leaves empty),
    noting them in ``report``."""
    for path in orphan_templates(project, slugs):
        remove_file(path)
        project.remove_empty_folders(path)
        report.removed.append(path)


def write_catalogues(items: Iterable[tuple[Path, polib.POFile]]) -> WriteReport:
    """Write templates or catalogues and say which changed.

    A file that already says the same, whatever tool laid it out, is left alone.
    """
    report = WriteReport()
    for path, po in items:
        text = dump(po)
        current = current_snapshot(path, text)
        if current is not None:
            note_written(path, current)  # what sync left there, for its cache
            report.unchanged += 1
        elif atomic_write(path, text):
            report.written.append(path)
        else:
            report.unchanged += 1
    return report


def is_current(path: Path, planned_text: str) -> bool:
    """``sync --check``'s question: does the catalogue at ``path`` say what ``planned_text``
    does (layout aside, and a stale ``MT:`` line too, which ``sync`` itself drops)?"""
    return current_snapshot(path, planned_text, for_check=True) is not None


def plan_catalogues(
    project: Project,
    templates: dict[Path, polib.POFile],
    languages: Sequence[str],
    *,
    read: dict[Path, Snapshot] | None = None,
    redos: dict[Path, Redo] | None = None,
) -> dict[Path, polib.POFile]:
    """The merged catalogue for every template × language (dates carried when unchanged).

    ``read`` receives the identity of each catalogue's bytes as read, ``redos`` how to redo
    each merge on the file's content should a person save it meanwhile
    (:func:`write_merged`).
    """
    stamp = now_stamp()
    plans: dict[Path, polib.POFile] = {}
    for lang in languages:
        forms = plural_forms(lang)
        for template_path, template in templates.items():
            path = project.catalogue_path(lang, project.template_identity(template_path))
            old, snapshot = project.read_catalogue_snapshot(path, lang)
            plans[path] = _merge(template, old, lang, forms, stamp)
            if read is not None:
                read[path] = snapshot
            if redos is not None:
                redos[path] = partial(_remerge, project, path, template, lang, forms, stamp)
    return plans


def _merge(
    template: polib.POFile, old: polib.POFile | None, lang: str, forms: str, stamp: str
) -> polib.POFile:
    """One catalogue merged with its template (``update``)."""
    from postloc.po.merge import carry_dates, update_catalogue

    new = update_catalogue(template, old, lang, plural_forms=forms)
    carry_dates(new, old, ("PO-Revision-Date",), stamp)
    return new


def _remerge(
    project: Project,
    path: Path,
    template: polib.POFile,
    lang: str,
    forms: str,
    stamp: str,
) -> tuple[Snapshot, polib.POFile | None]:
    """The :data:`~postloc.project.rewrites.Redo` of a merge: read the catalogue again and
    merge what a person saved."""
    old, snapshot = project.read_catalogue_snapshot(path, lang)
    return snapshot, _merge(template, old, lang, forms, stamp)


def write_merged(
    plans: dict[Path, polib.POFile], read: dict[Path, Snapshot], redos: dict[Path, Redo]
) -> WriteReport:
    """Write merged catalogues, never over a save made since they were read.

    A catalogue a person saved meanwhile is merged again from the saved content; ``plans``
    and ``read`` are updated to what is now on disk, for the stages that follow.
    """
    report = WriteReport()
    for path, po in list(plans.items()):
        done = rewrite(path, po, read.get(path), redos[path])
        plans[path], read[path] = done.catalogue, done.snapshot
        report.note(path, done)
    return report


def dump(po: polib.POFile) -> str:
    from postloc.po.write import dump_po

    return dump_po(po)


def extract(project: Project, slugs: Sequence[str] = ()) -> WriteReport:
    """Posts → templates. Without slugs, a renamed post's catalogues follow it
    (:mod:`postloc.project.orphans`) and templates of deleted posts are removed."""
    posts = load_posts(project, slugs)
    templates = plan_templates(project, posts)
    renames = [] if slugs else follow_renames(project, templates, [i.post.slug for i in posts])
    report = write_catalogues(templates.items())
    report.renamed += renames
    if not slugs:
        remove_orphan_templates(project, [item.post.slug for item in posts], report)
    return report


def follow_renames(
    project: Project, templates: Mapping[Path, polib.POFile], live: Iterable[str]
) -> list[Rename]:
    """The renamed posts among ``templates`` (the new posts' plans); their catalogues are
    carried over to the new slug before anything else is written for them."""
    plans = {project.template_identity(path): po for path, po in templates.items()}
    renames = find_renames(project, plans, live)
    carry_over(project, renames)
    return renames


def read_templates_paths(project: Project) -> list[Path]:
    """Template files on disk, sorted by identity."""
    return project.template_paths()


def template_identities(project: Project) -> list[str]:
    """The identities of the posts that have a template on disk, sorted."""
    return [project.template_identity(path) for path in project.template_paths()]


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
    read: dict[Path, Snapshot] = {}
    redos: dict[Path, Redo] = {}
    templates = templates or read_templates(project)
    plans = plan_catalogues(project, templates, langs, read=read, redos=redos)
    report = write_merged(plans, read, redos)
    raise_conflicts(project, report.conflicts)
    return report


def stale_files(project: Project, languages: Sequence[str] = ()) -> list[str]:
    """What ``sync`` would rewrite among templates and catalogues (``sync --check``)."""
    posts = load_posts(project)
    templates = plan_templates(project, posts)
    stale: list[str] = []
    for path, po in templates.items():
        if not is_current(path, dump(po)):
            stale.append(project.relative(path))
    slugs = [item.post.slug for item in posts]
    stale.extend(project.relative(p) for p in orphan_templates(project, slugs))
    for path, po in plan_catalogues(project, templates, project.languages(languages)).items():
        if not is_current(path, dump(po)):
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
        sweep_stale_temps(project)
        yield
