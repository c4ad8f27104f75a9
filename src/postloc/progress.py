"""The one channel for user-facing progress and notices; ``-q`` silences it.

Library code never prints. The CLI builds a :class:`Reporter` and hands its
methods down as callbacks.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import click


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
