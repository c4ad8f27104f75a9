"""YAML scalars written back into front matter: plain when that reads back, else quoted.

A translated value, or a key export sets, replaces one scalar's source; it
must read back as exactly the same string in the place it lands (a block or
flow mapping value, a block or flow sequence item), on one line, so that
nothing around it changes meaning.
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import Any

import yaml

_WIDE = 1 << 30
"""Emitter width that never folds a scalar over several lines."""
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
"""The loader of the read-back checks, which run once per exported value."""
_FAST_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's emitter when present (same bytes as PyYAML's, see :func:`double_quoted`)."""


def format_scalar(value: Any, flow: bool = False, *, in_sequence: bool = False) -> str:
    """YAML source for ``value`` as a mapping value (or an ``in_sequence`` item): plain when
    that reads back identically.

    Strings are plain if YAML reads them back as the same string in this
    context (block or ``flow`` mapping or sequence) and hold no tab or control
    character (:data:`_CONTROL`), otherwise double-quoted on one line.
    Other scalars use PyYAML's safe representation; lists and mappings are
    written in flow style. Raises TypeError for values YAML cannot represent safely.
    """
    if isinstance(value, str):
        plain = not _cannot_be_plain(value) and not _CONTROL.search(value)
        if plain and _reads_back(value, value, flow, in_sequence=in_sequence):
            return value
        return double_quoted(value)
    if value is None or isinstance(value, bool | int | float | datetime.date):
        return _format_plain_scalar(value, flow, in_sequence)
    if isinstance(value, list | tuple | dict):
        text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=_WIDE)
        return _checked(text, value, flow, in_sequence)
    raise TypeError(f"cannot write {type(value).__name__} into front matter")


@functools.lru_cache(maxsize=256, typed=True)
def _format_plain_scalar(value: Any, flow: bool, in_sequence: bool) -> str:
    """PyYAML's form of a non-string scalar (the same few flags and ratios recur on every post)."""
    dumped = yaml.safe_dump(value, allow_unicode=True, width=_WIDE)
    return _checked(dumped, value, flow, in_sequence)


def _checked(dumped: str, value: Any, flow: bool, in_sequence: bool) -> str:
    text = dumped.removesuffix("\n...\n").strip()
    if not _reads_back(text, value, flow, in_sequence=in_sequence):
        raise TypeError(f"cannot write {value!r} into front matter on one line")
    return text


def double_quoted(text: str) -> str:
    """``text`` as a one-line double-quoted YAML scalar, exactly as PyYAML writes it.

    libyaml's emitter writes the same bytes as PyYAML's (a test compares them
    on random text) and is about 20 times faster; it serves when present.
    Lone surrogates, which libyaml cannot encode, go to PyYAML.
    """
    try:
        dumped = _dump_double_quoted(text, _FAST_DUMPER)
    except UnicodeEncodeError:
        dumped = _dump_double_quoted(text, yaml.SafeDumper)
    return dumped.rstrip("\n")


def _dump_double_quoted(text: str, dumper: Any) -> str:
    dumped: str = yaml.dump(text, Dumper=dumper, default_style='"', allow_unicode=True, width=_WIDE)
    return dumped


def format_key(key: str) -> str:
    """YAML source for a top-level mapping key (plain when safe, else double-quoted)."""
    plain = key and ":" not in key and not _CONTROL.search(key)
    if plain and _reads_back(key, key, False, as_key=True):
        return key
    return double_quoted(key)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
"""A tab, control character (C0, DEL, C1), line separator or BOM: never written plain. libyaml
reads ``Título<TAB>X`` back plain where PyYAML (and so ``postloc`` itself) refuses it, so such
a value is always double-quoted, a tab written ``\\t``."""
_NOT_PLAIN = re.compile(r"""[][{}#&*!|>'"%@`,]|.*(?:: | #)""", re.DOTALL)


def _cannot_be_plain(text: str) -> bool:
    """Quick no for :func:`_reads_back`: an indicator first, or ``": "``/``" #"`` inside.

    YAML never reads such a plain scalar back as the same string (flow
    collection, comment, anchor, tag, quoted or block scalar, reserved
    character, or a mapping value cut short), so there is no need to ask it.
    """
    return _NOT_PLAIN.match(text) is not None


def _reads_back(
    source: str, expected: Any, flow: bool, as_key: bool = False, *, in_sequence: bool = False
) -> bool:
    """Whether ``source`` placed as a value (or key, or sequence item) loads back as exactly
    ``expected``."""
    if not source or "\n" in source or "\r" in source or source != source.strip():
        return False
    if in_sequence:
        doc = f"[{source}]" if flow else f"- {source}"
    else:
        doc = f"{source}: x" if as_key else f"k: {source}"
        doc = "{" + doc + "}" if flow else doc
    loaded = _load(doc, _FAST_LOADER)
    if flow and loaded is not _MISSING and _load(doc, yaml.SafeLoader) != loaded:
        return False  # libyaml reads `{k: a?b}`, PyYAML refuses it: quote for every reader
    if in_sequence:
        if not isinstance(loaded, list) or len(loaded) != 1:
            return False
        got = loaded[0]
    elif not isinstance(loaded, dict) or len(loaded) != 1:
        return False
    elif as_key:
        return list(loaded) == [expected] and type(next(iter(loaded))) is type(expected)
    else:
        got = loaded.get("k", _MISSING)
    return type(got) is type(expected) and bool(got == expected)


def _load(doc: str, loader: Any) -> Any:
    try:
        return yaml.load(doc, Loader=loader)
    except yaml.YAMLError:
        return _MISSING


_MISSING = object()
