"""``postloc adopt``: a site's existing human translations brought into the catalogues.

For each source post and language, the translation is looked for where the site keeps it
(:func:`translation_of`): Hugo's translation by file name (``x.md``/``x.fr.md`` →
``x.en.md`` beside it, a bundle's ``index.md`` → ``index.en.md``), Hugo's translation by
content directory (``content/fr/…`` → ``content/en/…``), and the file export would write
(``[export] filename``) when postloc did not write it. The translation is segmented with
the project's rules and aligned with its source (:mod:`postloc.review.align`); the template
and catalogue are planned as ``extract`` and ``update`` would (a missing catalogue is
created), the aligned texts written in (:mod:`postloc.review.adoption`), and the catalogue
written through :func:`~postloc.project.rewrites.rewrite`: msgcat's layout, atomically, never
over a save made meanwhile. Every difference is reported: blocks dropped or added, pairs
adopted as fuzzy, entries a person had already translated otherwise. A second run changes
nothing.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polib

from postloc.files import Snapshot
from postloc.markdown.model import Segment
from postloc.markdown.slug import markdown_stem
from postloc.project.discovery import SourceFile
from postloc.project.layout import Project
from postloc.project.manifest import ExportManifest
from postloc.project.rewrites import Redo, raise_conflicts, rewrite
from postloc.project.stages import (
    LoadedPost,
    dump,
    find_posts,
    is_current,
    parse_one,
    plan_catalogues,
    plan_templates,
    select,
    write_catalogues,
)
from postloc.review.adoption import EntryAdoption, adopt_alignment
from postloc.review.align import Alignment, align
from postloc.review.merge import quoted

What = Literal["dropped", "added", "fuzzy", "conflict"]


@dataclass(frozen=True, slots=True)
class Difference:
    """Where a translation and its source differ, or where adopting it could not be sure."""

    post: str
    """The post's identity."""
    lang: str
    """The language."""
    source: str
    """The source post's file (root-relative)."""
    line: int | None
    """Line in the source post (None for a block only the translation has)."""
    translation: str
    """The translated file (root-relative)."""
    translation_line: int | None
    """Line in the translated file (None for a block only the source has)."""
    what: What
    """``dropped`` (only in the source: left untranslated), ``added`` (only in the
    translation: not adopted), ``fuzzy`` (adopted, unsure), ``conflict`` (the catalogue
    already had a person's translation: kept)."""
    message: str
    """One line for a person."""

    def describe(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        theirs = self.translation
        if self.translation_line:
            theirs += f":{self.translation_line}"
        return f"{where}: [{self.lang}] {self.what}: {self.message} ({theirs})"

    def to_json(self) -> dict[str, Any]:
        return {
            "post": self.post,
            "lang": self.lang,
            "source": self.source,
            "line": self.line,
            "translation": self.translation,
            "translation_line": self.translation_line,
            "what": self.what,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class AdoptedPost:
    """One post × language adopted."""

    post: str
    """The post's identity."""
    lang: str
    """The language."""
    translation: str
    """The translated file read (root-relative)."""
    catalogue: Path
    """The catalogue written (or that would be, with ``--dry-run``)."""
    entries: tuple[EntryAdoption, ...]
    """Each adopted entry's outcome, in source order."""
    dropped: int
    """Source segments without a counterpart."""
    added: int
    """Translation segments without a counterpart."""
    written: bool
    """Whether the catalogue's bytes changed (would change, with ``--dry-run``)."""

    def count(self, outcome: str) -> int:
        return sum(1 for entry in self.entries if entry.outcome == outcome)

    def to_json(self, project: Project) -> dict[str, Any]:
        return {
            "post": self.post,
            "lang": self.lang,
            "translation": self.translation,
            "catalogue": project.relative(self.catalogue),
            "written": self.written,
            "reviewed": self.count("reviewed"),
            "fuzzy": self.count("fuzzy"),
            "kept": self.count("kept"),
            "conflict": self.count("conflict"),
            "dropped": self.dropped,
            "added": self.added,
        }


@dataclass(slots=True)
class AdoptReport:
    """Everything ``adopt`` did or found."""

    dry_run: bool = False
    """Nothing was written."""
    posts: list[AdoptedPost] = field(default_factory=list)
    """Each post × language with a translation, by post then language."""
    differences: list[Difference] = field(default_factory=list)
    """Every difference, by post, language and line."""
    missing: list[tuple[str, str]] = field(default_factory=list)
    """(post, language) with no translation found."""
    templates_written: list[Path] = field(default_factory=list)
    """Templates (re)written first, as ``extract`` would."""

    def to_json(self, project: Project) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "posts": [post.to_json(project) for post in self.posts],
            "differences": [difference.to_json() for difference in self.differences],
            "missing": [{"post": post, "lang": lang} for post, lang in self.missing],
        }


def translation_of(
    project: Project, source: SourceFile, lang: str, manifest: ExportManifest
) -> tuple[Path, bool] | None:
    """The human translation of ``source`` into ``lang``, if the site has one: beside it
    by file name, in the language's content folder, or where export writes; and whether it
    is postloc's own export that a person edited since. An export postloc wrote and nobody
    edited holds machine drafts, never a person's translation: it is passed over."""
    for path in _candidates(project, source, lang):
        if not path.is_file():
            continue
        verdict = manifest.ownership(path, path.read_bytes())
        if verdict != "ours":
            return path, verdict == "edited"
    return None


def _candidates(project: Project, source: SourceFile, lang: str) -> list[Path]:
    """Where a translation may be, by convention, first first."""
    found: list[Path] = []
    stem = markdown_stem(source.path.name) or source.path.stem
    head, dot, suffix = stem.rpartition(".")
    if dot and head and _same_language(suffix, project.config.source_language):
        stem = head
    folder = source.path.parent
    for entry in sorted(os.listdir(folder)) if folder.is_dir() else ():
        base, dot, code = (markdown_stem(entry) or "").rpartition(".")
        if dot and base == stem and _same_language(code, lang):
            found.append(folder / entry)
    posts = project.config.posts_path
    relative = Path(os.path.relpath(source.path, posts))
    if _same_language(posts.name, project.config.source_language):
        found.append(posts.parent / _folder_named(posts.parent, lang) / relative)
    if len(relative.parts) > 1 and _same_language(
        relative.parts[0], project.config.source_language
    ):
        found.append(posts / _folder_named(posts, lang) / Path(*relative.parts[1:]))
    found.append(project.export_path(lang, source.identity))
    return list(dict.fromkeys(found))


def _same_language(code: str, lang: str) -> bool:
    """Language codes compared as Hugo writes them in file and folder names (``pt-br`` =
    ``pt_BR``)."""
    return code.replace("-", "_").casefold() == lang.replace("-", "_").casefold()


def _folder_named(parent: Path, lang: str) -> str:
    """The language's folder under ``parent`` as written on disk (``pt-br``), else ``lang``."""
    if parent.is_dir():
        for entry in sorted(os.listdir(parent)):
            if _same_language(entry, lang) and (parent / entry).is_dir():
                return entry
    return lang


@dataclass(frozen=True, slots=True)
class _Found:
    """A source post with its translation, parsed and aligned."""

    item: LoadedPost
    source: SourceFile
    lang: str
    translation: str
    alignment: Alignment
    edited_export: bool

    def adopt(self, po: polib.POFile) -> tuple[list[EntryAdoption], bool]:
        """The alignment written into ``po`` (:func:`adopt_alignment`)."""
        return adopt_alignment(
            po, self.alignment, self.translation, edited_export=self.edited_export
        )


def _read_translation(project: Project, source: SourceFile, path: Path) -> list[Segment]:
    """The translated file's segments, read as its source is (same rules, same limits)."""
    from postloc.errors import BadPost
    from postloc.markdown.parse import parse_post
    from postloc.markdown.segment import segment_post

    name = project.relative(path)
    if not path.resolve().is_relative_to(project.root.resolve()):
        raise BadPost("links outside the project; refusing to read it", path=name)
    data, _snapshot = project.read_post(path)
    post = parse_post(data, name, slug=source.identity)
    return segment_post(post, project.config.extraction)


def adopt(
    project: Project,
    languages: Sequence[str] = (),
    slugs: Sequence[str] = (),
    *,
    dry_run: bool = False,
) -> AdoptReport:
    """Adopt every existing translation of the posts ``slugs`` name (all without any) into
    ``languages`` (all targets without any). Everything is read and aligned before the
    first write; with ``dry_run`` nothing is written."""
    langs = project.languages(languages)
    sources = select(project, find_posts(project).posts, slugs)
    manifest = ExportManifest.load(project)
    report = AdoptReport(dry_run=dry_run)
    loaded: dict[str, LoadedPost] = {}
    found: list[_Found] = []
    for source in sources:
        for lang in langs:
            found_at = translation_of(project, source, lang, manifest)
            if found_at is None:
                report.missing.append((source.identity, lang))
                continue
            path, edited = found_at
            item = loaded.get(source.identity) or parse_one(project, source)
            loaded[source.identity] = item
            theirs = _read_translation(project, source, path)
            alignment = align(item.segments, theirs, project.config.extraction)
            found.append(_Found(item, source, lang, project.relative(path), alignment, edited))
    templates = plan_templates(project, list(loaded.values()))
    if not dry_run:
        report.templates_written = write_catalogues(templates.items()).written
    conflicts: list[Path] = []
    for one in found:
        template_path = project.template_path(one.item.post.slug)
        read: dict[Path, Snapshot] = {}
        redos: dict[Path, Redo] = {}
        plan = plan_catalogues(
            project, {template_path: templates[template_path]}, [one.lang], read=read, redos=redos
        )
        [(path, po)] = plan.items()
        entries, changed = one.adopt(po)
        written = changed or not is_current(path, dump(po))
        if not dry_run:
            outcome: dict[str, list[EntryAdoption]] = {"entries": entries}
            done = rewrite(
                path,
                po,
                read[path],
                _redo(redos[path], one, outcome),
                revised=changed,
            )
            entries, written = outcome["entries"], done.written
            if done.conflict:
                conflicts.append(path)
        report.posts.append(
            AdoptedPost(
                one.item.post.slug,
                one.lang,
                one.translation,
                path,
                tuple(entries),
                len(one.alignment.dropped),
                len(one.alignment.added),
                written,
            )
        )
        report.differences += _differences(one, entries)
    raise_conflicts(project, conflicts)
    return report


def _redo(redo: Redo, one: _Found, outcome: dict[str, list[EntryAdoption]]) -> Redo:
    """The merge redone on a catalogue a person saved meanwhile, the adoption applied again
    (their entries now count as theirs)."""

    def again() -> tuple[Snapshot, polib.POFile | None]:
        snapshot, po = redo()
        if po is not None:
            outcome["entries"] = one.adopt(po)[0]
        return snapshot, po

    return again


def _differences(one: _Found, entries: Sequence[EntryAdoption]) -> list[Difference]:
    """What the report lists for one post × language, by line."""
    post, lang, source, theirs = one.item.post.slug, one.lang, one.source.name, one.translation
    found: list[Difference] = []
    for segment in one.alignment.dropped:
        found.append(
            Difference(
                post,
                lang,
                source,
                segment.line,
                theirs,
                None,
                "dropped",
                f"{_label(segment)} {quoted(segment.text)} is not in the translation; "
                "left untranslated",
            )
        )
    for segment in one.alignment.added:
        found.append(
            Difference(
                post,
                lang,
                source,
                None,
                theirs,
                segment.line,
                "added",
                f"{_label(segment)} {quoted(segment.text)} is only in the translation; not adopted",
            )
        )
    for entry in entries:
        if entry.outcome in ("fuzzy", "conflict"):
            suffix = "; adopted as fuzzy" if entry.outcome == "fuzzy" else ""
            found.append(
                Difference(
                    post,
                    lang,
                    source,
                    entry.line,
                    theirs,
                    entry.target_line,
                    entry.outcome,  # type: ignore[arg-type]
                    f"{quoted(entry.msgid)}: {entry.reason}{suffix}",
                )
            )
    found.sort(key=lambda d: (d.line or d.translation_line or 0, d.what))
    return found


def _label(segment: Segment) -> str:
    """A segment's kind as a report names it (``paragraph``, ``field description``)."""
    if segment.in_front_matter:
        return "field " + ("title" if segment.kind == "title" else segment.kind.partition(":")[2])
    return segment.kind
