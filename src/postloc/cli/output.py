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

from postloc.errors import PostlocError

if TYPE_CHECKING:  # types only: `postloc --help` must not import the project layer
    from collections.abc import Sequence

    from postloc.export.post import ExportOutcome
    from postloc.project.adopt import AdoptReport
    from postloc.project.discovery import Skipped
    from postloc.project.layout import Project
    from postloc.project.outputs import ExportReport, Refused
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
    for rename in report.renamed:
        reporter.notice(f"renamed: {rename.old} → {rename.new}, catalogues carried over")
    for path in report.removed:
        reporter.notice(f"removed {project.relative(path)} (its post is gone)")
    if not quiet_summary:
        reporter.notice(f"{len(report.written)} {what}(s) written, {report.unchanged} unchanged")


def report_not_read(reporter: Reporter, skipped: Sequence[Skipped], *, listed: bool) -> None:
    """The Markdown files of the posts folder that are not source posts: one line each
    when ``listed`` (``status``) or with ``-v``, else one line counting them (``sync``)."""
    if listed or reporter.verbose:
        for item in skipped:
            reporter.notice(item.describe())
    elif skipped:
        reporter.notice(
            f"{len(skipped)} Markdown file(s) in the posts folder are not source posts "
            "(translations, exports); -v lists them"
        )


def report_refused(reporter: Reporter, project: Project, refused: Sequence[Refused]) -> None:
    """``status``: the exports ``export`` would leave alone, one line each as it says them."""
    for item in refused:
        reporter.notice(item.describe(project))


def report_export(
    reporter: Reporter,
    project: Project,
    report: ExportReport,
    as_json: bool,
    *,
    strict: bool = False,
) -> None:
    """Print an export's result; with ``strict``, a threshold that let nothing through fails."""
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
                        "outdated": p.outcome.outdated,
                        "machine": p.outcome.machine,
                        "fallback": p.outcome.fallback,
                        "unsafe": [
                            {"line": u.line, "message": u.message} for u in p.outcome.unsafe
                        ],
                    }
                    for p in report.posts
                ],
                "stale": [project.relative(p) for p in report.stale],
                "pruned": [project.relative(p) for p in report.pruned],
                "kept": [project.relative(p) for p in report.kept],
                "refused": [
                    {
                        "path": project.relative(p.path),
                        "post": p.slug,
                        "lang": p.lang,
                        "reason": p.refusal,
                    }
                    for p in report.refused
                ],
            }
        )
        if strict and report.nothing_exported:
            raise PostlocError(export_summary(project, report))
        if strict:
            refuse_left_alone(len(report.refused))
        return
    for item in report.posts:
        counts = _shown_counts(item.outcome)
        if item.outcome.text is None:
            reporter.detail(
                f"skipped {item.slug} [{item.lang}]: {item.outcome.translated_ratio:.0%} "
                f"translated ({counts}), below the minimum"
            )
        elif item.refused:
            reporter.notice(f"not written: {project.relative(item.path)} ({item.refusal})")
        else:
            reporter.detail(f"exported {item.slug} [{item.lang}]: {counts}")
    for item, unsafe in report.unsafe:
        reporter.notice(
            f"source text kept: {item.slug}:{unsafe.line} [{item.lang}]: {unsafe.message}"
        )
    for path in report.stale:
        if path in report.kept:
            reporter.notice(
                f"kept: {project.relative(path)} (stale, but edited since postloc wrote it)"
            )
            continue
        verb = "removed" if path in report.pruned else "stale (use --prune)"
        reporter.notice(f"{verb}: {project.relative(path)}")
    summary = export_summary(project, report)
    if strict and report.nothing_exported:
        raise PostlocError(summary)
    reporter.notice(summary)
    if strict:
        refuse_left_alone(len(report.refused))


def report_in_the_way(
    reporter: Reporter, project: Project, report: ExportReport, refused: Sequence[Refused]
) -> int:
    """``sync --strict``: the exports left alone, those of posts sync passed over as unchanged
    too (``refused``, :func:`postloc.project.outputs.refused_exports`), each printed once;
    returns how many."""
    shown = {item.path for item in report.refused}
    for item in refused:
        if item.path not in shown:
            reporter.notice(item.describe(project))
    return len(shown | {item.path for item in refused})


def refuse_left_alone(count: int) -> None:
    """``--strict``: exports left alone (a person's file in the way) are an error, raised
    once everything else was written and each refusal printed."""
    if count:
        raise PostlocError(
            f"{count} export(s) left alone (a person's file or a source post "
            "in the way); --strict makes that an error"
        )


def _shown_counts(outcome: ExportOutcome) -> str:
    """What a post's segments show, best first (docs/architecture.md, "Export")."""
    return (
        f"{outcome.reviewed} reviewed, {outcome.outdated} outdated, "
        f"{outcome.machine} machine, {outcome.fallback} source"
    )


def export_summary(project: Project, report: ExportReport) -> str:
    """One line for the whole export: what was written, and what the threshold kept back.

    Posts below the threshold are summed up here, never one line each (``-v`` lists them),
    so a threshold that lets nothing through says so once instead of hundreds of times.
    """
    written = sum(1 for p in report.posts if p.written)
    refused = sum(1 for p in report.posts if p.refused)
    exported = sum(1 for p in report.posts if p.outcome.text is not None) - refused
    skipped = len(report.posts) - exported - refused
    alone = f"; {refused} left alone (not postloc's)" if refused else ""
    if not skipped:
        return f"{exported} post(s) exported, {written} changed{alone}"
    from postloc.export.post import ExportPolicy

    threshold = project.config.min_translated
    if report.min_translated is not None:
        threshold = report.min_translated
    policy = report.policy or ExportPolicy.of(project.config)
    if report.reviewed_only:
        counting = " with --reviewed-only"
    elif not policy.machine and not policy.outdated:
        counting = " counting reviewed translations only"
    elif not policy.machine:
        counting = " without machine drafts"
    elif not policy.outdated:
        counting = " without outdated translations"
    else:
        counting = ""
    shown = f"{threshold:.2f}" if round(threshold, 2) == threshold else f"{threshold:g}"
    below = f"below --min-translated {shown}{counting}"
    if report.nothing_exported:
        return f"0 of {len(report.posts)} post exports written: all {below}"
    return f"{exported} post(s) exported, {written} changed; {skipped} skipped, {below}{alone}"


def report_adopt(reporter: Reporter, project: Project, report: AdoptReport, as_json: bool) -> None:
    """Print ``adopt``'s result: every difference on stdout (one line each), then one line
    summing it up; ``-v`` names each file written and each post without a translation."""
    if as_json:
        emit_json(report.to_json(project))
        return
    for difference in report.differences:
        click.echo(difference.describe())
    for path in report.templates_written:
        reporter.detail(f"wrote {project.relative(path)}")
    for post in report.posts:
        if post.written:
            verb = "would write" if report.dry_run else "wrote"
            reporter.detail(f"{verb} {project.relative(post.catalogue)}")
    for slug, lang in report.missing:
        reporter.detail(f"no translation of {slug} into {lang}")
    counts = {
        outcome: sum(post.count(outcome) for post in report.posts)
        for outcome in ("reviewed", "fuzzy", "kept", "conflict")
    }
    dropped = sum(post.dropped for post in report.posts)
    added = sum(post.added for post in report.posts)
    written = sum(1 for post in report.posts if post.written)
    what = "would be written" if report.dry_run else "written"
    click.echo(
        f"{len(report.posts)} translation(s) adopted: {counts['reviewed']} reviewed, "
        f"{counts['fuzzy']} fuzzy, {counts['kept']} already there, {counts['conflict']} "
        f"conflict(s) kept as they were; {dropped} block(s) dropped, {added} added; "
        f"{written} catalogue(s) {what}"
    )
