"""Commands that join postloc to a site: ``init`` (presets from the site's own settings),
``keys`` (translation keys in sources), ``site-config`` (the generator's language settings)
and ``adopt`` (existing human translations into catalogues)."""

from __future__ import annotations

from pathlib import Path

import click

from postloc.cli.options import (
    State,
    json_option,
    lang_option,
    load_project_config,
    pass_state,
    project_locked,
)
from postloc.config import CONFIG_NAME


@click.command()
@click.option(
    "--site",
    type=click.Choice(["hugo", "jekyll", "plain"]),
    help="Use this preset rather than the one detected (hugo and jekyll need the site's "
    "configuration and content folder here).",
)
@pass_state
def init(state: State, site: str | None) -> None:
    """Write postloc.toml and the project folders; in a Hugo or Jekyll site's root, with the
    site's preset and languages."""
    from postloc.config import default_config_text
    from postloc.files import atomic_write
    from postloc.mt.engines.registry import engine_names
    from postloc.project.site import detect_site, next_steps

    target = Path(state.config_path or CONFIG_NAME)
    if target.exists():
        state.reporter.notice(f"{target} exists; left as it is")
    else:
        found = None if site == "plain" else detect_site(target.parent, site)
        if found is None:
            text = default_config_text(engine_names())
        else:
            layout, notes = found.layout()
            text = default_config_text(
                engine_names(),
                site=found.generator,
                source_language=found.source_language,
                target_languages=found.target_languages,
                layout=layout,
            )
            state.reporter.notice(f"found a {found.generator} site ({found.config_file})")
            for note in (*notes, *found.permalink_notes()):
                state.reporter.notice(note)
        atomic_write(target, text)
        state.reporter.notice(f"wrote {target}")
        if found is not None:
            for step in next_steps(found):
                state.reporter.notice(step)
    config = load_project_config(target)
    for folder in (config.posts_path, config.locales_path / "templates"):
        folder.mkdir(parents=True, exist_ok=True)


@click.command()
@click.argument("slugs", nargs=-1, metavar="[POST]...")
@click.option("--dry-run", is_flag=True, help="List the posts that would get a key; write nothing.")
@pass_state
def keys(state: State, slugs: tuple[str, ...], dry_run: bool) -> None:
    """Write a translation key into the source posts that lack one.

    Hugo: translationKey (the post's identity, posts/hugo/faq), which every export then
    carries, so Hugo links a post and its translations even where their paths differ.
    Jekyll: ref (the file's name, what exports already carry). Only the key is added to each
    post's front matter; a post with a key keeps it.
    """
    from postloc.project.keys import write_keys

    project = state.project()
    if dry_run:
        report = write_keys(project, slugs, dry_run=True)
    else:
        with project_locked(project):
            report = write_keys(project, slugs)
    listed = state.reporter.notice if dry_run else state.reporter.detail  # a dry run lists
    for name in report.written:
        listed(f"{'would write' if dry_run else 'wrote'} {report.key}: {name}")
    verb = "would be written" if dry_run else "written"
    state.reporter.notice(
        f"{report.key} {verb} in {len(report.written)} post(s), {len(report.kept)} already had one"
    )


@click.command(name="site-config")
@click.option(
    "--site",
    type=click.Choice(["hugo", "jekyll"]),
    help="The generator (default: the configured site).",
)
@pass_state
def site_config(state: State, site: str | None) -> None:
    """Print the site generator's configuration for the project's languages."""
    from postloc.project.site import site_config_snippet

    config = load_project_config(state.config_path)
    click.echo(site_config_snippet(config, site), nl=False)


@click.command()
@lang_option
@click.argument("slugs", nargs=-1, metavar="[POST]...")
@click.option("--dry-run", is_flag=True, help="Report what would be adopted; write nothing.")
@json_option
@pass_state
def adopt(
    state: State, langs: tuple[str, ...], slugs: tuple[str, ...], dry_run: bool, as_json: bool
) -> None:
    """Existing human translations (x.en.md, content/en/…) → catalogues.

    Each translation is aligned with its source block by block: blocks that match become
    reviewed entries, uncertain pairs fuzzy ones, and every difference is listed. A
    translation already in the catalogue is never replaced.
    """
    from postloc.cli.output import report_adopt
    from postloc.project.adopt import adopt as run

    project = state.project()
    if dry_run:
        report = run(project, langs, slugs, dry_run=True)
    else:
        with project_locked(project):
            report = run(project, langs, slugs)
    report_adopt(state.reporter, project, report, as_json)
