"""The PO writer: text byte-identical to what GNU ``msgcat`` (gettext 0.21) would write.

Its own module because reproducing ``write-po.c`` (comment order, reference wrapping, string
escaping and breaking) is a job of its own; the normalisations it applies are listed in
docs/architecture.md ("PO conventions"), the flag rules live in :mod:`postloc.po.flags` and
line breaking inside strings in :mod:`postloc.po.linebreak`.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

import polib

from postloc.po.flags import first_msgstr, normalized_flags, split_flags
from postloc.po.linebreak import wrap_points
from postloc.po.state import FUZZY_FLAG

PAGE_WIDTH = 79
"""gettext's default page width; every tool in the chain uses it."""

NO_BREAK_SPACE = "\u00a0"
"""What a space or tab of a file name becomes on a ``#:`` line (:func:`reference_name`)."""

ESCAPES = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v"}
"""C escapes gettext writes inside strings, by character."""


def dump_po(po: polib.POFile) -> str:
    """Serialize ``po`` exactly as ``msgcat`` (gettext 0.21, width 79) would write it."""
    blocks: list[list[str]] = []
    header = _header_msgstr(po)
    if header or po.header or po.metadata_is_fuzzy:
        fuzzy = ["#, fuzzy"] if po.metadata_is_fuzzy and header else []
        message = [*_wrap("", "msgid", ""), *_wrap("", "msgstr", header)]
        blocks.append([*_comment_lines(po.header), *fuzzy, *message])
    blocks.extend(_entry_lines(entry) for entry in po if not entry.obsolete)
    blocks.extend(_obsolete_lines(entry) for entry in po if entry.obsolete and first_msgstr(entry))
    return "\n".join("".join(line + "\n" for line in block) for block in blocks)


def _header_msgstr(po: polib.POFile) -> str:
    return "".join(f"{key}: {value}\n" for key, value in po.metadata.items())


def _comment_lines(text: str, mark: str = "#") -> list[str]:
    if not text:
        return []
    return [f"{mark} {line}" if line else mark for line in text.split("\n")]


def reference_name(path: str) -> str:
    """A file name as a ``#:`` line carries it: each space or tab a no-break space.

    gettext 0.21 reads a reference line as names separated by spaces and tabs: it would read
    ``IA & Java.md:3`` as three references, drop the repeated parts of a name referenced
    twice (``IA & Java.md:3 Java.md:7``) and read ``Chapitre : 3.md`` as line 3 of
    ``Chapitre``; gettext 0.22 writes such a name between U+2068 and U+2069, which 0.21
    splits the same way. A no-break space is no separator for either, so the reference
    survives ``msgcat`` of every version byte for byte, and reads as the file's name.
    :mod:`postloc.po.read` turns it back into a space.
    """
    return path.replace(" ", NO_BREAK_SPACE).replace("\t", NO_BREAK_SPACE)


def _reference_lines(entry: polib.POEntry) -> list[str]:
    refs: list[str] = []
    for path, line in entry.occurrences:
        while path.startswith("./"):
            path = path[2:]
        path = reference_name(path)
        ref = f"{path}:{line}" if str(line) != "" else path
        if ref not in refs:
            refs.append(ref)
    if not refs:
        return []
    lines, current, column = [], "#:", 2
    for ref in refs:
        size = len(ref.encode("utf-8")) + 1
        if column > 2 and column + size > PAGE_WIDTH:
            lines.append(current)
            current, column = "#:", 2
        current += " " + ref
        column += size
    return [*lines, current]


def _entry_lines(entry: polib.POEntry) -> list[str]:
    flags = normalized_flags(entry)
    wrap = "no-wrap" not in flags
    lines = _comment_lines(entry.tcomment) + _comment_lines(entry.comment, "#.")
    lines += _reference_lines(entry)
    if flags:
        lines.append("#, " + ", ".join(flags))
    return lines + _previous_lines(entry, "#| ", wrap) + _message_lines(entry, "", wrap)


def _obsolete_lines(entry: polib.POEntry) -> list[str]:
    wrap = "no-wrap" not in normalized_flags(entry)
    lines = _comment_lines(entry.tcomment) + _comment_lines(entry.comment, "#.")
    lines += _reference_lines(entry)
    if FUZZY_FLAG in split_flags(entry.flags):
        lines.append(f"#, {FUZZY_FLAG}")
    return lines + _previous_lines(entry, "#~| ", wrap) + _message_lines(entry, "#~ ", wrap)


def _previous_lines(entry: polib.POEntry, prefix: str, wrap: bool) -> list[str]:
    lines: list[str] = []
    for name, value in (
        ("msgctxt", entry.previous_msgctxt),
        ("msgid", entry.previous_msgid),
        ("msgid_plural", entry.previous_msgid_plural),
    ):
        if value is not None:
            lines += _wrap(prefix, name, value, wrap)
    return lines


def _message_lines(entry: polib.POEntry, prefix: str, wrap: bool) -> list[str]:
    lines: list[str] = []
    if entry.msgctxt is not None:
        lines += _wrap(prefix, "msgctxt", entry.msgctxt, wrap)
    lines += _wrap(prefix, "msgid", entry.msgid, wrap)
    if entry.msgid_plural:
        lines += _wrap(prefix, "msgid_plural", entry.msgid_plural, wrap)
        forms = entry.msgstr_plural or {0: ""}
        for index in sorted(forms):
            lines += _wrap(prefix, f"msgstr[{index}]", forms[index], wrap)
    else:
        lines += _wrap(prefix, "msgstr", entry.msgstr, wrap)
    return lines


@lru_cache(maxsize=65536)
def _wrap(prefix: str, name: str, value: str, wrap: bool = True) -> tuple[str, ...]:
    """gettext's ``wrap()``: one ``'\\n'``-ended portion at a time, broken by UAX #14."""
    lines: list[str] = []
    after_break = len(prefix) + 1
    width = (PAGE_WIDTH if wrap else 2**31 - 1) - 1 - after_break
    first_line = True
    rest = value
    while True:
        cut = rest.find("\n") + 1 or len(rest)
        portion, rest = rest[:cut], rest[cut:]
        escaped, no_break = _escape(portion)
        start = len(name) + 1 if first_line else 0
        breaks = wrap_points(escaped, width, start, no_break)
        if first_line and escaped and (rest or start > width or breaks):
            lines.append(f'{prefix}{name} ""')
            first_line, start = False, 0
            breaks = wrap_points(escaped, width, start, no_break)
        head = f"{prefix}{name} " if first_line else prefix
        first_line = False
        bounds = [0, *breaks, len(escaped)]
        for begin, end in itertools.pairwise(bounds):
            lines.append(f'{head}"{escaped[begin:end]}"')
            head = prefix
        if not rest:
            return tuple(lines)


_ESCAPE_TABLE = str.maketrans({char: "\\" + letter for char, letter in ESCAPES.items()})
_ESCAPE_TABLE.update({ord("\\"): "\\\\", ord('"'): '\\"'})
_ESCAPED_PAIR = re.compile(r"\\.", re.DOTALL)
_NEEDS_ESCAPE = re.compile('[\a\b\f\n\r\t\v"\\\\]')


def _escape(portion: str) -> tuple[str, frozenset[int]]:
    """Escape like gettext and list the positions inside escape sequences (never broken)."""
    if not _NEEDS_ESCAPE.search(portion):
        return portion, frozenset()
    escaped = portion.translate(_ESCAPE_TABLE)
    no_break = {match.start() + 1 for match in _ESCAPED_PAIR.finditer(escaped)}
    if portion.endswith("\n"):
        no_break.add(len(escaped) - 2)
    return escaped, frozenset(no_break)
