"""Characters postloc refuses in the text it reads, because they corrupt what it writes.

A NUL ends a string for ``msgfmt`` (the rest of a msgstr silently disappears), other
C0 control characters reach catalogues and exports raw where YAML and Markdown tools
choke on them, and a lone surrogate (``"\\ud800"`` in YAML) cannot be written as UTF-8
at all. Tab, line feed and carriage return are text. Posts and catalogues are checked
when read, so the refusal comes before anything is written.
"""

from __future__ import annotations

import re
from typing import Final

FORBIDDEN: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
"""C0 controls except tab, LF and CR; lone surrogates."""


def first_forbidden(text: str, start: int = 0) -> int | None:
    """Offset of the first forbidden character of ``text`` from ``start``, or None."""
    match = FORBIDDEN.search(text, start)
    return match.start() if match else None


def describe(char: str) -> str:
    """What the user is told about one forbidden character, ending in "is not allowed"."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return f"lone surrogate U+{code:04X} (not a character) is not allowed"
    return f"control character U+{code:04X} is not allowed"
