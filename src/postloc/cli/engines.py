"""``postloc engines`` and ``postloc models``: what can translate here, and Argos packages."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from postloc.cli.options import State, json_option, pass_state
from postloc.cli.output import emit_json


@click.command()
@json_option
@pass_state
def engines(state: State, as_json: bool) -> None:
    """Engines, their versions and the language pairs they serve here."""
    from postloc.mt.engines.registry import ENGINES, EngineRegistry

    rows = EngineRegistry(state.project().config).describe()
    for spec in ENGINES.values():
        state.reporter.detail(f"{spec.name}: {spec.description}")
    if as_json:
        emit_json(
            [{"engine": n, "version": v, "pairs": [f"{a}-{b}" for a, b in p]} for n, v, p in rows]
        )
        return
    for name, version, pairs in rows:
        shown = ", ".join(f"{a}→{b}" for a, b in pairs) if name != "pseudo" else "any pair"
        click.echo(f"{name:<15} {version:<24} {shown or '(no pairs installed)'}")


@click.group()
def models() -> None:
    """Argos translation packages."""


@models.command(name="list")
def models_list() -> None:
    """Installed Argos packages."""
    from postloc.mt.engines.argos.models import list_installed

    packages = list_installed()
    if not packages:
        click.echo("no Argos packages installed (postloc models install SRC TGT)")
    for info in packages:
        click.echo(f"{info.from_code}→{info.to_code}  {info.package_version}  {info.path}")


@models.command(name="install")
@click.argument("codes", nargs=-1)
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_state
def models_install(state: State, codes: tuple[str, ...], file: Path | None) -> None:
    """Install SRC TGT from the Argos index, or --file X.argosmodel."""
    from postloc.mt.engines.argos.models import install_from_file, install_from_index

    if file is not None:
        if codes:
            raise click.UsageError("give either SRC TGT or --file, not both")
        info = install_from_file(file)
    else:
        if len(codes) != 2:
            raise click.UsageError("expected SRC TGT (e.g. fr en) or --file X.argosmodel")
        if state.reporter.bars:
            with click.progressbar(length=100, label="downloading", file=sys.stderr) as bar:
                seen = [0]

                def step(done: int, total: int) -> None:
                    percent = int(done * 100 / total) if total else 0
                    bar.update(percent - seen[0])
                    seen[0] = percent

                info = install_from_index(codes[0], codes[1], step)
        else:
            info = install_from_index(codes[0], codes[1], None)
    state.reporter.notice(f"installed {info.from_code}→{info.to_code} {info.package_version}")
