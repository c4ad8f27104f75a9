"""``postloc`` command line: a thin layer over the library stages.

Every command resolves the project, calls one library function and prints
its report. ``PostlocError`` becomes ``postloc: error: …`` and exit 1 in one
place (:class:`PostlocGroup`); usage mistakes are click's exit 2.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from postloc import __version__
from postloc.cli.engines import engines, models
from postloc.cli.options import (
    EngineChoice,
    State,
    jobs_option,
    json_option,
    lang_option,
    pass_state,
    project_locked,
)
from postloc.cli.output import (
    Reporter,
    emit_json,
    progress_bars,
    refuse_left_alone,
    report_export,
    report_in_the_way,
    report_not_read,
    report_refused,
    report_writes,
)
from postloc.cli.site import adopt, init, keys, site_config
from postloc.errors import PostlocError

if TYPE_CHECKING:
    pass

F = TypeVar("F", bound=Callable[..., Any])


class PostlocGroup(click.Group):
    """Turns library errors into one line on stderr and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PostlocError as exc:
            click.echo(f"postloc: error: {exc}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("postloc: error: interrupted; finished work was saved", err=True)
            ctx.exit(130)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"postloc: error: {where}{exc.strerror or exc}", err=True)
            ctx.exit(1)


@click.group(cls=PostlocGroup)
@click.version_option(__version__, prog_name="postloc")
@click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), help="postloc.toml to use."
)
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.option("-v", "--verbose", is_flag=True, help="More detail.")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, quiet: bool, verbose: bool) -> None:
    """Offline translation of Markdown posts through gettext catalogues."""
    ctx.obj = State(config_path, Reporter(quiet=quiet, verbose=verbose))


@main.command()
@click.argument("slugs", nargs=-1, metavar="[POST]...")
@pass_state
def extract(state: State, slugs: tuple[str, ...]) -> None:
    """Posts → templates (locales/templates/<post>.pot).

    A POST is named by its identity, its path in the posts folder without the extension
    (posts/hugo/faq), or by its file (posts/hugo/faq.md).
    """
    from postloc.project.stages import extract as run

    project = state.project()
    with project_locked(project):
        report = run(project, slugs)
    report_writes(state.reporter, project, "template", report)


@main.command()
@lang_option
@pass_state
def update(state: State, langs: tuple[str, ...]) -> None:
    """Templates → catalogues (merge, fuzzy, obsolete)."""
    from postloc.project.stages import update as run

    project = state.project()
    with project_locked(project):
        report = run(project, langs)
    report_writes(state.reporter, project, "catalogue", report)


@main.command()
@lang_option
@click.option("--engine", type=EngineChoice(), help="Override the configured engine.")
@jobs_option
@json_option
@pass_state
def translate(
    state: State, langs: tuple[str, ...], engine: str | None, jobs: int, as_json: bool
) -> None:
    """Machine drafts for entries with no translation."""
    from postloc.project.drafting import translate as run

    project = state.project()
    with project_locked(project), progress_bars(state.reporter) as progress:
        report, writes = run(
            project, langs, engine, notify=state.reporter.detail, jobs=jobs, progress=progress
        )
    if as_json:
        emit_json(report.to_json())
    else:
        state.reporter.notice(
            f"{report.translated} drafts ({report.from_memory} from memory, "
            f"{report.engine_segments} sent to engines), {report.skipped_human} human entries kept"
        )
    report_writes(state.reporter, project, "catalogue", writes, quiet_summary=True)


@main.command()
@lang_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("--reviewed-only", is_flag=True, help="Reviewed translations only; others fall back.")
@click.option("--min-translated", type=click.FloatRange(0, 1), help="Share needed to write a post.")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option(
    "--prune",
    is_flag=True,
    help="Remove postloc's own exports whose post or language is gone (never a file it "
    "did not write, nor one edited since).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 when --min-translated lets no post through, or when an export is left "
    "alone (a file postloc did not write, or edited since, is in the way).",
)
@json_option
@pass_state
def export(
    state: State,
    langs: tuple[str, ...],
    out: Path | None,
    reviewed_only: bool,
    min_translated: float | None,
    fmt: str,
    prune: bool,
    strict: bool,
    as_json: bool,
) -> None:
    """Catalogues → localized posts, human work first.

    Each segment shows its reviewed translation, else a person's outdated (fuzzy) one,
    else a machine draft, else the source text. A target postloc did not write (a person's
    translation, an export edited since, a source post) is left alone with a notice; the
    rest is exported.
    """
    from postloc.project.outputs import export_project

    project = state.project()
    with project_locked(project):
        report = export_project(
            project,
            langs,
            out=out,
            reviewed_only=reviewed_only or None,
            min_translated=min_translated,
            fmt=fmt,  # type: ignore[arg-type]
            prune=prune,
        )
    report_export(state.reporter, project, report, as_json, strict=strict)


@main.command()
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if catalogues are stale.")
@lang_option
@click.option("--engine", type=EngineChoice(), help="Override the configured engine.")
@jobs_option
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 when an export is left alone (a file postloc did not write is in the way).",
)
@json_option
@pass_state
def sync(
    state: State,
    check: bool,
    langs: tuple[str, ...],
    engine: str | None,
    jobs: int,
    strict: bool,
    as_json: bool,
) -> None:
    """extract + update + translate + export."""
    from postloc.project.outputs import refused_exports
    from postloc.project.sync import run_sync

    project = state.project()
    if check:
        from postloc.project.stages import check_sync

        check_sync(project, langs)
        state.reporter.notice("catalogues are up to date")
        return
    with project_locked(project, wait=60.0), progress_bars(state.reporter) as progress:
        result = run_sync(
            project, langs, engine, notify=state.reporter.detail, jobs=jobs, progress=progress
        )
    if as_json:
        emit_json(result.to_json(project))
        if strict:
            refuse_left_alone(len(refused_exports(project, langs)))
        return
    report_not_read(state.reporter, result.not_sources, listed=False)
    report_writes(state.reporter, project, "template", result.extract)
    report_writes(state.reporter, project, "catalogue", result.update)
    state.reporter.notice(
        f"{result.translate.translated} drafts ({result.translate.from_memory} from memory, "
        f"{result.translate.engine_segments} sent to engines)"
    )
    report_export(state.reporter, project, result.export, False)
    if strict:  # a post sync passed over as unchanged may have an export in the way too
        refused = refused_exports(project, langs)
        refuse_left_alone(report_in_the_way(state.reporter, project, result.export, refused))


@main.command()
@lang_option
@json_option
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    metavar="PCT",
    help="Exit 1 below PCT % reviewed, or when there are no posts.",
)
@pass_state
def status(state: State, langs: tuple[str, ...], as_json: bool, fail_under: float | None) -> None:
    """Per post and language: reviewed / machine / human fuzzy / untranslated / obsolete.

    Catalogues whose post is gone are listed after the table (--json: rows with
    "orphan": true), never counted; delete such a file to drop its translations. So are the
    Markdown files of the posts folder that are not source posts, with the reason (--json:
    objects with "not_read": true, "file" and "reason"), and the exports `export` would leave
    alone, a person's file being in the way (--json: "refused": true, "file", "post", "lang",
    "reason").
    """
    from postloc.project.outputs import refused_exports
    from postloc.project.review import not_read, orphaned_catalogues, status_rows
    from postloc.review.status import (
        NO_POSTS,
        StatusRow,
        fail_under_error,
        orphan_to_json,
        render_table,
        rows_to_json,
    )

    project = state.project()
    rows = status_rows(project, langs)
    orphans = orphaned_catalogues(project, langs)
    skipped = not_read(project)
    refused = refused_exports(project, langs)
    if as_json:
        emit_json(
            rows_to_json(rows)
            + [
                orphan_to_json(
                    StatusRow.from_catalogue(
                        o.orphan.catalogue, post=o.orphan.slug, lang=o.orphan.lang
                    ),
                    catalogue=project.relative(o.orphan.path),
                    renamed_to=o.renamed_to,
                )
                for o in orphans
            ]
            + [{"not_read": True, "file": s.name, "reason": s.reason} for s in skipped]
            + [item.to_json(project) for item in refused]
        )
    elif not rows:
        click.echo(NO_POSTS)
    else:
        click.echo(render_table(rows, color=sys.stdout.isatty()).rstrip("\n"))
    if not as_json:
        for orphan in orphans:
            state.reporter.notice(orphan.describe(project))
        report_not_read(state.reporter, skipped, listed=True)
        report_refused(state.reporter, project, refused)
    failure = fail_under_error(rows, fail_under) if fail_under is not None else None
    if failure:
        raise PostlocError(failure)


@main.command()
@lang_option
@json_option
@pass_state
def check(state: State, langs: tuple[str, ...], as_json: bool) -> None:
    """QA of translations (markup, links, numbers, code, whitespace); exit 1 on errors."""
    from postloc.project.review import check_project
    from postloc.qa.checks import count_errors, issues_to_json

    project = state.project()
    issues = check_project(project, langs)
    if as_json:
        emit_json(issues_to_json(issues))
    else:
        for issue in issues:
            click.echo(
                f"{issue.post}:{issue.line}: [{issue.lang}] {issue.severity}: "
                f"{issue.check}: {issue.message}"
            )
    errors = count_errors(issues)
    if not as_json:
        state.reporter.notice(f"{errors} error(s), {len(issues) - errors} warning(s)")
    if errors:
        sys.exit(1)


@main.command(name="compile")
@lang_option
@click.option("--use-fuzzy", is_flag=True, help="Include fuzzy entries (machine drafts).")
@pass_state
def compile_(state: State, langs: tuple[str, ...], use_fuzzy: bool) -> None:
    """Compile catalogues to .mo files."""
    from postloc.project.review import compile_project

    project = state.project()
    written = compile_project(project, langs, use_fuzzy=use_fuzzy)
    state.reporter.notice(f"{len(written)} .mo file(s) written")


@main.command(name="merge-review")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", required=True, metavar="L", help="Language of the reviewed file.")
@click.option(
    "--post",
    "slug",
    metavar="POST",
    help="The post (posts/hugo/faq), overriding the one the file's #: references or "
    "Project-Id-Version name.",
)
@json_option
@pass_state
def merge_review(state: State, file: Path, lang: str, slug: str | None, as_json: bool) -> None:
    """Merge a reviewer's corrected .po into the project's catalogue.

    The post is the one the file itself names (its #: references, else its
    Project-Id-Version), whatever the file is called.
    """
    from postloc.project.review import merge_review_file

    project = state.project()
    with project_locked(project):
        merged = merge_review_file(project, file, lang, slug)
    if as_json:
        emit_json(merged.to_json())
    else:
        for line in merged.lines():
            click.echo(line)


for command in (engines, models, init, keys, site_config, adopt):
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    main()
