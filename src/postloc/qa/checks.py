"""QA of translations: each check is a plain function in :data:`CHECKS` returning findings.

Checks read Markdown through markdown-it-py's own inline parser (never regexes
over Markdown), so "the same markup" means what a renderer would see. One run
reports every problem; the CLI decides the exit code from the severities.

This module runs the checks over entries and catalogues and holds the :class:`Issue` reports;
the check functions are in :mod:`postloc.qa.rules` and what they read of a segment in
:mod:`postloc.qa.text`. Every public name of those is importable from here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass
from typing import Any

import polib

from postloc.config import DEFAULT_RULES, Extraction
from postloc.po.state import DAMAGED_FLAG, damage_note, machine_note
from postloc.qa.rules import (
    BLANK_CHECKS,
    CHECKS,
    Finding,
    Pair,
    Severity,
)
from postloc.qa.text import ParsedText, parse_text


@dataclass(frozen=True, slots=True)
class Issue:
    """One QA problem, located well enough for a reviewer to open the entry."""

    post: str
    """Post slug (the catalogue's stem)."""
    lang: str
    """Target language of the catalogue."""
    line: int
    """Source line of the entry's first reference (0 when it has none)."""
    check: str
    """Name of the check that fired, e.g. ``inline-code``."""
    severity: Severity
    """``error`` fails ``postloc check``; ``warning`` is only reported."""
    message: str
    """One line saying what differs between source and translation."""


def check_entry(
    msgid: str,
    msgstr: str,
    *,
    kind: str,
    lang: str,
    flags: Collection[str] = (),
    source_lang: str = "fr",
    rules: Extraction = DEFAULT_RULES,
) -> list[Finding]:
    """Run every check on one source/translation pair; ``rules`` say which site-tag
    parameter values are translated (the configuration's ``extraction``)."""
    pair = Pair(
        parse_text(msgid),
        parse_text(msgstr) if msgstr.strip() else ParsedText(msgstr, (), ()),
        kind,
        lang,
        source_lang,
        frozenset(flags),
        rules,
    )
    checks = CHECKS if msgstr.strip() else BLANK_CHECKS
    return [finding for check in checks for finding in check(pair)]


def entry_kind(entry: polib.POEntry) -> str:
    """The segment kind from the ``#. type: <kind>`` extracted comment (``""`` if none)."""
    for line in (entry.comment or "").splitlines():
        if line.startswith("type:"):
            return line[len("type:") :].strip()
    return ""


def entry_line(entry: polib.POEntry) -> int:
    """The line of the entry's first ``#:`` reference, 0 when absent or not a number."""
    for _path, line in entry.occurrences:
        try:
            return int(line)
        except (TypeError, ValueError):
            return 0
    return 0


def _pairs(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) pairs: one, or one per plural form."""
    if entry.msgid_plural:
        forms = entry.msgstr_plural or {}
        return [
            (entry.msgid if index == 0 else entry.msgid_plural, text)
            for index, text in sorted(forms.items())
        ]
    return [(entry.msgid, entry.msgstr)]


def _flags(entry: polib.POEntry) -> list[str]:
    """The entry's flags, plus the damage pseudo-flag while an untouched draft carries a
    damage note (once a person edits the draft, the other checks judge their text)."""
    flags = list(entry.flags)
    damaged = damage_note(entry) is not None and machine_note(entry) is not None
    if damaged and DAMAGED_FLAG not in flags:
        flags.append(DAMAGED_FLAG)
    return flags


def check_catalogue(
    po: polib.POFile,
    *,
    post: str,
    lang: str,
    source_lang: str = "fr",
    rules: Extraction = DEFAULT_RULES,
) -> list[Issue]:
    """QA every non-obsolete entry that has a translation (reviewed, machine or fuzzy)."""
    issues: list[Issue] = []
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        pairs = _pairs(entry)
        if not any(text for _source, text in pairs):
            continue
        kind, line = entry_kind(entry), entry_line(entry)
        seen: set[Finding] = set()
        for source, text in pairs:
            for finding in check_entry(
                source,
                text,
                kind=kind,
                lang=lang,
                flags=_flags(entry),
                source_lang=source_lang,
                rules=rules,
            ):
                if finding not in seen:
                    seen.add(finding)
                    issues.append(Issue(post, lang, line, *finding))
    return issues


def count_errors(issues: Iterable[Issue]) -> int:
    """Issues that fail ``postloc check`` (the rest are warnings)."""
    return sum(1 for issue in issues if issue.severity == "error")


def issues_to_json(issues: Iterable[Issue]) -> list[dict[str, Any]]:
    """The ``--json`` form: keys exactly ``post, lang, line, check, severity, message``."""
    return [asdict(issue) for issue in issues]
