"""How far each post is translated: the numbers behind ``postloc status``.

Counting uses :func:`postloc.po.state.entry_state`, so ``status``, ``export``
and ``check`` can never disagree about what "reviewed" means.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import polib

from postloc.po.state import STATES, entry_state

NO_POSTS = "no posts"
"""What ``status`` prints instead of a table when there is nothing to count."""

COUNT_KEYS = ("total", "reviewed", "machine", "fuzzy", "untranslated", "obsolete")
JSON_KEYS = ("post", "lang", *COUNT_KEYS)

_HEADINGS = (
    "post",
    "lang",
    "total",
    "reviewed",
    "machine",
    "human fuzzy",
    "untranslated",
    "obsolete",
    "% reviewed",
)
_RESET, _BOLD, _GREEN, _YELLOW, _RED = "\x1b[0m", "\x1b[1m", "\x1b[32m", "\x1b[33m", "\x1b[31m"


def catalogue_counts(po: polib.POFile) -> dict[str, int]:
    """Entries per state; ``total`` is every live entry (obsolete and header excluded)."""
    counts: dict[str, int] = dict.fromkeys(STATES, 0)
    for entry in po:
        if not entry.msgid and not entry.obsolete:
            continue
        counts[entry_state(entry)] += 1
    total = sum(counts.values()) - counts["obsolete"]
    return {"total": total, **counts}


@dataclass(frozen=True, slots=True)
class StatusRow:
    """The status of one post in one language."""

    post: str
    lang: str
    total: int
    """Live entries (obsolete excluded)."""
    reviewed: int
    machine: int
    """Untouched machine drafts."""
    fuzzy: int
    """Human fuzzy: needs a person (source changed, or an edited draft)."""
    untranslated: int
    obsolete: int

    @classmethod
    def from_catalogue(cls, po: polib.POFile, *, post: str, lang: str) -> StatusRow:
        return cls(post, lang, **catalogue_counts(po))

    @property
    def percent_reviewed(self) -> float:
        """Share of live entries reviewed; 100 when there is nothing to review."""
        return 100.0 * self.reviewed / self.total if self.total else 100.0


def total_row(rows: Iterable[StatusRow]) -> StatusRow:
    """The sum of ``rows`` (post ``TOTAL``)."""
    sums = dict.fromkeys(COUNT_KEYS, 0)
    for row in rows:
        for key in COUNT_KEYS:
            sums[key] += getattr(row, key)
    return StatusRow("TOTAL", "", **sums)


def _percent(row: StatusRow) -> str:
    """Rounded down, so 99.96 % never shows as a misleading 100.0 %."""
    return f"{math.floor(row.percent_reviewed * 10) / 10:.1f}%"


def _colour(row: StatusRow) -> str:
    if row.percent_reviewed >= 100.0:
        return _GREEN
    return _YELLOW if row.percent_reviewed >= 50.0 else _RED


def render_table(rows: Sequence[StatusRow], *, color: bool) -> str:
    """An aligned plain-text table with a heading line and a TOTAL row.

    ANSI colours (bold headings, % reviewed in green/yellow/red) only when
    ``color`` is set; the CLI passes ``isatty`` so pipes get plain text.
    """
    body = [*rows, total_row(rows)]
    cells = [list(_HEADINGS)] + [
        [row.post, row.lang, *(str(getattr(row, k)) for k in COUNT_KEYS), _percent(row)]
        for row in body
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(_HEADINGS))]
    numeric = range(2, len(_HEADINGS))

    def layout(line: list[str]) -> list[str]:
        return [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(line)
        ]

    rule = "  ".join("-" * w for w in widths)
    out = []
    for index, line in enumerate(cells):
        padded = layout(line)
        if color and index == 0:
            padded = [f"{_BOLD}{cell}{_RESET}" for cell in padded]
        elif color:
            padded[-1] = f"{_colour(body[index - 1])}{padded[-1]}{_RESET}"
            if index == len(cells) - 1:
                padded[0] = f"{_BOLD}{padded[0]}{_RESET}"
        if index == len(cells) - 1:
            out.append(rule)
        out.append("  ".join(padded).rstrip())
        if index == 0:
            out.append(rule)
    return "\n".join(out) + "\n"


def rows_to_json(rows: Iterable[StatusRow]) -> list[dict[str, Any]]:
    """The ``status --json`` form: keys exactly ``post, lang, total, reviewed, …, obsolete``."""
    return [{key: getattr(row, key) for key in JSON_KEYS} for row in rows]


def orphan_to_json(row: StatusRow, *, catalogue: str, renamed_to: str | None) -> dict[str, Any]:
    """An orphaned catalogue (its post is gone) in ``status --json``: a row's keys, then
    ``orphan: true``, the ``catalogue`` file and the post it will follow (``renamed_to``,
    else null). Orphans never count in the TOTAL row or ``--fail-under``."""
    return {
        **rows_to_json([row])[0],
        "orphan": True,
        "catalogue": catalogue,
        "renamed_to": renamed_to,
    }


def below_threshold(rows: Iterable[StatusRow], pct: float) -> bool:
    """Whether the overall % reviewed is under ``pct`` (``status --fail-under PCT``)."""
    return total_row(rows).percent_reviewed < pct


def fail_under_error(rows: Sequence[StatusRow], pct: float) -> str | None:
    """Why ``status --fail-under PCT`` fails, or None when it passes.

    No posts fails too: an empty project is "100 % reviewed" only vacuously, and a
    build gate that passes on a wrong folder or a missing ``extract`` hides the mistake.
    """
    if not rows:
        return f"no posts: nothing to hold to --fail-under {pct:g}"
    if below_threshold(rows, pct):
        return f"reviewed share is below {pct:g} %"
    return None
