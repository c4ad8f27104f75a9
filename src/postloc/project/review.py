"""The reviewer's side over a whole project: status, QA check, compile, merge-review.

The per-catalogue logic lives in :mod:`postloc.review.status`, :mod:`postloc.qa.checks`,
:mod:`postloc.po.mo` and :mod:`postloc.review.merge`; this module walks the project's files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from postloc.errors import BadCatalogue
from postloc.files import atomic_write
from postloc.markdown.slug import identity_of, markdown_stem
from postloc.project.discovery import Skipped
from postloc.project.layout import Project
from postloc.project.orphans import Orphan, find_renames, orphan_catalogues
from postloc.project.rewrites import raise_conflicts, rewrite
from postloc.project.stages import (
    LoadedPost,
    dump,
    find_posts,
    load_posts,
    read_templates,
    template_identities,
)

if TYPE_CHECKING:  # imported lazily below: status and check must not load the others
    import polib

    from postloc.files import Snapshot
    from postloc.qa.checks import Issue
    from postloc.review.merge import ReviewResult
    from postloc.review.status import StatusRow


def _catalogues(
    project: Project, languages: Sequence[str]
) -> list[tuple[str, str, Path, polib.POFile | None]]:
    rows = []
    for slug in template_identities(project):
        for lang in project.languages(languages):
            path = project.catalogue_path(lang, slug)
            rows.append((slug, lang, path, project.read_catalogue(path, lang)))
    return rows


def status_rows(project: Project, languages: Sequence[str] = ()) -> list[StatusRow]:
    """One StatusRow per post × language (a missing catalogue counts as all untranslated)."""
    from postloc.review.status import StatusRow

    templates = {project.template_identity(p): po for p, po in read_templates(project).items()}
    rows = []
    for slug, lang, _path, po in _catalogues(project, languages):
        counted = po if po is not None else templates[slug]
        rows.append(StatusRow.from_catalogue(counted, post=slug, lang=lang))
    return rows


def not_read(project: Project) -> tuple[Skipped, ...]:
    """The Markdown files of the posts folder that are not source posts, each with its
    reason (``status`` lists them; none without a posts folder)."""
    if not project.config.posts_path.is_dir():
        return ()
    return find_posts(project).skipped


@dataclass(frozen=True, slots=True)
class OrphanCatalogue:
    """A catalogue whose post is gone, as ``status`` and ``check`` report it."""

    orphan: Orphan
    """The catalogue."""
    renamed_to: str | None
    """The post it will follow at the next ``sync``/``extract`` (a rename), else None."""

    def describe(self, project: Project) -> str:
        """One line: what it is and what to do about it."""
        where = project.relative(self.orphan.path)
        if self.renamed_to is not None:
            return (
                f"{where}: renamed: {self.orphan.slug} → {self.renamed_to}, "
                "catalogues carried over at the next postloc sync"
            )
        from postloc.review.status import catalogue_counts

        reviewed = catalogue_counts(self.orphan.catalogue)["reviewed"]
        return (
            f"{where}: orphaned, its post is gone ({reviewed} reviewed entries kept); "
            "restore the post, or delete the file to drop them"
        )


def orphaned_catalogues(project: Project, languages: Sequence[str] = ()) -> list[OrphanCatalogue]:
    """Catalogues whose post's template is gone, each with the renamed post it will follow
    (:mod:`postloc.project.orphans`); never deleted, only reported."""
    live = template_identities(project)
    orphans = orphan_catalogues(project, live, languages)
    if not orphans:
        return []
    templates = {project.template_identity(p): po for p, po in read_templates(project).items()}
    renamed = {r.old: r.new for r in find_renames(project, templates, live)}
    return [OrphanCatalogue(o, renamed.get(o.slug)) for o in orphans]


def check_project(project: Project, languages: Sequence[str] = ()) -> list[Issue]:
    """Every QA issue of every catalogue, in post and language order; then a warning per
    orphaned catalogue (:func:`orphaned_catalogues`)."""
    from postloc.qa.checks import Issue, check_catalogue

    issues: list[Issue] = []
    source = project.config.source_language
    posts: dict[str, LoadedPost] | None = None
    for slug, lang, _path, po in _catalogues(project, languages):
        if po is not None:
            issues.extend(
                check_catalogue(
                    po, post=slug, lang=lang, source_lang=source, rules=project.config.extraction
                )
            )
            if posts is None:
                posts = {item.post.slug: item for item in load_posts(project)}
            if slug in posts:
                issues.extend(document_issues(project, posts[slug], po, lang))
    for orphan in orphaned_catalogues(project, languages):
        message = orphan.describe(project)
        issues.append(
            Issue(orphan.orphan.slug, orphan.orphan.lang, 0, "orphan", "warning", message)
        )
    return issues


def document_issues(project: Project, item: LoadedPost, po: polib.POFile, lang: str) -> list[Issue]:
    """The ``document`` check: the post as ``export`` would assemble it (the configuration's
    policy, whatever the threshold) against its source; one error per translation that
    export falls back from (:func:`postloc.export.post.safe_translations`), on its entry's line.
    """
    from postloc.export.post import ExportPolicy, export_post
    from postloc.qa.checks import Issue
    from postloc.qa.document import DOCUMENT_CHECK

    policy = ExportPolicy.of(project.config)
    outcome = export_post(
        item.post,
        item.segments,
        po,
        lang,
        policy=policy,
        min_translated=0.0,
        rules=project.config.extraction,
    )
    return [
        Issue(item.post.slug, lang, unsafe.line, DOCUMENT_CHECK, "error", unsafe.message)
        for unsafe in outcome.unsafe
    ]


def compile_project(
    project: Project, languages: Sequence[str] = (), *, use_fuzzy: bool = False
) -> list[Path]:
    """``.mo`` files next to their catalogues."""
    from postloc.po.mo import compile_catalogue

    written = []
    for _slug, _lang, path, po in _catalogues(project, languages):
        if po is not None:
            target = path.with_suffix(".mo")
            atomic_write(target, compile_catalogue(po, use_fuzzy=use_fuzzy))
            written.append(target)
    return written


PostEvidence = Literal["--post", "references", "Project-Id-Version"]
"""What named the post a reviewer's file belongs to (:func:`find_reviewed_post`)."""

LISTED_CANDIDATES = 12
"""Posts an error names at most when it lists candidates for ``--post``."""


EVIDENCE_TEXT: dict[PostEvidence, str] = {
    "--post": "chosen with --post",
    "references": "named by the file's #: references",
    "Project-Id-Version": "named by the file's Project-Id-Version",
}


@dataclass(frozen=True, slots=True)
class MergedReview:
    """What ``merge-review`` did: which post, why that one, and what happened to each entry."""

    file: str
    """The reviewer's file as given."""
    post: str
    """Slug of the post whose catalogue received the review."""
    found_by: PostEvidence
    """What named the post: ``--post``, the file's ``#:`` references or its
    ``Project-Id-Version`` header."""
    catalogue: str
    """The catalogue merged into, root-relative."""
    written: bool
    """Whether the catalogue changed (a second merge of the same file writes nothing)."""
    result: ReviewResult
    """The merge itself."""

    def lines(self) -> list[str]:
        """The text report: where the file went and why, the counts, then every conflict and
        unknown msgid, one line each."""
        from postloc.review.merge import quoted

        changed = "" if self.written else "; nothing changed"
        lines = [
            f"{self.file} → {self.catalogue} (post {self.post}, "
            f"{EVIDENCE_TEXT[self.found_by]}){changed}",
            self.result.summary(),
        ]
        lines += [f"  conflict: {conflict.describe()}" for conflict in self.result.conflicts]
        lines += [f"  unknown: {quoted(msgid)}" for msgid in self.result.unknown]
        return lines

    def to_json(self) -> dict[str, Any]:
        """The ``merge-review --json`` document."""
        return {
            "file": self.file,
            "post": self.post,
            "found_by": self.found_by,
            "catalogue": self.catalogue,
            "written": self.written,
            **self.result.to_json(),
        }


def merge_review_file(
    project: Project, file: Path, lang: str, slug: str | None = None
) -> MergedReview:
    """Merge a reviewer's ``.po`` into ``locales/<lang>/LC_MESSAGES/<post>.po``.

    The post is the one the file itself names (:func:`find_reviewed_post`), whatever the
    file is called (``corrections (1).po``); ``slug`` (``--post``, an identity or a path that
    becomes one: ``posts/hugo/faq``, ``posts/hugo/faq.md``) overrides it.
    """
    from postloc.po.read import read_po
    from postloc.review.merge import merge_review

    where = str(file)
    project.languages([lang])
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadCatalogue("not valid UTF-8", path=where, line=None) from exc
    theirs = read_po(text, where)
    found_by: PostEvidence = "--post"
    if slug is not None:
        post = identity_of(markdown_stem(slug) or slug)
    else:
        post, found_by = find_reviewed_post(project, theirs, lang, where)
    path = project.catalogue_path(lang, post)
    ours, read = project.read_catalogue_snapshot(path, lang)
    if ours is None:
        raise BadCatalogue(
            f"no catalogue for post {post!r} in {lang!r}", path=project.relative(path)
        )
    result = merge_review(ours, theirs, lang=lang)
    written = dump(result.catalogue) != dump(ours)
    if written:

        def redo() -> tuple[Snapshot, polib.POFile | None]:
            """Someone saved the catalogue meanwhile: merge the review into that instead."""
            nonlocal result
            saved, snapshot = project.read_catalogue_snapshot(path, lang)
            if saved is None:
                return snapshot, None
            result = merge_review(saved, theirs, lang=lang)
            return snapshot, result.catalogue

        done = rewrite(path, result.catalogue, read, redo, revised=True)
        if done.conflict:
            raise_conflicts(project, [path])
        written = done.written
    return MergedReview(where, post, found_by, project.relative(path), written, result)


def find_reviewed_post(
    project: Project, theirs: polib.POFile, lang: str, where: str
) -> tuple[str, PostEvidence]:
    """The post a reviewer's catalogue belongs to, from its content, never its file name.

    First the posts its ``#:`` references name (``source_posts/posts/faq.md:12``, a source post
    of this project's posts folder); when they name none, the ``Project-Id-Version`` header,
    where postloc writes the post's identity, if this language has a catalogue of that name.
    References naming several posts, or nothing naming one, is a :class:`BadCatalogue`
    listing the candidates and pointing at ``--post``.
    """
    references = _references(theirs)
    posts = _posts_by_reference(project) if references else {}
    named = sorted(_named_posts(references, posts))
    if len(named) == 1:
        return named[0], "references"
    if len(named) > 1:
        raise BadCatalogue(
            f"its #: references name several posts ({', '.join(named)}); "
            "choose one with --post POST",
            path=where,
        )
    existing = _catalogue_slugs(project, lang)
    header = (theirs.metadata or {}).get("Project-Id-Version", "").strip()
    if header in existing:
        return header, "Project-Id-Version"
    posts_dir = project.relative(project.config.posts_path)
    said = f" and its Project-Id-Version {header!r} names no {lang!r} catalogue" if header else ""
    if not existing:
        candidates = f"there is no {lang!r} catalogue yet (run postloc update)"
    else:
        shown = ", ".join(existing[:LISTED_CANDIDATES])
        more = f", … ({len(existing)} in all)" if len(existing) > LISTED_CANDIDATES else ""
        candidates = f"choose one with --post POST: {shown}{more}"
    refs = (
        f"none of its #: references is a post in {posts_dir}/"
        if references
        else "it has no #: references"
    )
    raise BadCatalogue(f"the file names no post: {refs}{said}; {candidates}", path=where)


def _references(po: polib.POFile) -> list[list[tuple[str, str]]]:
    """The ``#:`` references (file, line) of each of the catalogue's live entries."""
    return [
        [(path.removeprefix("./"), str(line)) for path, line in entry.occurrences]
        for entry in po
        if not entry.obsolete and entry.occurrences
    ]


def _named_posts(references: list[list[tuple[str, str]]], posts: dict[str, str]) -> set[str]:
    """The identities of the posts the references name.

    A tool that takes no-break spaces for separators (polib, translate-toolkit) saves
    ``source_posts/Mon billet.md:3`` as the references ``source_posts/Mon`` and
    ``billet.md:3``: a run of references without a line joined by spaces to the next one
    with a line is read as one file name first, its parts only if that names no post.
    """
    named: set[str] = set()
    for entry in references:
        run: list[str] = []
        for index, (path, line) in enumerate(entry, start=1):
            run.append(_spaced(path))
            if line or index == len(entry):
                joined = " ".join(run)
                if joined in posts:
                    named.add(posts[joined])
                else:
                    named.update(posts[part] for part in run if part in posts)
                run = []
    return named


def _posts_by_reference(project: Project) -> dict[str, str]:
    """Each source post's identity by the file name its references give (none without a
    posts folder: the references then name no post)."""
    if not project.config.posts_path.is_dir():
        return {}
    return {_spaced(post.name): post.identity for post in find_posts(project).posts}


def _spaced(name: str) -> str:
    """A file name compared as a reference line may carry it: a tab or no-break space is a
    space (:mod:`postloc.po.write` writes spaces as no-break spaces)."""
    return name.replace("\t", " ").replace("\u00a0", " ")


def _catalogue_slugs(project: Project, lang: str) -> list[str]:
    """Identities of the catalogues this language has, sorted."""
    return [project.catalogue_identity(lang, path) for path in project.catalogue_paths(lang)]
