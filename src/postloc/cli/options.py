"""What every command shares: the per-invocation state, the common options, the project lock."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from postloc.cli.output import Reporter

if TYPE_CHECKING:
    from postloc.config import Config
    from postloc.project.layout import Project

F = TypeVar("F", bound=Callable[..., Any])


class State:
    """Per-invocation context: config path and verbosity, project loaded on demand."""

    def __init__(self, config_path: str | None, reporter: Reporter) -> None:
        self.config_path = config_path
        self.reporter = reporter

    def project(self) -> Project:
        from postloc.project.layout import Project

        return Project(load_project_config(self.config_path))


def load_project_config(path: str | Path | None) -> Config:
    """``postloc.toml``, read against the engines of the registry."""
    from postloc.config import load_config
    from postloc.mt.engines.registry import ENGINES

    return load_config(path, engines=ENGINES.values())


class EngineChoice(click.Choice[str]):
    """``--engine``: ``auto`` or a registered engine, looked up when used, not at import
    (``postloc --help`` imports no engine code)."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        from postloc.mt.engines.registry import engine_names

        return engine_names()

    @choices.setter
    def choices(self, value: Any) -> None:
        """click's ``__init__`` stores its argument; the registry's list is used instead."""


def lang_option(func: F) -> F:
    return click.option(
        "--lang", "langs", multiple=True, metavar="L", help="Target language (repeatable)."
    )(func)


MAX_JOBS = 64
"""The most ``--jobs`` accepts."""


def default_jobs() -> int:
    """``--jobs`` when not given: every core this process may use, so one run keeps the
    machine busy (a ``taskset`` or container limit counts, not the machine's cores)."""
    from postloc.mt.engines.base import usable_cores

    return min(MAX_JOBS, usable_cores())


def jobs_option(func: F) -> F:
    return click.option(
        "--jobs",
        type=click.IntRange(1, MAX_JOBS),
        default=default_jobs,
        show_default="the usable cores",
        help="Cores machine translation may keep busy at once (engine calls side by side).",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")(func)


pass_state = click.make_pass_decorator(State)


def project_locked(project: Project, wait: float = 0.0) -> contextlib.AbstractContextManager[None]:
    """The project lock around a command's writes (``sync`` waits for it, others do not)."""
    from postloc.project.stages import locked

    return locked(project, wait)
