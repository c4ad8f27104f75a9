"""Where a post's front matter sits, and in which of Hugo's three formats.

Hugo decides by the first characters (``pageparser``'s intro lexer): ``---``
opens YAML, ``+++`` TOML, ``{`` a JSON object. postloc reads the same, with
two choices of its own. YAML must start on the first line, as Jekyll
requires (Hugo would skip blank lines first). A ``{`` opens JSON only when
an object follows (``{`` then ``"`` or ``}``): Hugo takes any leading ``{``
for JSON and refuses a post that starts with ``{{< shortcode >}}`` or
``{% liquid %}``, which postloc keeps as body text. TOML and JSON, Hugo's
own formats, may follow blank lines as Hugo allows, since reading such a
block as body text would publish it (a draft flag included) as prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from postloc.errors import BadFrontMatter
from postloc.markdown.frontmatter.json_matter import object_end
from postloc.markdown.lines import LINE_BREAK, line_number, line_starts
from postloc.markdown.model import FrontMatterFormat

_END: Final = rf"[ \t]*(?:{LINE_BREAK.pattern}|\Z)"
"""The rest of a fence line: spaces, then the line break or the end of the text."""
_YAML_OPEN: Final = re.compile(rf"---{_END}")
_YAML_CLOSE: Final = re.compile(rf"(?:---|\.\.\.){_END}")
_TOML_OPEN: Final = re.compile(rf"[ \t\r\n]*(\+\+\+){_END}")
_TOML_CLOSE: Final = re.compile(rf"\+\+\+{_END}")
_JSON_OPEN: Final = re.compile(r"[ \t\r\n]*(\{)[ \t\r\n]*[\"}]")
_AFTER_JSON: Final = re.compile(_END)


@dataclass(frozen=True, slots=True)
class Fences:
    """Where the front matter sits in a post's text."""

    start: int
    """Offset of the front matter source: the line after the opening fence, or the JSON ``{``."""
    end: int
    """Offset just after the source: the closing fence line's start, or after the JSON ``}``."""
    body_start: int
    """Offset just after the closing fence line (or the JSON object's line)."""
    format: FrontMatterFormat = "yaml"
    """Which format the source is in."""


def find_fences(text: str) -> Fences | None:
    """The front matter of a post's ``text``; None when it has none.

    Raises BadFrontMatter (with the file line, no path: the caller adds it)
    for an opening fence never closed, since the author clearly meant front
    matter and treating it as text would publish it, and for a JSON object
    that is not valid JSON or is followed by text on its last line.
    """
    if text.startswith("---"):
        return _fenced(text, _YAML_OPEN.match(text), _YAML_CLOSE, "yaml", "---")
    toml = _TOML_OPEN.match(text)
    if toml is not None:
        return _fenced(text, toml, _TOML_CLOSE, "toml", "+++")
    json = _JSON_OPEN.match(text)
    if json is not None:
        return _json(text, json.start(1))
    return None


def _fenced(
    text: str,
    opening: re.Match[str] | None,
    closer: re.Pattern[str],
    fmt: FrontMatterFormat,
    fence: str,
) -> Fences | None:
    if opening is None:
        return None
    pos = opening.end()
    while pos < len(text):
        closing = closer.match(text, pos)
        if closing is not None:
            return Fences(opening.end(), pos, closing.end(), fmt)
        brk = LINE_BREAK.search(text, pos)
        if brk is None:
            break
        pos = brk.end()
    line = line_number(line_starts(text[: opening.end()]), opening.start(opening.lastindex or 0))
    message = f"front matter opened with '{fence}' is never closed by a '{fence}' line"
    raise BadFrontMatter(message, line=line)


def _json(text: str, start: int) -> Fences:
    starts = line_starts(text)
    end = object_end(text, start, lambda i: line_number(starts, i))
    after = _AFTER_JSON.match(text, end)
    if after is None:
        raise BadFrontMatter(
            "text after the JSON front matter's closing '}' (start the body on the next line)",
            line=line_number(starts, end),
        )
    return Fences(start, end, after.end(), "json")
