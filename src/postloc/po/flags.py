"""Flags as ``msgcat`` writes them: gettext's order, its format languages, its overrides.

Both sides of PO text need this: :mod:`postloc.po.read` splits ``#,`` lines into flags and
:mod:`postloc.po.write` normalises them, and a catalogue must come out of a round trip with the
flags it would have after ``msgcat``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import polib

from postloc.po.state import FUZZY_FLAG

_FORMAT_NAMES = """c objc python python-brace java java-printf csharp javascript scheme lisp elisp
librep ruby sh awk lua object-pascal smalltalk qt qt-plural kde kde-kuit boost tcl perl perl-brace
php gcc-internal gfc-internal ycp"""
FORMAT_LANGUAGES = tuple(_FORMAT_NAMES.split())
"""gettext 0.21's format languages, in the order ``#,`` lines list them."""

_FLAG_SPLIT = re.compile(r"[\s,]+")


def first_msgstr(entry: polib.POEntry) -> str:
    """The msgstr, or the first plural form's (what decides whether an entry is translated)."""
    if entry.msgid_plural:
        return str(entry.msgstr_plural.get(0, ""))
    return str(entry.msgstr)


def normalized_flags(entry: polib.POEntry) -> list[str]:
    """The flags as msgcat writes them (docs/architecture.md, "PO conventions"), unknown last."""
    fuzzy = False
    formats: dict[str, str] = {}
    range_flag: str | None = None
    wrap: bool | None = None
    unknown: list[str] = []
    for flag in split_flags(entry.flags):
        language = flag[: -len("-format")] if flag.endswith("-format") else None
        state = "yes"
        for prefix in ("no-", "possible-", "impossible-"):
            if language and language.startswith(prefix) and language[len(prefix) :]:
                language, state = language[len(prefix) :], prefix[:-1]
                break
        if flag == FUZZY_FLAG:
            fuzzy = True
        elif language in FORMAT_LANGUAGES:
            formats[language] = state
        elif flag.startswith("range:"):
            range_flag = _range_flag(flag) or range_flag
        elif flag in ("wrap", "no-wrap"):
            wrap = flag == "wrap"
        elif flag not in unknown:
            unknown.append(flag)
    flags = [FUZZY_FLAG] if fuzzy and first_msgstr(entry) else []
    for language in FORMAT_LANGUAGES:
        state = formats.get(language, "impossible")
        if state != "impossible":
            flags.append(f"no-{language}-format" if state == "no" else f"{language}-format")
    if range_flag:
        flags.append(range_flag)
    if wrap is False:
        flags.append("no-wrap")
    return flags + unknown


def split_flags(flags: list[str]) -> Iterator[str]:
    """Each flag of ``#,`` lines (``range: 1..5`` kept as one), in order, duplicates kept."""
    tokens = [token for flag in flags for token in _FLAG_SPLIT.split(flag) if token]
    i = 0
    while i < len(tokens):
        if tokens[i] == "range:" and i + 1 < len(tokens):
            yield f"range: {tokens[i + 1]}"
            i += 2
        else:
            yield tokens[i]
            i += 1


def _range_flag(flag: str) -> str | None:
    match = re.fullmatch(r"range:\s*(\d+)\.\.(\d+)", flag)
    if not match or int(match[1]) > int(match[2]):
        return None
    return f"range: {int(match[1])}..{int(match[2])}"
