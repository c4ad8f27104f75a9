"""Where a table row's cells sit in its source line.

markdown-it gives a row's cells as inline sources, unescaped (``\\|`` → ``|``) and trimmed;
export replaces each cell's exact bytes, so they are found again in the line here, split
the way markdown-it's ``escapedSplit`` splits them.
"""

from __future__ import annotations

from collections.abc import Sequence

try:
    from markdown_it.common.utils import MD_TRIM_CHARS as _TRIM_CHARS

    _TRIM: str | None = _TRIM_CHARS
except ImportError:  # markdown-it-py < 4 trims with str.strip()
    _TRIM = None


def _trim(text: str) -> str:
    return text.strip(_TRIM)


def cell_spans(line: str, cells: Sequence[str]) -> list[tuple[int, int]] | None:
    """Column spans, within ``line``, of the row cells markdown-it produced (``cells``).

    Splits like markdown-it's ``escapedSplit`` (an unescaped ``|`` separates
    cells; ``\\|`` stays inside one) but keeps raw positions. The line still
    carries its container prefix (``> ``, list indentation); whether the row
    had a leading pipe is decided by checking both readings against ``cells``.
    """
    body = line[: len(line.rstrip(_TRIM))] if _TRIM else line.rstrip()
    raw: list[tuple[int, int]] = []
    start, escaped = 0, False
    for pos, char in enumerate(body):
        if char == "|" and not escaped:
            raw.append((start, pos))
            start = pos + 1
        escaped = char == "\\"
    raw.append((start, len(body)))
    if raw[-1][0] == raw[-1][1] and len(raw) > 1:
        raw.pop()
    readings = []
    if len(raw) > 1 and not _trim(body[raw[0][0] : raw[0][1]]).lstrip(">-+*.)0123456789 \t"):
        readings.append(raw[1:])  # leading pipe after the container prefix
    readings.append(raw)
    for columns in readings:
        spans = _match_cells(body, columns, cells, prefixed=columns is raw)
        if spans is not None:
            return spans
    return None


def _match_cells(
    body: str, columns: Sequence[tuple[int, int]], cells: Sequence[str], prefixed: bool
) -> list[tuple[int, int]] | None:
    """Trimmed raw spans of ``columns`` if they unescape to ``cells``; None on mismatch."""
    spans = []
    for i, cell in enumerate(cells):
        if i >= len(columns):
            if cell:
                return None
            spans.append((0, 0))
            continue
        begin, stop = columns[i]
        segment = body[begin:stop]
        lead = len(segment) - len(segment.lstrip(_TRIM) if _TRIM else segment.lstrip())
        tail = len(segment) - len(segment.rstrip(_TRIM) if _TRIM else segment.rstrip())
        begin, stop = begin + lead, stop - tail
        if i == 0 and prefixed:  # the first column still holds the container prefix
            begin = max(begin, stop - len(cell) - cell.count("|"))
        if body[begin:stop].replace("\\|", "|") != cell:
            return None
        spans.append((begin, stop))
    return spans
