"""The benchmark's table: rows, targets from issue 6, the machine, and ``RESULTS.md``.

Kept apart from the measuring code so that the smoke test can check the
formatting without running any tool.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class Target:
    """A goal from the issue: either on the ratio postloc/peer or on postloc's own value."""

    limit: float
    """The largest acceptable value."""
    on_ratio: bool
    """True: ``postloc / peer ≤ limit``; False: ``postloc ≤ limit`` in the row's unit."""

    def describe(self, unit: str) -> str:
        return f"≤ {self.limit:.3g}×" if self.on_ratio else f"≤ {self.limit:.3g} {unit}"


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table."""

    step: str
    """What was measured, with its size."""
    postloc: float | None
    """postloc's median (None: could not be measured, see ``note``)."""
    peer: str = "—"
    """The established tool doing the same work, or ``—``."""
    peer_value: float | None = None
    """The peer's median, in the same unit."""
    target: Target | None = None
    """The issue's goal for this row, if any."""
    unit: str = "s"
    """``s`` or ``MB``."""
    note: str = ""
    """Why a figure is missing, or what the row counted."""

    @property
    def ratio(self) -> float | None:
        if self.postloc is None or not self.peer_value:
            return None
        return self.postloc / self.peer_value

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        value = self.ratio if self.target.on_ratio else self.postloc
        if value is None:
            return None
        return value <= self.target.limit


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def format_table(rows: Sequence[Row]) -> str:
    """A Markdown table: step, postloc, peer, peer time, ratio, target, met."""
    lines = [
        "| step | postloc | peer | peer time | ratio (postloc/peer) | target | met |",
        "| --- | ---: | --- | ---: | ---: | --- | --- |",
    ]
    for row in rows:
        ratio = "—" if row.ratio is None else f"{row.ratio:.2f}×"
        target = "—" if row.target is None else row.target.describe(row.unit)
        met = {None: "—", True: "yes", False: "**no**"}[row.met]
        peer_value = "—" if row.peer == "—" else _value(row.peer_value, row.unit)
        step = row.step + (f" ({row.note})" if row.note else "")
        lines.append(
            f"| {step} | {_value(row.postloc, row.unit)} | {row.peer} | {peer_value} "
            f"| {ratio} | {target} | {met} |"
        )
    return "\n".join(lines)


def _command_version(command: Sequence[str], pattern: str = r"\d+(?:\.\d+)+") -> str:
    try:
        done = subprocess.run(
            list(command), capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return "not installed"
    found = re.search(pattern, done.stdout + done.stderr)
    return found.group() if found else "unknown"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> str:
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def machine_description(tool_versions: dict[str, str]) -> list[str]:
    """Lines describing the machine and every tool's version, for RESULTS.md."""
    apertium = _command_version(["dpkg-query", "-W", "-f", "${Version}", "apertium"])
    lines = [
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- CPU: {_cpu_model()}, {os.cpu_count()} cores; RAM {_memory_gib()}",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()}",
        f"- GNU gettext (msgmerge) {_command_version(['msgmerge', '--version'])}",
        f"- po4a {_command_version(['po4a', '--version'])}",
        f"- apertium {apertium}",
    ]
    lines.extend(f"- {name} {version}" for name, version in sorted(tool_versions.items()))
    return lines


def render_results(
    rows: Sequence[Row], machine: Sequence[str], notes: Sequence[str], command: str
) -> str:
    """The whole ``bench/RESULTS.md``."""
    parts = [
        "# postloc benchmark results",
        "",
        f"Generated by `{command}` (bench/run.py); medians, times in seconds. "
        "Do not edit by hand: rerun the command.",
        "",
        format_table(rows),
        "",
        "## Notes",
        "",
        *[f"- {note}" for note in notes],
        "",
        "## Machine",
        "",
        *machine,
        "",
    ]
    return "\n".join(parts)
