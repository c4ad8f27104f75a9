"""What a catalogue says, as opposed to how its file is laid out.

Translators' tools wrap strings their own way (Poedit, Weblate, polib, ``msgcat -w 40`` or
``--no-wrap``). A catalogue they re-wrapped says the same thing: it is neither stale for
``sync --check`` nor rewritten by ``sync`` (docs/architecture.md, "PO conventions"). Content is
everything the writer puts in the file except layout: the header comment and fields, and each
entry's strings, comments, references, flags and previous strings.

One line is content for ``sync`` but not for ``sync --check``: the ``MT:`` note of a draft a
person has since edited. ``sync`` drops it (the entry is the person's now), but a translator who
edits a draft in Poedit and commits must not see ``sync --check`` fail on their pull request
for a line only postloc derives.
"""

from __future__ import annotations

from collections.abc import Sequence

import polib

from postloc.errors import PostlocError
from postloc.po.flags import normalized_flags

Content = tuple[object, ...]


def catalogue_content(po: polib.POFile, ignored_fields: Sequence[str] = ()) -> Content:
    """Everything of ``po`` that reaches the ``.po`` text, but for the named header fields."""
    header = [(k, v) for k, v in po.metadata.items() if k not in ignored_fields]
    return (po.header, bool(po.metadata_is_fuzzy), header, [entry_content(e) for e in po])


def entry_content(entry: polib.POEntry) -> Content:
    """Everything of an entry that reaches the ``.po`` text."""
    return (
        entry.obsolete,
        entry.msgctxt,
        entry.msgid,
        entry.msgid_plural,
        entry.msgstr,
        sorted(entry.msgstr_plural.items()),
        entry.tcomment,
        entry.comment,
        list(entry.occurrences),
        normalized_flags(entry),
        entry.previous_msgctxt,
        entry.previous_msgid,
        entry.previous_msgid_plural,
    )


def same_content(
    text: str, planned_text: str, path: str, *, ignore_stale_notes: bool = False
) -> bool:
    """Whether the file ``text`` (maybe laid out by another tool) says what ``planned_text`` does.

    ``planned_text`` is postloc's own rendering. The file goes through postloc's reader and
    writer first, so what the writer normalizes (flag order, duplicate references, dropped
    empty obsolete entries) is not mistaken for a difference. A file that does not parse is
    not the same. ``ignore_stale_notes`` also passes over the ``MT:`` lines that postloc would
    drop (``sync --check``: see the module docstring).
    """
    if text == planned_text:
        return True
    from postloc.po.read import read_po
    from postloc.po.state import drop_stale_note
    from postloc.po.write import dump_po

    try:
        on_disk = read_po(text, path)
    except PostlocError:
        return False
    if ignore_stale_notes:
        for entry in on_disk:
            drop_stale_note(entry)
    normalized = read_po(dump_po(on_disk), path)
    return catalogue_content(normalized) == catalogue_content(read_po(planned_text, path))
