"""Lines as markdown-it sees them: ``\\r\\n``, ``\\r`` and ``\\n`` each end one.

Posts keep their line endings as written, and everything downstream works with
offsets into ``Post.text``; this module is the one definition of a line break
and the table that turns line numbers into offsets and back.
"""

from __future__ import annotations

import bisect
import re
from typing import Final

LINE_BREAK: Final = re.compile(r"\r\n|\r|\n")
"""One line ending; ``LINE_BREAK.pattern`` is spliced into patterns that end at a line's end."""


def line_starts(text: str) -> list[int]:
    """Offsets where each line of ``text`` starts (line 1 starts at 0)."""
    return [0, *(m.end() for m in LINE_BREAK.finditer(text))]


def line_number(starts: list[int], offset: int) -> int:
    """1-based line holding ``offset``, given :func:`line_starts` of the text."""
    return bisect.bisect_right(starts, offset)


class LineTable:
    """Lines of a post's text as markdown-it sees them, for turning line numbers into offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = line_starts(text)

    def start(self, index: int) -> int:
        """Offset where 0-based line ``index`` starts."""
        return self.starts[index]

    def content(self, index: int) -> str:
        """Line ``index`` (0-based) without its line ending, NUL replaced as markdown-it does."""
        start = self.starts[index]
        if index + 1 < len(self.starts):
            end = self.starts[index + 1]
            end -= 2 if self.text.startswith("\r\n", end - 2) else 1
        else:
            end = len(self.text)
        return self.text[start:end].replace("\0", "\ufffd")

    def number(self, offset: int) -> int:
        """1-based line holding ``offset``."""
        return line_number(self.starts, offset)


def newline_of(text: str) -> str:
    """The first line ending of ``text`` (``\\n`` when it has none)."""
    found = LINE_BREAK.search(text)
    return found.group() if found else "\n"
