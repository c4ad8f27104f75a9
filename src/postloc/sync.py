"""``sync``: extract + update + translate + export in one locked run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .pipeline import (
    Notify,
    WriteReport,
    _quiet,
    load_posts,
    orphan_templates,
    plan_catalogues,
    plan_templates,
)
from .project import Project
from .publish import ExportReport, export_project
from .translate import TranslateReport


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
        }


def run_sync(
    project: Project,
    languages: Sequence[str] = (),
    engine: str | None = None,
    notify: Notify = _quiet,
) -> SyncResult:
    """The whole pipeline; every stage validates its input before writing."""
    from .files import atomic_write, remove_file
    from .pipeline import dump, translate

    langs = project.languages(languages)
    posts = load_posts(project)
    templates = plan_templates(project, posts)
    catalogues = plan_catalogues(project, templates, langs)
    extract = WriteReport()
    for path, po in templates.items():
        (extract.written.append(path) if atomic_write(path, dump(po)) else None)
    for path in orphan_templates(project, posts):
        remove_file(path)
        extract.removed.append(path)
    update = WriteReport()
    for path, (po, _old) in catalogues.items():
        if atomic_write(path, dump(po)):
            update.written.append(path)
        else:
            update.unchanged += 1
    extract.unchanged = len(templates) - len(extract.written)
    report, writes = translate(project, langs, engine, notify)
    exported = export_project(project, langs)
    return SyncResult(extract, update, report, writes, exported)
