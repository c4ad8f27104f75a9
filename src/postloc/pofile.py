"""PO text in and out: a strict reader and a writer byte-identical to GNU ``msgcat``.

Both work on ``str``; opening files is the caller's business. The in-memory
catalogue is polib's ``POFile``/``POEntry`` (the header lives in ``po.header``,
``po.metadata`` and ``po.metadata_is_fuzzy``, obsolete entries are entries with
``obsolete=True``), but neither polib's parser nor its writer is used: polib
loses ``#~|`` lines, strips comment whitespace and wraps differently from
gettext, and a catalogue that changes shape when Poedit or ``msgcat`` touches
it produces noisy diffs. The writer follows gettext 0.21's ``write-po.c``; line
breaking inside strings is :mod:`postloc.linebreak`.

Normalisations, all of them msgcat's own: flags are written in gettext's order
(``fuzzy``, format flags, ``range:``, ``no-wrap``) with later format flags
overriding earlier ones for the same language; ``fuzzy`` is dropped from an
entry whose ``msgstr`` is empty; an obsolete entry with an empty ``msgstr`` is
not written at all; obsolete entries keep only the ``fuzzy`` flag; duplicate
references are written once and a leading ``./`` is dropped. Flags gettext does
not know (``markup-damaged``) are kept after the known ones, where msgcat would
drop them.

The reader is :mod:`postloc.poreader`, the writer :mod:`postloc.powriter`, and the flag rules
both share :mod:`postloc.poflags`; this module is their public face.
"""

from __future__ import annotations

from .poflags import FORMAT_LANGUAGES, normalized_flags
from .poreader import read_po
from .powriter import PAGE_WIDTH, dump_po

__all__ = ["FORMAT_LANGUAGES", "PAGE_WIDTH", "dump_po", "normalized_flags", "read_po"]
