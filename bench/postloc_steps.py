"""postloc's side of the benchmark: library stages (no start-up cost) and the CLI as users run it.

The library calls are the figures compared with the peers, because the peers'
own start-up is small next to Python's import time and we want to measure the
work; the CLI rows (sync, incremental sync, ``--help``) include start-up on
purpose, since that is what a user waits for.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from postloc.files import atomic_write

REPO = Path(__file__).resolve().parent.parent


def cli_command() -> list[str]:
    """How a user starts postloc: the venv's ``postloc`` script, else ``python -m postloc``."""
    script = Path(sys.executable).parent / "postloc"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "postloc"]


def cli_env() -> dict[str, str]:
    """The environment for postloc subprocesses (``src/`` on the path when not installed)."""
    env = dict(os.environ)
    if not (Path(sys.executable).parent / "postloc").exists():
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO / "src"), env.get("PYTHONPATH", "")) if p
        )
    return env


def config_text(languages: Sequence[str], engine: str = "pseudo") -> str:
    """A ``postloc.toml`` for a bench site (pseudo engine: measures postloc, not a model)."""
    langs = ", ".join(f'"{lang}"' for lang in languages)
    return (
        'source_language = "fr"\n'
        f"target_languages = [{langs}]\n"
        'posts_dir = "source_posts"\n'
        'locales_dir = "locales"\n'
        'output_dir = "build"\n\n'
        f'[engines]\ndefault = "{engine}"\n\n'
        "[export]\ninclude_machine_drafts = true\nmin_translated = 0.0\n"
    )


@dataclass(frozen=True, slots=True)
class TranslateCounts:
    """The parts of a translate report the benchmark prints."""

    translated: int
    """Entries that got a draft."""
    from_memory: int
    """Of those, supplied by the translation memory."""
    engine_segments: int
    """Texts actually sent to the engine (0 on a warm run)."""

    def describe(self) -> str:
        return (
            f"{self.translated} drafts, {self.from_memory} from memory, "
            f"{self.engine_segments} engine segments"
        )


@dataclass(frozen=True, slots=True)
class Site:
    """A benchmark project folder: ``postloc.toml``, ``source_posts/``, ``locales/``, ``build/``."""

    root: Path
    """Project root."""

    @property
    def posts(self) -> Path:
        return self.root / "source_posts"

    @property
    def locales(self) -> Path:
        return self.root / "locales"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def templates(self) -> Path:
        return self.locales / "templates"

    def catalogues(self, lang: str) -> Path:
        return self.locales / lang / "LC_MESSAGES"

    def configure(self, languages: Sequence[str], engine: str = "pseudo") -> None:
        atomic_write(self.root / "postloc.toml", config_text(languages, engine))

    def project(self) -> Any:
        from postloc.config import load_config
        from postloc.mt.engines.registry import ENGINES
        from postloc.project.layout import Project

        return Project(load_config(self.root / "postloc.toml", engines=ENGINES.values()))

    def clear(self, *parts: str) -> None:
        """Remove generated state (``locales/en``, ``build``, ``.postloc``…) before a cold run."""
        for part in parts:
            shutil.rmtree(self.root / part, ignore_errors=True)

    # --- the library stages ---------------------------------------------------------------

    def extract(self) -> None:
        from postloc.project.stages import extract

        extract(self.project())

    def update(self, languages: Sequence[str]) -> None:
        from postloc.project.stages import update

        update(self.project(), languages)

    def translate(
        self, languages: Sequence[str], engine: str = "pseudo", jobs: int = 1
    ) -> TranslateCounts:
        from postloc.project.drafting import translate

        report, _writes = translate(self.project(), languages, engine, jobs=jobs)
        return TranslateCounts(report.translated, report.from_memory, report.engine_segments)

    def export(self, languages: Sequence[str]) -> None:
        from postloc.project.outputs import export_project

        export_project(self.project(), languages)

    def sync(self) -> None:
        from postloc.project.sync import run_sync

        run_sync(self.project())

    # --- the command line -----------------------------------------------------------------

    def cli(self, *args: str) -> list[str]:
        """A postloc command line run in this site (``-q``: no progress output to measure)."""
        return [*cli_command(), "--config", str(self.root / "postloc.toml"), "-q", *args]
