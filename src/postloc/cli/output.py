"""The one channel for user-facing output: notices, progress bars, reports, JSON.

Library code never prints. The CLI builds a :class:`Reporter` (``-q``/``-v``)
and hands its methods down as callbacks; the report printers live here so
the command functions stay thin.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # types only: `postloc --help` must not import the project layer
    from postloc.project.layout import Project
    from postloc.project.outputs import ExportReport
    from postloc.project.stages import WriteReport


@dataclass(frozen=True, slots=True)
class Reporter:
    """Writes notices to stderr unless quiet; ``verbose`` adds detail lines."""

    quiet: bool = False
    """Silence everything but errors (``-q``)."""
    verbose: bool = False
    """Also print detail lines (``-v``)."""

    def notice(self, message: str) -> None:
        if not self.quiet:
            click.echo(message, err=True)

    def detail(self, message: str) -> None:
        if self.verbose and not self.quiet:
            click.echo(message, err=True)

    @property
    def bars(self) -> bool:
        """Progress bars only for a person watching a terminal."""
        return not self.quiet and sys.stderr.isatty()


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))


@contextlib.contextmanager
def progress_bars(reporter: Reporter) -> Iterator[Callable[[str, int, int], None] | None]:
    """One progress bar per language on a terminal; nothing with -q or when piped."""
    if not reporter.bars:
        yield None
        return
    bars: dict[str, Any] = {}

    def progress(lang: str, done: int, total: int) -> None:
        bar = bars.get(lang)
        if bar is None:
            bar = bars[lang] = click.progressbar(
                length=total, label=f"translating {lang}", file=sys.stderr
            )
            bar.__enter__()
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)

    try:
        yield progress
    finally:
        for bar in bars.values():
            if not bar.finished:
                bar.__exit__(None, None, None)


def report_writes(
    reporter: Reporter,
    project: Project,
    what: str,
    report: WriteReport,
    quiet_summary: bool = False,
) -> None:
    for path in report.written:
        reporter.detail(f"wrote {project.relative(path)}")
    for path in report.removed:
        reporter.notice(f"removed {project.relative(path)} (its post is gone)")
    if not quiet_summary:
        reporter.notice(f"{len(report.written)} {what}(s) written, {report.unchanged} unchanged")


def report_export(
    reporter: Reporter, project: Project, report: ExportReport, as_json: bool
) -> None:
    if as_json:
        emit_json(
            {
                "posts": [
                    {
                        "post": p.slug,
                        "lang": p.lang,
                        "path": project.relative(p.path),
                        "written": p.written,
                        "exported": p.outcome.text is not None,
                        "total": p.outcome.total,
                        "reviewed": p.outcome.reviewed,
                        "machine": p.outcome.machine,
                        "fallback": p.outcome.fallback,
                    }
                    for p in report.posts
                ],
                "stale": [project.relative(p) for p in report.stale],
                "pruned": [project.relative(p) for p in report.pruned],
            }
        )
        return
    for item in report.skipped:
        reporter.notice(
            f"skipped {item.slug} [{item.lang}]: {item.outcome.translated_ratio:.0%} translated, "
            f"below the minimum"
        )
    for path in report.stale:
        verb = "removed" if path in report.pruned else "stale (use --prune)"
        reporter.notice(f"{verb}: {project.relative(path)}")
    written = sum(1 for p in report.posts if p.written)
    exported = sum(1 for p in report.posts if p.outcome.text is not None)
    reporter.notice(f"{exported} post(s) exported, {written} changed")
