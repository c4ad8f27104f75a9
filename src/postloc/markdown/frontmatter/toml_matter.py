"""TOML front matter (Hugo's ``+++``): read with ``tomllib``, located and written with tomlkit.

``tomllib`` (strict TOML 1.0) reads the mapping and names the line of an
error. tomlkit keeps every byte of a document it parses, so a value is
located by letting tomlkit put a unique sentinel string in its place: the
rest of its output is the source, byte for byte, and the sentinel marks
where the value was. The offsets found are then checked by rebuilding the
source from tomlkit's output, so a tomlkit that moved anything else would
be caught, not trusted. New top-level keys go where tomlkit puts one:
after the last top-level key, before the first ``[table]`` (below it they
would belong to the table).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from typing import Any, Final

import tomlkit
import tomlkit.exceptions
from tomlkit.container import Container, OutOfOrderTableProxy
from tomlkit.items import AoT, Item, Table

from postloc.characters import describe, first_forbidden
from postloc.errors import BadFrontMatter
from postloc.markdown.frontmatter.codec import Codec, LineOf, Spot
from postloc.markdown.frontmatter.paths import Address
from postloc.markdown.frontmatter.paths import describe as describe_address
from postloc.markdown.lines import line_starts
from postloc.markdown.model import Edit

_WHERE: Final = re.compile(
    r"^(?P<problem>.*) \((?:at line (?P<line>\d+), column \d+|at end of document)\)$"
)
"""How ``tomllib`` ends an error message."""
_BARE_KEY: Final = re.compile(r"[A-Za-z0-9_-]+")
_NOT_LITERAL: Final = re.compile("['\x00-\x08\x0a-\x1f\x7f]")
"""What a one-line literal string ``'…'`` cannot hold."""
_SENTINEL: Final = "\ue000postloc"
"""Start of the sentinel strings (a private-use character, lengthened if the source has it)."""


def _load(source: str, line_of: LineOf) -> dict[str, Any]:
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise _decode_error(str(exc), source, line_of) from None
    _refuse_escaped_characters(data, source, line_of)
    return data


def _decode_error(message: str, source: str, line_of: LineOf) -> BadFrontMatter:
    found = _WHERE.match(message)
    problem = found.group("problem") if found else message
    if problem.startswith(("Cannot overwrite a value", "Cannot declare")):
        problem += " (a key or table is set twice)"
    if found and found.group("line"):
        starts = line_starts(source)
        offset = starts[min(int(found.group("line")), len(starts)) - 1]
    else:
        offset = len(source)
    return BadFrontMatter(f"invalid TOML: {problem}", line=line_of(offset))


def _refuse_escaped_characters(data: dict[str, Any], source: str, line_of: LineOf) -> None:
    """Refuse a character postloc refuses that an escape (``"\\u0000"``) wrote: the raw
    character was refused with the post's text, the escape reaches the template and export."""
    stack: list[tuple[Address, Any]] = [((), data)]
    while stack:
        address, value = stack.pop()
        if isinstance(value, dict):
            for key in value:
                bad = first_forbidden(key)
                if bad is not None:
                    message = f"{describe(key[bad])} (written as an escape) in a key"
                    raise BadFrontMatter(message, line=line_of(0))
            stack += reversed([((*address, k), v) for k, v in value.items()])
        elif isinstance(value, list):
            stack += reversed([((*address, i), v) for i, v in enumerate(value)])
        elif isinstance(value, str):
            bad = first_forbidden(value)
            if bad is not None:
                spot = _locate(source, [address], line_of)[0]
                message = f"{describe(value[bad])} (written as an escape)"
                raise BadFrontMatter(message, line=line_of(spot[0]))


_LOCATED: dict[tuple[str, tuple[Address, ...]], list[tuple[int, int]]] = {}
_CACHE_MAX: Final = 64


def _document(source: str, line_of: LineOf) -> tomlkit.TOMLDocument:
    """A fresh tomlkit document of ``source`` (callers change it)."""
    try:
        return tomlkit.parse(source)
    except tomlkit.exceptions.ParseError as exc:
        starts = line_starts(source)
        offset = starts[min(max(exc.line, 1), len(starts)) - 1]
        raise BadFrontMatter(
            f"TOML that tomlkit cannot read: {exc}", line=line_of(offset)
        ) from None


def _locate(source: str, addresses: Sequence[Address], line_of: LineOf) -> list[tuple[int, int]]:
    """The source span of the value at each address (anything but a ``[table]``)."""
    key = (source, tuple(addresses))
    if key not in _LOCATED:
        if len(_LOCATED) >= _CACHE_MAX:
            _LOCATED.pop(next(iter(_LOCATED)))
        _LOCATED[key] = _locate_all(source, addresses, line_of)
    return _LOCATED[key]


def _locate_all(
    source: str, addresses: Sequence[Address], line_of: LineOf
) -> list[tuple[int, int]]:
    doc = _document(source, line_of)
    mark = _SENTINEL
    while mark in source:
        mark += "\ue001"
    swaps: list[tuple[str, str]] = []  # (sentinel as written, original as written)
    for index, address in enumerate(addresses):
        parent, last = _parent(doc, address)
        original = _item(parent, last, address)
        sentinel = tomlkit.item(f"{mark}{index}\ue002")
        parent[last] = sentinel
        swaps.append((sentinel.as_string(), original.as_string()))
    out = doc.as_string()
    order = sorted((out.find(written), index) for index, (written, _) in enumerate(swaps))
    spans: list[tuple[int, int]] = [(0, 0)] * len(swaps)
    rebuilt: list[str] = []
    done = shift = 0
    for position, index in order:
        written, source_form = swaps[index]
        if position < done:
            raise _cannot_locate(addresses[index], line_of)
        rebuilt += (out[done:position], source_form)
        start = position - shift
        spans[index] = (start, start + len(source_form))
        shift += len(written) - len(source_form)
        done = position + len(written)
    rebuilt.append(out[done:])
    if "".join(rebuilt) != source:
        raise _cannot_locate(addresses[0], line_of)
    return spans


def _parent(doc: tomlkit.TOMLDocument, address: Address) -> tuple[Any, str | int]:
    current: Any = doc
    for part in address[:-1]:
        current = current[part]
    return current, address[-1]


def _item(parent: Any, last: str | int, address: Address) -> Item:
    """The item at ``parent[last]``: a value written after ``=`` or in an array, never a
    ``[table]`` (whose source is a header and lines, no span to replace)."""
    value = parent[last]
    if isinstance(value, Table | AoT | OutOfOrderTableProxy | Container):
        raise KeyError(f"{describe_address(address)} is a table")
    if not isinstance(value, Item):
        raise KeyError(describe_address(address))
    return value


def _cannot_locate(address: Address, line_of: LineOf) -> BadFrontMatter:
    return BadFrontMatter(
        f"cannot locate {describe_address(address)!r} in this TOML front matter "
        "(tomlkit rewrote more than the value; please report it)",
        line=line_of(0),
    )


def _spots(source: str, addresses: Sequence[Address], line_of: LineOf) -> list[Spot]:
    if not addresses:
        return []
    found = []
    for start, end in _locate(source, addresses, line_of):
        literal = source.startswith("'", start) and not source.startswith("'''", start)
        found.append(Spot(start, end, "literal" if literal else "basic"))
    return found


def _write(text: str, spot: Spot) -> str:
    if spot.style == "literal" and not _NOT_LITERAL.search(text):
        return f"'{text}'"
    return tomlkit.item(text).as_string()


def format_value(value: Any) -> str:
    """``value`` as TOML on one line; TypeError for what TOML cannot hold (None) or cannot
    write on one line (a list of mappings)."""
    if value is None:
        raise TypeError("TOML has no null value")
    if isinstance(value, Mapping):
        table = tomlkit.inline_table()
        table.update(value)
        text = table.as_string()
    else:
        item = tomlkit.item(list(value) if isinstance(value, tuple) else value)
        if isinstance(item, Table | AoT):
            raise TypeError(f"cannot write {value!r} into TOML front matter on one line")
        text = item.as_string()
    if "\n" in text or "\r" in text:
        raise TypeError(f"cannot write {value!r} into TOML front matter on one line")
    return text


def format_key(key: str) -> str:
    """A top-level key: bare when TOML allows it, else a basic string."""
    return key if _BARE_KEY.fullmatch(key) else tomlkit.item(key).as_string()


def _set_keys(
    source: str,
    data: Mapping[str, Any],
    pairs: Sequence[tuple[str, Any]],
    newline: str,
    line_of: LineOf,
) -> list[Edit]:
    found: list[Edit] = []
    lines: list[str] = []
    for key, value in pairs:
        if key not in data:
            lines.append(f"{format_key(key)} = {format_value(value)}{newline}")
            continue
        if type(data[key]) is type(value) and data[key] == value:
            continue
        try:
            ((start, end),) = _locate(source, [(key,)], line_of)
        except KeyError:
            raise BadFrontMatter(
                f"front matter key {key!r} is a table; postloc sets it to a value on export",
                line=line_of(0),
            ) from None
        found.append(Edit(start, end, format_value(value)))
    if lines:
        found.append(_insertion(source, "".join(lines), newline, line_of))
    return found


def _insertion(source: str, lines: str, newline: str, line_of: LineOf) -> Edit:
    """Insert top-level ``lines`` where tomlkit would add a key: after the last top-level
    key, before the first table header."""
    doc = _document(source, line_of)
    mark = "postloc_new_key"
    while mark in source:
        mark += "_"
    doc.add(mark, 0)
    out = doc.as_string()
    position = out.find(f"{mark} = 0")
    at_line_start = position == 0 or out[position - 1] in "\r\n"
    if at_line_start and out[:position] == source[:position]:
        return Edit(position, position, lines)
    if out.startswith(source) and not source.endswith(("\n", "\r")):
        return Edit(len(source), len(source), newline + lines)
    raise BadFrontMatter(
        "cannot find where a new key goes in this TOML front matter (please report it)",
        line=line_of(0),
    )


TOML: Final = Codec(load=_load, spots=_spots, write=_write, set_keys=_set_keys)
"""The TOML codec."""
