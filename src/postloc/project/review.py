"""The reviewer's side over a whole project: status, QA check, compile, merge-review.

The per-catalogue logic lives in :mod:`postloc.review.status`, :mod:`postloc.qa.checks`,
:mod:`postloc.po.mo` and :mod:`postloc.review.merge`; this module walks the project's files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from postloc.errors import BadCatalogue
from postloc.files import atomic_write
from postloc.markdown.slug import check_slug
from postloc.project.layout import Project
from postloc.project.stages import dump, read_templates, save_revised

if TYPE_CHECKING:  # imported lazily below: status and check must not load the others
    import polib

    from postloc.qa.checks import Issue
    from postloc.review.merge import ReviewResult
    from postloc.review.status import StatusRow


def _catalogues(
    project: Project, languages: Sequence[str]
) -> list[tuple[str, str, Path, polib.POFile | None]]:
    rows = []
    slugs = [path.stem for path in read_templates(project)]
    for slug in slugs:
        for lang in project.languages(languages):
            path = project.catalogue_path(lang, slug)
            rows.append((slug, lang, path, project.read_catalogue(path, lang)))
    return rows


def status_rows(project: Project, languages: Sequence[str] = ()) -> list[StatusRow]:
    """One StatusRow per post × language (a missing catalogue counts as all untranslated)."""
    from postloc.review.status import StatusRow

    templates = {path.stem: po for path, po in read_templates(project).items()}
    rows = []
    for slug, lang, _path, po in _catalogues(project, languages):
        counted = po if po is not None else templates[slug]
        rows.append(StatusRow.from_catalogue(counted, post=slug, lang=lang))
    return rows


def check_project(project: Project, languages: Sequence[str] = ()) -> list[Issue]:
    """Every QA issue of every catalogue, in post and language order."""
    from postloc.qa.checks import check_catalogue

    issues: list[Issue] = []
    source = project.config.source_language
    for slug, lang, _path, po in _catalogues(project, languages):
        if po is not None:
            issues.extend(check_catalogue(po, post=slug, lang=lang, source_lang=source))
    return issues


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


def merge_review_file(project: Project, file: Path, lang: str, slug: str | None) -> ReviewResult:
    """Merge a reviewer's ``.po`` into ``locales/<lang>/LC_MESSAGES/<slug>.po``."""
    from postloc.po.read import read_po
    from postloc.review.merge import merge_review

    where = str(file)
    origin = "--post option" if slug else "file name"
    post = check_slug(slug or file.stem, origin=origin, path=where)
    project.languages([lang])
    path = project.catalogue_path(lang, post)
    ours = project.read_catalogue(path, lang)
    if ours is None:
        raise BadCatalogue(
            f"no catalogue for post {post!r} in {lang!r}", path=project.relative(path)
        )
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadCatalogue("not valid UTF-8", path=where, line=None) from exc
    theirs = read_po(text, where)
    result = merge_review(ours, theirs, lang=lang)
    if dump(result.catalogue) != dump(ours):
        save_revised(path, result.catalogue)
    return result
