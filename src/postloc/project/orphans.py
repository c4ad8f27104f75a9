"""Catalogues whose post is gone: followed to a renamed post, or reported, never deleted.

A post file renamed or moved (an identity change) looks like one post gone and a new one
come; so does a post whose catalogues were named after its front matter ``slug:`` before
identities were paths. When the
new post has most of the old one's texts, its catalogues are carried over to the new slug
(entries and reviews kept; the merge that follows updates them like any edit). Otherwise
the old catalogues are orphans: ``status`` and ``check`` list them, and only a person
deletes them (they hold human work).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polib

from postloc.files import atomic_write, remove_file
from postloc.project.layout import Project

RENAME_SHARE = 0.5
"""A new post is the old one renamed when at least this share of the old post's texts (the
live msgids of its catalogues) are texts of the new post (its template's msgids). One old
post goes to at most one new post, the best share first; a "new" post is one with no
catalogue in any target language."""


@dataclass(frozen=True, slots=True)
class Rename:
    """A post whose catalogues follow it to a new slug."""

    old: str
    """The slug that has catalogues but no post any more."""
    new: str
    """The slug of the post that replaced it."""
    share: float
    """Share of the old post's texts found in the new post."""


@dataclass(frozen=True, slots=True)
class Orphan:
    """A catalogue whose post (template) is gone."""

    slug: str
    """The identity of the post it was made for (its path in the language's folder)."""
    lang: str
    """Its language."""
    path: Path
    """The catalogue file."""
    catalogue: polib.POFile
    """Its content (counted by ``status``)."""


def texts(po: polib.POFile) -> set[str]:
    """The live msgids of a template or catalogue: what a rename is recognised by."""
    return {entry.msgid for entry in po if entry.msgid and not entry.obsolete}


def orphan_catalogues(
    project: Project, live: Iterable[str], languages: Sequence[str] = ()
) -> list[Orphan]:
    """Catalogues of the (given, else configured) languages whose slug is not in ``live``,
    sorted by slug then language."""
    alive = set(live)
    found = []
    for lang in project.languages(languages):
        for path in project.catalogue_paths(lang):
            slug = project.catalogue_identity(lang, path)
            if slug in alive:
                continue
            po = project.read_catalogue(path, lang)
            if po is not None:
                found.append(Orphan(slug, lang, path, po))
    return sorted(found, key=lambda o: (o.slug, o.lang))


def find_renames(
    project: Project, templates: Mapping[str, polib.POFile], live: Iterable[str]
) -> list[Rename]:
    """Renamed posts: an orphaned slug (catalogues, no post in ``live``) paired with a post
    of ``templates`` (slug → its template now) that has no catalogue yet (:data:`RENAME_SHARE`).

    Reads (and so validates) the orphaned catalogues; writes nothing.
    """
    langs = project.config.target_languages
    old: dict[str, set[str]] = {}
    for orphan in orphan_catalogues(project, live):
        old.setdefault(orphan.slug, set()).update(texts(orphan.catalogue))
    if not old:
        return []
    new = {
        slug: texts(template)
        for slug, template in templates.items()
        if not any(project.catalogue_path(lang, slug).exists() for lang in langs)
    }
    pairs = []
    for old_slug, old_texts in old.items():
        for new_slug, new_texts in new.items():
            if old_texts:
                share = len(old_texts & new_texts) / len(old_texts)
                if share >= RENAME_SHARE:
                    pairs.append((-share, old_slug, new_slug))
    renames: list[Rename] = []
    taken: set[str] = set()
    for negative, old_slug, new_slug in sorted(pairs):
        if old_slug not in taken and new_slug not in taken:
            taken.update((old_slug, new_slug))
            renames.append(Rename(old_slug, new_slug, -negative))
    return sorted(renames, key=lambda r: r.old)


def carry_over(project: Project, renames: Iterable[Rename]) -> list[Path]:
    """Move each renamed post's catalogues to its new slug, never over an existing one;
    return the catalogues written."""
    written = []
    for rename in renames:
        for lang in project.config.target_languages:
            source = project.catalogue_path(lang, rename.old)
            target = project.catalogue_path(lang, rename.new)
            if not source.is_file() or target.exists():
                continue
            atomic_write(target, source.read_bytes())
            remove_file(source)
            project.remove_empty_folders(source)
            written.append(target)
    return written
