"""GNU ``.mo`` files from catalogues, byte-for-byte deterministic.

Written here rather than through ``polib.POFile.to_binary`` because that has no
``--use-fuzzy`` and its choice of entries differs from ``msgfmt``'s; this module
picks entries exactly as ``msgfmt`` does so ``msgunfmt`` reads back the same.
"""

from __future__ import annotations

import struct

import polib

from postloc.po.state import is_fuzzy

MO_MAGIC = 0x950412DE
_HEADER_SIZE = 7 * 4


def _header_text(po: polib.POFile) -> str:
    """The header entry's msgstr as ``msgfmt`` stores it (fuzzy or not)."""
    header: str = po.metadata_as_entry().msgstr
    return header


def _message(entry: polib.POEntry) -> tuple[bytes, bytes] | None:
    """``(key, value)`` as stored in a ``.mo``, or None when msgfmt would skip it.

    msgfmt keeps an entry whose (first) translation is non-empty; plural forms
    are joined with NUL, context prefixed with ``EOT``.
    """
    if entry.msgid_plural:
        forms = [text for _index, text in sorted((entry.msgstr_plural or {}).items())]
        if not forms or not forms[0]:
            return None
        key = f"{entry.msgid}\0{entry.msgid_plural}"
        value = "\0".join(forms)
    else:
        if not entry.msgstr:
            return None
        key, value = entry.msgid, entry.msgstr
    if entry.msgctxt is not None:
        key = f"{entry.msgctxt}\x04{key}"
    return key.encode("utf-8"), value.encode("utf-8")


def compile_catalogue(po: polib.POFile, *, use_fuzzy: bool = False) -> bytes:
    """MO bytes for ``po``: header kept, obsolete never, fuzzy only with ``use_fuzzy``.

    Strings are UTF-8 (the project's only charset), sorted by key as the format
    requires; no hash table (readers fall back to binary search).
    """
    messages: dict[bytes, bytes] = {}
    if header := _header_text(po):
        messages[b""] = header.encode("utf-8")
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        if is_fuzzy(entry) and not use_fuzzy:
            continue
        message = _message(entry)
        if message is not None:
            messages.setdefault(*message)
    keys = sorted(messages)
    count = len(keys)
    originals_at = _HEADER_SIZE
    translations_at = originals_at + count * 8
    data_at = translations_at + count * 8
    originals, translations, data = [], [], bytearray()
    for key in keys:
        originals.append((len(key), data_at + len(data)))
        data += key + b"\0"
    for key in keys:
        value = messages[key]
        translations.append((len(value), data_at + len(data)))
        data += value + b"\0"
    out = bytearray(
        struct.pack("<7I", MO_MAGIC, 0, count, originals_at, translations_at, 0, data_at)
    )
    for length, offset in originals + translations:
        out += struct.pack("<2I", length, offset)
    return bytes(out + data)
